"""Signal rows of data sources (SPEC section 8): what a date needs, asked of
the database; every row checked, for validate.

Scoring at dates d1 < ... < dk needs, per account and signal, the latest
observation on or before each di (measures, outcome metrics) and, for the
signals milestone criteria read, every observation up to dk: that is what
:func:`fetch` asks for, in one query the database runs where the data is.
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from csplan.engine.facts import ExtraObservation, same
from csplan.findings import Finding, RowRef, make
from csplan.model import MAX_NUMBER
from csplan.sources import values
from csplan.sources.connect import Runner, SourceFailure, open_source
from csplan.sources.statement import trimmed

if TYPE_CHECKING:
    from csplan.model import DataSource, Workspace

COLUMNS = ("account", "signal", "as_of", "value")
# More dates than this and the history up to the last one is fetched instead
# (a backtest scores every renewal at several leads).
MAX_BUCKETS = 64
# Findings of one rule per source shown before they are counted instead.
SHOWN = 20
# validate fetches at most this many suspect rows per source to judge them.
SUSPECTS = 1_000

Observations = dict[str, dict[str, list[ExtraObservation]]]


@dataclass
class Needs:
    """What scoring reads of the signals (SPEC section 4), so that only that
    is asked of a database."""

    latest: set[str]  # the latest observation on or before each date counts
    full: set[str]  # every observation counts
    # signal -> criteria of milestones reached once by that criterion alone:
    # the first observation that meets it is all their history that counts.
    first: dict[str, list[tuple[str, object]]]
    # signal -> the criteria read on it: only the observations where one of
    # them starts or stops holding (and the latest per date) change a result.
    changes: dict[str, list[tuple[str, object]]]


def needed(ws: Workspace) -> Needs:
    """Measures and outcome metrics read a signal's latest observation.
    Milestone criteria read its history, but only through whether each
    criterion holds: a run of observations that all hold (or all fail)
    counts by its first and last rows, which is what makes the history of
    a daily signal small. A repeating milestone whose criteria read two
    signals or more is judged on every date any of them was observed, so
    those signals' whole history counts."""
    latest: set[str] = set()
    full: set[str] = set()
    changes: dict[str, list[tuple[str, object]]] = {}
    first: dict[str, list[tuple[str, object]]] = {}
    for model in ws.engagement_models.values():
        for _, component in model.components.items():
            for measure in component.measures:
                name = getattr(measure, "signal", None)
                if isinstance(name, str):
                    latest.add(name)
    for outcome in ws.outcomes.values():
        latest.add(outcome.metric.signal)
    for milestone_map in ws.maps.values():
        for milestone in milestone_map.milestones:
            read = {c.signal for c in milestone.criteria}
            if milestone.repeat_days is not None and len(read) > 1:
                full |= read
                continue
            alone = milestone.repeat_days is None and len(milestone.criteria) == 1
            for c in milestone.criteria:
                op = (
                    "equals"
                    if c.equals is not None
                    else "at_least"
                    if c.at_least is not None
                    else "at_most"
                )
                (first if alone else changes).setdefault(c.signal, []).append((op, getattr(c, op)))
    for name in full:
        changes.pop(name, None)
        first.pop(name, None)
    return Needs((latest | set(changes) | set(first)) - full, full, first, changes)


def signal_sources(ws: Workspace) -> list[DataSource]:
    bad = ws.invalid_ids.get("DataSource", set())
    return [d for d in ws.data_sources.values() if d.provides == "signals" and d.id not in bad]


def failure(ds: DataSource, exc: SourceFailure) -> Finding:
    return make(
        exc.code,
        ds.source.child(exc.field, key=exc.field == "query"),
        f"data source '{ds.id}': {exc.message}",
        exc.hint or _HINTS.get(exc.code),
    )


_HINTS = {
    "CSP501": "try the query in the database's own client; DuckDB reads files from the"
    " workspace root",
    "CSP502": "write url: ${CSPLAN_CRM_URL} and set that variable where csplan runs",
    "CSP503": "a data source only reads: give one SELECT (or WITH ... SELECT)",
    "CSP504": "name the columns in the query with AS, e.g. select day as as_of",
}


