"""Bad input to data sources (SPEC section 8, issue 11): each one clear
finding with the right exit code, the database's message and never a
password, no traceback, and nothing written anywhere."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from csplan.sources.statement import problem, trimmed


@pytest.mark.parametrize(
    ("query", "wrapped"),
    [
        # A query ending in a literal keeps it (it used to be cut off as blanks).
        ("select * from 'data/usage.csv'", "select * from 'data/usage.csv'"),
        ("select * from t where a = 'b;' ;\n", "select * from t where a = 'b;'"),
        ('select "x" from t; /* done */\n', 'select "x" from t'),
        ("select 1 -- the end\n;", "select 1"),
    ],
)
def test_a_query_is_wrapped_whole(query: str, wrapped: str) -> None:
    assert problem(query) is None
    assert trimmed(query) == wrapped


# --- through the CLI ----------------------------------------------------------

BASE_DIR = Path(__file__).parent / "cases" / "base"
ACCOUNT = "accounts/northwind.yaml"
AS_OF = "2026-11-20"
CSPLAN = Path(sys.executable).parent / "csplan"
USAGE_HEAD = "account,signal,as_of,value\n"
GOOD_ROW = "northwind-events,weekly_active_ratio,2026-11-15,0.6\n"
CRM_HEAD = "id,name,segment,start\n"


def source(id_: str, provides: str, query: str, extra: str = "") -> str:
    """A DataSource document; its ``query:`` is on line 4 (5 after ``extra``'s
    first line, and so on)."""
    return f"kind: DataSource\nid: {id_}\nprovides: {provides}\n{extra}query: {query}\n"


USAGE = source("product-usage", "signals", "select * from read_csv('data/usage.csv')")
CRM = source("crm", "accounts", "select * from read_csv('data/crm.csv', all_varchar = true)")


@dataclass
class Bad:
    id: str
    code: str
    said: str  # what the message says (after "data source 'x': " or "x row n: ")
    sources: str
    files: dict[str, str] = field(default_factory=dict)
    row: int | None = None  # the source row of a row finding
    source_id: str = "product-usage"
    file: str = "sources.yaml"
    line: int = 4
    scored: bool = True  # score and render fail too (they fetch the row)
    offline: bool = False  # validate --no-sources reports it too
    env: dict[str, str] = field(default_factory=dict)


CASES = [
    Bad(
        "missing-variable",
        "CSP501",
        "environment variable CSPLAN_NO_SUCH_URL is not set (the url needs it)",
        source(
            "warehouse",
            "signals",
            "select * from usage",
            "engine: sql\nurl: ${CSPLAN_NO_SUCH_URL}\n",
        ),
        source_id="warehouse",
        line=5,
    ),
    Bad(
        "literal-password",
        "CSP502",
        "the url has a password written in it; credentials belong in environment variables",
        source(
            "warehouse",
            "signals",
            "select * from usage",
            "engine: sql\nurl: postgresql+psycopg://bob:hunter2@db.example/crm\n",
        ),
        source_id="warehouse",
        line=5,
        offline=True,
    ),
    Bad(
        "syntax-error",
        "CSP501",
        'Parser Error: syntax error at or near "where"',
        source("product-usage", "signals", "select * from read_csv('data/usage.csv') where"),
        {"data/usage.csv": USAGE_HEAD + GOOD_ROW},
    ),
    Bad(
        "missing-file",
        "CSP501",
        "No files found that match the pattern",
        source("product-usage", "signals", "select * from read_csv('data/usage-2026.csv')"),
        {"data/usage.csv": USAGE_HEAD + GOOD_ROW},
    ),
    Bad(
        "wrong-columns",
        "CSP504",
        "no column 'as_of'; unexpected column 'day': a signals query returns account, signal,"
        " as_of, value",
        USAGE,
        {"data/usage.csv": "account,signal,day,value\n" + GOOD_ROW},
    ),
    Bad(
        "bad-date",
        "CSP107",
        "as_of: '2026-11-31' is not a real calendar date",
        USAGE,
        {
            "data/usage.csv": USAGE_HEAD
            + GOOD_ROW
            + "northwind-events,weekly_active_ratio,2026-11-31,0.7\n"
        },
        row=2,
        scored=False,  # a row without a date is on no scoring date: not fetched
    ),
    Bad(
        "not-a-number",
        "CSP103",
        "value of weekly_active_ratio on 2026-11-16: 'high' is not a number",
        USAGE,
        {
            "data/usage.csv": USAGE_HEAD
            + GOOD_ROW
            + "northwind-events,weekly_active_ratio,2026-11-16,high\n"
        },
        row=2,
    ),
    Bad(
        "yes-is-text",
        "CSP103",
        "value of weekly_active_ratio on 2026-11-16: 'yes' is not a number",
        # As text: DuckDB's CSV sniffer alone would read yes as a boolean.
        USAGE.replace("'data/usage.csv'", "'data/usage.csv', all_varchar = true"),
        {"data/usage.csv": USAGE_HEAD + "northwind-events,weekly_active_ratio,2026-11-16,yes\n"},
        row=1,
    ),
    Bad(
        "out-of-range",
        "CSP103",
        "is out of range (at most 2^53 either way)",
        USAGE,
        {"data/usage.csv": USAGE_HEAD + "northwind-events,weekly_active_ratio,2026-11-16,1e300\n"},
        row=1,
    ),
    Bad(
        "same-day-twice",
        "CSP206",
        "two values of weekly_active_ratio on 2026-11-15: 0.6 (row 1) and 0.7",
        USAGE,
        {
            "data/usage.csv": USAGE_HEAD
            + GOOD_ROW
            + "northwind-events,weekly_active_ratio,2026-11-15,0.7\n"
        },
        row=2,
    ),
    Bad(
        "unknown-segment",
        "CSP201",
        "account 'southwind-events' is in segment 'enterprize', which does not exist",
        CRM,
        {
            "data/crm.csv": "id,name,segment,start,outcome,baseline,target\n"
            "southwind-events,Southwind Events,enterprize,2026-03-01,grow-registrations,320,500\n"
        },
        row=1,
        source_id="crm",
    ),
    Bad(
        "field-twice",
        "CSP505",
        "'name' is given here and by data source crm row 1 (id 'northwind-events')",
        CRM,
        {"data/crm.csv": CRM_HEAD + "northwind-events,Northwind Events,,\n"},
        source_id="crm",
        file=ACCOUNT,
        line=3,
    ),
    Bad(
        "accounts-without-start",
        "CSP504",
        "no column 'start': an accounts query returns id, name, segment, start",
        source("crm", "accounts", "select id, name, segment from read_csv('data/crm.csv')"),
        {"data/crm.csv": CRM_HEAD + "southwind-events,Southwind Events,enterprise,2026-03-01\n"},
        source_id="crm",
    ),
    Bad(
        "null-id",
        "CSP103",
        "id NULL is not an account id",
        CRM,
        {"data/crm.csv": CRM_HEAD + ",Southwind Events,enterprise,2026-03-01\n"},
        row=1,
        source_id="crm",
    ),
    Bad(
        "no-duckdb-file",
        "CSP501",
        "no DuckDB database file at data/usage.duckdb",
        source("product-usage", "signals", "select * from usage", "url: data/usage.duckdb\n"),
        line=4,
    ),
    Bad(
        "driver-not-installed",
        "CSP501",
        "no database driver for 'snowflake' is installed",
        source(
            "warehouse",
            "signals",
            "select * from usage",
            "engine: sql\nurl: ${CSPLAN_SNOWFLAKE_URL}\n",
        ),
        source_id="warehouse",
        line=6,
        env={"CSPLAN_SNOWFLAKE_URL": "snowflake://bob:hunter2@acme-xy12345/analytics"},
    ),
    *(
        Bad(
            f"writes-{name}",
            "CSP503",
            said,
            source("product-usage", "signals", query, "url: data/usage.duckdb\n"),
            line=5,
            offline=True,
        )
        for name, query, said in [
            ("delete", "delete from usage", "the query is a DELETE statement, not a SELECT"),
            ("two", "select * from usage; drop table usage", "more than one statement"),
            ("copy", "copy usage to 'out.csv'", "the query is a COPY statement, not a SELECT"),
            (
                "attach",
                "attach 'other.duckdb' as o",
                "the query is an ATTACH statement, not a SELECT",
            ),
        ]
    ),
]


def workspace(root: Path, case: Bad) -> dict[str, bytes]:
    """Write the base workspace with ``case``'s sources and data under
    ``root``; return every file's bytes, to compare after the commands."""
    for path in BASE_DIR.rglob("*.yaml"):
        target = root / path.relative_to(BASE_DIR)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(path.read_bytes())
    (root / "sources.yaml").write_text(case.sources, encoding="utf-8")
    for rel, text in case.files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text, encoding="utf-8")
    if "url: data/usage.duckdb" in case.sources and case.id.startswith("writes-"):
        import duckdb

        (root / "data").mkdir(exist_ok=True)
        with duckdb.connect(str(root / "data" / "usage.duckdb")) as con:
            con.execute(
                "create table usage as select 'northwind-events' as account,"
                " 'weekly_active_ratio' as signal, date '2026-11-15' as as_of, 0.6 as value"
            )
    return snapshot(root)


