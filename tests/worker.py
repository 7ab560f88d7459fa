"""A real Celery worker process for tests: on the test database, with a broker of its own.

`celery_broker` points the Celery app of the test process at a broker no other test run shares
(a key prefix in Redis when REDIS_URL is set, otherwise folders under the test's tmp_path for the
filesystem transport) and turns eager mode off; `celery_worker` starts `celery worker` in another
process on that broker, with the file-based mail backend, and waits until it answers a ping.
Both restore everything when the test ends. A test that brings its own Redis (to stop it) says so
by overriding the `celery_broker_url` fixture; `worker_start` starts further workers, for a test
that stops and restarts one.
"""

import json
import os
import re
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path
from urllib.parse import quote

import pytest
from django.conf import settings
from kombu import pools

from config.celery import app as celery_app

WORKER_START_TIMEOUT = 30.0
WORKER_STOP_TIMEOUT = 10.0
MAIL_TIMEOUT = 20.0
# The file-based mail backend ends every message with this line.
MAIL_SEPARATOR = re.compile(rb"^-{79}\r?\n", re.MULTILINE)


@dataclass
class Broker:
    url: str
    transport_options: dict

    def environ(self) -> dict[str, str]:
        """What a worker process needs to use this broker (read by config/settings/test.py)."""
        return {
            "CELERY_BROKER_URL": self.url,
            "CELERY_BROKER_TRANSPORT_OPTIONS": json.dumps(self.transport_options),
        }


@dataclass
class Worker:
    nodename: str
    process: subprocess.Popen
    log: Path
    mail_dir: Path

    def stop(self) -> None:
        _stop(self.process)

    def log_text(self) -> str:
        return self.log.read_text(errors="replace") if self.log.exists() else ""

    def mails(self) -> list[EmailMessage]:
        found = []
        for file in sorted(self.mail_dir.glob("*.log")):
            for chunk in MAIL_SEPARATOR.split(file.read_bytes()):
                if chunk.strip():
                    found.append(message_from_bytes(chunk, policy=policy.default))
        return found

    def wait_for_mails(self, count: int = 1, timeout: float = MAIL_TIMEOUT) -> list[EmailMessage]:
        """Waits until the worker has written at least `count` messages and returns them all."""
        deadline = time.monotonic() + timeout
        while True:
            mails = self.mails()
            if len(mails) >= count:
                return mails
            if self.process.poll() is not None:
                pytest.fail(f"the worker exited with {self.process.returncode}:\n{self.log_text()}")
            if time.monotonic() > deadline:
                pytest.fail(f"the worker wrote {len(mails)} of {count} mails in {timeout}s:\n{self.log_text()}")
            time.sleep(0.1)


def _detach_pools() -> None:
    """Makes the app fetch its connection and producer pools for the broker now configured.

    kombu keeps pools in registries keyed by broker, so the pools of the previous broker stay
    there, open, for when that broker is configured again.
    """
    celery_app._pool = None
    celery_app.amqp._producer_pool = None


def _close_pools() -> None:
    """Closes the app's current pools and takes them out of kombu's registries."""
    mine = [pool for pool in (celery_app.amqp._producer_pool, celery_app._pool) if pool is not None]
    for registry in (pools.producers, pools.connections):
        for key, pool in list(registry.items()):
            if any(pool is own for own in mine):
                dict.__delitem__(registry, key)  # the key is already hashed
    for pool in mine:
        pool.force_close_all()
    _detach_pools()


def _delete_redis_keys(url: str, prefix: str) -> None:
    import redis

    client = redis.Redis.from_url(url)
    try:
        keys = list(client.scan_iter(match=f"{prefix}*", count=500))
        if keys:
            client.delete(*keys)
    finally:
        client.close()


@contextmanager
def own_broker(folder: Path, url: str | None = None) -> Iterator[Broker]:
    """Points the Celery app at a broker no one else uses, with eager mode off, and back again.

    `url` when given (a Redis of the test's own); else Redis (under a key prefix of its own)
    when REDIS_URL is set, otherwise the filesystem transport in `folder`.
    """
    redis_url = None if url else os.environ.get("REDIS_URL")
    prefix = f"test-celery-{uuid.uuid4().hex}:"
    if url:
        broker = Broker(url=url, transport_options={})
    elif redis_url:
        broker = Broker(url=redis_url, transport_options={"global_keyprefix": prefix})
    else:
        (folder / "queue").mkdir(parents=True)
        (folder / "control").mkdir()
        broker = Broker(
            url="filesystem://localhost//",
            transport_options={
                "data_folder_in": str(folder / "queue"),
                "data_folder_out": str(folder / "queue"),
                "control_folder": str(folder / "control"),
                "polling_interval": 0.05,
            },
        )
    conf = celery_app.conf
    saved = {
        "task_always_eager": conf.task_always_eager,
        "broker_url": conf.broker_url,
        "broker_transport_options": conf.broker_transport_options,
    }
    _detach_pools()
    conf.update(task_always_eager=False, broker_url=broker.url, broker_transport_options=broker.transport_options)
    try:
        yield broker
    finally:
        _close_pools()
        conf.update(saved)
        if redis_url:
            _delete_redis_keys(redis_url, prefix)


