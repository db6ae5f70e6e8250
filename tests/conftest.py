"""Shared fixtures: a CLI runner, the example workspaces, and a builder for
throw-away workspaces written from a dict of files."""

from __future__ import annotations

import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import CliRunner

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
EXAMPLE_WORKSPACES = sorted(p.parent for p in EXAMPLES.glob("*/csplan.yaml"))
AS_OF = "2026-11-01"

MINIMAL_SETTINGS = "kind: Workspace\nname: Test workspace\nvendor: Acme\n"


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


@pytest.fixture
def cli(runner: CliRunner) -> Callable[..., object]:
    """Invoke csplan in-process: ``cli("validate", "-w", path)``."""
    from csplan.cli import app

    def invoke(*args: str, **kwargs: object) -> object:
        return runner.invoke(app, [str(a) for a in args], catch_exceptions=False, **kwargs)

    return invoke


@pytest.fixture
def make_workspace(tmp_path: Path) -> Callable[[dict[str, str | bytes]], Path]:
    """Write ``{relative path: content}`` under a fresh folder and return it.
    Text is dedented; csplan.yaml gets minimal settings unless given."""

    def write(files: dict[str, str | bytes]) -> Path:
        root = tmp_path / "ws"
        root.mkdir(exist_ok=True)
        files = {"csplan.yaml": MINIMAL_SETTINGS, **files}
        for rel, content in files.items():
            path = root / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            if isinstance(content, bytes):
                path.write_bytes(content)
            else:
                path.write_text(textwrap.dedent(content), encoding="utf-8")
        return root

    return write


def read_only(path: Path | str) -> object:
    """The workspace as read, without the checks across documents: shape
    findings only, located as validate locates them."""
    from csplan.workspace.load import locate_findings, read_workspace

    result = read_workspace(path)
    locate_findings(result.workspace, result.findings)
    result.summary.errors = sum(1 for f in result.findings if f.severity == "error")
    result.summary.warnings = len(result.findings) - result.summary.errors
    return result
