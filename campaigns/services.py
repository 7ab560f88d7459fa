"""Every change to campaigns, shared texts, targets and the outreach plan happens here."""

import secrets
from datetime import date, timedelta
from fractions import Fraction

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import URLValidator
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from coalitions.access import CoalitionAccess, check_coalition_access
from coalitions.audit import audit_record
from coalitions.errors import DomainError
from coalitions.models import (
    AdoptionRule,
    Affiliation,
    Coalition,
    CoalitionRole,
    NotificationKind,
    Organisation,
    Participation,
    User,
    hash_token,
)
from coalitions.notices import Notice
from coalitions.selectors import voting_organisation_ids
from coalitions.voting import Count, Method, Position, count

from .access import may_change_commitment
from .models import (
    DUPLICATE_CONTACT_DAYS,
    CalendarFeed,
    Campaign,
    Commitment,
    CommitmentStatus,
    Outcome,
    OutreachLog,
    OutreachRole,
    StanceAssessment,
    Target,
    TargetOrganisation,
    Task,
    TaskStatus,
    TaskStatusReceipt,
    TextApproval,
    TextStatus,
    TextVersion,
)

CAMPAIGN_FIELDS = ("title", "language", "status", "decision_deadline", "description")
TARGET_FIELDS = (
    "name", "kind", "title", "institution", "region", "email", "phone", "address", "contact_notes", "influence",
)
TASK_FIELDS = ("assignee", "channel", "due_on", "notes")


def _acting(by: User, coalition: Coalition, organisation: Organisation | None = None) -> CoalitionAccess:
    """The person may change things in the coalition, and (if given) on behalf of `organisation`."""
    access = check_coalition_access(by, coalition, "act")
    if organisation is not None and not access.may_act_for(organisation.pk):
        raise PermissionDenied
    return access


def _own_organisation(access: CoalitionAccess, organisation: Organisation) -> None:
    """Proposals and assessments speak for one of the person's own organisations, even for a lead."""
    if organisation.pk not in access.acting_organisation_ids:
        raise PermissionDenied


def _voter_for(access: CoalitionAccess, organisation: Organisation) -> None:
    """Votes are cast by the people the organisation lets vote for it (coalitions/voting.py)."""
    if not access.may_vote_for(organisation.pk):
        raise PermissionDenied


def _require_partner(coalition: Coalition, organisation: Organisation) -> None:
    """Work is given only to organisations that take part as lead or member."""
    if not Participation.objects.filter(coalition=coalition, organisation=organisation).exclude(
        role=CoalitionRole.OBSERVER
    ).exists():
        raise DomainError(_("%(organisation)s is not a member of this coalition.") % {"organisation": organisation})


def _record(campaign: Campaign, by: User | None, action: str, topics=(), notices=(), **data) -> None:
    audit_record(
        coalition=campaign.coalition, actor=by, action=action, data={"campaign": campaign.title, **data},
        topics=[f"campaign:{campaign.pk}", *topics], notices=notices,
    )


# Campaigns -----------------------------------------------------------------------------------


@transaction.atomic
def campaign_create(*, coalition: Coalition, by: User, slug: str, **fields) -> Campaign:
    check_coalition_access(by, coalition, "lead")
    if Campaign.objects.filter(coalition=coalition, slug=slug).exists():
        raise DomainError(_("That short name is taken; please choose another."))
    campaign = Campaign.objects.create(
        coalition=coalition, slug=slug, **{key: fields[key] for key in CAMPAIGN_FIELDS if key in fields}
    )
    _record(campaign, by, "campaign.created")
    return campaign


@transaction.atomic
def campaign_update(*, campaign: Campaign, by: User, **fields) -> Campaign:
    check_coalition_access(by, campaign.coalition, "lead")
    # Read from the database: a bound ModelForm has already written the new values on the instance.
    old_status = Campaign.objects.values_list("status", flat=True).get(pk=campaign.pk)
    for key in CAMPAIGN_FIELDS:
        if key in fields:
            setattr(campaign, key, fields[key])
    campaign.save()
    if campaign.status != old_status:
        _record(campaign, by, "campaign.status_changed", old=old_status, new=campaign.status)
    else:
        _record(campaign, by, "campaign.updated")
    return campaign


# Shared message, ask and solution ------------------------------------------------------------


