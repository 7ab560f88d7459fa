"""Every change to a coalition's decisions happens here: proposing, voting, revising an option,
handing a vote to another organisation, extending, withdrawing, commenting and closing.

Votes are counted by coalitions.voting, the same rule that adopts shared texts: one vote per
organisation, cast by its admins or the staff they authorised; observers comment and never vote.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from fractions import Fraction

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from coalitions.access import CoalitionAccess, check_coalition_access, leads_withheld_for_mfa
from coalitions.audit import audit_record
from coalitions.errors import DomainError
from coalitions.mail import outbox_mail
from coalitions.models import (
    Affiliation,
    Coalition,
    MailPreference,
    NotificationKind,
    Organisation,
    OrganisationKind,
    User,
)
from coalitions.notices import Notice
from coalitions.selectors import voting_organisation_ids
from coalitions.timezones import time_zone_get
from coalitions.voting import VOTERS, Count, Method, Position, count

from .models import (
    Ballot,
    Campaign,
    Channel,
    DeadlineExtension,
    Decision,
    DecisionComment,
    DecisionOption,
    DecisionStatus,
    Delegation,
    OutcomeAction,
    Target,
    TextKind,
)
from .services import task_add, text_add

MAX_OPTIONS = 8


# Reads the services and the pages share --------------------------------------------------------


@dataclass(frozen=True)
class OptionCount:
    option: DecisionOption
    count: Count


def option_counts(
    decision: Decision, *, options: Iterable[DecisionOption], ballots: Iterable[Ballot], eligible: frozenset[int],
    kinds: dict[int, str],
) -> list[OptionCount]:
    """How each option in force stands. An organisation supporting or objecting to another option
    takes part in this one's count without supporting it."""
    ballots = list(ballots)
    caucuses = {kind: frozenset(o for o in eligible if kinds.get(o) == kind) for kind in decision.caucus_kinds}
    counts = []
    for option in options:
        if option.superseded_by_id is not None:
            continue
        positions = {
            ballot.organisation_id: ballot.position if ballot.option_id == option.pk else Position.ABSTAIN
            for ballot in ballots
        }
        counts.append(
            OptionCount(
                option=option,
                count=count(
                    method=decision.method, eligible=eligible, positions=positions,
                    quorum_share=Fraction(decision.quorum_percent, 100), caucuses=caucuses,
                ),
            )
        )
    return counts


def winning(counts: list[OptionCount]) -> OptionCount | None:
    """The option that passes with the most support; the earlier option when two tie."""
    passing = [counted for counted in counts if counted.count.passes]
    return min(passing, key=lambda c: (-len(c.count.support), c.option.number), default=None)


def organisation_kinds(organisation_ids) -> dict[int, str]:
    return dict(Organisation.objects.filter(pk__in=organisation_ids).values_list("pk", "kind"))


def decision_path(decision: Decision) -> str:
    return reverse("decision_detail", args=[decision.coalition.slug, decision.pk])


def voting_for(access: CoalitionAccess, decision: Decision, delegations: Iterable[Delegation]) -> list[int]:
    """The organisations whose vote on `decision` this person may cast: their own, unless handed
    to another, and those handed to one of their own."""
    delegations = list(delegations)
    given = {d.organisation_id for d in delegations}
    own = [o for o in sorted(access.voter_organisation_ids) if o not in given]
    received = [d.organisation_id for d in delegations if d.to_organisation_id in access.voter_organisation_ids]
    return own + [o for o in received if o not in own]


# Changes -------------------------------------------------------------------------------------


def _topics(decision: Decision) -> list[str]:
    topics = [f"decision:{decision.pk}", f"decisions:{decision.coalition_id}"]
    if decision.campaign_id:
        topics.append(f"campaign:{decision.campaign_id}")
    return topics


def _record(decision: Decision, by: User | None, action: str, notices=(), **data) -> None:
    audit_record(
        coalition=decision.coalition, actor=by, action=action, data={"question": decision.question, **data},
        topics=_topics(decision), notices=notices,
    )


