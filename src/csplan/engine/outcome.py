"""Progress towards the desired outcome in force (SPEC section 4)."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from csplan.engine.facts import AccountFacts, is_number
from csplan.results import Outcome, OutcomeVersion

if TYPE_CHECKING:
    from csplan.model import Workspace


def score_outcome(ws: Workspace, facts: AccountFacts, as_of: date) -> Outcome | None:
    """The desired outcome whose ``since`` is the latest on or before
    ``as_of`` and how far the metric has moved from baseline to target;
    None before the first version."""
    account = facts.account
    versions = account.desired_outcomes
    current_index = -1
    for i, version in enumerate(versions):
        if version.since <= as_of:
            current_index = i
        else:
            break
    if current_index < 0:
        return None
    version = versions[current_index]
    base = facts.source.child("desired_outcomes")
    required = ws.outcomes[version.outcome]
    metric = required.metric
    series = facts.series(metric.signal)
    i = series.latest(as_of)
    current = series.values[i] if i >= 0 and is_number(series.values[i]) else None
    progress = None
    if current is not None:
        # (current - baseline) / (target - baseline) reads the same for a
        # metric that should fall: both differences are negative.
        progress = (current - version.baseline) / (version.target - version.baseline)
    previous = None
    if current_index > 0:
        before = versions[current_index - 1]
        previous = OutcomeVersion(
            before.outcome,
            before.baseline,
            before.target,
            before.by,
            before.since,
            before.reason,
            base.child(current_index - 1),
        )
    return Outcome(
        id=version.outcome,
        baseline=version.baseline,
        target=version.target,
        current=current,
        current_as_of=series.dates[i] if current is not None else None,
        progress=progress,
        by=version.by,
        since=version.since,
        reason=version.reason,
        signal=metric.signal,
        unit=metric.unit,
        direction=metric.direction,
        previous=previous,
        source=base.child(current_index),
        evidence=series.ref(i) if current is not None else None,
    )