# --- the SQL ------------------------------------------------------------------


@dataclass
class _Shape:
    """The user's query's columns: how to name them, and their types."""

    names: dict[str, str]  # account/signal/as_of/value -> the column as returned
    types: dict[str, str]


def _shape(ds: DataSource, runner: Runner) -> _Shape:
    probe = f"select * from (\n{trimmed(ds.query)}\n) as csplan_query where 1 = 0"
    columns = runner.columns(probe)
    by_lower = {name.lower(): (name, kind) for name, kind in columns}
    missing = [c for c in COLUMNS if c not in by_lower]
    extra = [name for name, _ in columns if name.lower() not in COLUMNS]
    if missing or extra:
        parts = []
        if missing:
            parts.append("no column " + ", ".join(f"'{m}'" for m in missing))
        if extra:
            parts.append("unexpected column " + ", ".join(f"'{e}'" for e in extra))
        raise SourceFailure(
            "; ".join(parts) + ": a signals query returns account, signal, as_of, value",
            code="CSP504",
        )
    return _Shape(
        {c: runner.quote(by_lower[c][0]) for c in COLUMNS},
        {c: by_lower[c][1].upper() for c in COLUMNS},
    )


def _day(runner: Runner, shape: _Shape) -> str:
    """An expression for a row's date, in the database's terms."""
    if runner.engine != "duckdb":
        return "as_of"
    kind = shape.types["as_of"]
    if kind == "DATE":
        return "as_of"
    if kind.startswith("TIMESTAMP WITH TIME ZONE") or kind == "TIMESTAMPTZ":
        return "cast(timezone('UTC', as_of) as date)"
    if kind.startswith("TIMESTAMP"):
        return "cast(as_of as date)"
    if kind == "VARCHAR":
        return (
            "coalesce(try_cast(as_of as date),"
            " cast(timezone('UTC', try_cast(as_of as timestamptz)) as date))"
        )
    return "try_cast(as_of as date)"


def _on_or_before(runner: Runner, day_expr: str, day: _dt.date) -> str:
    if runner.engine == "duckdb":
        return f"{day_expr} <= DATE '{day.isoformat()}'"
    if day == _dt.date.max:
        return "1 = 1"
    # Compared with text, the column's own type decides how: a date, a
    # timestamp (the session is in UTC) or ISO text all order correctly
    # against the next day's midnight.
    return f"as_of < '{(day + _dt.timedelta(days=1)).isoformat()}'"


def _rows_cte(ds: DataSource, shape: _Shape) -> str:
    n = shape.names
    return (
        "with csplan_rows as (\n"
        f"  select {n['account']} as account, {n['signal']} as signal,"
        f" {n['as_of']} as as_of, {n['value']} as value,"
        " row_number() over () as csplan_row\n"
        f"  from (\n{trimmed(ds.query)}\n) as csplan_query\n)\n"
    )


def _in(column: str, names: Iterable[str]) -> str:
    # Only ids and signal names that passed their patterns reach here: no
    # quote can be inside them.
    listed = sorted(names)
    return f"{column} in ({', '.join(repr(n) for n in listed)})" if listed else "1 = 0"


def _value_kind(ds: DataSource, runner: Runner, shape: _Shape, names: set[str]) -> str | None:
    """What the value column holds: "number", "boolean", "text" (numeric
    text, DuckDB only) or None when it cannot be told."""
    if runner.engine == "duckdb":
        kind = shape.types["value"]
        if kind == "BOOLEAN":
            return "boolean"
        if kind == "VARCHAR":
            return "text"
        if kind in _NUMERIC_TYPES or kind.startswith("DECIMAL"):
            return "number"
        return None
    if not names:
        return None
    # Other databases: the driver's Python type of one value says it.
    first = runner.first(
        _rows_cte(ds, shape)
        + f"select value from csplan_rows where value is not null and {_in('signal', names)}"
    )
    if first is None:
        return None
    value = first[0]
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, (int, float, Decimal)):
        return "number"
    return None


