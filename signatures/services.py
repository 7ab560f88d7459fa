"""Every change to petitions and their signatures happens here."""

import hashlib
import hmac
import json
import secrets
from collections import Counter
from contextlib import nullcontext
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, connection, transaction
from django.db.models import CharField, F, Value
from django.db.models.functions import Cast, Concat
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from campaigns.models import Campaign
from coalitions.access import check_coalition_access
from coalitions.audit import audit_record, tally_nudge
from coalitions.errors import DomainError
from coalitions.models import CoalitionRole, Organisation, OutboxMessage, Participation, User, hash_token
from coalitions.outbox import outbox_add, outbox_kick_on_commit
from coalitions.timezones import time_zone_get

from . import abuse
from .emails import canonical_email
from .mails import signer_mail
from .models import (
    Held,
    PaperTotal,
    Petition,
    PetitionStatus,
    PetitionTally,
    PetitionText,
    Signature,
    SignatureChannel,
    Visibility,
)
from .selectors import petition_co_owner_ids, petition_public_forget, petition_text_for


def _lead(by: User, petition_or_campaign) -> None:
    check_coalition_access(by, petition_or_campaign.coalition, "lead")


def _record(petition: Petition, by: User, action: str, **data) -> None:
    audit_record(
        coalition=petition.coalition,
        actor=by,
        action=action,
        data={"petition": petition.slug, "campaign": petition.campaign.title, **data},
        topics=[f"campaign:{petition.campaign_id}", f"petition:{petition.pk}"],
    )


def _counts_changed(petition_id: int) -> None:
    """After commit, tells the pages of the petition's coalition that its counts changed."""
    transaction.on_commit(lambda: _counts_announce(petition_id))


def _counts_announce(petition_id: int) -> None:
    # Once per window for all web processes, the shared cache deciding: a petition confirming
    # fifty signatures a second costs the channel layer one message a second, and the lookup
    # below one query. The sockets wait out the same window before passing it on, so the pages
    # read the signatures skipped here too.
    if not cache.add(f"signatures:counts-announced:{petition_id}", True, timeout=settings.LIVE_TALLY_SECONDS):
        return
    coalition_id = Campaign.objects.filter(petitions=petition_id).values_list("coalition_id", flat=True).first()
    if coalition_id is not None:
        tally_nudge(coalition_id=coalition_id, topic=f"petition:{petition_id}")


def _forget_public(petition: Petition) -> None:
    slug = petition.slug
    transaction.on_commit(lambda: petition_public_forget(slug))


def ip_hash(ip: str) -> str:
    """Keyed, so that the hashes cannot be reversed by hashing every address there is."""
    return hmac.new(settings.SECRET_KEY.encode(), f"signature-ip:{ip}".encode(), hashlib.sha256).hexdigest()


# Petitions -------------------------------------------------------------------------------------


def _check_organisations(campaign: Campaign, organisations: list[Organisation]) -> None:
    partners = set(
        Participation.objects.filter(coalition=campaign.coalition, organisation__in=organisations)
        .exclude(role=CoalitionRole.OBSERVER)
        .values_list("organisation_id", flat=True)
    )
    for organisation in organisations:
        if organisation.pk not in partners:
            raise DomainError(
                _("%(organisation)s is not a member of this coalition.") % {"organisation": organisation}
            )


def _clean_regions(regions: list[str]) -> list[str]:
    cleaned: list[str] = []
    for region in regions:
        region = " ".join(str(region).split())
        if region and region not in cleaned:
            cleaned.append(region)
    return cleaned


@transaction.atomic
def petition_create(
    *,
    campaign: Campaign,
    by: User,
    slug: str,
    goal: int,
    deadline: date | None = None,
    regions: list[str] | None = None,
    organisations: list[Organisation] | None = None,
) -> Petition:
    _lead(by, campaign)
    organisations = list(organisations or [])
    _check_organisations(campaign, organisations)
    if goal < 1:
        raise DomainError(_("The goal must be at least one signature."))
    try:
        with transaction.atomic():
            petition = Petition.objects.create(
                campaign=campaign, slug=slug, goal=goal, deadline=deadline, regions=_clean_regions(regions or [])
            )
    except IntegrityError:
        raise DomainError(_("That short name is taken; please choose another.")) from None
    petition.organisations.set(organisations)
    _record(petition, by, "petition.created")
    return petition