def _acting(by: User, decision_or_coalition) -> CoalitionAccess:
    coalition = getattr(decision_or_coalition, "coalition", decision_or_coalition)
    return check_coalition_access(by, coalition, "act")


def _locked(decision: Decision, now: datetime) -> Decision:
    """The decision as it is now, held until commit; refused once it is closed or past its deadline."""
    locked = Decision.objects.select_for_update().get(pk=decision.pk)
    decision.status, decision.deadline = locked.status, locked.deadline
    if not decision.is_open:
        raise DomainError(_("This decision is closed."))
    if decision.is_past_deadline(now):
        raise DomainError(_("The deadline has passed: the vote is closing."))
    return decision


def _may_steer(access: CoalitionAccess, decision: Decision) -> None:
    """Extending, revising and withdrawing belong to the proposing organisation and the leads."""
    if not (access.is_lead or decision.organisation_id in access.acting_organisation_ids):
        raise PermissionDenied


def _asked(decision: Decision, organisation_ids, key: str) -> list[Notice]:
    return [
        Notice(
            kind=NotificationKind.VOTE_REQUESTED, key=key, url=decision_path(decision),
            data={"question": decision.question, "organisation": decision.organisation.short_name},
            organisations=frozenset(organisation_ids),
        )
    ]


def _check_outcome(campaign: Campaign | None, action: str, params: dict, eligible: frozenset[int]) -> dict:
    """What the outcome will open, checked now so that closing never meets a mistake."""
    if action == OutcomeAction.NONE:
        return {}
    if action not in OutcomeAction.values:
        raise DomainError(_("Please choose what the decision opens when it passes."))
    if campaign is None:
        raise DomainError(_("A task, a text or a letter belongs to a campaign: propose the decision in one."))
    if action == OutcomeAction.TEXT:
        if params.get("kind") not in TextKind.values:
            raise DomainError(_("Please choose which text the decision proposes."))
        return {"kind": params["kind"]}
    targets = list(Target.objects.filter(campaign=campaign, pk__in=params.get("targets", [])).values_list("pk", flat=True))
    if not targets:
        raise DomainError(_("Please choose who the task or the letter is for."))
    if action == OutcomeAction.LETTER:
        return {"targets": targets}
    organisation_id = params.get("organisation")
    if organisation_id not in eligible:
        raise DomainError(_("Please choose a member organisation to carry out the task."))
    if params.get("channel") not in Channel.values:
        raise DomainError(_("Please choose how the target is contacted."))
    days = params.get("due_days")
    if not isinstance(days, int) or not 1 <= days <= 365:
        raise DomainError(_("The task is due between 1 and 365 days after the decision."))
    return {"targets": targets[:1], "organisation": organisation_id, "channel": params["channel"], "due_days": days}


