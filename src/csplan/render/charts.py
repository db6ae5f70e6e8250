"""Geometry of the SVG charts: positions only, no markup and no figures.

The templates draw the charts (so a workspace can restyle them); this module
works out where things go in a fixed ``viewBox`` that the browser scales to
the page width. Coordinates are rounded to one decimal so that golden files
do not churn on float noise.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from csplan.render.labels import short_date

WIDTH = 440
_PAD = 22
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


@dataclass(frozen=True, slots=True)
class Tick:
    x: float
    label: str


@dataclass(frozen=True, slots=True)
class Marker:
    x: float
    y: float
    number: int  # the milestone's number in the list under the chart
    status: str


@dataclass(frozen=True, slots=True)
class Flag:
    x: float
    label: str


@dataclass(frozen=True, slots=True)
class RoadmapChart:
    width: int
    height: int
    axis_y: float
    x0: float
    x1: float
    radius: int
    ticks: tuple[Tick, ...]
    markers: tuple[Marker, ...]
    now: Flag | None
    start: Flag
    finish: Flag | None


@dataclass(frozen=True, slots=True)
class JourneyChart:
    width: int
    height: int
    bar_y: float
    x0: float
    x1: float
    current_x: float | None  # None: no current value known
    current_anchor: str  # text-anchor for the current value's label


@dataclass(frozen=True, slots=True)
class Bar:
    label: str
    y: float
    actual_x: float
    desired_x: float


@dataclass(frozen=True, slots=True)
class BarsChart:
    width: int
    height: int
    x0: float
    x1: float
    bar_height: int
    bars: tuple[Bar, ...]


@dataclass(frozen=True, slots=True)
class Point:
    x: float
    y: float


@dataclass(frozen=True, slots=True)
class Line:
    y: float
    label: str


@dataclass(frozen=True, slots=True)
class TrendChart:
    width: int
    height: int
    x0: float
    x1: float
    y0: float  # y of 0 points
    y1: float  # y of 100 points
    attainment: tuple[Point, ...]
    success_gap: tuple[Point, ...]
    grid: tuple[Line, ...]
    bands: tuple[Line, ...]
    ticks: tuple[Tick, ...]


def _r(value: float) -> float:
    return round(value, 1)


def _month_ticks(start: date, end: date, scale: _Scale) -> tuple[Tick, ...]:
    months = (end.year - start.year) * 12 + end.month - start.month
    step = next((s for s in (1, 2, 3, 6, 12, 24) if months / s <= 5), 36)
    year, month = start.year, start.month
    ticks = []
    first = True
    while True:
        month += 1
        if month > 12:
            if year == date.max.year:
                break  # the calendar ends: no tick past 9999-12-31
            year, month = year + 1, 1
        tick = date(year, month, 1)
        if tick > end:
            break
        if (month - 1) % step == 0 or step == 1:
            label = (
                _MONTHS[month - 1] if not first and month != 1 else f"{_MONTHS[month - 1]} {year}"
            )
            ticks.append(Tick(_r(scale(tick)), label))
            first = False
    return tuple(ticks)


class _Scale:
    def __init__(self, start: date, end: date, x0: float, x1: float) -> None:
        self.start = start
        self.days = max(1, (end - start).days)
        self.x0, self.x1 = x0, x1

    def __call__(self, day: date) -> float:
        share = min(1.0, max(0.0, (day - self.start).days / self.days))
        return self.x0 + share * (self.x1 - self.x0)


def roadmap(
    start: date,
    as_of: date,
    finish: date | None,
    milestones: Sequence[tuple[date, str]],
) -> RoadmapChart:
    """A time line from the journey start (point A) to the desired outcome's
    ``by`` date (point B), one numbered marker per milestone at its reached
    or due date. Markers that would touch are stacked in lanes above the
    axis, so every number stays readable."""
    days = [start, as_of, *(d for d, _ in milestones)]
    if finish is not None:
        days.append(finish)
    end = max(days)
    radius = 13
    x0, x1 = _PAD + 6, WIDTH - _PAD - 6
    scale = _Scale(start, end, x0, x1)
    lanes: list[float] = []
    placed: list[tuple[float, int, int, str]] = []
    for number, (day, status) in sorted(
        ((n, item) for n, item in enumerate(milestones, 1)), key=lambda p: (p[1][0], p[0])
    ):
        x = scale(day)
        lane = next((i for i, last in enumerate(lanes) if x - last >= 2 * radius + 4), len(lanes))
        if lane == len(lanes):
            lanes.append(x)
        lanes[lane] = x
        placed.append((x, lane, number, status))
    top = 30
    step = 2 * radius + 6
    axis_y = top + radius + max(0, len(lanes) - 1) * step + 18
    markers = tuple(
        sorted(
            (
                Marker(_r(x), _r(axis_y - 18 - lane * step), number, status)
                for x, lane, number, status in placed
            ),
            key=lambda m: m.number,
        )
    )
    now = Flag(_r(scale(as_of)), short_date(as_of)) if start <= as_of <= end else None
    return RoadmapChart(
        width=WIDTH,
        height=int(axis_y + 46),
        axis_y=_r(axis_y),
        x0=_r(x0),
        x1=_r(x1),
        radius=radius,
        ticks=_month_ticks(start, end, scale),
        markers=markers,
        now=now,
        start=Flag(_r(x0), short_date(start)),
        finish=Flag(_r(scale(finish)), short_date(finish)) if finish is not None else None,
    )


def journey(progress: float | None) -> JourneyChart:
    """Point A to point B as a bar, with today's value placed by the outcome
    progress (clamped to the bar: beyond B is still drawn at B)."""
    x0, x1 = _PAD + 4, WIDTH - _PAD - 4
    current_x = None
    anchor = "middle"
    if progress is not None:
        share = min(1.0, max(0.0, progress))
        current_x = _r(x0 + share * (x1 - x0))
        anchor = "start" if share < 0.2 else "end" if share > 0.8 else "middle"
    return JourneyChart(WIDTH, 112, 52.0, float(x0), float(x1), current_x, anchor)


def bars(rows: Sequence[tuple[str, float, float]]) -> BarsChart:
    """One bar per engagement component (actual, 0..1) with a tick at its
    desired level; a label line above each bar."""
    x0, x1 = 8.0, float(WIDTH - 8)
    row = 46
    bar_height = 14
    items = tuple(
        Bar(
            label=label,
            y=float(24 + i * row),
            actual_x=_r(x0 + min(1.0, max(0.0, actual)) * (x1 - x0)),
            desired_x=_r(x0 + min(1.0, max(0.0, desired)) * (x1 - x0)),
        )
        for i, (label, actual, desired) in enumerate(rows)
    )
    return BarsChart(WIDTH, 24 + len(items) * row + 4, x0, x1, bar_height, items)


def trend(
    points: Sequence[tuple[date, float, float]],
    bands: Sequence[tuple[str, float]],
) -> TrendChart:
    """Engagement attainment and success gap (both 0..100 points) at each
    month end, with the health bands as labelled lines."""
    x0, x1 = 40.0, float(WIDTH - 76)
    y1, y0 = 20.0, 200.0
    count = max(1, len(points) - 1)

    def ypos(value: float) -> float:
        return _r(y0 - min(100.0, max(0.0, value)) / 100 * (y0 - y1))

    def xpos(index: int) -> float:
        return _r(x0 + index / count * (x1 - x0)) if len(points) > 1 else _r((x0 + x1) / 2)

    # Every third month end, counted back from the latest; the first label
    # and every January carry the year.
    shown = [i for i in range(len(points)) if (len(points) - 1 - i) % 3 == 0]
    ticks = tuple(
        Tick(
            xpos(i),
            _MONTHS[points[i][0].month - 1]
            + (f" {points[i][0].year}" if i == shown[0] or points[i][0].month == 1 else ""),
        )
        for i in shown
    )
    return TrendChart(
        width=WIDTH,
        height=240,
        x0=x0,
        x1=x1,
        y0=y0,
        y1=y1,
        attainment=tuple(Point(xpos(i), ypos(a)) for i, (_, a, _) in enumerate(points)),
        success_gap=tuple(Point(xpos(i), ypos(g)) for i, (_, _, g) in enumerate(points)),
        grid=tuple(Line(ypos(v), str(v)) for v in (0, 25, 50, 75, 100)),
        bands=tuple(Line(ypos(m), name) for name, m in bands if m > 0),
        ticks=ticks,
    )
