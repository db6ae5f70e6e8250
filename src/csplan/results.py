"""What the engine returns for one account at one date (SPEC sections 4-5).

Plain dataclasses with slots: the engine fills them, reporters and templates
read them, nothing recomputes or mutates them. They are not ``frozen``: a
frozen dataclass sets every field through ``object.__setattr__``, and a
portfolio of 10,000 accounts builds about 200,000 measure scores, which made
``score --all --format json`` 10% slower. Collections are tuples all the
same. Figures are unrounded. Every figure that comes from evidence keeps the
:class:`~csplan.findings.SourceRef` of that evidence so an explanation can
name file and line (resolved by the caller, who can read files; the engine
cannot).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any, Literal

from csplan.findings import Finding, SourceRef, Summary

if TYPE_CHECKING:
    from csplan.model import Workspace

SCHEMA_VERSION = "1.1"

MeasureKind = Literal["signal", "question", "milestones"]
MilestoneStatus = Literal["reached", "overdue", "next", "upcoming"]


@dataclass(slots=True)
class MeasureScore:
    kind: MeasureKind
    ref: str  # signal name, question id, or milestone type (functional|customer|all)
    weight: float
    score: float  # 0..1
    evidence: str  # human sentence: "0.55 on 2026-11-01", "yes (2026-03-15)", "no evidence"
    source: SourceRef | None = None  # the observation / assessment used, if any
    definition: SourceRef | None = None  # the measure in the engagement model
    value: Any = None  # observed value or answer
    as_of: date | None = None  # date of the evidence used
    no_evidence: bool = False  # missing, stale or future-only evidence
    stale: bool = False  # evidence exists but is older than max_age_days
    # Added for explanations: the signal measure's scale and age limit, and
    # for a milestones measure how many of that type are reached / exist.
    good: float | None = None
    bad: float | None = None
    max_age_days: int | None = None
    reached: int | None = None
    total: int | None = None


@dataclass(slots=True)
class OverrideInForce:
    """A CSM's override of a component (SPEC section 9)."""

    actual: float
    by: str
    reason: str
    since: date
    expires: date
    source: SourceRef | None = None


@dataclass(slots=True)
class ExpiredOverride:
    """An override that expired in the 30 days before the scoring date."""

    component: str
    expires: date
    by: str
    reason: str
    source: SourceRef | None = None


@dataclass(slots=True)
class ComponentScore:
    name: str
    weight: float
    desired: float
    actual: float
    gap: float
    measures: tuple[MeasureScore, ...] = ()
    # SPEC section 9: what the measures say, and the CSM's override in force
    # (``actual`` is then the override's). rule_actual == actual without one.
    rule_actual: float = 0.0
    override: OverrideInForce | None = None

    @property
    def weighted_gap(self) -> float:
        """w_c * g_c, what ``biggest_gaps`` orders by."""
        return self.weight * self.gap


@dataclass(slots=True)
class Engagement:
    model: str  # EngagementModel id
    attainment: float  # E, 0..100
    gap: float  # 100 - E
    band: str
    components: tuple[ComponentScore, ...]
    biggest_gaps: tuple[str, ...]
    # The terms of E = 100 * attained / desired_total, and the band's min.
    attained: float = 0.0  # sum of w_c * min(a_c, d_c)
    desired_total: float = 0.0  # sum of w_c * d_c
    band_min: float = 0.0


