"""``csplan init``: a small, commented, valid workspace to start from."""

from __future__ import annotations

import contextlib
from pathlib import Path

import typer

from csplan.cli.common import fail

DEFAULT_VENDOR = "Your company"


def init(
    folder: Path = typer.Argument(
        Path("."),
        help="Folder for the new workspace: created if missing, else it must be empty.",
        show_default=True,
    ),
    name: str | None = typer.Option(
        None,
        "--name",
        show_default=False,
        help="Workspace name [default: '<vendor> customer success'].",
    ),
    vendor: str = typer.Option(
        DEFAULT_VENDOR, "--vendor", help="Your company, as customers read it on plans."
    ),
) -> None:
    """Create a commented starter workspace to make your own.

    It holds settings, two personas, an ICP, a required outcome, an
    appropriate experience, success vehicles, a milestone map, an engagement
    model, a segment and two accounts, every file commented and valid, plus
    csplan.schema.json for editors.

    The folder may hold hidden files (such as .git) but nothing else:
    init never overwrites.

    Example:

        csplan init cs-plans --vendor "Acme Mail"
    """
    from csplan.api import init_workspace

    vendor = vendor.strip()
    workspace_name = (name or f"{vendor} customer success").strip()
    if not vendor or not workspace_name:
        fail("--name and --vendor cannot be empty", 2)
    created = _check_target(folder)
    try:
        written = init_workspace(folder, workspace_name, vendor)
    except BaseException as exc:
        # init_workspace took its files back; the folder goes too if init made it.
        for made in reversed(created):
            with contextlib.suppress(OSError):
                made.rmdir()
        if isinstance(exc, OSError):
            fail(f"cannot write to {folder}: {exc.strerror or exc}; nothing was written", 2)
        raise
    typer.echo(f"Created a csplan workspace in {folder}:")
    for rel in written:
        typer.echo(f"  {rel}")
    where = "" if folder.resolve() == Path.cwd().resolve() else f" -w {_shell(str(folder))}"
    typer.echo("")
    typer.echo("Next: read the comments, replace the example with your own customers, and run")
    typer.echo(f"  csplan validate{where}")


def _check_target(folder: Path) -> list[Path]:
    """Refuse a folder that is not new or empty; create a new one. Returns
    the folders created, outermost first."""
    if folder.exists() and not folder.is_dir():
        fail(f"{folder} exists and is not a folder", 2)
    if folder.is_dir():
        try:
            visible = [p.name for p in folder.iterdir() if not p.name.startswith(".")]
        except OSError as exc:
            fail(f"cannot read {folder}: {exc.strerror or exc}", 2)
        if visible:
            fail(
                f"{folder} is not empty ({len(visible)} item{'s' if len(visible) != 1 else ''}, "
                f"e.g. {sorted(visible)[0]}); init writes only into a new or empty folder",
                2,
            )
        return []
    created = [p for p in (*reversed(folder.parents), folder) if not p.exists()]
    try:
        folder.mkdir(parents=True)
    except OSError as exc:
        fail(f"cannot create {folder}: {exc.strerror or exc}", 2)
    return created


def _shell(text: str) -> str:
    import shlex

    return shlex.quote(text)


def register(app: typer.Typer) -> None:
    app.command()(init)
