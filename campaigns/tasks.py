from celery import shared_task
from django.utils import timezone

from .reminders import reminder_digests_send


@shared_task
def reminders_send() -> int:
    """Beat runs this every hour; each person gets their digest once a day, in their own morning."""
    return reminder_digests_send(now=timezone.now())


@shared_task
def decisions_close() -> int:
    """Beat runs this every minute: decisions past their deadline are counted and closed, once."""
    from .decisions import decisions_close_due

    return decisions_close_due(now=timezone.now())


@shared_task
def decision_reminders() -> int:
    """Beat runs this every ten minutes; each reminder of a decision goes out once."""
    from .decisions import decision_reminders_send

    return decision_reminders_send(now=timezone.now())