@dataclass(slots=True)
class MilestoneState:
    id: str
    name: str
    type: Literal["functional", "customer"]
    owner: Literal["customer", "vendor", "joint"]
    status: (
        MilestoneStatus  # reached | overdue | next (not reached, all `after` reached) | upcoming
    )
    due: date | None  # None: repeating milestone not reached again... never None for first-time
    occurrences: tuple[date, ...]  # on or before as_of, ascending
    latest: date | None  # latest occurrence
    # the occurrence reached by criteria, if any; for a repeating milestone
    # the latest date its criteria held
    by_evidence: date | None
    days_late: int | None  # when overdue
    lapsed: bool  # repeating milestone reached before but not within repeat_days
    after: tuple[str, ...] = ()
    vehicles: tuple[str, ...] = ()
    repeat_days: int | None = None
    source: SourceRef | None = None  # the account's milestone entry, if listed
    # Added: the observations that made every criterion hold on by_evidence.
    evidence: tuple[SourceRef, ...] = ()
    triggers: tuple[tuple[str, str], ...] = ()  # (type, play) in map order
    # SPEC section 9: the due date the map gives, when a reschedule in force
    # replaced it (``due`` is then the agreed one), and the reschedule's reason.
    original_due: date | None = None
    reschedule_reason: str | None = None
    # The occurrences that came from the criteria (a repeating milestone can
    # have several), and for a repeating milestone the latest date that shows
    # it current (a listed date or a date its criteria held): due = shown +
    # repeat_days.
    evidence_occurrences: tuple[date, ...] = ()
    shown: date | None = None


@dataclass(slots=True)
class Overdue:
    id: str
    due: date
    days_late: int
    original_due: date | None = None  # the map's due date when a reschedule moved it


@dataclass(slots=True)
class Milestones:
    map: str  # MilestoneMap id
    journey_start: date
    functional_progress: float  # F, 0..1
    customer_progress: float  # C, 0..1
    success_gap: float  # max(0, F - C) * 100
    route: Literal["on-track", "off-track"]
    reached: tuple[str, ...]
    next: tuple[str, ...]
    overdue: tuple[Overdue, ...]
    states: tuple[MilestoneState, ...]  # route order (map order)


@dataclass(slots=True)
class OutcomeVersion:
    """One dated version of the account's desired outcome."""

    id: str
    baseline: float
    target: float
    by: date | None
    since: date
    reason: str | None
    source: SourceRef | None = None


@dataclass(slots=True)
class Outcome:
    id: str
    baseline: float
    target: float
    current: float | None
    current_as_of: date | None
    progress: float | None  # None: no evidence
    by: date | None
    since: date
    reason: str | None
    signal: str
    unit: str
    direction: Literal["increase", "decrease"]
    previous: OutcomeVersion | None = (
        None  # the version before the one in force (a change of destination)
    )
    source: SourceRef | None = None  # the desired_outcomes entry in force
    evidence: SourceRef | None = None  # the observation giving `current`


@dataclass(slots=True)
class Experience:
    id: str  # AppropriateExperience id of the segment in force
    coverage: float  # 0..1
    in_place: tuple[str, ...]  # element ids of the segment's AX in place, AX order
    missing: tuple[str, ...]  # AX elements not in place, AX order
    missing_required: tuple[str, ...]
    mismatched: tuple[str, ...]  # in place but not in the segment's AX, account order
    # Added: (element id, the account's experience entry) for every element in
    # place on the date, account order.
    sources: tuple[tuple[str, SourceRef], ...] = ()


@dataclass(slots=True)
class CriterionResult:
    attribute: str
    met: bool
    weight: float
    value: Any  # the account's attribute value (None if missing)
    missing: bool
    # Added for explanations: "in", "equals", "between", "at_least", "at_most",
    # its operand, and where the attribute is written (None when missing).
    operator: str = ""
    expected: Any = None
    source: SourceRef | None = None


@dataclass(slots=True)
class Icp:
    id: str
    fit: float
    ideal: bool
    threshold: float
    missing_attributes: tuple[str, ...]
    criteria: tuple[CriterionResult, ...] = ()
    met_weight: float = 0.0  # fit = met_weight / total_weight
    total_weight: float = 0.0


@dataclass(slots=True)
class Play:
    type: Literal["expansion", "advocacy", "conversion", "risk"]
    play: str
    milestone: str | None = None  # trigger plays
    reason: Literal["overdue-milestone", "missing-experience", "engagement-gap"] | None = None
    ref: str | None = None  # risk plays


