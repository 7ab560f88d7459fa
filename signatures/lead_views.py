"""The coalition's own pages about its petitions: everyone in it follows them, leads change them."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from campaigns.access import get_campaign_for_user
from campaigns.selectors import adopted_texts
from coalitions.errors import DomainError
from coalitions.forms import CsvUploadForm
from coalitions.imports import ImportFileError, import_job_start, import_kind
from coalitions.models import ImportJob, ImportStatus

from . import selectors, services
from .access import get_petition_for_user
from .chart import signatures_chart
from .export import delivery_csv
from .imports import KIND as PAPER_KIND
from .lead_forms import PaperTotalForm, PetitionForm, PetitionTextForm
from .models import PaperTotal, PetitionStatus, PetitionText

TRANSITIONS = {
    "open": (services.petition_open, gettext_lazy("The petition is open for signatures.")),
    "pause": (services.petition_pause, gettext_lazy("The petition is paused: nobody can sign until you open it again.")),
    "close": (services.petition_close, gettext_lazy("The petition is closed.")),
    "reopen": (services.petition_reopen, gettext_lazy("The petition is open for signatures again.")),
}
# Which buttons a lead sees in each state; any other request is refused by the service in words.
NEXT_STEPS = {
    PetitionStatus.DRAFT: ["open"],
    PetitionStatus.OPEN: ["pause", "close"],
    PetitionStatus.PAUSED: ["open", "close"],
    PetitionStatus.CLOSED: ["reopen"],
}


def _dashboard_url(petition) -> str:
    return reverse("petition_dashboard", args=[petition.coalition.slug, petition.campaign.slug, petition.slug])


def _page(petition, **context) -> dict:
    return {
        "coalition": petition.campaign.coalition, "campaign": petition.campaign, "access": petition.access,
        "petition": petition, "petition_title": selectors.petition_working_title(petition, get_language()),
        **context,
    }


@login_required
def petition_list(request, slug: str, campaign_slug: str):
    campaign = get_campaign_for_user(request.user, slug, campaign_slug)
    petitions = list(campaign.petitions.prefetch_related("texts"))
    counts = selectors.campaign_petition_counts([petition.pk for petition in petitions])
    for petition in petitions:
        petition.counts = counts[petition.pk]
        petition.title = selectors.petition_working_title(petition, get_language())
    return render(
        request,
        "signatures/lead_petition_list.html",
        {"coalition": campaign.coalition, "campaign": campaign, "access": campaign.access, "petitions": petitions},
    )


@login_required
def petition_create(request, slug: str, campaign_slug: str):
    campaign = get_campaign_for_user(request.user, slug, campaign_slug, need="lead")
    form = PetitionForm(request.POST or None, coalition=campaign.coalition, initial={"slug": campaign.slug})
    if request.method == "POST" and form.is_valid():
        try:
            petition = services.petition_create(campaign=campaign, by=request.user, **form.cleaned_data)
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("The petition is drafted. Write its text next, then approve it."))
            return redirect("petition_texts", slug, campaign.slug, petition.slug)
    return render(
        request,
        "signatures/lead_petition_form.html",
        {"coalition": campaign.coalition, "campaign": campaign, "access": campaign.access, "form": form},
    )


@login_required
def petition_edit(request, slug: str, campaign_slug: str, petition_slug: str):
    petition = get_petition_for_user(request.user, slug, campaign_slug, petition_slug, need="edit")
    form = PetitionForm(
        request.POST or None, coalition=petition.coalition, with_slug=False, initial=PetitionForm.initial_for(petition)
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.petition_update(petition=petition, by=request.user, **form.cleaned_data)
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("The petition has been saved."))
            return redirect(_dashboard_url(petition))
    return render(request, "signatures/lead_petition_form.html", _page(petition, form=form))


def _dashboard(request, petition, paper_form=None):
    zone = timezone.get_current_timezone()
    today = timezone.localdate()
    is_lead = petition.access.is_lead
    if paper_form is None and is_lead:
        paper_form = PaperTotalForm(regions=petition.regions, initial={"collected_on": today})
    chart = signatures_chart(
        selectors.petition_daily_counts(petition, zone), today=today,
        created_on=timezone.localtime(petition.created_at, zone).date(),
    )
    public_url = f"/p/{petition.slug}/"
    return render(
        request,
        "signatures/lead_petition_dashboard.html",
        _page(
            petition,
            counts=selectors.petition_counts(petition, with_uncounted=True),
            regions=selectors.region_counts(petition, with_uncounted=True),
            public_region_minimum=selectors.PUBLIC_REGION_MINIMUM,
            chart=chart,
            texts=list(petition.texts.all()),
            organisations=list(petition.organisations.all()),
            paper_totals=selectors.paper_totals(petition),
            paper_form=paper_form,
            next_steps=NEXT_STEPS.get(petition.status, []) if is_lead else [],
            public_url=public_url,
            public_link=f"{settings.SITE_URL}{public_url}",
            qr_url=f"{public_url}qr.svg",
        ),
    )


@login_required
def petition_dashboard(request, slug: str, campaign_slug: str, petition_slug: str):
    petition = get_petition_for_user(request.user, slug, campaign_slug, petition_slug)
    return _dashboard(request, petition)


@login_required
@require_POST
def petition_transition(request, slug: str, campaign_slug: str, petition_slug: str, action: str):
    petition = get_petition_for_user(request.user, slug, campaign_slug, petition_slug, need="edit")
    service, done = TRANSITIONS[action]
    try:
        service(petition=petition, by=request.user)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, done)
    return redirect(_dashboard_url(petition))


# Texts ----------------------------------------------------------------------------------------


def _default_text(campaign) -> dict[str, str]:
    """What the coalition already agreed: the petition usually says the message, then the ask."""
    adopted = adopted_texts(campaign)
    body = "\n\n".join(adopted[kind].body for kind in ("message", "ask") if kind in adopted)
    return {"title": campaign.title, "body": body}


def _texts_page(request, petition, bound_language=None, bound_form=None):
    texts = {text.language: text for text in petition.texts.select_related("approved_by")}
    default = _default_text(petition.campaign)
    sections = []
    for code, name in settings.LANGUAGES:
        text = texts.get(code)
        form = None
        if petition.access.is_lead:
            if code == bound_language:
                form = bound_form
            else:
                initial = {"title": text.title, "body": text.body} if text else default
                form = PetitionTextForm(prefix=code, initial=initial)
        sections.append({"code": code, "name": name, "text": text, "form": form})
    # Languages already written come first, the campaign's own language before the others.
    sections.sort(key=lambda s: (s["text"] is None, s["code"] != petition.campaign.language))
    return render(
        request, "signatures/lead_petition_texts.html",
        _page(petition, sections=sections, starts_from_agreed=bool(default["body"])),
    )


@login_required
def petition_texts(request, slug: str, campaign_slug: str, petition_slug: str):
    petition = get_petition_for_user(request.user, slug, campaign_slug, petition_slug)
    return _texts_page(request, petition)


def _language(code: str) -> str:
    if code not in dict(settings.LANGUAGES):
        raise Http404
    return code


@login_required
@require_POST
def petition_text_save(request, slug: str, campaign_slug: str, petition_slug: str, language: str):
    petition = get_petition_for_user(request.user, slug, campaign_slug, petition_slug, need="edit")
    language = _language(language)
    form = PetitionTextForm(request.POST, prefix=language)
    if form.is_valid():
        try:
            services.petition_text_set(petition=petition, by=request.user, language=language, **form.cleaned_data)
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            messages.success(
                request, _("The %(language)s text is saved. It is shown once a lead approves it.")
                % {"language": dict(settings.LANGUAGES)[language]},
            )
            return redirect(reverse("petition_texts", args=[slug, campaign_slug, petition.slug]) + f"#text-{language}")
    return _texts_page(request, petition, language, form)


@login_required
@require_POST
def petition_text_approve(request, slug: str, campaign_slug: str, petition_slug: str, language: str):
    petition = get_petition_for_user(request.user, slug, campaign_slug, petition_slug, need="edit")
    text = get_object_or_404(PetitionText, petition=petition, language=_language(language))
    text.petition = petition
    try:
        services.petition_text_approve(text=text, by=request.user)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request, _("The %(language)s text is approved.") % {"language": dict(settings.LANGUAGES)[language]}
        )
    return redirect(reverse("petition_texts", args=[slug, campaign_slug, petition.slug]) + f"#text-{language}")


# Export for delivery ----------------------------------------------------------------------------


@login_required
def petition_export(request, slug: str, campaign_slug: str, petition_slug: str):
    petition = get_petition_for_user(request.user, slug, campaign_slug, petition_slug, need="lead")
    until = timezone.now()
    zone = timezone.get_current_timezone()
    rows = selectors.signatures_for_delivery(petition, until=until).count()
    services.petition_export_record(petition=petition, by=request.user, rows=rows)
    # Streamed, so that 150,000 signers never sit in the server's memory at once. (Served this
    # way by the WSGI workers; an ASGI server collects a synchronous stream before sending it.)
    response = StreamingHttpResponse(delivery_csv(petition, until=until, zone=zone), content_type="text/csv; charset=utf-8")
    filename = f"{petition.slug}-signatures-{timezone.localdate().isoformat()}.csv"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response


# Paper sheets ------------------------------------------------------------------------------------


@login_required
@require_POST
def paper_total_add(request, slug: str, campaign_slug: str, petition_slug: str):
    petition = get_petition_for_user(request.user, slug, campaign_slug, petition_slug, need="edit")
    form = PaperTotalForm(request.POST, regions=petition.regions)
    if form.is_valid():
        try:
            services.paper_total_add(petition=petition, by=request.user, **form.cleaned_data)
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("The paper signatures are counted."))
            return redirect(_dashboard_url(petition) + "#paper")
    return _dashboard(request, petition, paper_form=form)


@login_required
@require_POST
def paper_total_delete(request, slug: str, campaign_slug: str, petition_slug: str, total_id: int):
    petition = get_petition_for_user(request.user, slug, campaign_slug, petition_slug, need="edit")
    total = get_object_or_404(PaperTotal, petition=petition, pk=total_id)
    total.petition = petition
    try:
        services.paper_total_delete(total=total, by=request.user)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("The paper signatures were taken out of the count."))
    return redirect(_dashboard_url(petition) + "#paper")


@login_required
def paper_import(request, slug: str, campaign_slug: str, petition_slug: str):
    petition = get_petition_for_user(request.user, slug, campaign_slug, petition_slug, need="edit")
    form = CsvUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            job = import_job_start(
                coalition=petition.coalition, by=request.user, kind=PAPER_KIND,
                scope={"campaign": petition.campaign.pk, "petition": petition.pk}, upload=form.cleaned_data["file"],
            )
        except ImportFileError as error:
            form.add_error("file", error.message)
        else:
            return redirect("import_job", slug, job.pk)
    unfinished = ImportJob.objects.filter(
        coalition=petition.coalition, created_by=request.user, kind=PAPER_KIND, scope__petition=petition.pk,
        status__in=[ImportStatus.UPLOADED, ImportStatus.VALIDATING, ImportStatus.READY, ImportStatus.APPLYING, ImportStatus.FAILED],
    ).exclude(rows=[])[:5]
    return render(
        request, "signatures/lead_paper_import.html",
        _page(petition, form=form, kind=import_kind(PAPER_KIND), unfinished=list(unfinished)),
    )


@login_required
def paper_import_template(request, slug: str, campaign_slug: str, petition_slug: str):
    petition = get_petition_for_user(request.user, slug, campaign_slug, petition_slug, need="edit")
    response = HttpResponse(import_kind(PAPER_KIND).template_csv(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{petition.slug}-paper-signatures-template.csv"'
    return response
