"""Why a score moved (SPEC section 7): the comparison of two scored states.

Pure, like the rest of the engine: it takes :class:`AccountScore` values
already computed (before = S(W_base, from), after = S(W, to), and with a base
and two dates the middle state S(W_base, to)) and returns the diff types of
:mod:`csplan.results`. Reading a base revision, listing configuration changes
and writing reports happen elsewhere.

Attribution is exact by construction: each side's attainment is split into
per-component contributions p_c that add up to E, so the changes Δp_c add up
to ΔE whatever changed (weights, desired states, evidence, segment). The one
case the components cannot explain is a side that desires nothing
(Σ w_k d_k = 0, attainment 100 by definition): its p_c are all 0 and the rest
is ``unattributed``.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import astuple
from typing import Any

from csplan.engine.engagement import PRECISION
from csplan.results import (
    AccountDiff,
    AccountScore,
    ComponentChange,
    ComponentScore,
    DiffSummary,
    Engagement,
    MeasureChange,
    MeasureScore,
    MilestoneChanges,
    OverrideInForce,
    Play,
    PlayChanges,
    Side,
)

__all__ = [
    "compare_account",
    "contributions",
    "side",
    "summarize",
    "worst_drop",
]

# A measure is matched across the sides by kind, ref and its position among
# the measures of the component with the same kind and ref (a model may
# list the same signal twice with different scales).
_MeasureKey = tuple[str, str, int]
_PlayKey = tuple[str, str, str | None, str | None, str | None]


def side(score: AccountScore) -> Side:
    """The headline figures of one account on one side of a diff."""
    return Side(
        segment=score.segment,
        attainment=score.engagement.attainment,
        band=score.engagement.band,
        success_gap=score.milestones.success_gap,
        route=score.milestones.route,
        outcome_progress=score.outcome.progress if score.outcome is not None else None,
        ax_coverage=score.experience.coverage,
        icp_fit=score.icp.fit if score.icp is not None else None,
        started=score.started,
        outcome=score.outcome.id if score.outcome is not None else None,
        arr=score.arr,
    )


def contributions(engagement: Engagement) -> dict[str, float]:
    """p_c = 100 · w_c · min(a_c, d_c) / Σ_k w_k · d_k for each component, in
    formula order, so that the values add up to E. All 0 when nothing is
    desired: E is 100 by definition then, and no component earned it."""
    desired = _desired(engagement)
    if not desired > 0:
        return {c.name: 0.0 for c in engagement.components}
    return {
        c.name: 100.0 * c.weight * min(c.actual, c.desired) / desired for c in engagement.components
    }


def compare_account(
    before: AccountScore | None,
    after: AccountScore | None,
    *,
    middle: AccountScore | None = None,
    has_base: bool,
    two_dates: bool,
) -> AccountDiff:
    """How one account moved from ``before`` = S(W_base, from) to ``after`` =
    S(W, to). ``middle`` = S(W_base, to) is needed (and used) only with a base
    and two different dates, to split the change into its configuration and
    evidence effects. ``None`` on one side: the account was added or removed.
    Raises ValueError when neither side is given, the sides are different
    accounts, or the middle state is missing where the split needs it."""
    if before is not None and after is not None and before.id != after.id:
        raise ValueError(f"cannot compare account {before.id!r} with account {after.id!r}")
    if before is None or after is None:
        present = after if after is not None else before
        if present is None:
            raise ValueError("compare_account needs a score on at least one side")
        # One side only: nothing to attribute and nothing to compare with;
        # reporters show the side there is from before_score/after_score.
        return AccountDiff(
            id=present.id,
            name=present.name,
            status="added" if before is None else "removed",
            before=side(before) if before is not None else None,
            after=side(after) if after is not None else None,
            change=None,
            configuration=None,
            evidence=None,
            unattributed=0.0,
            components=(),
            milestones=MilestoneChanges(),
            plays=PlayChanges(),
            source=present.source,
            before_score=before,
            after_score=after,
        )

    e_before = before.engagement.attainment
    e_after = after.engagement.attainment
    change = e_after - e_before
    configuration: float | None = None
    evidence: float | None = None
    if has_base and two_dates:
        if middle is None:
            raise ValueError(
                f"account {after.id!r}: the split into configuration and evidence needs"
                " the base scored at the later date (middle)"
            )
        e_middle = middle.engagement.attainment
        configuration = e_after - e_middle
        evidence = e_middle - e_before
    elif has_base:
        configuration = change
    elif two_dates:
        evidence = change

    components = _components(before.engagement, after.engagement)
    unattributed = 0.0
    if not (_desired(before.engagement) > 0 and _desired(after.engagement) > 0):
        unattributed = change - sum(c.change for c in components)
    milestones = _milestones(before, after)
    plays = _plays(before.plays, after.plays)
    before_side = side(before)
    after_side = side(after)
    changed = (
        _rounded(astuple(before_side)) != _rounded(astuple(after_side))
        or any(_differ(c.before, c.after) or c.measures for c in components)
        or any(
            _override_key(c.override_before) != _override_key(c.override_after) for c in components
        )
        or any((milestones.reached, milestones.lapsed, milestones.overdue, milestones.recovered))
        or bool(plays.added or plays.removed)
    )
    return AccountDiff(
        id=after.id,
        name=after.name,
        status="changed" if changed else "unchanged",
        before=before_side,
        after=after_side,
        change=change,
        configuration=configuration,
        evidence=evidence,
        unattributed=unattributed,
        components=components,
        milestones=milestones,
        plays=plays,
        source=after.source if after.source is not None else before.source,
        before_score=before,
        after_score=after,
    )


def summarize(accounts: Sequence[AccountDiff]) -> DiffSummary:
    """The summary line's counts. Band changes count only accounts present on
    both sides; not-started accounts are counted like any other."""
    return DiffSummary(
        accounts=len(accounts),
        changed=sum(1 for a in accounts if a.status == "changed"),
        added=sum(1 for a in accounts if a.status == "added"),
        removed=sum(1 for a in accounts if a.status == "removed"),
        band_changes=sum(1 for a in accounts if a.band_changed),
    )


def worst_drop(accounts: Iterable[AccountDiff], max_drop: float) -> tuple[AccountDiff, ...]:
    """``--max-drop N``: the accounts whose attainment fell by more than
    ``max_drop`` points (after − before < −N, the change rounded to the
    engine's precision so that float noise never trips the gate), largest
    fall first (ties in id order). Added and removed accounts are left out, and so are accounts not
    started on either side (SPEC sections 7 and 9): their score is not yet
    a judgement of the account."""
    falls = [
        a
        for a in accounts
        if a.change is not None
        and a.before is not None
        and a.after is not None
        and a.before.started
        and a.after.started
        and round(a.change, PRECISION) < -max_drop
    ]
    falls.sort(key=lambda a: (a.change, a.id))
    return tuple(falls)


# --- the parts of compare_account ---------------------------------------------


def _differ(a: float, b: float) -> bool:
    """Figures differ when they still differ rounded to the engine's
    precision: the same figure computed another way (every weight doubled)
    is not a change, whatever the float noise."""
    return round(a, PRECISION) != round(b, PRECISION)


def _rounded(values: tuple[Any, ...]) -> tuple[Any, ...]:
    return tuple(round(v, PRECISION) if isinstance(v, float) else v for v in values)


def _desired(engagement: Engagement) -> float:
    """Σ_k w_k · d_k, summed in formula order as the engine sums it (so a
    side the engine found desiring nothing is found so here too)."""
    total = 0.0
    for c in engagement.components:
        total += c.weight * c.desired
    return total


def _components(before: Engagement, after: Engagement) -> tuple[ComponentChange, ...]:
    """All components in formula order (the after side's, then any the before
    side alone has: both models list all eight, so in practice none)."""
    p_before = contributions(before)
    p_after = contributions(after)
    by_name_before = {c.name: c for c in before.components}
    by_name_after = {c.name: c for c in after.components}
    names = [c.name for c in after.components]
    names += [c.name for c in before.components if c.name not in by_name_after]
    changes = []
    for name in names:
        old, new = by_name_before.get(name), by_name_after.get(name)
        changes.append(
            ComponentChange(
                name=name,
                before=p_before.get(name, 0.0),
                after=p_after.get(name, 0.0),
                measures=_measures(old, new),
                rule_actual_before=old.rule_actual if old is not None else None,
                rule_actual_after=new.rule_actual if new is not None else None,
                override_before=old.override if old is not None else None,
                override_after=new.override if new is not None else None,
            )
        )
    return tuple(changes)


def _override_key(o: OverrideInForce | None) -> tuple[Any, ...] | None:
    """An override as compared across the sides: what it says, not where it
    is written (a moved line is no change). A new judgement, a new value or a
    new expiry alone marks the account changed (SPEC section 9)."""
    return None if o is None else (o.actual, o.by, o.reason, o.since, o.expires)


def _keyed(component: ComponentScore | None) -> dict[_MeasureKey, MeasureScore]:
    keyed: dict[_MeasureKey, MeasureScore] = {}
    if component is None:
        return keyed
    seen: Counter[tuple[str, str]] = Counter()
    for m in component.measures:
        keyed[(m.kind, m.ref, seen[(m.kind, m.ref)])] = m
        seen[(m.kind, m.ref)] += 1
    return keyed


def _measures(
    before: ComponentScore | None, after: ComponentScore | None
) -> tuple[MeasureChange, ...]:
    """The measures whose score changed or that exist on one side only: the
    after side's order, then those only the before side has, in its order."""
    old = _keyed(before)
    new = _keyed(after)
    changes = []
    for key, m in new.items():
        was = old.get(key)
        if was is None or was.score != m.score:
            changes.append(MeasureChange(m.kind, m.ref, was, m))
    for key, m in old.items():
        if key not in new:
            changes.append(MeasureChange(m.kind, m.ref, m, None))
    return tuple(changes)


def _milestones(before: AccountScore, after: AccountScore) -> MilestoneChanges:
    """Ids in route order: the after side's route, then ids only the before
    side's route has (a segment change can swap the map)."""
    order = [s.id for s in after.milestones.states]
    known = set(order)
    order += [s.id for s in before.milestones.states if s.id not in known]
    reached_before = set(before.milestones.reached)
    reached_after = set(after.milestones.reached)
    overdue_before = {o.id for o in before.milestones.overdue}
    overdue_after = {o.id for o in after.milestones.overdue}
    return MilestoneChanges(
        reached=tuple(i for i in order if i in reached_after and i not in reached_before),
        lapsed=tuple(i for i in order if i in reached_before and i not in reached_after),
        overdue=tuple(i for i in order if i in overdue_after and i not in overdue_before),
        recovered=tuple(i for i in order if i in overdue_before and i not in overdue_after),
    )


def _play_key(p: Play) -> _PlayKey:
    return (p.type, p.play, p.milestone, p.reason, p.ref)


def _plays(before: Sequence[Play], after: Sequence[Play]) -> PlayChanges:
    """Plays compared as whole entries, as multisets: added in the after
    side's order, removed in the before side's."""
    return PlayChanges(added=_minus(after, before), removed=_minus(before, after))


def _minus(plays: Sequence[Play], other: Sequence[Play]) -> tuple[Play, ...]:
    left = Counter(_play_key(p) for p in other)
    kept = []
    for p in plays:
        key = _play_key(p)
        if left[key] > 0:
            left[key] -= 1
        else:
            kept.append(p)
    return tuple(kept)