# An adoption rule is one of the coalition's voting methods: "all" is unanimity of every partner,
# "a majority" a majority with no quorum of its own.
ADOPTION_METHODS = {
    AdoptionRule.ALL: (Method.UNANIMITY, Fraction(1)),
    AdoptionRule.MAJORITY: (Method.MAJORITY, Fraction(0)),
}


def text_count(*, approving, eligible: frozenset[int], rule: str) -> Count:
    """Where a wording stands under the coalition's rule, counted like any decision."""
    method, quorum = ADOPTION_METHODS.get(rule, ADOPTION_METHODS[AdoptionRule.ALL])
    return count(
        method=method, eligible=eligible, positions=dict.fromkeys(approving, Position.FOR), quorum_share=quorum
    )


def text_tally(version: TextVersion) -> Count:
    """Votes that count now: one per organisation taking part as lead or member."""
    coalition = version.campaign.coalition
    eligible = voting_organisation_ids(coalition)
    approving = version.approvals.values_list("organisation_id", flat=True)
    return text_count(approving=approving, eligible=eligible, rule=coalition.adoption_rule)


@transaction.atomic
def text_propose(
    *, campaign: Campaign, by: User, organisation: Organisation, kind: str, body: str, note: str = ""
) -> TextVersion:
    access = _acting(by, campaign.coalition)
    _own_organisation(access, organisation)
    # Someone who may not vote for the organisation proposes for it all the same; its vote waits.
    approvals = {organisation.pk: by} if access.may_vote_for(organisation.pk) else {}
    return text_add(campaign=campaign, by=by, organisation=organisation, kind=kind, body=body, note=note, approvals=approvals)


def text_add(
    *, campaign: Campaign, by: User | None, organisation: Organisation, kind: str, body: str, note: str = "",
    approvals: dict[int, User | None],
) -> TextVersion:
    """A new wording with the votes it comes with (organisation → who cast it), from a proposal or
    from a decision that passed; the callers have checked who may do it."""
    body = body.strip()
    if not body:
        raise DomainError(_("Please write the proposed wording."))
    # Numbers are handed out one at a time per campaign.
    Campaign.objects.select_for_update().filter(pk=campaign.pk).first()
    _refuse_repeated_wording(campaign, kind, body)
    number = (campaign.texts.filter(kind=kind).aggregate(n=Max("number"))["n"] or 0) + 1
    version = TextVersion.objects.create(
        campaign=campaign, kind=kind, number=number, body=body, note=note.strip(), proposed_by=by, organisation=organisation
    )
    TextApproval.objects.bulk_create(
        TextApproval(version=version, organisation_id=organisation_id, approved_by=voter)
        for organisation_id, voter in approvals.items()
    )
    _record(campaign, by, "text.proposed", kind=kind, number=number, organisation=organisation.short_name)
    _adopt_if_agreed(version, by)
    return version


@transaction.atomic
def text_approve(*, version: TextVersion, by: User, organisation: Organisation) -> TextVersion:
    access = _acting(by, version.campaign.coalition)
    _voter_for(access, organisation)
    locked = TextVersion.objects.select_for_update().get(pk=version.pk)
    if locked.status != TextStatus.PENDING:
        raise DomainError(_("This wording is no longer waiting for approval."))
    version.status = locked.status
    if TextApproval.objects.filter(version=version, organisation=organisation).exists():
        if text_tally(version).passes:
            # Enough votes without a new one: an organisation left, became an observer, or the
            # rule was eased since the last vote. A repeated yes confirms the adoption.
            _adopt_if_agreed(version, by)
            return version
        raise DomainError(_("%(organisation)s has already approved this wording.") % {"organisation": organisation})
    TextApproval.objects.create(version=version, organisation=organisation, approved_by=by)
    _record(
        version.campaign, by, "text.approved", kind=version.kind, number=version.number, organisation=organisation.short_name
    )
    _adopt_if_agreed(version, by)
    return version


def _same_words(text: str) -> str:
    return " ".join(text.split())


def _refuse_repeated_wording(campaign: Campaign, kind: str, body: str) -> None:
    """A wording already adopted or already waiting would only split the votes."""
    words = _same_words(body)
    current = campaign.texts.filter(kind=kind, status__in=[TextStatus.ADOPTED, TextStatus.PENDING]).order_by("number")
    for version in current:
        if _same_words(version.body) != words:
            continue
        if version.status == TextStatus.ADOPTED:
            raise DomainError(_("This is the adopted wording already. Change something before proposing it."))
        raise DomainError(
            _("Wording %(number)s says exactly this and is waiting for approval: approve it instead of proposing it again.")
            % {"number": version.number}
        )


