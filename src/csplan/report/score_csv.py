"""``csplan score --format csv``: one row per account, for spreadsheets.

Figures are unrounded, like JSON (a spreadsheet rounds for display). Lists
are joined with ";". Empty cells mean "none" (no outcome in force, no ICP).
"""

from __future__ import annotations

import csv
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, TextIO

if TYPE_CHECKING:
    from csplan.engine.result import AccountScore

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
)
TREND_COLUMN = "trend"  # attainment at each trend point, oldest first


def row(score: AccountScore) -> list[Any]:
    """The CSV cells of one account (trend last, when computed)."""
    e = score.engagement
    m = score.milestones
    o = score.outcome
    i = score.icp
    cells: list[Any] = [
        score.id,
        score.name,
        score.segment,
        repr(e.attainment),
        e.band,
        repr(e.gap),
        repr(m.success_gap),
        repr(m.functional_progress),
        repr(m.customer_progress),
        m.route,
        ";".join(x.id for x in m.overdue),
        ";".join(m.next),
        o.id if o else "",
        repr(o.progress) if o is not None and o.progress is not None else "",
        repr(score.experience.coverage),
        ";".join(score.experience.missing_required),
        ";".join(score.experience.mismatched),
        i.id if i else "",
        repr(i.fit) if i else "",
        ("true" if i.ideal else "false") if i else "",
        ";".join(e.biggest_gaps),
        len(score.plays),
    ]
    if score.trend:
        cells.append(";".join(repr(p.attainment) for p in score.trend))
    return cells


def write(rows: Sequence[list[Any]], stream: TextIO, *, trend: bool = False) -> None:
    """Header and rows (from :func:`row`), RFC 4180 quoting."""
    out = csv.writer(stream, lineterminator="\n")
    out.writerow([*COLUMNS, TREND_COLUMN] if trend else COLUMNS)
    out.writerows(rows)
