"""Golden JSON of ``csplan score --all --format json`` for every example
workspace at the reference date.

Regenerate after an intended change, then read the diff:

    CSPLAN_UPDATE_GOLDEN=1 .venv/bin/python -m pytest tests/test_engine_golden.py
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from conftest import AS_OF, EXAMPLE_WORKSPACES

GOLDEN = Path(__file__).parent / "golden" / "score"
UPDATE = os.environ.get("CSPLAN_UPDATE_GOLDEN") == "1"


@pytest.mark.parametrize("workspace", EXAMPLE_WORKSPACES, ids=lambda p: p.name)
def test_score_json_matches_golden(cli, workspace: Path):
    result = cli("score", "--all", "-w", workspace, "--as-of", AS_OF, "--format", "json")
    assert result.exit_code == 0, result.output
    golden = GOLDEN / f"{workspace.name}.json"
    if UPDATE:
        golden.parent.mkdir(parents=True, exist_ok=True)
        golden.write_text(result.stdout, encoding="utf-8")
    assert golden.exists(), f"no golden file {golden.name}: run with CSPLAN_UPDATE_GOLDEN=1"
    assert result.stdout == golden.read_text(encoding="utf-8")


def test_every_golden_file_has_a_workspace():
    names = {p.name for p in EXAMPLE_WORKSPACES}
    assert names, "no example workspaces found"
    assert {p.stem for p in GOLDEN.glob("*.json")} == names


@pytest.mark.parametrize("workspace", EXAMPLE_WORKSPACES, ids=lambda p: p.name)
def test_golden_is_valid_json_in_account_id_order(workspace: Path):
    golden = GOLDEN / f"{workspace.name}.json"
    assert golden.exists(), f"no golden for {workspace.name}: run with CSPLAN_UPDATE_GOLDEN=1"
    doc = json.loads(golden.read_text(encoding="utf-8"))
    assert (doc["schema_version"], doc["as_of"]) == ("1.1", AS_OF)
    ids = [a["id"] for a in doc["accounts"]]
    assert ids == sorted(ids) and ids
