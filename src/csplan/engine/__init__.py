"""The scoring engine (SPEC section 4): a pure function of a valid workspace,
a date and optional extra observations. No I/O, no clock.

    from csplan.engine import Scorer
    s = Scorer(ws).score("northwind-events", date(2026, 11, 1))
    s.engagement.attainment, s.engagement.band, s.milestones.route
"""

from __future__ import annotations

from csplan.engine.diff import compare_account, contributions, side, summarize, worst_drop
from csplan.engine.facts import ExtraObservation, ExtraSignals
from csplan.engine.score import Scorer, score_account, score_accounts, trend, trend_dates
from csplan.findings import LineRef
from csplan.results import SCHEMA_VERSION, AccountScore, TrendPoint

__all__ = [
    "SCHEMA_VERSION",
    "AccountScore",
    "ExtraObservation",
    "ExtraSignals",
    "LineRef",
    "Scorer",
    "TrendPoint",
    "compare_account",
    "contributions",
    "score_account",
    "score_accounts",
    "side",
    "summarize",
    "trend",
    "trend_dates",
    "worst_drop",
]