def _adopt_if_agreed(version: TextVersion, by: User) -> None:
    if not text_tally(version).passes:
        return
    now = timezone.now()
    TextVersion.objects.filter(campaign=version.campaign, kind=version.kind, status=TextStatus.ADOPTED).update(
        status=TextStatus.SUPERSEDED, decided_at=now
    )
    version.status = TextStatus.ADOPTED
    version.decided_at = now
    version.save(update_fields=["status", "decided_at"])
    _record(version.campaign, by, "text.adopted", kind=version.kind, number=version.number)


@transaction.atomic
def text_withdraw(*, version: TextVersion, by: User) -> TextVersion:
    access = _acting(by, version.campaign.coalition)
    if not (access.is_lead or version.organisation_id in access.acting_organisation_ids):
        raise PermissionDenied
    locked = TextVersion.objects.select_for_update().get(pk=version.pk)
    if locked.status != TextStatus.PENDING:
        raise DomainError(_("This wording is no longer waiting for approval."))
    version.status = TextStatus.WITHDRAWN
    version.decided_at = timezone.now()
    version.save(update_fields=["status", "decided_at"])
    _record(version.campaign, by, "text.withdrawn", kind=version.kind, number=version.number)
    return version


# Targets and stance --------------------------------------------------------------------------


@transaction.atomic
def target_create(*, campaign: Campaign, by: User, **fields) -> Target:
    _acting(by, campaign.coalition)
    target = Target.objects.create(campaign=campaign, **{key: fields[key] for key in TARGET_FIELDS if key in fields})
    _record(campaign, by, "target.added", topics=[f"target:{target.pk}"], target=target.name)
    return target


@transaction.atomic
def target_update(*, target: Target, by: User, **fields) -> Target:
    _acting(by, target.campaign.coalition)
    for key in TARGET_FIELDS:
        if key in fields:
            setattr(target, key, fields[key])
    target.save()
    _record(target.campaign, by, "target.updated", topics=[f"target:{target.pk}"], target=target.name)
    return target


@transaction.atomic
def stance_assess(
    *, target: Target, by: User, organisation: Organisation, stance: int, assessed_on: date, evidence: str = ""
) -> StanceAssessment:
    access = _acting(by, target.campaign.coalition)
    return _stance_record(
        access=access, target=target, by=by, organisation=organisation, stance=stance, assessed_on=assessed_on,
        evidence=evidence,
    )


def _stance_record(*, access, target, by, organisation, stance, assessed_on, evidence) -> StanceAssessment:
    """The one way a stance is recorded, from the stance form or from a check-off alike."""
    if organisation.pk not in access.acting_organisation_ids:
        # A lead may check off a partner's task, but not speak for the partner.
        raise DomainError(
            _("Only the people of %(organisation)s can record its assessment of the stance. Leave the stance empty.")
            % {"organisation": organisation}
        )
    assessment = StanceAssessment.objects.create(
        target=target, stance=stance, assessed_on=assessed_on, organisation=organisation, recorded_by=by,
        evidence=evidence.strip(),
    )
    _record(
        target.campaign, by, "stance.assessed", topics=[f"target:{target.pk}"], target=target.name, stance=int(stance),
        organisation=organisation.short_name, on=assessed_on.isoformat(),
    )
    return assessment


@transaction.atomic
def target_organisation_set(*, target: Target, by: User, organisation: Organisation, role: str) -> TargetOrganisation:
    """Leads place any organisation; a member places its own, and may lead only where nobody does."""
    _acting(by, target.campaign.coalition, organisation)
    _require_partner(target.campaign.coalition, organisation)
    current_lead = target.organisations.filter(role=OutreachRole.LEAD).exclude(organisation=organisation).first()
    if role == OutreachRole.LEAD and current_lead is not None:
        raise DomainError(
            _("%(organisation)s already leads the work on this target.") % {"organisation": current_lead.organisation}
        )
    try:
        with transaction.atomic():
            placement, _created = TargetOrganisation.objects.update_or_create(
                target=target, organisation=organisation, defaults={"role": role}
            )
    except IntegrityError as error:
        # Another request made someone else the lead at the same moment.
        raise DomainError(_("Another organisation has just taken the lead on this target.")) from error
    _record(target.campaign, by, "target.organisation_set", topics=[f"target:{target.pk}"], target=target.name, organisation=organisation.short_name, role=role)
    return placement


