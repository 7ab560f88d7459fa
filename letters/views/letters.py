from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from campaigns.access import get_campaign_for_user
from campaigns.models import TextKind
from campaigns.selectors import adopted_texts, partner_organisations, public_commitments, public_commitments_summary
from coalitions.errors import DomainError
from coalitions.models import Organisation
from letters import selectors, services
from letters.access import get_letter_for_user
from letters.forms import DecisionForm, DeliveryForm, LetterForm, ResponseForm
from letters.models import Decision, LetterDelivery, LetterPdf, LetterStatus, content_hash
from letters.preview import letter_preview
from letters.render import LETTER_DATE_FORMAT, LETTER_DATE_FORMATS
from letters.versions import version_changes, version_content
from signatures.models import Petition
from signatures.selectors import petition_working_title


def _form(campaign, data=None, initial=None, order=()) -> LetterForm:
    """The letter's form; `order` puts the co-signers first, as the letterhead shows them."""
    petitions = Petition.objects.filter(campaign=campaign).prefetch_related("texts").select_related("campaign")
    position = {pk: index for index, pk in enumerate(order)}
    partners = sorted(partner_organisations(campaign.coalition), key=lambda o: position.get(o.pk, len(position)))
    return LetterForm(
        data, access=campaign.access, targets=list(campaign.targets.all()),
        partners=partners,
        petitions=[(p, petition_working_title(p, campaign.language) or p.slug) for p in petitions],
        initial=initial,
    )


def _first_error(form) -> str:
    return next(iter(form.errors.values()))[0]


def _draft_preview(campaign, form: LetterForm, letter) -> str:
    """The letter as the form would save it, drawn with the letter's own template."""
    fields = form.service_fields()
    content = version_content(
        subject=fields["subject"], body=fields["body"], language=fields["language"], place=fields["place"],
        on=fields["on"], targets=fields["targets"], cosigners=fields["cosigners"], petition=fields["petition"],
    )
    number = letter.current_version.number + 1 if letter is not None else 1
    return letter_preview(selectors.content_document(content, number=number, sha256=content_hash(content), on_screen=True))


def _initial_body(campaign) -> str:
    """A new letter starts from what the coalition agreed: its message, ask and solution."""
    adopted = adopted_texts(campaign)
    return "\n\n".join(adopted[kind].body for kind in TextKind if kind in adopted)


@login_required
def letter_list(request, slug: str, campaign_slug: str):
    campaign = get_campaign_for_user(request.user, slug, campaign_slug)
    letters = selectors.letter_list(campaign)
    for letter in letters:
        states = selectors.cosigner_states(letter, list(letter.decisions.all()))
        letter.approved_count = sum(state.approved for state in states)
        letter.cosigner_count = len(states)
    return render(
        request, "letters/letter_list.html",
        {
            "coalition": campaign.coalition, "campaign": campaign, "access": campaign.access,
            "open_letters": [letter for letter in letters if letter.status != LetterStatus.FINAL],
            "final_letters": [letter for letter in letters if letter.status == LetterStatus.FINAL],
        },
    )


@login_required
def letter_create(request, slug: str, campaign_slug: str):
    campaign = get_campaign_for_user(request.user, slug, campaign_slug, need="act")
    initial = {
        "language": campaign.language, "on": timezone.localdate(), "body": _initial_body(campaign),
        "targets": [target.pk for target in campaign.targets.all()[:1]],
        "cosigners": [organisation.pk for organisation in partner_organisations(campaign.coalition)],
    }
    form = _form(campaign, request.POST or None, initial=initial)
    return _compose(request, campaign, form, letter=None)


@login_required
def letter_edit(request, slug: str, campaign_slug: str, letter_id: int):
    letter = get_letter_for_user(request.user, slug, campaign_slug, letter_id, need="act")
    if not letter.is_open:
        messages.error(request, _("This letter is finalised and can no longer change."))
        return redirect(services.letter_url(letter))
    content = letter.current_version.content
    initial = {
        "subject": content["subject"], "body": content["body"], "language": content["language"],
        "place": content["place"], "on": content["date"], "targets": [t["id"] for t in content["targets"]],
        "cosigners": [c["organisation_id"] for c in content["cosigners"]],
        "unnamed": [c["organisation_id"] for c in content["cosigners"] if not c["named"]],
        "petition": (content.get("petition") or {}).get("id"),
    }
    form = _form(letter.campaign, request.POST or None, initial=initial, order=initial["cosigners"])
    return _compose(request, letter.campaign, form, letter=letter)


