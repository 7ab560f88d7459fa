"""Settings shared by every environment; everything that differs comes from the environment."""

import ipaddress
import os
from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = Path(os.environ.get("VAR_DIR", BASE_DIR / "var"))


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


SECRET_KEY = os.environ.get("SECRET_KEY", "")
DEBUG = env_bool("DEBUG")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "daphne",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "channels",
    "django_countries",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "coalitions",
    "campaigns",
    "signatures",
    "letters",
    "messaging",
    "csp",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Public petition pages for visitors without cookies, from this process's last second.
    "signatures.caching.SharedResponsesMiddleware",
    # Compressing pages that carry secrets invites BREACH; Django masks the CSRF token afresh in
    # every response, which is the mitigation, so pages are compressed like everything else.
    # Below WhiteNoise, which serves static files already compressed at collectstatic time.
    "django.middleware.gzip.GZipMiddleware",
    "config.headers.ContentSecurityPolicyMiddleware",
    # Above the session and CSRF middleware, so that it sees the Vary: Cookie they add.
    "config.headers.PrivatePagesMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "config.headers.SignInChangeClearsPhoneMiddleware",
    "coalitions.middleware.UserLanguageMiddleware",
    "coalitions.middleware.TimeZoneMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "coalitions.middleware.AccessDeniedMiddleware",
]

ROOT_URLCONF = "config.urls"
ASGI_APPLICATION = "config.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{VAR_DIR / 'db.sqlite3'}"),
        conn_max_age=int(os.environ.get("DATABASE_CONN_MAX_AGE", "0")),
    )
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = os.environ.get("REDIS_URL", "")
# How nudges reach the sockets through Redis: "pubsub" (one PUBLISH per nudge, fanned out to the
# sockets inside each server process) or "core" (a message per socket, each popped from a list
# of its own). `make bench` measures both (`ws_fanout_layers`); the README gives the figures.
CHANNEL_LAYER = os.environ.get("CHANNEL_LAYER", "pubsub")
if CHANNEL_LAYER not in ("pubsub", "core"):
    raise ImproperlyConfigured(f"CHANNEL_LAYER must be pubsub or core, not {CHANNEL_LAYER!r}")


def redis_channel_layer(kind: str, redis_url: str) -> dict:
    """The layer `kind` ("pubsub" or "core") on the Redis at `redis_url`."""
    prefix = os.environ.get("CHANNEL_LAYER_PREFIX", "asgi")
    if kind == "pubsub":
        # Its reader asks for the next message with a timeout of its own (a tenth of a second), so
        # redis-py's read timeout never ends a quiet subscription. Redis publishes to every
        # database number alike: only the prefix keeps two sites on one Redis apart.
        return {
            "BACKEND": "channels_redis.pubsub.RedisPubSubChannelLayer",
            "CONFIG": {"hosts": [{"address": redis_url}], "prefix": prefix},
        }
    return {
        "BACKEND": "channels_redis.core.RedisChannelLayer",
        "CONFIG": {
            # redis-py 8 stops reading after 5 s by default, exactly as long as the layer's
            # blocking pop waits for a message: every quiet socket would be torn down.
            "hosts": [{"address": redis_url, "socket_timeout": 15}],
            "prefix": prefix,
        },
    }