@pytest.fixture
def celery_broker_url() -> str | None:
    """A broker URL of the test's own; None for the default choice of own_broker."""
    return None


@pytest.fixture
def celery_broker(tmp_path, celery_broker_url):
    """The Celery app on a broker of this test's own, with eager mode off (see own_broker)."""
    with own_broker(tmp_path / "celery", url=celery_broker_url) as broker:
        yield broker


def process_environ(mail_dir: Path, **extra: str) -> dict[str, str]:
    """Environment for a server or worker a test starts: the test database, mail into files."""
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "DATABASE_URL": database_url(),
        "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
        "EMAIL_FILE_PATH": str(mail_dir),
        # Uploaded logos and signatures, which the test wrote under its own MEDIA_ROOT.
        "MEDIA_ROOT": str(settings.MEDIA_ROOT),
        "PYTHONUNBUFFERED": "1",
        **extra,
    }


def database_url() -> str:
    """The URL of the database pytest-django created, for a process started by a test."""
    db = settings.DATABASES["default"]
    if db["ENGINE"].endswith("sqlite3"):
        name = str(db["NAME"])
        if name == ":memory:" or name.startswith("file:"):
            pytest.skip("another process cannot share an in-memory SQLite database")
        return f"sqlite:///{Path(name).resolve()}"
    if db["ENGINE"].endswith("postgresql"):
        credentials = quote(db.get("USER") or "", safe="")
        if db.get("PASSWORD"):
            credentials += ":" + quote(db["PASSWORD"], safe="")
        host = db.get("HOST") or "localhost"
        port = f":{db['PORT']}" if db.get("PORT") else ""
        return f"postgres://{credentials}{'@' if credentials else ''}{host}{port}/{quote(db['NAME'], safe='')}"
    pytest.skip(f"no database URL for {db['ENGINE']}")


def _stop(process: subprocess.Popen) -> None:
    # Killed rather than asked to stop: a warm shutdown takes seconds (the consumer finishes its
    # poll of the broker first), and the test has already seen whatever the worker was to do.
    if process.poll() is None:
        process.kill()
    process.wait(timeout=WORKER_STOP_TIMEOUT)


def worker_start(broker: Broker, mail_dir: Path, log_path: Path, **extra_env: str) -> Worker:
    """Starts `celery worker` on the test database and `broker` and waits until it answers a ping.

    Mail it sends lands in files in `mail_dir`; its output goes to `log_path` (appended to, so
    that a restarted worker keeps the earlier log). The caller stops it (`worker.stop()`).
    """
    nodename = f"test-{uuid.uuid4().hex[:12]}@localhost"
    env = process_environ(mail_dir, **broker.environ(), **extra_env)
    command = [
        str(Path(sys.executable).with_name("celery")),
        "-A", "config", "worker",
        "--pool=solo",
        "--loglevel=WARNING",
        f"--hostname={nodename}",
        "--without-gossip",
        "--without-mingle",
        "--without-heartbeat",
    ]  # fmt: skip
    with open(log_path, "ab") as log:
        process = subprocess.Popen(
            command, cwd=settings.BASE_DIR, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
    worker = Worker(nodename=nodename, process=process, log=log_path, mail_dir=mail_dir)
    try:
        deadline = time.monotonic() + WORKER_START_TIMEOUT
        while not celery_app.control.ping(destination=[nodename], timeout=0.5):
            if process.poll() is not None:
                pytest.fail(f"the worker exited with {process.returncode}:\n{worker.log_text()}")
            if time.monotonic() > deadline:
                pytest.fail(f"the worker did not answer a ping within {WORKER_START_TIMEOUT}s:\n{worker.log_text()}")
    except BaseException:
        worker.stop()
        raise
    return worker


@pytest.fixture
def celery_worker_environ() -> dict[str, str]:
    """More environment for the worker of `celery_worker` (e.g. the REDIS_URL of a test's own)."""
    return {}


@pytest.fixture
def celery_worker(celery_broker, celery_worker_environ, django_db_setup, tmp_path):
    """A `celery worker` process on the test database and this test's broker.

    Mail it sends lands in files in `worker.mail_dir`. The worker is stopped when the test ends.
    """
    mail_dir = tmp_path / "worker-mail"
    mail_dir.mkdir()
    log_path = tmp_path / "worker.log"
    worker = worker_start(celery_broker, mail_dir, log_path, **celery_worker_environ)
    try:
        yield worker
    finally:
        worker.stop()
        # Shown by pytest only when the test fails.
        print(f"\n----- celery worker log ({log_path}) -----\n{worker.log_text()}")