def _with_commitments(request, campaign, form: LetterForm) -> LetterForm:
    """The form as typed, unchecked (it may be half done), with a paragraph quoting the campaign's
    public commitments added at the end of the body, in the letter's language."""
    typed = {
        name: field.widget.value_from_datadict(form.data, form.files, form.add_prefix(name))
        for name, field in form.fields.items()
    }
    language = typed.get("language") or campaign.language
    summary = public_commitments_summary(
        campaign, language=language, today=timezone.localdate(),
        day_format=LETTER_DATE_FORMATS.get(language, LETTER_DATE_FORMAT),
    )
    body = (typed.get("body") or "").rstrip()
    if not summary:
        messages.info(request, _("No commitment of this campaign is marked to be quoted in letters yet."))
    elif summary in body:
        messages.info(request, _("The commitments are in the letter already."))
    else:
        typed["body"] = f"{body}\n\n{summary}" if body else summary
    order = [int(pk) for pk in typed.get("cosigners") or [] if str(pk).isdigit()]
    return _form(campaign, initial=typed, order=order)


def _compose(request, campaign, form: LetterForm, letter):
    preview = None
    if request.method == "POST" and "commitments" in request.POST:
        form = _with_commitments(request, campaign, form)
    elif request.method == "POST" and form.is_valid():
        if "preview" in request.POST:
            preview = _draft_preview(campaign, form, letter)
        else:
            fields = form.service_fields()
            try:
                if letter is None:
                    letter = services.letter_create(campaign=campaign, by=request.user, **fields)
                    messages.success(request, _("The letter is saved. Each co-signing organisation can now approve it."))
                else:
                    version = services.letter_revise(letter=letter, by=request.user, **fields)
                    messages.success(
                        request,
                        _("Version %(number)s is saved. Earlier approvals no longer count: the co-signers are asked again.")
                        % {"number": version.number},
                    )
            except DomainError as error:
                form.add_error(None, error.message)
            else:
                return redirect(services.letter_url(letter))
    return render(
        request, "letters/letter_form.html",
        {
            "coalition": campaign.coalition, "campaign": campaign, "form": form, "letter": letter, "preview": preview,
            "has_targets": bool(form.fields["targets"].choices),
            "commitments_to_quote": public_commitments(campaign).exists(),
        },
    )


def _pdf_state(letter) -> dict:
    pdfs = {pdf.final: pdf for pdf in LetterPdf.objects.filter(version=letter.current_version)}
    return {"draft_pdf": pdfs.get(False), "final_pdf": pdfs.get(True)}


@login_required
def letter_detail(request, slug: str, campaign_slug: str, letter_id: int):
    letter = get_letter_for_user(request.user, slug, campaign_slug, letter_id)
    return _board(request, letter)


