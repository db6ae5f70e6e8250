"""The differential test of SPEC section 8 (issue 11): one portfolio scored
with its account facts and signals inline in YAML, then with the same rows
read from Parquet through DuckDB, then from a real PostgreSQL server, gives
the same figures at several dates, with the trend and in diff; only where
evidence points differs (the DataSource's file and line, and the source's
id and row).

Then the pushdown's invariant on random observations (hypothesis): asking the
database for what the dates need gives what every row written in YAML gives.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import subprocess
import sys
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pg_cluster
import pytest
import yaml
from engine_support import CATALOG, MAP, SEGMENTS, SELF_MAP, SETTINGS, engagement
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sources_support import DUCKDB_SOURCES, Split, crm_rows, split_workspace, write_duckdb_files

from csplan import api
from csplan.report import diff as diff_report
from csplan.report import score_json

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "bench"))
import generate  # noqa: E402  (bench/ is not a package)

URL_VAR = "CSPLAN_TEST_DIFF_URL"
# Before every example's start (and most generated ones), then through the year.
DATES = [
    dt.date(2024, 12, 31),
    dt.date(2025, 6, 30),
    dt.date(2026, 1, 31),
    dt.date(2026, 6, 30),
    dt.date(2026, 11, 1),
]
EXAMPLES = ("acme-mail", "verifly", "replyhub")
GENERATED = "generated"
GENERATED_ACCOUNTS = 80


# --- the variants -------------------------------------------------------------


@dataclass(frozen=True)
class Variants:
    yaml: Path
    duckdb: Path
    postgres: Path


def _pg_type(name: str, values: list[Any]) -> str:
    seen = {type(v) for v in values if v is not None}
    if name in ("start", "renewal", "by"):
        return "date"
    if seen and seen <= {bool}:
        return "boolean"
    if seen and seen <= {int}:
        return "bigint"
    if seen and seen <= {int, float}:
        return "double precision"
    return "text"


def _pg_cell(value: Any, kind: str) -> Any:
    if value is None or kind != "text" or isinstance(value, str):
        return value
    # As write_duckdb_files does: a column of mixed types is text.
    return str(value).lower() if isinstance(value, bool) else str(value)


def load_postgres(split: Split, admin_url: str, schema: str) -> None:
    """The split's rows in tables crm, usage and flags of a new schema."""
    from sqlalchemy import create_engine, text

    columns, rows = crm_rows(split)
    types = [_pg_type(c, [r[i] for r in rows]) for i, c in enumerate(columns)]
    ddl = ", ".join(f'"{c}" {t}' for c, t in zip(columns, types, strict=True))
    params = ", ".join(f":c{i}" for i in range(len(columns)))
    engine = create_engine(admin_url)
    try:
        with engine.begin() as conn:
            conn.execute(text(f"CREATE SCHEMA {schema}"))
            conn.execute(text(f"CREATE TABLE {schema}.crm ({ddl})"))
            conn.execute(
                text(f"INSERT INTO {schema}.crm VALUES ({params})"),
                [
                    {f"c{i}": _pg_cell(v, t) for i, (v, t) in enumerate(zip(r, types, strict=True))}
                    for r in rows
                ],
            )
            for table, kind, data in (
                ("usage", "double precision", split.numbers),
                ("flags", "boolean", split.flags),
            ):
                conn.execute(
                    text(
                        f"CREATE TABLE {schema}.{table}"
                        f" (account_id text, metric text, day date, value {kind})"
                    )
                )
                if data:
                    conn.execute(
                        text(f"INSERT INTO {schema}.{table} VALUES (:a, :s, :d, :v)"),
                        [{"a": a, "s": s, "d": d, "v": v} for a, s, d, v in data],
                    )
    finally:
        engine.dispose()