@transaction.atomic
def decision_propose(
    *,
    coalition: Coalition,
    by: User,
    organisation: Organisation,
    question: str,
    options: list[str],
    deadline: datetime,
    method: str,
    quorum_percent: int = 50,
    background: str = "",
    results_hidden: bool = False,
    caucus_kinds: Iterable[str] = (),
    campaign: Campaign | None = None,
    outcome_action: str = OutcomeAction.NONE,
    outcome_params: dict | None = None,
    now: datetime | None = None,
) -> Decision:
    now = now or timezone.now()
    access = _acting(by, coalition)
    if organisation.pk not in access.acting_organisation_ids:
        raise PermissionDenied
    if campaign is not None and campaign.coalition_id != coalition.pk:
        raise PermissionDenied
    question = question.strip()
    wordings = [wording.strip() for wording in options if wording.strip()]
    if not question:
        raise DomainError(_("Please write the question."))
    if not wordings:
        raise DomainError(_("Please write at least one option."))
    if len(wordings) > MAX_OPTIONS:
        raise DomainError(_("At most %(count)s options, please.") % {"count": MAX_OPTIONS})
    if len(set(wordings)) != len(wordings):
        raise DomainError(_("Two options say the same: please merge them."))
    if method not in coalition.decision_methods:
        raise DomainError(_("The coalition does not take decisions this way."))
    if results_hidden and not coalition.decision_results_hidden:
        raise DomainError(_("The coalition does not hide the results of its decisions."))
    if deadline <= now:
        raise DomainError(_("The deadline must be in the future."))
    if not 0 <= quorum_percent <= 100:
        raise DomainError(_("The quorum is a share between 0 and 100 per cent."))
    eligible = voting_organisation_ids(coalition)
    kinds = organisation_kinds(eligible)
    caucus_kinds = sorted(set(caucus_kinds))
    for kind in caucus_kinds:
        if kind not in OrganisationKind.values or kind not in kinds.values():
            raise DomainError(
                _("No member organisation is of the kind “%(kind)s”: it could never support the decision.")
                % {"kind": OrganisationKind(kind).label if kind in OrganisationKind.values else kind}
            )
    params = _check_outcome(campaign, outcome_action, outcome_params or {}, eligible)
    decision = Decision.objects.create(
        coalition=coalition, campaign=campaign, question=question, background=background.strip(),
        organisation=organisation, proposed_by=by, proposed_at=now, method=method, quorum_percent=quorum_percent,
        deadline=deadline, results_hidden=results_hidden, caucus_kinds=caucus_kinds, outcome_action=outcome_action,
        outcome_params=params,
    )
    DecisionOption.objects.bulk_create(
        DecisionOption(decision=decision, number=number, wording=wording, created_at=now)
        for number, wording in enumerate(wordings, start=1)
    )
    _record(
        decision, by, "decision.proposed", notices=_asked(decision, eligible, f"decision:{decision.pk}:asked"),
        organisation=organisation.short_name, method=method,
    )
    return decision


def _delegations(decision: Decision) -> list[Delegation]:
    return list(decision.delegations.all())


@transaction.atomic
def decision_vote(
    *, decision: Decision, by: User, organisation: Organisation, option: DecisionOption, position: str,
    reasons: str = "", now: datetime | None = None,
) -> Ballot:
    """Casts the organisation's one vote, or changes it, until the deadline."""
    now = now or timezone.now()
    access = _acting(by, decision)
    _locked(decision, now)
    delegations = _delegations(decision)
    if organisation.pk not in voting_for(access, decision, delegations):
        raise PermissionDenied
    if organisation.pk not in voting_organisation_ids(decision.coalition):
        raise PermissionDenied
    if option.decision_id != decision.pk:
        raise PermissionDenied
    if option.superseded_by_id is not None:
        raise DomainError(_("This option has been revised: vote on its new wording."))
    if position not in Position.values:
        raise DomainError(_("Please choose your organisation's position."))
    reasons = reasons.strip()
    if decision.method == Method.CONSENT and position == Position.AGAINST and not reasons:
        raise DomainError(_("An objection must give its reasons, so that the option can be revised."))
    delegated_to = next((d.to_organisation for d in delegations if d.organisation_id == organisation.pk), None)
    ballot = Ballot.objects.filter(decision=decision, organisation=organisation).first()
    changed = ballot is not None
    if ballot is None:
        ballot = Ballot(decision=decision, organisation=organisation, cast_at=now)
    elif (ballot.option_id, ballot.position, ballot.reasons) == (option.pk, position, reasons):
        return ballot
    else:
        ballot.changed_at = now
    ballot.option, ballot.position, ballot.reasons = option, position, reasons
    ballot.cast_by, ballot.delegated_to = by, delegated_to
    ballot.save()
    # With the results hidden, the trail says who voted and nothing of how until the vote closes.
    shown = {} if decision.results_hidden else {"position": position, "option": option.number, "method": decision.method}
    _record(
        decision, by, "decision.vote_changed" if changed else "decision.voted", organisation=organisation.short_name,
        by_organisation=delegated_to.short_name if delegated_to else "", **shown,
    )
    return ballot