def _board(request, letter, *, delivery_form=None, response_form=None, responding=None, typed=None, status=200):
    """The approval board: the current version, where each co-signer stands, and what this person
    may do. A form that failed comes back with what was typed in it."""
    access = letter.access
    version = letter.current_version
    states = selectors.cosigner_states(letter)
    signing_for = selectors.signing_organisation_ids(request.user, version.cosigner_ids) if access.can_act else set()
    for state in states:
        state.may_decide = letter.is_open and state.organisation_id in signing_for
        state.typed = (typed or {}).get(state.organisation_id, "")
    context = {
        "coalition": letter.campaign.coalition, "campaign": letter.campaign, "letter": letter, "version": version,
        "access": access, "states": states, "readiness": selectors.letter_readiness(letter, states),
        "deciding": [state for state in states if state.may_decide],
        "versions": list(letter.versions.select_related("organisation")),
        # A finalised letter reads as it was sent; a draft with places for the signatures.
        "preview": letter_preview(selectors.letter_document(version, final=letter.status == LetterStatus.FINAL, on_screen=True)),
        "decisions": Decision,
        **_pdf_state(letter),
    }
    if letter.status == LetterStatus.FINAL:
        targets, organisations = _delivery_choices(letter, access)
        deliveries = list(letter.deliveries.select_related("target", "organisation", "follow_up"))
        for delivery in deliveries:
            delivery.may_respond = access.may_act_for(delivery.organisation_id)
            delivery.response_form = (
                response_form if delivery.pk == responding
                else ResponseForm(initial={"response_on": timezone.localdate()}, prefix=f"response-{delivery.pk}")
            )
        if delivery_form is None and access.can_act and organisations:
            delivery_form = DeliveryForm(
                targets=targets, organisations=organisations, initial={"delivered_on": timezone.localdate()}
            )
        context.update({"deliveries": deliveries, "delivery_form": delivery_form, "responding": responding})
    return render(request, "letters/letter_detail.html", context, status=status)


def _delivery_choices(letter, access):
    addressed = [t["id"] for t in letter.current_version.content["targets"]]
    targets = list(letter.campaign.targets.filter(pk__in=addressed))
    organisations = [
        organisation for organisation in partner_organisations(letter.campaign.coalition)
        if access.may_act_for(organisation.pk)
    ]
    return targets, organisations


@login_required
def letter_version(request, slug: str, campaign_slug: str, letter_id: int, number: int):
    letter = get_letter_for_user(request.user, slug, campaign_slug, letter_id)
    version = letter.versions.filter(number=number).first()
    if version is None:
        raise Http404
    version.letter = letter
    return render(
        request, "letters/letter_version.html",
        {
            "coalition": letter.campaign.coalition, "campaign": letter.campaign, "letter": letter, "version": version,
            "preview": letter_preview(selectors.letter_document(version, final=False, on_screen=True)),
            "decisions": list(version.decisions.select_related("organisation")),
        },
    )


@login_required
def letter_diff(request, slug: str, campaign_slug: str, letter_id: int):
    letter = get_letter_for_user(request.user, slug, campaign_slug, letter_id)
    versions = {version.number: version for version in letter.versions.all()}
    newest = max(versions)
    to_number = _number(request.GET.get("to"), newest)
    from_number = _number(request.GET.get("from"), max(to_number - 1, min(versions)))
    if to_number not in versions or from_number not in versions:
        raise Http404
    old, new = versions[from_number], versions[to_number]
    return render(
        request, "letters/letter_diff.html",
        {
            "coalition": letter.campaign.coalition, "campaign": letter.campaign, "letter": letter,
            "old": old, "new": new, "changes": version_changes(old.content, new.content),
            "numbers": sorted(versions), "same": old.pk == new.pk,
        },
    )


def _number(value, default: int) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return default


@login_required
@require_POST
def letter_decide(request, slug: str, campaign_slug: str, letter_id: int):
    letter = get_letter_for_user(request.user, slug, campaign_slug, letter_id, need="act")
    form = DecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _first_error(form))
        return redirect(services.letter_url(letter))
    data = form.cleaned_data
    organisation = Organisation.objects.filter(pk=data["organisation"], pk__in=letter.current_version.cosigner_ids).first()
    if organisation is None:
        raise PermissionDenied
    try:
        services.letter_decide(
            letter=letter, by=request.user, organisation=organisation, decision=data["decision"],
            version_sha256=data["version_sha256"], comment=data["comment"],
        )
    except DomainError as error:
        messages.error(request, error.message)
        # The board again, with the comment as typed: nothing written is lost.
        letter.refresh_from_db()
        return _board(request, letter, typed={organisation.pk: data["comment"]}, status=400)
    messages.success(request, _DECIDED[data["decision"]] % {"organisation": organisation})
    return redirect(services.letter_url(letter) + "#board")


