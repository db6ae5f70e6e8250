"""``csplan backtest``."""

from __future__ import annotations

import io
import sys
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING

import typer

from csplan.cli.common import WORKSPACE_HELP, signals_option

if TYPE_CHECKING:
    from csplan.model import Workspace


class Format(StrEnum):
    table = "table"
    json = "json"
    html = "html"


def backtest(
    workspace: Path | None = typer.Option(
        None, "--workspace", "-w", help=WORKSPACE_HELP, show_default=False
    ),
    from_date: str | None = typer.Option(
        None,
        "--from",
        metavar="DATE",
        help="Only renewals dated on or after this date (default: the first).",
        show_default=False,
    ),
    to_date: str | None = typer.Option(
        None,
        "--to",
        metavar="DATE",
        help="Only renewals dated on or before this date (default: the last).",
        show_default=False,
    ),
    lead: str = typer.Option(
        "90",
        "--lead",
        metavar="DAYS[,DAYS...]",
        help="Score each account this many days before its renewal; several at once: 30,90,180.",
    ),
    format: Format = typer.Option(Format.table, "--format", "-f", help="Output format."),
    output: Path | None = typer.Option(
        None,
        "--output",
        "-o",
        metavar="FILE",
        help="Write to this file (replaced atomically) instead of standard output.",
        show_default=False,
    ),
    signals: Path | None = signals_option(),
) -> None:
    """Does our score predict renewal? Every past renewal, the account scored
    --lead days before it.

    Per lead: the AUC of attainment (how often a renewing account scored
    higher than a churning one) and of each component, churn rate, NRR and
    GRR per band, and every renewal behind the figures; then the period's
    NRR and GRR. Fewer than 5 churned or 5 renewing accounts: the figures are
    shown with a warning that they are not enough to say.

    Exit codes: 0 done, 1 workspace errors, 2 usage error (bad --lead, bad
    date, --from after --to, an output path that is an input file).

    Example:

        csplan backtest -w examples/acme-mail --lead 30,90,180 --format html -o backtest.html
    """
    from csplan.api import backtest as run
    from csplan.cli.common import fail, load_valid, parse_as_of, read_signals_option
    from csplan.report.backtest import REPORTERS

    leads = _leads(lead)
    start = parse_as_of(from_date, "--from") if from_date is not None else None
    end = parse_as_of(to_date, "--to") if to_date is not None else None
    if start is not None and end is not None and start > end:
        fail(f"--from {start} is after --to {end}: swap them", 2)
    ws = load_valid(workspace).workspace
    if output is not None:
        _check_output(output, ws, signals)
    extra = read_signals_option(signals, ws)
    result = run(ws, from_date=start, to_date=end, leads=leads, signals=extra)
    if output is None:
        REPORTERS[format.value](result, ws, sys.stdout)
        return
    from csplan.cli.common import write_output

    buffer = io.StringIO()
    REPORTERS[format.value](result, ws, buffer)
    write_output(output, buffer.getvalue(), f"backtest.{format.value}")


def _leads(value: str) -> list[int]:
    """``--lead 30,90,180``: positive whole days, or exit 2 naming the bad one."""
    leads = []
    for part in value.split(","):
        text = part.strip()
        if not text.isascii() or not text.isdigit() or int(text) < 1:
            raise typer.BadParameter(
                f"'{text}' is not a positive whole number of days (e.g. --lead 30,90,180)",
                param_hint="--lead",
            )
        leads.append(int(text))
    return leads


def _check_output(output: Path, ws: Workspace, signals: Path | None) -> None:
    """Refuse an output path that is an input: a file the workspace was read
    from, a YAML file inside it, the --signals file (``write_output`` then
    refuses anything but a regular file)."""
    from csplan.cli.common import fail

    root = ws.root.resolve()
    real = output.resolve()
    inputs = {(root / rel).resolve() for rel in ws.sources}
    if signals is not None:
        inputs.add(signals.resolve())
    if real in inputs or (real.is_relative_to(root) and real.suffix.lower() in {".yaml", ".yml"}):
        fail(f"refusing to overwrite {output}: it is an input file of the workspace", 2)


def register(app: typer.Typer) -> None:
    from csplan.cli.common import reads_sources

    app.command()(reads_sources(backtest))
