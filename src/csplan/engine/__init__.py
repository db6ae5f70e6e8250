"""The scoring engine (SPEC section 4): a pure function of a valid workspace,
a date and optional extra observations. No I/O, no clock.

    from csplan.engine import score_account
    s = score_account(ws, "northwind-events", date(2026, 11, 1))
    s.engagement.attainment, s.engagement.band, s.milestones.route
"""

from __future__ import annotations

from csplan.engine.facts import ExtraObservation, ExtraSignals
from csplan.engine.result import SCHEMA_VERSION, AccountScore, TrendPoint
from csplan.engine.score import iter_scores, score_account, score_accounts, trend, trend_dates
from csplan.findings import LineRef

__all__ = [
    "SCHEMA_VERSION",
    "AccountScore",
    "ExtraObservation",
    "ExtraSignals",
    "LineRef",
    "TrendPoint",
    "iter_scores",
    "score_account",
    "score_accounts",
    "trend",
    "trend_dates",
]
