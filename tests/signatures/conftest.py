import pytest
from django.core.cache import cache

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


@pytest.fixture
def campaign(world):
    return CampaignFactory(coalition=world.coalition, title="Ratify ILO C189", slug="c189")


@pytest.fixture
def petition(campaign):
    """An open petition with an approved English text and two regions."""
    petition = PetitionFactory(campaign=campaign, slug="ratify-c189")
    PetitionTextFactory(petition=petition)
    return petition
