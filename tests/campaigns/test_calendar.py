"""The personal iCal feed: a secret, revocable address listing a person's tasks as all-day events."""

import re
from datetime import date, timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from campaigns import ical, services
from campaigns.models import CalendarFeed
from coalitions.models import Participation
from tests.factories import AffiliationFactory, TaskFactory


def _client(user=None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def _unescape(value: str) -> str:
    return re.sub(r"\\([\\;,nN])", lambda m: "\n" if m.group(1) in "nN" else m.group(1), value)


def parse(body: str) -> list[dict[str, str]]:
    """Read an iCalendar text back, checking the line rules on the way; one dict per VEVENT."""
    assert body.endswith("\r\n")
    assert "\n" not in body.replace("\r\n", "")
    for line in body.split("\r\n")[:-1]:
        assert len(line.encode()) <= 75, line
    lines = body.replace("\r\n ", "").split("\r\n")[:-1]
    assert lines[0] == "BEGIN:VCALENDAR" and lines[-1] == "END:VCALENDAR"
    assert "VERSION:2.0" in lines and any(line.startswith("PRODID:") for line in lines)
    events, current = [], None
    for line in lines:
        name, _, value = line.partition(":")
        if line == "BEGIN:VEVENT":
            current = {}
        elif line == "END:VEVENT":
            events.append(current)
            current = None
        elif current is not None:
            current[name] = _unescape(value) if name in {"SUMMARY", "DESCRIPTION"} else value
    return events


def _feed_url(token: str) -> str:
    return reverse("calendar_feed", args=[token])


def _events(token: str) -> list[dict[str, str]]:
    response = Client().get(_feed_url(token))
    assert response.status_code == 200
    return parse(response.content.decode())


# The file itself -------------------------------------------------------------------------------------


def _one_event(**fields) -> str:
    return ical.calendar(
        name="Tasks", events=[ical.Event(uid="task-1@x", day=date(2011, 6, 16), **{"summary": "Vote", **fields})],
        stamp=timezone.now(),
    )


def test_text_with_commas_semicolons_backslashes_and_line_breaks_reads_back_as_typed():
    summary = "Bishops, priests; others"
    description = "C:\\reports\nline two\r\nline three\rfour"
    (event,) = parse(_one_event(summary=summary, description=description))
    assert event["SUMMARY"] == summary
    assert event["DESCRIPTION"] == "C:\\reports\nline two\nline three\nfour"


def test_control_characters_that_the_format_forbids_are_dropped():
    (event,) = parse(_one_event(summary="bell\x07 and tab\tkept"))
    assert event["SUMMARY"] == "bell and tab\tkept"


def test_long_lines_in_any_script_stay_within_75_octets_and_read_back_whole():
    summary = "গৃহকর্মী " * 30
    # parse() checks each line's length and unfolds them.
    (event,) = parse(_one_event(summary=summary))
    assert event["SUMMARY"] == summary


def test_events_are_all_day_from_the_due_date_to_the_next_day():
    body = ical.calendar(
        name="Tasks", events=[ical.Event(uid="task-1@x", day=date(2011, 6, 16), summary="Vote")],
        stamp=timezone.now(),
    )

    (event,) = parse(body)
    assert event["DTSTART;VALUE=DATE"] == "20110616"
    assert event["DTEND;VALUE=DATE"] == "20110617"
    assert re.fullmatch(r"\d{8}T\d{6}Z", event["DTSTAMP"])


# The feed --------------------------------------------------------------------------------------------


@pytest.fixture
def tasks(world, campaign, target):
    target.name = "Council of Bishops, Kerala; South"
    target.save()
    return {
        "mine": TaskFactory(
            campaign=campaign, target=target, organisation=world.member_org, assignee=world.member_staff, channel="meeting",
            due_on=date(2011, 6, 1), notes="Bring the letter\nwith the 5 logos; ask for C:\\ratification",
        ),
        "unassigned": TaskFactory(campaign=campaign, target=target, organisation=world.member_org, channel="letter", due_on=date(2011, 6, 2)),
        "colleague": TaskFactory(
            campaign=campaign, target=target, organisation=world.member_org, assignee=world.org_admin, due_on=date(2011, 6, 3)
        ),
        "other_org": TaskFactory(campaign=campaign, target=target, organisation=world.lead_org, due_on=date(2011, 6, 4)),
        "done": TaskFactory(
            campaign=campaign, target=target, organisation=world.member_org, assignee=world.member_staff, status="done",
            due_on=date(2011, 5, 30),
        ),
    }


def test_feed_lists_my_tasks_and_my_organisation_s_unassigned_ones(world, tasks):
    token = services.calendar_feed_create(user=world.member_staff)

    events = _events(token)

    assert [event["UID"].split("@")[0] for event in events] == [f"task-{tasks['mine'].pk}", f"task-{tasks['unassigned'].pk}"]


def test_done_tasks_are_left_out_of_the_calendar(world, tasks):
    token = services.calendar_feed_create(user=world.member_staff)

    uids = {event["UID"] for event in _events(token)}

    assert not any(uid.startswith(f"task-{tasks['done'].pk}@") for uid in uids)


def test_event_reads_contact_target_channel_and_organisation_with_campaign_and_notes(world, campaign, tasks):
    token = services.calendar_feed_create(user=world.member_staff)

    event = _events(token)[0]

    assert event["SUMMARY"] == f"Contact Council of Bishops, Kerala; South (Meeting) — {world.member_org.short_name}"
    assert f"Campaign: {campaign.title} ({world.coalition.name})" in event["DESCRIPTION"]
    assert "Bring the letter\nwith the 5 logos; ask for C:\\ratification" in event["DESCRIPTION"]
    assert event["DTSTART;VALUE=DATE"] == "20110601" and event["DTEND;VALUE=DATE"] == "20110602"
    assert event["URL"].endswith(reverse("plan_board", args=[world.coalition.slug, campaign.slug]))


def test_feed_is_valid_with_long_texts_in_any_script(world, campaign, tasks):
    tasks["mine"].notes = "নারী কৃষি শ্রমিকদের সমান মজুরি, " * 20
    tasks["mine"].save()
    token = services.calendar_feed_create(user=world.member_staff)

    body = Client().get(_feed_url(token)).content.decode()

    assert "নারী কৃষি শ্রমিকদের সমান মজুরি" in parse(body)[0]["DESCRIPTION"]


def test_uids_stay_the_same_across_fetches(world, tasks):
    token = services.calendar_feed_create(user=world.member_staff)

    first, second = _events(token), _events(token)

    assert [e["UID"] for e in first] == [e["UID"] for e in second]


def test_feed_is_not_cached_by_anyone_in_between(world, tasks):
    token = services.calendar_feed_create(user=world.member_staff)

    response = Client().get(_feed_url(token))

    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert "private" in response["Cache-Control"] and "no-store" in response["Cache-Control"]


def test_unknown_token_gets_404(db):
    assert Client().get(_feed_url("not-a-real-token")).status_code == 404


def test_revoked_token_gets_404(world, tasks):
    token = services.calendar_feed_create(user=world.member_staff)
    services.calendar_feed_revoke(user=world.member_staff)

    assert Client().get(_feed_url(token)).status_code == 404


def test_deactivated_person_s_feed_stops(world, tasks):
    token = services.calendar_feed_create(user=world.member_staff)
    world.member_staff.is_active = False
    world.member_staff.save()

    assert Client().get(_feed_url(token)).status_code == 404


def test_tasks_of_an_organisation_that_left_the_coalition_disappear(world, tasks):
    token = services.calendar_feed_create(user=world.member_staff)
    Participation.objects.filter(coalition=world.coalition, organisation=world.member_org).delete()

    assert _events(token) == []


def test_person_who_left_the_organisation_no_longer_sees_its_tasks(world, tasks):
    token = services.calendar_feed_create(user=world.member_staff)
    world.member_staff.affiliations.all().delete()

    assert _events(token) == []


def test_feed_runs_the_same_number_of_queries_for_few_and_many_tasks(world, campaign, target, django_assert_num_queries):
    token = services.calendar_feed_create(user=world.member_staff)
    for n in range(3):
        TaskFactory(campaign=campaign, target=target, organisation=world.member_org, due_on=date(2011, 6, 1) + timedelta(days=n))
    with django_assert_num_queries(2):
        Client().get(_feed_url(token))
    for n in range(60):
        TaskFactory(campaign=campaign, target=target, organisation=world.member_org, due_on=date(2011, 6, 1) + timedelta(days=n))

    with django_assert_num_queries(2):
        Client().get(_feed_url(token))


# The settings page -----------------------------------------------------------------------------------


def test_new_address_is_shown_once_in_full(world, tasks, settings):
    client = _client(world.member_staff)

    created = client.post(reverse("calendar_settings"), {"action": "create"}, secure=True).content.decode()
    later = client.get(reverse("calendar_settings"), secure=True).content.decode()

    address = re.search(r'>(https://testserver/calendar/[A-Za-z0-9_-]+\.ics)</textarea>', created).group(1)
    assert "shown only this once" in created
    assert address not in later
    assert "You have a calendar address" in later
    token = address.rsplit("/", 1)[1].removesuffix(".ics")
    assert len(_events(token)) == 2


def test_a_new_address_switches_the_old_one_off(world, tasks):
    old = services.calendar_feed_create(user=world.member_staff)

    _client(world.member_staff).post(reverse("calendar_settings"), {"action": "create"})

    assert Client().get(_feed_url(old)).status_code == 404
    assert CalendarFeed.objects.filter(user=world.member_staff).count() == 1


def test_switching_the_address_off(world, tasks):
    token = services.calendar_feed_create(user=world.member_staff)

    response = _client(world.member_staff).post(reverse("calendar_settings"), {"action": "revoke"})

    assert response.url == reverse("calendar_settings")
    assert Client().get(_feed_url(token)).status_code == 404
    assert not CalendarFeed.objects.filter(user=world.member_staff).exists()


def test_settings_page_is_never_cached(world):
    response = _client(world.member_staff).get(reverse("calendar_settings"))

    assert "no-store" in response["Cache-Control"]


def test_a_person_s_address_only_ever_shows_their_own_tasks(world, tasks):
    colleague_token = services.calendar_feed_create(user=world.org_admin)
    AffiliationFactory(organisation=world.lead_org, user=world.org_admin)

    uids = [event["UID"].split("@")[0] for event in _events(colleague_token)]

    assert f"task-{tasks['mine'].pk}" not in uids
    assert f"task-{tasks['colleague'].pk}" in uids and f"task-{tasks['other_org'].pk}" in uids
