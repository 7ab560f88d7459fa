"""Balance of power: per organisation, who does a coalition's work and who decides, over a period.

Counted from what the platform already records. coalitions knows nothing of campaigns or letters,
so each app registers what it counts from its AppConfig.ready:

    register_contribution(
        key="votes", label=_("Votes cast"), side=Side.DECIDE, count=decision_votes,
        note=_("Votes on decisions, by the day they were cast."),
    )

`count(coalition, start, end)` returns {organisation id: number} in one query (GROUP BY
organisation; `count_by_organisation` writes it). `end` is exclusive and `start` is None for
"since the coalition began"; both are midnights in the reader's zone, so `start.date()` and
`end.date()` bound date fields too (`in_period`, `on_days`). Registrations that share a key are
one column and their counts are summed: votes on shared texts and votes on decisions are both
"Votes cast".
"""

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, tzinfo

from django.core.exceptions import ImproperlyConfigured
from django.db import models
from django.db.models import Count, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from .models import Coalition, CoalitionRole, Participation

Counter = Callable[[Coalition, datetime | None, datetime], Mapping[int, int]]


class Side(models.TextChoices):
    WORK = "work", _("Work")
    DECIDE = "decide", _("Deciding")


@dataclass(frozen=True)
class Contribution:
    key: str
    label: str
    side: Side
    count: Counter
    note: str | None = None


_contributions: list[Contribution] = []


def register_contribution(*, key: str, label: str, side: Side, count: Counter, note: str | None = None) -> None:
    """Count `count` in the column `key`; a second registration of a key adds to that column."""
    side = Side(side)
    for known in _contributions:
        if known.key == key and known.count is count:
            return  # the same app made ready twice
        if known.key == key and known.side != side:
            raise ImproperlyConfigured(f"The balance column {key!r} is counted on one side only.")
    _contributions.append(Contribution(key=key, label=label, side=side, count=count, note=note))


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    side: Side
    notes: tuple[str, ...]
    counts: tuple[Counter, ...]


def balance_columns() -> list[Column]:
    """Work first, then deciding; within a side in the order of registration (that of the apps)."""
    keys: dict[str, list[Contribution]] = {}
    for contribution in _contributions:
        keys.setdefault(contribution.key, []).append(contribution)
    columns = [
        Column(
            key=key, label=group[0].label, side=group[0].side,
            notes=tuple(c.note for c in group if c.note), counts=tuple(c.count for c in group),
        )
        for key, group in keys.items()
    ]
    return sorted(columns, key=lambda column: column.side != Side.WORK)


def count_by_organisation(queryset: QuerySet, organisation: str = "organisation", distinct: str | None = None) -> dict[int, int]:
    """{organisation id: rows} of the queryset in one GROUP BY query; `distinct` counts that field's
    distinct values instead of rows."""
    counted = Count(distinct, distinct=True) if distinct else Count("pk")
    return dict(queryset.order_by().values(organisation).annotate(n=counted).values_list(organisation, "n"))


def in_period(name: str, start: datetime | None, end: datetime) -> Q:
    """For a moment: from `start` (if any) to before `end`."""
    lookups = Q(**{f"{name}__lt": end})
    return lookups & Q(**{f"{name}__gte": start}) if start is not None else lookups


def on_days(name: str, start: datetime | None, end: datetime) -> Q:
    """For a date (an outreach's day): the days of the period, as the reader counts them."""
    lookups = Q(**{f"{name}__lt": end.date()})
    return lookups & Q(**{f"{name}__gte": start.date()}) if start is not None else lookups


# The period ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Period:
    """From the first day to the last, both included; no first day means since the coalition began."""

    first: date | None
    last: date
    zone: tzinfo

    @property
    def start(self) -> datetime | None:
        return None if self.first is None else datetime.combine(self.first, time.min, tzinfo=self.zone)

    @property
    def end(self) -> datetime:
        return datetime.combine(self.last + timedelta(days=1), time.min, tzinfo=self.zone)


PRESETS = {
    "30d": _("Last 30 days"),
    "90d": _("Last 90 days"),
    "12m": _("Last 12 months"),
    "all": _("Since the coalition began"),
}
DEFAULT_PRESET = "90d"


