"""The balance of power drawn on the server as SVG: per organisation, its share of the work above
its share of the deciding, each against the whole coalition (a full bar would be all of it).

Narrow on purpose (400 wide), so that its words stay readable on a 360 px phone; the page lets it
grow to the width of the column. Coordinates are plain strings, as a template would print a decimal
comma in French or a thousands separator in a tall chart.
"""

from dataclasses import dataclass

from .balance import Balance, BalanceRow

WIDTH = 400
ROW = 62
TOP = 4
BAR_WIDTH = 340
BAR_HEIGHT = 12
NAME_Y, WORK_Y, DECIDE_Y = 16, 22, 38


def _n(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".")


@dataclass(frozen=True)
class ChartBar:
    y: str
    width: str
    label_y: str
    percent: int
    count: int


@dataclass(frozen=True)
class ChartRow:
    row: BalanceRow
    name_y: str
    work: ChartBar
    decide: ChartBar


@dataclass(frozen=True)
class BalanceChart:
    rows: list[ChartRow]
    height: str
    width: str = str(WIDTH)
    bar_width: str = str(BAR_WIDTH)
    bar_height: str = str(BAR_HEIGHT)
    label_x: str = str(WIDTH)


def _bar(top: float, offset: int, share: float, count: int) -> ChartBar:
    y = top + offset
    return ChartBar(
        y=_n(y), width=_n(share * BAR_WIDTH), label_y=_n(y + BAR_HEIGHT - 1), percent=round(share * 100), count=count
    )


def balance_chart(balance: Balance) -> BalanceChart:
    rows = []
    for index, row in enumerate(balance.rows):
        top = TOP + index * ROW
        rows.append(
            ChartRow(
                row=row, name_y=_n(top + NAME_Y),
                work=_bar(top, WORK_Y, row.work_share, row.work), decide=_bar(top, DECIDE_Y, row.decide_share, row.decide),
            )
        )
    return BalanceChart(rows=rows, height=_n(TOP + len(rows) * ROW))