@dataclass(slots=True)
class AccountScore:
    id: str
    name: str
    segment: str  # segment in force
    segment_since: date | None
    as_of: date
    engagement: Engagement
    milestones: Milestones
    outcome: Outcome | None  # None before the first desired outcome's since
    experience: Experience
    icp: Icp | None  # None when the segment has no ICP
    plays: tuple[Play, ...]
    source: SourceRef | None = None  # the Account document
    trend: tuple[TrendPoint, ...] = field(default=())
    # SPEC section 9, *Started*: False before the account's start. Every
    # figure is still computed; gates and aggregates leave the account out.
    started: bool = True
    start: date | None = None  # the account's start
    owner: str | None = None  # the account's owner (CSM), as written
    arr: float | int | None = None  # annual recurring revenue, as written
    # SPEC section 9: the account's next renewal when on or after the date.
    renewal: date | None = None
    expired_overrides: tuple[ExpiredOverride, ...] = ()


@dataclass(slots=True)
class TrendPoint:
    as_of: date
    attainment: float
    band: str
    success_gap: float


class LoadResult:
    """What :func:`csplan.load_workspace` returns: the model (even when some
    documents had errors: those are in it as partial documents, or left out
    when not even their id can be read) and every finding.

    Findings are located (line, column) and put in file order when they are
    first read: a command that only needs to know whether there are errors
    (``score``, ``render`` on a valid workspace with warnings) never pays for
    finding the position of a warning it does not print."""

    def __init__(
        self,
        workspace: Workspace,
        findings: list[Finding],
        summary: Summary,
        locate: Callable[[list[Finding]], None] | None = None,
    ) -> None:
        self.workspace = workspace
        self.summary = summary
        self._findings = findings
        self._locate = locate

    @property
    def findings(self) -> list[Finding]:
        if self._locate is not None:
            locate, self._locate = self._locate, None
            locate(self._findings)
        return self._findings

    def add(self, findings: Iterable[Finding]) -> None:
        """Add findings (located, like the others, when first read)."""
        self._findings.extend(findings)

    def count(self) -> None:
        """Count errors and warnings into the summary."""
        errors = sum(1 for f in self._findings if f.severity == "error")
        self.summary.errors = errors
        self.summary.warnings = len(self._findings) - errors

    @property
    def ok(self) -> bool:
        return self.summary.errors == 0


# --- csplan diff (SPEC section 7) ---------------------------------------------


@dataclass(slots=True)
class Side:
    """One account's headline figures on one side of a diff."""

    segment: str
    attainment: float
    band: str
    success_gap: float
    route: str
    outcome_progress: float | None
    ax_coverage: float
    icp_fit: float | None
    started: bool
    outcome: str | None  # the desired outcome in force (its RequiredOutcome id)
    arr: float | int | None


@dataclass(slots=True)
class MeasureChange:
    """A measure whose score changed, or that exists on one side only: the
    engine's measure on each side (None where it does not exist)."""

    kind: str
    ref: str
    before: MeasureScore | None
    after: MeasureScore | None


@dataclass(slots=True)
class ComponentChange:
    """A component's contribution p_c = 100 w_c min(a_c, d_c) / sum_k w_k d_k
    to attainment on each side; the changes of all eight add up to the
    change of attainment (less ``unattributed``)."""

    name: str
    before: float
    after: float
    measures: tuple[MeasureChange, ...] = ()
    # SPEC sections 7 and 9: each side's rule-based actual and the override
    # in force (None: no override, or the component is absent on that side).
    rule_actual_before: float | None = None
    rule_actual_after: float | None = None
    override_before: OverrideInForce | None = None
    override_after: OverrideInForce | None = None

    @property
    def change(self) -> float:
        return self.after - self.before


@dataclass(slots=True)
class MilestoneChanges:
    reached: tuple[str, ...] = ()  # reached after, not before
    lapsed: tuple[str, ...] = ()  # reached before, not after
    overdue: tuple[str, ...] = ()  # overdue after, not before
    recovered: tuple[str, ...] = ()  # overdue before, not after


@dataclass(slots=True)
class PlayChanges:
    added: tuple[Play, ...] = ()
    removed: tuple[Play, ...] = ()