def postgres_sources(schema: str) -> str:
    signals = "select account_id as account, metric as signal, day as as_of, value from"
    return "---\n".join(
        f"kind: DataSource\nid: {ident}\nprovides: {provides}\nengine: sql\n"
        f"url: ${{{URL_VAR}}}\nquery: {query}\n"
        for ident, provides, query in (
            ("crm", "accounts", f"select * from {schema}.crm order by id"),
            ("product-usage", "signals", f"{signals} {schema}.usage"),
            ("product-flags", "signals", f"{signals} {schema}.flags"),
        )
    )


@pytest.fixture(scope="module")
def schemas(postgres: pg_cluster.PgServer) -> Iterator[list[str]]:
    """Schemas made by this module, dropped at its end."""
    made: list[str] = []
    yield made
    from sqlalchemy import create_engine, text

    engine = create_engine(postgres.admin_url)
    try:
        with engine.begin() as conn:
            for name in made:
                conn.execute(text(f"DROP SCHEMA IF EXISTS {name} CASCADE"))
    finally:
        engine.dispose()


@pytest.fixture(scope="module")
def workspaces(
    tmp_path_factory: pytest.TempPathFactory,
    postgres: pg_cluster.PgServer,
    schemas: list[str],
) -> dict[str, Variants]:
    """Each workspace as YAML, with DuckDB/Parquet sources and with PostgreSQL ones."""
    root = tmp_path_factory.mktemp("differential")
    sources = {name: REPO / "examples" / name for name in EXAMPLES}
    sources[GENERATED] = root / "generated-yaml"
    generate.generate(sources[GENERATED], GENERATED_ACCOUNTS, seed=7)
    out = {}
    for name, src in sources.items():
        duck = root / f"{name}-duckdb"
        split = split_workspace(src, duck)
        assert split.accounts and split.numbers, f"{name}: nothing was split out"
        write_duckdb_files(split, duck / "data")
        (duck / "sources.yaml").write_text(DUCKDB_SOURCES, encoding="utf-8")

        pg = root / f"{name}-postgres"
        split_workspace(src, pg)
        schema = f"t_{uuid.uuid4().hex[:12]}"
        schemas.append(schema)
        load_postgres(split, postgres.admin_url, schema)
        (pg / "sources.yaml").write_text(postgres_sources(schema), encoding="utf-8")
        out[name] = Variants(src, duck, pg)
    return out


