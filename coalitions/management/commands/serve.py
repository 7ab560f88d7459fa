"""Serve the site (daphne) with its Celery worker and beat beside it, and stop them together.

`make run` ends here. Each child runs in a session of its own, so a Ctrl-C in the terminal (or a
SIGTERM to this command's process group) reaches only this command, which asks each child once to
stop, waits, and then kills whatever is left of each child's process group. Signalling the whole
group at once, as a shell's `trap 'kill 0'` does, hits celery's pool and beat processes behind its
back: the main process then waits for them forever and keeps running with the code it started with.
"""

import ctypes
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

STOP_TIMEOUT = 15.0
PR_SET_PDEATHSIG = 1


def _stop_with_parent() -> None:
    """Runs in each child before it starts: a SIGTERM for it if this command dies without
    cleaning up (kill -9), so that no worker is left running old code."""
    if sys.platform.startswith("linux"):
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGTERM)


class Command(BaseCommand):
    help = "Serve HTTP and websockets with a Celery worker and beat; Ctrl-C stops them all."
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument(
            "--stop-timeout", type=float, default=STOP_TIMEOUT,
            help="Seconds to let the server and worker finish before they are killed.",
        )

    def handle(self, *args, host, port, stop_timeout, **options):
        self._prepare_folders()
        env = self._environ(host, port)
        bin_dir = Path(sys.executable).parent
        commands = {
            "worker": [
                str(bin_dir / "celery"), "--quiet", "-A", "config", "worker", "--beat",
                "--loglevel=WARNING", "--concurrency=2",
            ],
            "web server": [str(bin_dir / "daphne"), "-b", host, "-p", str(port), "config.asgi:application"],
        }  # fmt: skip
        self.stdout.write(
            f"Serving on {env['SITE_URL']}/  (mail goes to {settings.EMAIL_FILE_PATH}/; Ctrl-C stops everything)"
        )
        self.stdout.flush()
        children: dict[str, subprocess.Popen] = {}
        stop_requested = []

        def request_stop(signum, frame):
            if stop_requested:
                # A second Ctrl-C: the person does not want to wait.
                self._kill_groups(children)
            stop_requested.append(signum)

        for signum in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
            signal.signal(signum, request_stop)
        for name, command in commands.items():
            children[name] = subprocess.Popen(
                command, cwd=settings.BASE_DIR, env=env, start_new_session=True, preexec_fn=_stop_with_parent
            )
        exited = None
        while not stop_requested and exited is None:
            exited = next((name for name, child in children.items() if child.poll() is not None), None)
            time.sleep(0.2)
        if stop_requested:
            self.stdout.write("Stopping the web server and the worker (Ctrl-C again to stop them at once)…")
            self.stdout.flush()
        self._stop(children, stop_timeout)
        if exited is not None and not stop_requested:
            raise CommandError(f"The {exited} stopped (exit code {children[exited].returncode}); stopped the rest.")

    def _prepare_folders(self) -> None:
        folders = [Path(settings.EMAIL_FILE_PATH), Path(settings.CELERY_BEAT_SCHEDULE_FILENAME).parent]
        folders += [Path(folder) for key, folder in settings.CELERY_BROKER_TRANSPORT_OPTIONS.items() if "folder" in key]
        for folder in folders:
            folder.mkdir(parents=True, exist_ok=True)

    def _environ(self, host: str, port: int) -> dict[str, str]:
        env = dict(os.environ)
        # Links in mails point at the address actually served, unless a public one is set.
        env.setdefault("SITE_URL", f"http://{host}:{port}")
        if host == "127.0.0.1":
            # The same server opened as localhost is the same site: its live socket is let in too.
            env.setdefault("CSRF_TRUSTED_ORIGINS", f"http://localhost:{port}")
        if os.geteuid() == 0:
            # Celery warns a root worker once at start. On a development machine or container that is
            # usually root and nothing is to be done; the worker accepts JSON only, never pickle, and
            # production images (Dockerfile) run as an unprivileged user.
            filters = [env.get("PYTHONWARNINGS", "")] if env.get("PYTHONWARNINGS") else []
            filters.append("ignore:You're running the worker with superuser privileges::celery.platforms")
            env["PYTHONWARNINGS"] = ",".join(filters)
        return env

    def _stop(self, children: dict[str, subprocess.Popen], timeout: float) -> None:
        for child in children.values():
            if child.poll() is None:
                child.terminate()
        deadline = time.monotonic() + timeout
        for child in children.values():
            try:
                child.wait(timeout=max(0.0, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                pass
        self._kill_groups(children)
        for child in children.values():
            child.wait()

    def _kill_groups(self, children: dict[str, subprocess.Popen]) -> None:
        """Kills what is left in each child's process group (pool processes, beat)."""
        for child in children.values():
            try:
                os.killpg(child.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
