"""The transactional outbox: side effects of a change that must not be lost.

A service that causes a mail (or, later, any other delivery to the outside) calls `outbox_add`
inside its transaction. The row commits or rolls back with the change. After the commit a Celery
task is kicked to drain the outbox; if the broker is down the kick is only logged, and beat's
sweep (every minute) delivers it later. Kicks are coalesced: in each process, the first commit
in a window of DRAIN_WINDOW seconds sends one drain task, due at the end of the window, and that
drain delivers every row committed by then in batches over one mail-server connection. At a
thousand signers a second that is a queue message a second per web process, not a thousand. A failed delivery is retried with exponential backoff,
capped, and given up after OUTBOX_MAX_ATTEMPTS (the row stays, with its last error, until purged).

Delivery locks the row (`SELECT … FOR UPDATE SKIP LOCKED`) and marks it delivered in the same
transaction, so two workers, or a kick racing the sweep, never deliver one row twice. The one
gap left is a crash (or lost database connection) after the mail server accepted the mail and
before the mark commits: the row is then delivered again by a later sweep. At least once, and
exactly once whenever the worker survives its own delivery. SQLite (the embedded default) has
no row locks: there a sweep that overlaps a kick of the same row could send it twice, which
for one machine's demo is accepted.

Payloads hold addresses and mail bodies, which are personal data: they are never logged, and
delivered or abandoned rows are purged after OUTBOX_RETENTION_DAYS.
"""

import logging
import smtplib
import time
from collections.abc import Callable
from contextvars import ContextVar
from datetime import datetime, timedelta

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from .models import OutboxMessage

logger = logging.getLogger(__name__)

MAIL = "mail"
# A mail whose templates the worker renders when it delivers it (coalitions/mail.py).
TEMPLATE_MAIL = "template_mail"
JOB = "job"
SWEEP_BATCH = 200
# How many rows one drain transaction locks and sends over one connection: small enough that a
# second worker finds rows of its own to take.
DRAIN_BATCH = 50
DRAIN_WINDOW = 1
# When this process last sent a drain (time.monotonic()).
_last_kick = float("-inf")


# The drain's open mail-server connection, shared by the mails of one batch.
_mail_connection: ContextVar = ContextVar("outbox_mail_connection", default=None)


def _deliver_mail(payload: dict) -> None:
    message = EmailMultiAlternatives(
        payload["subject"], payload["body"], payload["from_email"], payload["to"], connection=_mail_connection.get()
    )
    if payload.get("html"):
        message.attach_alternative(payload["html"], "text/html")
    message.send()


def _enqueue_job(payload: dict) -> None:
    # Delivering a job is handing it to the broker: a job that a change causes is not lost when
    # the broker is down at commit time, as a bare on_commit(delay) would be.
    from celery import current_app

    current_app.tasks[payload["task"]].apply_async(args=payload.get("args", []))


def template_mail_deliver(payload: dict) -> None:
    from .mail import mail_payload

    _deliver_mail(mail_payload(payload))


# kind -> what delivers a payload of that kind; it raises when delivery failed. Apps add kinds of
# their own in their AppConfig.ready(), so that every process that delivers knows them.
HANDLERS: dict[str, Callable[[dict], None]] = {
    MAIL: _deliver_mail, TEMPLATE_MAIL: template_mail_deliver, JOB: _enqueue_job,
}


def outbox_add(*, kind: str, payload: dict) -> OutboxMessage:
    """Record a delivery in the caller's transaction; it is attempted once that commits."""
    if kind not in HANDLERS:
        raise ValueError(f"No outbox handler for {kind!r}")
    message = OutboxMessage.objects.create(kind=kind, payload=payload)
    outbox_kick_on_commit(message.pk)
    return message


def outbox_kick_on_commit(message_id: int) -> None:
    """For a row written by other means than `outbox_add` (one statement with the change itself)."""
    transaction.on_commit(lambda: _kick(message_id))


def outbox_job(*, task: str, args: list) -> OutboxMessage:
    """Run a Celery task (by its registered name) once the caller's transaction commits."""
    return outbox_add(kind=JOB, payload={"task": task, "args": args})


def _kick(message_id: int) -> None:
    from .tasks import outbox_drain as task

    global _last_kick
    now = time.monotonic()
    # This process sent a drain, due at the end of its window, within the window: that drain
    # will find this row, committed before it runs. Each web process sends at most one drain
    # task a window, whatever the number of commits.
    if now - _last_kick < DRAIN_WINDOW:
        return
    _last_kick = now
    try:
        # No publish retries: the sweep is the retry, and the request that caused the message
        # must not wait for a broker that is down.
        task.apply_async(countdown=DRAIN_WINDOW, retry=False)
    except Exception as error:  # noqa: BLE001 - any broker failure only delays the message
        logger.warning(
            "Outbox message %s waits for the sweep: broker unreachable (%s)", message_id, type(error).__name__
        )


