"""``csplan render``."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING

import typer

from csplan.cli.common import WORKSPACE_HELP, signals_option

if TYPE_CHECKING:
    from csplan.model import Workspace

# Below this many accounts rendering is over before a bar would be readable.
_PROGRESS_FROM = 10


class Format(StrEnum):
    html = "html"
    md = "md"


class Audience(StrEnum):
    customer = "customer"
    internal = "internal"


def render(
    accounts: list[str] | None = typer.Argument(
        None, metavar="[ACCOUNT]...", help="Account ids to render.", show_default=False
    ),
    all_accounts: bool = typer.Option(
        False, "--all", help="Render every account, and an index page."
    ),
    workspace: Path | None = typer.Option(
        None, "--workspace", "-w", help=WORKSPACE_HELP, show_default=False
    ),
    format: Format = typer.Option(Format.html, "--format", "-f", help="Output format."),
    audience: Audience = typer.Option(
        Audience.customer,
        "--audience",
        "-a",
        help="customer: the plan you send; internal: the account review.",
    ),
    as_of: str | None = typer.Option(
        None,
        "--as-of",
        metavar="DATE",
        help="Render as of this date (YYYY-MM-DD; default today).",
        show_default=False,
    ),
    output: Path = typer.Option(
        Path("out"), "--output", "-o", metavar="DIR", help="Folder to write into."
    ),
    signals: Path | None = signals_option(),
) -> None:
    """Render success plans: one file per account, named ACCOUNT.AUDIENCE.FORMAT.

    The customer plan is the one to send; it never contains notes, scores,
    ARR, ICP fit or plays. The internal review adds them. With --all, an
    index page (index.AUDIENCE.FORMAT) lists the plans; the internal one
    sorts the portfolio by engagement gap. Files are written only when every
    one of them rendered, each replaced atomically; an input file of the
    workspace is never overwritten.

    Exit codes: 0 written, 1 workspace errors or a template error, 2 usage
    error (unknown account, unsafe output folder, no workspace, a missing
    signals file). --signals adds observations exactly as for score.

    Example:

        csplan render --all -w examples/acme-mail --as-of 2026-11-01 -o out/acme-mail
    """
    from csplan.cli.common import fail, load_valid, parse_as_of, read_signals_option

    day = parse_as_of(as_of)
    if all_accounts and accounts:
        fail("give account ids or --all, not both", 2)
    if not all_accounts and not accounts:
        fail("name the accounts to render, or pass --all", 2)
    ws = load_valid(workspace).workspace
    ids = ws.account_ids() if all_accounts else _known(ws, accounts or [])
    extra = read_signals_option(signals, ws)

    from csplan.api import render as render_plans
    from csplan.errors import RenderError
    from csplan.render import UnsafeOutput

    try:
        with _progress(len(ids)) as advance:
            written = render_plans(
                ws,
                ids,
                day,
                output,
                audience=audience.value,
                fmt=format.value,
                signals=extra,
                index=all_accounts,
                advance=advance,
            )
    except UnsafeOutput as exc:
        fail(str(exc), 2)
    except RenderError as exc:
        fail(str(exc), 1)
    for path in written:
        typer.echo(str(path))


def _known(ws: Workspace, requested: list[str]) -> list[str]:
    """The requested ids in order, once each; an unknown one is a usage error."""
    from csplan.cli.common import fail
    from csplan.findings import did_you_mean

    ids: list[str] = []
    for account_id in requested:
        if account_id not in ws.accounts:
            hint = did_you_mean(account_id, ws.accounts)
            fail(f"no account '{account_id}' in the workspace" + (f"; {hint}" if hint else ""), 2)
        if account_id not in ids:
            ids.append(account_id)
    return ids


@contextmanager
def _progress(total: int) -> Iterator[Callable[[], None]]:
    """A transient progress bar on stderr when it is a terminal and there
    are enough accounts to be worth one; otherwise a no-op."""
    if total < _PROGRESS_FROM or not sys.stderr.isatty():
        yield lambda: None
        return
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    columns = (TextColumn("rendering"), BarColumn(), MofNCompleteColumn())
    with Progress(*columns, console=Console(stderr=True), transient=True) as bar:
        task = bar.add_task("render", total=total)
        yield lambda: bar.advance(task)


def register(app: typer.Typer) -> None:
    from csplan.cli.common import reads_sources

    app.command()(reads_sources(render))
