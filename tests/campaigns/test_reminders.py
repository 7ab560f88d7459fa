"""The daily reminder mail: who gets it, what it lists, in which language, and only once a day."""

from datetime import UTC, datetime, time, timedelta
from types import SimpleNamespace

import pytest
from allauth.mfa.models import Authenticator
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext

from campaigns.models import CampaignStatus, ReminderDigest, TaskStatus
from campaigns.reminders import reminder_digest_send, reminder_digests, reminder_digests_send
from campaigns.tasks import reminders_send
from coalitions.models import Affiliation, CoalitionRole, Notification, NotificationKind, Participation
from coalitions.notices import notification_view
from config.celery import app
from tests.factories import CampaignFactory, CommitmentFactory, TargetFactory, TaskFactory, person_in

SITE = "https://coalition.example"


@pytest.fixture(autouse=True)
def _site_url(settings):
    settings.SITE_URL = SITE


@pytest.fixture
def today():
    return timezone.localdate()


@pytest.fixture
def run(django_capture_on_commit_callbacks, mailoutbox, monkeypatch, today):
    """Runs the beat task as beat would, at 09:00 UTC today, with the mail it queues delivered."""
    morning = datetime.combine(today, time(9), tzinfo=UTC)
    monkeypatch.setattr("campaigns.tasks.timezone", SimpleNamespace(now=lambda: morning))

    def send():
        with django_capture_on_commit_callbacks(execute=True):
            reminders_send.delay()
        return mailoutbox

    return send


def _task(campaign, target, organisation, due_on, **fields):
    return TaskFactory(campaign=campaign, target=target, organisation=organisation, due_on=due_on, **fields)


def _body(message) -> str:
    return message.body


def _mails_to(mailoutbox, user) -> list:
    return [message for message in mailoutbox if message.to == [user.email]]


# What the digest says ------------------------------------------------------------------------


def test_assignee_gets_overdue_due_today_and_due_soon_tasks_in_that_order(world, campaign, target, today, run):
    staff = world.member_staff
    org = world.member_org
    soon = _task(campaign, target, org, today + timedelta(days=3), assignee=staff, channel="letter")
    due_today = _task(campaign, target, org, today, assignee=staff, channel="call")
    overdue = _task(campaign, target, org, today - timedelta(days=5), assignee=staff, channel="meeting")
    _task(campaign, target, org, today + timedelta(days=4), assignee=staff)  # not due yet
    _task(campaign, target, org, today - timedelta(days=1), assignee=staff, status=TaskStatus.DONE)

    mailoutbox = run()

    assert len(mailoutbox) == 1
    message = mailoutbox[0]
    assert message.to == [staff.email]
    assert message.subject == "[Coalition] Reminder: 3 campaign tasks need you"
    body = _body(message)
    assert f"Hello {staff.display_name}," in body
    headings = [body.index("OVERDUE"), body.index("DUE TODAY"), body.index("DUE IN THE NEXT 3 DAYS")]
    assert headings == sorted(headings)
    task_links = [body.index(f"/tasks/{task.pk}/") for task in (overdue, due_today, soon)]
    assert task_links == sorted(task_links)
    assert headings[0] < task_links[0] < headings[1] < task_links[1] < headings[2] < task_links[2]
    assert body.count("/tasks/") == 3
    assert f"{SITE}/c/{world.coalition.slug}/campaigns/{campaign.slug}/tasks/{overdue.pk}/" in body
    assert f"{SITE}/c/{world.coalition.slug}/campaigns/{campaign.slug}/plan/" in body
    assert "Ministry of Labour: Meeting, " in body
    assert "Nobody is named" not in body
    assert ReminderDigest.objects.get(user=staff).task_count == 3


