import pytest

from tests.factories import CampaignFactory, TargetFactory


@pytest.fixture
def campaign(world):
    """An active campaign of the world's coalition (lead, member, observer organisations)."""
    return CampaignFactory(coalition=world.coalition, title="Ratify ILO C189", slug="c189")


@pytest.fixture
def target(campaign):
    return TargetFactory(campaign=campaign, name="Ministry of Labour", kind="ministry", influence=5)


def zone_in_its_morning_on_utc_date() -> str:
    """A time zone where it is now the same date as in UTC and at least 07:00 (reminders go out)."""
    from django.utils import timezone

    from coalitions.timezones import local_now

    now = timezone.now()
    for name in ("UTC", "Asia/Kolkata", "Pacific/Kiritimati"):
        local = local_now(name, now)
        if local.date() == now.date() and local.hour >= 7:
            return name
    raise AssertionError("some zone is always in its morning on the UTC date")