@transaction.atomic
def decision_option_revise(*, option: DecisionOption, by: User, wording: str, now: datetime | None = None) -> DecisionOption:
    """A new wording replaces the option; votes on the old one are void and their organisations asked again."""
    now = now or timezone.now()
    decision = option.decision
    access = _acting(by, decision)
    _may_steer(access, decision)
    _locked(decision, now)
    option = DecisionOption.objects.get(pk=option.pk)
    if option.superseded_by_id is not None:
        raise DomainError(_("This option has already been revised."))
    wording = wording.strip()
    if not wording:
        raise DomainError(_("Please write the revised option."))
    if wording == option.wording:
        raise DomainError(_("The revised option says the same as before."))
    number = (decision.options.aggregate(n=Max("number"))["n"] or 0) + 1
    revised = DecisionOption.objects.create(decision=decision, number=number, wording=wording, created_at=now)
    voided = list(Ballot.objects.filter(option=option).select_related("organisation").order_by("organisation__name"))
    option.superseded_by = revised
    option.earlier_votes = [
        {"organisation": ballot.organisation.name, "position": ballot.position, "reasons": ballot.reasons}
        for ballot in voided
    ]
    option.save(update_fields=["superseded_by", "earlier_votes"])
    Ballot.objects.filter(pk__in=[ballot.pk for ballot in voided]).delete()
    _record(
        decision, by, "decision.option_revised",
        notices=_asked(decision, [b.organisation_id for b in voided], f"decision:{decision.pk}:revised:{revised.pk}"),
        old=option.number, new=number, voided=[ballot.organisation.short_name for ballot in voided],
    )
    return revised


@transaction.atomic
def decision_delegate(
    *, decision: Decision, by: User, organisation: Organisation, to_organisation: Organisation,
    now: datetime | None = None,
) -> Delegation:
    now = now or timezone.now()
    access = _acting(by, decision)
    if not access.may_vote_for(organisation.pk):
        raise PermissionDenied
    if not decision.coalition.decision_delegation:
        raise DomainError(_("The coalition does not let organisations hand their votes to others."))
    _locked(decision, now)
    eligible = voting_organisation_ids(decision.coalition)
    if to_organisation.pk == organisation.pk or to_organisation.pk not in eligible:
        raise DomainError(_("Hand the vote to another member organisation of the coalition."))
    delegations = _delegations(decision)
    if any(d.organisation_id == organisation.pk for d in delegations):
        raise DomainError(_("%(organisation)s has already handed its vote on.") % {"organisation": organisation})
    if any(d.organisation_id == to_organisation.pk for d in delegations):
        raise DomainError(
            _("%(organisation)s has handed its own vote on: it cannot take another's.") % {"organisation": to_organisation}
        )
    if decision.ballots.filter(organisation=organisation).exists():
        raise DomainError(_("%(organisation)s has voted already: change its vote instead.") % {"organisation": organisation})
    delegation = Delegation.objects.create(
        decision=decision, organisation=organisation, to_organisation=to_organisation, given_by=by, given_at=now
    )
    _record(
        decision, by, "decision.delegated",
        notices=_asked(decision, [to_organisation.pk], f"decision:{decision.pk}:delegated:{organisation.pk}"),
        organisation=organisation.short_name, to=to_organisation.short_name,
    )
    return delegation


@transaction.atomic
def decision_delegation_revoke(
    *, decision: Decision, by: User, organisation: Organisation, now: datetime | None = None
) -> None:
    """The organisation takes its vote back; a vote already cast for it stands until it changes it."""
    now = now or timezone.now()
    access = _acting(by, decision)
    if not access.may_vote_for(organisation.pk):
        raise PermissionDenied
    _locked(decision, now)
    delegation = decision.delegations.filter(organisation=organisation).select_related("to_organisation").first()
    if delegation is None:
        raise DomainError(_("%(organisation)s has not handed its vote on.") % {"organisation": organisation})
    delegation.delete()
    _record(
        decision, by, "decision.delegation_revoked", organisation=organisation.short_name,
        to=delegation.to_organisation.short_name,
    )


