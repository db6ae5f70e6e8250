"""Options and helpers shared by the commands."""

from __future__ import annotations

import datetime as _dt
import sys
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

import typer

if TYPE_CHECKING:
    from collections.abc import Callable

    from csplan.api import Signals
    from csplan.model import Workspace
    from csplan.results import LoadResult
    from csplan.workspace.load import SourceMode

WORKSPACE_HELP = "Workspace folder (default: the nearest folder upward holding csplan.yaml)."


def signals_option() -> Path | None:
    """``--signals FILE.csv``: every command that scores takes the same
    evidence options (SPEC section 6), so they are defined once."""
    return typer.Option(  # type: ignore[no-any-return]
        None,
        "--signals",
        metavar="FILE.csv",
        help="CSV of extra observations: account,signal,as_of,value.",
        show_default=False,
    )


def read_signals_option(path: Path | None, ws: Workspace) -> Signals | None:
    """Read ``--signals``: print every problem on stderr; exit 2 when the file
    cannot be read, 1 when it has bad rows (nothing is scored then)."""
    if path is None:
        return None
    from csplan.api import read_signals
    from csplan.errors import SignalsFileError

    try:
        parsed = read_signals(path, ws)
    except SignalsFileError as exc:
        fail(str(exc), 2)
    for problem in parsed.problems:
        typer.echo(str(problem), err=True)
    bad = parsed.bad_rows
    if bad:
        fail(f"{bad} bad row{'s' if bad != 1 else ''} in {parsed.file}; nothing was scored", 1)
    return parsed.signals


def fail(message: str, code: int) -> NoReturn:
    typer.echo(f"csplan: {message}", err=True)
    raise typer.Exit(code)


def write_output(output: Path, text: str, example: str) -> None:
    """``-o FILE`` of a command that writes one file: replace only a regular
    file (a symbolic link, a FIFO or a device such as /dev/null would be
    replaced by a file, or written through; a folder gets a hint naming
    ``example``), atomically; any failure is one line and exit 2."""
    import os
    import stat

    from csplan.files import write_atomic

    try:
        mode: int | None = os.lstat(output).st_mode
    except FileNotFoundError:
        mode = None
    except OSError as exc:
        fail(f"cannot write {output}: {exc.strerror or exc}", 2)
    if mode is not None and stat.S_ISDIR(mode):
        fail(
            f"{output} is a folder, not a regular file;"
            f" give a file name such as {output / example}",
            2,
        )
    if mode is not None and not stat.S_ISREG(mode):
        kind = "a symbolic link" if stat.S_ISLNK(mode) else "not a regular file"
        fail(f"refusing to write {output}: it is {kind}; give a file name", 2)
    try:
        write_atomic(output, text)
    except OSError as exc:
        fail(f"cannot write {output}: {exc.strerror or exc}", 2)


def load(workspace: Path | None, sources: SourceMode = "fetch") -> LoadResult:
    """Load the workspace or exit 2 when there is none. Commands that score
    read data sources' account rows here and ask for signals when scoring
    (``sources="fetch"``); validate checks every row (``"check"``)."""
    from csplan.api import load_workspace
    from csplan.errors import WorkspaceNotFound

    try:
        return load_workspace(workspace, sources=sources)
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


def parse_as_of(value: str | None, option: str = "--as-of") -> _dt.date:
    """``--as-of`` (or another date ``option``): an ISO date, or today when
    omitted."""
    if value is None:
        return _dt.date.today()
    from csplan.model import strict_date

    try:
        return strict_date(value)
    except ValueError as exc:
        raise typer.BadParameter(str(exc), param_hint=option) from None


def reads_sources(command: Callable[..., None]) -> Callable[..., None]:
    """``command`` with a data source's failure while scoring (a source
    that cannot be read, a wrong row fetched) printed as findings, exit 1;
    nothing has been written then (SPEC section 8)."""
    import functools

    @functools.wraps(command)
    def run(*args: object, **kwargs: object) -> None:
        from csplan.errors import SourceRowsError

        try:
            command(*args, **kwargs)
        except SourceRowsError as exc:
            for finding in exc.findings:
                # With its rule code, as validate shows it: what to look up.
                said = f"{finding.file}:{finding.line}: {finding.severity} {finding.code}: "
                hint = f" ({finding.hint})" if finding.hint else ""
                typer.echo(said + finding.message + hint, err=True)
            count = len(exc.findings)
            fail(
                f"{count} problem{'s' if count != 1 else ''} reading the data sources;"
                " nothing was scored (run 'csplan validate' for every row's checks)",
                1,
            )

    return run
