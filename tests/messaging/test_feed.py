"""The sockets of a coalition that catch up at one moment are read together (messaging/feed.py)."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from coalitions import services
from coalitions.audit import describe_entry
from coalitions.models import CoalitionRole, Participation, User
from coalitions.selectors import audit_entries_after
from messaging.feed import Reader, first_sign_in, read_batches
from tests.factories import person_in

pytestmark = pytest.mark.django_db


def reader_of(user, after: int = 0) -> Reader:
    client = Client()
    client.force_login(user)
    session_key = client.cookies["sessionid"].value
    _, seen = first_sign_in(session_key, user.pk)
    return Reader(session_key, user.pk, after, seen)


def queries_for(world, readers) -> int:
    with CaptureQueriesContext(connection) as queries:
        read_batches(world.coalition.pk, readers)
    return len(queries)


def invite(world) -> None:
    services.coalition_invite(
        coalition=world.coalition, by=world.lead, email="contact@union.example", organisation_name="Union",
        role="member", base_url="http://testserver/",
    )


def test_many_sockets_are_read_in_as_many_queries_as_one(world):
    invite(world)
    members = [person_in(world.coalition, CoalitionRole.MEMBER) for _ in range(8)]

    alone = queries_for(world, [reader_of(world.observer)])
    together = queries_for(world, [reader_of(person) for person in [world.observer, *members]])

    assert together == alone


def test_each_reader_gets_the_entries_after_its_own_last_one_in_its_language(world, french):
    invite(world)
    services.participation_role_change(
        participation=Participation.objects.get(coalition=world.coalition, organisation=world.observer_org),
        by=world.lead, role=CoalitionRole.MEMBER,
    )
    User.objects.filter(pk=world.observer.pk).update(language="fr")

    behind, ahead = read_batches(world.coalition.pk, [reader_of(world.observer), reader_of(world.member_staff, after=1)])

    assert [event["seq"] for event in behind.events] == [1, 2]
    assert [event["seq"] for event in ahead.events] == [2]
    assert behind.current == ahead.current == 2
    [entry] = audit_entries_after(coalition=world.coalition, seq=1, limit=1)
    for batch, language in ((behind, "fr"), (ahead, "en")):
        with translation.override(language):
            assert batch.events[-1]["text"] == describe_entry(entry)
    assert behind.events[-1]["text"] != ahead.events[-1]["text"]


def test_a_sign_in_that_changed_since_its_last_check_is_checked_again(world):
    reader = reader_of(world.member_staff)
    user = User.objects.get(pk=world.member_staff.pk)
    user.set_password("another-long-password")
    user.save()

    assert read_batches(world.coalition.pk, [reader, reader_of(world.observer)])[0] is None


def test_a_reader_never_checked_is_checked_by_django(world):
    reader = reader_of(world.member_staff)
    unchecked = Reader(reader.session_key, reader.user_id, 0, None)
    forged = Reader(reader.session_key, world.observer.pk, 0, None)

    unchecked_batch, forged_batch = read_batches(world.coalition.pk, [unchecked, forged])

    assert unchecked_batch is not None
    assert forged_batch is None