@transaction.atomic
def decision_extend(*, decision: Decision, by: User, deadline: datetime, reason: str, now: datetime | None = None) -> DeadlineExtension:
    now = now or timezone.now()
    access = _acting(by, decision)
    _may_steer(access, decision)
    _locked(decision, now)
    reason = reason.strip()
    if not reason:
        raise DomainError(_("Please say why the deadline moves."))
    if deadline <= decision.deadline:
        raise DomainError(_("The new deadline must come after the current one."))
    extension = DeadlineExtension.objects.create(
        decision=decision, old_deadline=decision.deadline, new_deadline=deadline, reason=reason, extended_by=by,
        extended_at=now,
    )
    decision.deadline = deadline
    # Reminders count from the new deadline.
    decision.reminded_two_days_at = decision.reminded_one_day_at = None
    decision.save(update_fields=["deadline", "reminded_two_days_at", "reminded_one_day_at"])
    _record(decision, by, "decision.extended", old=extension.old_deadline.isoformat(), new=deadline.isoformat(), reason=reason)
    return extension


@transaction.atomic
def decision_withdraw(*, decision: Decision, by: User, now: datetime | None = None) -> Decision:
    now = now or timezone.now()
    access = _acting(by, decision)
    _may_steer(access, decision)
    _locked(decision, now)
    decision.status, decision.closed_at = DecisionStatus.WITHDRAWN, now
    decision.save(update_fields=["status", "closed_at"])
    _record(decision, by, "decision.withdrawn")
    return decision


@transaction.atomic
def decision_comment(*, decision: Decision, by: User, organisation: Organisation, body: str) -> DecisionComment:
    """Observers comment too: they follow and advise, and never vote."""
    access = check_coalition_access(by, decision.coalition, "view")
    if organisation.pk not in access.organisation_ids:
        raise PermissionDenied
    body = body.strip()
    if not body:
        raise DomainError(_("Please write your comment."))
    comment = DecisionComment.objects.create(decision=decision, organisation=organisation, author=by, body=body)
    _record(decision, by, "decision.commented", organisation=organisation.short_name)
    return comment


# Closing and what the outcome opens -----------------------------------------------------------

# An outcome opener gets the decision that passed, its winning option and the ballots of the
# organisations that supported it; it returns what it opened ("task:12"). Letters register theirs.
OutcomeOpener = Callable[..., str]
OUTCOME_OPENERS: dict[str, OutcomeOpener] = {}


def register_outcome_opener(action: str, opener: OutcomeOpener) -> None:
    OUTCOME_OPENERS[action] = opener


def _open_task(*, decision: Decision, option: DecisionOption, supporters: list[Ballot], now: datetime) -> str:
    params = decision.outcome_params
    target = Target.objects.get(campaign=decision.campaign, pk=params["targets"][0])
    task = task_add(
        campaign=decision.campaign, by=decision.proposed_by, target=target,
        organisation=Organisation.objects.get(pk=params["organisation"]), channel=params["channel"],
        due_on=timezone.localdate(now) + timedelta(days=params["due_days"]),
        notes=_("Decided: %(question)s — %(option)s") % {"question": decision.question, "option": option.wording},
    )
    return f"task:{task.pk}"


def _open_text(*, decision: Decision, option: DecisionOption, supporters: list[Ballot], now: datetime) -> str:
    # The organisations that supported the option have approved its wording already.
    version = text_add(
        campaign=decision.campaign, by=decision.proposed_by, organisation=decision.organisation,
        kind=decision.outcome_params["kind"], body=option.wording, note=decision.question,
        approvals={ballot.organisation_id: ballot.cast_by for ballot in supporters},
    )
    return f"text:{version.pk}"


