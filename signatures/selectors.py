"""Reads of petitions shared by services and pages."""

from dataclasses import dataclass

from django.db.models import Sum
from django.utils.translation import gettext as _

from .models import PaperTotal, Petition, PetitionTally, PetitionText, SignatureChannel

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
