"""The ``csplan`` command: parse options, call one library function, pick a
reporter, choose the exit code. Heavy modules (pydantic, the engine, Jinja)
are imported inside commands so that ``csplan --version`` and ``--help`` stay
fast."""

from __future__ import annotations

import sys

import typer

from csplan._version import __version__

EXIT_OK = 0
EXIT_FINDINGS = 1
EXIT_USAGE = 2

app = typer.Typer(
    name="csplan",
    help="Success plans as code: validate, score and render customer-success plans from YAML.",
    no_args_is_help=True,
    add_completion=True,
    rich_markup_mode=None,
    pretty_exceptions_enable=False,
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"csplan {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: bool = typer.Option(
        False, "--version", callback=_version, is_eager=True, help="Print the version and exit."
    ),
) -> None:
    """Success plans as code: validate, score and render customer-success plans from YAML."""


# One module per command, each with register(app); the order is --help's.
_COMMANDS = ("validate_cmd", "schema_cmd", "init_cmd", "score_cmd", "render_cmd")


def _register() -> None:
    import importlib

    for name in _COMMANDS:
        importlib.import_module(f"csplan.cli.{name}").register(app)


_register()


EXIT_INTERNAL = 3


def main() -> None:
    """Console-script entry point."""
    import gc
    import os

    # A short-lived process: the cyclic collector only rescans the workspace's
    # many long-lived objects; reference counting still frees everything else.
    gc.disable()
    try:
        app()
    except KeyboardInterrupt:
        sys.stderr.write("interrupted\n")
        sys.exit(130)
    except Exception as exc:
        # User mistakes are findings or usage errors; reaching here is a bug
        # in csplan. Say so plainly instead of dumping a traceback on a CSM.
        if os.environ.get("CSPLAN_DEBUG"):
            raise
        sys.stderr.write(
            f"csplan: internal error: {type(exc).__name__}: {exc}\n"
            "This is a bug in csplan; rerun with CSPLAN_DEBUG=1 for details and report it.\n"
        )
        sys.exit(EXIT_INTERNAL)