def preset_period(preset: str, *, today: date, zone: tzinfo) -> Period:
    if preset == "all":
        return Period(first=None, last=today, zone=zone)
    if preset == "12m":
        try:
            year_ago = today.replace(year=today.year - 1)
        except ValueError:  # 29 February
            year_ago = today.replace(year=today.year - 1, day=28)
        return Period(first=year_ago + timedelta(days=1), last=today, zone=zone)
    days = {"30d": 30, "90d": 90}[preset]
    return Period(first=today - timedelta(days=days - 1), last=today, zone=zone)


# The figures ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Cell:
    column: Column
    n: int


@dataclass
class BalanceRow:
    participation: Participation
    work_cells: list[Cell]
    decide_cells: list[Cell]
    work_share: float = 0.0  # of the coalition's work in the period, 0 to 1
    decide_share: float = 0.0

    @property
    def work(self) -> int:
        return sum(cell.n for cell in self.work_cells)

    @property
    def decide(self) -> int:
        return sum(cell.n for cell in self.decide_cells)

    @property
    def by_key(self) -> dict[str, int]:
        return {cell.column.key: cell.n for cell in self.work_cells + self.decide_cells}


@dataclass
class Balance:
    rows: list[BalanceRow]
    work_totals: list[Cell]
    decide_totals: list[Cell]
    lead_work_share: float
    lead_decide_share: float
    notes: list[tuple[str, str]] = field(default_factory=list)  # (column label, how it is counted)

    @property
    def work(self) -> int:
        return sum(cell.n for cell in self.work_totals)

    @property
    def decide(self) -> int:
        return sum(cell.n for cell in self.decide_totals)

    @property
    def lead_work_percent(self) -> int:
        return round(self.lead_work_share * 100)

    @property
    def lead_decide_percent(self) -> int:
        return round(self.lead_decide_share * 100)


def _share(part: int, whole: int) -> float:
    return part / whole if whole else 0.0


ROLE_ORDER = {CoalitionRole.LEAD: 0, CoalitionRole.MEMBER: 1, CoalitionRole.OBSERVER: 2}


def _counted(column: Column, coalition: Coalition, period: Period) -> dict[int, int]:
    summed: dict[int, int] = {}
    for count in column.counts:
        for organisation_id, n in count(coalition, period.start, period.end).items():
            summed[organisation_id] = summed.get(organisation_id, 0) + n
    return summed


def coalition_balance(*, coalition: Coalition, period: Period) -> Balance:
    """One row per organisation taking part now, those with nothing counted included.

    One query for the organisations and one per registered count, however many organisations."""
    participations = sorted(
        coalition.participations.select_related("organisation"),
        key=lambda p: (ROLE_ORDER.get(p.role, 3), p.organisation.name.lower()),
    )
    columns = balance_columns()
    counted = [(column, _counted(column, coalition, period)) for column in columns]

    def cells(participation: Participation, side: Side) -> list[Cell]:
        return [Cell(column, by.get(participation.organisation_id, 0)) for column, by in counted if column.side == side]

    rows = [
        BalanceRow(participation=p, work_cells=cells(p, Side.WORK), decide_cells=cells(p, Side.DECIDE))
        for p in participations
    ]
    work, decide = sum(row.work for row in rows), sum(row.decide for row in rows)
    for row in rows:
        row.work_share, row.decide_share = _share(row.work, work), _share(row.decide, decide)

    def totals(side: Side) -> list[Cell]:
        return [Cell(column, sum(row.by_key[column.key] for row in rows)) for column in columns if column.side == side]

    leads = [row for row in rows if row.participation.role == CoalitionRole.LEAD]
    return Balance(
        rows=rows,
        work_totals=totals(Side.WORK),
        decide_totals=totals(Side.DECIDE),
        lead_work_share=_share(sum(row.work for row in leads), work),
        lead_decide_share=_share(sum(row.decide for row in leads), decide),
        notes=[(column.label, note) for column in columns for note in column.notes],
    )