@transaction.atomic
def target_organisation_remove(*, target: Target, by: User, organisation: Organisation) -> None:
    _acting(by, target.campaign.coalition, organisation)
    deleted, _rows = TargetOrganisation.objects.filter(target=target, organisation=organisation).delete()
    if deleted:
        _record(target.campaign, by, "target.organisation_removed", topics=[f"target:{target.pk}"], target=target.name, organisation=organisation.short_name)


# Outreach plan -------------------------------------------------------------------------------


class ContactOverlap(DomainError):
    """Another organisation contacted, or plans to contact, the same target within two weeks."""

    def __init__(self, tasks: list[Task], logs: list[OutreachLog]):
        super().__init__(
            _("Another organisation contacted or plans to contact this target within %(days)s days.")
            % {"days": DUPLICATE_CONTACT_DAYS}
        )
        self.tasks = tasks
        self.logs = logs


def contact_overlaps(*, target: Target, organisation: Organisation, around: date, exclude_task: Task | None = None):
    window = (around - timedelta(days=DUPLICATE_CONTACT_DAYS), around + timedelta(days=DUPLICATE_CONTACT_DAYS))
    tasks = (
        Task.objects.filter(target=target, due_on__range=window)
        .exclude(organisation=organisation)
        .select_related("organisation")
    )
    if exclude_task is not None:
        tasks = tasks.exclude(pk=exclude_task.pk)
    logs = (
        OutreachLog.objects.filter(task__target=target, happened_on__range=window)
        .exclude(task__organisation=organisation)
        .select_related("task__organisation")
    )
    return list(tasks), list(logs)


def _check_assignee(organisation: Organisation, assignee: User | None) -> None:
    if assignee is not None and not Affiliation.objects.filter(organisation=organisation, user=assignee).exists():
        raise DomainError(_("%(person)s does not belong to %(organisation)s.") % {"person": assignee, "organisation": organisation})


@transaction.atomic
def task_plan(
    *,
    campaign: Campaign,
    by: User,
    target: Target,
    organisation: Organisation,
    channel: str,
    due_on: date,
    assignee: User | None = None,
    notes: str = "",
    acknowledge_overlap: bool = False,
    follow_up_of: Task | None = None,
) -> Task:
    _acting(by, campaign.coalition, organisation)
    if target.campaign_id != campaign.pk:
        raise PermissionDenied
    _require_partner(campaign.coalition, organisation)
    _check_assignee(organisation, assignee)
    if not acknowledge_overlap:
        tasks, logs = contact_overlaps(target=target, organisation=organisation, around=due_on)
        if tasks or logs:
            raise ContactOverlap(tasks, logs)
    return task_add(
        campaign=campaign, by=by, target=target, organisation=organisation, channel=channel, due_on=due_on,
        assignee=assignee, notes=notes, follow_up_of=follow_up_of,
    )


def task_add(
    *, campaign: Campaign, by: User | None, target: Target, organisation: Organisation, channel: str, due_on: date,
    assignee: User | None = None, notes: str = "", follow_up_of: Task | None = None,
) -> Task:
    """The one way a task enters the plan, from the planning form or from a decision that passed;
    the callers have checked who may do it."""
    task = Task.objects.create(
        campaign=campaign, target=target, organisation=organisation, assignee=assignee, channel=channel,
        due_on=due_on, notes=notes.strip(), created_by=by, follow_up_of=follow_up_of,
    )
    _record(
        campaign, by, "task.planned", topics=_task_topics(task), notices=_task_given(task), target=target.name,
        organisation=organisation.short_name,
        channel=channel, due=due_on.isoformat(),
    )
    return task


def task_path(task: Task) -> str:
    campaign = task.campaign
    return reverse("task_edit", kwargs={"slug": campaign.coalition.slug, "campaign_slug": campaign.slug, "task_id": task.pk})


