"""Golden files: every template (customer and internal, Markdown and HTML)
rendered through the CLI, end to end, for every example workspace at the
reference date.

To accept a deliberate change, regenerate and review the diff:

    CSPLAN_UPDATE_GOLDEN=1 .venv/bin/python -m pytest tests/test_render_golden.py
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from conftest import AS_OF, EXAMPLE_WORKSPACES

GOLDEN = Path(__file__).parent / "golden" / "render"
UPDATE = os.environ.get("CSPLAN_UPDATE_GOLDEN") == "1"
CASES = [
    (ws, audience, fmt)
    for ws in EXAMPLE_WORKSPACES
    for audience in ("customer", "internal")
    for fmt in ("md", "html")
]


@pytest.mark.parametrize(
    ("workspace", "audience", "fmt"), CASES, ids=[f"{w.name}-{a}-{f}" for w, a, f in CASES]
)
def test_render_matches_golden(cli, tmp_path, workspace, audience, fmt):
    out = tmp_path / "out"
    result = cli(
        "render",
        "--all",
        "-w",
        workspace,
        "--as-of",
        AS_OF,
        "--audience",
        audience,
        "--format",
        fmt,
        "-o",
        out,
    )
    assert result.exit_code == 0, result.output
    from csplan.workspace import load_workspace

    suffix = f".{audience}.{fmt}"
    written = sorted(p.name for p in out.iterdir())
    ids = load_workspace(workspace).workspace.account_ids()
    expected_names = sorted([f"{i}{suffix}" for i in ids] + [f"index{suffix}"])
    assert written == expected_names
    assert result.stdout.splitlines() == [str(out / f"{i}{suffix}") for i in ids] + [
        str(out / f"index{suffix}")
    ]

    golden = GOLDEN / workspace.name
    if UPDATE:
        golden.mkdir(parents=True, exist_ok=True)
        for old in golden.glob(f"*{suffix}"):
            old.unlink()
        for name in written:
            shutil.copyfile(out / name, golden / name)
    have = sorted(p.name for p in golden.glob(f"*{suffix}"))
    assert have == written, "golden files missing: run with CSPLAN_UPDATE_GOLDEN=1"
    for name in written:
        actual = (out / name).read_text(encoding="utf-8")
        expected = (golden / name).read_text(encoding="utf-8")
        assert actual == expected, f"{workspace.name}/{name} differs from its golden file"