@transaction.atomic
def petition_text_set(*, petition: Petition, by: User, language: str, title: str, body: str) -> PetitionText:
    """A new or changed wording waits for a lead's approval again before it is shown."""
    _lead(by, petition)
    if language not in dict(settings.LANGUAGES):
        raise DomainError(_("Unknown language."))
    title, body = title.strip(), body.strip()
    if not title or not body:
        raise DomainError(_("A petition needs a title and a text."))
    text, _created = PetitionText.objects.update_or_create(
        petition=petition,
        language=language,
        defaults={"title": title, "body": body, "approved_by": None, "approved_at": None},
    )
    _record(petition, by, "petition.text_set", language=language)
    _forget_public(petition)
    return text


@transaction.atomic
def petition_text_approve(*, text: PetitionText, by: User) -> PetitionText:
    _lead(by, text.petition)
    text = PetitionText.objects.select_for_update().get(pk=text.pk)
    if text.approved_at is None:
        text.approved_by, text.approved_at = by, timezone.now()
        text.save(update_fields=["approved_by", "approved_at"])
        _record(text.petition, by, "petition.text_approved", language=text.language)
        _forget_public(text.petition)
    return text


def _transition(petition: Petition, by: User, *, allowed: set[str], new: str, action: str, message: str) -> Petition:
    _lead(by, petition)
    current = Petition.objects.select_for_update().get(pk=petition.pk)
    if current.status not in allowed:
        raise DomainError(message)
    petition.status = new
    petition.closed_at = timezone.now() if new == PetitionStatus.CLOSED else None
    petition.save(update_fields=["status", "closed_at"])
    _record(petition, by, action)
    _forget_public(petition)
    return petition


@transaction.atomic
def petition_open(*, petition: Petition, by: User) -> Petition:
    """Opens a draft, or resumes a paused petition; the public needs an approved text to read."""
    _lead(by, petition)
    if not petition.texts.filter(approved_at__isnull=False).exists():
        raise DomainError(_("Approve the petition's text in at least one language before opening it."))
    return _transition(
        petition, by, allowed={PetitionStatus.DRAFT, PetitionStatus.PAUSED}, new=PetitionStatus.OPEN,
        action="petition.opened", message=_("Only a draft or paused petition can be opened."),
    )


@transaction.atomic
def petition_pause(*, petition: Petition, by: User) -> Petition:
    return _transition(
        petition, by, allowed={PetitionStatus.OPEN}, new=PetitionStatus.PAUSED,
        action="petition.paused", message=_("Only an open petition can be paused."),
    )


@transaction.atomic
def petition_close(*, petition: Petition, by: User) -> Petition:
    return _transition(
        petition, by, allowed={PetitionStatus.OPEN, PetitionStatus.PAUSED}, new=PetitionStatus.CLOSED,
        action="petition.closed", message=_("Only an open or paused petition can be closed."),
    )


@transaction.atomic
def petition_reopen(*, petition: Petition, by: User) -> Petition:
    return _transition(
        petition, by, allowed={PetitionStatus.CLOSED}, new=PetitionStatus.OPEN,
        action="petition.reopened", message=_("Only a closed petition can be reopened."),
    )


# Signatures ------------------------------------------------------------------------------------


# Read on every signing: Django's choices classes build these lists anew on each access.
_CHANNELS = frozenset(SignatureChannel.values)
_VISIBILITIES = frozenset(Visibility.values)
_NAME_MAX_LENGTH = Signature._meta.get_field("name").max_length
_EMAIL_MAX_LENGTH = Signature._meta.get_field("email").max_length


