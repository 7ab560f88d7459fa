import pytest

from tests.factories import CampaignFactory, PetitionFactory, PetitionTextFactory


@pytest.fixture
def campaign(world):
    return CampaignFactory(coalition=world.coalition, title="Ratify ILO C189", slug="c189")


@pytest.fixture
def petition(campaign):
    """An open petition with an approved English text and two regions."""
    petition = PetitionFactory(campaign=campaign, slug="ratify-c189")
    PetitionTextFactory(petition=petition)
    return petition
