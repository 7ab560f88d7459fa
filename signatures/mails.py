"""The mails to signers: a confirmation, an "already signed" with fresh links, a receipt for a
collected signature. Written to the outbox as they sign, rendered and sent by the worker.

A mail to someone who signed online is of the kind SIGNER_MAIL: the worker sends it only within
the limit of the signer's address (signatures/abuse.py), and holds the signature aside when it
does not. Its payload is small, as a thousand are written a second: the token rather than the
links made of it, which the worker writes into the mail.
"""

from datetime import datetime
from functools import partial

from django.conf import settings
from django.db import transaction
from django.db.models import Q

from coalitions.mail import template_mail_payload
from coalitions.models import hash_token
from coalitions.outbox import TEMPLATE_MAIL, template_mail_deliver

from .abuse import over_limit
from .models import Held, Signature

SIGNER_MAIL = "signer_mail"


def signature_links(slug: str, token: str) -> dict[str, str]:
    """Where the signer confirms and erases; the pages ask for a POST, as mail scanners follow links."""
    base = f"{settings.SITE_URL}/p/{slug}"
    return {"confirm_url": f"{base}/confirm/{token}/", "erase_url": f"{base}/erase/{token}/"}


def signer_mail(
    *, slug: str, to: str, template: str, context: dict, language: str, token: str, ip_key: str | None,
    holds: bool = False, rotates: dict | None = None,
) -> tuple[str, dict]:
    """The outbox kind and payload of a mail carrying the links of `token`.

    With `ip_key` (the keyed hash of a visitor's address) it goes within that address's limit;
    over it, the signature whose token this is gets held aside if `holds`. Sent, it gives the
    signature `rotates["signature"]` this token, unless a newer signing's went out before it
    (`rotates["issued_at"]`): earlier links stop working only once newer ones went out. Without
    `ip_key` (a collector's signature) it goes as it is, links written in.
    """
    if ip_key is None:
        context = {**context, **signature_links(slug, token)}
    payload = template_mail_payload(to=to, template=template, context=context, language=language)
    if ip_key is None:
        return TEMPLATE_MAIL, payload
    return SIGNER_MAIL, {
        **payload, "slug": slug, "token": token, "limit": f"ip:{ip_key}", "holds": holds, "rotates": rotates,
    }  # fmt: skip


def signer_mail_deliver(payload: dict) -> None:
    """The outbox's handler of SIGNER_MAIL. Over the limit the mail is dropped, which ends the
    outbox row like a delivery: sending it later would be sending it after all.

    What it changes on the signature waits for the drain's batch to commit, one row at a time:
    a batch that locked signatures as it went could deadlock with another worker's batch."""
    token_hash = hash_token(payload["token"])
    if over_limit(payload["limit"], settings.SIGNATURES_PER_IP_PER_10_MIN):
        if payload["holds"]:
            transaction.on_commit(partial(_hold, token_hash))
        return
    context = {**payload["context"], **signature_links(payload["slug"], payload["token"])}
    template_mail_deliver({**payload, "context": context})
    if payload["rotates"]:
        transaction.on_commit(partial(_rotate, token_hash=token_hash, **payload["rotates"]))


def _hold(token_hash: str) -> None:
    # Not once confirmed: a confirmation came from the owner of the address, by a mail that went.
    Signature.objects.filter(token_hash=token_hash, confirmed_at__isnull=True).update(held=Held.RATE)


def _rotate(*, signature: int, token_hash: str, issued_at: str) -> None:
    issued = datetime.fromisoformat(issued_at)
    Signature.objects.filter(Q(token_issued_at__isnull=True) | Q(token_issued_at__lt=issued), pk=signature).update(
        token_hash=token_hash, token_issued_at=issued
    )
