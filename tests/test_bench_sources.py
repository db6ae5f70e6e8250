"""bench/sources.py writes the data-source benchmark's workspace: exact row
counts, unknown accounts, no duplicate readings, the same bytes every time,
and hand-written YAML that gives none of the fields a CRM row gives. Nothing
here times anything (that is the benchmark's job)."""

from __future__ import annotations

import csv
import hashlib
import sys
from pathlib import Path

import duckdb
import pytest
import yaml

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))
import sources  # bench/ is not a package

ACCOUNTS, ROWS = 60, 20_000


@pytest.fixture(scope="module")
def ws(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("sources") / "ws"
    sources.generate_sources(out, ACCOUNTS, ROWS, seed=1)
    return out


def _one(query: str) -> tuple[object, ...]:
    """The one row of ``query`` (DuckDB 2 relations have no fetchone())."""
    (row,) = duckdb.sql(query).fetchall()
    return tuple(row)


def _digest(folder: Path) -> dict[str, str]:
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and p.name != sources.STAMP
    }


def test_rows_accounts_and_unknown_accounts(ws: Path) -> None:
    usage = (ws / "data" / "usage.parquet").as_posix()
    crm = (ws / "data" / "crm_accounts.csv").as_posix()
    assert _one(f"select count(*) from read_parquet('{usage}')") == (ROWS,)
    unknown = _one(
        f"select count(*), count(distinct account_id) from read_parquet('{usage}') u "
        f"anti join read_csv('{crm}') c on c.id = u.account_id"
    )
    assert unknown == (sources.UNKNOWN_ROWS, sources.UNKNOWN_ACCOUNTS)
    duplicates = _one(
        f"select count(*) from (select account_id, metric, day from read_parquet('{usage}') "
        "group by all having count(*) > 1)"
    )
    assert duplicates == (0,)
    (last,) = _one(f"select max(day) from read_parquet('{usage}')")
    assert last == sources.AS_OF - sources.dt.timedelta(days=1)
    with open(crm, encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert len(rows) == ACCOUNTS and list(rows[0]) == sources.CRM_COLUMNS


def test_queries_run_from_the_workspace_root(ws: Path) -> None:
    """The DataSource queries as written, with paths relative to the root."""
    docs = list(yaml.safe_load_all((ws / "sources.yaml").read_text("utf-8")))
    con = duckdb.connect()
    con.execute(f"SET file_search_path = '{ws.as_posix()}'")
    counts = {}
    for doc in docs:
        assert doc["kind"] == "DataSource" and set(doc) == {"kind", "id", "provides", "query"}
        result = con.sql(doc["query"])
        counts[doc["id"]] = len(result.fetchall())
        if doc["provides"] == "signals":
            assert result.columns == ["account", "signal", "as_of", "value"]
    assert counts["crm"] == ACCOUNTS
    assert counts["product-usage"] + counts["product-flags"] == ROWS
    flags = con.sql(docs[2]["query"]).types
    assert str(flags[3]) == "BOOLEAN"  # `equals: true` never matches 1.0


def test_handwritten_accounts_leave_the_crm_fields_to_the_row(ws: Path) -> None:
    crm_fields = {"name", "segment", "start", "owner", "arr", "renewal", "attributes"}
    crm_fields |= {"desired_outcomes", "signals"}
    files = sorted((ws / "accounts").glob("*.yaml"))
    assert len(files) == sources.HANDWRITTEN
    with open(ws / "data" / "crm_accounts.csv", encoding="utf-8", newline="") as fh:
        ids = {row["id"] for row in csv.DictReader(fh)}
    for path in files:
        doc = yaml.safe_load(path.read_text("utf-8"))
        assert doc["id"] in ids and not crm_fields & set(doc), path.name
        assert any(s.get("champion") for s in doc["stakeholders"])


def test_same_arguments_same_bytes(ws: Path, tmp_path: Path) -> None:
    again = tmp_path / "again"
    sources.generate_sources(again, ACCOUNTS, ROWS, seed=1)
    assert _digest(again) == _digest(ws)
    other = tmp_path / "other"
    sources.generate_sources(other, ACCOUNTS, ROWS, seed=2)
    assert _digest(other)["data/usage.parquet"] != _digest(ws)["data/usage.parquet"]


def test_refuses_to_replace_a_folder_it_did_not_write(tmp_path: Path) -> None:
    (tmp_path / "mine.txt").write_text("keep me", "utf-8")
    with pytest.raises(SystemExit, match="refusing"):
        sources.generate_sources(tmp_path, ACCOUNTS, ROWS, force=True)
    assert (tmp_path / "mine.txt").read_text("utf-8") == "keep me"
