"""Findings: what ``csplan validate`` reports, and the registry of rule codes.

A finding is created with a :class:`SourceRef` (file, document, path to the
node) because working out line and column needs a second, location-tracking
parse of the file; :func:`csplan.workspace.locate` does that once per file, and
only for files that have something to report.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

Severity = Literal["error", "warning"]
PathPart = str | int


@dataclass(frozen=True, slots=True)
class SourceRef:
    """Where a value lives: file (relative to the workspace root), document
    index within the file, and the key/index path inside the document.
    ``key`` points at the last path element's key rather than its value."""

    file: str
    doc: int
    path: tuple[PathPart, ...] = ()
    key: bool = False

    def child(self, *parts: PathPart, key: bool = False) -> SourceRef:
        return SourceRef(self.file, self.doc, self.path + parts, key)


@dataclass(frozen=True, slots=True)
class LineRef(SourceRef):
    """Evidence from outside the YAML (a ``--signals`` CSV row): the file as
    the user named it and its 1-based line. A SourceRef, so that every
    ``source`` field keeps one type."""

    line: int = 0

    def __str__(self) -> str:
        return f"{self.file}:{self.line}"


@dataclass(frozen=True, slots=True)
class RowRef(SourceRef):
    """A row of a data source's query (SPEC section 8): found at the
    DataSource document's ``query:`` line, and named by the source's id, the
    row's 1-based number in the query's order and the row's id. Everything
    inside a row is the row: a child of it is itself."""

    source_id: str = ""
    row: int = 0
    row_id: str | None = None

    def child(self, *parts: PathPart, key: bool = False) -> SourceRef:
        return self

    @property
    def label(self) -> str:
        ident = f" (id '{self.row_id}')" if self.row_id else ""
        if not self.row:  # not numbered (scoring reads rows unnumbered)
            return f"{self.source_id}{ident}"
        return f"{self.source_id} row {self.row}{ident}"

    def as_source(self) -> dict[str, object]:
        # Row 0: read without numbers (SPEC section 8 names the source only).
        return {"id": self.source_id, "row": self.row} if self.row else {"id": self.source_id}


@dataclass(slots=True)
class Finding:
    code: str
    severity: Severity
    file: str
    message: str
    hint: str | None = None
    line: int = 0  # 0 until located
    column: int = 0
    ref: SourceRef | None = field(default=None, repr=False, compare=False)
    # A data source's row (SPEC section 8): {"id": source id, "row": number}.
    source: dict[str, object] | None = None

    def as_dict(self) -> dict[str, object]:
        found: dict[str, object] = {
            "code": self.code,
            "severity": self.severity,
            "file": self.file,
            "line": self.line,
            "column": self.column,
            "message": self.message,
            "hint": self.hint,
        }
        if self.source is not None:
            found["source"] = self.source
        return found

    def __str__(self) -> str:
        text = f"{self.file}:{self.line}: {self.severity}: {self.message}"
        return f"{text} ({self.hint})" if self.hint else text

    def sort_key(self) -> tuple[str, int, int, str]:
        return (self.file, self.line, self.column, self.code)


@dataclass(frozen=True, slots=True)
class Rule:
    code: str
    severity: Severity
    title: str
    example: str


