"""Signing through the pages: one answer for every outcome, CSRF kept without a token on the
shared page, confirmation and erasure only by POST, and a sign request that costs few queries."""

import re

import pytest
from django.db import connection
from django.test import Client
from django.utils import timezone

from coalitions.errors import DomainError
from coalitions.models import OutboxMessage
from signatures import caching, services
from signatures.models import Held, PetitionStatus, Signature
from tests.factories import CampaignFactory, PetitionFactory, PetitionTextFactory
from tests.signatures.conftest import mails_sent

PAGE = "/p/ratify-c189/"
SIGN = PAGE + "sign/"
THANKS = PAGE + "thanks/"


def form(email="asha@example.org", **overrides):
    return {"name": "Asha Devi", "email": email, "region": "Kerala", "visibility": "initials", **overrides}


def mails():
    return mails_sent()


def token_in(body: str, kind: str) -> str:
    return re.search(rf"/p/[\w-]+/{kind}/([\w-]+)/", body).group(1)


def answer(client, data) -> tuple:
    """Everything a signer's browser gets back, the redirect and the page it leads to."""
    response = client.post(SIGN, data)
    page = client.get(response["Location"])
    headers = tuple(sorted(name for name in response.headers if name != "Date"))
    return response.status_code, response["Location"], response.content, headers, page.status_code, page.content


def directives(response) -> set[str]:
    return {part.strip() for part in response.get("Cache-Control", "").split(",")}


# One answer for everyone -------------------------------------------------------------------------------


def test_signing_leads_to_the_check_your_email_page(client, petition):
    response = client.post(SIGN, form())
    assert response.status_code == 303
    assert response["Location"] == THANKS
    page = client.get(THANKS)
    assert "Please check your email" in page.content.decode()
    signature = Signature.objects.get()
    assert (signature.name, signature.region, signature.visibility, signature.channel) == (
        "Asha Devi", "Kerala", "initials", "online",
    )  # fmt: skip
    assert len(mails()) == 1


def test_new_repeated_rate_held_and_disposable_signers_get_byte_identical_answers(client, petition, settings):
    settings.SIGNATURES_PER_IP_PER_10_MIN = 2
    new = answer(client, form("first@example.org"))
    repeated = answer(client, form("First@Example.org", name="Someone Else"))
    disposable = answer(client, form("throwaway@mailinator.com"))
    rate_held = answer(client, form("fourth@example.org"))
    assert new == repeated == disposable == rate_held
    subjects = [mail["subject"] for mail in mails()]
    assert Signature.objects.get(canonical_email="throwaway@mailinator.com").held == Held.DISPOSABLE
    assert Signature.objects.get(canonical_email="fourth@example.org").held == Held.RATE
    assert len(subjects) == 2 and "already signed" in subjects[1]


def test_the_answers_are_identical_with_the_csrf_check_on_too(petition, settings):
    settings.SIGNATURES_PER_IP_PER_10_MIN = 2
    client = Client(enforce_csrf_checks=True)
    token = client.get(PAGE + "csrf/").json()["token"]
    bodies = {
        answer(client, form(email, csrfmiddlewaretoken=token))
        for email in ["first@example.org", "first@example.org", "x@yopmail.com", "later@example.org"]
    }
    assert len(bodies) == 1
    assert Signature.objects.count() == 3


# Bad input, closed petitions ------------------------------------------------------------------------------