def _task_given(*tasks: Task | None) -> list[Notice]:
    """The person named on a task hears of it; with nobody named, the people of its organisation."""
    return [
        Notice(
            kind=NotificationKind.TASK_ASSIGNED,
            key=f"task:{task.pk}:given:{task.assignee_id or 'organisation'}",
            url=task_path(task),
            data={
                "campaign": task.campaign.title, "target": task.target.name, "due": task.due_on.isoformat(),
                "organisation": task.organisation.short_name, "personal": task.assignee_id is not None,
            },
            users=frozenset([task.assignee_id] if task.assignee_id else []),
            organisations=frozenset([] if task.assignee_id else [task.organisation_id]),
        )
        for task in tasks
        if task is not None
    ]


def _task_topics(*tasks: Task | None) -> list[str]:
    topics = []
    for task in tasks:
        if task is not None:
            topics += [f"task:{task.pk}", f"target:{task.target_id}"]
    return topics


def _task_access(task: Task, by: User) -> CoalitionAccess:
    return _acting(by, task.campaign.coalition, task.organisation)


@transaction.atomic
def task_update(*, task: Task, by: User, **fields) -> Task:
    _task_access(task, by)
    _check_assignee(task.organisation, fields.get("assignee", task.assignee))
    given_to = task.assignee_id
    for key in TASK_FIELDS:
        if key in fields:
            setattr(task, key, fields[key].strip() if key == "notes" else fields[key])
    task.save()
    _record(
        task.campaign, by, "task.updated", topics=_task_topics(task),
        notices=_task_given(task) if task.assignee_id != given_to else (),
        target=task.target.name, organisation=task.organisation.short_name,
    )
    return task


@transaction.atomic
def task_status_set(*, task: Task, by: User, status: str, blocked_reason: str = "", idempotency_key: str = "") -> Task:
    """To do, doing or blocked; a task is done only with a log of what happened (task_complete).

    A form carries an `idempotency_key`: the same form arriving again (kept on a phone while the
    link was down and sent once more) leaves the task as the first arrival made it."""
    _task_access(task, by)
    current = Task.objects.select_for_update().get(pk=task.pk)
    if idempotency_key:
        receipt = TaskStatusReceipt.objects.filter(key=idempotency_key).first()
        if receipt is not None and receipt.task_id == task.pk:
            task.refresh_from_db(fields=["status", "blocked_reason", "completed_at"])
            return task
        if receipt is not None:
            # A key seen on another task is no key at all: this change stands on its own.
            idempotency_key = ""
    if status == TaskStatus.DONE:
        raise DomainError(_("Record what happened to mark a task done."))
    if current.status == TaskStatus.DONE:
        # A change made on a phone while the link was down may arrive after a partner checked the task off.
        raise DomainError(_("This task has already been checked off, so its status can no longer change."))
    blocked_reason = blocked_reason.strip()
    if status == TaskStatus.BLOCKED and not blocked_reason:
        raise DomainError(_("Please say why the task is blocked."))
    old = current.status
    task.status = status
    task.blocked_reason = blocked_reason if status == TaskStatus.BLOCKED else ""
    task.completed_at = None
    task.save(update_fields=["status", "blocked_reason", "completed_at"])
    if idempotency_key:
        TaskStatusReceipt.objects.create(key=idempotency_key, task=task)
    _record(
        task.campaign, by, "task.status_changed", topics=_task_topics(task), target=task.target.name, organisation=task.organisation.short_name,
        old=old, new=status, reason=task.blocked_reason,
    )
    return task


