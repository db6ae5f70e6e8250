"""``csplan diff --base REV`` with data sources (SPEC sections 7 and 8):
DuckDB sources read their files as they were at the revision; an ``sql``
source is read live on both sides, and the output says so once."""

from __future__ import annotations

import json
import shutil
import sqlite3
from pathlib import Path

import duckdb
import pytest
from conftest import ROOT
from test_diff_cli import csplan, git, state

EXAMPLE = ROOT / "examples" / "replyhub-crm"
AS_OF = "2026-11-01"
pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="needs git")


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    root = tmp_path / "repo"
    shutil.copytree(EXAMPLE, root / "ws")
    git(root, "init", "-q")
    git(root, "add", "-A")
    git(root, "commit", "-qm", "base")
    return root


def _busiest(parquet: Path) -> str:
    [(found,)] = duckdb.execute(
        f"select account_id from read_parquet('{parquet}') group by 1 order by count(*) desc, 1"
        " limit 1"
    ).fetchall()
    return str(found)


def test_duckdb_files_are_read_as_they_were_at_the_base(repo: Path) -> None:
    usage = repo / "ws" / "data" / "usage" / "2026-10.parquet"
    account = _busiest(usage)
    con = duckdb.connect()
    con.execute(f"create table t as select * from read_parquet('{usage}')")
    con.execute(f"update t set value = value * 0.1 where account_id = '{account}'")
    con.execute(f"copy t to '{usage}' (format parquet)")
    con.close()
    before = state(repo)

    done = csplan(
        "diff", "--all", "--base", "HEAD", "--as-of", AS_OF, "--format", "json", cwd=repo / "ws"
    )
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    changed = [a["id"] for a in report["accounts"] if a["status"] == "changed"]
    assert changed == [account]
    assert "live_sources" not in report  # DuckDB files have a history: nothing is live
    assert state(repo) == before  # the repository and its working tree untouched
    # Against itself the revision's files give no change at all.
    same = csplan(
        "diff",
        "--all",
        "--base",
        "HEAD",
        "--as-of",
        AS_OF,
        "--format",
        "json",
        cwd=repo / "ws",
    )
    assert json.loads(same.stdout)["summary"]["changed"] == 1
    assert state(repo) == before  # the repository and its working tree untouched


def test_an_sql_source_is_read_live_and_said_once(
    repo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    database = tmp_path / "nps.sqlite"
    with sqlite3.connect(database) as db:
        db.execute("create table nps (account text, signal text, as_of text, value real)")
        db.execute("insert into nps values ('ivybridge-digital', 'nps_score', '2026-10-20', 7)")
    (repo / "ws" / "nps.yaml").write_text(
        "kind: DataSource\nid: nps-survey\nprovides: signals\nengine: sql\n"
        "url: sqlite:///${CSPLAN_TEST_NPS_DB}\n"
        "query: select account, signal, as_of, value from nps\n",
        encoding="utf-8",
    )
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "nps from the survey tool")
    monkeypatch.setenv("CSPLAN_TEST_NPS_DB", str(database))
    done = csplan(
        "diff", "--all", "--base", "HEAD", "--as-of", AS_OF, "--format", "json", cwd=repo / "ws"
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["live_sources"] == ["nps-survey"]
    table = csplan("diff", "--all", "--base", "HEAD", "--as-of", AS_OF, cwd=repo / "ws")
    assert table.stdout.count("read live") == 1, table.stdout
