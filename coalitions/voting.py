"""The one way a coalition counts votes, for its decisions and its shared texts alike.

One vote per organisation; only the organisations eligible now count (leads and members, never
observers); an organisation's vote is cast by its admins or by staff an admin authorised; and a
lead never decides alone: whatever the method, at least two organisations must support. Pure:
the callers read the ballots and hand them over as organisation ids.
"""

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from fractions import Fraction

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from .models import AffiliationRole

# A lead cannot decide alone, whatever the coalition's size or method.
MIN_SUPPORT = 2


class Method(models.TextChoices):
    CONSENT = "consent", _("Consent: it passes unless an organisation objects, with reasons")
    MAJORITY = "majority", _("Majority: more than half of the member organisations support it")
    UNANIMITY = "unanimity", _("Unanimity: every organisation that votes supports it")


class Position(models.TextChoices):
    FOR = "for", _("For")
    ABSTAIN = "abstain", _("Abstain")
    AGAINST = "against", _("Against")


# Under consent, organisations do not vote for or against: they consent, stand aside or object.
CONSENT_LABELS = {
    Position.FOR: pgettext_lazy("consent", "Consent"),
    Position.ABSTAIN: pgettext_lazy("consent", "Stand aside"),
    Position.AGAINST: pgettext_lazy("consent", "Object"),
}


def position_label(method: str, position: str) -> str:
    if method == Method.CONSENT:
        return str(CONSENT_LABELS[Position(position)])
    return str(Position(position).label)


def may_vote_for(*, role: str, may_vote: bool) -> bool:
    """Who casts an organisation's vote: its admins, and the staff an admin authorised."""
    return role == AffiliationRole.ADMIN or may_vote


# The same rule as a filter of affiliations, for reads that find voters in bulk.
VOTERS = Q(role=AffiliationRole.ADMIN) | Q(may_vote=True)


@dataclass(frozen=True)
class Count:
    method: str
    eligible: frozenset[int]
    support: frozenset[int]
    against: frozenset[int]
    abstaining: frozenset[int]
    quorum_needed: int
    support_needed: int
    missing_kinds: tuple[str, ...] = field(default=())

    @property
    def participants(self) -> frozenset[int]:
        return self.support | self.against | self.abstaining

    @property
    def quorum_met(self) -> bool:
        return len(self.participants) >= self.quorum_needed

    @property
    def passes(self) -> bool:
        if not self.quorum_met or len(self.support) < self.support_needed or self.missing_kinds:
            return False
        if self.method == Method.CONSENT:
            return not self.against
        if self.method == Method.UNANIMITY:
            return self.support == self.participants
        return True


def count(
    *,
    method: str,
    eligible: frozenset[int],
    positions: Mapping[int, str],
    quorum_share: Fraction | float,
    caucuses: Mapping[str, frozenset[int]] | None = None,
) -> Count:
    """How a question stands. `positions` maps organisations to their position (others did not vote);
    `quorum_share` is the share of eligible organisations that must take part (0 to 1); each of
    `caucuses` (a kind of organisation, with the eligible organisations of that kind) needs at least
    one of its organisations in support."""
    counted = {organisation: position for organisation, position in positions.items() if organisation in eligible}

    def holding(position: str) -> frozenset[int]:
        return frozenset(organisation for organisation, held in counted.items() if held == position)

    support, against, abstaining = holding(Position.FOR), holding(Position.AGAINST), holding(Position.ABSTAIN)
    quorum_needed = math.ceil(Fraction(quorum_share).limit_denominator(1000) * len(eligible))
    if method == Method.MAJORITY:
        needed = len(eligible) // 2 + 1
    elif method == Method.UNANIMITY:
        needed = max(len(support | against | abstaining), quorum_needed)
    else:
        needed = 0
    missing = tuple(kind for kind, members in (caucuses or {}).items() if not (members & support))
    return Count(
        method=method, eligible=frozenset(eligible), support=support, against=against, abstaining=abstaining,
        quorum_needed=quorum_needed, support_needed=max(needed, MIN_SUPPORT), missing_kinds=missing,
    )
