"""``csplan score``."""

from __future__ import annotations

import sys
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING

import typer

from csplan.cli.common import WORKSPACE_HELP, signals_option

if TYPE_CHECKING:
    import datetime as _dt
    from collections.abc import Iterator

    from csplan.api import Signals
    from csplan.engine import AccountScore
    from csplan.model import Workspace
    from csplan.results import LoadResult

PROGRESS_MIN = 500  # accounts: below this, scoring is over before a bar would help
INDENT_MAX = 100  # accounts: JSON for more is written compactly, as it is scored


class Format(StrEnum):
    table = "table"
    json = "json"
    csv = "csv"


class Sort(StrEnum):
    gap = "gap"
    attainment = "attainment"
    success_gap = "success-gap"
    name = "name"


def score(
    accounts: list[str] | None = typer.Argument(
        None, help="Account ids to score.", show_default=False
    ),
    all_accounts: bool = typer.Option(False, "--all", help="Score every account."),
    workspace: Path | None = typer.Option(
        None, "--workspace", "-w", help=WORKSPACE_HELP, show_default=False
    ),
    as_of: str | None = typer.Option(
        None, "--as-of", help="Scoring date YYYY-MM-DD (default: today).", show_default=False
    ),
    format: Format = typer.Option(Format.table, "--format", "-f", help="Output format."),
    explain: bool = typer.Option(
        False, "--explain", help="Show every figure with its evidence, file and line."
    ),
    since: str | None = typer.Option(
        None,
        "--since",
        help="With --explain: also say what moved since this date YYYY-MM-DD.",
        show_default=False,
    ),
    trend: bool = typer.Option(
        False, "--trend", help="Add the scores at month ends over the last 12 months."
    ),
    signals: Path | None = signals_option(),
    fail_under: float | None = typer.Option(
        None,
        "--fail-under",
        help="Exit 1 if any account's engagement attainment is below N.",
        show_default=False,
    ),
    sort: Sort | None = typer.Option(
        None,
        "--sort",
        help="Order of table and CSV rows (default: account id).",
        show_default=False,
    ),
    keep_going: bool = typer.Option(
        False,
        "--keep-going",
        help="With errors in the workspace, still score every account whose documents,"
        " and those they use, are free of errors; list the others (exit 1).",
    ),
) -> None:
    """Score accounts: engagement, milestones, outcome, experience, ICP fit and plays.

    Exit codes: 0 scored; 1 the workspace has errors (with --keep-going: after
    scoring what can be), the signals file has bad rows, or --fail-under was
    missed; 2 usage error (no accounts named, an unknown account, a missing
    signals file, no workspace).

    Example:

        csplan score --all -w examples/acme-mail --as-of 2026-11-01 --sort gap
    """
    from csplan.api import resolve_ids
    from csplan.cli.common import fail, load, load_valid, parse_as_of, read_signals_option
    from csplan.errors import UnknownAccount

    if bool(accounts) == all_accounts:
        fail(
            "name the accounts to score, or pass --all (not both)"
            if accounts
            else "name the accounts to score, or pass --all",
            2,
        )
    if explain and format is not Format.table:
        fail("--explain prints text: drop --format (JSON carries the evidence of every measure)", 2)
    # 'not 0 <= x <= 100' also refuses nan, which every comparison fails:
    # a gate at nan would pass every account.
    if fail_under is not None and not 0 <= fail_under <= 100:
        fail(f"--fail-under takes an attainment from 0 to 100, not {fail_under:g}", 2)
    day = parse_as_of(as_of)
    since_day = _since_date(since, explain, day)
    skipped: list[str] | None = None  # None: the workspace has no errors
    if keep_going:
        ws, skipped = _keep_going(load(workspace))
    else:
        ws = load_valid(workspace).workspace
    wanted = accounts
    if skipped and accounts:
        wanted = [a for a in accounts if a not in skipped]
        skipped = [a for a in skipped if a in accounts]
    try:
        ids = resolve_ids(ws, None if all_accounts else wanted)
    except UnknownAccount as exc:
        fail(str(exc), 2)
    extra = read_signals_option(signals, ws)
    if since_day is not None:
        scored = _explain_since(ws, ids, since_day, day, extra)
    else:
        scored = _report(
            ws,
            ids,
            day,
            extra,
            format,
            explain=explain,
            with_trend=trend,
            detail=not all_accounts and len(ids) == 1,
            sort=sort,
        )
    failed = False
    if fail_under is not None:
        # Not-started accounts are left out of the gate (SPEC section 9).
        started = [(a, e) for a, e, on in scored if on]
        below = [(a, e) for a, e in started if round(e, 9) < fail_under]
        if below:
            shown = ", ".join(f"{a} ({e:.1f})" for a, e in below[:10])
            more = f" and {len(below) - 10} more" if len(below) > 10 else ""
            count = f"{len(below)} of {len(started)}"
            typer.echo(f"csplan: {count} accounts below {fail_under:g}: {shown}{more}", err=True)
            failed = True
    if skipped is not None:
        if skipped:
            s = "s" if len(skipped) != 1 else ""
            typer.echo(
                f"csplan: {len(skipped)} account{s} not scored: errors in their documents"
                f" or in documents they use: {', '.join(skipped)}",
                err=True,
            )
        else:
            typer.echo(
                "csplan: every account was scored; the errors above are in documents"
                " no scored account uses",
                err=True,
            )
        failed = True
    if failed:
        raise typer.Exit(1)


