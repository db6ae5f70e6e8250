"""Pydantic models of every document kind in SPEC section 2.

The models are strict: YAML values of the wrong type are errors, never coerced
(``id: 2024`` is a number, ``arr: "48k"`` is text). Unknown keys are rejected.
Dates must be written ``YYYY-MM-DD``. Cross-document rules (references, cycles,
ordering of dated lists) live in :mod:`csplan.checks`, not here: a model only
knows its own document.

Every model that is a top-level document keeps where it came from in
``source`` so that findings and explanations can point at file and line.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Annotated, Any, ClassVar, Literal, Protocol, get_args

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Discriminator,
    Field,
    PrivateAttr,
    StringConstraints,
    Tag,
    model_validator,
)
from pydantic_core import PydanticCustomError

from csplan.findings import LineRef, PathPart, SourceRef

ID_PATTERN = r"^[a-z0-9][a-z0-9-]*$"
SIGNAL_PATTERN = r"^[a-z][a-z0-9_]*$"
_DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
# ASCII digits and nothing after: no trailing newline, no other script's digits.
_STRICT_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")

# Values a CSM writes in several places.
AREAS = (
    "sales",
    "marketing",
    "thought-leadership",
    "onboarding",
    "professional-services",
    "support",
    "csm",
    "ecosystem",
    "product",
)
# The eight components of the desired state of customer engagement, in
# formula order (SPEC section 2).
ComponentName = Literal[
    "intent",
    "anticipated_needs",
    "product_adoption",
    "outcomes",
    "relationship",
    "communication",
    "education",
    "journey",
]
COMPONENTS: tuple[str, ...] = get_args(ComponentName)


# A workspace repeats the same few hundred dates hundreds of thousands of
# times; parsing each once is measurably faster on large portfolios.
_DATES: dict[str, date] = {}


def _parse_date(value: Any) -> Any:
    if isinstance(value, str):
        known = _DATES.get(value)
        if known is not None:
            return known
        if _DATE_RE.match(value):
            try:
                parsed = _DATES[value] = date.fromisoformat(value)
            except ValueError:
                raise PydanticCustomError(
                    "csp_date", "'{value}' is not a real calendar date", {"value": value}
                ) from None
            return parsed
    elif isinstance(value, date):
        return value
    raise PydanticCustomError("csp_date", "expected a date written YYYY-MM-DD", {})


def strict_date(text: str) -> date:
    """A date written exactly ``YYYY-MM-DD`` (what the README and SPEC
    promise; ``date.fromisoformat`` alone also takes ``20261101`` and
    ``2026-W44-7``). Raises ValueError with a message naming the text."""
    if _STRICT_DATE.fullmatch(text):
        try:
            return date.fromisoformat(text)
        except ValueError:
            pass
    raise ValueError(f"'{text}' is not a date written YYYY-MM-DD")


def _tag(*names: str) -> Any:
    """A discriminator that picks the union member by which key is present."""

    def pick(value: Any) -> str | None:
        if isinstance(value, dict):
            for name in names:
                if name in value:
                    return "~" + name
            return "~" + names[0]
        return None

    return pick


def _shape(value: Any) -> str | None:
    if isinstance(value, str):
        return "~one"
    if isinstance(value, list):
        return "~many"
    if isinstance(value, dict):
        return "~entry"
    return None


# Numbers are figures: finite (YAML's .nan and .inf are refused) and within
# what a float holds exactly, so that a 400-digit integer is a finding, not an
# overflow in the engine. The checks are pydantic's own (Rust): every field
# gets them at no measurable cost.
MAX_NUMBER = 2**53
# Days: a century is plenty for any due or repeat interval, and keeps every
# date computed from them inside the calendar for realistic start dates.
MAX_DAYS = 36_500
Int = Annotated[int, Field(ge=-MAX_NUMBER, le=MAX_NUMBER)]
Float = Annotated[float, Field(allow_inf_nan=False, ge=-MAX_NUMBER, le=MAX_NUMBER)]
Days = Annotated[int, Field(ge=0, le=MAX_DAYS)]

Date = Annotated[date, BeforeValidator(_parse_date)]
Id = Annotated[str, StringConstraints(pattern=ID_PATTERN)]
SignalName = Annotated[str, StringConstraints(pattern=SIGNAL_PATTERN)]
Weight = Annotated[float, Field(allow_inf_nan=False, ge=0, le=MAX_NUMBER)]
Fraction = Annotated[float, Field(allow_inf_nan=False, ge=0, le=1)]
Number = Int | Float
Positive = (
    Annotated[int, Field(gt=0, le=MAX_NUMBER)]
    | Annotated[float, Field(allow_inf_nan=False, gt=0, le=MAX_NUMBER)]
)
NonNegative = (
    Annotated[int, Field(ge=0, le=MAX_NUMBER)]
    | Annotated[float, Field(allow_inf_nan=False, ge=0, le=MAX_NUMBER)]
)
Scalar = str | Int | Float | bool


class Model(BaseModel):
    model_config = ConfigDict(
        extra="forbid", strict=True, frozen=True, populate_by_name=True, hide_input_in_errors=True
    )


class Document(Model):
    """A top-level document: remembers its file and position."""

    _source: SourceRef = PrivateAttr(default_factory=lambda: SourceRef("", 0, ()))

    # True for a document built from the readable parts of one that had shape
    # errors (csplan.workspace.build): its checks still run, it is never scored.
    # There, a required field that could not be read is None (a list: empty).
    partial: ClassVar[bool] = False

    @property
    def source(self) -> SourceRef:
        return self._source

    def intact(self, *path: PathPart) -> bool:
        """Whether no unreadable value was left out at or under ``path``.
        A check that reports something *absent* (no champion, no band at 0)
        asks first, so that a value it cannot see is not reported missing."""
        return True


# --- Workspace -------------------------------------------------------------


class Band(Model):
    name: Annotated[str, StringConstraints(min_length=1)] = Field(
        description="Health band name, e.g. healthy, watch, at-risk"
    )
    min: Annotated[float, Field(allow_inf_nan=False, ge=0, le=100)] = Field(
        description="Lowest engagement attainment (0-100) in this band"
    )


DEFAULT_BANDS = (
    Band(name="healthy", min=75),
    Band(name="watch", min=50),
    Band(name="at-risk", min=0),
)


class WorkspaceSettings(Document):
    """The ``kind: Workspace`` document in ``csplan.yaml``."""

    kind: Literal["Workspace"]
    name: str = Field(description="Name of this workspace")
    vendor: str = Field(description="Vendor name shown on customer-facing plans")
    templates: str | None = Field(None, description="Folder of template overrides")
    exclude: list[str] = Field(default_factory=list, description="Glob patterns to skip")
    bands: list[Band] = Field(
        default_factory=lambda: list(DEFAULT_BANDS), description="Health bands on attainment"
    )
    play_window_days: Days = Field(
        30, description="How recent a milestone must be to fire its plays"
    )


# --- Persona, ICP, outcome --------------------------------------------------


class Persona(Document):
    kind: Literal["Persona"]
    id: Id
    name: str
    success: str | None = Field(None, description="This persona's definition of success")


class Criterion(Model):
    attribute: str = Field(description="Account attribute the criterion reads")
    in_: list[Scalar] | None = Field(None, alias="in", description="Attribute is one of these")
    equals: Scalar | None = None
    between: Annotated[list[Number], Field(min_length=2, max_length=2)] | None = None
    at_least: Number | None = None
    at_most: Number | None = None
    weight: Weight = 1.0

    @model_validator(mode="after")
    def _one_operator(self) -> Criterion:
        ops = [
            n
            for n in ("in_", "equals", "between", "at_least", "at_most")
            if getattr(self, n) is not None
        ]
        if len(ops) != 1:
            raise PydanticCustomError(
                "csp_operator",
                "a criterion needs exactly one of in, equals, between, at_least, at_most",
                {},
            )
        return self

    @property
    def operator(self) -> str:
        for name in ("in_", "equals", "between", "at_least", "at_most"):
            if getattr(self, name) is not None:
                return name.rstrip("_")
        raise AssertionError("validated criterion has an operator")


class IdealCustomerProfile(Document):
    kind: Literal["IdealCustomerProfile"]
    id: Id
    name: str
    fit_threshold: Fraction = 0.7
    criteria: Annotated[list[Criterion], Field(min_length=1)]


class Metric(Model):
    signal: SignalName
    unit: str
    direction: Literal["increase", "decrease"]


class RequiredOutcome(Document):
    kind: Literal["RequiredOutcome"]
    id: Id
    statement: str = Field(description="The outcome in the customer's words")
    why: str | None = None
    metric: Metric
    personas: dict[str, str] = Field(default_factory=dict, description="Persona id -> wording")


# --- Experience and vehicles -----------------------------------------------


class Element(Model):
    id: Id
    area: Literal[AREAS]  # type: ignore[valid-type]
    expectation: str
    required: bool = False


class AppropriateExperience(Document):
    kind: Literal["AppropriateExperience"]
    id: Id
    name: str
    elements: Annotated[list[Element], Field(min_length=1)]


class SuccessVehicle(Document):
    kind: Literal["SuccessVehicle"]
    id: Id
    name: str
    type: Literal["training", "community", "curriculum", "content", "service"]
    url: str | None = None


# --- Milestone maps ---------------------------------------------------------


class SignalCriterion(Model):
    signal: SignalName
    at_least: Number | None = None
    at_most: Number | None = None
    equals: Scalar | None = None

    @model_validator(mode="after")
    def _one_operator(self) -> SignalCriterion:
        ops = [n for n in ("at_least", "at_most", "equals") if getattr(self, n) is not None]
        if len(ops) != 1:
            raise PydanticCustomError(
                "csp_operator",
                "a milestone criterion needs exactly one of at_least, at_most, equals",
                {},
            )
        return self


class Trigger(Model):
    type: Literal["expansion", "advocacy", "conversion"]
    play: str


class Milestone(Model):
    id: Id
    name: str
    type: Literal["functional", "customer"]
    owner: Literal["customer", "vendor", "joint"]
    due_days: Days
    after: list[Id] = Field(default_factory=list)
    criteria: list[SignalCriterion] = Field(default_factory=list)
    vehicles: list[Id] = Field(default_factory=list)
    triggers: list[Trigger] = Field(default_factory=list)
    repeat_days: Annotated[int, Field(gt=0, le=MAX_DAYS)] | None = None


class MilestoneMap(Document):
    kind: Literal["MilestoneMap"]
    id: Id
    outcome: Id
    milestones: Annotated[list[Milestone], Field(min_length=1)]


# --- Engagement models ------------------------------------------------------


class SignalMeasure(Model):
    signal: SignalName
    good: Number
    bad: Number
    weight: Weight = 1.0
    max_age_days: Days | None = None


class QuestionMeasure(Model):
    question: Id
    text: str
    weight: Weight = 1.0


class MilestonesMeasure(Model):
    milestones: Literal["functional", "customer", "all"]
    weight: Weight = 1.0


Measure = Annotated[
    Annotated[SignalMeasure, Tag("~signal")]
    | Annotated[QuestionMeasure, Tag("~question")]
    | Annotated[MilestonesMeasure, Tag("~milestones")],
    Discriminator(_tag("signal", "question", "milestones")),
]


class Component(Model):
    weight: Weight = 1.0
    desired: Fraction = 1.0
    measures: list[Measure] = Field(default_factory=list)


class Components(Model):
    intent: Component
    anticipated_needs: Component
    product_adoption: Component
    outcomes: Component
    relationship: Component
    communication: Component
    education: Component
    journey: Component

    def items(self) -> list[tuple[str, Component]]:
        """The eight components in formula order."""
        return [(name, getattr(self, name)) for name in COMPONENTS]


class EngagementModel(Document):
    kind: Literal["EngagementModel"]
    id: Id
    components: Components


# --- Segments ---------------------------------------------------------------


class Segment(Document):
    kind: Literal["Segment"]
    id: Id
    name: str
    icp: Id | None = None
    personas: list[Id] = Field(default_factory=list)
    experience: Id
    milestone_map: Id
    engagement: Id


# --- Accounts ---------------------------------------------------------------


class SegmentPeriod(Model):
    since: Date
    segment: Id


class Stakeholder(Model):
    name: str
    role: str | None = None
    persona: Id | None = None
    champion: bool = False
    email: str | None = None


class DesiredOutcome(Model):
    since: Date
    outcome: Id
    baseline: Number
    target: Number
    by: Date | None = None
    reason: str | None = None


class ExperienceInPlace(Model):
    element: Id
    since: Date | None = None


class Reschedule(Model):
    """A new due date agreed with the customer (SPEC section 9): in force
    from ``on`` until the milestone is reached."""

    on: Date
    due: Date
    reason: str | None = None


class ReachedMilestone(Model):
    id: Id
    # Optional since v1.2: an entry may only reschedule a milestone not reached yet.
    reached: Annotated[
        Annotated[Date, Tag("~one")] | Annotated[list[Date], Tag("~many")],
        Discriminator(lambda v: "~many" if isinstance(v, list) else "~one"),
    ] = Field(default_factory=list)
    reschedule: list[Reschedule] = Field(default_factory=list)

    @property
    def dates(self) -> list[date]:
        return list(self.reached) if isinstance(self.reached, list) else [self.reached]


class Observation(Model):
    as_of: Date
    value: Number | bool


class Assessment(Model):
    question: Id
    answer: Literal["yes", "partial", "no"]
    as_of: Date


class Note(Model):
    date: Date
    text: str


class NextStep(Model):
    action: str
    owner: Literal["customer", "vendor", "joint"]
    due: Date | None = None


class Plan(Model):
    message: str | None = None
    next_steps: list[NextStep] = Field(default_factory=list)


class Renewal(Model):
    """A past renewal (SPEC section 9): ARR before and after it."""

    date: Date
    arr_before: Positive
    arr_after: NonNegative

    @property
    def outcome(self) -> Literal["churned", "contracted", "renewed", "expanded"]:
        if self.arr_after == 0:
            return "churned"
        if self.arr_after < self.arr_before:
            return "contracted"
        return "renewed" if self.arr_after == self.arr_before else "expanded"


class Override(Model):
    """A CSM's judgement of one component, in force from ``since`` to
    ``expires`` (SPEC section 9): rules never silently overwrite it."""

    component: ComponentName
    actual: Fraction
    by: str
    reason: str
    since: Date
    expires: Date

    def in_force(self, day: date) -> bool:
        return self.since <= day <= self.expires


class Account(Document):
    kind: Literal["Account"]
    id: Id
    name: str
    segment: Annotated[
        Annotated[Id, Tag("~one")]
        | Annotated[Annotated[list[SegmentPeriod], Field(min_length=1)], Tag("~many")],
        Discriminator(_shape),
    ]
    owner: str | None = None
    start: Date
    arr: Number | None = None
    attributes: dict[str, Scalar | None] = Field(default_factory=dict)
    stakeholders: list[Stakeholder] = Field(default_factory=list)
    desired_outcomes: Annotated[list[DesiredOutcome], Field(min_length=1)]
    experience: list[
        Annotated[
            Annotated[Id, Tag("~one")] | Annotated[ExperienceInPlace, Tag("~entry")],
            Discriminator(_shape),
        ]
    ] = Field(default_factory=list)
    milestones: list[ReachedMilestone] = Field(default_factory=list)
    signals: dict[
        SignalName,
        Annotated[
            Annotated[Observation, Tag("~entry")] | Annotated[list[Observation], Tag("~many")],
            Discriminator(_shape),
        ],
    ] = Field(default_factory=dict)
    assessments: list[Assessment] = Field(default_factory=list)
    notes: list[Note] = Field(default_factory=list)
    plan: Plan = Field(default_factory=Plan)
    renewal: Date | None = None  # the next renewal date
    renewals: list[Renewal] = Field(default_factory=list)  # past renewals, in date order
    overrides: list[Override] = Field(default_factory=list)

    def observations(self, signal: str) -> list[Observation]:
        raw = self.signals.get(signal)
        if raw is None:
            return []
        return list(raw) if isinstance(raw, list) else [raw]


# --- Data sources -------------------------------------------------------------


class DataSource(Document):
    """Rows brought in by a SQL query (SPEC section 8): accounts from the
    CRM, signals from the warehouse. Checked here for shape only; the url's
    variables, the query's form and the rows are csplan.sources' job."""

    kind: Literal["DataSource"]
    id: Id
    provides: Literal["signals", "accounts"] = Field(
        description="What the rows are: signals (account, signal, as_of, value) or accounts"
    )
    engine: Literal["duckdb", "sql"] = Field(
        "duckdb",
        description="duckdb: embedded, reads files below the workspace root; "
        "sql: any database SQLAlchemy reaches",
    )
    url: str | None = Field(
        None,
        description="sql: an SQLAlchemy URL made of ${NAME} environment variables; "
        "duckdb: an optional .duckdb file below the workspace root",
    )
    query: Annotated[str, StringConstraints(min_length=1)] = Field(
        description="One SELECT (or WITH ... SELECT) statement"
    )
    timeout_seconds: Annotated[int, Field(gt=0, le=86_400)] = Field(
        300, description="A connection or query that takes longer is an error"
    )


KINDS: dict[str, type[Document]] = {
    "Workspace": WorkspaceSettings,
    "Persona": Persona,
    "IdealCustomerProfile": IdealCustomerProfile,
    "RequiredOutcome": RequiredOutcome,
    "AppropriateExperience": AppropriateExperience,
    "SuccessVehicle": SuccessVehicle,
    "MilestoneMap": MilestoneMap,
    "EngagementModel": EngagementModel,
    "Segment": Segment,
    "Account": Account,
    "DataSource": DataSource,
}


# --- the workspace: every document, by kind and id -------------------------


class SourceFile(Protocol):
    """A file as it was read (csplan.workspace.source.Source): its text, its
    documents as parsed, and where each node is."""

    text: str
    documents: list[Any]

    def locate(self, ref: SourceRef) -> tuple[int, int]: ...

    def line(self, ref: SourceRef) -> int: ...


@dataclass
class Workspace:
    """Every document of a workspace, by kind and id, in file order."""

    root: Path
    settings: WorkspaceSettings
    personas: dict[str, Persona] = field(default_factory=dict)
    icps: dict[str, IdealCustomerProfile] = field(default_factory=dict)
    outcomes: dict[str, RequiredOutcome] = field(default_factory=dict)
    experiences: dict[str, AppropriateExperience] = field(default_factory=dict)
    vehicles: dict[str, SuccessVehicle] = field(default_factory=dict)
    maps: dict[str, MilestoneMap] = field(default_factory=dict)
    engagement_models: dict[str, EngagementModel] = field(default_factory=dict)
    segments: dict[str, Segment] = field(default_factory=dict)
    accounts: dict[str, Account] = field(default_factory=dict)
    data_sources: dict[str, DataSource] = field(default_factory=dict)
    # Where a duckdb data source resolves relative paths (the root, or the
    # files of a git revision written out for diff); None: the root.
    data_root: Path | None = field(default=None, repr=False)
    # Signal names the data sources report, when validate read them all
    # (None: not known, so no "reported by no account" warning is safe).
    source_signals: frozenset[str] | None = field(default=None, repr=False)
    # The files read, by path: each answers where its nodes are
    # (csplan.workspace.source.Source; typed loosely so that the model does
    # not depend on the reader).
    sources: Mapping[str, SourceFile] = field(default_factory=dict, repr=False)
    # Ids of documents with shape errors (in the collections above as
    # partial documents when their id could be read): references to them
    # are not reported again as dangling, and they are never scored.
    invalid_ids: dict[str, set[str]] = field(default_factory=dict, repr=False)

    def collection(self, kind: str) -> dict[str, Any]:
        found: dict[str, Any] = getattr(self, _COLLECTIONS[kind])
        return found

    def locate(self, ref: SourceRef) -> tuple[int, int]:
        """1-based line and column of ``ref`` (parses the file's positions once)."""
        source = self.sources.get(ref.file)
        return source.locate(ref) if source is not None else (1, 1)

    def evidence_location(self, ref: SourceRef | None) -> tuple[str, int] | None:
        """(file, line) of a piece of evidence, None when there is none. CSV
        rows carry their own line; YAML lines come from the file's text."""
        if ref is None:
            return None
        if isinstance(ref, LineRef):
            return (ref.file, ref.line)
        source = self.sources.get(ref.file)
        return (ref.file, source.line(ref) if source is not None else 1)

    def account_ids(self) -> list[str]:
        return sorted(self.accounts)


_COLLECTIONS = {
    "Persona": "personas",
    "IdealCustomerProfile": "icps",
    "RequiredOutcome": "outcomes",
    "AppropriateExperience": "experiences",
    "SuccessVehicle": "vehicles",
    "MilestoneMap": "maps",
    "EngagementModel": "engagement_models",
    "Segment": "segments",
    "Account": "accounts",
    "DataSource": "data_sources",
}
