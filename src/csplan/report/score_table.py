"""``csplan score`` as a table: the portfolio view, one row per account.

Each score is boiled down to a :class:`Row` as soon as it is computed, so a
portfolio of thousands never holds every score in memory. The table is laid
out here and printed as one rich Text: colour helps, but every colour has
its word beside it (the band name, on-track/off-track), and rich's own Table
would take seconds for ten thousand rows.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, TextIO

from csplan.wording import component_label, printable

if TYPE_CHECKING:
    from rich.console import Console

    from csplan.results import AccountScore

NOT_STARTED = "not started"  # SPEC section 9: instead of attainment and band
SPARKS = "▁▂▃▄▅▆▇█"
NONE = "-"


@dataclass(frozen=True, slots=True)
class Row:
    """What the portfolio shows of one account, plus the figures it sorts by."""

    id: str
    name: str
    attainment: float
    band: str
    engagement_gap: float
    success_gap: float
    route: str
    overdue: int
    outcome_progress: float | None
    has_outcome: bool
    coverage: float
    missing_required: int
    icp_fit: float | None
    ideal: bool | None
    top_gap: str | None
    trend: tuple[float, ...] = ()
    started: bool = True


def row(score: AccountScore) -> Row:
    """The portfolio row of one account's score."""
    e = score.engagement
    o = score.outcome
    return Row(
        id=score.id,
        name=printable(score.name),  # a terminal must not obey an ESC in a name
        attainment=e.attainment,
        band=e.band,
        engagement_gap=e.gap,
        success_gap=score.milestones.success_gap,
        route=score.milestones.route,
        overdue=len(score.milestones.overdue),
        outcome_progress=o.progress if o is not None else None,
        has_outcome=o is not None,
        coverage=score.experience.coverage,
        missing_required=len(score.experience.missing_required),
        icp_fit=score.icp.fit if score.icp is not None else None,
        ideal=score.icp.ideal if score.icp is not None else None,
        top_gap=e.biggest_gaps[0] if e.biggest_gaps else None,
        trend=tuple(p.attainment for p in score.trend),
        started=score.started,
    )


SORTS: dict[str, Callable[[Row], tuple[float | str, str]]] = {
    # biggest engagement gap first
    "gap": lambda r: (-round(r.engagement_gap, 9), r.id),
    # highest attainment first
    "attainment": lambda r: (-round(r.attainment, 9), r.id),
    # biggest success gap first
    "success-gap": lambda r: (-round(r.success_gap, 9), r.id),
    "name": lambda r: (r.name.casefold(), r.id),
}


def sparkline(values: Sequence[float]) -> str:
    """Attainment 0..100 as bars on a fixed scale, so accounts compare."""
    return "".join(SPARKS[min(len(SPARKS) - 1, max(0, int(v * len(SPARKS) / 100)))] for v in values)


def band_styles(bands: Sequence[str]) -> dict[str, str]:
    """Green for the best band, red for the worst, yellow between
    (``bands`` from best to worst)."""
    styles = {name: "yellow" for name in bands}
    if bands:
        styles[bands[0]] = "green"
        styles[bands[-1]] = "red"
    return styles


def _cells(r: Row) -> list[tuple[str, str]]:
    """(text, style) per column."""
    if not r.has_outcome:
        outcome = NONE
    elif r.outcome_progress is None:
        outcome = "no evidence"
    else:
        outcome = f"{r.outcome_progress * 100:.0f}%"
    ax = f"{r.coverage * 100:.0f}%"
    if r.missing_required:
        ax += f" ({r.missing_required} req. missing)"
    verdict = "ideal" if r.ideal else "not ideal"
    icp = NONE if r.icp_fit is None else f"{r.icp_fit:.2f} {verdict}"
    route = r.route if not r.overdue else f"{r.route} ({r.overdue} overdue)"
    return [
        (r.id, "bold"),
        (f"{r.attainment:5.1f} {printable(r.band)}", "band") if r.started else (NOT_STARTED, "dim"),
        (f"{r.engagement_gap:.1f}", ""),
        (f"{r.success_gap:.0f}", ""),
        (route, "green" if r.route == "on-track" else "red"),
        (outcome, ""),
        (ax, "yellow" if r.missing_required else ""),
        (icp, "" if r.ideal is not False else "yellow"),
        (component_label(r.top_gap) if r.top_gap else NONE, ""),
    ]


HEADERS = [
    "Account",
    "Attainment",
    "Eng. gap",
    "Success gap",
    "Route",
    "Outcome",
    "AX coverage",
    "ICP fit",
    "Top gap",
]
_RIGHT = {2, 3, 5}  # numeric columns


def print_portfolio(
    rows: Sequence[Row], console: Console, bands: Sequence[str], as_of: str
) -> None:
    """The portfolio table: header, one line per row, and a summary line."""
    from rich.text import Text

    styles = band_styles(bands)
    table = [_cells(r) for r in rows]
    headers = [*HEADERS, "Trend"] if any(r.trend for r in rows) else HEADERS
    if len(headers) > len(HEADERS):
        for cells, r in zip(table, rows, strict=True):
            cells.append((sparkline(r.trend), ""))
    widths = [len(h) for h in headers]
    for cells in table:
        for i, (text, _) in enumerate(cells):
            widths[i] = max(widths[i], len(text))
    last = len(headers) - 1
    out = Text()
    out.append(
        "  ".join(_pad(h, widths[i], i in _RIGHT, i == last) for i, h in enumerate(headers)) + "\n",
        style="bold",
    )
    for cells, r in zip(table, rows, strict=True):
        for i, (text, style) in enumerate(cells):
            if style == "band":
                style = styles.get(r.band, "")
            out.append(_pad(text, widths[i], i in _RIGHT, i == last), style=style or None)
            out.append("  " if i < last else "\n")
    # Band counts leave not-started accounts out (SPEC section 9).
    counts: dict[str, int] = {}
    waiting = 0
    for r in rows:
        if r.started:
            counts[r.band] = counts.get(r.band, 0) + 1
        else:
            waiting += 1
    if not rows:
        console.print(Text(f"No accounts to score as of {as_of}.", style="dim"))
        return
    summary = ", ".join(
        [f"{counts[b]} {printable(b)}" for b in bands if b in counts]
        + ([f"{waiting} {NOT_STARTED}"] if waiting else [])
    )
    accounts = "account" if len(rows) == 1 else "accounts"
    out.append(f"\n{len(rows)} {accounts} as of {as_of}: {summary}\n", style="dim")
    console.print(out, end="")


def _pad(text: str, width: int, right: bool, last: bool = False) -> str:
    if right:
        return text.rjust(width)
    return text if last else text.ljust(width)


def write_portfolio(rows: Sequence[Row], stream: TextIO, bands: Sequence[str], as_of: str) -> None:
    """:func:`print_portfolio` to ``stream`` (colour only on a terminal)."""
    from rich.console import Console

    console = Console(file=stream, highlight=False, soft_wrap=True)
    print_portfolio(rows, console, bands, as_of)
