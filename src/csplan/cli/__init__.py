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
_COMMANDS = (
    "validate_cmd",
    "schema_cmd",
    "init_cmd",
    "score_cmd",
    "diff_cmd",
    "render_cmd",
    "backtest_cmd",
)


def _register() -> None:
    import importlib

    for name in _COMMANDS:
        importlib.import_module(f"csplan.cli.{name}").register(app)


_register()


EXIT_INTERNAL = 3


class Interrupted(BaseException):
    """SIGINT or SIGTERM arrived. A BaseException, like KeyboardInterrupt, so
    that no ``except Exception`` swallows it and the writers' clean-up runs
    (``finally`` and ``except BaseException`` blocks); unlike
    KeyboardInterrupt, click does not turn it into "Aborted!" and exit 1."""

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.exit_code = 128 + signum  # the shell's convention: 130 and 143


def _on_signal(signum: int, frame: object) -> None:
    import signal

    # A second signal during clean-up would abandon it half-way: ignore it.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    raise Interrupted(signum)


def _install_signal_handlers() -> None:
    import signal

    for signum in (signal.SIGINT, signal.SIGTERM):
        # A shell starts background jobs with SIGINT ignored: keep it that way.
        if signal.getsignal(signum) is not signal.SIG_IGN:
            signal.signal(signum, _on_signal)


def _stream_failed(exc: OSError) -> bool:
    """Whether ``exc`` is standard output failing (full device, quota, I/O
    error). Files csplan writes itself report these errors inside their
    command, so one that reaches main came from an output stream."""
    import errno

    return exc.errno in (errno.ENOSPC, errno.EDQUOT, errno.EFBIG, errno.EIO, errno.EPIPE)


def _silence_stdout() -> None:
    """Point standard output at /dev/null, so that Python's own flush at exit
    does not print a second error about the same stream."""
    import os

    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass


def _run() -> None:
    try:
        app()
    except SystemExit:
        # Output still buffered is written here, inside main's handlers, not
        # at interpreter exit where a full disk would go unreported.
        sys.stdout.flush()
        raise
    sys.stdout.flush()


def main() -> None:
    """Console-script entry point."""
    import gc

    # A short-lived process: the cyclic collector only rescans the workspace's
    # many long-lived objects; reference counting still frees everything else.
    gc.disable()
    _install_signal_handlers()
    try:
        _run()
    except (KeyboardInterrupt, Interrupted) as exc:
        sys.stderr.write("csplan: interrupted; nothing was left half-written\n")
        sys.exit(exc.exit_code if isinstance(exc, Interrupted) else 130)
    except BrokenPipeError:
        # The reader stopped reading (``| head``): nothing to report.
        _silence_stdout()
        sys.exit(EXIT_FINDINGS)
    except OSError as exc:
        if not _stream_failed(exc):
            _internal_error(exc)
        _silence_stdout()
        sys.stderr.write(f"csplan: cannot write to standard output: {exc.strerror or exc}\n")
        sys.exit(EXIT_USAGE)
    except Exception as exc:
        _internal_error(exc)


def _internal_error(exc: Exception) -> None:
    import os

    # User mistakes are findings or usage errors; reaching here is a bug
    # in csplan. Say so plainly instead of dumping a traceback on a CSM.
    if os.environ.get("CSPLAN_DEBUG"):
        raise exc
    sys.stderr.write(
        f"csplan: internal error: {type(exc).__name__}: {exc}\n"
        "This is a bug in csplan; rerun with CSPLAN_DEBUG=1 for details and report it.\n"
    )
    sys.exit(EXIT_INTERNAL)
