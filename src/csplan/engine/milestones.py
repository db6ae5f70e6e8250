"""Milestone state on the route (SPEC section 4): occurrences, reached,
due dates, overdue, next, route, functional and customer progress."""

from __future__ import annotations

from bisect import bisect_right
from datetime import date, timedelta
from typing import TYPE_CHECKING

from csplan.engine.facts import AccountFacts, is_number, same
from csplan.engine.segments import MapDef, MilestoneDef
from csplan.findings import SourceRef
from csplan.results import Milestones, MilestoneState, Overdue

if TYPE_CHECKING:
    from csplan.model import Milestone, SignalCriterion


def score_milestones(
    mdef: MapDef, facts: AccountFacts, as_of: date, journey_start: date
) -> Milestones:
    """The state of every milestone of ``mdef`` at ``as_of``, in route order."""
    drafts = [_draft(d, mdef.id, facts, as_of, journey_start) for d in mdef.milestones]
    reached_ids = {
        d.milestone.id for d, draft in zip(mdef.milestones, drafts, strict=True) if draft[0]
    }
    states = []
    next_ids = []
    overdue_list = []
    for d, (
        is_reached,
        occurrences,
        by_evidence,
        evidence,
        source,
        due,
        evidence_occurrences,
        shown,
    ) in zip(mdef.milestones, drafts, strict=True):
        ms = d.milestone
        latest = occurrences[-1] if occurrences else None
        original_due = None
        reason = None
        agreed = _reschedule(facts.reschedules.get(ms.id), as_of, shown or latest)
        if agreed is not None:
            original_due = due
            due, reason = agreed
        overdue = not is_reached and due < as_of
        is_next = not is_reached and all(a in reached_ids for a in d.after)
        if is_next:
            next_ids.append(ms.id)
        days_late = (as_of - due).days if overdue else None
        if overdue:
            overdue_list.append(Overdue(ms.id, due, (as_of - due).days, original_due))
        if is_reached:
            status = "reached"
        else:
            status = "overdue" if overdue else "next" if is_next else "upcoming"
        states.append(
            MilestoneState(
                id=ms.id,
                name=ms.name,
                type=ms.type,
                owner=ms.owner,
                status=status,  # type: ignore[arg-type]
                due=due,
                occurrences=occurrences,
                latest=latest,
                by_evidence=by_evidence,
                days_late=days_late,
                lapsed=not is_reached and latest is not None,
                after=d.after,
                vehicles=d.vehicles,
                repeat_days=ms.repeat_days,
                source=source,
                evidence=evidence,
                triggers=d.triggers,
                evidence_occurrences=evidence_occurrences,
                shown=shown,
                original_due=original_due,
                reschedule_reason=reason,
            )
        )
    f = _progress(states, "functional", mdef.totals)
    c = _progress(states, "customer", mdef.totals)
    return Milestones(
        map=mdef.id,
        journey_start=journey_start,
        functional_progress=f,
        customer_progress=c,
        success_gap=max(0.0, f - c) * 100.0,
        route="off-track" if overdue_list else "on-track",
        reached=tuple(s.id for s in states if s.status == "reached"),
        next=tuple(next_ids),
        overdue=tuple(overdue_list),
        states=tuple(states),
    )


def _reschedule(
    agreed: list[tuple[date, date, str | None]] | None, as_of: date, shown: date | None
) -> tuple[date, str | None] | None:
    """The due date and reason of the reschedule in force at ``as_of`` (SPEC
    section 9): the latest ``on`` on or before the date (of two on one day,
    the one written last), unless the milestone was reached on or after that
    ``on``: the reschedule was for the cycle it was agreed in, and a reached
    cycle is over. ``shown`` is the latest date on or before ``as_of`` that
    shows the milestone reached."""
    if not agreed:
        return None
    found = None
    for entry in agreed:
        if entry[0] > as_of:
            break
        found = entry
    if found is None or (shown is not None and shown >= found[0]):
        return None
    return found[1], found[2]


def _progress(states: list[MilestoneState], kind: str, totals: dict[str, int]) -> float:
    # A map with no milestone of a type has made no progress of that type.
    total = totals[kind]
    if not total:
        return 0.0
    return sum(1 for s in states if s.type == kind and s.status == "reached") / total


# reached, occurrences, reached by evidence on (for a repeating milestone: the
# latest date its criteria held), its observations, listed entry, due, the
# occurrences by evidence, and the latest date that shows a repeating one current
_Draft = tuple[
    bool,
    tuple[date, ...],
    "date | None",
    tuple[SourceRef, ...],
    "SourceRef | None",
    date,
    tuple[date, ...],
    "date | None",
]
_NO_REFS: tuple[SourceRef, ...] = ()


def _later(day: date, days: timedelta) -> date:
    """``day`` + ``days``, or the last day of the calendar (9999-12-31) when
    the sum is past it: a due date that far out is never overdue, and a
    start of 9999-12-31 with due_days 30 is a plan, not an overflow."""
    return day + days if days <= date.max - day else date.max