register_outcome_opener(OutcomeAction.TASK, _open_task)
register_outcome_opener(OutcomeAction.TEXT, _open_text)


def _open_outcome(decision: Decision, option: DecisionOption, supporters: list[Ballot], now: datetime) -> dict:
    opener = OUTCOME_OPENERS.get(decision.outcome_action)
    if opener is None:
        return {}
    try:
        # Within the closing transaction; a refusal (the same wording adopted meanwhile, a target
        # removed) undoes only the opening, and the trail says why.
        with transaction.atomic():
            decision.outcome_ref = opener(decision=decision, option=option, supporters=supporters, now=now)
    except DomainError as error:
        return {"outcome_error": error.message}
    except (Target.DoesNotExist, Organisation.DoesNotExist):
        return {"outcome_error": _("What the outcome was to open no longer exists.")}
    return {"opened": decision.outcome_ref}


def _votes(decision: Decision, ballots: list[Ballot], eligible: frozenset[int]) -> list[dict]:
    """Who voted what, as the trail keeps it once the vote is closed."""
    return [
        {
            "organisation": ballot.organisation.short_name, "position": ballot.position, "option": ballot.option.number,
            "reasons": ballot.reasons, "by": ballot.cast_by.name_at(ballot.organisation) if ballot.cast_by else "",
            "for": ballot.delegated_to.short_name if ballot.delegated_to else "", "counted": ballot.organisation_id in eligible,
        }
        for ballot in ballots
    ]


@transaction.atomic
def decision_close(*, decision: Decision, now: datetime | None = None) -> Decision:
    """Counts the votes at the deadline, records who voted what and opens what the decision said.
    Run by the worker; closing a decision twice, or before its deadline, changes nothing."""
    now = now or timezone.now()
    locked = Decision.objects.select_for_update().filter(pk=decision.pk).first()
    if locked is None or not locked.is_open or not locked.is_past_deadline(now):
        return locked or decision
    decision.refresh_from_db()
    eligible = voting_organisation_ids(decision.coalition)
    ballots = list(
        decision.ballots.select_related("organisation", "option", "cast_by", "delegated_to").order_by("organisation__name")
    )
    counts = option_counts(
        decision, options=decision.options.all(), ballots=ballots, eligible=eligible,
        kinds=organisation_kinds(eligible),
    )
    winner = winning(counts)
    if winner is not None:
        decision.status, decision.winning_option = DecisionStatus.PASSED, winner.option
    elif counts and not counts[0].count.quorum_met:
        decision.status = DecisionStatus.NO_QUORUM
    else:
        decision.status = DecisionStatus.REJECTED
    decision.closed_at = now
    opened = {}
    if winner is not None:
        supporters = [b for b in ballots if b.option_id == winner.option.pk and b.position == Position.FOR]
        opened = _open_outcome(decision, winner.option, supporters, now)
    decision.save(update_fields=["status", "winning_option", "closed_at", "outcome_ref"])
    _record(
        decision, None, "decision.closed",
        notices=[
            Notice(
                kind=NotificationKind.DECISION_CLOSED, key=f"decision:{decision.pk}:closed", url=decision_path(decision),
                data={"question": decision.question, "status": decision.status},
                organisations=frozenset(eligible),
            )
        ],
        status=decision.status, option=winner.option.number if winner else None, votes=_votes(decision, ballots, eligible),
        **opened,
    )
    return decision


def decisions_close_due(*, now: datetime | None = None) -> int:
    """Closes every open decision past its deadline, each in its own transaction; returns how many.
    A second worker running at the same moment skips the rows the first holds."""
    now = now or timezone.now()
    closed = 0
    for pk in Decision.objects.filter(status=DecisionStatus.OPEN, deadline__lte=now).values_list("pk", flat=True):
        with transaction.atomic():
            decision = Decision.objects.select_for_update(skip_locked=True).filter(pk=pk, status=DecisionStatus.OPEN).first()
            if decision is None:
                continue
            if decision_close(decision=decision, now=now).status != DecisionStatus.OPEN:
                closed += 1
    return closed


