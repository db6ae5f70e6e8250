"""DuckDB's other inputs (SPEC section 8): a ``.duckdb`` database file
named by ``url`` (attached read-only: the file is never changed) and JSON
files, scored exactly as the same rows written in YAML."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import shutil
from pathlib import Path

import duckdb
from conftest import ROOT
from sources_support import crm_rows, split_workspace
from test_sources_differential import assert_same, score_document

EXAMPLE = ROOT / "examples" / "acme-mail"
DAYS = (dt.date(2026, 6, 30), dt.date(2026, 11, 1))

SOURCES = """\
kind: DataSource
id: crm
provides: accounts
url: data/warehouse.duckdb
query: select * from crm order by id
---
kind: DataSource
id: product-usage
provides: signals
query: |
  select account_id as account, metric as signal, day as as_of, value
  from read_json('data/usage.json')
"""


def _digest(folder: Path) -> dict[str, str]:
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def test_a_duckdb_file_and_json_score_as_yaml(tmp_path: Path) -> None:
    fed = tmp_path / "fed"
    split = split_workspace(EXAMPLE, fed)
    assert not split.flags  # numbers only: one JSON file holds them all
    data = fed / "data"
    data.mkdir()
    columns, rows = crm_rows(split)
    con = duckdb.connect(str(data / "warehouse.duckdb"))
    kinds = {"start": "DATE", "renewal": "DATE", "by": "DATE"}
    types = []
    for i, name in enumerate(columns):
        seen = {type(r[i]) for r in rows if r[i] is not None}
        types.append(
            kinds.get(name)
            or (
                "BIGINT"
                if seen == {int}
                else "DOUBLE"
                if seen <= {int, float} and seen
                else "BOOLEAN"
                if seen == {bool}
                else "VARCHAR"
            )
        )
    con.execute(
        "create table crm ("
        + ", ".join(f'"{c}" {t}' for c, t in zip(columns, types, strict=True))
        + ")"
    )
    con.executemany(f"insert into crm values ({', '.join('?' for _ in columns)})", rows)
    con.close()
    (data / "usage.json").write_text(
        json.dumps(
            [
                {"account_id": a, "metric": s, "day": d.isoformat(), "value": v}
                for a, s, d, v in split.numbers
            ]
        ),
        encoding="utf-8",
    )
    (fed / "sources.yaml").write_text(SOURCES, encoding="utf-8")
    before = _digest(fed)

    checked = api_validate(fed)
    assert checked == [], checked
    for day in DAYS:
        assert_same(score_document(EXAMPLE, day), score_document(fed, day), f"{day}")
    # Attached read-only: the database file is as it was, and no .wal appeared.
    assert _digest(fed) == before


def api_validate(folder: Path) -> list[str]:
    from csplan.api import load_workspace

    result = load_workspace(folder)
    return [str(f) for f in result.findings if f.severity == "error"]


def test_backtest_from_sources_is_the_backtest_from_yaml() -> None:
    """replyhub-crm is replyhub's portfolio fed by a CRM export and Parquet:
    its six written accounts hold the renewals, and each renewal is scored
    from the rows asked for its days (engine.backtest.scored_days)."""
    from csplan import api
    from csplan.report.backtest import document

    leads = (30, 90, 180)
    expected = api.backtest(ROOT / "examples" / "replyhub", leads=leads)
    actual = api.backtest(ROOT / "examples" / "replyhub-crm", leads=leads)
    assert document(actual) == document(expected)


def test_duckdb_spills_into_a_private_folder_removed_after(tmp_path: Path) -> None:
    """A large aggregate may spill to disk: never into the user's folder
    (DuckDB's default is .tmp in the current one)."""
    from csplan.model import DataSource
    from csplan.sources.connect import open_source

    ds = DataSource(kind="DataSource", id="usage", provides="signals", query="select 1")
    runner = open_source(ds, tmp_path)
    found = runner.first("select current_setting('temp_directory')")
    assert found is not None
    spill = Path(str(found[0]))
    assert spill.is_dir() and tmp_path not in spill.parents and spill != Path(".tmp")
    runner.close()
    assert not spill.exists()


TWO_SOURCES = """\
kind: DataSource
id: product-usage
provides: signals
query: select * from read_csv('data/usage.csv')
---
kind: DataSource
id: survey
provides: signals
query: select * from read_csv('data/survey.csv')
"""


def _two_sources(tmp_path: Path, survey_day: str) -> list[dict[str, object]]:
    from csplan.api import load_workspace

    root = tmp_path / "ws"
    shutil.copytree(ROOT / "tests" / "cases" / "base", root)
    (root / "data").mkdir()
    head = "account,signal,as_of,value\n"
    (root / "data" / "usage.csv").write_text(
        head + "northwind-events,weekly_active_ratio,2026-11-15,0.6\n", encoding="utf-8"
    )
    (root / "data" / "survey.csv").write_text(
        head + f"northwind-events,weekly_active_ratio,{survey_day},0.6\n", encoding="utf-8"
    )
    (root / "sources.yaml").write_text(TWO_SOURCES, encoding="utf-8")
    result = load_workspace(root)
    return [f.as_dict() for f in result.findings if f.code == "CSP206"]


def test_two_sources_giving_one_observation_is_an_error(tmp_path: Path) -> None:
    [found] = _two_sources(tmp_path, "2026-11-15")
    assert found["file"] == "sources.yaml" and found["line"] == 9  # the later source's query:
    assert "'product-usage' and 'survey' both give 1 observation" in str(found["message"])
    assert "weekly_active_ratio of northwind-events on 2026-11-15" in str(found["message"])


def test_two_sources_of_one_signal_on_other_dates_are_fine(tmp_path: Path) -> None:
    assert _two_sources(tmp_path, "2026-11-16") == []
