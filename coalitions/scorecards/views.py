"""The coalition's scorecard: its rounds and trend, one round's page, and the changes made from them."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ..access import get_coalition_for_user
from ..errors import DomainError
from ..http import safe_next_url
from ..models import Affiliation, CoalitionRole, Organisation, Participation
from . import selectors, services
from .access import get_action_point_for_user, get_scorecard_round_for_user
from .chart import trend_chart
from .forms import ActionPointForm, AnswerForm, IndicatorAddForm, RoundOpenForm


def _round_url(scorecard, anchor: str = "") -> str:
    url = reverse("scorecard_detail", args=[scorecard.coalition.slug, scorecard.pk])
    return f"{url}#{anchor}" if anchor else url


def _first_error(form) -> str:
    return next(iter(form.errors.values()))[0]


@login_required
def scorecard_list(request, slug: str):
    coalition = get_coalition_for_user(request.user, slug)
    trend = selectors.scorecard_trend(coalition)
    return render(
        request,
        "coalitions/scorecard_list.html",
        {
            "coalition": coalition,
            "access": coalition.access,
            "rounds": selectors.scorecard_rounds_of_coalition(coalition),
            "trend": trend,
            "chart": trend_chart(trend) if trend.rounds else None,
            "open_form": RoundOpenForm() if coalition.access.is_lead else None,
        },
    )


@login_required
@require_POST
def scorecard_open(request, slug: str):
    coalition = get_coalition_for_user(request.user, slug, need="lead")
    form = RoundOpenForm(request.POST)
    if form.is_valid():
        try:
            scorecard = services.scorecard_round_open(coalition=coalition, by=request.user, **form.cleaned_data)
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("The round is open: partners may add indicators before scoring starts."))
            return redirect(_round_url(scorecard))
    else:
        messages.error(request, _first_error(form))
    return redirect("scorecard_list", coalition.slug)


def _answering_organisations(access) -> list[Organisation]:
    return [
        p.organisation for p in sorted(access.participations, key=lambda p: p.organisation.name.lower())
        if services.scorecard_may_answer_for(access, p.organisation_id)
    ]


def _action_point_form(coalition, data=None) -> ActionPointForm:
    partners = Participation.objects.filter(coalition=coalition).exclude(role=CoalitionRole.OBSERVER)
    organisations = list(Organisation.objects.filter(pk__in=partners.values("organisation_id")).order_by("name"))
    people = list(
        Affiliation.objects.filter(organisation__in=organisations)
        .select_related("user", "organisation")
        .order_by("organisation__name", "user__display_name")
    )
    return ActionPointForm(data, organisations=organisations, people=people)


@login_required
def scorecard_detail(request, slug: str, round_id: int, *, forms: dict | None = None):
    scorecard = get_scorecard_round_for_user(request.user, slug, round_id)
    access = scorecard.access
    page = selectors.scorecard_round_page(scorecard, access)
    forms = forms or {}
    answer_forms = [
        forms.get(("answer", mine.organisation.pk))
        or AnswerForm(organisation=mine.organisation, indicators=page.indicators, answers=mine.answers)
        for mine in page.answer_forms
    ]
    indicator_form = None
    if page.may_add_indicator:
        indicator_form = forms.get("indicator") or IndicatorAddForm(organisations=_answering_organisations(access))
    action_form = None
    if scorecard.is_closed and access.is_lead:
        action_form = forms.get("action") or _action_point_form(scorecard.coalition)
    return render(
        request,
        "coalitions/scorecard_detail.html",
        {
            "coalition": scorecard.coalition, "access": access, "scorecard": scorecard, "page": page,
            "answer_forms": answer_forms, "indicator_form": indicator_form, "action_form": action_form,
            "min_answers": selectors.MIN_ANSWERS_SHOWN,
        },
    )


@login_required
@require_POST
def scorecard_indicator_add(request, slug: str, round_id: int):
    scorecard = get_scorecard_round_for_user(request.user, slug, round_id, need="act")
    form = IndicatorAddForm(request.POST, organisations=_answering_organisations(scorecard.access))
    if not form.organisations:
        raise PermissionDenied
    if form.is_valid():
        try:
            services.scorecard_indicator_add(
                scorecard=scorecard, by=request.user, organisation=form.cleaned_data["organisation"],
                wording=form.cleaned_data["wording"],
            )
        except DomainError as error:
            if not scorecard.is_preparing:
                # Scoring started meanwhile: the page has no form left to show the reason in.
                messages.error(request, error.message)
                return redirect(_round_url(scorecard))
            form.add_error(None, error.message)
        else:
            messages.success(request, _("The indicator is added to the round."))
            return redirect(_round_url(scorecard, "indicators"))
    return scorecard_detail(request, slug, round_id, forms={"indicator": form})


@login_required
@require_POST
def scorecard_scoring_start(request, slug: str, round_id: int):
    scorecard = get_scorecard_round_for_user(request.user, slug, round_id, need="lead")
    try:
        services.scorecard_scoring_start(scorecard=scorecard, by=request.user)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Scoring is open; the partner organisations have been told."))
    return redirect(_round_url(scorecard))


@login_required
@require_POST
def scorecard_answer(request, slug: str, round_id: int):
    scorecard = get_scorecard_round_for_user(request.user, slug, round_id, need="act")
    organisations = {organisation.pk: organisation for organisation in _answering_organisations(scorecard.access)}
    try:
        organisation = organisations[int(request.POST.get("organisation", ""))]
    except (KeyError, ValueError):
        raise PermissionDenied from None
    indicators = list(scorecard.indicators.all())
    form = AnswerForm(request.POST, organisation=organisation, indicators=indicators, answers={})
    if form.is_valid():
        try:
            services.scorecard_answer(
                scorecard=scorecard, by=request.user, organisation=organisation, answers=form.answer_inputs()
            )
        except DomainError as error:
            if not scorecard.is_scoring:
                messages.error(request, error.message)
                return redirect(_round_url(scorecard))
            form.add_error(None, error.message)
        else:
            messages.success(
                request, _("The scores of %(organisation)s are saved. You may change them until the round closes.")
                % {"organisation": organisation.short_name},
            )
            return redirect(_round_url(scorecard, f"answer-{organisation.pk}"))
    return scorecard_detail(request, slug, round_id, forms={("answer", organisation.pk): form})


@login_required
@require_POST
def scorecard_round_close(request, slug: str, round_id: int):
    scorecard = get_scorecard_round_for_user(request.user, slug, round_id, need="lead")
    try:
        services.scorecard_round_close(scorecard=scorecard, by=request.user)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("The round is closed: its results are shown to every partner."))
    return redirect(_round_url(scorecard))


@login_required
@require_POST
def action_point_add(request, slug: str, round_id: int):
    scorecard = get_scorecard_round_for_user(request.user, slug, round_id, need="lead")
    form = _action_point_form(scorecard.coalition, request.POST)
    if form.is_valid():
        try:
            action_point = services.action_point_add(scorecard=scorecard, by=request.user, **form.cleaned_data)
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("The action point is given to %(organisation)s.") % {"organisation": action_point.organisation})
            return redirect(_round_url(scorecard, "actions"))
    return scorecard_detail(request, slug, round_id, forms={"action": form})


@login_required
@require_POST
def action_point_complete(request, slug: str, round_id: int, action_point_id: int):
    action_point = get_action_point_for_user(request.user, slug, round_id, action_point_id, need="act")
    try:
        services.action_point_complete(action_point=action_point, by=request.user)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("The action point is marked done."))
    return redirect(safe_next_url(request, _round_url(action_point.round, f"action-{action_point.pk}")))
