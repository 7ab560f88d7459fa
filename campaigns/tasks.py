from celery import shared_task
from django.utils import timezone

from .reminders import reminder_digests_send


@shared_task
def reminders_send() -> int:
    """Beat runs this every hour; each person gets their digest once a day, in their own morning."""
    return reminder_digests_send(now=timezone.now())
