import pytest

from tests.factories import CampaignFactory, TargetFactory


@pytest.fixture
def campaign(world):
    return CampaignFactory(coalition=world.coalition, title="Ratify ILO C189", slug="c189")


@pytest.fixture
def target(campaign):
    return TargetFactory(campaign=campaign, name="Ministry of Labour", kind="ministry", influence=5)