def petition_title(petition: Petition, language: str) -> str:
    text = petition_text_for(petition, language)
    return text.title if text else petition.slug


def _signing_open(petition: Petition) -> None:
    if not petition.accepts_signatures(timezone.localdate()):
        raise DomainError(_("This petition is not open for signatures."))


def _signature_mail(
    petition: Petition, *, email: str, template: str, name: str, token: str, confirmed: bool, ip_key: str | None,
    **limits,
) -> tuple[str, dict]:
    """The mail's outbox kind and payload (signatures/mails.py), rendered by the worker: at a
    thousand signers a second, rendering two templates in each request would cost more than the
    rest of signing."""
    language = translation.get_language() or settings.LANGUAGE_CODE
    context = {"name": name, "petition": petition_title(petition, language), "confirmed": confirmed}
    return signer_mail(
        slug=petition.slug, to=email, template=template, context=context, language=language, token=token,
        ip_key=ip_key, **limits,
    )  # fmt: skip


_SIGNATURE_COLUMNS = (
    "petition_id", "name", "email", "canonical_email", "region", "visibility", "channel", "collector_id", "opt_ins",
    "token_hash", "confirmed_at", "ip_hash", "held",
)  # fmt: skip
# Written once: the busiest statement of the site. The database's clock dates the rows, as of the
# statement (not of an enclosing transaction, which may be a whole import's).
_SIGNATURE_INSERT = (
    f"INSERT INTO {Signature._meta.db_table} ({', '.join(_SIGNATURE_COLUMNS)}, created_at, counted) "
    f"VALUES ({', '.join(['%s'] * len(_SIGNATURE_COLUMNS))}, statement_timestamp(), false) RETURNING id"
)
_SIGNATURE_AND_MAIL_INSERT = (
    f"WITH signature AS ({_SIGNATURE_INSERT}) INSERT INTO {OutboxMessage._meta.db_table} "
    "(kind, payload, created_at, attempts, next_attempt_at, last_error) "
    "SELECT %s, %s::jsonb, statement_timestamp(), 0, statement_timestamp(), '' FROM signature RETURNING id"
)


def _signature_insert(fields: dict, mail: tuple[str, dict] | None) -> None:
    """The signature and its mail in the outbox, together or not at all.

    On PostgreSQL in one statement, which in autocommit is one round trip with no BEGIN and
    COMMIT: the busiest path of the site costs about what a bare INSERT does. Elsewhere, two
    ORM inserts in a transaction. A repeated address raises IntegrityError and writes nothing.
    """
    if connection.vendor != "postgresql":
        with transaction.atomic():
            Signature.objects.create(**fields)
            if mail is not None:
                outbox_add(kind=mail[0], payload=mail[1])
        return
    values = [
        fields["petition"].pk, fields["name"], fields["email"], fields["canonical_email"], fields["region"],
        fields["visibility"], fields["channel"], fields["collector"].pk if fields["collector"] else None,
        json.dumps(fields["opt_ins"]), fields["token_hash"], fields["confirmed_at"], fields["ip_hash"], fields["held"],
    ]  # fmt: skip
    insert = _SIGNATURE_INSERT
    if mail is not None:
        insert = _SIGNATURE_AND_MAIL_INSERT
        values += [mail[0], json.dumps(mail[1])]
    # Inside a caller's transaction a failed statement would spoil it: a savepoint keeps it usable.
    with transaction.atomic() if connection.in_atomic_block else nullcontext(), connection.cursor() as cursor:
        cursor.execute(insert, values)
        row_id = cursor.fetchone()[0]
        if mail is not None:
            outbox_kick_on_commit(row_id)


