"""DuckDB and SQLAlchemy are imported only when a workspace has a data
source: a YAML-only workspace pays nothing for them (issue 11)."""

from __future__ import annotations

import subprocess
import sys

from conftest import ROOT

PROBE = """
import sys
from typer.testing import CliRunner
from csplan.cli import app
runner = CliRunner()
for args in (["validate", "-w", sys.argv[1]],
             ["score", "--all", "-w", sys.argv[1], "--as-of", "2026-11-01", "--format", "json"]):
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
print(sorted(m for m in ("duckdb", "sqlalchemy", "csplan.sources") if m in sys.modules))
"""


def _loaded(workspace: str) -> str:
    done = subprocess.run(
        [sys.executable, "-c", PROBE, workspace], capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def test_a_yaml_workspace_imports_neither() -> None:
    assert _loaded(str(ROOT / "examples" / "acme-mail")) == "[]"


def test_a_workspace_with_sources_imports_duckdb_only() -> None:
    assert _loaded(str(ROOT / "examples" / "replyhub-crm")) == "['csplan.sources', 'duckdb']"
