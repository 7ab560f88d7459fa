"""The site's URLs, plus the bare baseline that the signing benchmark compares signing with."""

import hashlib
import secrets

from django.db import connection
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import path
from django.utils import timezone
from django.views.decorators.http import require_POST

from coalitions.errors import DomainError
from coalitions.http import client_ip
from config.urls import urlpatterns as site_urlpatterns
from signatures.models import Petition
from signatures.services import petition_sign

# A table of the same columns, defaults and indexes as signatures_signature, made by the bench.
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
def sign_stand_in(request, slug: str):
    """Signing as the public sign view does it, for as long as the site has none at this path:
    the site's own view, listed before this one, takes its place once it exists."""
    petition = get_object_or_404(Petition, slug=slug)
    try:
        petition_sign(
            petition=petition, name=request.POST.get("name", ""), email=request.POST.get("email", ""),
            region=request.POST.get("region", ""), visibility=request.POST.get("visibility", ""),
            opt_ins=[int(pk) for pk in request.POST.getlist("opt_in") if pk.isdigit()], ip=client_ip(request),
        )  # fmt: skip
    except DomainError:
        return HttpResponse(status=400)
    return _see_other(f"/p/{slug}/thanks/")


urlpatterns = [
    path("bench/insert/", baseline_insert),
    *site_urlpatterns,
    path("p/<slug:slug>/sign/", sign_stand_in, name="bench_sign_stand_in"),
]
