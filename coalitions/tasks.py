from datetime import timedelta

from celery import shared_task
from django.conf import settings
from django.contrib.sessions.models import Session
from django.core.mail import EmailMultiAlternatives
from django.db.models import Q
from django.utils import timezone

from . import outbox
from .imports import import_job_apply, import_job_check, import_jobs_purge
from .models import CoalitionInvitation, StaffInvitation


@shared_task
def outbox_deliver(message_id: int) -> bool:
    """Kicks of one message each, from before kicks were coalesced, may still wait in the broker."""
    return outbox.outbox_deliver(message_id=message_id)


@shared_task
def outbox_drain() -> int:
    """Kicked (coalesced) after commits that wrote messages; the sweep covers kicks that never came."""
    return outbox.outbox_drain()


@shared_task
def outbox_sweep() -> int:
    return outbox.outbox_sweep()


@shared_task
def outbox_purge() -> int:
    return outbox.outbox_purge()


# Mail is sent through the outbox now; this still delivers mails queued by an earlier version
# that were waiting in the broker during the upgrade.
@shared_task(autoretry_for=(OSError,), retry_backoff=30, max_retries=8)
def email_deliver(*, subject: str, body: str, from_email: str, to: list[str], html: str = "") -> None:
    message = EmailMultiAlternatives(subject, body, from_email, to)
    if html:
        message.attach_alternative(html, "text/html")
    message.send()


@shared_task
def invitations_purge() -> int:
    """Forget the addresses of invitations nobody used.

    An unused invitation keeps a person's email address and the coalition that wanted them; for
    people who are threatened for their work that is worth not keeping. The audit trail still
    says that an organisation was invited, without the address.
    """
    cutoff = timezone.now() - timedelta(days=settings.INVITATION_RETENTION_DAYS)
    unused = Q(accepted_at__isnull=True) & (Q(expires_at__lt=cutoff) | Q(revoked_at__lt=cutoff))
    return sum(model.objects.filter(unused).delete()[0] for model in (CoalitionInvitation, StaffInvitation))


@shared_task
def sessions_purge() -> int:
    return Session.objects.filter(expire_date__lt=timezone.now()).delete()[0]


@shared_task
def import_check(job_id: int) -> None:
    import_job_check(job_id)


@shared_task
def import_apply(job_id: int) -> None:
    import_job_apply(job_id)


@shared_task
def imports_purge() -> int:
    return import_jobs_purge()