def petition_sign(
    *,
    petition: Petition,
    name: str,
    email: str,
    region: str,
    visibility: str,
    opt_ins: list[int],
    ip: str,
    channel: str = SignatureChannel.ONLINE,
    collector: User | None = None,
) -> None:
    """Records a signature and mails the signer; the caller learns nothing of whether they had
    signed before, or were held aside by the abuse limits.

    A new address gets a confirmation mail; a repeat one an "already signed" mail with fresh links;
    a held one (signatures/abuse.py) none. The petition is taken as the caller read it: the public
    pages read it through `selectors.petition_public`, at most a few seconds old, which spares the
    busiest path of the site a query for the status and one for the organisations.

    With a collector (field mode, paper), a coalition member saw the person sign: the signature
    counts at once, the address is optional (without one there is nothing to dedupe on), and the
    limit is the collector's own allowance rather than the one of their address.
    """
    _signing_open(petition)
    if channel not in _CHANNELS:
        raise ValueError(f"Unknown channel {channel!r}")
    collected = collector is not None
    if collected:
        if channel == SignatureChannel.ONLINE:
            raise ValueError("A signature with a collector is a field or paper signature")
        check_coalition_access(collector, petition.coalition, "act")
    name = " ".join(name.split())
    email = email.strip()
    if not name:
        raise DomainError(_("Please give your name."))
    if len(name) > _NAME_MAX_LENGTH:
        raise DomainError(_("Please give a shorter name."))
    if len(email) > _EMAIL_MAX_LENGTH:
        raise DomainError(_("Please give a valid email address."))
    if email or not collected:
        try:
            validate_email(email)
        except ValidationError:
            raise DomainError(_("Please give a valid email address.")) from None
    if not petition.regions:
        region = ""
    elif region not in petition.regions:
        raise DomainError(_("Please choose your region from the list."))
    if visibility not in _VISIBILITIES:
        raise DomainError(_("Please choose how your signature is shown."))
    allowed_ids = set(petition_co_owner_ids(petition))
    opt_ins = sorted({int(pk) for pk in opt_ins if str(pk).isdigit()} & allowed_ids)
    canonical = canonical_email(email) if email else ""
    hashed_ip = ip_hash(ip)
    bucket = abuse.ip_bucket(ip)
    # The limit of a visitor's address applies where their mail goes out (signatures/mails.py).
    ip_key = None if collected else hashed_ip if bucket == ip else ip_hash(bucket)
    # Paper sheets come in bulk from an import a lead confirmed: no allowance to count against.
    held = (
        Held.NO if channel == SignatureChannel.PAPER
        else abuse.signing_hold(email=email, collector_id=collector.pk if collected else None)
    )  # fmt: skip
    token = secrets.token_urlsafe(32)
    fields = {
        "name": name, "email": email, "region": region, "visibility": visibility, "channel": channel,
        "collector": collector, "opt_ins": opt_ins, "token_hash": hash_token(token), "ip_hash": hashed_ip,
        "held": held, "confirmed_at": timezone.now() if collected else None,
    }
    first_template = "signatures/email/collected" if collected else "signatures/email/confirm"
    mail = (
        _signature_mail(
            petition, email=email, template=first_template, name=name, token=token, confirmed=collected,
            ip_key=ip_key, holds=True,
        )
        if email and not held
        else None
    )
    try:
        # The unique constraint decides who signed first, also between concurrent requests.
        _signature_insert({"petition": petition, "canonical_email": canonical, **fields}, mail)
    except IntegrityError:
        if not canonical:
            raise
        _sign_again(
            petition, canonical=canonical, fields=fields, token=token, first_template=first_template, ip_key=ip_key
        )
    if collected and not held:
        _counts_changed(petition.pk)


