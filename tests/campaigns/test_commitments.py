"""The commitments ledger: who promised what by when, what became of it, and who may say so."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from campaigns import selectors, services
from campaigns.models import Commitment, CommitmentStatus, OutreachLog, Task, TaskStatus
from coalitions.errors import DomainError
from coalitions.models import AuditEntry, Notification
from tests.conftest import ROLES
from tests.factories import CommitmentFactory, TargetFactory, TaskFactory

OK, DONE, LOGIN, HIDDEN, DENIED, KEPT_FORM, NOT_ALLOWED = 200, 302, "login", 404, 403, "form", 405


def _client(user) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def _today():
    return timezone.localdate()


def _state():
    """Every row a commitments request could write."""
    return {
        "audit": AuditEntry.objects.count(),
        "commitments": sorted(
            Commitment.objects.values_list(
                "pk", "target_id", "partner_id", "wording", "due_on", "status", "settled_on", "evidence", "evidence_url",
                "public", "public_wording", "notes",
            )
        ),
        "logs": OutreachLog.objects.count(),
        "tasks": sorted(Task.objects.values_list("pk", "status")),
        "notifications": Notification.objects.count(),
    }


@dataclass
class Ledger:
    world: object
    campaign: object
    target: object
    members: Commitment  # a target's, recorded by the member organisation
    leads: Commitment  # a target's, recorded by the lead organisation
    partners: Commitment  # the member organisation's own, recorded by the lead

    def url(self, name: str, *args) -> str:
        return reverse(name, args=[self.world.coalition.slug, self.campaign.slug, *args])


@pytest.fixture
def ledger(world, campaign, target) -> Ledger:
    today = _today()
    return Ledger(
        world=world, campaign=campaign, target=target,
        members=CommitmentFactory(
            campaign=campaign, target=target, organisation=world.member_org, recorded_by=world.member_staff,
            wording="The Ministry will table the bill by March", due_on=today + timedelta(days=20),
        ),
        leads=CommitmentFactory(
            campaign=campaign, target=target, organisation=world.lead_org, recorded_by=world.lead,
            wording="The Ministry will meet the five presidents", due_on=today + timedelta(days=10),
        ),
        partners=CommitmentFactory(
            campaign=campaign, target=None, partner=world.member_org, organisation=world.lead_org,
            recorded_by=world.lead, wording="Brings 5,000 signatures from Kerala", due_on=today + timedelta(days=5),
        ),
    )


# The permission matrix -------------------------------------------------------------------------------


def _new_target_commitment(ledger: Ledger) -> dict:
    return {
        "made_by": f"target-{ledger.target.pk}", "wording": "The Secretary will write to the Prime Minister",
        "made_on": _today().isoformat(), "due_on": (_today() + timedelta(days=30)).isoformat(),
    }


def _new_lead_org_commitment(ledger: Ledger) -> dict:
    return {**_new_target_commitment(ledger), "made_by": f"partner-{ledger.world.lead_org.pk}"}


def _settle(ledger: Ledger, commitment: Commitment) -> dict:
    prefix = f"c{commitment.pk}"
    return {
        f"{prefix}-status": "kept", f"{prefix}-settled_on": _today().isoformat(),
        f"{prefix}-evidence": "The bill was tabled on Monday.", f"{prefix}-evidence_url": "https://example.org/bill",
    }


def _edit(ledger: Ledger) -> dict:
    return {"wording": "Changed wording", "made_on": _today().isoformat(), "due_on": (_today() + timedelta(days=40)).isoformat()}


@dataclass(frozen=True)
class Case:
    name: str  # "<url name> <METHOD>[ <which object>]"
    url: Callable[[Ledger], str]
    data: Callable[[Ledger], dict] = lambda ledger: {}

    @property
    def method(self) -> str:
        return self.name.split()[1]


CASES = [
    Case("commitment_list GET", lambda p: p.url("commitment_list")),
    Case("commitment_create POST target's", lambda p: p.url("commitment_create"), _new_target_commitment),
    Case("commitment_create POST lead organisation's own", lambda p: p.url("commitment_create"), _new_lead_org_commitment),
    Case("commitment_status GET", lambda p: p.url("commitment_status", p.members.pk)),
    Case("commitment_status POST member's", lambda p: p.url("commitment_status", p.members.pk), lambda p: _settle(p, p.members)),
    Case("commitment_status POST lead's", lambda p: p.url("commitment_status", p.leads.pk), lambda p: _settle(p, p.leads)),
    Case(
        "commitment_status POST member organisation's own", lambda p: p.url("commitment_status", p.partners.pk),
        lambda p: _settle(p, p.partners),
    ),
    Case("commitment_edit GET member's", lambda p: p.url("commitment_edit", p.members.pk)),
    Case("commitment_edit POST member's", lambda p: p.url("commitment_edit", p.members.pk), _edit),
    Case("commitment_edit GET lead's", lambda p: p.url("commitment_edit", p.leads.pk)),
    Case("commitment_edit POST lead's", lambda p: p.url("commitment_edit", p.leads.pk), _edit),
]

# Columns follow tests.conftest.ROLES. Observers read the ledger and change nothing. A commitment is
# changed by leads, by the organisation that recorded it and by the partner that made it; a member
# records its own organisation's promises, never another partner's (the form does not offer them).
EXPECTED = {
    #                                                 anonymous outsider observer member_staff org_admin  lead  other_lead
    "commitment_list GET":                            (LOGIN,   HIDDEN,  OK,      OK,          OK,        OK,   HIDDEN),
    "commitment_create POST target's":                (LOGIN,   HIDDEN,  DENIED,  DONE,        DONE,      DONE, HIDDEN),
    "commitment_create POST lead organisation's own": (LOGIN,   HIDDEN,  DENIED,  KEPT_FORM,   KEPT_FORM, DONE, HIDDEN),
    "commitment_status GET":                          (LOGIN,   NOT_ALLOWED, NOT_ALLOWED, NOT_ALLOWED, NOT_ALLOWED, NOT_ALLOWED, NOT_ALLOWED),
    "commitment_status POST member's":                (LOGIN,   HIDDEN,  DENIED,  DONE,        DONE,      DONE, HIDDEN),
    "commitment_status POST lead's":                  (LOGIN,   HIDDEN,  DENIED,  DENIED,      DENIED,    DONE, HIDDEN),
    "commitment_status POST member organisation's own": (LOGIN, HIDDEN,  DENIED,  DONE,        DONE,      DONE, HIDDEN),
    "commitment_edit GET member's":                   (LOGIN,   HIDDEN,  DENIED,  OK,          OK,        OK,   HIDDEN),
    "commitment_edit POST member's":                  (LOGIN,   HIDDEN,  DENIED,  DONE,        DONE,      DONE, HIDDEN),
    "commitment_edit GET lead's":                     (LOGIN,   HIDDEN,  DENIED,  DENIED,      DENIED,    OK,   HIDDEN),
    "commitment_edit POST lead's":                    (LOGIN,   HIDDEN,  DENIED,  DENIED,      DENIED,    DONE, HIDDEN),
}


def test_every_case_has_a_row_for_every_role():
    assert sorted(case.name for case in CASES) == sorted(EXPECTED)
    assert all(len(row) == len(ROLES) for row in EXPECTED.values())


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("case", CASES, ids=lambda case: case.name)
def test_each_role_gets_what_the_matrix_says(case, role, ledger, mailoutbox, django_capture_on_commit_callbacks):
    expected = EXPECTED[case.name][ROLES.index(role)]
    user = ledger.world.user(role)
    before = _state()

    with django_capture_on_commit_callbacks(execute=True):
        if case.method == "GET":
            response = _client(user).get(case.url(ledger))
        else:
            response = _client(user).post(case.url(ledger), case.data(ledger))

    if expected == LOGIN:
        assert response.status_code == 302 and response.url.startswith(reverse("account_login"))
    elif expected == KEPT_FORM:
        assert response.status_code == 200
        assert "Select a valid choice" in response.content.decode()
    else:
        assert response.status_code == expected, response.content[:300]
    if case.method == "POST" and expected == DONE:
        assert _state() != before
    else:
        assert _state() == before
    assert mailoutbox == []


def test_permitted_changes_are_recorded_in_the_trail_and_announced_on_the_campaign(ledger):
    client = _client(ledger.world.member_staff)
    for case in [c for c in CASES if c.method == "POST" and EXPECTED[c.name][ROLES.index("member_staff")] == DONE]:
        client.post(case.url(ledger), case.data(ledger))

    entries = list(AuditEntry.objects.filter(coalition=ledger.world.coalition).order_by("seq"))
    assert [entry.action for entry in entries] == [
        "commitment.recorded", "commitment.status_changed", "commitment.status_changed", "commitment.updated",
    ]
    assert all(f"campaign:{ledger.campaign.pk}" in entry.topics for entry in entries)
    assert f"target:{ledger.target.pk}" in entries[1].topics
    assert entries[1].data["old"] == "pending" and entries[1].data["new"] == "kept"


# What becomes of a commitment ------------------------------------------------------------------------


@pytest.mark.parametrize("status", [CommitmentStatus.KEPT, CommitmentStatus.PARTLY_KEPT, CommitmentStatus.BROKEN])
def test_pending_commitment_is_settled_with_its_evidence_and_date(ledger, status):
    on = _today() - timedelta(days=1)

    services.commitment_status_set(
        commitment=ledger.members, by=ledger.world.member_staff, status=status, settled_on=on,
        evidence="  Tabled in the Lok Sabha on Monday.  ", evidence_url="https://example.org/bill",
    )

    commitment = Commitment.objects.get(pk=ledger.members.pk)
    assert commitment.status == status
    assert commitment.settled_on == on
    assert commitment.evidence == "Tabled in the Lok Sabha on Monday."
    assert commitment.evidence_url == "https://example.org/bill"
    assert commitment.status_changed_by == ledger.world.member_staff
    assert commitment.status_changed_at is not None
    entry = AuditEntry.objects.latest("seq")
    assert entry.action == "commitment.status_changed"
    assert entry.data["new"] == status and entry.data["evidence"] == "Tabled in the Lok Sabha on Monday."


@pytest.mark.parametrize("status", [CommitmentStatus.KEPT, CommitmentStatus.PARTLY_KEPT, CommitmentStatus.BROKEN])
def test_settling_without_evidence_is_refused_and_changes_nothing(ledger, status):
    before = _state()

    with pytest.raises(DomainError, match="what shows it"):
        services.commitment_status_set(
            commitment=ledger.members, by=ledger.world.member_staff, status=status, settled_on=_today(), evidence="   ",
        )

    assert _state() == before


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"status": CommitmentStatus.PENDING}, "kept, partly kept or broken"),
        ({"status": "forgotten"}, "kept, partly kept or broken"),
        ({"settled_on_days": -40}, "before the day it was made"),
        ({"evidence_url": "javascript:alert(1)"}, "web address"),
    ],
)
def test_other_impossible_settlements_are_refused_and_change_nothing(ledger, change, message):
    before = _state()
    status = change.get("status", CommitmentStatus.KEPT)
    settled_on = _today() + timedelta(days=change.get("settled_on_days", 0))

    with pytest.raises(DomainError, match=message):
        services.commitment_status_set(
            commitment=ledger.members, by=ledger.world.member_staff, status=status, settled_on=settled_on,
            evidence="Seen in the gazette.", evidence_url=change.get("evidence_url", ""),
        )

    assert _state() == before


def test_partly_kept_commitment_is_later_kept_and_the_trail_keeps_both_steps(ledger):
    by = ledger.world.member_staff
    services.commitment_status_set(
        commitment=ledger.members, by=by, status=CommitmentStatus.PARTLY_KEPT, settled_on=_today() - timedelta(days=3),
        evidence="The bill was drafted, not yet tabled.",
    )
    services.commitment_status_set(
        commitment=ledger.members, by=by, status=CommitmentStatus.KEPT, settled_on=_today(), evidence="Tabled.",
    )

    assert Commitment.objects.get(pk=ledger.members.pk).evidence == "Tabled."
    steps = AuditEntry.objects.filter(action="commitment.status_changed").order_by("seq")
    assert [(e.data["old"], e.data["new"], e.data["evidence"]) for e in steps] == [
        ("pending", "partly_kept", "The bill was drafted, not yet tabled."), ("partly_kept", "kept", "Tabled."),
    ]


def test_marking_it_the_same_again_is_refused(ledger):
    by = ledger.world.member_staff
    services.commitment_status_set(
        commitment=ledger.members, by=by, status=CommitmentStatus.BROKEN, settled_on=_today(), evidence="Not tabled.",
    )
    before = _state()

    with pytest.raises(DomainError, match="already marked"):
        services.commitment_status_set(
            commitment=ledger.members, by=by, status=CommitmentStatus.BROKEN, settled_on=_today(), evidence="Again.",
        )

    assert _state() == before


def test_is_overdue_only_while_pending_and_past_its_date(ledger):
    commitment = ledger.members
    assert not commitment.is_overdue(commitment.due_on)
    assert commitment.is_overdue(commitment.due_on + timedelta(days=1))
    commitment.status = CommitmentStatus.KEPT
    assert not commitment.is_overdue(commitment.due_on + timedelta(days=1))


# What the database refuses -----------------------------------------------------------------------------


def test_database_refuses_a_commitment_made_by_both_a_target_and_a_partner_or_by_neither(ledger):
    for target, partner in ((ledger.target, ledger.world.member_org), (None, None)):
        with pytest.raises(IntegrityError), transaction.atomic():
            CommitmentFactory(campaign=ledger.campaign, target=target, partner=partner, organisation=ledger.world.lead_org)


def test_database_refuses_a_settled_commitment_without_evidence_or_date(ledger):
    for fields in ({"settled_on": _today(), "evidence": ""}, {"settled_on": None, "evidence": "Seen."}):
        with pytest.raises(IntegrityError), transaction.atomic():
            Commitment.objects.filter(pk=ledger.members.pk).update(status=CommitmentStatus.KEPT, **fields)


def test_database_refuses_a_partners_commitment_in_letters(ledger):
    with pytest.raises(IntegrityError), transaction.atomic():
        Commitment.objects.filter(pk=ledger.partners.pk).update(public=True, public_wording="brings signatures")


# Recording one -------------------------------------------------------------------------------------------


def _record(ledger: Ledger, by, organisation, **fields) -> Commitment:
    values = {
        "wording": "The Secretary will write to the Prime Minister", "made_on": _today(),
        "due_on": _today() + timedelta(days=30), "target": ledger.target, **fields,
    }
    return services.commitment_record(campaign=ledger.campaign, by=by, organisation=organisation, **values)


def test_lead_records_a_partners_own_commitment(ledger):
    commitment = _record(ledger, ledger.world.lead, ledger.world.lead_org, target=None, partner=ledger.world.member_org)

    assert commitment.partner == ledger.world.member_org
    assert commitment.organisation == ledger.world.lead_org
    assert commitment.recorded_by == ledger.world.lead
    assert commitment.status == CommitmentStatus.PENDING


def test_member_cannot_record_another_partners_commitment_nor_an_observers(ledger):
    world = ledger.world
    before = _state()

    with pytest.raises(PermissionDenied):
        _record(ledger, world.member_staff, world.member_org, target=None, partner=world.lead_org)
    with pytest.raises(DomainError, match="not a member"):
        _record(ledger, world.lead, world.lead_org, target=None, partner=world.observer_org)
    with pytest.raises(PermissionDenied):
        _record(ledger, world.observer, world.observer_org)

    assert _state() == before


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"wording": "  "}, "what they committed to"),
        ({"due_on_days": -1}, "before the day it was made"),
        ({"public": True, "public_wording": ""}, "wording for letters"),
        ({"target": None, "partner": "member", "public": True, "public_wording": "bring signatures"}, "Only a target"),
        ({"target": None}, "who committed"),
    ],
)
def test_a_commitment_that_says_too_little_is_refused_and_writes_nothing(ledger, fields, message):
    before = _state()
    if fields.pop("partner", None):
        fields["partner"] = ledger.world.member_org
    if "due_on_days" in fields:
        fields["due_on"] = _today() + timedelta(days=fields.pop("due_on_days"))

    with pytest.raises(DomainError, match=message):
        _record(ledger, ledger.world.lead, ledger.world.lead_org, **fields)

    assert _state() == before


def test_record_form_offers_a_member_only_its_own_organisation_among_partners(ledger):
    page = _client(ledger.world.member_staff).get(ledger.url("commitment_list")).content.decode()

    assert f'value="partner-{ledger.world.member_org.pk}"' in page
    assert f'value="partner-{ledger.world.lead_org.pk}"' not in page
    assert f'value="target-{ledger.target.pk}"' in page


def test_refused_record_form_comes_back_with_what_was_typed(ledger):
    data = {**_new_target_commitment(ledger), "due_on": (_today() - timedelta(days=3)).isoformat(), "notes": "Said twice"}
    before = _state()

    response = _client(ledger.world.member_staff).post(ledger.url("commitment_create"), data)

    page = response.content.decode()
    assert response.status_code == 200
    assert "The date to keep it cannot be before the day it was made." in page
    assert "The Secretary will write to the Prime Minister" in page and "Said twice" in page
    assert _state() == before


def test_refused_status_form_comes_back_open_with_what_was_typed(ledger):
    data = {**_settle(ledger, ledger.members), f"c{ledger.members.pk}-evidence": "", f"c{ledger.members.pk}-status": "broken"}
    before = _state()

    response = _client(ledger.world.member_staff).post(ledger.url("commitment_status", ledger.members.pk), data)

    page = response.content.decode()
    assert response.status_code == 200
    assert '<option value="broken" selected>' in page
    assert "https://example.org/bill" in page
    assert '<details class="commitment-settle" open>' in page
    assert _state() == before


# From a check-off with the outcome "committed" ------------------------------------------------------------


@pytest.fixture
def task(world, campaign, target):
    return TaskFactory(
        campaign=campaign, target=target, organisation=world.member_org, channel="meeting",
        due_on=_today() + timedelta(days=2),
    )


def _complete_url(task) -> str:
    return reverse("task_complete", args=[task.campaign.coalition.slug, task.campaign.slug, task.pk])


def _check_off(task, **fields) -> dict:
    return {
        "happened_on": (_today() - timedelta(days=1)).isoformat(), "channel": "meeting", "outcome": "committed",
        "summary": "Met the Secretary.", "commitment": "The Ministry will table the bill by March",
        "commitment_due": (_today() + timedelta(days=60)).isoformat(), **fields,
    }


def test_check_off_form_asks_what_they_committed_to_and_by_when_without_script(world, task):
    page = _client(world.member_staff).get(_complete_url(task)).content.decode()

    assert "What did they commit to?" in page and "By when?" in page
    assert 'data-shown-when="outcome=committed"' in page
    assert '<fieldset data-shown-when="outcome=committed" hidden' not in page


def test_check_off_with_outcome_committed_puts_the_commitment_on_the_ledger(world, task):
    response = _client(world.member_staff).post(_complete_url(task), _check_off(task))

    assert response.status_code == 302
    log = OutreachLog.objects.get()
    commitment = Commitment.objects.get()
    assert commitment.source_log == log
    assert commitment.target == task.target and commitment.partner is None
    assert commitment.organisation == world.member_org
    assert commitment.recorded_by == world.member_staff
    assert commitment.wording == "The Ministry will table the bill by March"
    assert commitment.made_on == log.happened_on
    assert commitment.due_on == _today() + timedelta(days=60)
    assert list(AuditEntry.objects.order_by("seq").values_list("action", flat=True)) == [
        "task.completed", "commitment.recorded",
    ]


def test_lead_checking_off_a_partners_task_leaves_the_commitment_to_the_partner(world, task):
    _client(world.lead).post(_complete_url(task), _check_off(task))

    commitment = Commitment.objects.get()
    assert commitment.organisation == world.member_org and commitment.recorded_by == world.lead


def test_the_same_check_off_sent_twice_records_one_commitment(world, task):
    client = _client(world.member_staff)
    data = _check_off(task, idempotency_key="a" * 32)

    client.post(_complete_url(task), data)
    client.post(_complete_url(task), data)

    assert Commitment.objects.count() == 1 and OutreachLog.objects.count() == 1


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"outcome": "acknowledged"}, "A commitment is recorded with the outcome"),
        ({"commitment_due": ""}, "both what they committed to and by when"),
        ({"commitment": ""}, "both what they committed to and by when"),
        ({"commitment_due": (_today() - timedelta(days=30)).isoformat()}, "cannot be before the day it was made"),
    ],
)
def test_a_check_off_with_half_a_commitment_is_refused_keeping_what_was_typed(world, task, fields, message):
    before = _state()

    response = _client(world.member_staff).post(_complete_url(task), _check_off(task, **fields))

    page = response.content.decode()
    assert response.status_code == 200
    assert message in page
    assert "Met the Secretary." in page
    if fields.get("commitment", None) != "":
        assert "The Ministry will table the bill by March" in page
    assert _state() == before
    assert Task.objects.get(pk=task.pk).status == TaskStatus.TODO


def test_check_off_with_another_outcome_and_no_commitment_records_none(world, task):
    _client(world.member_staff).post(_complete_url(task), _check_off(task, outcome="refused", commitment="", commitment_due=""))

    assert OutreachLog.objects.count() == 1 and not Commitment.objects.exists()


# The ledger page -----------------------------------------------------------------------------------------


def _positions(page: str, *commitments) -> list[int]:
    return [page.index(f'id="commitment-{commitment.pk}"') for commitment in commitments]


def test_ledger_shows_overdue_first_then_pending_by_date_then_what_is_done_folded_away(ledger):
    today = _today()
    overdue = CommitmentFactory(
        campaign=ledger.campaign, target=ledger.target, organisation=ledger.world.member_org, due_on=today - timedelta(days=2),
    )
    kept = CommitmentFactory(
        campaign=ledger.campaign, target=ledger.target, organisation=ledger.world.member_org, due_on=today - timedelta(days=9),
        status=CommitmentStatus.KEPT, settled_on=today - timedelta(days=9), evidence="Voted yes.",
    )

    page = _client(ledger.world.observer).get(ledger.url("commitment_list")).content.decode()

    order = _positions(page, overdue, ledger.partners, ledger.leads, ledger.members, kept)
    assert order == sorted(order)
    folded = page.index('<details class="plan-group plan-done" id="settled">')
    assert order[3] < folded < order[4]
    assert "Voted yes." in page


def test_observer_reads_the_ledger_with_no_form(ledger):
    page = _client(ledger.world.observer).get(ledger.url("commitment_list")).content.decode()

    assert "Brings 5,000 signatures from Kerala" in page
    assert ledger.url("commitment_create") not in page
    assert "/status/" not in page and "Record what became of it" not in page


def test_member_may_settle_only_the_commitments_of_its_organisation(ledger):
    page = _client(ledger.world.member_staff).get(ledger.url("commitment_list")).content.decode()

    assert ledger.url("commitment_status", ledger.members.pk) in page
    assert ledger.url("commitment_status", ledger.partners.pk) in page
    assert ledger.url("commitment_status", ledger.leads.pk) not in page


def test_ledger_names_people_but_never_shows_their_addresses(ledger):
    page = _client(ledger.world.lead).get(ledger.url("commitment_list")).content.decode()

    assert ledger.world.member_staff.display_name in page
    for person in (ledger.world.member_staff, ledger.world.lead):
        assert person.email not in page


def _many(ledger: Ledger, count: int) -> None:
    today = _today()
    world = ledger.world
    for index in range(count):
        target = TargetFactory(campaign=ledger.campaign)
        CommitmentFactory(
            campaign=ledger.campaign, target=target, organisation=world.member_org, recorded_by=world.member_staff,
            due_on=today + timedelta(days=index - count // 2),
        )
        CommitmentFactory(
            campaign=ledger.campaign, target=None, partner=world.member_org, organisation=world.lead_org,
            recorded_by=world.lead, due_on=today - timedelta(days=index + 1), status=CommitmentStatus.PARTLY_KEPT,
            settled_on=today, evidence="Half of it.", status_changed_by=world.lead,
        )


LEDGER_QUERIES = 9


@pytest.mark.parametrize("count", [2, 40])
def test_ledger_runs_the_same_number_of_queries_for_few_and_many(ledger, count, django_assert_num_queries):
    _many(ledger, count)
    client = _client(ledger.world.member_staff)

    with django_assert_num_queries(LEDGER_QUERIES):
        response = client.get(ledger.url("commitment_list"))

    assert response.status_code == 200
    assert response.content.decode().count('class="card task commitment') == 3 + 2 * count


# The campaign page ---------------------------------------------------------------------------------------


def test_campaign_page_shows_overdue_pending_commitments_and_links_the_ledger(ledger):
    today = _today()
    overdue = CommitmentFactory(
        campaign=ledger.campaign, target=ledger.target, organisation=ledger.world.member_org,
        wording="The Ministry will publish the draft rules", due_on=today - timedelta(days=3),
    )
    CommitmentFactory(
        campaign=ledger.campaign, target=ledger.target, organisation=ledger.world.member_org, wording="Was broken long ago",
        due_on=today - timedelta(days=30), status=CommitmentStatus.BROKEN, settled_on=today, evidence="Nothing came.",
    )

    page = _client(ledger.world.observer).get(
        reverse("campaign_detail", args=[ledger.world.coalition.slug, ledger.campaign.slug])
    ).content.decode()

    assert "1 commitment overdue" in page
    assert "The Ministry will publish the draft rules" in page
    assert f"{ledger.url('commitment_list')}#commitment-{overdue.pk}" in page
    assert "Was broken long ago" not in page and "The Ministry will table the bill by March" not in page


def test_campaign_page_without_overdue_commitments_shows_no_block_but_links_the_ledger(ledger):
    page = _client(ledger.world.observer).get(
        reverse("campaign_detail", args=[ledger.world.coalition.slug, ledger.campaign.slug])
    ).content.decode()

    assert "overdue-commitments" not in page
    assert ledger.url("commitment_list") in page


def test_campaign_page_counts_every_overdue_commitment_but_lists_the_first_few(ledger):
    for days in range(1, 9):
        CommitmentFactory(
            campaign=ledger.campaign, target=ledger.target, organisation=ledger.world.member_org,
            due_on=_today() - timedelta(days=days),
        )

    shown, count = selectors.overdue_commitments(ledger.campaign, _today())

    assert count == 8 and len(shown) == selectors.CAMPAIGN_PAGE_OVERDUE_LIMIT
    assert [c.due_on for c in shown] == sorted(c.due_on for c in shown)


# For a later view of who carries the work ----------------------------------------------------------------


def test_partner_tally_counts_each_partners_own_commitments_in_one_query(ledger, django_assert_num_queries):
    world = ledger.world
    services.commitment_status_set(
        commitment=ledger.partners, by=world.member_staff, status=CommitmentStatus.KEPT, settled_on=_today(), evidence="Done.",
    )
    CommitmentFactory(campaign=ledger.campaign, target=None, partner=world.lead_org, organisation=world.lead_org)

    with django_assert_num_queries(1):
        tally = selectors.partner_commitment_tally(world.coalition)

    by_partner = {row["partner_id"]: row for row in tally}
    assert by_partner[world.member_org.pk]["kept"] == 1 and by_partner[world.member_org.pk]["total"] == 1
    assert by_partner[world.lead_org.pk]["pending"] == 1
    assert set(by_partner) == {world.member_org.pk, world.lead_org.pk}


def test_each_step_reads_as_a_sentence_in_the_activity_trail(ledger):
    from django.utils import translation

    from coalitions.audit import describe_entry

    world = ledger.world
    recorded = _record(ledger, world.lead, world.lead_org, due_on=date(2031, 3, 31), made_on=date(2031, 1, 5))
    services.commitment_update(commitment=recorded, by=world.lead, notes="Seen at the hearing.")
    services.commitment_status_set(
        commitment=recorded, by=world.lead, status=CommitmentStatus.PARTLY_KEPT, settled_on=date(2031, 1, 20),
        evidence="Half of it.",
    )

    with translation.override("en"):
        sentences = [describe_entry(entry) for entry in AuditEntry.objects.order_by("seq")]
    lead = world.lead.display_name
    assert sentences == [
        f"{lead} recorded a commitment of Ministry of Labour, due 31 Mar 2031 ({world.lead_org.short_name} follows it up).",
        f"{lead} changed the commitment of Ministry of Labour.",
        f"{lead} marked the commitment of Ministry of Labour as partly kept on 20 Jan 2031.",
    ]