_NUMERIC_TYPES = {
    "TINYINT",
    "SMALLINT",
    "INTEGER",
    "BIGINT",
    "HUGEINT",
    "UTINYINT",
    "USMALLINT",
    "UINTEGER",
    "UBIGINT",
    "UHUGEINT",
    "FLOAT",
    "REAL",
    "DOUBLE",
}


def _predicate(op: str, threshold: object, kind: str) -> str:
    """A criterion as SQL on ``value``, as engine.milestones.holds judges it:
    a boolean is never a number, and a number never a boolean."""
    if kind == "boolean":
        if op == "equals" and isinstance(threshold, bool):
            return f"value = {'true' if threshold else 'false'}"
        return "false"
    if isinstance(threshold, bool) or not isinstance(threshold, (int, float)):
        return "false"
    number = "try_cast(trim(value) as double)" if kind == "text" else "value"
    sign = {"equals": "=", "at_least": ">=", "at_most": "<="}[op]
    return f"{number} {sign} {threshold!r}"


def _state(changes: dict[str, list[tuple[str, object]]], kind: str) -> str:
    """Which of its criteria a row meets, as a number (one bit each): a
    row whose number differs from the row before or after it starts or
    ends a run."""
    return (
        "case signal "
        + " ".join(
            f"when {name!r} then "
            + " + ".join(
                f"(case when {_predicate(op, t, kind)} then {1 << i} else 0 end)"
                for i, (op, t) in enumerate(predicates)
            )
            for name, predicates in sorted(changes.items())
        )
        + " end"
    )


def pushdown_sql(
    ds: DataSource,
    runner: Runner,
    shape: _Shape,
    dates: Sequence[_dt.date] | None,
    needs: Needs,
    accounts: Sequence[str] | None,
) -> str:
    """The query for what ``dates`` need (None: every observation)."""
    day = _day(runner, shape)
    out = "select account, signal, as_of, value, csplan_row"
    who = f" and {_in('account', accounts)}" if accounts is not None else ""
    if dates is None or len(dates) > MAX_BUCKETS:
        last = f" and {_on_or_before(runner, day, max(dates))}" if dates else ""
        every = needs.latest | needs.full
        return (
            _rows_cte(ds, shape) + f"{out} from csplan_rows where {_in('signal', every)}{who}{last}"
        )
    ordered = sorted(set(dates))
    bucket = (
        "case "
        + " ".join(f"when {_on_or_before(runner, day, d)} then {i}" for i, d in enumerate(ordered))
        + " end"
    )
    last = _on_or_before(runner, day, ordered[-1])
    order = day if runner.engine == "duckdb" else "as_of"
    parts = [
        f"{out} from (\n"
        f"  select b.*, rank() over (partition by account, signal, csplan_bucket"
        f" order by {order} desc) as csplan_rank\n"
        f"  from (select csplan_rows.*, {bucket} as csplan_bucket from csplan_rows"
        f" where {_in('signal', needs.latest)}{who} and {last}) as b\n"
        ") as t where csplan_rank = 1"
    ]
    full = set(needs.full)
    changes = {k: list(v) for k, v in needs.changes.items()}
    for name, predicates in needs.first.items():
        changes.setdefault(name, []).extend(predicates)
    kind = _value_kind(ds, runner, shape, set(changes)) if changes else None
    if changes and kind is None:
        full |= set(changes)
        changes = {}
    if changes:
        assert kind is not None
        state = _state(changes, kind)
        window = f"over (partition by account, signal order by {order}, csplan_row)"
        parts.append(
            f"{out} from (\n"
            f"  select m.*, lag(csplan_state) {window} as csplan_prev,"
            f" lead(csplan_state) {window} as csplan_next\n"
            f"  from (select csplan_rows.*, {state} as csplan_state from csplan_rows"
            f" where {_in('signal', changes)}{who} and {last}) as m\n"
            ") as c where csplan_prev is null or csplan_next is null"
            " or csplan_prev <> csplan_state or csplan_next <> csplan_state"
        )
    if full:
        parts.append(f"{out} from csplan_rows where {_in('signal', full)}{who} and {last}")
    return _rows_cte(ds, shape) + "\nunion all\n".join(parts)