@transaction.atomic
def task_complete(
    *,
    task: Task,
    by: User,
    happened_on: date,
    channel: str,
    outcome: str,
    summary: str,
    attendees: str = "",
    next_step: str = "",
    next_step_due: date | None = None,
    stance: int | None = None,
    commitment: str = "",
    commitment_due: date | None = None,
    idempotency_key: str = "",
) -> OutreachLog:
    """Check a task off with what happened; a next step becomes the follow-up task, and what the
    target committed to (with the outcome "committed") a commitment on the campaign's ledger.

    The same check-off form arriving again (its `idempotency_key`) gets back the log the first
    arrival wrote, and writes nothing."""
    access = _task_access(task, by)
    task = Task.objects.select_for_update().select_related("campaign__coalition", "target", "organisation").get(pk=task.pk)
    if idempotency_key:
        earlier = OutreachLog.objects.filter(idempotency_key=idempotency_key).select_related("follow_up").first()
        if earlier is not None and earlier.task_id == task.pk:
            return earlier
        if earlier is not None:
            idempotency_key = ""
    if task.status == TaskStatus.DONE:
        raise DomainError(_("This task has already been checked off."))
    if next_step_due and not next_step.strip():
        raise DomainError(_("Please describe the next step."))
    commitment = commitment.strip()
    if (commitment or commitment_due) and outcome != Outcome.COMMITTED:
        raise DomainError(
            _("A commitment is recorded with the outcome “Committed”. Choose it, or leave the commitment empty.")
        )
    if bool(commitment) != bool(commitment_due):
        raise DomainError(_("Please say both what they committed to and by when."))
    log = OutreachLog(
        task=task, happened_on=happened_on, channel=channel, outcome=outcome, summary=summary.strip(),
        attendees=attendees.strip(), next_step=next_step.strip(), next_step_due=next_step_due, logged_by=by,
        idempotency_key=idempotency_key or None,
    )
    if stance is not None:
        log.stance_assessment = _stance_record(
            access=access, target=task.target, by=by, organisation=task.organisation, stance=stance, assessed_on=happened_on,
            evidence=summary,
        )
    if next_step_due:
        # The follow-up continues the same organisation's thread with this target, so it does not
        # warn about overlapping with itself.
        log.follow_up = Task.objects.create(
            campaign=task.campaign, target=task.target, organisation=task.organisation, assignee=task.assignee,
            channel=task.channel, due_on=next_step_due, notes=next_step.strip(), created_by=by, follow_up_of=task,
        )
    log.save()
    task.status = TaskStatus.DONE
    task.blocked_reason = ""
    task.completed_at = timezone.now()
    task.save(update_fields=["status", "blocked_reason", "completed_at"])
    _record(
        task.campaign, by, "task.completed", topics=_task_topics(task, log.follow_up), notices=_task_given(log.follow_up),
        target=task.target.name, organisation=task.organisation.short_name,
        outcome=outcome, follow_up=next_step_due.isoformat() if next_step_due else "",
    )
    if commitment:
        # The promise is the contact's organisation's to follow up, whoever checked the task off.
        _commitment_write(
            campaign=task.campaign, by=by, organisation=task.organisation, target=task.target, wording=commitment,
            made_on=happened_on, due_on=commitment_due, source_log=log,
        )
    return log


# Commitments ---------------------------------------------------------------------------------

COMMITMENT_FIELDS = ("wording", "made_on", "due_on", "notes", "public", "public_wording")


def commitment_path(commitment: Commitment) -> str:
    campaign = commitment.campaign
    ledger = reverse("commitment_list", kwargs={"slug": campaign.coalition.slug, "campaign_slug": campaign.slug})
    return f"{ledger}#commitment-{commitment.pk}"


def _commitment_topics(commitment: Commitment) -> list[str]:
    return [f"commitment:{commitment.pk}", *([f"target:{commitment.target_id}"] if commitment.target_id else [])]


def _commitment_check(commitment: Commitment) -> None:
    """What a commitment must say, however it is recorded or changed."""
    if not commitment.wording:
        raise DomainError(_("Please write what they committed to."))
    if commitment.due_on < commitment.made_on:
        raise DomainError(_("The date to keep it cannot be before the day it was made."))
    if commitment.public and commitment.target_id is None:
        raise DomainError(_("Only a target's commitment can be quoted in letters; a partner's stays in the coalition."))
    if commitment.public and not commitment.public_wording:
        raise DomainError(_("Please write the wording for letters, or leave the commitment out of letters."))


def _commitment_write(
    *, campaign: Campaign, by: User, organisation: Organisation, wording: str, made_on: date, due_on: date,
    target: Target | None = None, partner: Organisation | None = None, notes: str = "", public: bool = False,
    public_wording: str = "", source_log: OutreachLog | None = None,
) -> Commitment:
    commitment = Commitment(
        campaign=campaign, target=target, partner=partner, wording=wording.strip(), made_on=made_on, due_on=due_on,
        notes=notes.strip(), public=public, public_wording=public_wording.strip() if public else "",
        source_log=source_log, organisation=organisation, recorded_by=by,
    )
    _commitment_check(commitment)
    commitment.save()
    _record(
        campaign, by, "commitment.recorded", topics=_commitment_topics(commitment), made_by=str(commitment.made_by),
        organisation=organisation.short_name, due=due_on.isoformat(),
    )
    return commitment


