"""`make serve` (what `make run` ends with): up on any port, and nothing left behind once stopped.

Each test starts the real thing, daphne and a Celery worker with beat on the embedded default
(SQLite and the file-system broker in a VAR_DIR of its own), waits until /healthz sees the worker,
and stops it as a terminal or a process manager would: a signal to its whole process group.
"""

import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from django.conf import settings

pytestmark = [
    pytest.mark.slow,
    pytest.mark.worker,
    pytest.mark.skipif(not shutil.which("make"), reason="needs make"),
    pytest.mark.skipif(not Path("/proc/self/environ").exists(), reason="reads processes from /proc"),
]

START_TIMEOUT = 90.0
# The worker's warm shutdown takes a few seconds on the file-system broker; the command gives the
# server and the worker 15 s before it kills them.
STOP_TIMEOUT = 25.0
# Python warnings ("SecurityWarning: ...") and Celery's log records at warning level or above.
WARNING_LINE = re.compile(r"Warning:|(WARNING|ERROR|CRITICAL)/")
# What a process takes from the test's own environment would point it at shared services.
SHARED_SERVICES = ("DATABASE_URL", "REDIS_URL", "CELERY_BROKER_URL", "CELERY_BROKER_TRANSPORT_OPTIONS", "SITE_URL")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _environ(var_dir: Path) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if key not in SHARED_SERVICES}
    env.update(DJANGO_SETTINGS_MODULE="config.settings.local", VAR_DIR=str(var_dir), PYTHONUNBUFFERED="1")
    return env


def _processes() -> dict[int, tuple[int, str, bytes]]:
    """pid -> (process group, state, environment) of every process still running."""
    found = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            environ = (entry / "environ").read_bytes()
        except OSError:
            continue
        # The command name in parentheses may hold spaces; the fields after it do not.
        fields = stat.rsplit(")", 1)[1].split()
        state, pgid = fields[0], int(fields[2])
        if state not in ("Z", "X"):
            found[int(entry.name)] = (pgid, state, environ)
    return found


def _left_behind(group: int, var_dir: Path) -> list[int]:
    """Processes of the group, or started with this VAR_DIR (the server and the worker run in
    sessions of their own), that are still running."""
    marker = f"VAR_DIR={var_dir}".encode()
    return sorted(
        pid for pid, (pgid, _state, environ) in _processes().items() if pgid == group or marker in environ.split(b"\0")
    )


def _healthy(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status == 200
    except (urllib.error.URLError, OSError):
        return False


@pytest.fixture(scope="module")
def migrated_var_dir(tmp_path_factory) -> Path:
    var_dir = tmp_path_factory.mktemp("var-template")
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput", "-v0"],
        cwd=settings.BASE_DIR, env=_environ(var_dir), check=True, timeout=120,
    )
    return var_dir


@pytest.fixture
def serving(migrated_var_dir, tmp_path):
    """`make serve` on a free port, in a new process group, and up; whatever it leaves is killed."""
    var_dir = tmp_path / "var"
    shutil.copytree(migrated_var_dir, var_dir)
    port = _free_port()
    out, err = tmp_path / "stdout.log", tmp_path / "stderr.log"
    with open(out, "wb") as stdout, open(err, "wb") as stderr:
        process = subprocess.Popen(
            ["make", "--no-print-directory", "serve", f"PORT={port}"],
            cwd=settings.BASE_DIR, env=_environ(var_dir), stdout=stdout, stderr=stderr, start_new_session=True,
        )
    logs = lambda: f"stdout:\n{out.read_text(errors='replace')}\nstderr:\n{err.read_text(errors='replace')}"  # noqa: E731
    try:
        deadline = time.monotonic() + START_TIMEOUT
        while not _healthy(f"http://127.0.0.1:{port}/healthz"):
            if process.poll() is not None:
                pytest.fail(f"make serve exited with {process.returncode}\n{logs()}")
            if time.monotonic() > deadline:
                pytest.fail(f"/healthz did not answer 200 within {START_TIMEOUT}s\n{logs()}")
            time.sleep(0.5)
        yield process, var_dir, port, err, logs
    finally:
        for pid in _left_behind(process.pid, var_dir):
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        if process.poll() is None:
            process.kill()
        process.wait(timeout=10)


def _stop_and_wait(process: subprocess.Popen, var_dir: Path, signum: int) -> list[int]:
    os.killpg(process.pid, signum)
    deadline = time.monotonic() + STOP_TIMEOUT
    while (remaining := _left_behind(process.pid, var_dir)) and time.monotonic() < deadline:
        time.sleep(0.2)
    process.wait(timeout=5)
    return remaining


# SIGKILL: the command cannot clean up; its children stop because their parent died.
@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT, signal.SIGKILL], ids=["sigterm", "ctrl-c", "kill-9"])
def test_a_signal_to_the_process_group_stops_the_server_and_every_worker_process(serving, signum):
    process, var_dir, port, _err, logs = serving
    started = _left_behind(process.pid, var_dir)
    # make, the command, daphne, the worker, its two pool processes and beat at least.
    assert len(started) >= 6, logs()

    remaining = _stop_and_wait(process, var_dir, signum)

    assert remaining == [], f"still running after {STOP_TIMEOUT}s: {remaining}\n{logs()}"
    with pytest.raises(OSError):
        socket.create_connection(("127.0.0.1", port), timeout=1).close()


def test_it_serves_the_port_asked_for_without_warnings_and_stops_without_errors(serving):
    process, var_dir, port, err, logs = serving
    marker = f"VAR_DIR={var_dir}".encode()
    served = [
        environ.split(b"\0") for pid, (_pgid, _state, environ) in _processes().items()
        if pid != process.pid and marker in environ.split(b"\0")
    ]
    # Links in mails, from the server and from the worker, point at the port actually served.
    assert served and all(f"SITE_URL=http://127.0.0.1:{port}".encode() in environ for environ in served)

    assert _stop_and_wait(process, var_dir, signal.SIGTERM) == []

    assert not [line for line in err.read_text(errors="replace").splitlines() if WARNING_LINE.search(line)], logs()
