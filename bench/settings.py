"""Production settings as the signing benchmark serves them: on plain HTTP on the loopback.

What differs from a deployment is only what a loopback run needs: no HTTPS redirect, the load
generator on 127.0.0.1 as the trusted proxy (so that its X-Forwarded-For gives every request a
visitor address of its own, as a proxy in front would), and the bench's own URLs beside the
site's. The benchmark sets SECRET_KEY, DATABASE_URL, REDIS_URL and the mail backend.
"""

from config.settings.production import *  # noqa: F403

DEBUG = False
SECURE_SSL_REDIRECT = False
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
SECURE_HSTS_SECONDS = 0
ALLOWED_HOSTS = ["127.0.0.1"]
TRUSTED_PROXIES = ["127.0.0.1/32"]
ROOT_URLCONF = "bench.urls"
