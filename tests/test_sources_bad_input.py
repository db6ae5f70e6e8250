"""Bad input to data sources (SPEC section 8, issue 11): each one clear
finding with the right exit code, the database's message and never a
password, no traceback, and nothing written anywhere."""

from __future__ import annotations

import json
import re
import sys
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