@transaction.atomic
def commitment_record(
    *, campaign: Campaign, by: User, organisation: Organisation, wording: str, made_on: date, due_on: date,
    target: Target | None = None, partner: Organisation | None = None, notes: str = "", public: bool = False,
    public_wording: str = "",
) -> Commitment:
    """A promise heard outside a check-off: a target's (a statement, a letter) or a partner's.

    `organisation`, one of the person's own, records it and follows it up. A member records its own
    organisation's promises; a lead any partner's."""
    access = _acting(by, campaign.coalition)
    _own_organisation(access, organisation)
    if (target is None) == (partner is None):
        raise DomainError(_("Please say who committed: a target or a partner organisation."))
    if target is not None and target.campaign_id != campaign.pk:
        raise PermissionDenied
    if partner is not None:
        if not access.may_act_for(partner.pk):
            raise PermissionDenied
        _require_partner(campaign.coalition, partner)
    return _commitment_write(
        campaign=campaign, by=by, organisation=organisation, target=target, partner=partner, wording=wording,
        made_on=made_on, due_on=due_on, notes=notes, public=public, public_wording=public_wording,
    )


def _commitment_access(commitment: Commitment, by: User) -> None:
    access = _acting(by, commitment.campaign.coalition)
    if not may_change_commitment(access, commitment):
        raise PermissionDenied


@transaction.atomic
def commitment_update(*, commitment: Commitment, by: User, **fields) -> Commitment:
    _commitment_access(commitment, by)
    for key in COMMITMENT_FIELDS:
        if key in fields:
            value = fields[key]
            setattr(commitment, key, value.strip() if isinstance(value, str) else value)
    if not commitment.public:
        commitment.public_wording = ""
    _commitment_check(commitment)
    commitment.save()
    _record(
        commitment.campaign, by, "commitment.updated", topics=_commitment_topics(commitment),
        made_by=str(commitment.made_by),
    )
    return commitment


@transaction.atomic
def commitment_status_set(
    *, commitment: Commitment, by: User, status: str, settled_on: date, evidence: str, evidence_url: str = ""
) -> Commitment:
    """Kept, partly kept or broken, with what shows it: the ledger is only as good as its evidence,
    and a letter may quote the outcome. A settled commitment may be settled again (partly kept, then
    kept) with new evidence; the activity trail keeps each step."""
    _commitment_access(commitment, by)
    current = Commitment.objects.select_for_update().get(pk=commitment.pk)
    if status not in CommitmentStatus.values or status == CommitmentStatus.PENDING:
        raise DomainError(_("Please choose whether it was kept, partly kept or broken."))
    if status == current.status:
        raise DomainError(
            _("This commitment is already marked “%(status)s”.") % {"status": CommitmentStatus(status).label}
        )
    evidence = evidence.strip()
    if not evidence:
        raise DomainError(_("Please say what shows it: a vote, a document, a meeting, figures."))
    if settled_on < current.made_on:
        raise DomainError(_("It cannot be kept or broken before the day it was made."))
    evidence_url = evidence_url.strip()
    if evidence_url:
        try:
            URLValidator(schemes=["http", "https"])(evidence_url)
        except ValidationError as error:
            raise DomainError(_("The link to the evidence must be a web address starting with https://.")) from error
    old = current.status
    commitment.status = status
    commitment.settled_on = settled_on
    commitment.evidence = evidence
    commitment.evidence_url = evidence_url
    commitment.status_changed_by = by
    commitment.status_changed_at = timezone.now()
    commitment.save(
        update_fields=["status", "settled_on", "evidence", "evidence_url", "status_changed_by", "status_changed_at"]
    )
    _record(
        commitment.campaign, by, "commitment.status_changed", topics=_commitment_topics(commitment),
        made_by=str(commitment.made_by), old=old, new=status, on=settled_on.isoformat(), evidence=evidence,
    )
    return commitment


# Calendar feeds ------------------------------------------------------------------------------


@transaction.atomic
def calendar_feed_create(*, user: User) -> str:
    """A new secret address for the person's calendar; any earlier one stops working."""
    token = secrets.token_urlsafe(32)
    CalendarFeed.objects.update_or_create(user=user, defaults={"token_hash": hash_token(token)})
    return token


@transaction.atomic
def calendar_feed_revoke(*, user: User) -> None:
    CalendarFeed.objects.filter(user=user).delete()
