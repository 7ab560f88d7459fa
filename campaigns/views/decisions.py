"""Decisions of a coalition or of one of its campaigns: the lists, the proposal form, and the
decision's page with a ballot for each organisation the reader votes for. Every change is a POST
that comes back to the page; the page follows the decision live."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from campaigns import decisions as services
from campaigns import selectors
from campaigns.access import get_campaign_for_user, get_decision_for_user
from campaigns.forms.decisions import BallotForm, CommentForm, DecisionProposeForm, DelegateForm, ExtendForm, ReviseForm
from campaigns.models import Ballot, Campaign, DecisionStatus, Target
from coalitions.access import get_coalition_for_user
from coalitions.errors import DomainError
from coalitions.models import Organisation, OrganisationKind
from coalitions.selectors import voting_organisation_ids
from coalitions.voting import Method, position_label


def _detail_url(decision) -> str:
    return reverse("decision_detail", args=[decision.coalition.slug, decision.pk])


def _first_error(form) -> str:
    return next(iter(form.errors.values()))[0]


@login_required
def decision_list(request, slug: str):
    coalition = get_coalition_for_user(request.user, slug)
    open_, closed = selectors.decisions_of_coalition(coalition)
    return render(
        request, "campaigns/decision_list.html",
        {"coalition": coalition, "access": coalition.access, "open": open_, "closed": closed, "campaign": None},
    )


@login_required
def campaign_decisions(request, slug: str, campaign_slug: str):
    campaign = get_campaign_for_user(request.user, slug, campaign_slug)
    open_, closed = selectors.decisions_of_coalition(campaign.coalition, campaign)
    return render(
        request, "campaigns/decision_list.html",
        {"coalition": campaign.coalition, "access": campaign.access, "open": open_, "closed": closed, "campaign": campaign},
    )


@login_required
def decision_propose(request, slug: str):
    """`?campaign=<slug>` proposes to one campaign, where the decision may open a task, a text or a letter."""
    coalition = get_coalition_for_user(request.user, slug, need="act")
    campaign = None
    if request.GET.get("campaign"):
        campaign = Campaign.objects.filter(coalition=coalition, slug=request.GET["campaign"]).first()
        if campaign is None:
            raise Http404
        campaign.coalition = coalition
    form = DecisionProposeForm(
        request.POST or None, access=coalition.access, coalition=coalition, campaign=campaign,
        targets=Target.objects.filter(campaign=campaign).order_by("name") if campaign else (),
        partners=selectors.partner_organisations(coalition) if campaign else (),
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        action, params = form.outcome() if campaign else ("none", {})
        try:
            decision = services.decision_propose(
                coalition=coalition, by=request.user, organisation=data["organisation"], question=data["question"],
                options=form.options(), deadline=data["deadline"], method=data["method"],
                quorum_percent=data["quorum_percent"], background=data["background"],
                results_hidden=data.get("results_hidden", False), caucus_kinds=data["caucus_kinds"], campaign=campaign,
                outcome_action=action, outcome_params=params,
            )
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("The decision is open: the member organisations are asked to vote."))
            return redirect(_detail_url(decision))
    return render(
        request, "campaigns/decision_form.html",
        {"coalition": coalition, "access": coalition.access, "campaign": campaign, "form": form},
    )


def _page(request, decision, **forms):
    """The decision's page: standing (or, with the results hidden, only who voted), a ballot form for
    each organisation the reader votes for, delegations, extensions and comments."""
    access = decision.access
    now = timezone.now()
    options = list(decision.options.all())
    current = [option for option in options if option.superseded_by_id is None]
    ballots = list(decision.ballots.select_related("organisation", "option", "cast_by", "delegated_to").order_by("organisation__name"))
    delegations = list(decision.delegations.select_related("organisation", "to_organisation"))
    eligible = voting_organisation_ids(decision.coalition)
    partners = selectors.partner_organisations(decision.coalition)
    names = {organisation.pk: organisation for organisation in partners}
    open_now = decision.is_open and not decision.is_past_deadline(now)
    results_shown = not (decision.results_hidden and decision.is_open)
    counts = services.option_counts(
        decision, options=options, ballots=ballots, eligible=eligible, kinds={o.pk: o.kind for o in partners}
    )
    voted = {ballot.organisation_id: ballot for ballot in ballots}
    for ballot in ballots:
        ballot.label = position_label(decision.method, ballot.position)
        ballot.counts = ballot.organisation_id in eligible
    for option in options:
        option.earlier = [{**vote, "label": position_label(decision.method, vote["position"])} for vote in option.earlier_votes]
    handed = {d.organisation_id for d in delegations}
    ballot_forms = []
    if open_now and access.can_act:
        for organisation_id in services.voting_for(access, decision, delegations):
            if organisation_id not in eligible:
                continue
            organisation = names[organisation_id]
            bound = forms.get("ballot") if getattr(forms.get("ballot"), "organisation", None) == organisation else None
            ballot_forms.append(
                bound or BallotForm(decision=decision, options=current, organisation=organisation, ballot=voted.get(organisation_id))
            )
    own_voting = [names[o] for o in sorted(access.voter_organisation_ids & eligible) if o in names]
    may_steer = access.can_act and (access.is_lead or decision.organisation_id in access.acting_organisation_ids)
    return render(
        request,
        "campaigns/decision_detail.html",
        {
            "coalition": decision.coalition, "campaign": decision.campaign, "access": access, "decision": decision,
            "options": options, "counts": counts, "results_shown": results_shown, "ballots": ballots,
            "waiting": [o for o in partners if o.pk not in voted],
            "delegations": delegations, "extensions": list(decision.extensions.select_related("extended_by")),
            "comments": list(decision.comments.select_related("author", "organisation")),
            "ballot_forms": ballot_forms, "open_now": open_now, "may_steer": may_steer and open_now,
            "delegate_forms": [
                (o, DelegateForm(prefix=f"delegate{o.pk}", organisations=[p for p in partners if p.pk != o.pk and p.pk not in handed]))
                for o in own_voting if o.pk not in handed and o.pk not in voted
            ] if open_now and decision.coalition.decision_delegation else [],
            "own_handed": [d for d in delegations if d.organisation_id in access.voter_organisation_ids] if open_now else [],
            "extend_form": forms.get("extend") or ExtendForm(initial={"deadline": timezone.localtime(decision.deadline)}),
            "revise_form": forms.get("revise") or ReviseForm(),
            "comment_form": forms.get("comment") or CommentForm(access=access),
            "winner": next((c for c in counts if decision.winning_option_id == c.option.pk), None),
            "closed": decision.status != DecisionStatus.OPEN,
            "method_label": Method(decision.method).label if decision.method in Method.values else decision.method,
            "caucus_labels": [str(OrganisationKind(kind).label) for kind in decision.caucus_kinds if kind in OrganisationKind.values],
            "outcome_url": _outcome_url(decision),
        },
    )


def _outcome_url(decision) -> str:
    """Where what the decision opened lives."""
    kind, _sep, pk = decision.outcome_ref.partition(":")
    if not pk or decision.campaign is None:
        return ""
    args = [decision.coalition.slug, decision.campaign.slug]
    if kind == "task":
        return reverse("task_edit", args=[*args, int(pk)])
    if kind == "text":
        return reverse("campaign_texts", args=args) + f"#version-{pk}"
    if kind == "letter":
        return reverse("letter_detail", args=[*args, int(pk)])
    return ""


@login_required
def decision_detail(request, slug: str, decision_id: int):
    return _page(request, get_decision_for_user(request.user, slug, decision_id))


@login_required
@require_POST
def decision_vote(request, slug: str, decision_id: int):
    decision = get_decision_for_user(request.user, slug, decision_id, need="act")
    organisation = Organisation.objects.filter(pk=request.POST.get("organisation")).first()
    if organisation is None:
        raise PermissionDenied
    options = [o for o in decision.options.all() if o.superseded_by_id is None]
    ballot = Ballot.objects.filter(decision=decision, organisation=organisation).first()
    form = BallotForm(request.POST, decision=decision, options=options, organisation=organisation, ballot=ballot)
    if not form.is_valid():
        return _page(request, decision, ballot=form)
    option = next((o for o in options if o.pk == form.cleaned_data["option"]), None)
    if option is None:
        raise PermissionDenied
    try:
        services.decision_vote(
            decision=decision, by=request.user, organisation=organisation, option=option,
            position=form.cleaned_data["position"], reasons=form.cleaned_data["reasons"],
        )
    except DomainError as error:
        form.add_error(None, error.message)
        return _page(request, decision, ballot=form)
    messages.success(request, _("%(organisation)s's vote is recorded; it can change until the deadline.") % {"organisation": organisation})
    return redirect(_detail_url(decision))


@login_required
@require_POST
def decision_option_revise(request, slug: str, decision_id: int, option_id: int):
    decision = get_decision_for_user(request.user, slug, decision_id, need="act")
    option = decision.options.filter(pk=option_id).first()
    if option is None:
        raise Http404
    option.decision = decision
    form = ReviseForm(request.POST)
    if not form.is_valid():
        return _page(request, decision, revise=form)
    try:
        services.decision_option_revise(option=option, by=request.user, wording=form.cleaned_data["wording"])
    except DomainError as error:
        form.add_error(None, error.message)
        return _page(request, decision, revise=form)
    messages.success(request, _("The option is revised; the organisations that had voted on it are asked to vote again."))
    return redirect(_detail_url(decision))


@login_required
@require_POST
def decision_delegate(request, slug: str, decision_id: int):
    decision = get_decision_for_user(request.user, slug, decision_id, need="act")
    organisation = Organisation.objects.filter(pk=request.POST.get("organisation")).first()
    if organisation is None or not decision.access.may_vote_for(organisation.pk):
        raise PermissionDenied
    form = DelegateForm(request.POST, prefix=f"delegate{organisation.pk}", organisations=selectors.partner_organisations(decision.coalition))
    if not form.is_valid():
        messages.error(request, _first_error(form))
        return redirect(_detail_url(decision))
    try:
        services.decision_delegate(
            decision=decision, by=request.user, organisation=organisation,
            to_organisation=form.organisations[form.cleaned_data["to_organisation"]],
        )
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("The vote is handed on for this decision only."))
    return redirect(_detail_url(decision))


@login_required
@require_POST
def decision_delegation_revoke(request, slug: str, decision_id: int):
    decision = get_decision_for_user(request.user, slug, decision_id, need="act")
    organisation = Organisation.objects.filter(pk=request.POST.get("organisation")).first()
    if organisation is None:
        raise PermissionDenied
    try:
        services.decision_delegation_revoke(decision=decision, by=request.user, organisation=organisation)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("%(organisation)s votes for itself again.") % {"organisation": organisation})
    return redirect(_detail_url(decision))


@login_required
@require_POST
def decision_extend(request, slug: str, decision_id: int):
    decision = get_decision_for_user(request.user, slug, decision_id, need="act")
    form = ExtendForm(request.POST)
    if not form.is_valid():
        return _page(request, decision, extend=form)
    try:
        services.decision_extend(decision=decision, by=request.user, **form.cleaned_data)
    except DomainError as error:
        form.add_error(None, error.message)
        return _page(request, decision, extend=form)
    messages.success(request, _("The deadline is extended."))
    return redirect(_detail_url(decision))


@login_required
@require_POST
def decision_withdraw(request, slug: str, decision_id: int):
    decision = get_decision_for_user(request.user, slug, decision_id, need="act")
    try:
        services.decision_withdraw(decision=decision, by=request.user)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("The decision is withdrawn."))
    return redirect(_detail_url(decision))


@login_required
@require_POST
def decision_comment(request, slug: str, decision_id: int):
    decision = get_decision_for_user(request.user, slug, decision_id)
    form = CommentForm(request.POST, access=decision.access)
    if not form.is_valid():
        return _page(request, decision, comment=form)
    try:
        services.decision_comment(decision=decision, by=request.user, **form.cleaned_data)
    except DomainError as error:
        form.add_error(None, error.message)
        return _page(request, decision, comment=form)
    return redirect(_detail_url(decision) + "#comments")
