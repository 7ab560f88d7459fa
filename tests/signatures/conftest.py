import pytest
from django.core import mail
from django.core.cache import cache
from django.test import TestCase

from coalitions.outbox import outbox_drain
from signatures import caching
from tests.factories import CampaignFactory, PetitionFactory, PetitionTextFactory


@pytest.fixture(autouse=True)
def _fresh_cache():
    # Rate-limit counters and petitions read through the cache must not leak from one test into
    # the next (the database is rolled back, the cache is not).
    cache.clear()
    caching.forget_process_copies()
    yield
    cache.clear()
    caching.forget_process_copies()


def mails_sent() -> list[dict]:
    """Every mail sent so far, once the worker has drained the outbox (which is where the limits
    of a signer's address apply). What a drain changes after its commit is run here too: a test's
    own transaction never commits."""
    with TestCase.captureOnCommitCallbacks(execute=True):
        outbox_drain()
    return [{"subject": sent.subject, "body": sent.body, "to": sent.to} for sent in mail.outbox]


@pytest.fixture
def campaign(world):
    return CampaignFactory(coalition=world.coalition, title="Ratify ILO C189", slug="c189")


@pytest.fixture
def petition(campaign):
    """An open petition with an approved English text and two regions."""
    petition = PetitionFactory(campaign=campaign, slug="ratify-c189")
    PetitionTextFactory(petition=petition)
    return petition