if REDIS_URL:
    CACHES = {
        "default": {
            # Falls back to memory while Redis is down, so that signing in still works.
            "BACKEND": "config.cache.FallbackRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": os.environ.get("CACHE_KEY_PREFIX", "coalition"),
            # A Redis that hangs rather than refuses must not hold a sign-in for long.
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
    CHANNEL_LAYERS = {"default": redis_channel_layer(CHANNEL_LAYER, REDIS_URL)}
else:
    # The embedded default runs in one process; the cache only holds rate-limit counters.
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}

# Celery: Redis when it is there; otherwise a broker on the local file system so that the
# embedded default still runs a real worker and beat beside the web process.
CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL", REDIS_URL or "filesystem://localhost//")
CELERY_BROKER_TRANSPORT_OPTIONS = (
    {}
    if REDIS_URL
    else {
        "data_folder_in": str(VAR_DIR / "celery" / "queue"),
        "data_folder_out": str(VAR_DIR / "celery" / "queue"),
        "control_folder": str(VAR_DIR / "celery" / "control"),
    }
)
CELERY_TASK_IGNORE_RESULT = True
# Through a Redis outage of any length the worker keeps trying to reconnect, rather than exiting
# after 100 tries (about 45 minutes), and a worker started while Redis is down waits for it.
CELERY_BROKER_CONNECTION_MAX_RETRIES = None
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER")
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# Tasks are acknowledged late: after a lost broker connection the broker hands them out again, so
# the worker stops running its copies (the default from Celery 6 on).
CELERY_WORKER_CANCEL_LONG_RUNNING_TASKS_ON_CONNECTION_LOSS = True
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celery" / "beat-schedule")
CELERY_TIMEZONE = "UTC"
CELERY_BEAT_SCHEDULE = {
    # Delivers what the kick after commit missed (broker or worker down) and what waits for a retry.
    "outbox-sweep": {"task": "coalitions.tasks.outbox_sweep", "schedule": 60},
    "outbox-purge": {"task": "coalitions.tasks.outbox_purge", "schedule": 6 * 3600},
    "invitations-purge": {"task": "coalitions.tasks.invitations_purge", "schedule": 6 * 3600},
    "sessions-purge": {"task": "coalitions.tasks.sessions_purge", "schedule": 24 * 3600},
    "imports-purge": {"task": "coalitions.tasks.imports_purge", "schedule": 6 * 3600},
    # Hourly, so that a digest missed while the worker was down goes out later the same day;
    # the task itself sends each person at most one a day.
    "reminders-send": {"task": "campaigns.tasks.reminders_send", "schedule": 3600},
    # A decision closes within a minute of its deadline; its reminders within ten minutes of theirs.
    "decisions-close": {"task": "campaigns.tasks.decisions_close", "schedule": 60},
    "decision-reminders": {"task": "campaigns.tasks.decision_reminders", "schedule": 600},
    # Public counts are at most a few seconds behind the confirmations; the nightly recount
    # repairs any drift (an erasure racing the batch, a restored backup).
    "signatures-count": {"task": "signatures.tasks.tallies_add_confirmed", "schedule": 2},
    "signatures-recount": {"task": "signatures.tasks.tallies_recount", "schedule": crontab(hour=2, minute=30)},
    "signatures-anonymise": {"task": "signatures.tasks.signatures_anonymise", "schedule": crontab(hour=3, minute=15)},
}

AUTH_USER_MODEL = "coalitions.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"

ACCOUNT_ADAPTER = "coalitions.adapters.AccountAdapter"
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_SIGNUP_FORM_CLASS = "coalitions.forms.SignupExtraForm"
ACCOUNT_FORMS = {"signup": "coalitions.adapters.SignupForm"}
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_EMAIL_VERIFICATION_BY_CODE_ENABLED = False
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_SESSION_REMEMBER = None
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[Coalition] "
# allauth's defaults already limit login failures, sign-ups, resets and confirmation mails;
# spelled out so that a reader sees the limits the platform promises.
ACCOUNT_RATE_LIMITS = {
    "login": "30/m/ip",
    "login_failed": "10/m/ip,5/5m/key",
    "signup": "20/m/ip",
    "confirm_email": "1/3m/key",
    "reset_password": "20/m/ip,5/m/key",
    "reset_password_from_key": "20/m/ip",
    "change_password": "5/m/user",
}
# The addresses (or networks, 10.0.0.0/8) of the reverse proxies of our own in front of the web
# server. A request from one of them has the visitor's address in X-Forwarded-For; from anywhere
# else that header is ignored, since anyone can send it. Sign-in rate limits and signatures'
# abuse limits both read the address through coalitions.http.client_ip.
# A mistyped entry stops the start here, rather than failing every request.
TRUSTED_PROXIES = [str(ipaddress.ip_network(entry, strict=False)) for entry in env_list("TRUSTED_PROXIES")]
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = os.environ.get("MFA_TOTP_ISSUER", "Coalition")

EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend")
EMAIL_FILE_PATH = os.environ.get("EMAIL_FILE_PATH", str(VAR_DIR / "mail"))
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS")
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL")
EMAIL_TIMEOUT = 20
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Coalition <noreply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

LANGUAGE_CODE = "en"
LANGUAGES = [
    ("en", _("English")),
    # English as written in India: the same words, numbers grouped by lakh and crore.
    ("en-in", _("English (India)")),
    ("fr", _("French")),
    ("es", _("Spanish")),
    ("bn", _("Bengali")),
]
# locale/ holds the project's own strings (makemessages keeps it in step with the code);
# locale/vendor/ what Django, allauth and django-countries lack in our languages: strings they
# show on our pages, which makemessages would mark obsolete if they sat in locale/.
LOCALE_PATHS = [BASE_DIR / "locale", BASE_DIR / "locale" / "vendor"]
USE_I18N = True
# Dates, times and number separators per language in config/formats/.
FORMAT_MODULE_PATH = ["config.formats"]
# Off: it would also put separators into ids and sequence numbers printed in pages and links;
# counts meant for people go through intcomma, which groups the way the reader's language does.
USE_THOUSAND_SEPARATOR = False
USE_TZ = True
# Storage and the worker run in UTC; each page is shown in its reader's zone (TimeZoneMiddleware).
TIME_ZONE = "UTC"

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", VAR_DIR / "media"))
MEDIA_URL = "/media/"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    # Hashed names, so that WhiteNoise can let browsers keep every file for good
    # (max-age of ten years, immutable): a changed file gets a new name.
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

LOGO_MAX_UPLOAD_BYTES = 2 * 1024 * 1024
LOGO_MAX_PIXELS = 4000 * 4000
LOGO_STORED_SIZE = 512
# A signature is a few strokes: a scan or a photo cropped to it is well under the limit.
SIGNATURE_MAX_UPLOAD_BYTES = 1024 * 1024
SIGNATURE_MAX_PIXELS = 4000 * 4000
# The box a stored signature fits in: sharp when printed, and no more of a hand than a letter needs.
SIGNATURE_STORED_SIZE = (1200, 400)
DATA_UPLOAD_MAX_MEMORY_SIZE = 3 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 3 * 1024 * 1024

# Where people reach the site; links in mail sent by the worker, outside any request, start with it.
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000").rstrip("/")
DEMO_DATA_ALLOWED = env_bool("DEMO_DATA_ALLOWED", True)

# Signers' names and addresses of a closed petition are erased this many months after it closed.
SIGNATURES_ANONYMISE_AFTER_MONTHS = int(os.environ.get("SIGNATURES_ANONYMISE_AFTER_MONTHS", "6"))
# Signatures from one address (an IPv6 /64) in ten minutes before the rest are held aside
# silently; a collector's devices in field mode have their own, larger allowance.
SIGNATURES_PER_IP_PER_10_MIN = int(os.environ.get("SIGNATURES_PER_IP_PER_10_MIN", "20"))
SIGNATURES_PER_COLLECTOR_PER_10_MIN = int(os.environ.get("SIGNATURES_PER_COLLECTOR_PER_10_MIN", "600"))
INVITATION_VALID_DAYS = int(os.environ.get("INVITATION_VALID_DAYS", "14"))
INVITATION_RETENTION_DAYS = int(os.environ.get("INVITATION_RETENTION_DAYS", "30"))
# Outbox (coalitions/outbox.py): retries wait 1, 2, 4… minutes, at most an hour, for about a day.
OUTBOX_RETRY_BASE_SECONDS = int(os.environ.get("OUTBOX_RETRY_BASE_SECONDS", "60"))
OUTBOX_RETRY_MAX_SECONDS = int(os.environ.get("OUTBOX_RETRY_MAX_SECONDS", "3600"))
OUTBOX_MAX_ATTEMPTS = int(os.environ.get("OUTBOX_MAX_ATTEMPTS", "30"))
OUTBOX_RETENTION_DAYS = int(os.environ.get("OUTBOX_RETENTION_DAYS", "7"))
# /healthz fails while a message has waited longer than this (worker, beat or mail server down).
OUTBOX_HEALTH_MAX_WAIT_MINUTES = int(os.environ.get("OUTBOX_HEALTH_MAX_WAIT_MINUTES", "15"))
# An unfinished import keeps the rows of its file (maybe people's contact details) this long.
IMPORT_RETENTION_DAYS = int(os.environ.get("IMPORT_RETENTION_DAYS", "2"))
# How often a live socket checks access and catches up by itself, and tells the client it lives.
LIVE_HEARTBEAT_SECONDS = float(os.environ.get("LIVE_HEARTBEAT_SECONDS", "20"))
# A person stays "here now" on a campaign this long after their socket last said so.
LIVE_PRESENCE_TTL_SECONDS = float(os.environ.get("LIVE_PRESENCE_TTL_SECONDS", "45"))
# A petition's counts are announced to its coalition's pages at most once per this many seconds
# (whole seconds: the shared cache keeps the window), however many signatures come in meanwhile.
LIVE_TALLY_SECONDS = int(os.environ.get("LIVE_TALLY_SECONDS", "1"))
HEALTH_CHECK_TIMEOUT = float(os.environ.get("HEALTH_CHECK_TIMEOUT", "2.0"))

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
# No inline script or style anywhere: scripts and styles come from static files only, so that
# text a person wrote can never run as code even if it escaped the templates' escaping.
# default-src 'self' also covers the live socket (ws/wss on the same host) and fonts; data: is
# for the QR code of the two-factor set-up and the empty favicon.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "object-src": [NONE],
        "base-uri": [NONE],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "INFO"},
        # WeasyPrint reports each step of every rendering at INFO; fontTools each font it subsets.
        "weasyprint": {"level": "WARNING"},
        "weasyprint.progress": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}
