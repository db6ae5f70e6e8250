"""Reporters for ``csplan score``: one function per view, one registry.

Each reporter takes the scores as they are computed (an iterator in account
id order, so a portfolio can be written while it is scored), what it needs
to know about the run (:class:`ScoreView`), and the stream to write to.
Figures are rounded here and in the modules below, never in the engine.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any, TextIO

if TYPE_CHECKING:
    from csplan.model import Workspace
    from csplan.results import AccountScore


@dataclass(frozen=True)
class ScoreView:
    """What a reporter needs besides the scores."""

    ws: Workspace
    as_of: date
    sort: str | None = None  # a key of score_table.SORTS
    trend: bool = False
    compact: bool = False  # JSON: one account per write, no indentation

    @property
    def bands(self) -> list[str]:
        """Band names, highest ``min`` first."""
        return [b.name for b in sorted(self.ws.settings.bands, key=lambda b: -b.min)]


Reporter = Callable[[Iterable["AccountScore"], ScoreView, TextIO], None]


def table(scores: Iterable[AccountScore], view: ScoreView, out: TextIO) -> None:
    """The portfolio table (several accounts)."""
    from csplan.report import score_table

    rows = _sorted([(score_table.row(s), None) for s in scores], view.sort)
    score_table.write_portfolio([r[0] for r in rows], out, view.bands, view.as_of.isoformat())


def detail(scores: Iterable[AccountScore], view: ScoreView, out: TextIO) -> None:
    """One account in detail (``csplan score ACCOUNT``)."""
    from csplan.report.score_detail import write_detail

    for s in scores:
        write_detail(s, out, view.bands)


def explain(scores: Iterable[AccountScore], view: ScoreView, out: TextIO) -> None:
    """``--explain``: every figure with its evidence, file and line."""
    from csplan.report.score_explain import explain as explain_one

    for i, s in enumerate(scores):
        out.write(("\n" if i else "") + explain_one(s, view.ws))


def json(scores: Iterable[AccountScore], view: ScoreView, out: TextIO) -> None:
    """SPEC section 5's JSON."""
    from csplan.report import score_json

    score_json.write(scores, view.ws, view.as_of, out, compact=view.compact)


def csv(scores: Iterable[AccountScore], view: ScoreView, out: TextIO) -> None:
    """One row per account, for a spreadsheet or a CRM import."""
    from csplan.report import score_csv, score_table

    rows = _sorted([(score_table.row(s), score_csv.row(s)) for s in scores], view.sort)
    score_csv.write([r[1] for r in rows], out, trend=view.trend)


REPORTERS: dict[str, Reporter] = {
    "table": table,
    "detail": detail,
    "explain": explain,
    "json": json,
    "csv": csv,
}


def _sorted(rows: Sequence[tuple[Any, Any]], sort: str | None) -> list[tuple[Any, Any]]:
    from csplan.report.score_table import SORTS

    if sort is None:
        return list(rows)
    key = SORTS[sort]
    return sorted(rows, key=lambda r: key(r[0]))
