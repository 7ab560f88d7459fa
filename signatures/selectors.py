"""Reads of petitions shared by services and pages."""

from dataclasses import dataclass
from datetime import date, datetime, tzinfo

from django.conf import settings
from django.db.models import Count, Prefetch, Sum
from django.db.models.functions import TruncDate
from django.utils.translation import gettext as _

from coalitions.models import CoalitionRole, Organisation, Participation, hash_token

from .caching import forget, short_lived
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

# Publicly, a region with fewer signatures than this is merged with the others, so that a
# count of one or two cannot point at the few people of a village who signed.
PUBLIC_REGION_MINIMUM = 5


def _approved_texts(petition: Petition):
    approved = getattr(petition, "approved_texts", None)  # read along by petition_public
    return approved if approved is not None else petition.texts.filter(approved_at__isnull=False)


def petition_languages(petition: Petition) -> list[str]:
    """The languages the public can read the petition in, in the site's order."""
    approved = {text.language for text in _approved_texts(petition)}
    return [code for code, _name in settings.LANGUAGES if code in approved]


def petition_text_for(petition: Petition, language: str) -> PetitionText | None:
    """The approved text in this language, else in the campaign's, else any approved one.

    A text waiting for a lead's approval is never shown to the public.
    """
    texts = {text.language: text for text in _approved_texts(petition)}
    return texts.get(language) or texts.get(petition.campaign.language) or next(iter(texts.values()), None)


def petition_co_owners(petition: Petition) -> list[Organisation]:
    """The co-owning organisations, each offering signers its own opt-in, by name."""
    co_owners = getattr(petition, "co_owners", None)  # read along by petition_public
    if co_owners is None:
        co_owners = list(petition.organisations.order_by("name"))
    return co_owners


def petition_co_owner_ids(petition: Petition) -> list[int]:
    return [organisation.pk for organisation in petition_co_owners(petition)]


# Public pages and signing read a petition at most this many seconds old: at a thousand
# signatures a second, a query for its status and organisations on each one is most of the cost.
PETITION_CACHE_SECONDS = 3
_MISSING = "missing"


def _petition_key(slug: str) -> str:
    return f"signatures:petition:{slug}"


def _petition_read(slug: str) -> Petition | str:
    petition = (
        Petition.objects.filter(slug=slug)
        .exclude(status=PetitionStatus.DRAFT)
        .select_related("campaign__coalition")
        .prefetch_related(
            Prefetch("texts", queryset=PetitionText.objects.filter(approved_at__isnull=False), to_attr="approved_texts"),
            Prefetch("organisations", queryset=Organisation.objects.order_by("name"), to_attr="co_owners"),
        )
        .first()
    )
    return petition if petition is not None else _MISSING


def petition_public(slug: str) -> Petition | None:
    """The petition the public may see (open, paused or closed; never a draft), with its approved
    texts, campaign, coalition and co-owners read along; None for no such petition.

    Kept for PETITION_CACHE_SECONDS (signatures/caching.py), the unknown slugs too, so that a
    flood of requests for one costs the database nothing either: a petition just paused or closed
    takes that long to refuse signatures, and one just opened that long to show, except where a
    lead's change made the cache forget it (petition_public_forget). Read-only: requests share it.
    """
    petition = short_lived(_petition_key(slug), seconds=PETITION_CACHE_SECONDS, compute=lambda: _petition_read(slug))
    return None if petition == _MISSING else petition


def public_page_key(kind: str, slug: str, language: str) -> str:
    """Where a rendered public page ("page", "thanks") of a petition is kept for a few seconds."""
    return f"signatures:{kind}:{slug}:{language}"


def petition_public_forget(slug: str) -> None:
    """A lead changed the petition: this server shows it at once rather than a few seconds on."""
    pages = [public_page_key(kind, slug, code) for kind in ("page", "thanks") for code, _name in settings.LANGUAGES]
    forget(_petition_key(slug), *pages)


@dataclass(frozen=True)
class RecentSigner:
    name: str
    region: str


def _initials(name: str) -> str:
    return " ".join(f"{part[0]}." for part in name.split() if part)


def recent_signers(petition: Petition, limit: int = 10) -> list[RecentSigner]:
    """The latest confirmed signers, each only as they chose to be shown: full name, or initials
    and region. Those who asked to be counted only, and signatures held aside, never appear."""
    rows = (
        Signature.objects.filter(
            petition=petition, confirmed_at__isnull=False, held=Held.NO,
            visibility__in=[Visibility.INITIALS, Visibility.FULL_NAME],
        )
        .exclude(name="")
        .order_by("-confirmed_at", "-pk")
        .values_list("name", "region", "visibility")[:limit]
    )  # fmt: skip
    return [
        RecentSigner(name=name, region="") if visibility == Visibility.FULL_NAME
        else RecentSigner(name=_initials(name), region=region)
        for name, region, visibility in rows
    ]  # fmt: skip


def signature_token_valid(petition: Petition, token: str) -> bool:
    """Whether a confirmation or erasure link of this petition still works."""
    return Signature.objects.filter(petition=petition, token_hash=hash_token(token)).exists()


def petition_working_title(petition: Petition, language: str) -> str:
    """What the coalition calls the petition: its title in the reader's language, approved yet or not."""
    texts = {text.language: text for text in petition.texts.all()}
    text = texts.get(language) or texts.get(petition.campaign.language) or next(iter(texts.values()), None)
    return text.title if text else ""


@dataclass(frozen=True)
class PetitionCounts:
    online: int
    field: int
    paper: int

    @property
    def total(self) -> int:
        return self.online + self.field + self.paper


