"""The internal account review's context: the customer plan plus the review.

:class:`InternalPlan` extends the customer plan, so the internal templates
extend the customer ones block by block; ``plan.review`` holds what only the
vendor's team may read: engagement, gaps, route, AX coverage, ICP fit, plays,
notes, ARR, owner and the trend.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from csplan.render import charts
from csplan.render.customer import CustomerPlan, Milestone, assemble, milestone_fields
from csplan.render.labels import AREA_LABELS, COMPONENT_LABELS, PLAY_TYPES

if TYPE_CHECKING:
    from csplan.model import Workspace
    from csplan.results import AccountDiff, AccountScore, MeasureScore, TrendPoint


@dataclass(frozen=True, slots=True)
class InternalMilestone(Milestone):
    days_late: int | None  # when overdue
    by_evidence: date | None  # the occurrence reached by the map's criteria
    lapsed: bool  # repeating milestone not reached again in time
    # SPEC section 9: the map's due date when a reschedule moved it (``due``
    # is then the agreed one), and why; internal only.
    original_due: date | None = None
    reschedule_reason: str | None = None


@dataclass(frozen=True, slots=True)
class Stakeholder:
    name: str
    role: str | None
    persona: str | None  # persona name
    champion: bool
    email: str | None


@dataclass(frozen=True, slots=True)
class Measure:
    kind: str  # signal | question | milestones
    ref: str
    label: str  # the question's text, the signal name, or "functional milestones"
    weight: float
    score: float
    evidence: str
    no_evidence: bool


@dataclass(frozen=True, slots=True)
class Override:
    """A CSM's override of a component (SPEC section 9): in force, or
    expired in the last 30 days (then ``actual`` and ``since`` are None)."""

    label: str  # the component in words
    by: str
    reason: str
    expires: date
    actual: float | None = None
    since: date | None = None


@dataclass(frozen=True, slots=True)
class Component:
    name: str
    label: str
    weight: float
    desired: float
    actual: float  # as used: the override's when one is in force
    gap: float
    measures: tuple[Measure, ...]
    rule_actual: float | None = None  # what the measures say
    override: Override | None = None


@dataclass(frozen=True, slots=True)
class Overdue:
    id: str
    name: str
    due: date
    days_late: int
    original_due: date | None = None  # the map's, when a reschedule moved it
    reschedule_reason: str | None = None


@dataclass(frozen=True, slots=True)
class Element:
    id: str
    area: str  # label
    expectation: str


@dataclass(frozen=True, slots=True)
class Criterion:
    attribute: str
    met: bool
    missing: bool
    weight: float
    value: Any


@dataclass(frozen=True, slots=True)
class IcpFit:
    id: str
    name: str
    fit: float
    ideal: bool
    threshold: float
    missing_attributes: tuple[str, ...]
    criteria: tuple[Criterion, ...]


@dataclass(frozen=True, slots=True)
class Play:
    type: str  # expansion | advocacy | conversion | risk
    type_label: str
    play: str
    milestone: str | None  # milestone name, for trigger plays
    reason: str | None  # overdue-milestone | missing-experience | engagement-gap
    ref: str | None
    about: str | None  # the milestone, component or experience element in words


@dataclass(frozen=True, slots=True)
class Note:
    date: date
    text: str


@dataclass(frozen=True, slots=True)
class TrendRow:
    as_of: date
    attainment: float
    band: str
    success_gap: float


@dataclass(frozen=True, slots=True)
class SinceLastMonth:
    """ "Since last month" (SPEC section 7): the account compared with itself
    on ``date``, the last day of the previous month, in two or three lines
    of plain text (empty: nothing moved)."""

    date: date
    lines: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Review:
    owner: str | None
    arr: float | None
    segment: str  # segment name
    segment_id: str
    segment_since: date | None
    attributes: tuple[tuple[str, Any], ...]
    stakeholders: tuple[Stakeholder, ...]
    attainment: float
    engagement_gap: float
    band: str
    components: tuple[Component, ...]
    biggest_gaps: tuple[str, ...]  # component labels, largest weighted gap first
    route: str  # on-track | off-track
    functional_progress: float
    customer_progress: float
    success_gap: float
    outcome_progress: float | None
    next: tuple[str, ...]  # milestone names
    overdue: tuple[Overdue, ...]
    coverage: float
    missing_required: tuple[Element, ...]
    missing: tuple[Element, ...]
    mismatched: tuple[Element, ...]
    icp: IcpFit | None
    plays: tuple[Play, ...]
    notes: tuple[Note, ...]
    trend: tuple[TrendRow, ...]
    components_chart: charts.BarsChart
    trend_chart: charts.TrendChart | None
    # SPEC section 9: before the account's start, "not started" stands in for
    # attainment and band.
    started: bool = True
    since: SinceLastMonth | None = None  # None: not compared (no diff given)
    expired_overrides: tuple[Override, ...] = ()  # expired in the last 30 days
    rescheduled: tuple[InternalMilestone, ...] = ()  # due dates moved with the customer


@dataclass(frozen=True, slots=True)
class InternalPlan(CustomerPlan):
    """Everything an internal review template can read, as ``plan``."""

    review: Review


def internal_plan(
    ws: Workspace,
    score: AccountScore,
    trend: tuple[TrendPoint, ...] = (),
    since: AccountDiff | None = None,
) -> InternalPlan:
    """The internal review of ``score``'s account; ``trend`` is the engine's
    month-end history (empty: no trend section), ``since`` the account's diff
    from the last day of the previous month to the score's date (None: no
    "since last month" lines)."""
    account = ws.accounts[score.id]
    vendor = ws.settings.vendor
    milestones = tuple(
        InternalMilestone(
            **milestone_fields(ws, n, s, account.name, vendor, s.status),  # type: ignore[arg-type]
            days_late=s.days_late,
            by_evidence=s.by_evidence,
            lapsed=s.lapsed,
            original_due=s.original_due,
            reschedule_reason=s.reschedule_reason,
        )
        for n, s in enumerate(score.milestones.states, 1)
    )
    review = _review(ws, score, trend or score.trend, since)
    review = replace(review, rescheduled=tuple(m for m in milestones if m.original_due))
    return assemble(ws, score, milestones, InternalPlan, review=review)


def last_month_end(day: date) -> date | None:
    """The last day of the month before ``day``'s: what "since last month"
    compares with (31 October for any day of November); None in January of
    year 1, which has no month before it."""
    first = day.replace(day=1)
    return None if first == date.min else first - timedelta(days=1)


SINCE_COMPONENTS = 3  # components named in the "since last month" line
SINCE_MEASURES = 2  # measures named per component


def since_last_month(score: AccountScore, diff: AccountDiff) -> SinceLastMonth:
    """The "since last month" lines: attainment and band with the components
    that moved most and the measures behind them; then milestones; then
    route, segment and outcome when they changed."""
    from csplan.report.diff import signed, top_moves
    from csplan.wording import component_label

    names = {s.id: s.name for s in score.milestones.states}
    earlier = diff.before_score.as_of if diff.before_score is not None else score.as_of
    before, after = diff.before, diff.after
    if diff.status == "unchanged" or before is None or after is None:
        return SinceLastMonth(earlier, ())
    change = after.attainment - before.attainment
    head = f"Attainment {before.attainment:.1f} → {after.attainment:.1f} ({signed(change)})"
    head += (
        f", band {before.band} → {after.band}"
        if before.band != after.band
        else f", band {after.band}"
    )
    moves = []
    for c in top_moves(diff, SINCE_COMPONENTS):
        text = f"{component_label(c.name)} {signed(c.change)}"
        measures = [
            f"{m.ref} {_score(m.before)} → {_score(m.after)}" for m in c.measures[:SINCE_MEASURES]
        ]
        if measures:
            text += f" ({', '.join(measures)})"
        moves.append(text)
    lines = [head + (": " + ", ".join(moves) if moves else "")]
    m = diff.milestones
    events = [
        f"{label} {', '.join(names.get(i, i) for i in ids)}"
        for label, ids in (
            ("reached", m.reached),
            ("lapsed", m.lapsed),
            ("now overdue", m.overdue),
            ("no longer overdue", m.recovered),
        )
        if ids
    ]
    if events:
        lines.append("Milestones " + "; ".join(events))
    other = [
        f"{label} {old} → {new}"
        for label, old, new in (
            ("route", before.route, after.route),
            ("segment", before.segment, after.segment),
            ("desired outcome", before.outcome, after.outcome),
        )
        if old != new
    ]
    if other:
        lines.append(other[0][0].upper() + "; ".join(other)[1:])
    return SinceLastMonth(earlier, tuple(lines))


def _score(m: MeasureScore | None) -> str:
    return "none" if m is None else f"{m.score:.2f}"


def _review(
    ws: Workspace,
    score: AccountScore,
    trend: tuple[TrendPoint, ...],
    since: AccountDiff | None = None,
) -> Review:
    account = ws.accounts[score.id]
    segment = ws.segments.get(score.segment)
    names = {s.id: s.name for s in score.milestones.states}
    reasons = {s.id: s.reschedule_reason for s in score.milestones.states}
    components = tuple(
        Component(
            c.name,
            COMPONENT_LABELS.get(c.name, c.name),
            c.weight,
            c.desired,
            c.actual,
            c.gap,
            tuple(
                Measure(
                    m.kind,
                    m.ref,
                    _measure_label(ws, score, m.kind, m.ref),
                    m.weight,
                    m.score,
                    m.evidence,
                    m.no_evidence,
                )
                for m in c.measures
            ),
            rule_actual=c.rule_actual,
            override=None
            if c.override is None
            else Override(
                COMPONENT_LABELS.get(c.name, c.name),
                c.override.by,
                c.override.reason.strip(),
                c.override.expires,
                c.override.actual,
                c.override.since,
            ),
        )
        for c in score.engagement.components
    )
    bands = [(b.name, b.min) for b in ws.settings.bands]
    return Review(
        owner=account.owner,
        arr=account.arr,
        segment=segment.name if segment is not None else score.segment,
        segment_id=score.segment,
        segment_since=score.segment_since,
        attributes=tuple(account.attributes.items()),
        stakeholders=tuple(
            Stakeholder(
                s.name,
                s.role,
                ws.personas[s.persona].name if s.persona in ws.personas else s.persona,
                s.champion,
                s.email,
            )
            for s in account.stakeholders
        ),
        attainment=score.engagement.attainment,
        engagement_gap=score.engagement.gap,
        band=score.engagement.band,
        components=components,
        biggest_gaps=tuple(COMPONENT_LABELS.get(g, g) for g in score.engagement.biggest_gaps),
        route=score.milestones.route,
        functional_progress=score.milestones.functional_progress,
        customer_progress=score.milestones.customer_progress,
        success_gap=score.milestones.success_gap,
        outcome_progress=score.outcome.progress if score.outcome is not None else None,
        next=tuple(names.get(i, i) for i in score.milestones.next),
        overdue=tuple(
            Overdue(
                o.id,
                names.get(o.id, o.id),
                o.due,
                o.days_late,
                o.original_due,
                reasons.get(o.id),
            )
            for o in score.milestones.overdue
        ),
        coverage=score.experience.coverage,
        missing_required=_elements(ws, score.experience.id, score.experience.missing_required),
        missing=_elements(ws, score.experience.id, score.experience.missing),
        mismatched=_elements(ws, score.experience.id, score.experience.mismatched),
        icp=_icp(ws, score),
        plays=tuple(_play(ws, score, p, names) for p in score.plays),
        notes=tuple(Note(n.date, n.text) for n in account.notes if n.date <= score.as_of),
        trend=tuple(TrendRow(t.as_of, t.attainment, t.band, t.success_gap) for t in trend),
        components_chart=charts.bars([(c.label, c.actual, c.desired) for c in components]),
        trend_chart=charts.trend([(t.as_of, t.attainment, t.success_gap) for t in trend], bands)
        if trend
        else None,
        started=score.started,
        since=since_last_month(score, since) if since is not None else None,
        expired_overrides=tuple(
            Override(
                COMPONENT_LABELS.get(x.component, x.component), x.by, x.reason.strip(), x.expires
            )
            for x in score.expired_overrides
        ),
    )


def _play(ws: Workspace, score: AccountScore, play: Any, names: dict[str, str]) -> Play:
    milestone = names.get(play.milestone, play.milestone) if play.milestone else None
    about = milestone
    if play.reason == "overdue-milestone" and play.ref:
        about = names.get(play.ref, play.ref)
    elif play.reason == "engagement-gap" and play.ref:
        about = COMPONENT_LABELS.get(play.ref, play.ref)
    elif play.reason == "missing-experience" and play.ref:
        about = _elements(ws, score.experience.id, (play.ref,))[0].expectation
    return Play(
        play.type,
        PLAY_TYPES.get(play.type, play.type),
        play.play,
        milestone,
        play.reason,
        play.ref,
        about,
    )


def _measure_label(ws: Workspace, score: AccountScore, kind: str, ref: str) -> str:
    if kind == "milestones":
        return f"{ref} milestones" if ref != "all" else "all milestones"
    if kind == "question":
        model = ws.engagement_models.get(score.engagement.model)
        if model is not None:
            for _, component in model.components.items():
                for measure in component.measures:
                    if getattr(measure, "question", None) == ref:
                        return str(measure.text)  # type: ignore[union-attr]
    return ref


def _elements(ws: Workspace, experience_id: str, ids: tuple[str, ...]) -> tuple[Element, ...]:
    # Element ids are unique within one experience only: the segment's own
    # experience names them first, a mismatched element comes from another.
    found: dict[str, Element] = {}
    own = ws.experiences.get(experience_id)
    for experience in ([own] if own is not None else []) + list(ws.experiences.values()):
        for e in experience.elements:
            found.setdefault(e.id, Element(e.id, AREA_LABELS[e.area], e.expectation))
    return tuple(found.get(i, Element(i, "", i)) for i in ids)


def _icp(ws: Workspace, score: AccountScore) -> IcpFit | None:
    icp = score.icp
    if icp is None:
        return None
    model = ws.icps.get(icp.id)
    return IcpFit(
        id=icp.id,
        name=model.name if model is not None else icp.id,
        fit=icp.fit,
        ideal=icp.ideal,
        threshold=icp.threshold,
        missing_attributes=icp.missing_attributes,
        criteria=tuple(
            Criterion(c.attribute, c.met, c.missing, c.weight, c.value) for c in icp.criteria
        ),
    )
