import logging
import smtplib
import threading
from datetime import timedelta

import pytest
from django.db import connection, transaction
from django.urls import reverse
from django.utils import timezone
from kombu.exceptions import OperationalError

from coalitions import outbox
from coalitions.mail import outbox_mail, outbox_mail_message
from coalitions.models import CoalitionInvitation, OutboxMessage
from coalitions.outbox import outbox_deliver, outbox_purge, outbox_sweep, retry_delay
from coalitions.tasks import outbox_drain as outbox_drain_task
from config.celery import app as celery_app
from tests.conftest import needs_postgres

TEMPLATE = "coalitions/email/staff_invitation"
CONTEXT = {
    "organisation": "Mill Workers Union",
    "inviter": "Asha",
    "role": "staff",
    "url": "https://x.example/j",
    "days": 14,
}
SECRET_BODY = "the union meets at the usual place at six"


class RolledBack(Exception):
    pass


@pytest.fixture
def broker_down(monkeypatch):
    def refuse(*args, **kwargs):
        raise OperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    monkeypatch.setattr(outbox_drain_task, "apply_async", refuse)


@pytest.fixture
def smtp_down(monkeypatch):
    calls = []

    def refuse(self, fail_silently=False):
        calls.append(self.to)
        raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")

    monkeypatch.setattr("django.core.mail.EmailMultiAlternatives.send", refuse)
    return calls


def _queue(to: str = "rita@example.org") -> None:
    outbox_mail(to=to, template=TEMPLATE, context=CONTEXT, language="en")


def test_a_mail_is_written_with_the_change_and_delivered_after_the_commit(
    db, django_capture_on_commit_callbacks, mailoutbox
):
    with django_capture_on_commit_callbacks(execute=True):
        with transaction.atomic():
            _queue()
            assert OutboxMessage.objects.filter(delivered_at__isnull=True).count() == 1
            assert mailoutbox == []

    [sent] = mailoutbox
    assert sent.to == ["rita@example.org"]
    assert "Mill Workers Union" in sent.subject
    message = OutboxMessage.objects.get()
    assert message.delivered_at is not None
    assert (message.attempts, message.next_attempt_at, message.last_error) == (1, None, "")


def test_a_rolled_back_change_leaves_no_row_and_no_mail(db, django_capture_on_commit_callbacks, mailoutbox):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with pytest.raises(RolledBack), transaction.atomic():
            _queue()
            raise RolledBack

    assert callbacks == []
    assert not OutboxMessage.objects.exists()
    assert mailoutbox == []


def test_a_refused_invitation_leaves_no_row(world, client_for, django_capture_on_commit_callbacks, mailoutbox):
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(world.member_staff).post(
            reverse("coalition_invite", args=[world.coalition.slug]),
            {"email": "contact@union.example", "organisation_name": "TN union", "role": "member"},
        )

    assert response.status_code == 403
    assert not OutboxMessage.objects.exists()
    assert mailoutbox == []


