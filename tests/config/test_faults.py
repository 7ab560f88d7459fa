"""Faults lose nothing: with Redis or the worker down, requests hold and mail goes out later, once.

Each test runs a Redis server of its own (never the machine's), used as cache, channel layer and
Celery broker by the app and by a real worker, and stops and restarts it on the same port.
"""

import time

import pytest
from django.test import Client
from django.urls import reverse

from coalitions.models import CoalitionInvitation, OutboxMessage
from coalitions.tasks import email_deliver, outbox_sweep
from config.celery import app as celery_app
from tests.conftest import needs_postgres
from tests.factories import PASSWORD
from tests.worker import worker_start

pytestmark = [needs_postgres, pytest.mark.worker]

INVITEE = "contact@union.example"
SENTINEL = "sentinel@example.org"
RECONNECT_TIMEOUT = 60.0
# Time for a second, wrong delivery right beside the sentinel to be written all the same.
GRACE = 1.0


@pytest.fixture
def celery_broker_url(redis_server):
    return redis_server.url


@pytest.fixture
def celery_worker_environ(redis_server):
    return {"REDIS_URL": redis_server.url}


@pytest.fixture
def app_on_redis(settings, redis_server):
    """This process uses the test's Redis for its cache and channel layer, as production would."""
    settings.CACHES = {
        "default": {
            "BACKEND": "config.cache.FallbackRedisCache",
            "LOCATION": redis_server.url,
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
    settings.CHANNEL_LAYERS = {
        "default": {"BACKEND": "channels_redis.core.RedisChannelLayer", "CONFIG": {"hosts": [redis_server.url]}}
    }
    settings.HEALTH_CHECK_TIMEOUT = 0.5
    return redis_server


def _sign_in(email: str) -> Client:
    client = Client()
    response = client.post(reverse("account_login"), {"login": email, "password": PASSWORD})
    assert response.status_code == 302, response.content.decode()[:2000]
    assert client.session.get("_auth_user_id")
    return client


def _invite(client: Client, slug: str) -> None:
    response = client.post(
        reverse("coalition_invite", args=[slug]),
        {"email": INVITEE, "organisation_name": "TN union", "role": "member", "message": ""},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert CoalitionInvitation.objects.filter(email=INVITEE).exists()


def _wait_until_answering(worker) -> None:
    """Waits until the worker is back on the broker (it reconnects by itself)."""
    deadline = time.monotonic() + RECONNECT_TIMEOUT
    while True:
        try:
            if celery_app.control.ping(destination=[worker.nodename], timeout=0.5):
                return
        except Exception:  # noqa: BLE001 - the broker may still refuse while it starts
            time.sleep(0.2)
        if time.monotonic() > deadline:
            pytest.fail(f"the worker did not come back within {RECONNECT_TIMEOUT}s:\n{worker.log_text()}")


def _invitation_mails_after_a_further_sweep(worker) -> list:
    """The invitation mails once another sweep, and a sentinel queued after it, have run."""
    (
        outbox_sweep.si() | email_deliver.si(subject="sentinel", body="", from_email="x@example.org", to=[SENTINEL])
    ).delay()
    deadline = time.monotonic() + RECONNECT_TIMEOUT
    while not any(mail["To"] == SENTINEL for mail in worker.mails()):
        if worker.process.poll() is not None or time.monotonic() > deadline:
            pytest.fail(f"the sentinel did not arrive:\n{worker.log_text()}")
        time.sleep(0.1)
    time.sleep(GRACE)
    return [mail for mail in worker.mails() if mail["To"] == INVITEE]


def test_with_redis_down_sign_in_and_invitation_hold_and_the_mail_goes_once_redis_is_back(
    transactional_db, world, app_on_redis, celery_worker
):
    app_on_redis.stop()

    lead = _sign_in(world.lead.email)
    _invite(lead, world.coalition.slug)
    assert lead.get(reverse("coalition_detail", args=[world.coalition.slug])).status_code == 200
    health = lead.get("/healthz")
    assert health.status_code == 503
    assert "cache" in health.json()["failing"]
    [message] = OutboxMessage.objects.all()
    assert message.delivered_at is None
    assert celery_worker.mails() == []

    app_on_redis.start()
    _wait_until_answering(celery_worker)
    outbox_sweep.delay()  # what beat does every minute

    [mail] = celery_worker.wait_for_mails(1, timeout=RECONNECT_TIMEOUT)
    assert mail["To"] == INVITEE
    assert "TN union" in mail.get_body(preferencelist=("plain",)).get_content()
    assert len(_invitation_mails_after_a_further_sweep(celery_worker)) == 1
    message.refresh_from_db()
    assert message.delivered_at is not None and message.attempts == 1
    # Sign-in works on Redis again too.
    _sign_in(world.member_staff.email)


def test_an_invitation_sent_while_no_worker_runs_is_mailed_once_by_the_next(
    transactional_db, world, app_on_redis, celery_broker, celery_worker, tmp_path
):
    celery_worker.stop()

    _invite(_sign_in(world.lead.email), world.coalition.slug)
    time.sleep(GRACE)
    assert celery_worker.mails() == []

    worker = worker_start(celery_broker, celery_worker.mail_dir, celery_worker.log, REDIS_URL=app_on_redis.url)
    try:
        [mail] = worker.wait_for_mails(1, timeout=RECONNECT_TIMEOUT)
        assert mail["To"] == INVITEE
        assert len(_invitation_mails_after_a_further_sweep(worker)) == 1
        assert OutboxMessage.objects.get().delivered_at is not None
    finally:
        worker.stop()
