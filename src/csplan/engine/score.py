"""Scoring one account at one date, many accounts, and a trend of month ends.

Pure: the result depends on the workspace, the date and the extra
observations only. The workspace must be valid (no errors): references are
looked up without fallbacks.
"""

from __future__ import annotations

import calendar
from collections.abc import Iterable, Iterator
from datetime import date
from typing import TYPE_CHECKING

from csplan.engine.engagement import expired_overrides, score_engagement
from csplan.engine.facts import AccountFacts, ExtraSignals
from csplan.engine.milestones import score_milestones
from csplan.engine.outcome import score_outcome
from csplan.engine.plays import plays
from csplan.engine.profile import score_experience, score_icp
from csplan.engine.segments import Index, index
from csplan.results import AccountScore, TrendPoint

if TYPE_CHECKING:
    from csplan.model import Workspace

TREND_MONTHS = 12


class Scorer:
    """Scores the accounts of one valid workspace, with the same extra
    observations, at any date. The workspace's lookups (segments resolved to
    their map, model, experience and ICP) are built once, here."""

    def __init__(self, ws: Workspace, signals: ExtraSignals | None = None) -> None:
        self.ws = ws
        self.signals = signals
        self._index = index(ws)

    def score(self, account_id: str, as_of: date) -> AccountScore:
        """Score account ``account_id`` at ``as_of`` (SPEC section 4). Raises
        KeyError for an unknown account id."""
        return _score(self.ws, self._index, self._facts(account_id), as_of)

    def scores(self, account_ids: Iterable[str], as_of: date) -> Iterator[AccountScore]:
        """Scores one at a time, in account id order: a portfolio can be
        written out as it is scored instead of held in memory."""
        for account_id in sorted(set(account_ids)):
            yield self.score(account_id, as_of)

    def trend(
        self, account_id: str, as_of: date, months: int = TREND_MONTHS
    ) -> tuple[TrendPoint, ...]:
        """The account's attainment, band and success gap at each point of
        :func:`trend_dates`, oldest first."""
        facts = self._facts(account_id)
        points = []
        for day in trend_dates(as_of, months):
            s = _score(self.ws, self._index, facts, day)
            points.append(
                TrendPoint(
                    day, s.engagement.attainment, s.engagement.band, s.milestones.success_gap
                )
            )
        return tuple(points)

    def _facts(self, account_id: str) -> AccountFacts:
        account = self.ws.accounts[account_id]
        signals = self.signals
        return AccountFacts(account, signals.get(account_id) if signals else None)


def score_account(
    ws: Workspace, account_id: str, as_of: date, *, signals: ExtraSignals | None = None
) -> AccountScore:
    """Score one account (SPEC section 4); ``signals`` adds observations
    (account id -> signal -> observations) to the YAML ones, and on a date
    present in both the extra one wins. To score more than one account, keep
    a :class:`Scorer`."""
    return Scorer(ws, signals).score(account_id, as_of)


def score_accounts(
    ws: Workspace, account_ids: Iterable[str], as_of: date, *, signals: ExtraSignals | None = None
) -> list[AccountScore]:
    """Score several accounts at ``as_of``, returned in account id order."""
    return list(Scorer(ws, signals).scores(account_ids, as_of))


def trend(
    ws: Workspace,
    account_id: str,
    as_of: date,
    *,
    months: int = TREND_MONTHS,
    signals: ExtraSignals | None = None,
) -> tuple[TrendPoint, ...]:
    """The account's trend (:meth:`Scorer.trend`)."""
    return Scorer(ws, signals).trend(account_id, as_of, months)


def trend_dates(as_of: date, months: int = TREND_MONTHS) -> tuple[date, ...]:
    """The last day of each of the ``months`` months ending with ``as_of``'s
    month, except that the last point is ``as_of`` itself (the month is not
    over yet): 2026-11-01 gives 2025-12-31, 2026-01-31, ... 2026-10-31,
    2026-11-01. Month ends before the calendar starts (year 1) are left
    out: the trend is shorter, never an error."""
    points = []
    for back in range(months - 1, 0, -1):
        year, month = divmod(as_of.year * 12 + as_of.month - 1 - back, 12)
        month += 1
        if year < 1:
            continue
        points.append(date(year, month, calendar.monthrange(year, month)[1]))
    if months > 0:
        points.append(as_of)
    return tuple(points)


def _score(ws: Workspace, idx: Index, facts: AccountFacts, as_of: date) -> AccountScore:
    account = facts.account
    if isinstance(account.segment, str):
        segment_id, since = account.segment, account.start
    else:
        # Before the first since, the first entry is in force.
        segment_id, since = account.segment[0].segment, account.segment[0].since
        for period in account.segment:
            if period.since > as_of:
                break
            segment_id, since = period.segment, period.since
    seg = idx.segments[segment_id]
    # A segment change starts the new map's route on its since.
    journey_start = max(account.start, since)
    milestones = score_milestones(seg.map, facts, as_of, journey_start)
    reached = {"functional": 0, "customer": 0, "all": 0}
    for state in milestones.states:
        if state.status == "reached":
            reached[state.type] += 1
            reached["all"] += 1
    engagement = score_engagement(seg.model, facts, as_of, reached, seg.map.totals, idx.bands)
    experience = score_experience(seg, account, facts.source, as_of)
    return AccountScore(
        id=account.id,
        name=account.name,
        segment=seg.segment.id,
        segment_since=None if isinstance(account.segment, str) else since,
        as_of=as_of,
        engagement=engagement,
        milestones=milestones,
        outcome=score_outcome(ws, facts, as_of),
        experience=experience,
        icp=score_icp(seg.icp, account, facts.source),
        plays=plays(
            milestones, experience, seg.expectations, engagement, as_of, idx.play_window_days
        ),
        source=facts.source,
        started=as_of >= account.start,
        start=account.start,
        owner=account.owner,
        arr=account.arr,
        renewal=account.renewal
        if account.renewal is not None and account.renewal >= as_of
        else None,
        expired_overrides=expired_overrides(facts, as_of),
    )
