"""Account and invitation mails: the site's own words, in the language of the person who reads them."""

import pytest
from django.urls import reverse

from coalitions import services
from tests.factories import UserFactory

SITE = "https://coalition.example"


@pytest.fixture(autouse=True)
def _site_url(settings):
    settings.SITE_URL = SITE


@pytest.fixture
def send(client_for, django_capture_on_commit_callbacks, mailoutbox):
    def post(url, data, headers=None):
        with django_capture_on_commit_callbacks(execute=True):
            client_for(None).post(url, data, headers=headers or {})
        return mailoutbox

    return post


def test_a_password_reset_reaches_a_bengali_reader_in_bengali_whoever_asked(send):
    reader = UserFactory(email="rina@example.org", language="bn")

    [mail] = send(reverse("account_reset_password"), {"email": reader.email}, headers={"accept-language": "en"})

    assert mail.to == [reader.email]
    assert mail.subject == "[Coalition] নতুন পাসওয়ার্ড বেছে নিন"
    assert "কেউ, সম্ভবত আপনি, rina@example.org অ্যাকাউন্টের জন্য নতুন পাসওয়ার্ড বেছে নিতে চেয়েছেন।" in mail.body
    assert "/accounts/password/reset/key/" in mail.body
    assert "Hello from" not in mail.body and "Thank you for using" not in mail.body


def test_a_password_reset_for_an_english_reader_is_in_our_own_words(send):
    reader = UserFactory(email="ana@example.org", language="en")

    [mail] = send(reverse("account_reset_password"), {"email": reader.email}, headers={"accept-language": "fr"})

    assert mail.subject == "[Coalition] Choose a new password"
    assert "Someone, probably you, asked to choose a new password for the account of ana@example.org." in mail.body
    assert f"Coalition, the shared workspace of coalitions of organisations\n{SITE}" in mail.body


def test_a_reset_for_an_unknown_address_is_written_in_the_language_of_the_page(send):
    [mail] = send(reverse("account_reset_password"), {"email": "nobody@example.org"}, headers={"accept-language": "es"})

    assert mail.subject == "[Coalition] Sobre su solicitud de contraseña"
    assert "no hay ninguna cuenta con esta dirección" in mail.body


def test_the_sign_up_confirmation_is_in_the_language_chosen_on_the_form(send):
    [mail] = send(
        reverse("account_signup"),
        {"email": "joseph@example.org", "password1": "a-long-new-password", "password2": "a-long-new-password",
         "display_name": "Joseph", "language": "fr", "timezone": "Africa/Bujumbura"},
        headers={"accept-language": "en"},
    )

    assert mail.subject == "[Coalition] Bienvenue : veuillez confirmer votre adresse e-mail"
    assert "Merci de vous être inscrit·e sur Coalition avec cette adresse, joseph@example.org." in mail.body
    assert "/accounts/confirm-email/" in mail.body


def test_signing_up_again_with_a_known_address_tells_its_owner_in_their_language(send):
    UserFactory(email="rina@example.org", language="bn")

    [mail] = send(
        reverse("account_signup"),
        {"email": "rina@example.org", "password1": "a-long-new-password", "password2": "a-long-new-password",
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
