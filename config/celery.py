import os

from celery import Celery
from kombu.transport import TRANSPORT_ALIASES

# filesystem:// (the broker of the embedded default) with messages written atomically.
TRANSPORT_ALIASES["filesystem"] = "config.broker:Transport"

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")

app = Celery("coalition")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