@transaction.atomic
def _sign_again(
    petition: Petition, *, canonical: str, fields: dict, token: str, first_template: str, ip_key: str | None
) -> None:
    existing = Signature.objects.select_for_update().filter(petition=petition, canonical_email=canonical).first()
    if existing is None:  # erased in between: this signing is the first again
        raise DomainError(_("Something went wrong; please sign again."))
    if fields["held"]:
        return
    if existing.held:
        # Held aside before (a flood from one address typing in others' addresses, say), so the
        # owner of the address never heard of it: this signing takes its place, and mails them
        # within the limit of its own address.
        Signature.objects.filter(pk=existing.pk).update(**fields, counted=False, token_issued_at=timezone.now())
        template, confirmed = first_template, fields["confirmed_at"] is not None
        limits = {"holds": True}
    else:
        # The earlier links may be lost: the owner of the address gets working ones again, which
        # replace the earlier ones once they are sent. Over the limit this mail is only dropped:
        # the signature is not this signing's to hold, nor its links to break.
        template, confirmed = "signatures/email/already_signed", existing.confirmed_at is not None
        issued_at = timezone.now()
        limits = {"rotates": {"signature": existing.pk, "issued_at": issued_at.isoformat()}}
        if ip_key is None:  # a collector's mail has no limit to wait for
            Signature.objects.filter(pk=existing.pk).update(token_hash=fields["token_hash"], token_issued_at=issued_at)
    kind, payload = _signature_mail(
        petition, email=fields["email"], template=template, name=fields["name"], token=token, confirmed=confirmed,
        ip_key=ip_key, **limits,
    )
    outbox_add(kind=kind, payload=payload)


def _by_token(token: str) -> Signature:
    signature = Signature.objects.select_for_update().filter(token_hash=hash_token(token)).first()
    if signature is None:
        raise DomainError(_("This link is no longer valid. If you signed, look for a newer mail from us."))
    return signature


@transaction.atomic
def signature_confirm(*, token: str) -> Signature:
    """Counts the signature from now on; confirming again changes nothing."""
    signature = _by_token(token)
    if signature.confirmed_at is None:
        signature.confirmed_at = timezone.now()
        update = ["confirmed_at"]
        if signature.held == Held.RATE:
            # Its first mail was held back, yet the owner of the address got one of ours (an
            # "already signed" from another address, sent before the hold): they signed.
            signature.held = Held.NO
            update.append("held")
        signature.save(update_fields=update)
        if signature.held == Held.NO:
            _counts_changed(signature.petition_id)
    return signature


@transaction.atomic
def signature_erase(*, token: str) -> None:
    """The signer takes their signature back: the row goes, with their name and address."""
    signature = _by_token(token)
    if signature.counted:
        # Erasures are rare; this one write on the tally keeps the count honest at once.
        PetitionTally.objects.filter(
            petition_id=signature.petition_id, channel=signature.channel, region=signature.region, count__gt=0
        ).update(count=F("count") - 1)
    if signature.confirmed_at is not None and signature.held == Held.NO:
        _counts_changed(signature.petition_id)
    signature.delete()


# Counting ---------------------------------------------------------------------------------------

COUNT_BATCH = 5000


def _countable():
    return Signature.objects.filter(confirmed_at__isnull=False, held=Held.NO)


def tallies_add_confirmed(*, batch: int = COUNT_BATCH) -> int:
    """Adds the signatures confirmed since the last run to the tallies; returns how many.

    Runs in the worker every few seconds. The rows are locked while they are added, so that two
    runs never add one signature twice, and a signer's own request never waits for this.
    """
    added = 0
    while True:
        with transaction.atomic():
            rows = list(
                Signature.objects.select_for_update(skip_locked=True)
                .filter(counted=False, confirmed_at__isnull=False)
                .order_by("confirmed_at")
                .values_list("pk", "petition_id", "channel", "region", "held")[:batch]
            )
            if not rows:
                return added
            groups = Counter((petition, channel, region) for _pk, petition, channel, region, held in rows if not held)
            for (petition_id, channel, region), n in sorted(groups.items()):
                _tally_add(petition_id, channel, region, n)
            Signature.objects.filter(pk__in=[row[0] for row in rows]).update(counted=True)
            added += sum(groups.values())
        if len(rows) < batch:
            return added