def _since_date(value: str | None, explain: bool, day: _dt.date) -> _dt.date | None:
    """``--since``: a date on or before the scoring date, with --explain only."""
    from csplan.cli.common import fail, parse_as_of

    if value is None:
        return None
    if not explain:
        fail("--since adds to the explanation: pass --explain as well", 2)
    try:
        since_day = parse_as_of(value)
    except typer.BadParameter as exc:
        raise typer.BadParameter(str(exc), param_hint="--since") from None
    if since_day > day:
        fail(
            f"--since {since_day} is after the scoring date {day}: "
            "pass an earlier --since or a later --as-of",
            2,
        )
    return since_day


def _explain_since(
    ws: Workspace, ids: list[str], since_day: _dt.date, day: _dt.date, extra: Signals | None
) -> list[tuple[str, float, bool]]:
    """--explain --since: each account's explanation, then what moved;
    returns (account id, attainment, started) of every account."""
    from csplan.api import prefetch_evidence
    from csplan.api import since as since_diff
    from csplan.report.score_explain import explain, explain_since

    scored: list[tuple[str, float, bool]] = []
    stop = prefetch_evidence(ws, ids)
    try:
        for i, account in enumerate(ids):
            diff = since_diff(ws, account, since_day, day, extra)
            score = diff.after_score
            assert score is not None  # the same account on both dates
            scored.append((score.id, score.engagement.attainment, score.started))
            text = explain(score, ws) + "\n" + explain_since(diff, ws, since_day)
            sys.stdout.write(("\n" if i else "") + text)
    finally:
        stop()
    return scored


def _keep_going(result: LoadResult) -> tuple[Workspace, list[str] | None]:
    """--keep-going: the findings on stderr and the part of the workspace
    that can be scored, with the accounts left out (None without errors)."""
    if result.ok:
        return result.workspace, None
    from csplan.api import scorable_part
    from csplan.report.findings import report_findings

    report_findings(result, "text", stream=sys.stderr)
    return scorable_part(result)


def _report(
    ws: Workspace,
    ids: list[str],
    day: _dt.date,
    extra: Signals | None,
    fmt: Format,
    *,
    explain: bool,
    with_trend: bool,
    detail: bool,
    sort: Sort | None,
) -> list[tuple[str, float, bool]]:
    """Score and print; returns (account id, attainment, started) of every account."""

    from csplan.report.scores import REPORTERS, ScoreView

    scored: list[tuple[str, float, bool]] = []

    def each() -> Iterator[AccountScore]:
        for s in _scores(ws, ids, day, extra, with_trend, numbered=explain):
            scored.append((s.id, s.engagement.attainment, s.started))
            yield s

    if fmt is not Format.table:
        view = fmt.value
    else:
        view = "explain" if explain else "detail" if detail else "table"
    from csplan.api import prefetch_evidence

    # JSON and --explain ask for every account's evidence lines, in this order.
    stop = prefetch_evidence(ws, ids if view in ("json", "explain") else ())
    options = ScoreView(
        ws,
        day,
        sort=sort.value if sort else None,
        trend=with_trend,
        compact=len(ids) > INDENT_MAX,
    )
    try:
        if view == "json" and options.compact:
            _compact_json(ws, ids, day, extra, with_trend, scored)
        else:
            REPORTERS[view](each(), options, sys.stdout)
    finally:
        stop()
    return scored


def _compact_json(
    ws: Workspace,
    ids: list[str],
    day: _dt.date,
    extra: Signals | None,
    with_trend: bool,
    scored: list[tuple[str, float, bool]],
) -> None:
    """A portfolio's JSON, each account encoded where it is scored (on two
    cores for a portfolio fed by data sources: api.map_scores)."""
    from csplan.api import map_scores
    from csplan.report.score_json import fragment, write_fragments

    def work(s: AccountScore) -> tuple[tuple[str, float, bool], str]:
        return (s.id, s.engagement.attainment, s.started), fragment(s, ws)

    def texts() -> Iterator[str]:
        for summary, text in map_scores(ws, ids, day, work, signals=extra, trend=with_trend):
            scored.append(summary)
            yield text

    write_fragments(texts(), day, sys.stdout)


def _scores(
    ws: Workspace,
    ids: list[str],
    day: _dt.date,
    extra: Signals | None,
    with_trend: bool,
    *,
    numbered: bool = False,
) -> Iterator[AccountScore]:
    """Scores one at a time in id order, with a transient progress bar on a
    terminal when there are many."""
    from csplan.api import iter_scores

    stream = iter_scores(ws, ids, day, signals=extra, trend=with_trend, numbered=numbered)
    if not _show_progress(len(ids)):
        yield from stream
        return
    from rich.console import Console
    from rich.progress import track

    yield from track(
        stream, total=len(ids), description="Scoring", transient=True, console=Console(stderr=True)
    )


def _show_progress(count: int) -> bool:
    """A bar only for a person watching a terminal, and only when it lasts."""
    return count >= PROGRESS_MIN and sys.stderr.isatty()


def register(app: typer.Typer) -> None:
    from csplan.cli.common import reads_sources

    app.command()(reads_sources(score))