def test_digest_is_written_in_the_language_of_its_reader(world, campaign, target, today, run):
    world.member_staff.language = "fr"
    world.member_staff.save()
    due = today - timedelta(days=40)
    _task(campaign, target, world.member_org, due, assignee=world.member_staff)
    _task(campaign, target, world.lead_org, due, assignee=world.lead)

    mailoutbox = run()

    french = _body(_mails_to(mailoutbox, world.member_staff)[0])
    english = _body(_mails_to(mailoutbox, world.lead)[0])
    with translation.override("fr"):
        assert date_format(due, "DATE_FORMAT") in french
        assert gettext("OVERDUE") in french
        assert gettext("Meeting") in french
    with translation.override("en"):
        assert date_format(due, "DATE_FORMAT") not in french
        assert date_format(due, "DATE_FORMAT") in english


def test_blocked_task_shows_why_it_is_blocked(world, campaign, target, today, run):
    _task(
        campaign, target, world.member_org, today, assignee=world.member_staff,
        status=TaskStatus.BLOCKED, blocked_reason="The minister's office is closed for the elections",
    )

    body = _body(run()[0])

    assert "Blocked: The minister's office is closed for the elections" in body


def test_one_mail_lists_the_tasks_of_every_campaign_with_a_link_to_each_board(world, campaign, target, today, run):
    second = CampaignFactory(coalition=world.coalition, title="Equal pay", slug="equal-pay")
    _task(campaign, target, world.member_org, today, assignee=world.member_staff)
    _task(second, TargetFactory(campaign=second), world.member_org, today, assignee=world.member_staff)

    mailoutbox = run()

    assert len(mailoutbox) == 1
    body = _body(mailoutbox[0])
    assert f"- Equal pay: {SITE}/c/{world.coalition.slug}/campaigns/equal-pay/plan/" in body
    assert f"- Ratify ILO C189: {SITE}/c/{world.coalition.slug}/campaigns/c189/plan/" in body


# Who gets it ---------------------------------------------------------------------------------


def test_task_with_nobody_named_goes_to_the_admins_of_its_organisation(world, campaign, target, today, run):
    task = _task(campaign, target, world.member_org, today + timedelta(days=1))

    mailoutbox = run()

    assert [message.to for message in mailoutbox] == [[world.org_admin.email]]
    body = _body(mailoutbox[0])
    assert f"/tasks/{task.pk}/" in body
    assert f"it comes to you as an admin of {world.member_org.short_name}" in body


def test_a_lead_without_a_second_factor_gets_no_mail_of_a_coalition_that_asks_for_one(
    world, campaign, target, today, run
):
    world.coalition.require_mfa_for_leads = True
    world.coalition.save()
    _task(campaign, target, world.lead_org, today, assignee=world.lead)
    _task(campaign, target, world.member_org, today, assignee=world.member_staff)

    mailoutbox = run()

    assert _mails_to(mailoutbox, world.lead) == []
    assert len(_mails_to(mailoutbox, world.member_staff)) == 1
    assert not ReminderDigest.objects.filter(user=world.lead).exists()


def test_a_lead_with_an_authenticator_app_is_reminded_again(world, campaign, target, today, run):
    world.coalition.require_mfa_for_leads = True
    world.coalition.save()
    Authenticator.objects.create(user=world.lead, type=Authenticator.Type.TOTP, data={"secret": "JBSWY3DPEHPK3PXP"})
    _task(campaign, target, world.lead_org, today, assignee=world.lead)

    assert len(_mails_to(run(), world.lead)) == 1


def test_assignee_who_left_the_organisation_is_replaced_by_its_admins(world, campaign, target, today, run):
    _task(campaign, target, world.member_org, today, assignee=world.member_staff)
    Affiliation.objects.filter(user=world.member_staff).delete()

    mailoutbox = run()

    assert [message.to for message in mailoutbox] == [[world.org_admin.email]]


def test_switched_off_people_get_nothing_and_their_tasks_go_to_the_admins(world, campaign, target, today, run):
    world.member_staff.is_active = False
    world.member_staff.save()
    world.lead.is_active = False
    world.lead.save()
    _task(campaign, target, world.member_org, today, assignee=world.member_staff)
    _task(campaign, target, world.lead_org, today)  # its only admin is switched off

    mailoutbox = run()

    assert [message.to for message in mailoutbox] == [[world.org_admin.email]]


