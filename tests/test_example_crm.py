"""The replyhub-crm example (issue 11): ReplyHub's portfolio from a CRM export
(CSV) and a monthly usage extract (Parquet) through DuckDB. Its six
hand-written accounts are replyhub's, so they must score exactly as there;
its generated files must be what examples/crm_example.py writes."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from conftest import EXAMPLES, ROOT

from csplan import api
from csplan.report import score_json

CRM = EXAMPLES / "replyhub-crm"
STORY = sorted(p.stem for p in (EXAMPLES / "replyhub" / "accounts").glob("*.yaml"))
# Before most starts, mid-year, the reference date, and after the last reading.
DATES = (dt.date(2026, 3, 31), dt.date(2026, 8, 15), dt.date(2026, 11, 1), dt.date(2026, 12, 15))


def _comparable(value: Any) -> Any:
    # Only where evidence points may differ (SPEC section 8): the YAML line or
    # the DataSource's; numbers compare by value (a Parquet double is 14.0).
    if isinstance(value, dict):
        drop = ("file", "line", "source") if "evidence" in value else ()
        return {k: _comparable(v) for k, v in value.items() if k not in drop}
    if isinstance(value, list):
        return [_comparable(v) for v in value]
    if isinstance(value, int) and not isinstance(value, bool):
        return float(value)
    return value


def _scores(path: Path, as_of: dt.date) -> dict[str, Any]:
    loaded = api.load_workspace(path, sources="fetch")
    assert [str(f) for f in loaded.findings if f.severity == "error"] == []
    scores = api.score(loaded, STORY, as_of, trend=True)
    doc = json.loads(json.dumps(score_json.document(scores, loaded.workspace, as_of)))
    return {a["id"]: _comparable(a) for a in doc["accounts"]}


@pytest.mark.parametrize("as_of", DATES, ids=str)
def test_the_six_written_accounts_score_as_in_replyhub(as_of: dt.date) -> None:
    expected = _scores(EXAMPLES / "replyhub", as_of)
    actual = _scores(CRM, as_of)
    assert sorted(expected) == STORY
    for account in STORY:
        assert actual[account] == expected[account], f"{account} at {as_of}"


def test_generated_files_are_current() -> None:
    run = subprocess.run(
        [sys.executable, str(ROOT / "examples" / "crm_example.py"), "--check"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
    )
    assert run.returncode == 0, run.stderr


def test_validate_reads_both_sources_and_warns_only_as_documented() -> None:
    run = subprocess.run(
        [sys.executable, "-m", "csplan", "validate", "-w", str(CRM), "--format", "json"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode == 0, run.stdout + run.stderr
    findings = json.loads(run.stdout)["findings"]
    # brennan-motors has no champion (as in replyhub); two trial workspaces in
    # the usage extract are not in the CRM.
    assert sorted(f["code"] for f in findings) == ["CSP305", "CSP506"]
    assert all(f["severity"] == "warning" for f in findings)


def test_crm_only_accounts_score_in_every_band() -> None:
    loaded = api.load_workspace(CRM, sources="fetch")
    assert len(loaded.workspace.accounts) == 40
    scores = api.score(loaded, None, dt.date(2026, 11, 1))
    bands = {s.engagement.band for s in scores if s.id not in STORY}
    assert bands == {"healthy", "watch", "at-risk"}


def test_data_files_stay_small() -> None:
    files = [CRM / "data" / "crm_export.csv", *sorted((CRM / "data" / "usage").glob("*"))]
    assert len(files) > 3 and all(f.suffix in (".csv", ".parquet") for f in files)
    assert sum(f.stat().st_size for f in files) < 100_000
