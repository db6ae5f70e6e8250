"""Does the score predict renewal? (SPEC section 9, ``csplan backtest``)

Every past renewal dated in the period is matched with the account's score
``lead`` days before it, the workspace as it is. Pure: no I/O, no clock.

The AUC is the share of (retained, churned) pairs in which the retained
renewal scored higher, ties counting one half. It is computed by sorting
once (O(n log n)), not by walking the pairs: 20,000 renewals make 10^8 of
them.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date
from typing import TYPE_CHECKING

from csplan.engine.engagement import PRECISION
from csplan.results import (
    Backtest,
    BandRetention,
    ComponentAuc,
    LeadResult,
    RenewalScore,
    Retention,
)

if TYPE_CHECKING:
    from csplan.engine.score import Scorer
    from csplan.model import Renewal, Workspace

DEFAULT_LEAD = 90
# Below this many churned or retained renewals an AUC is mostly noise.
ENOUGH = 5


def backtest(
    ws: Workspace,
    scorer: Scorer,
    *,
    from_date: date | None = None,
    to_date: date | None = None,
    leads: Sequence[int] = (DEFAULT_LEAD,),
) -> Backtest:
    """Score every renewal of ``ws`` dated from ``from_date`` to ``to_date``
    (inclusive; None: unbounded) at each of ``leads`` days before it.
    ``leads`` are positive whole days; ValueError otherwise."""
    bad = [lead for lead in leads if isinstance(lead, bool) or lead < 1]
    if bad or not leads:
        raise ValueError(f"leads must be positive whole days, not {list(leads)}")
    renewals = _renewals(ws, from_date, to_date)
    bands = [b.name for b in sorted(ws.settings.bands, key=lambda b: -b.min)]
    results = []
    for lead in sorted(set(leads)):
        scored = tuple(_scored(ws, scorer, account, r, lead) for account, r in renewals)
        results.append(_lead(lead, scored, bands))
    return Backtest(from_date, to_date, retention(r for _, r in renewals), tuple(results))


def scored_days(
    ws: Workspace,
    *,
    from_date: date | None = None,
    to_date: date | None = None,
    leads: Sequence[int] = (DEFAULT_LEAD,),
) -> tuple[list[date], list[str]]:
    """The days :func:`backtest` scores, and the accounts it scores on them:
    what evidence a backtest needs to be read (from data sources, say)."""
    renewals = _renewals(ws, from_date, to_date)
    days = {
        date.fromordinal(max(1, r.date.toordinal() - lead))
        for _, r in renewals
        for lead in leads
        if not isinstance(lead, bool) and lead >= 1
    }
    return sorted(days), sorted({account for account, _ in renewals})


def _renewals(ws: Workspace, start: date | None, end: date | None) -> list[tuple[str, Renewal]]:
    """The renewals in the period, by date then account id (then as written)."""
    found = [
        (account_id, r)
        for account_id in sorted(ws.accounts)
        for r in ws.accounts[account_id].renewals
        if (start is None or r.date >= start) and (end is None or r.date <= end)
    ]
    found.sort(key=lambda item: item[1].date)  # stable: account id order kept within a day
    return found


def _scored(ws: Workspace, scorer: Scorer, account_id: str, r: Renewal, lead: int) -> RenewalScore:
    # A renewal in the calendar's first days has no date `lead` days before
    # it: it is scored on the first day there is (before any start).
    day = date.fromordinal(max(1, r.date.toordinal() - lead))
    s = scorer.score(account_id, day)
    return RenewalScore(
        account=account_id,
        renewal_date=r.date,
        scored_at=day,
        attainment=s.engagement.attainment,
        band=s.engagement.band,
        arr_before=r.arr_before,
        arr_after=r.arr_after,
        outcome=r.outcome,
        # As the engine says (SPEC section 9, *Started*): before the start.
        started=day >= ws.accounts[account_id].start,
        components=tuple((c.name, c.actual) for c in s.engagement.components),
    )


def _lead(lead: int, scored: tuple[RenewalScore, ...], bands: list[str]) -> LeadResult:
    counted = [r for r in scored if r.started]
    retained = sum(1 for r in counted if r.retained)
    churned = len(counted) - retained
    names: dict[str, None] = {}  # formula order, as the scores give it
    for r in counted:
        for name, _ in r.components:
            names.setdefault(name)
    components = []
    for name in names:
        pairs = [
            (value, r.retained)
            for r in counted
            for component, value in r.components
            if component == name
        ]
        components.append(ComponentAuc(name, auc(pairs)))
    return LeadResult(
        lead_days=lead,
        auc=auc((r.attainment, r.retained) for r in counted),
        enough_data=churned >= ENOUGH and retained >= ENOUGH,
        retained=retained,
        churned=churned,
        components=tuple(components),
        bands=tuple(_band(name, [r for r in counted if r.band == name]) for name in bands),
        renewals=scored,
    )


def _band(name: str, renewals: list[RenewalScore]) -> BandRetention:
    churned = sum(1 for r in renewals if not r.retained)
    before, after, kept = _sums((r.arr_before, r.arr_after) for r in renewals)
    return BandRetention(
        band=name,
        renewals=len(renewals),
        churned=churned,
        churn_rate=churned / len(renewals) if renewals else None,
        arr_before=before,
        arr_after=after,
        nrr=after / before if before else None,
        grr=kept / before if before else None,
    )


def retention(renewals: Iterable[Renewal]) -> Retention:
    """Counts per outcome, sums of ARR, NRR = Σ after / Σ before and
    GRR = Σ min(after, before) / Σ before (None without renewals)."""
    items = list(renewals)
    counts = {"churned": 0, "contracted": 0, "renewed": 0, "expanded": 0}
    for r in items:
        counts[r.outcome] += 1
    before, after, kept = _sums((r.arr_before, r.arr_after) for r in items)
    return Retention(
        renewals=len(items),
        churned=counts["churned"],
        contracted=counts["contracted"],
        renewed=counts["renewed"],
        expanded=counts["expanded"],
        arr_before=before,
        arr_after=after,
        nrr=after / before if before else None,
        grr=kept / before if before else None,
    )


def _sums(
    pairs: Iterable[tuple[float | int, float | int]],
) -> tuple[float | int, float | int, float | int]:
    """Σ before, Σ after, Σ min(after, before). Whole numbers stay whole,
    so the JSON shows 1200000, not 1200000.0."""
    before: float | int = 0
    after: float | int = 0
    kept: float | int = 0
    for b, a in pairs:
        before += b
        after += a
        kept += min(a, b)
    return before, after, kept


def auc(pairs: Iterable[tuple[float, bool]]) -> float | None:
    """The share of (retained, churned) pairs where the retained one's value
    is higher, ties one half, values compared rounded to 9 decimals; None
    without both kinds. ``pairs`` are (value, retained)."""
    # Sorted ascending by value: each group of equal values beats every
    # churned value below it and ties with the churned ones in it.
    ordered = sorted((round(value, PRECISION), kept) for value, kept in pairs)
    retained = sum(1 for _, kept in ordered if kept)
    churned = len(ordered) - retained
    if not retained or not churned:
        return None
    wins = 0.0
    below = 0  # churned values strictly below the current group
    i = 0
    while i < len(ordered):
        value = ordered[i][0]
        group_retained = group_churned = 0
        while i < len(ordered) and ordered[i][0] == value:
            if ordered[i][1]:
                group_retained += 1
            else:
                group_churned += 1
            i += 1
        wins += group_retained * (below + group_churned / 2)
        below += group_churned
    return wins / (retained * churned)
