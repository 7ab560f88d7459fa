"""The task feed as an iCalendar file (RFC 5545) of all-day events, written by `icalendar`."""

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

import icalendar

PRODUCT_ID = "-//Coalition//Outreach plan//EN"
# Text typed into a task may hold control characters that RFC 5545 forbids in any value.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


@dataclass(frozen=True)
class Event:
    uid: str
    day: date
    summary: str
    description: str = ""
    url: str = ""


def _text(value: str) -> str:
    return _CONTROL.sub("", value.replace("\r\n", "\n").replace("\r", "\n"))


def calendar(*, name: str, events: Iterable[Event], stamp: datetime) -> str:
    feed = icalendar.Calendar()
    feed.add("prodid", PRODUCT_ID)
    feed.add("version", "2.0")
    feed.add("calscale", "GREGORIAN")
    feed.add("method", "PUBLISH")
    feed.add("x-wr-calname", icalendar.vText(_text(name)))
    # Asks calendar apps to fetch again every hour rather than once a day or once a week.
    feed.add("refresh-interval", timedelta(hours=1), parameters={"VALUE": "DURATION"})
    feed.add("x-published-ttl", "PT1H")
    for item in events:
        event = icalendar.Event()
        event.add("uid", item.uid)
        event.add("dtstamp", stamp)
        event.add("dtstart", item.day)
        event.add("dtend", item.day + timedelta(days=1))
        event.add("summary", _text(item.summary))
        if item.description:
            event.add("description", _text(item.description))
        if item.url:
            event.add("url", item.url)
        # A task's day should not show the person as busy.
        event.add("transp", "TRANSPARENT")
        feed.add_component(event)
    return feed.to_ical().decode()
