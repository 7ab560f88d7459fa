"""Reads of petitions shared by services and pages."""

from dataclasses import dataclass
from datetime import date, datetime, tzinfo

from django.db.models import Count, Sum
from django.db.models.functions import TruncDate
from django.utils.translation import gettext as _

from coalitions.models import CoalitionRole, Organisation, Participation

from .models import Held, PaperTotal, Petition, PetitionTally, PetitionText, Signature, SignatureChannel

# Publicly, a region with fewer signatures than this is merged with the others, so that a
# count of one or two cannot point at the few people of a village who signed.
PUBLIC_REGION_MINIMUM = 5


def petition_text_for(petition: Petition, language: str) -> PetitionText | None:
    """The approved text in this language, else in the campaign's, else any approved one.

    A text waiting for a lead's approval is never shown to the public.
    """
    texts = {text.language: text for text in petition.texts.filter(approved_at__isnull=False)}
    return texts.get(language) or texts.get(petition.campaign.language) or next(iter(texts.values()), None)


@dataclass(frozen=True)
class PetitionCounts:
    online: int
    field: int
    paper: int

    @property
    def total(self) -> int:
        return self.online + self.field + self.paper


def petition_counts(petition: Petition) -> PetitionCounts:
    """Confirmed signatures as the batch count last added them, plus totals-only paper sheets."""
    by_channel = dict(
        PetitionTally.objects.filter(petition=petition).values("channel").annotate(n=Sum("count")).values_list(
            "channel", "n"
        )
    )
    sheets = PaperTotal.objects.filter(petition=petition).aggregate(n=Sum("count"))["n"] or 0
    return PetitionCounts(
        online=by_channel.get(SignatureChannel.ONLINE, 0),
        field=by_channel.get(SignatureChannel.FIELD, 0),
        paper=by_channel.get(SignatureChannel.PAPER, 0) + sheets,
    )


def region_counts(petition: Petition) -> list[tuple[str, int]]:
    """Every region's count, largest first, for the petition's leads ("" is no region given)."""
    totals: dict[str, int] = {}
    for region, n in PetitionTally.objects.filter(petition=petition).values_list("region", "count"):
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