# DuckDB, when rows need no numbers (all but explanations): hash aggregates
# instead of windows, and no numbering of every row, so that DuckDB filters
# the files as it reads them. Two values on one day are validate's to find.


def _latest_two(batch: Sequence[tuple[Any, ...]]) -> Iterable[tuple[Any, ...]]:
    """Rows as they come, but those of the latest-two aggregate (row -1)
    unpacked: the latest, and a second one only when it shares its day."""
    for cells in batch:
        if cells[4] != -1:
            yield cells
            continue
        account, signal, days, values_ = cells[0], cells[1], cells[2], cells[3]
        yield account, signal, days[0], values_[0], 0
        if len(days) > 1 and days[1] == days[0]:
            yield account, signal, days[1], values_[1], 0


def duckdb_queries(
    ds: DataSource,
    runner: Runner,
    shape: _Shape,
    dates: Sequence[_dt.date],
    needs: Needs,
    accounts: Sequence[str] | None,
) -> list[str]:
    """The queries for what ``dates`` need, each giving observation rows
    (account, signal, as_of, value, 0): rows are not numbered."""
    day = _day(runner, shape)
    ordered = sorted(set(dates))
    who = f" and {_in('account', accounts)}" if accounts is not None else ""
    bucket = (
        "case "
        + " ".join(
            f"when csplan_day <= DATE '{d.isoformat()}' then {i}" for i, d in enumerate(ordered)
        )
        + " end"
    )
    n = shape.names
    rows = (
        f"with csplan_rows as (select {n['account']} as account, {n['signal']} as signal,"
        f" {n['value']} as value, {day.replace('as_of', n['as_of'])} as csplan_day"
        f" from (\n{trimmed(ds.query)}\n) as csplan_query)\n"
    )
    where = f"csplan_day <= DATE '{ordered[-1].isoformat()}'{who}"
    kind = _value_kind(ds, runner, shape, set(needs.first) | set(needs.changes))
    first = needs.first if kind is not None else {}
    changes = needs.changes if kind is not None else {}
    full = set(needs.full) | ({*needs.first, *needs.changes} if kind is None else set())
    latest = needs.latest - full
    # The two latest per group: a second one on the same day is two values on
    # one date (CSP206), which the rows fetched must show.
    queries = [
        rows + "select account, signal, max(csplan_day, 2), arg_max(value, csplan_day, 2), -1 from"
        f" (select *, {bucket} as csplan_bucket from csplan_rows"
        f" where {_in('signal', latest)} and {where}) as b group by account, signal, csplan_bucket"
    ]
    # The first observation meeting each criterion, one small aggregate each.
    parts = [
        "select account, signal, min(csplan_day), arg_min(value, csplan_day), 0 from csplan_rows"
        f" where signal = {name!r} and {where} and {_predicate(op, t, kind or 'number')}"
        " group by account, signal"
        for name, predicates in sorted(first.items())
        for op, t in predicates
    ]
    if parts:
        queries.append(rows + "\nunion all\n".join(parts))
    if changes:
        state = _state(changes, kind or "number")
        window = "over (partition by account, signal order by csplan_day)"
        queries.append(
            rows + "select account, signal, csplan_day, value, 0 from"
            f" (select m.*, lag(csplan_state) {window} as csplan_prev,"
            f" lead(csplan_state) {window} as csplan_next"
            f" from (select csplan_rows.*, {state} as csplan_state from csplan_rows"
            f" where {_in('signal', changes)} and {where}) as m) as c"
            " where csplan_prev is null or csplan_next is null"
            " or csplan_prev <> csplan_state or csplan_next <> csplan_state"
        )
    if full:
        queries.append(
            rows + "select account, signal, csplan_day, value, 0 from csplan_rows"
            f" where {_in('signal', full)} and {where}"
        )
    return queries


