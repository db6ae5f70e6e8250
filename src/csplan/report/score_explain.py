"""``csplan score --explain``: every figure with the evidence behind it.

Plain text, one account after another: which observation, answer, listed
date or attribute gave which number, with its file and line, and the
arithmetic of each formula of SPEC section 4.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import TYPE_CHECKING, Any

from csplan.findings import RowRef, SourceRef
from csplan.wording import RISK_GAPS, component_label, fmt

if TYPE_CHECKING:
    from csplan.model import Workspace
    from csplan.results import (
        AccountDiff,
        AccountScore,
        ComponentScore,
        MeasureScore,
        MilestoneState,
    )


def explain(score: AccountScore, ws: Workspace) -> str:
    """The explanation of one account's score, as text."""
    from csplan.wording import printable

    # Names, notes and play texts are the workspace's own words: no control
    # character of theirs reaches the terminal.
    return printable("\n".join(_lines(score, ws)) + "\n")


def _at(ws: Workspace, ref: SourceRef | None) -> str:
    where = ws.evidence_location(ref)
    if where is None:
        return ""
    # A data source's row: its DataSource document, then which row it was.
    row = ""
    if isinstance(ref, RowRef):
        row = f", {ref.source_id} row {ref.row}" if ref.row else f", {ref.source_id}"
    return f" ({where[0]}:{where[1]}{row})"


def _lines(score: AccountScore, ws: Workspace) -> Iterator[str]:
    yield f"{score.id} - {score.name}{_at(ws, score.source)}, as of {score.as_of}"
    since = f" since {score.segment_since}" if score.segment_since else ""
    yield f"Segment {score.segment}{since}"
    yield ""
    yield from _engagement(score, ws)
    yield ""
    yield from _milestones(score, ws)
    yield ""
    yield from _outcome(score, ws)
    yield ""
    yield from _experience(score, ws)
    yield ""
    yield from _icp(score, ws)
    yield ""
    yield from _plays(score, ws)


def _engagement(score: AccountScore, ws: Workspace) -> Iterator[str]:
    e = score.engagement
    num, den, band_min = e.attained, e.desired_total, e.band_min
    if not score.started:
        # SPEC section 9: the figures are computed, but no attainment or band
        # is given before the start.
        yield (
            f"Engagement: not started (the account starts {score.start}); attainment and band"
            " count from the start, and the figures below are the evidence so far"
        )
    else:
        yield (
            f"Engagement attainment {e.attainment:.2f}, band {e.band} "
            f"(the highest band starting at or below it: {e.band} from {fmt(band_min)})"
        )
    if den > 0:
        yield (
            f"  attainment = 100 x sum(weight x min(actual, desired)) / sum(weight x desired)"
            f" = 100 x {num:.4f} / {den:.4f}"
        )
    else:
        yield "  nothing is desired (every weight x desired is 0), so attainment is 100"
    yield f"  engagement gap = 100 - {e.attainment:.2f} = {e.gap:.2f}"
    yield f"  engagement model {e.model}"
    for c in e.components:
        yield from _component(c, ws)
    for x in score.expired_overrides:
        yield (
            f"  override expired on {x.expires}{_at(ws, x.source)}: {component_label(x.component)}"
            f" by {x.by} ({x.reason.strip()}); the rules' figure is back in use"
        )
    if e.biggest_gaps:
        by_name = {c.name: c for c in e.components}
        gaps = ", ".join(
            f"{component_label(n)} {by_name[n].weighted_gap:.2f}" for n in e.biggest_gaps
        )
        yield f"  biggest gaps (weight x gap): {gaps}"
    else:
        yield "  biggest gaps: none, every component is at or above its desired state"


def _component(c: ComponentScore, ws: Workspace) -> Iterator[str]:
    yield (
        f"  {component_label(c.name)}: actual {c.actual:.2f} of desired {c.desired:.2f} "
        f"(weight {fmt(c.weight)}), gap {c.gap:.2f}"
    )
    o = c.override
    if o is not None:
        # SPEC section 9: the rules' figure and the CSM's, side by side.
        yield (
            f"    overridden: {o.actual:.2f} set by {o.by}{_at(ws, o.source)}, in force"
            f" {o.since} to {o.expires}: {o.reason.strip()}"
        )
        yield f"    the rules say {c.rule_actual:.2f} (the measures below); the override is used"
    if not c.measures:
        yield "    no measures: actual 0"
        return
    for m in c.measures:
        yield f"    {_measure(m, ws)}"


def _measure(m: MeasureScore, ws: Workspace) -> str:
    head = f"{m.kind} {m.ref} = {m.score:.2f} (weight {fmt(m.weight)}): "
    if m.kind == "question":
        if m.no_evidence:
            return head + "never answered: no evidence"
        return head + f"answered '{m.value}' on {m.as_of}{_at(ws, m.source)}"
    if m.kind == "milestones":
        return head + m.evidence
    scale = f"; scale bad {fmt(m.bad)} -> good {fmt(m.good)}"
    if m.as_of is None:
        return head + "nothing reported on or before the date: no evidence" + scale
    if m.stale:
        return head + (
            f"{fmt(m.value)} on {m.as_of}{_at(ws, m.source)} is older than "
            f"{m.max_age_days} days: no evidence"
        )
    if m.no_evidence:
        return head + f"{fmt(m.value)} on {m.as_of}{_at(ws, m.source)} is not a number: no evidence"
    return head + f"{fmt(m.value)} on {m.as_of}{_at(ws, m.source)}" + scale


