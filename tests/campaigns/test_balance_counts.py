"""What campaigns count towards the balance of power, organisation by organisation, in the period only."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

from campaigns.models import OutreachRole, TargetOrganisation, TaskStatus
from coalitions.balance import Period, coalition_balance
from tests.factories import (
    CampaignFactory,
    OutreachLogFactory,
    TargetFactory,
    TaskFactory,
    TextApprovalFactory,
    TextVersionFactory,
)

UTC = ZoneInfo("UTC")
MARCH = Period(first=date(2026, 3, 1), last=date(2026, 3, 31), zone=UTC)
INSIDE = datetime(2026, 3, 15, 12, 0, tzinfo=UTC)
LAST_MINUTE = datetime(2026, 3, 31, 23, 59, tzinfo=UTC)
BEFORE = datetime(2026, 2, 28, 23, 59, tzinfo=UTC)
AFTER = datetime(2026, 4, 1, 0, 0, tzinfo=UTC)  # the end is the first moment after the period


def figures(world, period=MARCH, key=None) -> dict:
    rows = coalition_balance(coalition=world.coalition, period=period).rows
    return {row.participation.organisation: (row.by_key[key] if key else row.by_key) for row in rows}


def _done(campaign, organisation, at):
    return TaskFactory(campaign=campaign, organisation=organisation, status=TaskStatus.DONE, completed_at=at)


def test_tasks_done_count_when_checked_off_for_the_organisation_whose_task_it_was(world, campaign):
    _done(campaign, world.member_org, INSIDE)
    _done(campaign, world.member_org, LAST_MINUTE)
    _done(campaign, world.member_org, BEFORE)
    _done(campaign, world.member_org, AFTER)
    _done(campaign, world.lead_org, INSIDE)
    TaskFactory(campaign=campaign, organisation=world.lead_org, status=TaskStatus.DOING)
    # Another coalition's work is not this one's, even by the same organisation.
    _done(CampaignFactory(coalition=world.other_coalition), world.member_org, INSIDE)

    assert figures(world, key="tasks_done") == {world.lead_org: 1, world.member_org: 2, world.observer_org: 0}


def test_outreach_counts_by_the_day_it_took_place_not_the_day_it_was_logged(world, campaign):
    task = TaskFactory(campaign=campaign, organisation=world.member_org)
    OutreachLogFactory(task=task, happened_on=date(2026, 3, 1), logged_at=AFTER)
    OutreachLogFactory(task=task, happened_on=date(2026, 3, 31))
    OutreachLogFactory(task=task, happened_on=date(2026, 2, 28), logged_at=INSIDE)
    OutreachLogFactory(task=task, happened_on=date(2026, 4, 1))

    assert figures(world, key="outreach_logged")[world.member_org] == 2


def test_outreach_since_the_coalition_began_has_no_lower_bound(world, campaign):
    task = TaskFactory(campaign=campaign, organisation=world.member_org)
    OutreachLogFactory(task=task, happened_on=date(2010, 8, 12))
    OutreachLogFactory(task=task, happened_on=date(2026, 4, 1))

    since = Period(first=None, last=date(2026, 3, 31), zone=UTC)

    assert figures(world, since, key="outreach_logged")[world.member_org] == 1


def test_targets_led_count_for_the_lead_in_the_periods_its_target_was_worked_on(world, campaign):
    def led(**task):
        target = TargetFactory(campaign=campaign)
        TargetOrganisation.objects.create(target=target, organisation=world.member_org, role=OutreachRole.LEAD)
        TargetOrganisation.objects.create(target=target, organisation=world.lead_org, role=OutreachRole.SUPPORT)
        if task:
            return TaskFactory(campaign=campaign, target=target, organisation=world.lead_org, **task)

    led(due_on=date(2026, 3, 31))
    led(due_on=date(2026, 1, 5), status=TaskStatus.DONE, completed_at=INSIDE)
    OutreachLogFactory(task=led(due_on=date(2025, 12, 1)), happened_on=date(2026, 3, 1))
    led(due_on=date(2026, 4, 1))
    led(due_on=date(2026, 2, 1), status=TaskStatus.DONE, completed_at=BEFORE)
    led()  # nothing planned yet

    counted = figures(world, key="targets_led")

    assert (counted[world.member_org], counted[world.lead_org]) == (3, 0)
    assert figures(world, Period(first=None, last=date(2026, 4, 30), zone=UTC), key="targets_led")[world.member_org] == 5


def test_texts_proposed_and_votes_cast_count_in_the_period_without_the_proposers_own_yes(world, campaign):
    inside = TextVersionFactory(campaign=campaign, organisation=world.lead_org, proposed_at=INSIDE)
    TextApprovalFactory(version=inside, organisation=world.lead_org, approved_at=INSIDE)
    TextApprovalFactory(version=inside, organisation=world.member_org, approved_at=INSIDE)
    earlier = TextVersionFactory(campaign=campaign, organisation=world.member_org, proposed_at=BEFORE)
    TextApprovalFactory(version=earlier, organisation=world.member_org, approved_at=BEFORE)
    # A vote in the period on a wording proposed before it counts; the proposal does not.
    TextApprovalFactory(version=earlier, organisation=world.lead_org, approved_at=LAST_MINUTE)
    later = TextVersionFactory(campaign=campaign, organisation=world.member_org, proposed_at=AFTER)
    TextApprovalFactory(version=later, organisation=world.lead_org, approved_at=AFTER)

    counted = figures(world)

    assert (counted[world.lead_org]["texts_proposed"], counted[world.lead_org]["votes"]) == (1, 1)
    assert (counted[world.member_org]["texts_proposed"], counted[world.member_org]["votes"]) == (0, 1)


def test_a_period_in_the_readers_zone_moves_what_falls_in_it(world, campaign):
    # 20:00 in London on 28 February is already 1 March in Kolkata.
    _done(campaign, world.member_org, datetime(2026, 2, 28, 20, 0, tzinfo=UTC))
    kolkata = Period(first=MARCH.first, last=MARCH.last, zone=ZoneInfo("Asia/Kolkata"))

    assert figures(world, MARCH, key="tasks_done")[world.member_org] == 0
    assert figures(world, kolkata, key="tasks_done")[world.member_org] == 1


def test_decisions_proposed_and_their_votes_count_in_the_period_beside_the_text_votes(world, campaign):
    from campaigns.models import Ballot, Decision, DecisionOption

    def decision(organisation, at):
        made = Decision.objects.create(
            coalition=world.coalition, campaign=campaign, question="Do we back the CAM card?", organisation=organisation,
            proposed_at=at, method="consent", quorum_percent=50, deadline=AFTER,
        )
        return made, DecisionOption.objects.create(decision=made, number=1, wording="Yes, with conditions")

    inside, option = decision(world.member_org, INSIDE)
    Ballot.objects.create(decision=inside, option=option, organisation=world.member_org, position="for", cast_at=INSIDE)
    Ballot.objects.create(decision=inside, option=option, organisation=world.lead_org, position="for", cast_at=AFTER)
    earlier, option = decision(world.lead_org, BEFORE)
    Ballot.objects.create(decision=earlier, option=option, organisation=world.lead_org, position="for", cast_at=LAST_MINUTE)
    version = TextVersionFactory(campaign=campaign, organisation=world.member_org, proposed_at=BEFORE)
    TextApprovalFactory(version=version, organisation=world.lead_org, approved_at=INSIDE)

    counted = figures(world)

    assert (counted[world.member_org]["decisions_proposed"], counted[world.member_org]["votes"]) == (1, 1)
    # One vote on a decision and one on a text: one column, summed.
    assert (counted[world.lead_org]["decisions_proposed"], counted[world.lead_org]["votes"]) == (0, 2)
