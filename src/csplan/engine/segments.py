"""Per-workspace lookups, built once and shared by every account scored.

Segments resolve to their milestone map, engagement model, experience and
ICP; engagement models are flattened into plain tuples so that the hot loop
reads attributes of small slotted objects instead of walking pydantic models.
Built once per :class:`csplan.engine.Scorer`, which every caller that scores
more than one account (or a trend) keeps.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING, Literal

from csplan.findings import SourceRef

if TYPE_CHECKING:
    from csplan.model import (
        AppropriateExperience,
        IdealCustomerProfile,
        Milestone,
        MilestoneMap,
        RequiredOutcome,
        Segment,
        Workspace,
    )


@dataclass(frozen=True, slots=True)
class MeasureDef:
    kind: Literal["signal", "question", "milestones"]
    ref: str
    weight: float
    definition: SourceRef
    good: float = 0.0
    bad: float = 0.0
    max_age_days: int | None = None


@dataclass(frozen=True, slots=True)
class ComponentDef:
    name: str
    weight: float
    desired: float
    measures: tuple[MeasureDef, ...]


@dataclass(frozen=True, slots=True)
class ModelDef:
    id: str
    components: tuple[ComponentDef, ...]


@dataclass(frozen=True, slots=True)
class MilestoneDef:
    """A milestone with its lists as tuples, ready to copy into results."""

    milestone: Milestone
    after: tuple[str, ...]
    vehicles: tuple[str, ...]
    triggers: tuple[tuple[str, str], ...]  # (type, play)
    due: timedelta  # due_days
    repeat: timedelta | None  # repeat_days


@dataclass(frozen=True, slots=True)
class MapDef:
    id: str
    milestones: tuple[MilestoneDef, ...]  # route order
    totals: dict[str, int]  # "functional" / "customer" / "all" -> count


@dataclass(frozen=True, slots=True)
class SegmentDef:
    segment: Segment
    map: MapDef
    model: ModelDef
    outcome: RequiredOutcome | None  # the map's required outcome
    experience: AppropriateExperience
    element_ids: frozenset[str]
    expectations: dict[str, str]  # element id -> expectation
    icp: IdealCustomerProfile | None


@dataclass(frozen=True, slots=True)
class Index:
    segments: dict[str, SegmentDef]
    bands: tuple[tuple[float, str], ...]  # (min, name), highest min first
    play_window_days: int


def index(ws: Workspace) -> Index:
    """The lookups of ``ws``: build them once per workspace scored, and pass
    them along (:class:`csplan.engine.Scorer` does)."""
    return _build(ws)


def _build(ws: Workspace) -> Index:
    maps = {m.id: _map(m) for m in ws.maps.values()}
    models = {}
    for model in ws.engagement_models.values():
        comps = []
        for name, comp in model.components.items():
            base = model.source.child("components", name, "measures")
            measures = tuple(_measure(m, base.child(i)) for i, m in enumerate(comp.measures))
            comps.append(ComponentDef(name, comp.weight, comp.desired, measures))
        models[model.id] = ModelDef(model.id, tuple(comps))
    segments = {}
    for seg in ws.segments.values():
        mdef = maps[seg.milestone_map]
        experience = ws.experiences[seg.experience]
        segments[seg.id] = SegmentDef(
            segment=seg,
            map=mdef,
            model=models[seg.engagement],
            outcome=ws.outcomes.get(ws.maps[seg.milestone_map].outcome),
            experience=experience,
            element_ids=frozenset(e.id for e in experience.elements),
            expectations={e.id: e.expectation for e in experience.elements},
            icp=ws.icps[seg.icp] if seg.icp is not None else None,
        )
    bands = tuple(sorted(((b.min, b.name) for b in ws.settings.bands), key=lambda b: -b[0]))
    return Index(segments, bands, ws.settings.play_window_days)


def _map(m: MilestoneMap) -> MapDef:
    functional = sum(1 for ms in m.milestones if ms.type == "functional")
    totals = {
        "functional": functional,
        "customer": len(m.milestones) - functional,
        "all": len(m.milestones),
    }
    defs = tuple(
        MilestoneDef(
            ms,
            tuple(ms.after),
            tuple(ms.vehicles),
            tuple((t.type, t.play) for t in ms.triggers),
            timedelta(days=ms.due_days),
            timedelta(days=ms.repeat_days) if ms.repeat_days is not None else None,
        )
        for ms in m.milestones
    )
    return MapDef(m.id, defs, totals)


def _measure(measure: object, definition: SourceRef) -> MeasureDef:
    from csplan.model import QuestionMeasure, SignalMeasure

    if isinstance(measure, SignalMeasure):
        return MeasureDef(
            "signal",
            measure.signal,
            measure.weight,
            definition,
            measure.good,
            measure.bad,
            measure.max_age_days,
        )
    if isinstance(measure, QuestionMeasure):
        return MeasureDef("question", measure.question, measure.weight, definition)
    return MeasureDef("milestones", measure.milestones, measure.weight, definition)  # type: ignore[attr-defined]