def test_tasks_of_an_organisation_now_observing_remind_nobody(world, campaign, target, today, run):
    _task(campaign, target, world.member_org, today, assignee=world.member_staff)
    _task(campaign, target, world.member_org, today)
    Participation.objects.filter(coalition=world.coalition, organisation=world.member_org).update(
        role=CoalitionRole.OBSERVER
    )

    assert run() == []
    assert not ReminderDigest.objects.exists()


def test_tasks_of_an_organisation_that_left_the_coalition_remind_nobody(world, campaign, target, today, run):
    _task(campaign, target, world.member_org, today, assignee=world.member_staff)
    Participation.objects.filter(coalition=world.coalition, organisation=world.member_org).delete()

    assert run() == []


@pytest.mark.parametrize(
    ("status", "reminds"),
    [
        (CampaignStatus.DRAFT, True),
        (CampaignStatus.ACTIVE, True),
        (CampaignStatus.WON, False),
        (CampaignStatus.LOST, False),
        (CampaignStatus.CLOSED, False),
    ],
)
def test_only_draft_and_active_campaigns_remind(status, reminds, world, campaign, target, today, run):
    campaign.status = status
    campaign.save()
    _task(campaign, target, world.member_org, today - timedelta(days=1), assignee=world.member_staff)

    assert len(run()) == (1 if reminds else 0)


def test_nothing_due_sends_nothing(world, campaign, target, today, run):
    _task(campaign, target, world.member_org, today + timedelta(days=4), assignee=world.member_staff)
    _task(campaign, target, world.member_org, today - timedelta(days=3), assignee=world.member_staff, status="done")
    _task(campaign, target, world.member_org, today - timedelta(days=3), status="done")

    assert run() == []
    assert not ReminderDigest.objects.exists()


# Once a day ----------------------------------------------------------------------------------


def test_a_second_run_the_same_day_sends_nothing(world, campaign, target, today, run):
    _task(campaign, target, world.member_org, today, assignee=world.member_staff)
    _task(campaign, target, world.lead_org, today)

    assert len(run()) == 2
    # A task planned later in the day waits for tomorrow's mail.
    _task(campaign, target, world.member_org, today + timedelta(days=1), assignee=world.member_staff)
    assert len(run()) == 2
    assert ReminderDigest.objects.filter(day=today).count() == 2


def test_the_next_day_sends_again(world, campaign, target, today, run, django_capture_on_commit_callbacks):
    _task(campaign, target, world.member_org, today, assignee=world.member_staff)
    mailoutbox = run()
    assert len(mailoutbox) == 1

    with django_capture_on_commit_callbacks(execute=True):
        sent = reminder_digests_send(today=today + timedelta(days=1))

    assert sent == 1
    assert len(mailoutbox) == 2
    assert "OVERDUE" in mailoutbox[1].body and "OVERDUE" not in mailoutbox[0].body
    assert sorted(ReminderDigest.objects.values_list("day", flat=True)) == [today, today + timedelta(days=1)]


def test_a_run_that_finds_the_day_already_marked_sends_nothing(
    world, campaign, target, today, mailoutbox, django_capture_on_commit_callbacks
):
    # Another run marked the person between this run's reading and its writing.
    _task(campaign, target, world.member_org, today, assignee=world.member_staff)
    [digest] = reminder_digests(today)
    ReminderDigest.objects.create(user=world.member_staff, day=today, task_count=1)

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        assert reminder_digest_send(digest, today) is False

    assert callbacks == []
    assert mailoutbox == []
    assert ReminderDigest.objects.count() == 1


