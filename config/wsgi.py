"""The WSGI application: HTTP in production, served by Gunicorn (gunicorn.conf.py).

Websockets go to the ASGI application (config/asgi.py) instead; the reverse proxy in front
(config/proxy/Caddyfile) splits the two by path.
"""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.production")

application = get_wsgi_application()