def _milestones(score: AccountScore, ws: Workspace) -> Iterator[str]:
    m = score.milestones
    start = (
        "the account's start"
        if m.journey_start == ws.accounts[score.id].start
        else "the segment's since"
    )
    yield f"Milestones on map {m.map}, journey start {m.journey_start} ({start})"
    for s in m.states:
        yield f"  {s.id} ({s.type}, owner {s.owner}): {_state(s, ws)}"
    functional = [s for s in m.states if s.type == "functional"]
    customer = [s for s in m.states if s.type == "customer"]
    f_done = sum(1 for s in functional if s.status == "reached")
    c_done = sum(1 for s in customer if s.status == "reached")
    yield (
        f"  functional progress {f_done}/{len(functional)} = {m.functional_progress:.2f}; "
        f"customer progress {c_done}/{len(customer)} = {m.customer_progress:.2f}"
    )
    yield (
        f"  success gap = max(0, {m.functional_progress:.2f} - {m.customer_progress:.2f}) x 100 "
        f"= {m.success_gap:.1f} points"
    )
    if m.overdue:
        yield f"  route off-track: {len(m.overdue)} overdue ({', '.join(o.id for o in m.overdue)})"
    else:
        yield "  route on-track: no milestone is overdue"
    if m.next:
        yield f"  next: {', '.join(m.next)}"


def _state(s: MilestoneState, ws: Workspace) -> str:
    parts = []
    listed = [d for d in s.occurrences if d not in s.evidence_occurrences]
    if listed:
        parts.append("listed " + ", ".join(str(d) for d in listed) + _at(ws, s.source))
    if s.by_evidence is not None:
        refs = "".join(_at(ws, r) for r in s.evidence)
        if s.repeat_days and s.evidence_occurrences:
            reached = ", ".join(str(d) for d in s.evidence_occurrences)
            parts.append(
                f"reached by evidence on {reached}; criteria last held {s.by_evidence}{refs}"
            )
        else:
            parts.append(f"reached by evidence on {s.by_evidence}{refs}")
    history = "; ".join(parts) if parts else "no occurrence on or before the date"
    if s.status == "reached":
        state = "reached"
        if s.repeat_days:
            state += f" (repeats every {s.repeat_days} days: due again {s.due})"
    elif s.status == "overdue":
        why = f"{s.shown} + {s.repeat_days} days" if s.lapsed else "journey start + due days"
        if s.original_due is not None:
            why = "agreed in a reschedule"
        state = f"overdue {s.days_late} days (due {s.due} = {why})"
        if s.lapsed:
            state = "lapsed, " + state
    else:
        state = f"{s.status}, due {s.due}"
    if s.original_due is not None:
        reason = f": {s.reschedule_reason}" if s.reschedule_reason else ""
        state += f" (rescheduled from {s.original_due}{reason})"
    return f"{state}; {history}"


def _outcome(score: AccountScore, ws: Workspace) -> Iterator[str]:
    o = score.outcome
    if o is None:
        yield "Outcome: none in force (the first desired outcome starts later)"
        return
    by = f" by {o.by}" if o.by else ""
    yield (
        f"Outcome {o.id} in force since {o.since}{_at(ws, o.source)}: baseline {fmt(o.baseline)}, "
        f"target {fmt(o.target)} {o.unit}{by} ({o.direction})"
    )
    if o.previous is not None:
        yield (
            f"  changed from {o.previous.id}, {fmt(o.previous.baseline)} -> "
            f"{fmt(o.previous.target)} (since {o.previous.since})"
            + (f": {o.reason}" if o.reason else "")
        )
    if o.progress is None:
        yield f"  {o.signal}: nothing reported on or before the date: progress unknown"
        return
    yield f"  current {fmt(o.current)} on {o.current_as_of}{_at(ws, o.evidence)}"
    verdict = " - achieved" if o.progress >= 1 else ""
    yield (
        f"  progress = ({fmt(o.current)} - {fmt(o.baseline)}) / "
        f"({fmt(o.target)} - {fmt(o.baseline)}) "
        f"= {o.progress:.3f} ({o.progress * 100:.0f}%){verdict}"
    )


def _experience(score: AccountScore, ws: Workspace) -> Iterator[str]:
    x = score.experience
    total = len(x.in_place) + len(x.missing)
    yield (
        f"Appropriate experience {x.id}: {len(x.in_place)} of {total} elements in place "
        f"= {x.coverage:.2f}"
    )
    where = dict(x.sources)
    required = {e.id for e in ws.experiences[x.id].elements if e.required}
    for element in ws.experiences[x.id].elements:
        tag = " (required)" if element.id in required else ""
        if element.id in where:
            yield f"  {element.id}{tag}: in place{_at(ws, where[element.id])}"
        else:
            yield f"  {element.id}{tag}: missing"
    for stray in x.mismatched:
        at = _at(ws, where.get(stray))
        yield f"  {stray}: in place{at} but not part of {x.id} (mismatched)"


