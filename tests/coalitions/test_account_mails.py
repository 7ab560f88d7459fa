"""Account and invitation mails: the site's own words, in the language of the person who reads them."""

from uuid import uuid4

import pytest
from django.urls import reverse

from coalitions import services
from tests.factories import UserFactory

SITE = "https://coalition.example"


@pytest.fixture(autouse=True)
def _site_url(settings):
    settings.SITE_URL = SITE


def address(name: str) -> str:
    # An address of its own in each run: allauth limits these mails per address, and with Redis
    # its counters outlive a test.
    return f"{name}-{uuid4().hex[:8]}@example.org"


@pytest.fixture
def send(client_for, django_capture_on_commit_callbacks, mailoutbox):
    def post(url, data, headers=None):
        with django_capture_on_commit_callbacks(execute=True):
            client_for(None).post(url, data, headers=headers or {})
        return mailoutbox

    return post


def test_a_password_reset_reaches_a_bengali_reader_in_bengali_whoever_asked(send):
    reader = UserFactory(email=address("rina"), language="bn")

    [mail] = send(reverse("account_reset_password"), {"email": reader.email}, headers={"accept-language": "en"})

    assert mail.to == [reader.email]
    assert mail.subject == "[Coalition] নতুন পাসওয়ার্ড বেছে নিন"
    assert f"কেউ, সম্ভবত আপনি, {reader.email} অ্যাকাউন্টের জন্য নতুন পাসওয়ার্ড বেছে নিতে চেয়েছেন।" in mail.body
    assert "/accounts/password/reset/key/" in mail.body
    assert "Hello from" not in mail.body and "Thank you for using" not in mail.body


def test_a_password_reset_for_an_english_reader_is_in_our_own_words(send):
    reader = UserFactory(email=address("ana"), language="en")

    [mail] = send(reverse("account_reset_password"), {"email": reader.email}, headers={"accept-language": "fr"})

    assert mail.subject == "[Coalition] Choose a new password"
    assert f"Someone, probably you, asked to choose a new password for the account of {reader.email}." in mail.body
    assert f"Coalition, the shared workspace of coalitions of organisations\n{SITE}" in mail.body


def test_a_reset_for_an_unknown_address_is_written_in_the_language_of_the_page(send):
    [mail] = send(reverse("account_reset_password"), {"email": address("nobody")}, headers={"accept-language": "es"})

    assert mail.subject == "[Coalition] Sobre su solicitud de contraseña"
    assert "no hay ninguna cuenta con esta dirección" in mail.body


def test_the_sign_up_confirmation_is_in_the_language_chosen_on_the_form(send):
    email = address("joseph")
    [mail] = send(
        reverse("account_signup"),
        {"email": email, "password1": "a-long-new-password", "password2": "a-long-new-password",
         "display_name": "Joseph", "language": "fr", "timezone": "Africa/Bujumbura"},
        headers={"accept-language": "en"},
    )

    assert mail.subject == "[Coalition] Bienvenue : veuillez confirmer votre adresse e-mail"
    assert f"Merci de vous être inscrit·e sur Coalition avec cette adresse, {email}." in mail.body
    assert "/accounts/confirm-email/" in mail.body


def test_signing_up_again_with_a_known_address_tells_its_owner_in_their_language(send):
    owner = UserFactory(email=address("rina"), language="bn")

    [mail] = send(
        reverse("account_signup"),
        {"email": owner.email, "password1": "a-long-new-password", "password2": "a-long-new-password",
         "language": "en"},
    )

    assert mail.subject == "[Coalition] আপনার আগে থেকেই একটি অ্যাকাউন্ট আছে"


def test_an_invitation_to_a_person_with_an_account_is_in_their_language(world, django_capture_on_commit_callbacks, mailoutbox):
    UserFactory(email="contact@union.example", language="bn")
    world.coalition.language = "en"
    world.coalition.save()

    with django_capture_on_commit_callbacks(execute=True):
        services.coalition_invite(
            coalition=world.coalition, by=world.lead, email="contact@union.example", organisation_name="TN union",
            role="member", base_url=SITE,
        )

    [mail] = mailoutbox
    assert mail.subject == f"[Coalition] {world.coalition.name}-এ যোগ দেওয়ার আমন্ত্রণ"


def test_an_invitation_to_a_newcomer_is_in_the_coalitions_language(world, django_capture_on_commit_callbacks, mailoutbox):
    world.coalition.language = "fr"
    world.coalition.save()

    with django_capture_on_commit_callbacks(execute=True):
        services.coalition_invite(
            coalition=world.coalition, by=world.lead, email="newcomer@union.example", organisation_name="TN union",
            role="member", base_url=SITE,
        )

    [mail] = mailoutbox
    assert mail.subject.startswith("[Coalition] Invitation à rejoindre")
