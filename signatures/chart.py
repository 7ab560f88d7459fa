"""Signatures over time, drawn on the server as SVG: no script, no chart library, a few hundred bytes.

Bars are each day's new signatures (scale on the left); the line is the running total, counted
from the petition's first signature (scale on the right). Coordinates are written here as plain
strings, as a template would print a decimal comma in French or Spanish.
"""

import math
from dataclasses import dataclass
from datetime import date, timedelta

CHART_DAYS = 60
WIDTH, HEIGHT = 640, 240
LEFT, RIGHT, TOP, BOTTOM = 52, 588, 14, 206
MAX_BAR = 24


def nice_ceiling(value: int) -> int:
    """The next 1, 2 or 5 times a power of ten, so that the scale reads in round numbers."""
    if value <= 1:
        return 1
    power = 10 ** int(math.floor(math.log10(value)))
    return next(step * power for step in (1, 2, 5, 10) if value <= step * power)


def _n(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".")


@dataclass(frozen=True)
class ChartDay:
    day: date
    count: int
    total: int
    x: str
    y: str
    width: str
    height: str


@dataclass(frozen=True)
class Tick:
    value: int
    y: str


@dataclass(frozen=True)
class Chart:
    days: list[ChartDay]
    line: str  # the running total, as SVG polyline points
    daily_ticks: list[Tick]
    total_ticks: list[Tick]
    first: date
    last: date
    added: int  # signatures within the window
    total: int
    width: int = WIDTH
    height: int = HEIGHT
    left: int = LEFT
    right: int = RIGHT
    top: int = TOP
    bottom: int = BOTTOM

    @property
    def label_y(self) -> int:
        return self.bottom + 20

    @property
    def right_label_x(self) -> int:
        return self.right + 6

    @property
    def left_label_x(self) -> int:
        return self.left - 6


def signatures_chart(daily: dict[date, int], *, today: date, created_on: date, days: int = CHART_DAYS) -> Chart:
    """The last `days` days up to `today`, or fewer when the petition is younger.

    Paper sheets may be older than the petition on the site: the chart then starts at the first.
    """
    first = max(today - timedelta(days=days - 1), min(created_on, today, *daily))
    span = (today - first).days + 1
    before = sum(n for day, n in daily.items() if day < first)
    counts = [daily.get(first + timedelta(days=i), 0) for i in range(span)]
    totals, running = [], before
    for n in counts:
        running += n
        totals.append(running)
    daily_max = nice_ceiling(max(counts, default=0))
    total_max = nice_ceiling(totals[-1] if totals else 0)
    plot_height = BOTTOM - TOP
    slot = (RIGHT - LEFT) / span
    bar = min(slot * 0.7, MAX_BAR)

    def y(value: int, scale: int) -> float:
        return BOTTOM - value / scale * plot_height

    chart_days = []
    points = []
    for i, (n, total) in enumerate(zip(counts, totals, strict=True)):
        x = LEFT + i * slot
        chart_days.append(
            ChartDay(
                day=first + timedelta(days=i), count=n, total=total, x=_n(x + (slot - bar) / 2), y=_n(y(n, daily_max)),
                width=_n(bar), height=_n(BOTTOM - y(n, daily_max)),
            )
        )
        points.append(f"{_n(x + slot / 2)},{_n(y(total, total_max))}")
    if len(points) == 1:
        # One day draws no line: the total runs across the whole width instead.
        points = [f"{LEFT},{points[0].split(',')[1]}", f"{RIGHT},{points[0].split(',')[1]}"]
    return Chart(
        days=chart_days,
        line=" ".join(points),
        daily_ticks=[Tick(value, _n(y(value, daily_max))) for value in sorted({0, daily_max // 2, daily_max})],
        total_ticks=[Tick(value, _n(y(value, total_max))) for value in sorted({total_max // 2, total_max} - {0})],
        first=first,
        last=today,
        added=sum(counts),
        total=totals[-1] if totals else before,
    )