def _tally_add(petition_id: int, channel: str, region: str, n: int) -> None:
    updated = PetitionTally.objects.filter(petition_id=petition_id, channel=channel, region=region).update(
        count=F("count") + n
    )
    if not updated:
        try:
            with transaction.atomic():
                PetitionTally.objects.create(petition_id=petition_id, channel=channel, region=region, count=n)
        except IntegrityError:  # another run created it in between
            PetitionTally.objects.filter(petition_id=petition_id, channel=channel, region=region).update(
                count=F("count") + n
            )


def tallies_recount(*, petition: Petition) -> None:
    """Rebuilds one petition's tallies from its rows: the nightly check that nothing drifted."""
    with transaction.atomic():
        # Holds off the batch count for this petition's rows while they are recounted.
        rows = list(
            Signature.objects.select_for_update()
            .filter(petition=petition, confirmed_at__isnull=False)
            .values_list("pk", "channel", "region", "held", "counted")
        )
        groups = Counter((channel, region) for _pk, channel, region, held, _counted in rows if not held)
        Signature.objects.filter(pk__in=[row[0] for row in rows if not row[4]]).update(counted=True)
        stale = [
            tally.pk
            for tally in PetitionTally.objects.filter(petition=petition)
            if (tally.channel, tally.region) not in groups
        ]
        PetitionTally.objects.filter(pk__in=stale).delete()
        for (channel, region), n in groups.items():
            PetitionTally.objects.update_or_create(
                petition=petition, channel=channel, region=region, defaults={"count": n}
            )


# Privacy -----------------------------------------------------------------------------------------


ANONYMISED = "anonymised:"


def signatures_anonymise(*, now: datetime | None = None) -> int:
    """Strips names and addresses from the signatures of petitions closed long enough ago.

    Region, channel and the confirmation stay, so every count reads the same afterwards.
    """
    cutoff = (now or timezone.now()) - timedelta(days=30 * settings.SIGNATURES_ANONYMISE_AFTER_MONTHS)
    anonymised = 0
    for petition in Petition.objects.filter(status=PetitionStatus.CLOSED, closed_at__lt=cutoff):
        with transaction.atomic():
            n = (
                petition.signatures.exclude(token_hash__startswith=ANONYMISED)
                # The link in an old mail must not find the row again, and each token is unique.
                .update(
                    name="", email="", canonical_email="", visibility=Visibility.COUNTED, opt_ins=[],
                    ip_hash="", collector=None, token_hash=Concat(Value(ANONYMISED), Cast("id", CharField())),
                )
            )
            if n:
                audit_record(
                    coalition=petition.coalition, actor=None, action="petition.anonymised",
                    data={"petition": petition.slug, "campaign": petition.campaign.title, "count": n},
                )
        anonymised += n
    return anonymised


# Leads' screens ---------------------------------------------------------------------------------


@transaction.atomic
def petition_update(
    *,
    petition: Petition,
    by: User,
    goal: int,
    deadline: date | None,
    regions: list[str],
    organisations: list[Organisation],
) -> Petition:
    """Goal, deadline, regions and co-owners; signatures keep the region they were given."""
    _lead(by, petition)
    organisations = list(organisations)
    _check_organisations(petition.campaign, organisations)
    if goal < 1:
        raise DomainError(_("The goal must be at least one signature."))
    current = Petition.objects.select_for_update().get(pk=petition.pk)
    old = {
        "goal": current.goal, "deadline": current.deadline, "regions": current.regions,
        "organisations": set(current.organisations.values_list("pk", flat=True)),
    }
    petition.goal, petition.deadline, petition.regions = goal, deadline, _clean_regions(regions)
    petition.save(update_fields=["goal", "deadline", "regions"])
    petition.organisations.set(organisations)
    new = {
        "goal": petition.goal, "deadline": petition.deadline, "regions": petition.regions,
        "organisations": {organisation.pk for organisation in organisations},
    }
    changed = [key for key in old if old[key] != new[key]]
    if changed:
        _record(petition, by, "petition.updated", changed=changed)
        _forget_public(petition)
    return petition


@transaction.atomic
def petition_export_record(*, petition: Petition, by: User, rows: int) -> None:
    """Who took the signers' names out of the platform, and how many: the trail every partner reads."""
    _lead(by, petition)
    _record(petition, by, "petition.exported", count=rows)


