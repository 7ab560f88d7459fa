"""A real ASGI server (daphne) on the test database, Debian's Chromium, and a mailbox on disk."""

import os
import re
import secrets
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path

import pytest
from django.conf import settings

from tests.worker import process_environ

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SERVER_START_TIMEOUT = 30.0
MAIL_TIMEOUT = 15.0
# The file-based mail backend ends every message with this line.
MAIL_SEPARATOR = re.compile(rb"^-{79}\r?\n", re.MULTILINE)


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    report = yield
    setattr(item, f"report_{report.when}", report)
    return report


@pytest.fixture(autouse=True)
def _orm_beside_playwright(monkeypatch):
    # Playwright's synchronous API keeps an event loop running in the test's thread, which
    # Django takes for an async context; the test itself only ever calls the ORM synchronously.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(scope="module")
def browser():
    if not os.access(CHROMIUM, os.X_OK):
        pytest.skip(f"needs Debian's Chromium at {CHROMIUM}")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        try:
            yield chromium
        finally:
            chromium.close()


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class Mailbox:
    """The directory the server's file-based mail backend writes to, read as a person would."""

    path: Path

    def messages(self) -> list[EmailMessage]:
        found = []
        for file in sorted(self.path.glob("*.log")):
            for chunk in MAIL_SEPARATOR.split(file.read_bytes()):
                if chunk.strip():
                    found.append(message_from_bytes(chunk, policy=policy.default))
        return found

    def to(self, address: str) -> list[EmailMessage]:
        return [message for message in self.messages() if address.lower() in str(message["To"]).lower()]

    def wait_for(self, address: str, subject_contains: str, timeout: float = MAIL_TIMEOUT) -> EmailMessage:
        deadline = time.monotonic() + timeout
        while True:
            for message in self.to(address):
                if subject_contains.lower() in str(message["Subject"]).lower():
                    return message
            if time.monotonic() > deadline:
                subjects = [(str(m["To"]), str(m["Subject"])) for m in self.messages()]
                raise AssertionError(f"no mail to {address} about {subject_contains!r}; mailbox holds {subjects}")
            time.sleep(0.1)

    @staticmethod
    def text(message: EmailMessage) -> str:
        return message.get_body(preferencelist=("plain",)).get_content()

    @classmethod
    def link(cls, message: EmailMessage, base_url: str) -> str:
        links = re.findall(re.escape(base_url) + r"/\S+", cls.text(message))
        assert links, f"no link to {base_url} in:\n{cls.text(message)}"
        return links[0]


@dataclass
class Server:
    url: str
    port: int
    mailbox: Mailbox
    log: Path


@pytest.fixture
def server(transactional_db, tmp_path, request):
    """Daphne serving config.asgi on the test database; mails land in a directory of files."""
    port = _free_port()
    run = secrets.token_hex(4)
    mail_dir = tmp_path / "mail"
    mail_dir.mkdir()
    log_path = tmp_path / "daphne.log"
    env = process_environ(
        mail_dir,
        # With Redis, a fresh namespace: rate-limit counters (one confirmation mail per address
        # every few minutes) and socket groups of earlier or parallel runs must not leak in.
        CACHE_KEY_PREFIX=f"browser-test-{run}",
        CHANNEL_LAYER_PREFIX=f"browser-test-{run}",
        SITE_URL=f"http://127.0.0.1:{port}",
    )
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    daphne = Path(sys.executable).with_name("daphne")
    with open(log_path, "wb") as log:
        process = subprocess.Popen(
            [str(daphne), "-b", "127.0.0.1", "-p", str(port), "config.asgi:application"],
            cwd=settings.BASE_DIR,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    try:
        deadline = time.monotonic() + SERVER_START_TIMEOUT
        while True:
            if process.poll() is not None:
                pytest.fail(f"daphne exited with {process.returncode}:\n{log_path.read_text()}")
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
                break
            except OSError:
                if time.monotonic() > deadline:
                    pytest.fail(f"daphne did not listen on port {port}:\n{log_path.read_text()}")
                time.sleep(0.1)
        yield Server(url=f"http://127.0.0.1:{port}", port=port, mailbox=Mailbox(mail_dir), log=log_path)
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        report = getattr(request.node, "report_call", None)
        if report is None or report.failed:
            print(f"\n----- daphne log ({log_path}) -----\n{log_path.read_text(errors='replace')}")


def signed_in_page(new_context, server, user, **options):
    """A page of a new browser context, signed in as `user` without going through the form."""
    from django.test import Client

    client = Client()
    client.force_login(user)
    context = new_context(**options)
    context.add_cookies([{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": server.url}])
    return context.new_page()


@pytest.fixture
def new_context(browser):
    """Opens browser contexts (separate cookie jars: separate people) and closes them afterwards."""
    contexts = []

    def make(**options):
        context = browser.new_context(**options)
        context.set_default_timeout(10_000)
        contexts.append(context)
        return context

    yield make
    for context in contexts:
        context.close()
