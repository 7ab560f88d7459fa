"""The site's URLs, plus the bare baselines that the signing and fan-out benchmarks compare with."""

import hashlib
import secrets

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db import connection
from django.http import HttpResponse
from django.urls import path
from django.utils import timezone
from django.views.decorators.http import require_POST

from coalitions.http import client_ip
from config.urls import urlpatterns as site_urlpatterns

BROADCAST_GROUP = "bench.broadcast"
# A table of the same columns, defaults, indexes and foreign keys as signatures_signature, made by
# the bench.
BASELINE_TABLE = "bench_signature"


def _see_other(location: str) -> HttpResponse:
    return HttpResponse(status=303, headers={"Location": location})


@require_POST
def baseline_insert(request):
    """One INSERT of a row shaped like a signature, behind the same middleware: all that the
    sign view has to do at the least, so that the rest of its cost shows against it."""
    email = request.POST.get("email", "")
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {BASELINE_TABLE} (petition_id, name, email, canonical_email, region, visibility,"
            " channel, opt_ins, token_hash, created_at, ip_hash, held, counted)"
            " VALUES (%s, %s, %s, %s, %s, %s, 'online', '[]', %s, %s, %s, '', false)",
            [
                int(request.POST.get("petition", "0")), request.POST.get("name", ""), email, email.lower(),
                request.POST.get("region", ""), request.POST.get("visibility", ""), secrets.token_hex(32),
                timezone.now(), hashlib.sha256(client_ip(request).encode()).hexdigest(),
            ],
        )  # fmt: skip
    return _see_other("/bench/insert/")


@require_POST
def baseline_broadcast(request):
    """A nudge to the bare broadcast sockets (bench/asgi.py), sent as a change's nudge is sent after
    its commit, with no transaction, audit entry or access check before it."""
    seq = int(request.POST.get("seq", "0"))
    async_to_sync(get_channel_layer().group_send)(BROADCAST_GROUP, {"type": "bench.broadcast", "seq": seq})
    return HttpResponse(status=204)


urlpatterns = [
    path("bench/insert/", baseline_insert),
    path("bench/broadcast/", baseline_broadcast),
    *site_urlpatterns,
]
