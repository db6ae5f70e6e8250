"""Account rows of data sources (SPEC section 8), merged with the YAML
accounts of the same id: the CRM gives the facts (name, segment, start,
ARR, ...), the YAML the hand-written parts (stakeholders, milestones,
plan, notes); a field given by both is an error that names both places."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from csplan.findings import Finding, PathPart, RowRef, SourceRef, make
from csplan.sources import values
from csplan.sources.connect import SourceFailure, open_source
from csplan.sources.signals import failure
from csplan.sources.statement import trimmed

if TYPE_CHECKING:
    from csplan.model import DataSource, Workspace

REQUIRED = ("id", "name", "segment", "start")
OPTIONAL = ("owner", "arr", "renewal", "outcome", "baseline", "target", "by")
# Fields of an Account a row can give: a YAML account with the id of a row
# need not write them (and with validate --no-sources is not asked for them).
GIVEN_BY_ROWS = frozenset(
    {"name", "segment", "start", "owner", "arr", "renewal", "desired_outcomes", "attributes"}
)

Build = Callable[[dict[str, Any], SourceRef], None]


@dataclass(frozen=True, slots=True)
class MergedRef(SourceRef):
    """Where the parts of an account given by both YAML and a row are: its
    YAML document, except the fields the row gave, which are the row."""

    row: RowRef | None = None
    fields: frozenset[str] = frozenset()

    def child(self, *parts: PathPart, key: bool = False) -> SourceRef:
        if parts and self.row is not None and parts[0] in self.fields:
            return self.row
        return SourceRef(self.file, self.doc, self.path + parts, key)


@dataclass
class Row:
    ref: RowRef
    fields: dict[str, Any]  # Account fields the row gives (NULLs left out)
    start_missing: bool


def account_sources(ws: Workspace) -> list[DataSource]:
    bad = ws.invalid_ids.get("DataSource", set())
    return [d for d in ws.data_sources.values() if d.provides == "accounts" and d.id not in bad]


def read_rows(ws: Workspace, findings: list[Finding]) -> dict[str, Row]:
    """Every account row of every accounts source, by id; findings for rows
    that cannot be read and for ids given twice."""
    rows: dict[str, Row] = {}
    for ds in account_sources(ws):
        try:
            runner = open_source(ds, ws.data_root or ws.root)
        except SourceFailure as exc:
            findings.append(failure(ds, exc))
            continue
        try:
            sql = f"select * from (\n{trimmed(ds.query)}\n) as csplan_query"
            names = [n for n, _ in runner.columns(sql + " where 1 = 0")]
            lower = [n.lower() for n in names]
            missing = [c for c in REQUIRED if c not in lower]
            if missing:
                raise SourceFailure(
                    "no column "
                    + ", ".join(f"'{m}'" for m in missing)
                    + ": an accounts query returns id, name, segment, start"
                    " (and optionally owner, arr, renewal, outcome, baseline, target, by)",
                    code="CSP504",
                )
            number = 0
            for batch in runner.batches(sql):
                for cells in batch:
                    number += 1
                    _row(ds, number, dict(zip(lower, cells, strict=True)), rows, findings)
        except SourceFailure as exc:
            findings.append(failure(ds, exc))
        finally:
            runner.close()
    return rows


def _row(
    ds: DataSource,
    number: int,
    cells: dict[str, Any],
    rows: dict[str, Row],
    findings: list[Finding],
) -> None:
    base = ds.source
    raw_id = cells.get("id")
    ident = raw_id if isinstance(raw_id, str) else None
    ref = RowRef(base.file, base.doc, ("query",), True, ds.id, number, ident)
    if not isinstance(raw_id, str) or not values.ID.fullmatch(raw_id):
        findings.append(
            make(
                "CSP104" if isinstance(raw_id, str) else "CSP103",
                ref,
                f"id {values.shown(raw_id)} is not an account id",
                "account ids are lowercase letters, digits and hyphens, e.g. northwind-events",
            )
        )
        return
    if raw_id in rows:
        findings.append(
            make(
                "CSP202",
                ref,
                f"duplicate Account id '{raw_id}': also {rows[raw_id].ref.label}",
                "give each account one row",
            )
        )
        return
    fields: dict[str, Any] = {}
    ok = True

    def read(name: str, convert: Callable[[Any], Any], code: str, hint: str) -> Any:
        nonlocal ok
        value = cells.get(name)
        if value is None:
            return None
        try:
            return convert(value)
        except values.Bad as exc:
            ok = False
            findings.append(make(code, ref, f"{name}: {exc}", hint))
            return None

    text_hint = "give this column as text"
    for name in ("name", "segment", "owner", "outcome"):
        got = read(name, values.to_text, "CSP103", text_hint)
        if got is not None:
            fields[name] = got
    for name in ("start", "renewal", "by"):
        got = read(name, lambda v: values.to_date(v), "CSP107", "give dates as DATE or YYYY-MM-DD")
        if got is not None:
            fields[name] = got
    numbers: dict[str, Any] = {}
    for name in ("arr", "baseline", "target"):
        got = read(name, values.to_number, "CSP103", "give this column as a number")
        if got is not None:
            numbers[name] = got
    if "arr" in numbers:
        fields["arr"] = numbers["arr"]
    attributes: dict[str, Any] = {}
    for name, value in cells.items():
        if name in REQUIRED or name in OPTIONAL:
            continue
        try:
            attributes[name] = values.to_attribute(value)
        except values.Bad as exc:
            ok = False
            findings.append(
                make(
                    "CSP103", ref, f"{name}: {exc}", "give attributes as text, numbers or booleans"
                )
            )
    # NULL means absent: an attribute left NULL is missing for ICP criteria.
    attributes = {k: v for k, v in attributes.items() if v is not None}
    if attributes:
        fields["attributes"] = attributes
    outcome = fields.pop("outcome", None)
    by = fields.pop("by", None)
    if outcome is not None:
        wanted: dict[str, Any] = {"outcome": outcome}
        for name in ("baseline", "target"):
            if name in numbers:
                wanted[name] = numbers[name]
            elif cells.get(name) is None:
                ok = False
                findings.append(
                    make(
                        "CSP101",
                        ref,
                        f"outcome '{outcome}' needs a {name}",
                        f"give the row's {name} column",
                    )
                )
        if by is not None:
            wanted["by"] = by
        fields["desired_outcomes"] = [wanted]  # since: the start, filled in at merge
    if ok:
        rows[raw_id] = Row(ref, fields, "start" not in fields)


def merge(
    ws: Workspace,
    pending: Sequence[tuple[SourceRef, dict[str, Any]]],
    rows: dict[str, Row],
    build: Build,
    findings: list[Finding],
) -> None:
    """Build every account: YAML documents merged with the row of their id,
    then the rows no YAML document names."""
    used: set[str] = set()
    for ref, data in pending:
        ident = data.get("id")
        row = rows.get(ident) if isinstance(ident, str) else None
        if row is None or ident in used:
            build(data, ref)
            continue
        used.add(ident)  # type: ignore[arg-type]
        merged = dict(data)
        given: set[str] = set()
        for name, value in row.fields.items():
            if name == "attributes" and isinstance(data.get("attributes"), dict):
                mine = data["attributes"]
                twice = [k for k in value if k in mine]
                for k in twice:
                    findings.append(
                        _twice(ref.child("attributes", k, key=True), f"attributes.{k}", row)
                    )
                merged["attributes"] = {**value, **mine}
                continue
            if name in data:
                findings.append(_twice(ref.child(name, key=True), name, row))
                continue
            merged[name] = _dated(name, value, merged, row)
            given.add(name)
        build(merged, MergedRef(ref.file, ref.doc, ref.path, ref.key, row.ref, frozenset(given)))
    for ident, row in rows.items():
        if ident in used:
            continue
        data = {"kind": "Account", "id": ident}
        for name, value in row.fields.items():
            data[name] = _dated(name, value, data, row)
        build(data, row.ref)


def _dated(name: str, value: Any, account: dict[str, Any], row: Row) -> Any:
    # The row's desired outcome is in force from the account's start (SPEC
    # section 8), wherever the start is written.
    if name != "desired_outcomes":
        return value
    start = row.fields.get("start", account.get("start"))
    return [{"since": start, **value[0]}] if start is not None else value


def _twice(at: SourceRef, name: str, row: Row) -> Finding:
    return make(
        "CSP505",
        at,
        f"'{name}' is given here and by data source {row.ref.label}",
        "keep one: remove it from the YAML, or leave the column NULL for this account",
    )
