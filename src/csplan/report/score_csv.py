"""``csplan score --format csv``: one row per account, for spreadsheets.

Figures are unrounded, like JSON (a spreadsheet rounds for display). Id
lists are joined with ";", texts (plays, overdue milestones with their
delay) with "; ". Empty cells mean "none" (no outcome in force, no ICP, no
owner). Text cells that a spreadsheet would read as a formula are prefixed
with "'" (SPEC section 5); numbers never are.
"""

from __future__ import annotations

import csv
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, TextIO

if TYPE_CHECKING:
    from csplan.results import AccountScore

COLUMNS = (
    "account",  # account id
    "name",
    "segment",  # segment in force
    "attainment",  # engagement attainment E, 0..100
    "band",
    "engagement_gap",  # 100 - E
    "success_gap",  # points, 0..100
    "functional_progress",  # 0..1
    "customer_progress",  # 0..1
    "route",  # on-track | off-track
    "overdue",  # overdue milestone ids
    "next",  # next milestone ids
    "outcome",  # desired outcome in force (RequiredOutcome id)
    "outcome_progress",  # 0..1 and beyond; empty without evidence
    "ax_coverage",  # 0..1
    "missing_required",  # required AX element ids not in place
    "mismatched",  # elements in place outside the segment's AX
    "icp",  # ICP id
    "icp_fit",  # 0..1
    "ideal",  # true | false
    "biggest_gaps",  # components, biggest weight x gap first
    "plays",  # how many plays fire
    # Added for spreadsheet and CRM imports (new columns go last, before trend):
    "owner",  # the account's owner, as written
    "arr",  # annual recurring revenue, as written
    "overdue_days_late",  # "first-campaign (214 days late); ..." in route order
    "play_texts",  # every play's text, "; "-joined, in the order plays fire
    "started",  # true | false: false before the account's start (SPEC section 9)
)
TREND_COLUMN = "trend"  # attainment at each trend point, oldest first


def row(score: AccountScore) -> list[Any]:
    """The CSV cells of one account (trend last, when computed)."""
    e = score.engagement
    m = score.milestones
    o = score.outcome
    i = score.icp
    cells: list[Any] = [
        text(score.id),
        text(score.name),
        text(score.segment),
        repr(e.attainment),
        text(e.band),
        repr(e.gap),
        repr(m.success_gap),
        repr(m.functional_progress),
        repr(m.customer_progress),
        m.route,
        text(";".join(x.id for x in m.overdue)),
        text(";".join(m.next)),
        text(o.id) if o else "",
        repr(o.progress) if o is not None and o.progress is not None else "",
        repr(score.experience.coverage),
        text(";".join(score.experience.missing_required)),
        text(";".join(score.experience.mismatched)),
        text(i.id) if i else "",
        repr(i.fit) if i else "",
        ("true" if i.ideal else "false") if i else "",
        text(";".join(e.biggest_gaps)),
        len(score.plays),
        text(score.owner or ""),
        _number(score.arr),
        text("; ".join(f"{x.id} ({_late(x.days_late)})" for x in m.overdue)),
        text("; ".join(p.play for p in score.plays)),
        "true" if score.started else "false",
    ]
    if score.trend:
        cells.append(";".join(repr(p.attainment) for p in score.trend))
    return cells


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def text(value: str) -> str:
    """A text cell a spreadsheet will not run as a formula (SPEC section 5):
    one starting with = + - @, a tab or a carriage return gets a leading '.
    Only text cells pass through here; numbers are never altered."""
    return "'" + value if value.startswith(_FORMULA_START) else value


def _number(value: float | None) -> str:
    # As written: an ARR of 48000 stays 48000, not 48000.0.
    if value is None:
        return ""
    if isinstance(value, float) and not value.is_integer():
        return repr(value)
    return str(int(value))


def _late(days: int) -> str:
    return f"{days} day{'s' if days != 1 else ''} late"


def write(rows: Sequence[list[Any]], stream: TextIO, *, trend: bool = False) -> None:
    """Header and rows (from :func:`row`), RFC 4180 quoting."""
    out = csv.writer(stream, lineterminator="\n")
    out.writerow([*COLUMNS, TREND_COLUMN] if trend else COLUMNS)
    out.writerows(rows)
