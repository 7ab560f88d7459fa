"""Counts come from tallies the worker keeps; signing never touches a shared row."""

from datetime import timedelta

import pytest
from django.utils import timezone

from signatures import services
from signatures.models import Held, PaperTotal, PetitionTally, Signature
from signatures.selectors import petition_counts, public_region_counts, region_counts
from tests.factories import PetitionFactory, SignatureFactory

pytestmark = pytest.mark.django_db


def confirmed(petition, n=1, **fields):
    return [SignatureFactory(petition=petition, confirmed_at=timezone.now(), **fields) for _ in range(n)]


def test_only_confirmed_signatures_that_are_not_held_are_counted(petition):
    confirmed(petition, 3)
    confirmed(petition, 2, channel="field")
    SignatureFactory(petition=petition)  # waiting for its confirmation
    confirmed(petition, 1, held=Held.RATE)
    confirmed(petition, 1, held=Held.DISPOSABLE)

    assert petition_counts(petition).total == 0
    assert services.tallies_add_confirmed() == 5

    counts = petition_counts(petition)
    assert (counts.online, counts.field, counts.paper, counts.total) == (3, 2, 0, 5)


def test_a_signature_is_added_once_however_often_the_batch_runs(petition):
    confirmed(petition, 4)
    services.tallies_add_confirmed()
    assert services.tallies_add_confirmed() == 0
    confirmed(petition, 1)
    assert services.tallies_add_confirmed() == 1
    assert petition_counts(petition).total == 5
    assert not Signature.objects.filter(counted=False).exists()


def test_batches_smaller_than_the_backlog_add_everything(petition):
    confirmed(petition, 7)
    assert services.tallies_add_confirmed(batch=3) == 7
    assert petition_counts(petition).total == 7


def test_signing_writes_no_tally(petition):
    services.petition_sign(
        petition=petition, name="Asha", email="asha@example.org", region="Kerala", visibility="counted",
        opt_ins=[], ip="203.0.113.9",
    )
    assert not PetitionTally.objects.exists()


def test_erasing_a_counted_signature_takes_it_off_the_count_at_once(petition):
    confirmed(petition, 2)
    services.tallies_add_confirmed()
    token = "erase-me-token"
    SignatureFactory(petition=petition, confirmed_at=timezone.now(), token_hash=_hash(token))
    services.tallies_add_confirmed()
    assert petition_counts(petition).total == 3

    services.signature_erase(token=token)

    assert petition_counts(petition).total == 2


def test_erasing_a_signature_not_yet_counted_leaves_the_tallies_alone(petition):
    confirmed(petition, 2)
    services.tallies_add_confirmed()
    token = "not-counted-yet"
    SignatureFactory(petition=petition, confirmed_at=timezone.now(), token_hash=_hash(token))

    services.signature_erase(token=token)
    services.tallies_add_confirmed()

    assert petition_counts(petition).total == 2


def test_the_recount_repairs_a_drifted_tally(petition):
    confirmed(petition, 3, region="Kerala")
    services.tallies_add_confirmed()
    PetitionTally.objects.filter(petition=petition).update(count=99)
    PetitionTally.objects.create(petition=petition, channel="field", region="Goa", count=4)
    confirmed(petition, 1, region="Tamil Nadu")

    services.tallies_recount(petition=petition)

    assert region_counts(petition) == [("Kerala", 3), ("Tamil Nadu", 1)]
    assert services.tallies_add_confirmed() == 0


def test_the_recount_touches_no_other_petition(petition):
    other = PetitionFactory(campaign=petition.campaign)
    confirmed(other, 2)
    services.tallies_add_confirmed()
    services.tallies_recount(petition=petition)
    assert petition_counts(other).total == 2


def test_paper_sheets_counted_only_as_totals_add_to_the_paper_count(petition):
    confirmed(petition, 2, channel="paper", region="Kerala")
    services.tallies_add_confirmed()
    PaperTotal.objects.create(petition=petition, count=40, region="Kerala", collected_on=timezone.localdate())

    counts = petition_counts(petition)
    assert (counts.paper, counts.total) == (42, 42)
    assert region_counts(petition) == [("Kerala", 42)]


def test_publicly_regions_under_five_signatures_are_merged(petition):
    confirmed(petition, 6, region="Kerala")
    confirmed(petition, 5, region="Tamil Nadu")
    confirmed(petition, 4, region="Goa")
    confirmed(petition, 1, region="Assam")
    confirmed(petition, 2, region="")
    services.tallies_add_confirmed()

    assert public_region_counts(petition) == [("Kerala", 6), ("Tamil Nadu", 5), ("Other regions", 7)]


def _hash(token):
    from coalitions.models import hash_token

    return hash_token(token)


# Anonymisation -----------------------------------------------------------------------------------


def _closed(petition, months_ago):
    petition.status = "closed"
    petition.closed_at = timezone.now() - timedelta(days=31 * months_ago)
    petition.save()


def test_signatures_of_a_long_closed_petition_lose_names_and_addresses_but_keep_the_counts(petition, settings):
    settings.SIGNATURES_ANONYMISE_AFTER_MONTHS = 6
    confirmed(petition, 3, region="Kerala", visibility="full_name", opt_ins=[1], ip_hash="x" * 64)
    confirmed(petition, 2, region="Goa", channel="field")
    services.tallies_add_confirmed()
    before = (petition_counts(petition), region_counts(petition))
    _closed(petition, months_ago=7)

    assert services.signatures_anonymise() == 5

    rows = list(Signature.objects.values("name", "email", "canonical_email", "visibility", "opt_ins", "ip_hash"))
    assert all(
        row == {"name": "", "email": "", "canonical_email": "", "visibility": "counted", "opt_ins": [], "ip_hash": ""}
        for row in rows
    )
    assert sorted(Signature.objects.values_list("region", "channel")) == [
        ("Goa", "field"), ("Goa", "field"), ("Kerala", "online"), ("Kerala", "online"), ("Kerala", "online"),
    ]
    services.tallies_recount(petition=petition)
    assert (petition_counts(petition), region_counts(petition)) == before
    assert petition.coalition.audit_entries.filter(action="petition.anonymised").count() == 1
    assert services.signatures_anonymise() == 0


def test_an_old_mail_link_no_longer_finds_an_anonymised_signature(petition):
    token = "old-mail-link"
    SignatureFactory(petition=petition, confirmed_at=timezone.now(), token_hash=_hash(token))
    _closed(petition, months_ago=12)
    services.signatures_anonymise()

    from coalitions.errors import DomainError

    with pytest.raises(DomainError):
        services.signature_erase(token=token)
    assert Signature.objects.count() == 1


@pytest.mark.parametrize("status", ["open", "paused"])
def test_signatures_of_a_petition_still_running_are_kept(petition, status):
    confirmed(petition, 2)
    petition.status = status
    petition.save()
    Signature.objects.update(created_at=timezone.now() - timedelta(days=800))

    assert services.signatures_anonymise() == 0
    assert not Signature.objects.filter(name="").exists()


def test_a_recently_closed_petition_keeps_its_signatures_until_the_months_have_passed(petition, settings):
    settings.SIGNATURES_ANONYMISE_AFTER_MONTHS = 6
    confirmed(petition, 2)
    _closed(petition, months_ago=5)

    assert services.signatures_anonymise() == 0
    assert not Signature.objects.filter(name="").exists()
    assert not petition.coalition.audit_entries.filter(action="petition.anonymised").exists()