def test_with_the_broker_down_the_invitation_is_saved_and_its_mail_waits(
    world, client_for, broker_down, django_capture_on_commit_callbacks, mailoutbox, caplog
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(world.lead).post(
            reverse("coalition_invite", args=[world.coalition.slug]),
            {"email": "contact@union.example", "organisation_name": "TN union", "role": "member"},
        )

    assert response.status_code == 302
    assert CoalitionInvitation.objects.filter(email="contact@union.example").exists()
    assert mailoutbox == []
    message = OutboxMessage.objects.get()
    assert message.delivered_at is None
    assert "waits for the sweep" in caplog.text
    assert "contact@union.example" not in caplog.text

    assert outbox_sweep() == 1
    assert [sent.to for sent in mailoutbox] == [["contact@union.example"]]


def test_a_sign_up_with_the_broker_down_keeps_its_verification_mail(
    db, client, broker_down, django_capture_on_commit_callbacks, mailoutbox
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("account_signup"),
            {"email": "new@example.org", "password1": "a-long-new-password", "password2": "a-long-new-password",
             "display_name": "Selvi", "language": "en"},
        )  # fmt: skip

    assert response.status_code == 302
    message = OutboxMessage.objects.get()
    assert message.payload["to"] == ["new@example.org"]
    assert mailoutbox == []

    outbox_sweep()
    [sent] = mailoutbox
    assert sent.to == ["new@example.org"]
    assert "/accounts/confirm-email/" in sent.body


def test_an_smtp_error_is_retried_later_with_a_growing_wait(db, smtp_down, settings, caplog):
    settings.OUTBOX_RETRY_BASE_SECONDS = 60
    settings.OUTBOX_RETRY_MAX_SECONDS = 3600
    outbox_mail_message(subject="Meeting", body=SECRET_BODY, to=["rita@example.org"])
    message = OutboxMessage.objects.get()

    waits = []
    for _ in range(3):
        before = timezone.now()
        assert outbox_deliver(message_id=message.pk) is False
        message.refresh_from_db()
        waits.append(round((message.next_attempt_at - before).total_seconds() / 60))
        # Not due yet: neither the sweep nor a late kick tries again.
        assert outbox_sweep() == 0
        OutboxMessage.objects.filter(pk=message.pk).update(next_attempt_at=timezone.now())

    assert waits == [1, 2, 4]
    assert len(smtp_down) == 3
    assert message.attempts == 3
    assert message.delivered_at is None
    assert message.last_error.startswith("SMTPServerDisconnected")
    assert "SMTPServerDisconnected" in caplog.text
    assert SECRET_BODY not in caplog.text and "rita@example.org" not in caplog.text


def test_the_wait_between_retries_is_capped(settings):
    settings.OUTBOX_RETRY_BASE_SECONDS = 60
    settings.OUTBOX_RETRY_MAX_SECONDS = 3600
    assert [retry_delay(n).total_seconds() for n in (1, 2, 6, 7, 30)] == [60, 120, 1920, 3600, 3600]


def test_a_message_that_keeps_failing_is_given_up_and_kept_for_a_person_to_see(db, smtp_down, settings, caplog):
    settings.OUTBOX_MAX_ATTEMPTS = 2
    outbox_mail_message(subject="Meeting", body="...", to=["rita@example.org"])
    message = OutboxMessage.objects.get()
    for _ in range(2):
        OutboxMessage.objects.filter(pk=message.pk).update(next_attempt_at=timezone.now())
        outbox_deliver(message_id=message.pk)

    message.refresh_from_db()
    assert (message.attempts, message.next_attempt_at, message.delivered_at) == (2, None, None)
    assert any(record.levelno == logging.ERROR and "given up" in record.message for record in caplog.records)
    assert outbox_sweep() == 0


def test_the_sweep_delivers_what_no_kick_delivered_and_only_that(db, mailoutbox):
    # No on_commit callbacks run here: as if the broker had lost every kick.
    _queue("one@example.org")
    _queue("two@example.org")
    later = OutboxMessage.objects.create(
        kind=outbox.MAIL, payload={"subject": "s", "body": "b", "from_email": "f@example.org", "to": ["later@example.org"]},
        next_attempt_at=timezone.now() + timedelta(minutes=5),
    )  # fmt: skip
    done = OutboxMessage.objects.create(
        kind=outbox.MAIL, payload={"subject": "s", "body": "b", "from_email": "f@example.org", "to": ["done@example.org"]},
        delivered_at=timezone.now(), next_attempt_at=None,
    )  # fmt: skip

    assert outbox_sweep() == 2
    assert sorted(sent.to[0] for sent in mailoutbox) == ["one@example.org", "two@example.org"]
    assert outbox_sweep() == 0
    assert len(mailoutbox) == 2
    later.refresh_from_db()
    done.refresh_from_db()
    assert later.delivered_at is None and done.attempts == 0


def test_a_kick_for_a_delivered_message_sends_nothing(db, mailoutbox):
    _queue()
    message = OutboxMessage.objects.get()
    assert outbox_deliver(message_id=message.pk) is True
    assert outbox_deliver(message_id=message.pk) is False
    assert len(mailoutbox) == 1


def test_beat_sweeps_every_minute_and_purges():
    schedule = {entry["task"]: entry["schedule"] for entry in celery_app.conf.beat_schedule.values()}
    assert schedule["coalitions.tasks.outbox_sweep"] == 60
    assert "coalitions.tasks.outbox_purge" in schedule


def test_the_purge_forgets_old_delivered_and_abandoned_messages_only(db, settings):
    settings.OUTBOX_RETENTION_DAYS = 7
    now = timezone.now()
    old = now - timedelta(days=8)
    payload = {"subject": "s", "body": "b", "from_email": "f@example.org", "to": ["x@example.org"]}

    def row(**fields):
        return OutboxMessage.objects.create(kind=outbox.MAIL, payload=payload, **fields).pk

    row(created_at=old, delivered_at=old, next_attempt_at=None)  # delivered long ago
    row(created_at=old, delivered_at=None, next_attempt_at=None)  # given up long ago
    kept = {
        row(created_at=old, delivered_at=now - timedelta(days=1), next_attempt_at=None),  # delivered lately
        row(created_at=old, delivered_at=None, next_attempt_at=now + timedelta(hours=1)),  # still retrying
        row(created_at=now, delivered_at=None, next_attempt_at=None),  # given up lately
    }

    assert outbox_purge() == 2
    assert set(OutboxMessage.objects.values_list("pk", flat=True)) == kept


@needs_postgres
def test_two_sweeps_at_once_send_each_message_once(transactional_db, monkeypatch):
    # Rows written straight, without a kick: as the sweep finds them after a broker outage.
    for n in range(3):
        OutboxMessage.objects.create(
            kind=outbox.MAIL,
            payload={"subject": f"m{n}", "body": "b", "from_email": "f@example.org", "to": ["x@example.org"]},
        )
    sent = []
    first_holds_a_lock = threading.Event()
    release = threading.Event()

    def slow_send(payload):
        sent.append(payload["subject"])
        # The first delivery waits, holding its row lock, until the second sweep has run.
        if not first_holds_a_lock.is_set():
            first_holds_a_lock.set()
            assert release.wait(timeout=20)

    monkeypatch.setitem(outbox.HANDLERS, outbox.MAIL, slow_send)
    results = {}

    def sweep(name):
        try:
            results[name] = outbox_sweep()
        finally:
            connection.close()

    first = threading.Thread(target=sweep, args=("first",))
    first.start()
    assert first_holds_a_lock.wait(timeout=20)
    second = threading.Thread(target=sweep, args=("second",))
    second.start()
    second.join(timeout=20)
    release.set()
    first.join(timeout=20)

    assert sorted(sent) == ["m0", "m1", "m2"]
    assert results["first"] + results["second"] == 3
    assert results["second"] == 2  # it skipped the locked row and took the others
    assert not OutboxMessage.objects.filter(delivered_at__isnull=True).exists()


def test_a_refused_address_is_given_up_at_once(db, monkeypatch, mailoutbox):
    def refuse(self, fail_silently=False):
        raise smtplib.SMTPRecipientsRefused({self.to[0]: (550, b"No such user")})

    monkeypatch.setattr("django.core.mail.EmailMultiAlternatives.send", refuse)
    outbox_mail_message(subject="Meeting", body="...", to=["rtia@example.org"])
    message = OutboxMessage.objects.get()

    assert outbox_deliver(message_id=message.pk) is False
    message.refresh_from_db()
    assert (message.attempts, message.next_attempt_at, message.delivered_at) == (1, None, None)
    assert message.last_error.startswith("SMTPRecipientsRefused")


def test_many_commits_in_one_window_send_one_drain_that_delivers_them_all(db, monkeypatch, mailoutbox):
    kicks = []
    monkeypatch.setattr(outbox_drain_task, "apply_async", lambda **options: kicks.append(options))
    for n in range(5):
        with transaction.atomic():
            _queue(f"signer{n}@example.org")
        # What on_commit runs after each of these commits.
        outbox._kick(OutboxMessage.objects.latest("pk").pk)

    assert kicks == [{"countdown": outbox.DRAIN_WINDOW, "retry": False}]
    assert outbox.outbox_drain() == 5
    assert sorted(sent.to[0] for sent in mailoutbox) == [f"signer{n}@example.org" for n in range(5)]
    # The drain closed the window: the next commit kicks again.
    outbox._kick(0)
    assert len(kicks) == 2


def test_the_drain_sends_each_batch_over_one_connection(db, monkeypatch, mailoutbox):
    opened = []
    real = outbox.get_connection

    def counting_connection(*args, **kwargs):
        opened.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(outbox, "get_connection", counting_connection)
    for n in range(7):
        _queue(f"signer{n}@example.org")

    assert outbox.outbox_drain(batch=3) == 7
    assert len(opened) == 3
    assert len(mailoutbox) == 7
    assert outbox.outbox_drain() == 0


def test_a_failing_mail_in_a_batch_waits_for_a_retry_and_the_others_go(db, monkeypatch, mailoutbox):
    real_send = outbox.EmailMultiAlternatives.send

    def send(self, fail_silently=False):
        if self.to == ["broken@example.org"]:
            raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")
        return real_send(self, fail_silently)

    monkeypatch.setattr("django.core.mail.EmailMultiAlternatives.send", send)
    for to in ["one@example.org", "broken@example.org", "two@example.org"]:
        _queue(to)

    assert outbox.outbox_drain() == 2
    assert sorted(sent.to[0] for sent in mailoutbox) == ["one@example.org", "two@example.org"]
    broken = OutboxMessage.objects.get(delivered_at__isnull=True)
    assert broken.attempts == 1 and broken.next_attempt_at > timezone.now()
