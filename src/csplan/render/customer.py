"""The customer plan's context: only what the customer may read.

:func:`customer_plan` copies customer-safe fields out of the workspace and
the engine's :class:`~csplan.results.AccountScore` into plain frozen
dataclasses. Templates receive these and nothing else (no ``Account``, no
score object), so even a workspace's own template cannot print a note, a
score, ARR or a play into a customer plan: the data is not there.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, TypeVar

from csplan.render import charts
from csplan.render.labels import (
    AREA_LABELS,
    MILESTONE_TYPES,
    VEHICLE_TYPES,
    owner_label,
    safe_url,
)

if TYPE_CHECKING:
    from csplan.model import Account, Workspace
    from csplan.results import AccountScore, MilestoneState


@dataclass(frozen=True, slots=True)
class Person:
    """A stakeholder at the customer, as the plan addresses them."""

    name: str
    role: str | None


@dataclass(frozen=True, slots=True)
class PersonaView:
    """Why the outcome matters to one persona present at the account."""

    name: str  # the persona's name, e.g. "VP Marketing"
    wording: str  # the required outcome's words for this persona
    people: tuple[str, ...]  # stakeholders with this persona


@dataclass(frozen=True, slots=True)
class Destination:
    """The desired outcome in force: point A and point B."""

    statement: str
    why: str | None
    unit: str
    direction: str  # increase | decrease
    personas: tuple[PersonaView, ...]
    baseline: float
    start: date  # when the baseline was taken (point A)
    target: float
    by: date | None  # point B
    current: float | None
    current_as_of: date | None
    since: date


@dataclass(frozen=True, slots=True)
class Change:
    """A change of destination: the previous version and why it moved."""

    previous_statement: str | None  # set only when the required outcome itself changed
    previous_baseline: float
    previous_target: float
    previous_by: date | None
    previous_unit: str
    target: float
    by: date | None
    since: date
    reason: str | None
    # The statement of the outcome the milestone map still leads to, when it
    # is not the new destination (CSP307); None when the route follows it.
    route_statement: str | None = None


@dataclass(frozen=True, slots=True)
class ExperienceArea:
    """How we work together in one area (sales, onboarding, support...)."""

    area: str  # the area's code, e.g. professional-services
    label: str  # e.g. Professional services
    expectations: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Vehicle:
    name: str
    type: str  # training | community | curriculum | content | service
    type_label: str
    url: str | None  # only http(s) and mailto links survive


@dataclass(frozen=True, slots=True)
class Milestone:
    number: int  # position on the route, 1-based; the chart's marker number
    id: str
    name: str
    type: str  # functional | customer
    type_label: str
    owner: str  # customer | vendor | joint
    owner_label: str
    status: str  # reached | next | upcoming | reschedule (customer) / overdue (internal)
    reached: tuple[date, ...]  # every time it was reached, ascending
    due: date | None
    repeat_days: int | None
    vehicles: tuple[Vehicle, ...]


@dataclass(frozen=True, slots=True)
class Step:
    action: str
    owner: str  # customer | vendor | joint
    owner_label: str
    due: date | None


@dataclass(frozen=True, slots=True)
class CustomerPlan:
    """Everything a customer plan template can read, as ``plan``."""

    audience: str
    vendor: str
    as_of: date
    account_id: str
    account_name: str
    people: tuple[Person, ...]
    message: str | None
    outcome: Destination | None  # None before the first desired outcome starts
    change: Change | None
    experience: tuple[ExperienceArea, ...]
    milestones: tuple[Milestone, ...]
    next_steps: tuple[Step, ...]
    journey_start: date
    roadmap_chart: charts.RoadmapChart
    journey_chart: charts.JourneyChart | None


_P = TypeVar("_P", bound=CustomerPlan)
_CUSTOMER_STATUS = {"overdue": "reschedule"}


def customer_plan(ws: Workspace, score: AccountScore) -> CustomerPlan:
    """The customer plan for ``score``'s account. Overdue milestones get the
    status ``reschedule``: the customer is invited to plan them again, not
    told they are late."""
    account = ws.accounts[score.id]
    milestones = tuple(
        _milestone(
            ws,
            n,
            state,
            account.name,
            ws.settings.vendor,
            _CUSTOMER_STATUS.get(state.status, state.status),
        )
        for n, state in enumerate(score.milestones.states, 1)
    )
    return assemble(ws, score, milestones, CustomerPlan)


def assemble(
    ws: Workspace,
    score: AccountScore,
    milestones: tuple[Milestone, ...],
    cls: type[_P],
    **extra: object,
) -> _P:
    """Build ``cls`` (the customer plan or a subclass of it) from the
    customer-safe parts of the workspace and score, plus ``extra`` fields."""
    account = ws.accounts[score.id]
    vendor = ws.settings.vendor
    destination = _destination(ws, account, score)
    return cls(
        audience="customer" if cls is CustomerPlan else "internal",
        vendor=vendor,
        as_of=score.as_of,
        account_id=account.id,
        account_name=account.name,
        people=tuple(Person(s.name, s.role) for s in account.stakeholders),
        message=account.plan.message,
        outcome=destination,
        change=_change(ws, score),
        experience=_experience(ws, score),
        milestones=milestones,
        next_steps=tuple(
            Step(s.action, s.owner, owner_label(s.owner, account.name, vendor), s.due)
            for s in account.plan.next_steps
        ),
        journey_start=score.milestones.journey_start,
        roadmap_chart=charts.roadmap(
            score.milestones.journey_start,
            score.as_of,
            destination.by if destination else None,
            [(_when(m), m.status) for m in milestones],
        ),
        journey_chart=charts.journey(score.outcome.progress) if score.outcome is not None else None,
        **extra,
    )


def _when(milestone: Milestone) -> date:
    """Where a milestone sits on the time line: when it was first reached
    (a repeating one: last reached), else when it is due."""
    if milestone.status == "reached" and milestone.reached:
        return milestone.reached[-1] if milestone.repeat_days else milestone.reached[0]
    if milestone.due is not None:
        return milestone.due
    return milestone.reached[-1] if milestone.reached else date.min


def milestone_fields(
    ws: Workspace, number: int, state: MilestoneState, account: str, vendor: str, status: str
) -> dict[str, object]:
    """The customer-safe fields of one milestone on the route."""
    return dict(
        number=number,
        id=state.id,
        name=state.name,
        type=state.type,
        type_label=MILESTONE_TYPES[state.type],
        owner=state.owner,
        owner_label=owner_label(state.owner, account, vendor),
        status=status,
        reached=tuple(state.occurrences),
        due=state.due,
        repeat_days=state.repeat_days,
        vehicles=tuple(_vehicle(ws, v) for v in state.vehicles if v in ws.vehicles),
    )


def _milestone(
    ws: Workspace, number: int, state: MilestoneState, account: str, vendor: str, status: str
) -> Milestone:
    return Milestone(**milestone_fields(ws, number, state, account, vendor, status))  # type: ignore[arg-type]


def _vehicle(ws: Workspace, vehicle_id: str) -> Vehicle:
    vehicle = ws.vehicles[vehicle_id]
    return Vehicle(vehicle.name, vehicle.type, VEHICLE_TYPES[vehicle.type], safe_url(vehicle.url))


def _destination(ws: Workspace, account: Account, score: AccountScore) -> Destination | None:
    outcome = score.outcome
    if outcome is None:
        return None
    required = ws.outcomes[outcome.id]
    return Destination(
        statement=required.statement,
        why=required.why,
        unit=outcome.unit,
        direction=outcome.direction,
        personas=_personas(ws, account, score.segment, required.personas),
        baseline=outcome.baseline,
        start=_baseline_date(account, outcome.since),
        target=outcome.target,
        by=outcome.by,
        current=outcome.current,
        current_as_of=outcome.current_as_of,
        since=outcome.since,
    )


def _baseline_date(account: Account, since: date) -> date:
    """When point A was measured: the first of the consecutive versions, up
    to the one in force, that share its outcome and baseline. A new target
    keeps the old starting point; a new outcome starts a new one."""
    versions = [v for v in account.desired_outcomes if v.since <= since]
    current = versions[-1]
    start = current.since
    for version in reversed(versions[:-1]):
        if version.outcome != current.outcome or version.baseline != current.baseline:
            break
        start = version.since
    return start


def _personas(
    ws: Workspace, account: Account, segment_id: str, wording: dict[str, str]
) -> tuple[PersonaView, ...]:
    """The personas present among the stakeholders (in their order); when no
    stakeholder names a persona, the segment's personas."""
    present: dict[str, list[str]] = {}
    for person in account.stakeholders:
        if person.persona is not None:
            present.setdefault(person.persona, []).append(person.name)
    if not present:
        segment = ws.segments.get(segment_id)
        present = {p: [] for p in segment.personas} if segment is not None else {}
    return tuple(
        PersonaView(ws.personas[p].name if p in ws.personas else p, wording[p], tuple(people))
        for p, people in present.items()
        if p in wording
    )