def test_a_mail_that_cannot_be_written_leaves_the_day_unmarked(world, campaign, target, today, monkeypatch):
    _task(campaign, target, world.member_org, today, assignee=world.member_staff)

    def broken(**kwargs):
        raise RuntimeError("template missing")

    monkeypatch.setattr("campaigns.reminders.outbox_mail", broken)
    with pytest.raises(RuntimeError):
        reminder_digests_send(today=today)

    assert not ReminderDigest.objects.exists()


def test_reading_who_to_remind_takes_the_same_queries_for_few_and_many_tasks(
    world, campaign, target, today, django_assert_num_queries
):
    for _ in range(3):
        _task(campaign, target, world.member_org, today, assignee=world.member_staff)
    # One reads the scorecards' overdue action points, one the overdue commitments.
    with django_assert_num_queries(7):
        few = reminder_digests(today)

    others = [person_in(world.coalition, CoalitionRole.MEMBER) for _ in range(10)]
    for person in others:
        organisation = person.affiliations.get().organisation
        for days in range(-2, 4):
            _task(campaign, target, organisation, today + timedelta(days=days), assignee=person)
        CommitmentFactory(
            campaign=campaign, target=target, organisation=organisation, recorded_by=person,
            due_on=today - timedelta(days=1),
        )
    with django_assert_num_queries(7):
        many = reminder_digests(today)

    assert [digest.task_count for digest in few] == [3]
    assert sorted(digest.task_count for digest in many) == [3] + [6] * 10
    assert sorted(len(digest.commitments) for digest in many) == [0] + [1] * 10


# Beat ----------------------------------------------------------------------------------------


def test_beat_runs_the_reminders_every_hour():
    entries = [entry for entry in app.conf.beat_schedule.values() if entry["task"] == "campaigns.tasks.reminders_send"]
    assert len(entries) == 1
    assert entries[0]["schedule"] == 3600
    assert app.tasks["campaigns.tasks.reminders_send"].name == reminders_send.name


# Overdue commitments -------------------------------------------------------------------------


def _commitment(campaign, target, organisation, due_on, **fields):
    return CommitmentFactory(
        campaign=campaign, target=target, organisation=organisation, due_on=due_on,
        made_on=due_on - timedelta(days=30), wording="The Ministry will table the bill in the March session", **fields,
    )


def _ledger_link(world, campaign, commitment) -> str:
    return f"{SITE}/c/{world.coalition.slug}/campaigns/{campaign.slug}/commitments/#commitment-{commitment.pk}"


def test_overdue_commitment_reaches_the_person_who_recorded_it_once(world, campaign, target, today, run):
    commitment = _commitment(campaign, target, world.member_org, today - timedelta(days=2), recorded_by=world.member_staff)

    mailoutbox = run()

    assert [message.to for message in mailoutbox] == [[world.member_staff.email]]
    message = mailoutbox[0]
    assert message.subject == "[Coalition] Reminder: 1 commitment is overdue"
    body = _body(message)
    assert "COMMITMENTS OVERDUE" in body
    assert f"- {target.name}: The Ministry will table the bill in the March session" in body
    assert body.count(_ledger_link(world, campaign, commitment)) == 1
    assert "as an admin of" not in body
    assert ReminderDigest.objects.get(user=world.member_staff).task_count == 0


def test_overdue_commitment_sits_beside_the_tasks_in_the_same_mail(world, campaign, target, today, run):
    _task(campaign, target, world.member_org, today, assignee=world.member_staff)
    _commitment(campaign, target, world.member_org, today - timedelta(days=1), recorded_by=world.member_staff)

    mailoutbox = run()

    assert len(mailoutbox) == 1
    assert mailoutbox[0].subject == "[Coalition] Reminder: 1 campaign task needs you"
    body = _body(mailoutbox[0])
    assert body.index("DUE TODAY") < body.index("COMMITMENTS OVERDUE")


def test_commitment_whose_recorder_is_not_of_the_organisation_goes_to_its_admins(world, campaign, target, today, run):
    _commitment(campaign, target, world.member_org, today - timedelta(days=1), recorded_by=world.lead)

    mailoutbox = run()

    assert [message.to for message in mailoutbox] == [[world.org_admin.email]]
    assert f"It comes to you as an admin of {world.member_org.short_name}, which follows it up." in _body(mailoutbox[0])