def is_permanent(error: Exception) -> bool:
    """A refusal that sending again cannot change (a mistyped address, a 5xx answer)."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return True
    return isinstance(error, smtplib.SMTPResponseException) and error.smtp_code >= 500


def retry_delay(attempts: int) -> timedelta:
    """How long to wait after the given number of failed attempts: doubling, capped."""
    seconds = settings.OUTBOX_RETRY_BASE_SECONDS * 2 ** max(attempts - 1, 0)
    return timedelta(seconds=min(seconds, settings.OUTBOX_RETRY_MAX_SECONDS))


def outbox_deliver(*, message_id: int) -> bool:
    """Deliver one due message unless another worker holds it or it went already; True if sent."""
    with transaction.atomic():
        message = (
            OutboxMessage.objects.select_for_update(skip_locked=True)
            .filter(pk=message_id, delivered_at__isnull=True, next_attempt_at__lte=timezone.now())
            .first()
        )
        if message is None:
            return False
        return _deliver_locked(message)


def _deliver_locked(message: OutboxMessage) -> bool:
    try:
        # A handler that writes and fails must not spoil the batch's transaction: the failure
        # is recorded in it, and the other rows of the batch go on.
        with transaction.atomic():
            HANDLERS[message.kind](message.payload)
    except Exception as error:  # noqa: BLE001 - whatever failed, the row waits for a retry
        _record_failure(message, error)
        return False
    message.delivered_at = timezone.now()
    message.next_attempt_at = None
    message.attempts += 1
    message.save(update_fields=["delivered_at", "next_attempt_at", "attempts"])
    return True


def outbox_drain(*, batch: int = DRAIN_BATCH) -> int:
    """Deliver everything due, a batch per transaction over one mail connection; returns how many went.

    In eager mode the drain runs inside the kick: letting the next commit kick again keeps every
    mail of a test delivered at its commit.
    """
    global _last_kick
    _last_kick = float("-inf")
    sent = 0
    while True:
        with transaction.atomic():
            messages = list(
                OutboxMessage.objects.select_for_update(skip_locked=True)
                .filter(delivered_at__isnull=True, next_attempt_at__lte=timezone.now())
                .order_by("next_attempt_at", "pk")[:batch]
            )
            if not messages:
                return sent
            connection = get_connection()
            token = _mail_connection.set(connection)
            try:
                sent += sum(_deliver_locked(message) for message in messages)
            finally:
                _mail_connection.reset(token)
                connection.close()
        if len(messages) < batch:
            return sent


def _record_failure(message: OutboxMessage, error: Exception) -> None:
    message.attempts += 1
    # The error text may name a recipient: kept on the row (purged later), never in the log.
    message.last_error = f"{type(error).__name__}: {error}"[:2000]
    if is_permanent(error) or message.attempts >= settings.OUTBOX_MAX_ATTEMPTS:
        message.next_attempt_at = None
        logger.error(
            "Outbox message %s (%s) given up after %s attempts (%s)",
            message.pk, message.kind, message.attempts, type(error).__name__,
        )  # fmt: skip
    else:
        message.next_attempt_at = timezone.now() + retry_delay(message.attempts)
        logger.warning(
            "Outbox message %s (%s) failed (%s), attempt %s; retrying at %s",
            message.pk, message.kind, type(error).__name__, message.attempts, message.next_attempt_at.isoformat(),
        )  # fmt: skip
    message.save(update_fields=["attempts", "last_error", "next_attempt_at"])


def outbox_sweep() -> int:
    """Deliver what is due (missed kicks, retries), oldest first; returns how many went."""
    due = (
        OutboxMessage.objects.filter(delivered_at__isnull=True, next_attempt_at__lte=timezone.now())
        .order_by("next_attempt_at", "pk")
        .values_list("pk", flat=True)[:SWEEP_BATCH]
    )
    # One transaction per row, so that one slow or failing delivery holds no other row's lock.
    return sum(outbox_deliver(message_id=pk) for pk in list(due))


def outbox_stuck(*, older_than: timedelta) -> int:
    """How many messages still wait for delivery after `older_than`: the worker, beat or the mail
    server has been down for that long."""
    cutoff = timezone.now() - older_than
    return OutboxMessage.objects.filter(
        delivered_at__isnull=True, next_attempt_at__isnull=False, created_at__lt=cutoff
    ).count()


def outbox_purge(*, now: datetime | None = None) -> int:
    """Forget delivered and abandoned messages after a few days: they hold addresses and bodies."""
    cutoff = (now or timezone.now()) - timedelta(days=settings.OUTBOX_RETENTION_DAYS)
    done = Q(delivered_at__lt=cutoff) | Q(
        delivered_at__isnull=True, next_attempt_at__isnull=True, created_at__lt=cutoff
    )
    return OutboxMessage.objects.filter(done).delete()[0]