def latest_date_on_earth() -> date:
    """No sheet can be dated later than today where the day starts first (UTC+14)."""
    return (timezone.now() + timedelta(hours=14)).date()


def _paper_region(petition: Petition, region: str) -> str:
    region = " ".join(region.split())
    if region and petition.regions and region not in petition.regions:
        raise DomainError(_("Please choose the region from the petition's list."))
    return region


@transaction.atomic
def paper_total_add(
    *, petition: Petition, by: User, count: int, region: str, collected_on: date, note: str = ""
) -> PaperTotal:
    """Sheets counted but not typed in: they count as paper signatures, with no names kept."""
    _lead(by, petition)
    if count < 1:
        raise DomainError(_("Give the number of signatures on the sheets (at least one)."))
    if collected_on > latest_date_on_earth():
        raise DomainError(_("The sheets cannot have been collected in the future."))
    region = _paper_region(petition, region)
    total = PaperTotal.objects.create(
        petition=petition, count=count, region=region, collected_on=collected_on, note=note.strip()[:200],
        recorded_by=by,
    )
    _record(petition, by, "petition.paper_total_added", count=count, date=collected_on.isoformat())
    return total


@transaction.atomic
def paper_total_delete(*, total: PaperTotal, by: User) -> None:
    petition = total.petition
    _lead(by, petition)
    deleted, _rows = PaperTotal.objects.filter(pk=total.pk).delete()
    if deleted:
        _record(
            petition, by, "petition.paper_total_deleted", count=total.count, date=total.collected_on.isoformat()
        )


@dataclass(frozen=True)
class PaperSignature:
    """One typed-in line of a paper sheet; `row` is where it was in the file."""

    row: int
    name: str
    region: str
    signed_on: date
    email: str = ""
    collector_id: int | None = None


@dataclass
class PaperImported:
    added: int = 0
    # Rows whose address has already signed (perhaps since the preview): left out, not a failure.
    already_signed: list[int] = field(default_factory=list)


PAPER_BATCH = 500


def _paper_row(petition: Petition, line: PaperSignature, zone) -> Signature:
    email = line.email.strip()
    return Signature(
        petition=petition, name=" ".join(line.name.split()), email=email,
        canonical_email=canonical_email(email) if email else "", region=line.region,
        visibility=Visibility.COUNTED, channel=SignatureChannel.PAPER, collector_id=line.collector_id,
        # No mail goes to paper signers, so no link will ever carry this token.
        token_hash=hash_token(secrets.token_urlsafe(32)),
        # Midday, so that the sheet's date reads the same in every time zone near the coalition's.
        confirmed_at=datetime.combine(line.signed_on, time(12), tzinfo=zone),
    )


@transaction.atomic
def paper_signatures_add(
    *, petition: Petition, by: User, lines: list[PaperSignature], progress=None
) -> PaperImported:
    """Signatures typed in from paper sheets: confirmed on the sheet's date, counted as paper, no mail.

    The unique constraint decides about addresses, as for online signing: a line whose address
    has already signed, online or on another sheet, is left out rather than failing the whole file.
    """
    _lead(by, petition)
    zone = time_zone_get(petition.coalition.timezone)
    result = PaperImported()
    for start in range(0, len(lines), PAPER_BATCH):
        batch = lines[start:start + PAPER_BATCH]
        try:
            with transaction.atomic():
                Signature.objects.bulk_create([_paper_row(petition, line, zone) for line in batch])
            result.added += len(batch)
        except IntegrityError:
            for line in batch:
                try:
                    with transaction.atomic():
                        _paper_row(petition, line, zone).save(force_insert=True)
                    result.added += 1
                except IntegrityError:
                    result.already_signed.append(line.row)
        if progress is not None:
            progress(result.added)
    if result.added:
        _record(petition, by, "petition.paper_imported", count=result.added)
    return result
