"""Reminders reach each person in their own morning, and "today" in them is that person's today."""

from datetime import UTC, date, datetime, timedelta

import pytest

from campaigns.models import ReminderDigest
from campaigns.reminders import reminder_digests_send
from tests.factories import TaskFactory

DAY = date(2026, 12, 1)


def utc(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=UTC)


@pytest.fixture
def send(django_capture_on_commit_callbacks, mailoutbox):
    def run(at: datetime) -> list:
        before = len(mailoutbox)
        with django_capture_on_commit_callbacks(execute=True):
            reminder_digests_send(now=at)
        return mailoutbox[before:]

    return run


@pytest.fixture
def kolkata(world):
    person = world.member_staff
    person.timezone = "Asia/Kolkata"
    person.save()
    return person


def _due(world, campaign, target, person, due_on, **fields):
    return TaskFactory(
        campaign=campaign, target=target, organisation=world.member_org, assignee=person, due_on=due_on, **fields
    )


def test_a_reminder_for_a_person_in_kolkata_waits_for_their_morning(world, campaign, target, kolkata, send):
    _due(world, campaign, target, kolkata, DAY)

    # 20:30 UTC on 30 November is 02:00 on 1 December in Kolkata: the middle of their night.
    assert send(utc(DAY - timedelta(days=1), 20, 30)) == []
    for hour in (21, 22, 23):
        assert send(utc(DAY - timedelta(days=1), hour, 30)) == []
    assert send(utc(DAY, 0, 30)) == []  # 06:00 in Kolkata

    [mail] = send(utc(DAY, 1, 30))  # 07:00 in Kolkata
    assert mail.to == [kolkata.email]
    assert "1 Dec 2026" in mail.body
    assert "DUE TODAY" in mail.body
    assert ReminderDigest.objects.get(user=kolkata).day == DAY

    # The hourly runs of the rest of their day send nothing more.
    for hour in range(2, 24):
        assert send(utc(DAY, hour, 30)) == []


def test_at_the_same_moment_a_person_in_utc_is_not_yet_reminded(world, campaign, target, kolkata, send):
    utc_person = world.lead
    _due(world, campaign, target, kolkata, DAY)
    TaskFactory(campaign=campaign, target=target, organisation=world.lead_org, assignee=utc_person, due_on=DAY)

    assert [mail.to for mail in send(utc(DAY, 1, 30))] == [[kolkata.email]]
    assert [mail.to for mail in send(utc(DAY, 7, 0))] == [[utc_person.email]]


def test_today_in_a_reminder_is_the_readers_own_date(world, campaign, target, send):
    person = world.member_staff
    person.timezone = "Pacific/Auckland"
    person.save()
    tomorrow = DAY + timedelta(days=1)
    _due(world, campaign, target, person, DAY, channel="letter")
    _due(world, campaign, target, person, tomorrow, channel="call")

    # 18:30 UTC on 1 December is 07:30 on 2 December in Auckland (summer time, UTC+13).
    [mail] = send(utc(DAY, 18, 30))

    body = mail.body
    assert "2 Dec 2026" in body
    assert body.index("OVERDUE") < body.index("Letter") < body.index("DUE TODAY") < body.index("Call")
    assert ReminderDigest.objects.get(user=person).day == tomorrow


def test_a_person_whose_zone_was_never_set_is_reminded_in_the_utc_morning(world, campaign, target, send):
    person = world.member_staff
    _due(world, campaign, target, person, DAY)

    assert send(utc(DAY, 6, 59)) == []
    assert [mail.to for mail in send(utc(DAY, 7, 0))] == [[person.email]]