def _tallied(petition: Petition, *, with_uncounted: bool) -> list[tuple[str, str, int]]:
    """(channel, region, count) of the tallies; `with_uncounted` adds the confirmed signatures the
    batch count has not added yet, read in the same statement: a batch that commits meanwhile is
    seen whole or not at all, so no signature is counted twice or missed."""
    rows = PetitionTally.objects.filter(petition=petition).values_list("channel", "region", "count")
    if with_uncounted:
        uncounted = (
            Signature.objects.filter(petition=petition, counted=False, confirmed_at__isnull=False, held=Held.NO)
            .values("channel", "region").annotate(n=Count("pk")).values_list("channel", "region", "n")
        )  # fmt: skip
        rows = rows.union(uncounted, all=True)
    return list(rows)


def petition_counts(petition: Petition, *, with_uncounted: bool = False) -> PetitionCounts:
    """Confirmed signatures as the batch count last added them, plus totals-only paper sheets.

    The public pages read the tallies alone. The leads' page, which refreshes itself when a
    signature is confirmed, adds those the batch count has not reached yet (`with_uncounted`)."""
    by_channel: dict[str, int] = {}
    for channel, _region, n in _tallied(petition, with_uncounted=with_uncounted):
        by_channel[channel] = by_channel.get(channel, 0) + n
    sheets = PaperTotal.objects.filter(petition=petition).aggregate(n=Sum("count"))["n"] or 0
    return PetitionCounts(
        online=by_channel.get(SignatureChannel.ONLINE, 0),
        field=by_channel.get(SignatureChannel.FIELD, 0),
        paper=by_channel.get(SignatureChannel.PAPER, 0) + sheets,
    )


def region_counts(petition: Petition, *, with_uncounted: bool = False) -> list[tuple[str, int]]:
    """Every region's count, largest first, for the petition's leads ("" is no region given)."""
    totals: dict[str, int] = {}
    for _channel, region, n in _tallied(petition, with_uncounted=with_uncounted):
        totals[region] = totals.get(region, 0) + n
    for region, n in PaperTotal.objects.filter(petition=petition).values_list("region", "count"):
        totals[region] = totals.get(region, 0) + n
    return sorted(((region, n) for region, n in totals.items() if n), key=lambda item: (-item[1], item[0]))


def public_region_counts(petition: Petition) -> list[tuple[str, int]]:
    """The regions the public may see: small ones and unnamed ones folded into "other regions"."""
    shown, other = [], 0
    for region, n in region_counts(petition):
        if region and n >= PUBLIC_REGION_MINIMUM:
            shown.append((region, n))
        else:
            other += n
    if other:
        shown.append((_("Other regions"), other))
    return shown


# For the coalition's leads -----------------------------------------------------------------------


def campaign_petition_counts(petition_ids: list[int]) -> dict[int, PetitionCounts]:
    """`petition_counts` of many petitions in two queries, for a list of them."""
    by_channel: dict[int, dict[str, int]] = {pk: {} for pk in petition_ids}
    rows = (
        PetitionTally.objects.filter(petition_id__in=petition_ids)
        .values("petition_id", "channel")
        .annotate(n=Sum("count"))
        .values_list("petition_id", "channel", "n")
    )
    for petition_id, channel, n in rows:
        by_channel[petition_id][channel] = n
    sheets = dict(
        PaperTotal.objects.filter(petition_id__in=petition_ids)
        .order_by()
        .values("petition_id")
        .annotate(n=Sum("count"))
        .values_list("petition_id", "n")
    )
    return {
        pk: PetitionCounts(
            online=channels.get(SignatureChannel.ONLINE, 0),
            field=channels.get(SignatureChannel.FIELD, 0),
            paper=channels.get(SignatureChannel.PAPER, 0) + (sheets.get(pk) or 0),
        )
        for pk, channels in by_channel.items()
    }


def petition_daily_counts(petition: Petition, zone: tzinfo) -> dict[date, int]:
    """Confirmed signatures per day in the reader's time zone, with the paper sheets' totals.

    One aggregate over the signatures (the (petition, confirmed_at) index serves it) and one over
    the sheets, whatever the number of signers.
    """
    days: dict[date, int] = {}
    signed = (
        Signature.objects.filter(petition=petition, confirmed_at__isnull=False, held=Held.NO)
        .annotate(day=TruncDate("confirmed_at", tzinfo=zone))
        .values("day")
        .annotate(n=Count("pk"))
        .values_list("day", "n")
    )
    for day, n in signed:
        days[day] = days.get(day, 0) + n
    sheets = (
        PaperTotal.objects.filter(petition=petition)
        .order_by()
        .values("collected_on")
        .annotate(n=Sum("count"))
        .values_list("collected_on", "n")
    )
    for day, n in sheets:
        days[day] = days.get(day, 0) + n
    return days


def signatures_for_delivery(petition: Petition, *, until: datetime):
    """The confirmed signatures a ministry receives, oldest first; never their addresses."""
    return (
        Signature.objects.filter(petition=petition, confirmed_at__isnull=False, confirmed_at__lte=until, held=Held.NO)
        .order_by("confirmed_at", "pk")
        .values_list("name", "region", "channel", "confirmed_at", "visibility")
    )


def co_owner_candidates(coalition):
    """Lead and member organisations: observers take no part in what the coalition says."""
    return Organisation.objects.filter(
        pk__in=Participation.objects.filter(coalition=coalition)
        .exclude(role=CoalitionRole.OBSERVER)
        .values("organisation_id")
    ).order_by("name")


def paper_totals(petition: Petition) -> list[PaperTotal]:
    """The sheets counted without names, latest first, with who counted them."""
    return list(PaperTotal.objects.filter(petition=petition).select_related("recorded_by"))