def _draft(
    d: MilestoneDef, map_id: str, facts: AccountFacts, as_of: date, journey_start: date
) -> _Draft:
    ms = d.milestone
    entries = facts.listed.get(ms.id)
    listed = [entry for entry in entries if entry[0] <= as_of] if entries else []
    # Point at the latest listed entry on or before the date: the one an
    # explanation should show.
    source = facts.listed_ref(listed[-1]) if listed else None
    if d.repeat is not None and ms.criteria:
        return _repeating_by_evidence(d, map_id, facts, as_of, journey_start, listed, source)
    by_evidence = None
    evidence = _NO_REFS
    if ms.criteria:
        found = evidence_date(ms, map_id, facts)
        if found is not None and found[0] <= as_of:
            by_evidence, evidence = found
    if by_evidence is None:
        # Listed dates are sorted; a date listed twice counts once.
        occurrences = tuple(dict.fromkeys(e[0] for e in listed))
    else:
        occurrences = tuple(sorted({by_evidence, *(e[0] for e in listed)}))
    if not occurrences:
        return False, (), None, _NO_REFS, None, _later(journey_start, d.due), (), None
    if d.repeat is None:
        return (
            True,
            occurrences,
            by_evidence,
            evidence,
            source,
            _later(journey_start, d.due),
            (by_evidence,) if by_evidence else (),
            None,
        )
    # Reached before: due again repeat_days after the latest occurrence, and
    # reached only while that date has not passed.
    due = _later(occurrences[-1], d.repeat)
    return due >= as_of, occurrences, None, _NO_REFS, source, due, (), occurrences[-1]


def _repeating_by_evidence(
    d: MilestoneDef,
    map_id: str,
    facts: AccountFacts,
    as_of: date,
    journey_start: date,
    listed: list[tuple[date, int, int]],
    source: SourceRef | None,
) -> _Draft:
    """A repeating milestone with criteria (SPEC v1.2 section 4): every
    observation date on which the criteria hold shows it current, so it does
    not lapse while its evidence keeps holding; each return to holding after
    a date on which they did not is a new occurrence."""
    assert d.repeat is not None
    judged = judgments(d.milestone, map_id, facts)
    judged = judged[: bisect_right(judged, as_of, key=lambda j: j[0])]
    by_evidence: list[date] = []
    held_on: date | None = None
    evidence = _NO_REFS
    previous_held = False
    for day, refs in judged:
        if refs is None:
            previous_held = False
            continue
        if not previous_held:
            by_evidence.append(day)
        previous_held = True
        held_on, evidence = day, refs
    occurrences = tuple(sorted({*by_evidence, *(e[0] for e in listed)}))
    if not occurrences:
        return False, (), None, _NO_REFS, None, _later(journey_start, d.due), (), None
    shown = max(occurrences[-1], held_on) if held_on is not None else occurrences[-1]
    due = _later(shown, d.repeat)
    return due >= as_of, occurrences, held_on, evidence, source, due, tuple(by_evidence), shown


def judgments(
    ms: Milestone, map_id: str, facts: AccountFacts
) -> tuple[tuple[date, tuple[SourceRef, ...] | None], ...]:
    """Every observation date of the signals ``ms``'s criteria read, ascending,
    with the observations that made every criterion hold that day (None
    when one did not). Independent of the scoring date; computed once per
    account and map."""
    key = (map_id, ms.id)
    found = facts.judgments.get(key)
    if found is not None:
        return found
    series = [facts.series(c.signal) for c in ms.criteria]
    out: list[tuple[date, tuple[SourceRef, ...] | None]] = []
    for day in sorted({d for s in series for d in s.dates}):
        refs: list[SourceRef] | None = []
        for crit, s in zip(ms.criteria, series, strict=True):
            i = s.latest(day)
            if i < 0 or not holds(crit, s.values[i]):
                refs = None
                break
            assert refs is not None
            refs.append(s.ref(i))
        out.append((day, None if refs is None else tuple(refs)))
    result = tuple(out)
    facts.judgments[key] = result
    return result


def evidence_date(
    ms: Milestone, map_id: str, facts: AccountFacts
) -> tuple[date, tuple[SourceRef, ...]] | None:
    """The first observation date on which every criterion of ``ms`` held,
    each judged on its signal's latest observation up to that date.

    Independent of the scoring date (the caller keeps it only when it is on
    or before), so it is computed once per account and map."""
    key = (map_id, ms.id)
    if key in facts.evidence_dates:
        return facts.evidence_dates[key]
    series = [facts.series(c.signal) for c in ms.criteria]
    candidates = sorted({d for s in series for d in s.dates})
    found = None
    for day in candidates:
        refs = []
        for crit, s in zip(ms.criteria, series, strict=True):
            i = s.latest(day)
            if i < 0 or not holds(crit, s.values[i]):
                break
            refs.append(s.ref(i))
        else:
            found = (day, tuple(refs))
            break
    facts.evidence_dates[key] = found
    return found


def holds(crit: SignalCriterion, value: object) -> bool:
    """Whether an observed value meets a milestone criterion."""
    if crit.equals is not None:
        return same(value, crit.equals)
    if not is_number(value):
        return False
    if crit.at_least is not None:
        return value >= crit.at_least  # type: ignore[operator]
    return value <= crit.at_most  # type: ignore[operator]