def snapshot(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*") if p.is_file()}


def clean(text: str) -> None:
    assert "Traceback" not in text
    assert "hunter2" not in text


@pytest.fixture
def bad(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, request: pytest.FixtureRequest):
    case: Bad = request.param
    monkeypatch.delenv("CSPLAN_NO_SUCH_URL", raising=False)
    for name, value in case.env.items():
        monkeypatch.setenv(name, value)
    root = tmp_path / "ws"
    before = workspace(root, case)
    yield case, root
    assert snapshot(root) == before, "the workspace changed"


def parametrize_bad(cases: list[Bad] = CASES):
    return pytest.mark.parametrize("bad", cases, ids=lambda c: c.id, indirect=True)


@parametrize_bad()
def test_validate_text(bad, cli) -> None:
    case, root = bad
    result = cli("validate", "-w", root)
    clean(result.output)
    assert result.exit_code == 1, result.output
    assert f"{case.file}\n  {case.line}:" in result.output
    assert case.code in result.output
    assert case.said in result.output
    if case.row is not None:
        assert f"{case.source_id} row {case.row}" in result.output


@parametrize_bad()
def test_validate_json(bad, cli) -> None:
    case, root = bad
    result = cli("validate", "-w", root, "--format", "json")
    clean(result.output)
    assert result.exit_code == 1, result.output
    [finding] = json.loads(result.stdout)["findings"]
    assert (finding["code"], finding["file"], finding["line"]) == (case.code, case.file, case.line)
    assert case.said in finding["message"]
    assert finding["hint"], "every finding says what to do"
    if case.row is not None:
        assert finding["source"] == {"id": case.source_id, "row": case.row}
        assert finding["message"].startswith(f"{case.source_id} row {case.row}")
    elif case.code != "CSP505":
        assert "source" not in finding
        assert finding["message"].startswith(f"data source '{case.source_id}': ")


@parametrize_bad()
def test_score_and_render_write_nothing(bad, cli, tmp_path: Path) -> None:
    case, root = bad
    out = tmp_path / "out"
    score = cli("score", "--all", "-w", root, "--as-of", AS_OF)
    render = cli("render", "--all", "-w", root, "--as-of", AS_OF, "-o", out)
    for result in (score, render):
        clean(result.output)
        if case.scored:
            assert result.exit_code == 1, result.output
            # As validate shows it (the workspace is invalid) or as a source
            # read while scoring: either way with the rule code.
            assert re.search(rf"error {case.code}: |error +{case.code} ", result.stderr)
            assert case.said in result.stderr
            assert result.stdout == ""
        else:
            assert result.exit_code == 0, result.output
    assert out.exists() is not case.scored


@parametrize_bad()
def test_validate_without_sources(bad, cli) -> None:
    case, root = bad
    result = cli("validate", "-w", root, "--no-sources", "--format", "json")
    clean(result.output)
    codes = [f["code"] for f in json.loads(result.stdout)["findings"]]
    assert codes == ([case.code] if case.offline else []), result.output
    assert result.exit_code == (1 if case.offline else 0)


def test_a_row_missing_a_field_still_names_its_source_and_row(tmp_path: Path, cli) -> None:
    """An account from a row that lacks a required field is read partially;
    its other findings (here an unknown segment) still name the source and
    row (they used to lose them, at column 8 of the query line)."""
    case = Bad("partial", "CSP201", "", CRM, {
        "data/crm.csv": CRM_HEAD + "southwind-events,Southwind Events,enterprize,2026-03-01\n"
    })  # fmt: skip
    root = tmp_path / "ws"
    workspace(root, case)
    result = cli("validate", "-w", root, "--format", "json")
    found = json.loads(result.stdout)["findings"]
    assert [(f["code"], f["line"], f["column"], f.get("source")) for f in found] == [
        ("CSP101", 4, 1, {"id": "crm", "row": 1}),
        ("CSP201", 4, 1, {"id": "crm", "row": 1}),
    ]
    assert all(f["message"].startswith("crm row 1 (id 'southwind-events'): ") for f in found)


# --- a real PostgreSQL server ---------------------------------------------------

PG_SOURCE = (
    "kind: DataSource\nid: warehouse\nprovides: signals\nengine: sql\n"
    "url: ${CSPLAN_TEST_WAREHOUSE}\n{timeout}query: {query}\n"
)


@pytest.fixture
def pg_schema(postgres):
    """A schema of this test's own with a usage table of one row."""
    from sqlalchemy import create_engine, text

    name = f"t_{uuid.uuid4().hex[:12]}"
    admin = create_engine(postgres.admin_url)
    with admin.begin() as conn:
        conn.execute(text(f"CREATE SCHEMA {name}"))
        conn.execute(
            text(f"CREATE TABLE {name}.usage (account text, signal text, as_of date, value float)")
        )
        conn.execute(
            text(
                f"INSERT INTO {name}.usage VALUES"
                " ('northwind-events', 'weekly_active_ratio', '2026-11-15', 0.6)"
            )
        )

    def count() -> int:
        with admin.connect() as conn:
            return int(conn.execute(text(f"SELECT count(*) FROM {name}.usage")).scalar_one())

    try:
        yield name, count
    finally:
        with admin.begin() as conn:
            conn.execute(text(f"DROP SCHEMA IF EXISTS {name} CASCADE"))
        admin.dispose()


def pg_workspace(root: Path, query: str, timeout: int | None = None) -> dict[str, bytes]:
    text = PG_SOURCE.replace("{query}", query).replace(
        "{timeout}", f"timeout_seconds: {timeout}\n" if timeout else ""
    )
    return workspace(root, Bad("pg", "", "", text))


def assert_one(cli, root: Path, code: str, said: str, line: int, secret: str) -> None:
    """validate (json and text) and score each give the one finding, exit 1,
    without the password or a traceback."""
    result = cli("validate", "-w", root, "--format", "json")
    assert secret not in result.output and "Traceback" not in result.output
    assert result.exit_code == 1, result.output
    [finding] = json.loads(result.stdout)["findings"]
    assert (finding["code"], finding["file"], finding["line"]) == (code, "sources.yaml", line)
    assert finding["message"].startswith("data source 'warehouse': ")
    assert said in finding["message"], finding["message"]
    if line == 5:  # the url's line: a connection that failed
        assert "check that the server can be reached" in finding["hint"]
    for args in (("validate",), ("score", "--all", "--as-of", AS_OF)):
        result = cli(*args, "-w", root)
        assert secret not in result.output and "Traceback" not in result.output
        assert result.exit_code == 1, result.output
        assert code in result.output and said in result.output


def test_postgres_unreachable(cli, tmp_path: Path, monkeypatch, postgres) -> None:
    # A socket folder with no server in it: the connection is refused.
    empty = tempfile.mkdtemp(prefix="csplan-nopg-", dir="/tmp")
    url = postgres.reader_url.replace(postgres.socket_dir, empty)
    monkeypatch.setenv("CSPLAN_TEST_WAREHOUSE", url)
    root = tmp_path / "ws"
    before = pg_workspace(root, "select * from usage")
    try:
        assert_one(cli, root, "CSP501", "connection", 5, postgres.reader_password)
    finally:
        Path(empty).rmdir()
    assert snapshot(root) == before


def test_postgres_wrong_password_is_not_shown(cli, tmp_path: Path, monkeypatch, postgres) -> None:
    wrong = "Wr0ng-s3cret-pw"
    url = postgres.reader_url.replace(postgres.reader_password, wrong)
    assert wrong in url
    monkeypatch.setenv("CSPLAN_TEST_WAREHOUSE", url)
    root = tmp_path / "ws"
    pg_workspace(root, "select * from usage")
    assert_one(cli, root, "CSP501", "password authentication failed", 5, wrong)


def test_postgres_query_error(cli, tmp_path: Path, monkeypatch, postgres, pg_schema) -> None:
    schema, _ = pg_schema
    monkeypatch.setenv("CSPLAN_TEST_WAREHOUSE", postgres.reader_url)
    root = tmp_path / "ws"
    pg_workspace(root, f"select account, signal, as_of, value from {schema}.usages")
    assert_one(cli, root, "CSP501", f'relation "{schema}.usages" does not exist', 6,
               postgres.reader_password)  # fmt: skip


def test_postgres_timeout(cli, tmp_path: Path, monkeypatch, postgres) -> None:
    monkeypatch.setenv("CSPLAN_TEST_WAREHOUSE", postgres.reader_url)
    root = tmp_path / "ws"
    pg_workspace(
        root,
        "select 'northwind-events' as account, 'weekly_active_ratio' as signal,"
        " date '2026-11-15' as as_of, 0.6 as value from pg_sleep(5)",
        timeout=1,
    )
    began = time.monotonic()
    result = cli("validate", "-w", root, "--format", "json")
    assert time.monotonic() - began < 4.5, "the time limit was not kept"
    assert result.exit_code == 1, result.output
    assert postgres.reader_password not in result.output
    [finding] = json.loads(result.stdout)["findings"]
    assert (finding["code"], finding["line"]) == ("CSP501", 7)
    assert re.search(r"within 1 seconds|statement timeout", finding["message"]), finding


@pytest.mark.parametrize(
    "query",
    [
        "delete from {schema}.usage",
        "with gone as (delete from {schema}.usage returning *) select * from gone",
        "select * from {schema}.usage; delete from {schema}.usage",
        "copy {schema}.usage to stdout",
    ],
)
def test_postgres_writes_are_refused(cli, tmp_path, monkeypatch, postgres, pg_schema, query):
    schema, count = pg_schema
    # The admin could delete: the refusal is csplan's, before any connection.
    monkeypatch.setenv("CSPLAN_TEST_WAREHOUSE", postgres.admin_url)
    root = tmp_path / "ws"
    before = pg_workspace(root, query.replace("{schema}", schema))
    for args in (("validate", "--format", "json"), ("score", "--all", "--as-of", AS_OF)):
        result = cli(*args, "-w", root)
        assert result.exit_code == 1, result.output
        assert "CSP503" in result.output
    assert count() == 1
    assert snapshot(root) == before


def test_rows_of_unknown_accounts_are_one_warning_with_a_count(tmp_path: Path, cli) -> None:
    rows = "".join(f"trial-{i % 2},weekly_active_ratio,2026-11-{10 + i},0.5\n" for i in range(3))
    case = Bad("unknown", "CSP506", "", USAGE, {"data/usage.csv": USAGE_HEAD + GOOD_ROW + rows})
    root = tmp_path / "ws"
    workspace(root, case)
    result = cli("validate", "-w", root, "--format", "json")
    assert result.exit_code == 0, result.output
    [finding] = json.loads(result.stdout)["findings"]
    assert (finding["code"], finding["severity"], finding["line"]) == ("CSP506", "warning", 4)
    assert finding["message"] == (
        "data source 'product-usage': 3 rows name 2 accounts the workspace does not have"
        " (e.g. trial-0, trial-1)"
    )
    assert cli("validate", "-w", root, "--strict").exit_code == 1


# --- through a real process ---------------------------------------------------------


def run(*args: object, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    environ = {k: v for k, v in os.environ.items() if not k.startswith("CSPLAN_")}
    return subprocess.run(
        [str(CSPLAN), *map(str, args)],
        capture_output=True,
        text=True,
        env={**environ, **(env or {})},
        timeout=120,
    )


@pytest.mark.parametrize(
    "bad",
    [c for c in CASES if c.id in {"missing-variable", "not-a-number", "field-twice",
                                  "driver-not-installed", "writes-copy"}],
    ids=lambda c: c.id,
    indirect=True,
)  # fmt: skip
def test_in_a_process(bad, tmp_path: Path) -> None:
    case, root = bad
    out = tmp_path / "out"
    env = dict(case.env)
    checked = run("validate", "-w", root, env=env)
    offline = run("validate", "--no-sources", "-w", root, env=env)
    render = run("render", "--all", "-w", root, "--as-of", AS_OF, "-o", out, env=env)
    for done in (checked, offline, render):
        clean(done.stdout + done.stderr)
    assert checked.returncode == 1 and case.code in checked.stdout and case.said in checked.stdout
    assert offline.returncode == (1 if case.offline else 0), offline.stdout
    assert render.returncode == 1 and case.code in render.stderr and case.said in render.stderr
    assert render.stdout == ""
    assert not out.exists()


def test_a_password_in_a_process(tmp_path: Path, postgres) -> None:
    wrong = "Wr0ng-s3cret-pw"
    root = tmp_path / "ws"
    before = pg_workspace(root, "select * from usage")
    env = {"CSPLAN_TEST_WAREHOUSE": postgres.reader_url.replace(postgres.reader_password, wrong)}
    for args in (
        ("validate",),
        ("validate", "--format", "json"),
        ("score", "--all", "--as-of", AS_OF),
    ):
        done = run(*args, "-w", root, env=env)
        text = done.stdout + done.stderr
        assert done.returncode == 1, text
        assert "CSP501" in text and "password authentication failed" in text
        assert wrong not in text and "Traceback" not in text
    assert snapshot(root) == before
