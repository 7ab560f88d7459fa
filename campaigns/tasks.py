from celery import shared_task
from django.utils import timezone

from .reminders import reminder_digests_send


@shared_task
def reminders_send() -> int:
    """Beat runs this every hour; each person still gets at most one digest a day."""
    # "Today" is the date in UTC (TIME_ZONE), not in each person's own time zone, which the
    # platform does not know: in India (UTC+5:30) the day's digest goes out at 05:30 local time,
    # in the Americas the evening before. A known limit.
    return reminder_digests_send(today=timezone.localdate())