# --- judging rows ---------------------------------------------------------------


@dataclass
class Judge:
    """Reads one source's rows as observations and reports what is wrong
    with them, at most :data:`SHOWN` findings per rule."""

    ds: DataSource
    known: set[str] | None  # account ids of the workspace (None: not checked)
    observations: Observations = field(default_factory=dict)
    findings: list[Finding] = field(default_factory=list)
    seen: dict[tuple[str, str, _dt.date], tuple[Any, int]] = field(default_factory=dict)
    unknown_rows: int = 0
    unknown: dict[str, int] = field(default_factory=dict)
    counted: dict[str, int] = field(default_factory=dict)
    names: set[str] = field(default_factory=set)

    def __post_init__(self) -> None:
        # Read once: a pydantic private attribute is slow to reach, and this
        # runs for every row fetched.
        base = self.ds.source
        self._file, self._doc, self._id = base.file, base.doc, self.ds.id
        self._accounts: set[str] = set()  # ids and names already found valid
        self._signals: set[str] = set()

    def ref(self, row: int, ident: str | None) -> RowRef:
        return RowRef(self._file, self._doc, ("query",), True, self._id, row, ident)

    def report(self, code: str, row: int, ident: str | None, message: str, hint: str) -> None:
        self.counted[code] = self.counted.get(code, 0) + 1
        if self.counted[code] <= SHOWN:
            self.findings.append(make(code, self.ref(row, ident), message, hint))

    def add(self, rows: Iterable[Sequence[Any]]) -> None:
        for account, signal, as_of, value, row in rows:
            self.one(account, signal, as_of, value, int(row))

    def one(self, account: Any, signal: Any, as_of: Any, value: Any, row: int) -> None:
        if (
            account in self._accounts
            and signal in self._signals
            and type(as_of) is _dt.date
            and (
                (type(value) is float and -MAX_NUMBER <= value <= MAX_NUMBER)
                or value is True
                or value is False
            )
        ):
            # The common case, read without conversions (NaN fails the
            # range test and goes the long way).
            self._keep(account, signal, as_of, value, row)
            return
        if not isinstance(account, str) or not values.ID.fullmatch(account):
            self.report(
                "CSP104" if isinstance(account, str) else "CSP103",
                row,
                None,
                f"account {values.shown(account)} is not an account id",
                "account ids are lowercase letters, digits and hyphens",
            )
            return
        if not isinstance(signal, str) or not values.SIGNAL.fullmatch(signal):
            self.report(
                "CSP104" if isinstance(signal, str) else "CSP103",
                row,
                account,
                f"signal {values.shown(signal)} is not a signal name",
                "signal names are lowercase snake_case, e.g. weekly_active_ratio",
            )
            return
        try:
            day = values.to_date(as_of)
        except values.Bad as exc:
            self.report("CSP107", row, account, f"as_of: {exc}", "write dates YYYY-MM-DD")
            return
        try:
            number = values.to_number(value, booleans=True)
        except values.Bad as exc:
            self.report(
                "CSP103",
                row,
                account,
                f"value of {signal} on {day}: {exc}",
                "a signal's value is a number or a boolean",
            )
            return
        self._accounts.add(account)
        self._signals.add(signal)
        self._keep(account, signal, day, number, row)

    def _keep(self, account: str, signal: str, day: _dt.date, number: Any, row: int) -> None:
        if self.known is not None and account not in self.known:
            self.unknown_rows += 1
            self.unknown[account] = self.unknown.get(account, 0) + 1
            return
        self.names.add(signal)
        key = (account, signal, day)
        first = self.seen.get(key)
        if first is not None:
            if not same(first[0], number):
                self.report(
                    "CSP206",
                    row,
                    account,
                    f"two values of {signal} on {day}: {first[0]!r} (row {first[1]})"
                    f" and {number!r}",
                    "keep one observation per account, signal and date",
                )
            return
        self.seen[key] = (number, row)
        self.observations.setdefault(account, {}).setdefault(signal, []).append(
            ExtraObservation(day, number, self.ref(row, account))
        )

    def finish(self) -> None:
        for code, count in self.counted.items():
            if count > SHOWN:
                self.findings.append(
                    make(
                        code,
                        self.ds.source.child("query", key=True),
                        f"data source '{self.ds.id}': {count - SHOWN} more rows with this"
                        f" problem ({RULE_WORDS.get(code, code)})",
                        "fix the query or the data it reads",
                    )
                )
        if self.unknown_rows:
            examples = ", ".join(sorted(self.unknown)[:3])
            self.findings.append(
                make(
                    "CSP506",
                    self.ds.source.child("query", key=True),
                    f"data source '{self.ds.id}': {_count(self.unknown_rows, 'row')}"
                    f" name{'s' if self.unknown_rows == 1 else ''}"
                    f" {_count(len(self.unknown), 'account')} the workspace does not have"
                    f" (e.g. {examples})",
                    "they are left out; filter them in the query to silence this",
                )
            )