_DECIDED = {
    Decision.APPROVE: _("%(organisation)s approved this version."),
    Decision.CHANGES: _("%(organisation)s asked for changes."),
    Decision.DECLINE: _("%(organisation)s declined to sign."),
    Decision.WITHDRAW: _("%(organisation)s withdrew its approval."),
}


@login_required
@require_POST
def letter_remind(request, slug: str, campaign_slug: str, letter_id: int):
    letter = get_letter_for_user(request.user, slug, campaign_slug, letter_id, need="lead")
    try:
        count = services.letter_remind(letter=letter, by=request.user)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("A reminder went to %(count)s people who may approve.") % {"count": count})
    return redirect(services.letter_url(letter) + "#board")


@login_required
@require_POST
def letter_finalise(request, slug: str, campaign_slug: str, letter_id: int):
    letter = get_letter_for_user(request.user, slug, campaign_slug, letter_id, need="lead")
    try:
        services.letter_finalise(letter=letter, by=request.user)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("The letter is finalised. Its PDF is being prepared; this page shows it when ready."))
    return redirect(services.letter_url(letter))


@login_required
def letter_draft_pdf(request, slug: str, campaign_slug: str, letter_id: int):
    """POST asks the worker for a draft PDF of the current version; GET downloads it once drawn."""
    letter = get_letter_for_user(request.user, slug, campaign_slug, letter_id)
    if request.method == "POST":
        services.letter_draft_request(letter=letter, by=request.user)
        messages.success(request, _("The draft PDF is being prepared; this page links to it when ready."))
        return redirect(services.letter_url(letter) + "#pdf")
    pdf = LetterPdf.objects.filter(version=letter.current_version, final=False).first()
    if pdf is None or not pdf.is_ready:
        raise Http404
    return _pdf_response(pdf, _("draft-letter-v%(number)s.pdf") % {"number": letter.current_version.number})


@login_required
def letter_final_pdf(request, slug: str, campaign_slug: str, letter_id: int):
    """The one final PDF, always these same bytes."""
    letter = get_letter_for_user(request.user, slug, campaign_slug, letter_id)
    pdf = LetterPdf.objects.filter(version=letter.current_version, final=True).first()
    if letter.status != LetterStatus.FINAL or pdf is None or not pdf.is_ready:
        raise Http404
    return _pdf_response(pdf, _("letter-%(hash)s.pdf") % {"hash": pdf.sha256[:12]})


def _pdf_response(pdf: LetterPdf, filename: str):
    response = FileResponse(pdf.file.open("rb"), content_type="application/pdf", as_attachment=True, filename=filename)
    # It carries signatures: never kept by a shared cache.
    response["Cache-Control"] = "private, no-store"
    if pdf.final:
        response["ETag"] = f'"{pdf.sha256}"'
    return response


@login_required
@require_POST
def letter_delivery_create(request, slug: str, campaign_slug: str, letter_id: int):
    letter = get_letter_for_user(request.user, slug, campaign_slug, letter_id, need="act")
    targets, organisations = _delivery_choices(letter, letter.access)
    form = DeliveryForm(request.POST, targets=targets, organisations=organisations)
    if form.is_valid():
        try:
            services.letter_delivery_record(letter=letter, by=request.user, **form.cleaned_data)
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("The delivery is recorded."))
            return redirect(services.letter_url(letter) + "#deliveries")
    return _board(request, letter, delivery_form=form, status=400)


@login_required
@require_POST
def letter_response_record(request, slug: str, campaign_slug: str, letter_id: int, delivery_id: int):
    letter = get_letter_for_user(request.user, slug, campaign_slug, letter_id, need="act")
    delivery = LetterDelivery.objects.filter(letter=letter, pk=delivery_id).select_related("target", "organisation").first()
    if delivery is None:
        raise Http404
    delivery.letter = letter
    form = ResponseForm(request.POST, prefix=f"response-{delivery.pk}")
    if form.is_valid():
        try:
            services.letter_response_record(delivery=delivery, by=request.user, **form.cleaned_data)
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("The response is recorded."))
            return redirect(services.letter_url(letter) + "#deliveries")
    return _board(request, letter, response_form=form, responding=delivery.pk, status=400)