def _change(ws: Workspace, score: AccountScore) -> Change | None:
    outcome = score.outcome
    if outcome is None or outcome.previous is None:
        return None
    previous = outcome.previous
    moved = previous.id != outcome.id
    old = ws.outcomes.get(previous.id)
    return Change(
        previous_statement=old.statement if moved and old is not None else None,
        previous_baseline=previous.baseline,
        previous_target=previous.target,
        previous_by=previous.by,
        previous_unit=old.metric.unit if old is not None else outcome.unit,
        target=outcome.target,
        by=outcome.by,
        since=outcome.since,
        reason=outcome.reason,
        route_statement=_route_elsewhere(ws, score),
    )


def _route_elsewhere(ws: Workspace, score: AccountScore) -> str | None:
    """What the segment's milestone map leads to, when that is not the
    desired outcome in force: the plan must not claim the route follows it."""
    segment = ws.segments.get(score.segment)
    m_map = ws.maps.get(segment.milestone_map) if segment is not None else None
    if m_map is None or score.outcome is None or m_map.outcome == score.outcome.id:
        return None
    destination = ws.outcomes.get(m_map.outcome)
    return destination.statement if destination is not None else m_map.outcome


def _experience(ws: Workspace, score: AccountScore) -> tuple[ExperienceArea, ...]:
    experience = ws.experiences.get(score.experience.id)
    if experience is None:
        return ()
    by_area: dict[str, list[str]] = {}
    for element in experience.elements:
        by_area.setdefault(element.area, []).append(element.expectation)
    return tuple(
        ExperienceArea(area, AREA_LABELS[area], tuple(by_area[area]))
        for area in AREA_LABELS
        if area in by_area
    )
