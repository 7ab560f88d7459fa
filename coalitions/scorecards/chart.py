"""The scorecard's trend drawn on the server as SVG, in the manner of signatures/chart.py: one line
per indicator through its median in each closed round, on a 1 to 5 scale.

Sized for a 360px phone, where it is drawn at its own size; wider screens scale it up. Rounds are
numbered on the axis; the table beside it names them. A median withheld (too few answers) leaves
a gap in the line rather than a guess.
"""

from dataclasses import dataclass

from .models import SCORE_MAX, SCORE_MIN
from .selectors import Trend

WIDTH, HEIGHT = 360, 210
LEFT, RIGHT, TOP, BOTTOM = 30, 344, 12, 178
INSET = 18  # the first and last rounds stand clear of the scale
SERIES_STYLES = 6


def _n(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".")


@dataclass(frozen=True)
class Point:
    x: str
    y: str
    median: float
    round_number: int


@dataclass(frozen=True)
class Series:
    label: str
    style: int
    points: list[Point]
    lines: list[str]  # polyline points of each unbroken stretch


@dataclass(frozen=True)
class Column:
    number: int
    x: str


@dataclass(frozen=True)
class Tick:
    value: int
    y: str


@dataclass(frozen=True)
class TrendChart:
    series: list[Series]
    columns: list[Column]
    ticks: list[Tick]
    width: int = WIDTH
    height: int = HEIGHT
    left: int = LEFT
    right: int = RIGHT

    @property
    def label_y(self) -> int:
        return BOTTOM + 18

    @property
    def tick_x(self) -> int:
        return LEFT - 8


def _y(score: float) -> float:
    return BOTTOM - (score - SCORE_MIN) / (SCORE_MAX - SCORE_MIN) * (BOTTOM - TOP)


def trend_chart(trend: Trend) -> TrendChart:
    count = len(trend.rounds)
    if count == 1:
        xs = [(LEFT + RIGHT) / 2]
    else:
        step = (RIGHT - LEFT - 2 * INSET) / (count - 1)
        xs = [LEFT + INSET + index * step for index in range(count)]
    series = []
    for index, line in enumerate(trend.series):
        points, stretches, stretch = [], [], []
        for number, (x, median) in enumerate(zip(xs, line.medians, strict=True), start=1):
            if median is None:
                stretches.append(stretch)
                stretch = []
                continue
            point = Point(_n(x), _n(_y(median)), median, number)
            points.append(point)
            stretch.append(f"{point.x},{point.y}")
        stretches.append(stretch)
        series.append(
            Series(
                label=line.label, style=index % SERIES_STYLES, points=points,
                lines=[" ".join(stretch) for stretch in stretches if len(stretch) > 1],
            )
        )
    return TrendChart(
        series=series,
        columns=[Column(number, _n(x)) for number, x in enumerate(xs, start=1)],
        ticks=[Tick(value, _n(_y(value))) for value in range(SCORE_MIN, SCORE_MAX + 1)],
    )
