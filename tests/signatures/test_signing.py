"""Signing: one row per canonical address, double opt-in mails, erasure, and nothing stored raw."""

import re

import pytest
from django.utils import translation

from coalitions.errors import DomainError
from coalitions.models import OutboxMessage
from signatures import services
from signatures.models import PetitionStatus, Signature
from tests.factories import OrganisationFactory
from tests.signatures.conftest import mails_sent

IP = "203.0.113.45"


def sign(petition, email="asha@gmail.com", **overrides):
    fields = {
        "petition": petition, "name": "Asha Devi", "email": email, "region": "Kerala",
        "visibility": "initials", "opt_ins": [], "ip": IP, **overrides,
    }
    return services.petition_sign(**fields)


def mails():
    return mails_sent()


def token_in(body: str, kind: str) -> str:
    return re.search(rf"/p/[\w-]+/{kind}/([\w-]+)/", body).group(1)


def test_a_new_signer_gets_a_confirmation_mail_and_is_not_counted_yet(petition):
    result = sign(petition)
    assert result is None
    signature = Signature.objects.get()
    assert signature.canonical_email == "asha@gmail.com"
    assert signature.confirmed_at is None
    [mail] = mails()
    assert mail["to"] == ["asha@gmail.com"]
    assert "Please confirm your signature: Ratify ILO Convention 189" in mail["subject"]
    assert "/p/ratify-c189/confirm/" in mail["body"]


def test_canonical_variants_make_one_row_and_the_repeat_gets_an_already_signed_mail(petition):
    sign(petition, "a.sha@gmail.com")
    sign(petition, "Asha+c189@googlemail.com")
    assert Signature.objects.count() == 1
    first, second = mails()
    assert "confirm your signature" in first["subject"]
    assert "already signed" in second["subject"]
    assert second["to"] == ["Asha+c189@googlemail.com"]


def test_the_repeat_signer_gets_working_links_and_the_old_ones_stop(petition):
    sign(petition)
    old = token_in(mails()[0]["body"], "confirm")
    sign(petition)
    new = token_in(mails()[1]["body"], "confirm")
    with pytest.raises(DomainError):
        services.signature_confirm(token=old)
    assert services.signature_confirm(token=new).confirmed_at is not None


def test_a_confirmed_repeat_signer_is_told_it_counts_and_gets_no_confirm_link(petition):
    sign(petition)
    services.signature_confirm(token=token_in(mails()[0]["body"], "confirm"))
    sign(petition)
    body = mails()[1]["body"]
    assert "confirmed and counted" in body
    assert "/confirm/" not in body
    assert "/erase/" in body


def test_confirming_twice_keeps_the_first_time(petition):
    sign(petition)
    token = token_in(mails()[0]["body"], "confirm")
    first = services.signature_confirm(token=token).confirmed_at
    again = services.signature_confirm(token=token).confirmed_at
    assert first is not None and again == first
    assert Signature.objects.get().confirmed_at == first


def test_an_unknown_token_confirms_nothing(petition):
    sign(petition)
    with pytest.raises(DomainError):
        services.signature_confirm(token="not-a-token")
    assert Signature.objects.get().confirmed_at is None


def test_the_signer_erases_their_signature_with_the_link_from_the_mail(petition):
    sign(petition)
    sign(petition, "other@example.org")
    services.signature_erase(token=token_in(mails()[0]["body"], "erase"))
    assert list(Signature.objects.values_list("canonical_email", flat=True)) == ["other@example.org"]
    with pytest.raises(DomainError):
        services.signature_erase(token=token_in(mails()[0]["body"], "erase"))


def test_the_token_is_stored_only_as_a_hash(petition):
    sign(petition)
    token = token_in(mails()[0]["body"], "confirm")
    signature = Signature.objects.get()
    assert token not in signature.token_hash
    assert len(signature.token_hash) == 64


def test_the_raw_ip_is_never_stored(petition):
    sign(petition)
    signature = Signature.objects.values().get()
    assert not any(IP in str(value) for value in signature.values())
    assert signature["ip_hash"] == services.ip_hash(IP)


def test_the_ip_hash_is_keyed_by_the_secret(petition, settings):
    first = services.ip_hash(IP)
    settings.SECRET_KEY = "another-secret"
    assert services.ip_hash(IP) != first


@pytest.mark.parametrize("status", [PetitionStatus.DRAFT, PetitionStatus.PAUSED, PetitionStatus.CLOSED])
def test_a_petition_that_is_not_open_refuses_and_writes_and_sends_nothing(petition, status):
    petition.status = status
    petition.save()
    with pytest.raises(DomainError):
        sign(petition)
    assert not Signature.objects.exists()
    assert not OutboxMessage.objects.exists()


def test_a_petition_past_its_deadline_refuses(petition):
    from datetime import date, timedelta

    petition.deadline = date.today() - timedelta(days=2)
    petition.save()
    with pytest.raises(DomainError):
        sign(petition)
    assert not Signature.objects.exists()
    assert not OutboxMessage.objects.exists()


@pytest.mark.parametrize(
    "overrides",
    [{"name": "  "}, {"email": "not-an-address"}, {"region": "Atlantis"}, {"visibility": "everything"}],
)
def test_bad_input_is_refused_with_nothing_written(petition, overrides):
    with pytest.raises(DomainError):
        sign(petition, **overrides)
    assert not Signature.objects.exists()
    assert not OutboxMessage.objects.exists()


def test_opt_ins_keep_only_the_petitions_own_organisations(petition, world):
    petition.organisations.set([world.lead_org])
    stranger = OrganisationFactory()
    sign(petition, opt_ins=[world.lead_org.pk, stranger.pk])
    assert Signature.objects.get().opt_ins == [world.lead_org.pk]


def test_field_signatures_are_attributed_to_the_collector(petition, world):
    sign(petition, channel="field", collector=world.member_staff)
    signature = Signature.objects.get()
    assert (signature.channel, signature.collector) == ("field", world.member_staff)


def test_the_mail_is_in_the_signers_language(petition):
    from tests.factories import PetitionTextFactory

    PetitionTextFactory(petition=petition, language="fr", title="Ratifiez la C189")
    with translation.override("fr"):
        sign(petition)
    assert "Ratifiez la C189" in mails()[0]["subject"]


def test_unapproved_texts_never_name_the_petition_in_mails(petition):
    from tests.factories import PetitionTextFactory

    PetitionTextFactory(petition=petition, language="fr", title="Brouillon", approved_at=None)
    with translation.override("fr"):
        sign(petition)
    assert "Brouillon" not in mails()[0]["subject"]
    assert "Ratify ILO Convention 189" in mails()[0]["subject"]



def test_signing_confirming_and_erasing_leave_nothing_in_the_trail_that_sockets_replay(petition):
    # The coalition's socket sends only numbered entries of the activity trail: a signer who is
    # in no entry is in no live event either.
    before = petition.coalition.audit_entries.count()
    sign(petition, "asha@example.org")
    token = token_in(mails()[0]["body"], "confirm")
    services.signature_confirm(token=token)
    services.signature_erase(token=token)
    assert petition.coalition.audit_entries.count() == before