@pytest.fixture(autouse=True)
def reader_url(postgres: pg_cluster.PgServer, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv(URL_VAR, postgres.reader_url)
    return postgres.reader_url


# --- comparing ------------------------------------------------------------------

WHERE = ("file", "line", "source")


def comparable(value: Any) -> Any:
    """``value`` without where evidence points, numbers by value."""
    if isinstance(value, dict):
        drop = WHERE if "evidence" in value else ()
        return {k: comparable(v) for k, v in value.items() if k not in drop}
    if isinstance(value, list):
        return [comparable(v) for v in value]
    if isinstance(value, int) and not isinstance(value, bool):
        return float(value)
    return value


def score_document(
    path: Path, as_of: dt.date, accounts: list[str] | None = None, *, trend: bool = True
) -> dict[str, Any]:
    """What ``csplan score --all --format json [--trend]`` prints, as data."""
    loaded = api.load_workspace(path, sources="fetch")
    errors = [str(f) for f in loaded.findings if f.severity == "error"]
    assert not errors, errors
    scores = api.score(loaded, accounts, as_of, trend=trend)
    return json.loads(json.dumps(score_json.document(scores, loaded.workspace, as_of)))


def diff_document(path: Path, start: dt.date, end: dt.date) -> dict[str, Any]:
    result, before, after = api.diff(path, from_date=start, to_date_=end)
    return json.loads(
        json.dumps(diff_report.document(result, diff_report.DiffView(before, after, None)))
    )


def _first_difference(a: Any, b: Any, where: str = "") -> str:
    if isinstance(a, dict) and isinstance(b, dict):
        for k in sorted(set(a) | set(b)):
            if k not in a or k not in b:
                return f"{where}.{k}: only on one side"
            found = _first_difference(a[k], b[k], f"{where}.{k}")
            if found:
                return found
        return ""
    if isinstance(a, list) and isinstance(b, list):
        if len(a) != len(b):
            return f"{where}: {len(a)} items vs {len(b)}"
        for i, (x, y) in enumerate(zip(a, b, strict=True)):
            found = _first_difference(x, y, f"{where}[{i}]")
            if found:
                return found
        return ""
    return "" if a == b else f"{where}: {a!r} vs {b!r}"


def assert_same(expected: Any, actual: Any, label: str) -> None:
    left, right = comparable(expected), comparable(actual)
    assert left == right, f"{label}: {_first_difference(left, right)}"


ALL = (*EXAMPLES, GENERATED)


# --- score, trend, subsets, diff ------------------------------------------------


@pytest.mark.parametrize("name", ALL)
def test_score_with_trend_is_the_same_from_yaml_duckdb_and_postgres(
    workspaces: dict[str, Variants], name: str
) -> None:
    v = workspaces[name]
    for as_of in DATES:
        expected = score_document(v.yaml, as_of)
        assert expected["accounts"] and "trend" in expected["accounts"][0]
        for label, path in (("duckdb", v.duckdb), ("postgres", v.postgres)):
            assert_same(expected, score_document(path, as_of), f"{name} {label} at {as_of}")


@pytest.mark.parametrize("name", ALL)
def test_source_evidence_points_at_the_source(workspaces: dict[str, Variants], name: str) -> None:
    # What does differ, differs as SPEC section 8 says: the DataSource's file
    # and the line of its query, and the source's id and row.
    doc = score_document(workspaces[name].postgres, DATES[-1])
    measures = [
        m
        for a in doc["accounts"]
        for c in a["engagement"]["components"]
        for m in c["measures"]
        if m["kind"] == "signal" and m["file"] is not None
    ]
    assert measures, "no signal measure with evidence"
    for m in measures:
        assert m["file"] == "sources.yaml", m
        assert m["source"]["id"] in ("product-usage", "product-flags"), m
        assert m["source"]["row"] >= 1, m


@pytest.mark.parametrize("name", ALL)
def test_some_accounts_score_as_they_do_in_the_whole_portfolio(
    workspaces: dict[str, Variants], name: str
) -> None:
    # The pushdown filters by account: a subset must not see less (or more).
    v = workspaces[name]
    as_of = DATES[-1]
    everyone = score_document(v.yaml, as_of)["accounts"]
    ids = [a["id"] for a in everyone][::3]
    for label, path in (("duckdb", v.duckdb), ("postgres", v.postgres)):
        some = score_document(path, as_of, ids)["accounts"]
        assert [a["id"] for a in some] == ids
        whole = {a["id"]: a for a in score_document(path, as_of)["accounts"]}
        assert_same([whole[i] for i in ids], some, f"{name} {label} subset")
        assert_same([a for a in everyone if a["id"] in ids], some, f"{name} {label} vs yaml")


@pytest.mark.parametrize("name", ALL)
def test_diff_between_dates_is_the_same(workspaces: dict[str, Variants], name: str) -> None:
    v = workspaces[name]
    for start, end in ((DATES[1], DATES[-1]), (DATES[2], DATES[3])):
        expected = diff_document(v.yaml, start, end)
        assert expected["summary"]["accounts"] > 0
        for label, path in (("duckdb", v.duckdb), ("postgres", v.postgres)):
            assert_same(expected, diff_document(path, start, end), f"{name} {label} {start}..{end}")


def test_the_command_line_prints_the_same_json(workspaces: dict[str, Variants]) -> None:
    v = workspaces["acme-mail"]
    as_of = "2026-11-01"
    printed = {}
    for label, path in (("yaml", v.yaml), ("duckdb", v.duckdb)):
        run = subprocess.run(
            [
                str(REPO / ".venv" / "bin" / "csplan"),
                "score",
                "--all",
                "--format",
                "json",
                "--trend",
                "--as-of",
                as_of,
                "-w",
                str(path),
            ],
            capture_output=True,
            text=True,
            timeout=120,
            env={k: val for k, val in os.environ.items() if k != URL_VAR},
        )
        assert run.returncode == 0, run.stderr
        assert run.stderr == ""
        printed[label] = json.loads(run.stdout)
    assert printed["yaml"]["accounts"][0]["trend"]
    assert_same(printed["yaml"], printed["duckdb"], "command line")


# --- the pushdown's invariant (hypothesis) --------------------------------------

START = dt.date(2026, 1, 1)
PEOPLE = ("acme", "globex", "initech")
NUMBERS = {
    "war": (0.0, 1.0),
    "tickets": (0.0, 12.0),
    "contacts": (0.0, 3000.0),
    "regs": (50.0, 400.0),
}
FLAGS = ("sso_on",)
# Signals whose latest value counts (war, tickets, regs) and signals whose
# history counts (contacts, sso_on: milestone criteria), so both halves of the
# pushdown query are exercised.
PROPERTY_MODEL = engagement(
    product_adoption="{weight: 2, desired: 0.8, measures: [{signal: war, good: 0.6, bad: 0.1,"
    " max_age_days: 60}]}",
    outcomes="{weight: 2, desired: 0.8, measures: [{milestones: customer, weight: 2},"
    " {signal: regs, good: 300, bad: 100}]}",
    education="{weight: 1, desired: 0.6, measures: [{signal: contacts, good: 2000, bad: 0}]}",
    journey="{weight: 1, desired: 0.7, measures: [{milestones: all},"
    " {signal: tickets, good: 1, bad: 8, max_age_days: 30}]}",
)
PROPERTY_MAP = (
    MAP.replace(
        "    due_days: 10\n",
        "    due_days: 10\n    criteria:\n      - {signal: contacts, at_least: 1000}\n",
    )
    .replace(
        "    due_days: 20\n",
        "    due_days: 20\n    criteria:\n      - {signal: sso_on, equals: true}\n"
        "      - {signal: contacts, at_least: 500}\n",
    )
    .replace(
        "    due_days: 60\n",
        "    due_days: 60\n    repeat_days: 90\n"
        "    criteria:\n      - {signal: war, at_least: 0.5}\n",
    )
)
# initech is a developer account: its map repeats a milestone read on two
# signals (whose every observation then counts) and one on a latest signal.
PROPERTY_SELF_MAP = SELF_MAP.replace(
    "due_days: 3}",
    "due_days: 3, criteria: [{signal: tickets, at_most: 3}]}",
).replace(
    "due_days: 90}",
    "due_days: 90, repeat_days: 60,"
    " criteria: [{signal: regs, at_least: 250}, {signal: sso_on, equals: true}]}",
)
SEGMENT_OF = {"acme": "teams", "globex": "teams", "initech": "devs"}
PROPERTY_SOURCES = """\
kind: DataSource
id: usage
provides: signals
query: select * from read_parquet('usage.parquet')
---
kind: DataSource
id: flags
provides: signals
query: select * from read_parquet('flags.parquet')
"""

obs_days = st.integers(min_value=-60, max_value=450).map(lambda n: START + dt.timedelta(days=n))


@st.composite
def portfolios(draw: st.DrawFn) -> dict[str, dict[str, dict[dt.date, Any]]]:
    """account -> signal -> date -> value (one value per date, as YAML allows)."""
    out: dict[str, dict[str, dict[dt.date, Any]]] = {}
    for account in PEOPLE:
        per: dict[str, dict[dt.date, Any]] = {}
        for signal, (low, high) in NUMBERS.items():
            number = st.one_of(
                st.floats(low, high, allow_nan=False), st.integers(int(low), int(high))
            )
            per[signal] = draw(st.dictionaries(obs_days, number, max_size=8))
        for signal in FLAGS:
            per[signal] = draw(st.dictionaries(obs_days, st.booleans(), max_size=4))
        out[account] = {s: v for s, v in per.items() if v}
    return out


def _account_doc(account: str, signals: dict[str, dict[dt.date, Any]] | None) -> dict[str, Any]:
    doc: dict[str, Any] = {
        "kind": "Account",
        "id": account,
        "name": account.title(),
        "segment": SEGMENT_OF[account],
        "start": START.isoformat(),
        "stakeholders": [{"name": "Dana", "champion": True}],
        "desired_outcomes": [
            {"since": START.isoformat(), "outcome": "grow", "baseline": 100, "target": 200}
        ],
    }
    if signals:
        doc["signals"] = {
            name: [{"as_of": d.isoformat(), "value": v} for d, v in sorted(obs.items())]
            for name, obs in signals.items()
        }
    return doc


def _write_property_workspace(
    root: Path, portfolio: dict[str, dict[str, dict[dt.date, Any]]], rows: list[tuple] | None
) -> None:
    """The portfolio's observations in the accounts' YAML (``rows`` None), or
    ``rows`` (account, signal, day, value) in Parquet files read by DuckDB."""
    files = {
        "csplan.yaml": SETTINGS,
        "catalog.yaml": CATALOG,
        "maps.yaml": PROPERTY_MAP + "---\n" + PROPERTY_SELF_MAP,
        "segments.yaml": SEGMENTS,
        "engagement.yaml": PROPERTY_MODEL,
    }
    for account, signals in portfolio.items():
        doc = _account_doc(account, signals if rows is None else None)
        files[f"accounts/{account}.yaml"] = yaml.safe_dump(doc, sort_keys=False)
    for rel, body in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(body, encoding="utf-8")
    if rows is None:
        return
    (root / "sources.yaml").write_text(PROPERTY_SOURCES, encoding="utf-8")
    import duckdb

    con = duckdb.connect()
    try:
        for table, kind, keep in (
            ("usage", "double", lambda v: not isinstance(v, bool)),
            ("flags", "boolean", lambda v: isinstance(v, bool)),
        ):
            con.execute(
                f"create table {table} (account varchar, signal varchar, as_of date, value {kind})"
            )
            chosen = [r for r in rows if keep(r[3])]
            if chosen:
                con.executemany(f"insert into {table} values (?, ?, ?, ?)", chosen)
            # Parquet keeps the insertion order: the rows come back shuffled.
            con.execute(f"copy {table} to '{root / (table + '.parquet')}' (format parquet)")
    finally:
        con.close()


PROPERTY_EXAMPLES = int(os.environ.get("CSPLAN_DIFF_EXAMPLES", "25"))


@settings(
    max_examples=PROPERTY_EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(
    portfolio=portfolios(),
    as_of=st.integers(min_value=-30, max_value=420).map(lambda n: START + dt.timedelta(days=n)),
    repeats=st.lists(st.integers(min_value=0, max_value=10_000), max_size=6),
    shuffle=st.randoms(use_true_random=False),
    alone=st.sampled_from(PEOPLE),
    trend=st.booleans(),
)
def test_pushdown_gives_what_every_row_in_yaml_gives(
    tmp_path_factory: pytest.TempPathFactory,
    portfolio: dict[str, dict[str, dict[dt.date, Any]]],
    as_of: dt.date,
    repeats: list[int],
    shuffle: Any,
    alone: str,
    trend: bool,
) -> None:
    rows = [
        (account, signal, day, value)
        for account, signals in portfolio.items()
        for signal, obs in signals.items()
        for day, value in obs.items()
    ]
    if rows:
        # The same row twice is accepted (SPEC section 8).
        rows += [rows[i % len(rows)] for i in repeats]
    shuffle.shuffle(rows)
    root = tmp_path_factory.mktemp("pushdown")
    _write_property_workspace(root / "yaml", portfolio, None)
    _write_property_workspace(root / "duckdb", portfolio, rows)
    expected = score_document(root / "yaml", as_of, trend=trend)
    got = score_document(root / "duckdb", as_of, trend=trend)
    assert_same(expected, got, f"at {as_of}")
    one = score_document(root / "duckdb", as_of, [alone], trend=trend)
    assert_same([a for a in expected["accounts"] if a["id"] == alone], one["accounts"], alone)
    shutil.rmtree(root)
