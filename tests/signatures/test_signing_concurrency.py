"""Many people signing at once over HTTP, some twice under variants of one address: one row per
person, every response the same, and the count right once the batch has run.

Real concurrency needs PostgreSQL (SQLite serialises writers), so this skips on SQLite.
"""

import threading

import pytest
from django.core import mail
from django.db import connection
from django.test import Client

from coalitions.models import OutboxMessage
from coalitions.outbox import outbox_drain
from signatures import services
from signatures.emails import canonical_email
from signatures.models import Signature
from signatures.selectors import petition_counts
from tests.conftest import needs_postgres
from tests.factories import CampaignFactory, PetitionFactory, PetitionTextFactory

THREADS = 50
SIGNS_PER_THREAD = 20
SHARED = 10
TIMEOUT = 120

pytestmark = [needs_postgres, pytest.mark.django_db(transaction=True)]


def _variant(k: int, n: int) -> str:
    """One of several spellings of shared person k's Gmail address."""
    forms = [
        f"shared.person{k}@gmail.com", f"SharedPerson{k}@gmail.com", f"sharedperson{k}+c189@googlemail.com",
        f"s.h.a.r.e.d.person{k}+{n}@GMAIL.COM", f"sharedperson{k}@googlemail.com",
    ]
    return forms[n % len(forms)]


def _addresses(thread: int) -> list[str]:
    # Every fifth signature is one of a few shared people, so one in five is a repeat in some spelling.
    return [
        _variant((thread + j) % SHARED, thread + j) if j % 5 == 4 else f"t{thread}s{j}@example.org"
        for j in range(SIGNS_PER_THREAD)
    ]


def test_concurrent_signing_leaves_one_row_per_canonical_address(world, settings):
    settings.SIGNATURES_PER_IP_PER_10_MIN = SIGNS_PER_THREAD
    campaign = CampaignFactory(coalition=world.coalition, slug="c189")
    petition = PetitionFactory(campaign=campaign, slug="ratify-c189")
    PetitionTextFactory(petition=petition)
    start = threading.Barrier(THREADS)
    errors: list[Exception] = []
    statuses: list[int] = []

    def run(thread: int) -> None:
        try:
            client = Client(REMOTE_ADDR=f"198.51.100.{thread}")
            start.wait(timeout=TIMEOUT)
            for address in _addresses(thread):
                response = client.post(
                    f"/p/{petition.slug}/sign/",
                    {"name": f"Signer {thread}", "email": address, "region": "Kerala", "visibility": "counted"},
                )
                statuses.append(response.status_code)
        except Exception as error:  # noqa: BLE001 - the test reports what any thread met
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(index,)) for index in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=TIMEOUT)
    assert not any(thread.is_alive() for thread in threads)
    assert errors == []
    assert set(statuses) == {303} and len(statuses) == THREADS * SIGNS_PER_THREAD

    everyone = [address for index in range(THREADS) for address in _addresses(index)]
    distinct = {canonical_email(address) for address in everyone}
    assert len(distinct) == THREADS * SIGNS_PER_THREAD * 4 // 5 + SHARED
    assert Signature.objects.filter(petition=petition).count() == len(distinct)
    assert set(Signature.objects.values_list("canonical_email", flat=True)) == distinct
    assert not Signature.objects.exclude(held="").exists()
    outbox_drain()
    assert not OutboxMessage.objects.filter(delivered_at__isnull=True).exists()
    subjects = [sent.subject for sent in mail.outbox]
    assert len(subjects) == len(everyone)
    assert sum("confirm your signature" in subject for subject in subjects) == len(distinct)

    # Every signer confirms from the mail of their last signing (a repeat's mail carries the working link).
    client = Client()
    tokens = {}
    for message in OutboxMessage.objects.order_by("pk"):
        tokens[canonical_email(message.payload["to"][0])] = message.payload["token"]
    bodies = "\n".join(sent.body for sent in mail.outbox)
    assert all(f"/confirm/{token}/" in bodies for token in tokens.values())
    for token in tokens.values():
        assert client.post(f"/p/{petition.slug}/confirm/{token}/").status_code == 200
    assert Signature.objects.filter(petition=petition, confirmed_at__isnull=False).count() == len(distinct)

    assert petition_counts(petition).total == 0  # nothing counted before the batch runs
    services.tallies_add_confirmed()
    assert petition_counts(petition).total == len(distinct)