def test_a_bad_address_shows_the_form_again_with_everything_typed(client, petition):
    response = client.post(SIGN, form("not-an-address", visibility="full_name", name="Meena Kumari"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Enter a valid email address." in html
    assert 'value="Meena Kumari"' in html and 'value="not-an-address"' in html
    assert re.search(r'value="full_name"[^>]*checked', html)
    assert '<option value="Kerala" selected>' in html
    assert not Signature.objects.exists() and not OutboxMessage.objects.exists()


def test_a_refusal_of_the_service_is_shown_with_the_form_kept(client, petition, monkeypatch):
    def refuse(**fields):
        raise DomainError("Please choose your region from the list.")

    monkeypatch.setattr(services, "petition_sign", refuse)
    response = client.post(SIGN, form(name="Meena Kumari"))
    assert response.status_code == 200
    assert "Please choose your region from the list." in response.content.decode()
    assert 'value="Meena Kumari"' in response.content.decode()


def test_a_region_outside_the_list_is_refused(client, petition):
    response = client.post(SIGN, form(region="Atlantis"))
    assert response.status_code == 200
    assert not Signature.objects.exists()


@pytest.mark.parametrize("status", [PetitionStatus.PAUSED, PetitionStatus.CLOSED])
def test_a_petition_not_open_says_so_and_records_nothing(client, petition, status):
    petition.status = status
    petition.save()
    response = client.post(SIGN, form())
    assert response.status_code == 200
    html = response.content.decode()
    assert "<form" not in html and 'class="notice"' in html
    assert not Signature.objects.exists() and not OutboxMessage.objects.exists()
    assert "<form" not in client.get(SIGN).content.decode()


def test_opt_ins_are_kept_for_the_petitions_own_organisations(client, petition, world):
    petition.organisations.set([world.lead_org, world.member_org])
    client.post(SIGN, form(opt_in=[str(world.member_org.pk)]))
    assert Signature.objects.get().opt_ins == [world.member_org.pk]


def test_signing_in_the_page_language_mails_in_it(client, petition):
    PetitionTextFactory(petition=petition, language="fr", title="Ratifiez la C189")
    response = client.post(SIGN, form(lang="fr"))
    assert response["Location"] == THANKS + "?lang=fr"
    assert "Ratifiez la C189" in mails()[0]["subject"]
    assert '<html lang="fr">' in client.get(response["Location"]).content.decode()


# CSRF without a token on the shared page --------------------------------------------------------------------


def test_without_javascript_a_post_without_token_signs_nothing_and_asks_for_one_more_tap(petition):
    client = Client(enforce_csrf_checks=True)
    client.get(PAGE)
    response = client.post(SIGN, form(name="Meena Kumari", lang="en"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "press “Sign” once more" in html
    assert 'value="Meena Kumari"' in html
    assert not Signature.objects.exists() and not OutboxMessage.objects.exists()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)

    again = client.post(SIGN, form(name="Meena Kumari", lang="en", csrfmiddlewaretoken=token))
    assert again.status_code == 303
    assert Signature.objects.get().name == "Meena Kumari"


def test_a_forged_post_from_another_site_signs_nothing(petition):
    client = Client(enforce_csrf_checks=True)
    token = client.get(PAGE + "csrf/").json()["token"]
    response = client.post(SIGN, form(csrfmiddlewaretoken=token), HTTP_ORIGIN="https://evil.example")
    assert response.status_code == 200
    assert not Signature.objects.exists()


def test_with_javascript_the_token_comes_from_an_uncached_request(petition):
    client = Client(enforce_csrf_checks=True)
    response = client.get(PAGE + "csrf/")
    assert {"private", "no-store"} <= directives(response)
    token = response.json()["token"]
    assert client.post(SIGN, form(csrfmiddlewaretoken=token)).status_code == 303
    assert Signature.objects.count() == 1


def test_the_sign_form_page_carries_a_token_and_is_never_stored(petition):
    client = Client(enforce_csrf_checks=True)
    response = client.get(SIGN)
    assert b'name="csrfmiddlewaretoken" value="' in response.content
    assert {"private", "no-store"} <= directives(response)


# Few queries per signature --------------------------------------------------------------------------------------


def test_a_signature_and_its_mail_are_written_in_one_go_once_the_petition_is_in_the_cache(
    client, petition, django_assert_max_num_queries
):
    client.get(PAGE)
    # The test's own transaction adds a savepoint around them: two more statements.
    with django_assert_max_num_queries(4) as queries:
        assert client.post(SIGN, form()).status_code == 303
    writes = [query["sql"] for query in queries.captured_queries if "INSERT" in query["sql"]]
    # On PostgreSQL one statement writes both rows; elsewhere two do.
    assert len(writes) == (1 if connection.vendor == "postgresql" else 2)
    assert Signature.objects.count() == OutboxMessage.objects.count() == 1


def test_a_repeated_address_in_one_statement_writes_neither_row_and_gets_its_own_mail(client, petition):
    client.post(SIGN, form("asha@example.org"))
    client.post(SIGN, form("Asha+again@example.org"))
    assert Signature.objects.count() == 1
    assert [mail["subject"] for mail in mails()][1].endswith("You have already signed: Ratify ILO Convention 189")


def test_the_petition_is_read_once_for_many_signatures(client, petition, django_assert_max_num_queries):
    client.post(SIGN, form("warm@example.org"))
    with django_assert_max_num_queries(4 * 5):
        for n in range(5):
            client.post(SIGN, form(f"person{n}@example.org"))
    assert Signature.objects.count() == 6


def test_a_petition_closed_takes_effect_within_seconds(client, petition):
    client.get(PAGE)
    petition.status = PetitionStatus.CLOSED
    petition.save()
    caching.forget("signatures:petition:ratify-c189")  # what PETITION_CACHE_SECONDS do
    client.post(SIGN, form())
    assert not Signature.objects.exists()


def test_a_lead_closing_the_petition_takes_effect_at_once(client, petition, world, django_capture_on_commit_callbacks):
    assert "<form" in client.get(PAGE).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        services.petition_close(petition=petition, by=world.lead)
    assert "<form" not in client.get(PAGE).content.decode()
    client.post(SIGN, form())
    assert not Signature.objects.exists()


def test_a_newly_approved_language_shows_at_once(client, petition, world, django_capture_on_commit_callbacks):
    assert "?lang=fr" not in client.get(PAGE).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        text = services.petition_text_set(petition=petition, by=world.lead, language="fr", title="Ratifiez", body="Texte.")
        services.petition_text_approve(text=text, by=world.lead)
    assert "?lang=fr" in client.get(PAGE).content.decode()


# Confirmation and erasure -----------------------------------------------------------------------------------------


@pytest.fixture
def signed(client, petition):
    client.post(SIGN, form())
    return mails()[0]["body"]


def test_opening_the_confirmation_link_only_shows_a_button(client, signed):
    token = token_in(signed, "confirm")
    response = client.get(f"{PAGE}confirm/{token}/")
    assert response.status_code == 200
    html = response.content.decode()
    assert '<form class="card" method="post">' in html and "Confirm my signature" in html
    assert Signature.objects.get().confirmed_at is None


def test_pressing_the_button_confirms_and_offers_sharing(client, signed):
    token = token_in(signed, "confirm")
    response = client.post(f"{PAGE}confirm/{token}/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Thank you, your signature counts." in html
    assert "https://wa.me/" in html
    assert Signature.objects.get().confirmed_at is not None


def test_the_token_in_the_address_is_what_authorises_the_confirmation(petition):
    # The page sends no referrer, so browsers post its form with "Origin: null".
    client = Client(enforce_csrf_checks=True)
    client.post(SIGN, form(csrfmiddlewaretoken=client.get(PAGE + "csrf/").json()["token"]))
    url = f"{PAGE}confirm/{token_in(mails()[0]['body'], 'confirm')}/"
    assert "csrfmiddlewaretoken" not in client.get(url).content.decode()
    assert client.post(url, HTTP_ORIGIN="null").status_code == 200
    assert Signature.objects.get().confirmed_at is not None


@pytest.mark.parametrize("method", ["get", "post"])
def test_a_wrong_token_gets_a_clear_message_and_changes_nothing(client, signed, method):
    response = getattr(client, method)(f"{PAGE}confirm/not-a-real-token/")
    assert response.status_code == 404
    assert "This link is no longer valid." in response.content.decode()
    assert Signature.objects.get().confirmed_at is None


def test_a_token_of_another_petition_is_not_valid_here(client, signed, campaign):
    other = PetitionFactory(campaign=campaign, slug="other-petition")
    PetitionTextFactory(petition=other)
    response = client.get(f"/p/other-petition/confirm/{token_in(signed, 'confirm')}/")
    assert response.status_code == 404


@pytest.mark.parametrize("kind", ["confirm", "erase"])
@pytest.mark.parametrize("method", ["get", "post"])
def test_pages_with_a_token_are_never_stored_and_send_no_referrer(client, signed, kind, method):
    response = getattr(client, method)(f"{PAGE}{kind}/{token_in(signed, kind)}/")
    assert {"private", "no-store"} <= directives(response)
    assert "public" not in directives(response)
    assert response["Referrer-Policy"] == "no-referrer"


def test_opening_the_erasure_link_only_shows_a_button(client, signed):
    response = client.get(f"{PAGE}erase/{token_in(signed, 'erase')}/")
    assert "Remove my signature" in response.content.decode()
    assert Signature.objects.count() == 1


def test_pressing_the_button_removes_the_signature(client, signed):
    response = client.post(f"{PAGE}erase/{token_in(signed, 'erase')}/")
    assert "Your signature was removed." in response.content.decode()
    assert not Signature.objects.exists()
    again = client.post(f"{PAGE}erase/{token_in(signed, 'erase')}/")
    assert again.status_code == 404


def test_a_confirmed_signature_shows_up_in_the_count_after_the_batch(client, signed):
    client.post(f"{PAGE}confirm/{token_in(signed, 'confirm')}/")
    services.tallies_add_confirmed()
    assert client.get(PAGE + "count.json").json()["total"] == 1


def test_the_public_page_of_another_coalitions_petition_works_the_same(client, world):
    campaign = CampaignFactory(coalition=world.other_coalition, slug="equal-pay")
    other = PetitionFactory(campaign=campaign, slug="equal-pay-now", deadline=timezone.localdate())
    PetitionTextFactory(petition=other, title="Equal pay now")
    assert "Equal pay now" in client.get("/p/equal-pay-now/").content.decode()
    assert client.post("/p/equal-pay-now/sign/", form(region="Kerala")).status_code == 303


def test_no_page_of_the_petition_runs_inline_code(client, petition, world):
    from tests.config.test_headers import INLINE_CODE

    client.post(SIGN, form())
    body = mails()[0]["body"]
    pages = [SIGN, THANKS, f"{PAGE}confirm/{token_in(body, 'confirm')}/", f"{PAGE}erase/{token_in(body, 'erase')}/"]
    responses = [client.get(url) for url in pages] + [client.post(SIGN, form("bad"))]
    client.force_login(world.member_staff)
    responses.append(client.get(PAGE + "field/"))
    for response in responses:
        assert response.status_code == 200, response.request["PATH_INFO"]
        assert not INLINE_CODE.search(response.content.decode()), response.request["PATH_INFO"]