def _icp(score: AccountScore, ws: Workspace) -> Iterator[str]:
    i = score.icp
    if i is None:
        yield "ICP: the segment names no ideal customer profile"
        return
    met, total = i.met_weight, i.total_weight
    verdict = "ideal" if i.ideal else "not ideal"
    yield (
        f"ICP {i.id}: fit {fmt(met)} / {fmt(total)} = {i.fit:.2f}, "
        f"threshold {i.threshold:.2f}: {verdict}"
    )
    for c in i.criteria:
        rule = f"{c.attribute} {c.operator.replace('_', ' ')} {_operand(c.expected)}"
        if c.missing:
            yield f"  {rule}: not recorded, does not meet (weight {fmt(c.weight)})"
        else:
            verb = "meets" if c.met else "does not meet"
            at = _at(ws, c.source)
            yield f"  {rule}: {_operand(c.value)} {verb} (weight {fmt(c.weight)}){at}"


def _operand(value: Any) -> str:
    if isinstance(value, list):
        return "[" + ", ".join(_operand(v) for v in value) + "]"
    return fmt(value)


def _plays(score: AccountScore, ws: Workspace) -> Iterator[str]:
    if not score.plays:
        yield "Plays: none"
        return
    window = ws.settings.play_window_days
    latest = {s.id: s.latest for s in score.milestones.states}
    yield "Plays"
    for p in score.plays:
        if p.milestone is not None:
            when = latest.get(p.milestone)
            ago = (score.as_of - when).days if when else 0
            yield (
                f"  {p.type}: {p.play} - milestone {p.milestone} reached {when}, {ago} days ago "
                f"(within {window})"
            )
        elif p.reason == "overdue-milestone":
            yield f"  risk: {p.play} - milestone {p.ref} is overdue"
        elif p.reason == "missing-experience":
            yield f"  risk: {p.play} - required element {p.ref} is missing"
        else:
            yield f"  risk: {p.play} - among the {RISK_GAPS} biggest engagement gaps"


def explain_since(diff: AccountDiff, ws: Workspace, since: date) -> str:
    """``score --explain --since``: what moved for the account between
    ``since`` and the scoring date (SPEC section 7 on one workspace), as the
    text that follows its explanation."""
    from csplan.wording import printable

    return printable("\n".join(_since(diff, ws, since)) + "\n")


def _since(diff: AccountDiff, ws: Workspace, since: date) -> Iterator[str]:
    from csplan.report.diff import signed

    yield f"Since {since}"
    before, after = diff.before, diff.after
    if diff.status == "unchanged" or before is None or after is None:
        yield "  nothing moved: every figure, measure, milestone and play is as it was"
        return
    change = after.attainment - before.attainment if diff.change is None else diff.change
    band = (
        f"band {before.band} -> {after.band}"
        if before.band != after.band
        else f"band {after.band} (unchanged)"
    )
    yield (
        f"  attainment {before.attainment:.2f} -> {after.attainment:.2f} "
        f"({signed(change, 2)}), {band}"
    )
    for label, old, new in (
        ("segment", before.segment, after.segment),
        ("route", before.route, after.route),
    ):
        if old != new:
            yield f"  {label} {old} -> {new}"
    if before.success_gap != after.success_gap:
        yield f"  success gap {before.success_gap:.1f} -> {after.success_gap:.1f} points"
    for c in diff.components:
        if c.change == 0 and not c.measures:
            continue
        yield (
            f"  {component_label(c.name)} {signed(c.change, 2)} "
            f"(contributes {c.before:.2f} -> {c.after:.2f} of the attainment)"
        )
        for m in c.measures:
            yield f"    {m.kind} {m.ref} {_score(m.before)} -> {_score(m.after)}"
            yield f"      before: {_evidence(m.before, ws)}"
            yield f"      after:  {_evidence(m.after, ws)}"
    if abs(diff.unattributed) > 1e-9:
        yield (
            f"  {signed(diff.unattributed, 2)} not explained by components: one side desires"
            " nothing, so its attainment is 100 by definition"
        )
    ms = diff.milestones
    for label, ids in (
        ("milestones reached", ms.reached),
        ("milestones lapsed", ms.lapsed),
        ("milestones now overdue", ms.overdue),
        ("milestones no longer overdue", ms.recovered),
    ):
        if ids:
            yield f"  {label}: {', '.join(ids)}"
    for label, plays in (("play added", diff.plays.added), ("play removed", diff.plays.removed)):
        for p in plays:
            yield f"  {label} ({p.type}): {p.play}"


def _score(m: MeasureScore | None) -> str:
    return "not measured" if m is None else f"{m.score:.2f}"


def _evidence(m: MeasureScore | None, ws: Workspace) -> str:
    if m is None:
        return "the measure is not in the engagement model on this side"
    return f"{m.evidence}{_at(ws, m.source)}"