_RULES = [
    # Files and YAML
    Rule("CSP001", "error", "YAML syntax error", "`name: [Northwind` (unclosed bracket)"),
    Rule("CSP002", "error", "Duplicate key in a mapping", "`name:` written twice in one account"),
    Rule(
        "CSP003",
        "error",
        "File or folder cannot be read, or is not UTF-8 text",
        "a spreadsheet saved as `accounts.yaml`, a FIFO or broken symlink named `x.yaml`",
    ),
    Rule("CSP004", "error", "YAML tag not allowed", "`!!python/object/apply:os.system`"),
    Rule(
        "CSP005",
        "error",
        "Document too large or too deep",
        "an alias bomb, `[` nested 10,000 deep, a file over 8 MiB",
    ),
    Rule("CSP006", "warning", "File or document is empty", "an empty `drafts.yaml`"),
    Rule("CSP007", "error", "Document is not a mapping or has no valid kind", "`kind: Acount`"),
    Rule(
        "CSP008",
        "error",
        "Workspace settings missing or repeated",
        "`csplan.yaml` without `kind: Workspace`",
    ),
    # One document's shape
    Rule("CSP101", "error", "Required field missing or empty", "an Account without `start`"),
    Rule("CSP102", "error", "Unknown field", "`stakeholder:` instead of `stakeholders:`"),
    Rule("CSP103", "error", "Value of the wrong type", '`id: 2024` (a number), `arr: "48k"`'),
    Rule("CSP104", "error", "Invalid id or signal name", "`id: Northwind_Events`"),
    Rule(
        "CSP105", "error", "Value not one of the allowed choices", "`type: outcome` on a milestone"
    ),
    Rule("CSP106", "error", "Number out of range", "`desired: 1.2`, `weight: -1`"),
    Rule("CSP107", "error", "Invalid date", "`start: 2026-02-30`, `start: 01/03/2026`"),
    Rule("CSP108", "error", "Criterion needs exactly one operator", "`{attribute: industry}`"),
    # Across documents
    Rule("CSP201", "error", "Reference to an id that does not exist", "`segment: enterprize`"),
    Rule("CSP202", "error", "Duplicate id", "two Personas with `id: vp-marketing`"),
    Rule("CSP203", "error", "Cycle in milestone `after`", "a after b, b after a"),
    Rule("CSP204", "error", "Signal measure with `good` equal to `bad`", "`{good: 0.5, bad: 0.5}`"),
    Rule(
        "CSP205",
        "error",
        "Desired outcome with `baseline` equal to `target`",
        "`baseline: 320, target: 320`",
    ),
    Rule(
        "CSP206",
        "error",
        "Dated list out of order or two entries on one date",
        "observations 2026-11-01 then 2026-10-01",
    ),
    Rule(
        "CSP207",
        "error",
        "Question answered twice on one date",
        "two answers to `knows-intent` on 2026-03-15",
    ),
    Rule("CSP208", "error", "No health band starts at 0", "bands 75 and 50 only"),
    Rule("CSP209", "error", "Two health bands share a name or a `min`", "two bands at `min: 50`"),
    Rule(
        "CSP210",
        "error",
        "Desired outcome due no later than it starts",
        "`since: 2026-06-01, by: 2026-03-01`",
    ),
    Rule(
        "CSP211",
        "error",
        "Override expires no later than it starts",
        "`since: 2026-10-02, expires: 2026-09-30`",
    ),
    Rule(
        "CSP212",
        "error",
        "Two overrides of one component in force on one day",
        "relationship overridden 2026-10-01 to 2026-12-31 and again from 2026-11-15",
    ),
    Rule(
        "CSP213",
        "error",
        "Reschedule due no later than the day it was agreed",
        "`{on: 2026-09-15, due: 2026-09-01}`",
    ),
    # Warnings
    Rule(
        "CSP301",
        "warning",
        "Milestone map has no customer milestone",
        "a map of product steps only",
    ),
    Rule("CSP302", "warning", "Engagement component has no measures", "`education: {weight: 1}`"),
    Rule(
        "CSP303",
        "warning",
        "Signal used but reported by no account",
        "`weekly_actve_ratio` in a measure",
    ),
    Rule(
        "CSP304",
        "warning",
        "Milestone reached before the account's start",
        "reached 2026-02-01, start 2026-03-01",
    ),
    Rule("CSP305", "warning", "Account has no champion", "no stakeholder with `champion: true`"),
    Rule("CSP306", "warning", "Segment has more than five personas", "six personas on one segment"),
    Rule(
        "CSP307",
        "warning",
        "Latest desired outcome is not the milestone map's outcome",
        "`outcome: cut-no-shows` on a map that leads to `grow-registrations`",
    ),
    Rule(
        "CSP308",
        "warning",
        "Customer-facing text cut by a `#` comment",
        "`message: Let's make this priority #1 for Q1`",
    ),
    Rule(
        "CSP309",
        "warning",
        "Override in force for more than 180 days",
        "`since: 2026-01-05, expires: 2026-12-31`",
    ),
    # The signals CSV (score/render --signals)
    Rule(
        "CSP401",
        "error",
        "Signals file row cannot be read",
        "`northwind,weekly_active_ratio,2026-11-31,0.5` (no 31 November)",
    ),
    Rule(
        "CSP402",
        "warning",
        "Signals file names a signal nothing uses",
        "`weekly_actve_ratio` in the signal column",
    ),
    # Data sources (SPEC section 8): rows are also checked by the rules above
    # (CSP103, CSP104, CSP107, CSP201, CSP202, CSP206), naming source and row.
    Rule(
        "CSP501",
        "error",
        "Data source cannot be read",
        "`${CSPLAN_CRM_URL}` not set, connection refused, a syntax error in `query`",
    ),
    Rule(
        "CSP502",
        "error",
        "Credentials written in a data source `url`",
        "`url: postgresql://csplan:s3cret@db/crm`",
    ),
    Rule(
        "CSP503",
        "error",
        "Data source query is not one SELECT",
        "`query: delete from accounts`, two statements, `ATTACH`",
    ),
    Rule(
        "CSP504",
        "error",
        "Data source query lacks a required column",
        "`select id, name, segment from crm` (no `start`)",
    ),
    Rule(
        "CSP505",
        "error",
        "Account field given by both its YAML and a data source row",
        "`segment:` in accounts/northwind.yaml and in the crm row",
    ),
    Rule(
        "CSP506",
        "warning",
        "Data source rows name accounts the workspace does not have",
        "usage rows of trial accounts that are not in the CRM",
    ),
]

RULES: dict[str, Rule] = {rule.code: rule for rule in _RULES}


def make(code: str, ref: SourceRef, message: str, hint: str | None = None) -> Finding:
    """A finding for rule ``code`` at ``ref``; line and column are filled in later."""
    rule = RULES[code]
    if isinstance(ref, RowRef):
        # Rows have no line of their own: the message names the source and row.
        return Finding(
            code,
            rule.severity,
            ref.file,
            f"{ref.label}: {message}",
            hint,
            ref=ref,
            source=ref.as_source(),
        )
    return Finding(code, rule.severity, ref.file, message, hint, ref=ref)


def did_you_mean(word: str, choices: object) -> str | None:
    """A did-you-mean hint for ``word`` among ``choices``, or None."""
    import difflib

    options = [c for c in choices if isinstance(c, str)]  # type: ignore[attr-defined]
    close = difflib.get_close_matches(word, options, n=1, cutoff=0.6)
    return f"did you mean '{close[0]}'?" if close else None


@dataclass
class Summary:
    files: int = 0
    documents: int = 0
    errors: int = 0
    warnings: int = 0

    def as_dict(self) -> dict[str, int]:
        return {
            "files": self.files,
            "documents": self.documents,
            "errors": self.errors,
            "warnings": self.warnings,
        }
