"""Settings for `make test`: PostgreSQL and Redis when DATABASE_URL / REDIS_URL are set."""

import json
import os

from .base import *  # noqa: F403
from .base import DATABASES, VAR_DIR

SECRET_KEY = os.environ.get("SECRET_KEY", "test-only-not-secret")
DEBUG = False
ALLOWED_HOSTS = ["*"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# A server started by a browser test writes its mails to files the test reads.
EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.locmem.EmailBackend")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
# A server or worker started by a test shares the files of that test (tests/worker.py).
MEDIA_ROOT = os.environ.get("MEDIA_ROOT") or VAR_DIR / "test-media"
CELERY_TASK_ALWAYS_EAGER = True
# A worker started by a test (tests/worker.py) gets its own broker through these variables.
CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL") or os.environ.get("REDIS_URL") or "memory://"
CELERY_BROKER_TRANSPORT_OPTIONS = json.loads(os.environ.get("CELERY_BROKER_TRANSPORT_OPTIONS") or "{}")
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "test-beat-schedule")

if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # A file, not memory, so that a worker or server started by a test can see the same data;
    # one per test run, so that two runs on one machine do not delete each other's database.
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / f"test-db-{os.getpid()}.sqlite3")}