# Reminders -----------------------------------------------------------------------------------

REMINDER_TEMPLATE = "campaigns/email/decision_reminder"
# Before the deadline, the organisations that have not voted are reminded: two days, then one.
REMINDERS = (("reminded_one_day_at", timedelta(days=1)), ("reminded_two_days_at", timedelta(days=2)))


def decision_reminders_send(*, now: datetime | None = None) -> int:
    """Mails the people who may vote for each organisation without a ballot, once per reminder.
    The stamp is written with the mails, so two runs at once (or one after the other) mail once."""
    now = now or timezone.now()
    sent = 0
    due = Decision.objects.filter(status=DecisionStatus.OPEN, deadline__gt=now, deadline__lte=now + timedelta(days=2))
    for pk in due.values_list("pk", flat=True):
        with transaction.atomic():
            decision = (
                Decision.objects.select_for_update(skip_locked=True, of=("self",))
                .filter(pk=pk, status=DecisionStatus.OPEN)
                .select_related("coalition")
                .first()
            )
            if decision is not None:
                sent += _remind(decision, now)
    return sent


def _remind(decision: Decision, now: datetime) -> int:
    left = decision.deadline - now
    stamp = next((field for field, before in REMINDERS if left <= before and getattr(decision, field) is None), None)
    if stamp is None:
        return 0
    # A reminder belongs to what came before it: a decision proposed a day before its deadline
    # gets no "two days left" mail, and the one-day mail covers the two-day one.
    for field, before in REMINDERS:
        if left <= before:
            setattr(decision, field, now)
    decision.save(update_fields=[field for field, _before in REMINDERS])
    if decision.proposed_at > decision.deadline - dict((f, b) for f, b in REMINDERS)[stamp]:
        return 0
    waiting = voting_organisation_ids(decision.coalition) - set(decision.ballots.values_list("organisation_id", flat=True))
    # An organisation that handed its vote on is reminded through the one that took it.
    handed = dict(decision.delegations.values_list("organisation_id", "to_organisation_id"))
    people: dict[int, tuple[User, list[str]]] = {}
    names = dict(Organisation.objects.filter(pk__in=waiting).values_list("pk", "acronym"))
    for affiliation in voters_of({handed.get(o, o) for o in waiting}):
        for organisation_id in waiting:
            if handed.get(organisation_id, organisation_id) == affiliation.organisation_id:
                person, organisations = people.setdefault(affiliation.user_id, (affiliation.user, []))
                organisations.append(names.get(organisation_id) or str(affiliation.organisation))
    # Those who asked for no mail are not mailed; nor, where the coalition asks its leads for a
    # second factor, a lead who has none: the mailbox would be a way around that sign-in.
    withheld = leads_withheld_for_mfa(set(people))
    people = {
        pk: entry for pk, entry in people.items()
        if entry[0].notification_mail != MailPreference.NEVER and (pk, decision.coalition_id) not in withheld
    }
    url = settings.SITE_URL + decision_path(decision)
    for person, organisations in people.values():
        with timezone.override(time_zone_get(person.timezone)):
            outbox_mail(
                to=person.email, template=REMINDER_TEMPLATE, language=person.language,
                context={
                    "name": person.display_name or person.email, "question": decision.question,
                    "deadline": decision.deadline, "organisations": sorted(set(organisations)), "url": url,
                    "one_day": stamp == "reminded_one_day_at", "coalition": decision.coalition.name,
                },
            )
    return len(people)


def voters_of(organisation_ids) -> list[Affiliation]:
    """The people who may cast these organisations' votes."""
    return list(
        Affiliation.objects.filter(VOTERS, organisation_id__in=organisation_ids, user__is_active=True).select_related(
            "user", "organisation"
        )
    )
