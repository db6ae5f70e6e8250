"""``csplan validate``."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path

import typer

from csplan.cli.common import WORKSPACE_HELP


class Format(StrEnum):
    text = "text"
    json = "json"
    github = "github"
    sarif = "sarif"


def validate(
    workspace: Path | None = typer.Option(
        None, "--workspace", "-w", help=WORKSPACE_HELP, show_default=False
    ),
    format: Format = typer.Option(Format.text, "--format", "-f", help="Output format."),
    strict: bool = typer.Option(False, "--strict", help="Exit 1 on warnings too."),
    no_sources: bool = typer.Option(
        False,
        "--no-sources",
        help="Check the DataSource documents without running their queries "
        "(CI jobs without warehouse credentials).",
    ),
) -> None:
    """Check every file of the workspace and report all findings.

    Exit codes: 0 no errors (warnings allowed), 1 errors (or warnings with
    --strict), 2 usage error or no workspace.

    Example:

        csplan validate -w examples/acme-mail --format github
    """
    from csplan.cli.common import load
    from csplan.report.findings import report_findings

    result = load(workspace, "skip" if no_sources else "check")
    report_findings(result, format.value)
    failed = result.summary.errors > 0 or (strict and result.summary.warnings > 0)
    raise typer.Exit(1 if failed else 0)


def register(app: typer.Typer) -> None:
    app.command()(validate)
