"""Time zones people and coalitions choose from: the IANA names that this machine's zoneinfo knows."""

import zoneinfo
from datetime import datetime, tzinfo
from functools import cache

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

DEFAULT_TIME_ZONE = "UTC"


@cache
def time_zone_names() -> frozenset[str]:
    # "Etc/GMT+5" and the like read backwards (it is UTC-5) and nobody lives by "Factory".
    return frozenset(
        name for name in zoneinfo.available_timezones() if "/" in name and not name.startswith(("Etc/", "SystemV/"))
    ) | {"UTC"}


def time_zone_choices() -> list[tuple[str, str]]:
    return [(name, name.replace("_", " ")) for name in sorted(time_zone_names())]


def time_zone_validate(value: str) -> None:
    if value not in time_zone_names():
        raise ValidationError(_("Please choose a time zone from the list, such as Asia/Kolkata."), code="invalid")


def time_zone_get(name: str | None) -> tzinfo:
    """The zone of that name, or UTC for a name this machine does not know (never an error)."""
    if name and name in time_zone_names():
        return zoneinfo.ZoneInfo(name)
    return zoneinfo.ZoneInfo(DEFAULT_TIME_ZONE)


def local_now(name: str | None, now: datetime | None = None) -> datetime:
    return timezone.localtime(now or timezone.now(), time_zone_get(name))