def _count(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


RULE_WORDS = {
    "CSP103": "a value that is not a number",
    "CSP104": "an id or signal name that is not one",
    "CSP107": "a date that cannot be read",
    "CSP206": "two values on one date",
}


# --- scoring: fetch what the dates need -----------------------------------------


def fetch(
    ws: Workspace,
    dates: Sequence[_dt.date] | None,
    accounts: Sequence[str] | None = None,
    *,
    numbered: bool = False,
) -> tuple[Observations, list[Finding]]:
    """Every signal source's observations that scoring ``accounts`` (None:
    all) at ``dates`` (None: any date) needs, merged in source order, and
    the findings of the rows fetched (errors stop scoring).

    With ``numbered``, each observation knows its row's number in the
    query's order (explanations name it); without, DuckDB sources are read
    faster and rows are numbered only to report a finding."""
    needs = needed(ws)
    merged: Observations = {}
    findings: list[Finding] = []
    owners: dict[tuple[str, str, _dt.date], tuple[str, Any]] = {}
    wanted = list(accounts) if accounts is not None and len(accounts) <= 1_000 else None
    for ds in signal_sources(ws):
        judge = Judge(ds, None)
        try:
            runner = open_source(ds, ws.data_root or ws.root)
        except SourceFailure as exc:
            findings.append(failure(ds, exc))
            continue
        try:
            shape = _shape(ds, runner)
            if (
                not numbered
                and runner.engine == "duckdb"
                and dates is not None
                and len(dates) <= MAX_BUCKETS
            ):
                for sql in duckdb_queries(ds, runner, shape, dates, needs, wanted):
                    for batch in runner.batches(sql):
                        judge.add(_latest_two(batch))
            else:
                sql = pushdown_sql(ds, runner, shape, dates, needs, wanted)
                for batch in runner.batches(sql):
                    judge.add(batch)
        except SourceFailure as exc:
            findings.append(failure(ds, exc))
            continue
        finally:
            runner.close()
        judge.finish()
        findings.extend(judge.findings)
        _merge(ds, judge, merged, owners, findings)
    if not numbered and any(f.severity == "error" for f in findings):
        # Name the rows at fault: read again, numbered.
        return fetch(ws, dates, accounts, numbered=True)
    for per_account in merged.values():
        for observations in per_account.values():
            observations.sort(key=lambda o: o.as_of)
    return merged, findings


def _merge(
    ds: DataSource,
    judge: Judge,
    merged: Observations,
    owners: dict[tuple[str, str, _dt.date], tuple[str, Any]],
    findings: list[Finding],
) -> None:
    # Two sources giving one account, signal and date is an error (SPEC 8).
    for account, per_signal in judge.observations.items():
        into = merged.setdefault(account, {})
        for signal, observations in per_signal.items():
            for o in observations:
                key = (account, signal, o.as_of)
                other = owners.get(key)
                if other is not None and other[0] != ds.id:
                    findings.append(
                        make(
                            "CSP206",
                            o.origin,
                            f"{signal} on {o.as_of} is also given by data source '{other[0]}'",
                            "let one data source provide each signal",
                        )
                    )
                    continue
                owners[key] = (ds.id, o.value)
            into.setdefault(signal, []).extend(observations)


# --- validate: every row ------------------------------------------------------------


def check(ws: Workspace) -> tuple[list[Finding], frozenset[str] | None]:
    """validate's row checks of every signal source: findings, and the
    signal names the sources report (None when a source could not be read)."""
    findings: list[Finding] = []
    names: set[str] = set()
    complete = True
    known = set(ws.accounts)
    reported: dict[str, set[str]] = {}
    for ds in signal_sources(ws):
        judge = Judge(ds, known)
        try:
            runner = open_source(ds, ws.data_root or ws.root)
        except SourceFailure as exc:
            findings.append(failure(ds, exc))
            complete = False
            continue
        try:
            shape = _shape(ds, runner)
            if runner.engine == "duckdb":
                _check_in_duckdb(ds, runner, shape, judge)
            else:
                for batch in runner.batches(_rows_cte(ds, shape) + _ALL):
                    judge.add(batch)
        except SourceFailure as exc:
            findings.append(failure(ds, exc))
            complete = False
            continue
        finally:
            runner.close()
        judge.finish()
        findings.extend(judge.findings)
        names |= judge.names
        reported[ds.id] = set(judge.names)
    findings.extend(_given_twice(ws, reported))
    return findings, frozenset(names) if complete else None


def _given_twice(ws: Workspace, reported: dict[str, set[str]]) -> list[Finding]:
    """Two sources giving one account, signal and date (SPEC section 8): only
    sources that report a signal in common are compared, on those signals."""
    found: list[Finding] = []
    sources = [ds for ds in signal_sources(ws) if ds.id in reported]
    for i, later in enumerate(sources):
        for earlier in sources[:i]:
            shared = reported[earlier.id] & reported[later.id]
            if not shared:
                continue
            try:
                both = _keys(ws, earlier, shared) & _keys(ws, later, shared)
            except SourceFailure:
                continue  # already reported when its rows were checked
            if both:
                account, signal, day = min(both)
                found.append(
                    make(
                        "CSP206",
                        later.source.child("query", key=True),
                        f"data sources '{earlier.id}' and '{later.id}' both give"
                        f" {len(both)} observation{'s' if len(both) != 1 else ''}"
                        f" (account, signal and date), e.g. {signal} of {account} on {day}",
                        "let one data source provide each signal, or filter one of the queries",
                    )
                )
    return found


def _keys(ws: Workspace, ds: DataSource, signals: set[str]) -> set[tuple[str, str, _dt.date]]:
    runner = open_source(ds, ws.data_root or ws.root)
    try:
        shape = _shape(ds, runner)
        day = _day(runner, shape)
        keys: set[tuple[str, str, _dt.date]] = set()
        wanted = _in("signal", signals)
        sql = _rows_cte(ds, shape) + (
            f"select distinct account, signal, {day} from csplan_rows where {wanted}"
        )
        for batch in runner.batches(sql):
            for account, signal, when in batch:
                try:
                    keys.add((account, signal, values.to_date(when)))
                except values.Bad:
                    continue  # a bad date is its own finding
        return keys
    finally:
        runner.close()


_ALL = "select account, signal, as_of, value, csplan_row from csplan_rows order by csplan_row"


def _check_in_duckdb(ds: DataSource, runner: Runner, shape: _Shape, judge: Judge) -> None:
    """The same checks as the Python judge, with the scanning done by DuckDB:
    only rows that may be wrong come back to be judged, and counts per
    account and signal instead of the rows."""
    day = _day(runner, shape)
    cte = _rows_cte(ds, shape)
    types = shape.types
    suspect = [
        "account is null",
        "signal is null",
        f"{day} is null",
        "value is null",
    ]
    suspect.append(
        "not regexp_full_match(account, '^[a-z0-9][a-z0-9-]*$')"
        if types["account"] == "VARCHAR"
        else "true"
    )
    suspect.append(
        "not regexp_full_match(signal, '^[a-z][a-z0-9_]*$')"
        if types["signal"] == "VARCHAR"
        else "true"
    )
    if types["as_of"] == "VARCHAR":
        suspect.append(
            "not regexp_full_match(trim(as_of),"
            " '[0-9]{4}-[0-9]{2}-[0-9]{2}([T ][0-9:.]+(Z|[+-][0-9:]+)?)?')"
        )
    elif types["as_of"] != "DATE" and not types["as_of"].startswith("TIMESTAMP"):
        suspect.append("true")
    value = types["value"]
    if value in {"DOUBLE", "FLOAT", "REAL"} or value.startswith("DECIMAL"):
        suspect.append("not isfinite(cast(value as double)) or abs(value) > 9007199254740992")
    elif value in {"BIGINT", "HUGEINT", "UBIGINT", "UHUGEINT"}:
        suspect.append("abs(cast(value as double)) > 9007199254740992")
    elif value == "VARCHAR":
        suspect.append(
            "not regexp_full_match(trim(value),"
            " '[+-]?([0-9]+(\\.[0-9]*)?|\\.[0-9]+)([eE][+-]?[0-9]+)?')"
            " or abs(try_cast(trim(value) as double)) > 9007199254740992"
        )
    elif value not in {
        "BOOLEAN",
        "INTEGER",
        "SMALLINT",
        "TINYINT",
        "UINTEGER",
        "USMALLINT",
        "UTINYINT",
    }:
        suspect.append("true")
    where = " or ".join(f"({s})" for s in suspect)
    n = shape.names
    # Scans that need no row numbers read the query as it is: numbering
    # every row is a window over all of them, paid only when something is
    # wrong and the rows must be named.
    plain = (
        f"with csplan_rows as (select {n['account']} as account, {n['signal']} as signal,"
        f" {n['as_of']} as as_of, {n['value']} as value"
        f" from (\n{trimmed(ds.query)}\n) as csplan_query)\n"
    )
    suspects = 0
    for batch in runner.batches(
        plain + f"select account, signal, count(*) filter (where not ({where})),"
        f" count(*) filter (where {where}) from csplan_rows group by all"
    ):
        for account, signal, good, bad in batch:
            suspects += int(bad)
            if not good:
                continue
            judge.names.add(signal)
            if judge.known is not None and account not in judge.known:
                judge.unknown_rows += int(good)
                judge.unknown[account] = judge.unknown.get(account, 0) + int(good)
    known, judge.known = judge.known, None  # unknown accounts are counted above
    if suspects:
        for batch in runner.batches(
            cte + f"{_SELECT} from csplan_rows where {where} order by csplan_row limit {SUSPECTS}"
        ):
            judge.add(batch)
    # Two values on one date: groups whose values differ come back, then
    # their rows, numbered, for the judge to compare as numbers (450 and
    # 450.0 are one value).
    twice = (
        plain + f"select account, signal, {day} as csplan_day from csplan_rows"
        f" where not ({where}) group by all having min(value) <> max(value) limit {SUSPECTS}"
    )
    groups = [row for batch in runner.batches(twice) for row in batch]
    if groups:
        listed = " or ".join(
            f"(account = {_literal(a)} and signal = {_literal(g)} and {day} = DATE '{d}')"
            for a, g, d in groups
        )
        for batch in runner.batches(
            cte + f"{_SELECT} from csplan_rows where not ({where}) and ({listed})"
            " order by csplan_row"
        ):
            judge.add(batch)
    judge.known = known


def _literal(text: str) -> str:
    return "'" + str(text).replace("'", "''") + "'"


_SELECT = "select account, signal, as_of, value, csplan_row"