def test_partners_own_commitment_reaches_that_partner_not_the_lead_who_recorded_it(world, campaign, today, run):
    _commitment(campaign, None, world.lead_org, today - timedelta(days=1), partner=world.member_org, recorded_by=world.lead)

    mailoutbox = run()

    assert [message.to for message in mailoutbox] == [[world.org_admin.email]]
    assert f"- {world.member_org.short_name}: The Ministry" in _body(mailoutbox[0])


@pytest.mark.parametrize(
    "fields",
    [
        {"due_days": 0},
        {"due_days": 5},
        {"due_days": -3, "status": "kept", "settled_on_days": -1, "evidence": "Tabled."},
        {"due_days": -3, "status": "broken", "settled_on_days": -1, "evidence": "Not tabled."},
        {"due_days": -3, "campaign_status": CampaignStatus.WON},
    ],
    ids=["due today", "not due yet", "kept", "broken", "campaign won"],
)
def test_commitments_not_overdue_and_pending_in_a_live_campaign_remind_nobody(world, campaign, target, today, run, fields):
    if "campaign_status" in fields:
        campaign.status = fields["campaign_status"]
        campaign.save()
    extra = {}
    if "status" in fields:
        extra = {
            "status": fields["status"], "settled_on": today + timedelta(days=fields["settled_on_days"]),
            "evidence": fields["evidence"],
        }
    _commitment(campaign, target, world.member_org, today + timedelta(days=fields["due_days"]), recorded_by=world.member_staff, **extra)

    assert run() == []
    assert not Notification.objects.exists()


def test_commitment_followed_up_by_an_organisation_now_observing_reminds_nobody(world, campaign, target, today, run):
    _commitment(campaign, target, world.member_org, today - timedelta(days=1), recorded_by=world.member_staff)
    Participation.objects.filter(coalition=world.coalition, organisation=world.member_org).update(
        role=CoalitionRole.OBSERVER
    )

    assert run() == []


@pytest.mark.parametrize("preference", ["immediately", "daily"])
def test_overdue_commitment_becomes_one_notification_and_no_second_mail(
    world, campaign, target, today, run, django_capture_on_commit_callbacks, preference
):
    world.member_staff.notification_mail = preference
    world.member_staff.save()
    commitment = _commitment(campaign, target, world.member_org, today - timedelta(days=1), recorded_by=world.member_staff)

    mailoutbox = run()
    with django_capture_on_commit_callbacks(execute=True):
        reminder_digests_send(today=today + timedelta(days=1))

    [notification] = Notification.objects.filter(user=world.member_staff)
    assert notification.kind == NotificationKind.COMMITMENT_OVERDUE
    assert notification.url.endswith(f"/commitments/#commitment-{commitment.pk}")
    # One digest each day, each listing it once; the notification is never mailed on its own.
    assert len(mailoutbox) == 2
    assert all(_body(message).count(f"#commitment-{commitment.pk}") == 1 for message in mailoutbox)
    assert "Since your last mail" not in _body(mailoutbox[1])
    with translation.override("en"):
        assert notification_view(notification).text.startswith("Commitment overdue since ")


def test_commitment_reminder_is_written_in_the_language_of_its_reader(world, campaign, target, today, run):
    world.member_staff.language = "fr"
    world.member_staff.save()
    due = today - timedelta(days=40)
    _commitment(campaign, target, world.member_org, due, recorded_by=world.member_staff)

    body = _body(run()[0])

    with translation.override("fr"):
        assert gettext("COMMITMENTS OVERDUE") in body
        assert gettext("Due %(due)s · %(campaign)s") % {"due": date_format(due, "DATE_FORMAT"), "campaign": campaign.title} in body
    with translation.override("en"):
        assert date_format(due, "DATE_FORMAT") not in body
