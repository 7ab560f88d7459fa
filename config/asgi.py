import gc
import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")

# Django must be set up before anything imports models.
django_asgi_app = get_asgi_application()

from channels.auth import AuthMiddlewareStack  # noqa: E402
from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from channels.security.websocket import OriginValidator  # noqa: E402
from django.conf import settings  # noqa: E402

from messaging.routing import websocket_urlpatterns  # noqa: E402


def site_origins() -> list[str]:
    """Where the site's pages are served: SITE_URL, and any origin trusted for forms."""
    origins = [settings.SITE_URL, *settings.CSRF_TRUSTED_ORIGINS]
    # Django writes a subdomain wildcard as "https://*.example.org", channels as "https://.example.org".
    return [origin.replace("://*.", "://.") for origin in origins]


class SiteOriginValidator(OriginValidator):
    """A page of another site, or of this host on another scheme or port, cannot open a socket
    with the visitor's cookies. Read at each connection, so the settings a test sets apply."""

    def __init__(self, application):
        super().__init__(application, allowed_origins=[])

    def validate_origin(self, parsed_origin) -> bool:
        return any(self.match_allowed_origin(parsed_origin, origin) for origin in site_origins())


application = ProtocolTypeRouter(
    {
        "http": django_asgi_app,
        "websocket": SiteOriginValidator(AuthMiddlewareStack(URLRouter(websocket_urlpatterns))),
    }
)

# What is loaded by now (Django, the apps, the URLs) lives as long as the process. The collector's
# full passes need not walk it again and again: with it they took 50-70 ms each, every few seconds
# of traffic, during which no socket heard of anything (`make bench`, ws_fanout).
gc.freeze()
