"""Options and helpers shared by the commands."""

from __future__ import annotations

import datetime as _dt
import sys
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

import typer

if TYPE_CHECKING:
    from csplan.workspace import LoadResult

WORKSPACE_HELP = "Workspace folder (default: the nearest folder upward holding csplan.yaml)."


def fail(message: str, code: int) -> NoReturn:
    typer.echo(f"csplan: {message}", err=True)
    raise typer.Exit(code)


def load(workspace: Path | None) -> LoadResult:
    """Load the workspace or exit 2 when there is none."""
    from csplan.errors import WorkspaceNotFound
    from csplan.workspace import load_workspace

    try:
        return load_workspace(workspace)
    except WorkspaceNotFound as exc:
        fail(str(exc), 2)


def load_valid(workspace: Path | None) -> LoadResult:
    """Load the workspace; with errors, print them as validate does and exit 1."""
    from csplan.report.findings import report_findings

    result = load(workspace)
    if not result.ok:
        report_findings(result, "text", stream=sys.stderr)
        raise typer.Exit(1)
    return result


def parse_as_of(value: str | None) -> _dt.date:
    """``--as-of``: an ISO date, or today when omitted."""
    if value is None:
        return _dt.date.today()
    try:
        return _dt.date.fromisoformat(value)
    except ValueError:
        raise typer.BadParameter(
            f"'{value}' is not a date written YYYY-MM-DD", param_hint="--as-of"
        ) from None
