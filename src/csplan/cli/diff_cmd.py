"""``csplan diff``."""

from __future__ import annotations

import sys
from enum import StrEnum
from pathlib import Path

import typer

from csplan.cli.common import WORKSPACE_HELP, signals_option


class Format(StrEnum):
    table = "table"
    json = "json"
    markdown = "markdown"
    github = "github"


def diff(
    accounts: list[str] | None = typer.Argument(
        None, metavar="[ACCOUNT]...", help="Account ids to compare.", show_default=False
    ),
    all_accounts: bool = typer.Option(False, "--all", help="Compare every account of both sides."),
    workspace: Path | None = typer.Option(
        None, "--workspace", "-w", help=WORKSPACE_HELP, show_default=False
    ),
    from_date: str | None = typer.Option(
        None,
        "--from",
        metavar="DATE",
        help="Score the before side at this date.",
        show_default=False,
    ),
    to_date: str | None = typer.Option(
        None,
        "--to",
        metavar="DATE",
        help="Score the after side at this date (needs --from).",
        show_default=False,
    ),
    as_of: str | None = typer.Option(
        None,
        "--as-of",
        metavar="DATE",
        help="Both sides at this date when --from/--to are not given (default today).",
        show_default=False,
    ),
    base: str | None = typer.Option(
        None,
        "--base",
        metavar="REV",
        help="Compare with the workspace as it was at this git revision (nothing is checked out).",
        show_default=False,
    ),
    base_dir: Path | None = typer.Option(
        None,
        "--base-dir",
        metavar="PATH",
        help="Compare with the workspace in this folder.",
        show_default=False,
    ),
    format: Format = typer.Option(Format.table, "--format", "-f", help="Output format."),
    max_drop: float | None = typer.Option(
        None,
        "--max-drop",
        metavar="N",
        help="Exit 1 if an account's attainment fell by more than N points.",
        show_default=False,
    ),
    signals: Path | None = signals_option(),
) -> None:
    """Why scores moved: between two dates, and what a change to the plans does.

    Before is the base workspace (--base REV, --base-dir PATH, or this one)
    scored at --from; after is this workspace scored at --to. With a base
    and two dates the change of each account's attainment is split into
    its configuration effect and its evidence effect; with either alone,
    all of it is one or the other. Attainment moves are split exactly by
    engagement component, with the measures and evidence that moved.

    Exit codes: 0 done, 1 a side has errors or --max-drop was exceeded,
    2 usage error (bad date, --from after --to, unknown account, --base
    outside a git repository or an unknown revision).

    Example:

        csplan diff --all --base origin/main --format markdown
    """
    from csplan.api import diff as run_diff
    from csplan.cli.common import fail, parse_as_of
    from csplan.errors import (
        DiffUsageError,
        RevisionError,
        SideInvalid,
        SignalsFileError,
        UnknownAccount,
        WorkspaceNotFound,
    )
    from csplan.report.diff import REPORTERS, view

    if bool(accounts) == all_accounts:
        fail(
            "name the accounts to compare, or pass --all (not both)"
            if accounts
            else "name the accounts to compare, or pass --all",
            2,
        )
    if max_drop is not None and not 0 <= max_drop <= 100:
        fail(f"--max-drop takes 0 to 100 points, not {max_drop:g}", 2)
    dates = {
        option: parse_as_of(value, option)
        for option, value in (("--from", from_date), ("--to", to_date), ("--as-of", as_of))
        if value is not None
    }
    try:
        result, before_ws, after_ws = run_diff(
            workspace,
            None if all_accounts else accounts,
            base=base,
            base_dir=base_dir,
            from_date=dates.get("--from"),
            to_date_=dates.get("--to"),
            as_of=dates.get("--as-of"),
            signals=signals,
        )
    except SideInvalid as exc:
        from csplan.report.findings import report_findings

        errors = exc.result.summary.errors  # type: ignore[attr-defined]
        typer.echo(f"csplan: {exc.side} has {errors} error{'s' if errors != 1 else ''}", err=True)
        report_findings(exc.result, "text", stream=sys.stderr)  # type: ignore[arg-type]
        raise typer.Exit(1) from None
    except (DiffUsageError, RevisionError, UnknownAccount, WorkspaceNotFound) as exc:
        fail(str(exc), 2)
    except SignalsFileError as exc:
        # A file that cannot be read is a usage error, as for score; bad
        # rows are listed, and nothing is compared.
        fail(str(exc), 2 if signals is None or not signals.is_file() else 1)
    sides = view(before_ws, after_ws)
    try:
        REPORTERS[format.value](result, sides, sys.stdout)
    except OSError as exc:
        if sides.step_summary is None or exc.filename != sides.step_summary:
            raise
        fail(f"cannot append to $GITHUB_STEP_SUMMARY ({exc.filename}): {exc.strerror}", 2)
    if max_drop is not None:
        from csplan.engine.diff import worst_drop

        fallen = worst_drop(result.accounts, max_drop)
        if fallen:
            shown = ", ".join(f"{a.id} ({a.change:+.1f})" for a in fallen[:10])
            more = f" and {len(fallen) - 10} more" if len(fallen) > 10 else ""
            typer.echo(
                f"csplan: {len(fallen)} account{'s' if len(fallen) != 1 else ''} fell by more"
                f" than {max_drop:g} points: {shown}{more}",
                err=True,
            )
            raise typer.Exit(1)


def register(app: typer.Typer) -> None:
    from csplan.cli.common import reads_sources

    app.command()(reads_sources(diff))
