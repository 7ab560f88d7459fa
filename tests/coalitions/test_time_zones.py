"""Each person reads times in their own zone; coalitions have a default one; sign-up asks for it."""

from datetime import UTC, datetime

import pytest
from allauth.account.models import EmailAddress
from django.urls import reverse

from coalitions.audit import audit_record
from coalitions.models import AuditEntry, User

# 20:00 UTC on 1 December is 01:30 on 2 December in Kolkata.
MOMENT = datetime(2026, 12, 1, 20, 0, tzinfo=UTC)


@pytest.fixture
def entry(world, monkeypatch):
    # Entries are append-only: the moment is set as the entry is written.
    # (Django caches a field's default getter, so that is what is replaced.)
    monkeypatch.setattr(AuditEntry._meta.get_field("created_at"), "_get_default", lambda: MOMENT)
    return audit_record(coalition=world.coalition, actor=world.lead, action="coalition.updated")


def _activity(client, world) -> str:
    return client.get(reverse("coalition_audit", args=[world.coalition.slug])).content.decode()


def test_a_page_shows_a_person_in_kolkata_their_local_time(world, client_for, entry):
    reader = world.member_staff
    reader.timezone = "Asia/Kolkata"
    reader.save()

    page = _activity(client_for(reader), world)

    assert "2 Dec 2026, 01:30" in page
    assert "1 Dec 2026, 20:00" not in page
    assert 'data-time-zone="Asia/Kolkata"' in page


def test_the_same_moment_reads_in_utc_for_a_person_in_utc(world, client_for, entry):
    assert "1 Dec 2026, 20:00" in _activity(client_for(world.lead), world)


def test_a_visitor_not_signed_in_gets_the_zone_their_browser_reported(client_for):
    client = client_for(None)
    client.cookies["timezone"] = "Asia/Dhaka"
    assert 'data-time-zone="Asia/Dhaka"' in client.get(reverse("account_login")).content.decode()


def test_a_made_up_zone_in_the_cookie_falls_back_to_utc(client_for):
    client = client_for(None)
    client.cookies["timezone"] = "Mars/Olympus_Mons"
    assert 'data-time-zone="UTC"' in client.get(reverse("account_login")).content.decode()


def test_a_person_sets_their_zone_in_the_profile(user, client_for):
    response = client_for(user).post(
        reverse("profile"), {"display_name": user.display_name, "language": "bn", "timezone": "Asia/Dhaka"}
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.timezone == "Asia/Dhaka"


def test_a_zone_not_in_the_list_is_refused_and_the_rest_is_kept(user, client_for):
    response = client_for(user).post(
        reverse("profile"), {"display_name": "Renamed", "language": "fr", "timezone": "Asia/Atlantis"}
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert 'value="Renamed"' in page
    assert "Asia/Atlantis" in page  # the choice error names it
    user.refresh_from_db()
    assert (user.display_name, user.timezone) != ("Renamed", "Asia/Atlantis")
    assert user.timezone == "UTC"


def test_a_lead_sets_the_coalitions_default_zone(world, client_for):
    response = client_for(world.lead).post(
        reverse("coalition_settings", args=[world.coalition.slug]),
        {"name": world.coalition.name, "description": "", "language": "en", "adoption_rule": "all",
         "timezone": "Africa/Bujumbura"},
    )
    assert response.status_code == 302
    world.coalition.refresh_from_db()
    assert world.coalition.timezone == "Africa/Bujumbura"


def test_settings_sent_without_a_zone_keep_the_stored_one(world, client_for):
    world.coalition.timezone = "Asia/Kolkata"
    world.coalition.save()
    client_for(world.lead).post(
        reverse("coalition_settings", args=[world.coalition.slug]),
        {"name": world.coalition.name, "description": "", "language": "en", "adoption_rule": "all"},
    )
    world.coalition.refresh_from_db()
    assert world.coalition.timezone == "Asia/Kolkata"


def test_sign_up_offers_the_browsers_zone_and_stores_the_one_chosen(client_for, django_capture_on_commit_callbacks):
    client = client_for(None)
    form = client.get(reverse("account_signup")).content.decode()
    assert "data-browser-time-zone" in form
    assert '<option value="Asia/Kolkata">Asia/Kolkata</option>' in form

    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("account_signup"),
            {"email": "rina@example.org", "password1": "a-long-new-password", "password2": "a-long-new-password",
             "display_name": "Rina", "language": "bn", "timezone": "Asia/Kolkata"},
        )
    person = User.objects.get(email="rina@example.org")
    assert (person.language, person.timezone) == ("bn", "Asia/Kolkata")
    assert EmailAddress.objects.filter(user=person).exists()


def test_a_sign_up_form_sent_back_with_an_error_keeps_the_zone_chosen(client_for):
    page = client_for(None).post(
        reverse("account_signup"),
        {"email": "rina@example.org", "password1": "short", "password2": "short", "timezone": "Asia/Dhaka"},
    ).content.decode()
    assert '<option value="Asia/Dhaka" selected>' in page
    assert "data-browser-time-zone" not in page