@dataclass(slots=True)
class AccountDiff:
    """How one account moved between the two states of a diff."""

    id: str
    name: str
    status: Literal["changed", "unchanged", "added", "removed"]
    before: Side | None
    after: Side | None
    change: float | None  # attainment after - before; None when added or removed
    configuration: float | None  # S(W, to) - S(W_base, to); None without a base
    evidence: float | None  # S(W_base, to) - S(W_base, from); None without two dates
    unattributed: float  # the part of the change the components do not explain
    components: tuple[ComponentChange, ...]
    milestones: MilestoneChanges
    plays: PlayChanges
    source: SourceRef | None  # the account's document (after side, else before)
    before_score: AccountScore | None = None
    after_score: AccountScore | None = None

    @property
    def band_changed(self) -> bool:
        return (
            self.before is not None
            and self.after is not None
            and self.before.band != self.after.band
        )


@dataclass(slots=True)
class PathChange:
    """A key path whose value differs: ``components.outcomes.weight``,
    ``milestones[registrations-up-20].due_days`` (list items with an id are
    named by it, others by position). ``None`` where the key is missing."""

    path: str
    before: Any
    after: Any


@dataclass(slots=True)
class DocumentChange:
    kind: str
    id: str
    change: Literal["added", "removed", "modified"]
    paths: tuple[PathChange, ...] = ()


@dataclass(slots=True)
class DiffSummary:
    accounts: int
    changed: int
    added: int
    removed: int
    band_changes: int


@dataclass(slots=True)
class Diff:
    """``csplan diff``: before = S(W_base, from), after = S(W, to)."""

    from_date: date
    to_date: date
    base: str | None  # the revision or folder compared with, as the user gave it
    configuration: tuple[DocumentChange, ...] | None  # None without a base
    accounts: tuple[AccountDiff, ...]  # in id order
    summary: DiffSummary
    # Data sources (engine: sql) read live on both sides: the base's
    # evidence from them is today's, not the revision's (SPEC section 7).
    live_sources: tuple[str, ...] = ()


# --- csplan backtest (SPEC section 9) -------------------------------------------


RenewalOutcome = Literal["churned", "contracted", "renewed", "expanded"]


@dataclass(slots=True)
class RenewalScore:
    """One past renewal and the account's score ``lead_days`` before it."""

    account: str
    renewal_date: date  # the renewal's date ("date" in JSON)
    scored_at: date  # renewal_date - lead
    attainment: float
    band: str
    arr_before: float | int
    arr_after: float | int
    outcome: RenewalOutcome
    started: bool  # False: scored before the account's start, left out of AUCs and bands
    # Each component's actual as used (overrides applied), formula order.
    components: tuple[tuple[str, float], ...] = ()

    @property
    def retained(self) -> bool:
        return self.arr_after > 0


@dataclass(slots=True)
class ComponentAuc:
    name: str
    auc: float | None  # None without both retained and churned renewals


@dataclass(slots=True)
class BandRetention:
    """The started renewals whose score fell in one band."""

    band: str
    renewals: int
    churned: int
    churn_rate: float | None  # None without renewals
    arr_before: float | int
    arr_after: float | int
    nrr: float | None
    grr: float | None


@dataclass(slots=True)
class LeadResult:
    lead_days: int
    auc: float | None  # of attainment; None without both kinds
    enough_data: bool  # at least 5 churned and 5 retained started renewals
    retained: int  # started renewals counted in the AUCs
    churned: int
    components: tuple[ComponentAuc, ...]  # formula order
    bands: tuple[BandRetention, ...]  # workspace band order, highest min first
    renewals: tuple[RenewalScore, ...]  # date, then account id


@dataclass(slots=True)
class Retention:
    """Every renewal dated in the period, started or not."""

    renewals: int
    churned: int
    contracted: int
    renewed: int
    expanded: int
    arr_before: float | int
    arr_after: float | int
    nrr: float | None  # None without renewals
    grr: float | None


@dataclass(slots=True)
class Backtest:
    """``csplan backtest``: does the score predict renewal?"""

    from_date: date | None
    to_date: date | None
    retention: Retention
    leads: tuple[LeadResult, ...]  # in the order given
