"""The library: what every csplan command does, as functions that return data
or raise :mod:`csplan.errors` exceptions. The command line calls these and
nothing else does its work; they never print.

    import csplan
    result = csplan.load_workspace("examples/acme-mail")      # validate
    scores = csplan.score(result, as_of="2026-11-01")           # score
    html = csplan.render_plan(result, "northwind-events", as_of="2026-11-01")

Each step is one module below: reading (:mod:`csplan.workspace`), checks
across documents (:mod:`csplan.checks`), the pure engine
(:mod:`csplan.engine`), output formats (:mod:`csplan.report`) and plans
(:mod:`csplan.render`).
"""

from __future__ import annotations

import datetime as _dt
import os
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from csplan.errors import SignalsFileError, UnknownAccount, WorkspaceInvalid
from csplan.findings import did_you_mean

if TYPE_CHECKING:
    from csplan.engine import AccountScore, ExtraObservation, Scorer
    from csplan.model import Workspace
    from csplan.results import AccountDiff, Backtest, Diff, LoadResult
    from csplan.workspace.load import SourceMode
    from csplan.workspace.signals_csv import SignalsFile

Signals = Mapping[str, Mapping[str, Sequence["ExtraObservation"]]]
T = TypeVar("T")


# --- validate ---------------------------------------------------------------


def load_workspace(
    path: str | os.PathLike[str] | None = None, *, sources: SourceMode = "check"
) -> LoadResult:
    """Read the workspace at ``path`` (or the nearest one upward from the
    current folder) and run every check of SPEC section 3: the model (with
    partial documents where some had errors) and every finding, located and
    in file order.

    ``sources`` says what to do with data sources (SPEC section 8):
    ``"check"`` runs every query and checks every row (validate);
    ``"fetch"`` reads the account rows only, for scoring, which then asks
    for the signals its dates need; ``"skip"`` checks the DataSource
    documents without connecting (validate --no-sources).

    Raises :class:`~csplan.errors.WorkspaceNotFound` when there is no
    workspace; every problem inside one is a finding."""
    from csplan.workspace.load import read_workspace

    return _checked(read_workspace(path, sources=sources))


def _checked(read: LoadResult) -> LoadResult:
    """A workspace as read, with the checks across documents run, counted,
    and its findings located when first read."""
    from csplan.checks import run_checks
    from csplan.results import LoadResult
    from csplan.workspace.load import locate_findings

    ws = read.workspace
    result = LoadResult(ws, read.findings, read.summary, lambda f: locate_findings(ws, f))
    result.add(run_checks(ws))
    result.count()
    return result


def schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of a csplan document of any kind."""
    from csplan.schema import document_schema

    return document_schema()


# --- evidence ---------------------------------------------------------------


def read_signals(path: str | os.PathLike[str], ws: Workspace) -> SignalsFile:
    """Read a ``--signals`` CSV against ``ws``: its observations and its
    findings (CSP401 rows that cannot be read, CSP402 unused signals), with
    the file named relative to the workspace root when it lies inside it.

    Raises :class:`~csplan.errors.SignalsFileError` when the file cannot be
    read at all."""
    from csplan.workspace.signals_csv import read_signals as read

    return read(Path(path), ws, _display_name(path, ws))


def signals_of(signals: Signals | str | os.PathLike[str] | None, ws: Workspace) -> Signals | None:
    """Extra observations given as a CSV path or a mapping; a CSV with bad
    rows raises :class:`~csplan.errors.SignalsFileError` listing them."""
    if signals is None or isinstance(signals, Mapping):
        return signals
    parsed = read_signals(signals, ws)
    errors = [f for f in parsed.problems if f.severity == "error"]
    if errors:
        raise SignalsFileError("\n".join(str(p) for p in errors))
    return parsed.signals


def _display_name(path: str | os.PathLike[str], ws: Workspace) -> str:
    given = Path(path)
    try:
        return given.resolve().relative_to(ws.root.resolve()).as_posix()
    except ValueError:
        return str(path)


# --- score ------------------------------------------------------------------


def score(
    workspace: Workspace | LoadResult | str | os.PathLike[str] | None = None,
    account_ids: Iterable[str] | str | None = None,
    as_of: _dt.date | str | None = None,
    *,
    signals: Signals | str | os.PathLike[str] | None = None,
    trend: bool = False,
) -> list[AccountScore]:
    """Score accounts of a workspace at a date (SPEC section 4).

    ``workspace`` is a path (default: the nearest workspace upward), a
    :class:`~csplan.results.LoadResult` or a loaded Workspace (trusted to
    be valid). ``account_ids`` defaults to every account; ``as_of`` to today
    (a date or an ISO string). ``signals`` adds observations: a CSV path
    (columns account, signal, as_of, value) or a mapping account -> signal ->
    observations. ``trend`` fills each score's ``trend`` with the twelve
    month-end points.

    Raises :class:`~csplan.errors.WorkspaceInvalid` when the workspace has
    errors, :class:`~csplan.errors.UnknownAccount` for an id it does not
    hold, :class:`~csplan.errors.SignalsFileError` for an unreadable or bad
    CSV. Returns the scores in account id order."""
    ws = workspace_of(workspace)
    ids = resolve_ids(ws, [account_ids] if isinstance(account_ids, str) else account_ids)
    return list(iter_scores(ws, ids, to_date(as_of), signals=signals_of(signals, ws), trend=trend))


def iter_scores(
    ws: Workspace,
    account_ids: Iterable[str],
    as_of: _dt.date,
    *,
    signals: Signals | None = None,
    trend: bool = False,
    numbered: bool = False,
) -> Iterator[AccountScore]:
    """Like :func:`score` on a loaded, valid workspace, one account at a
    time in id order: a portfolio is written out as it is scored. Data
    sources are read before this returns: their errors come before any
    output (:class:`~csplan.errors.SourceRowsError`). ``numbered``: the
    evidence from a data source names its row (explanations; slower)."""
    ids = list(account_ids)
    scorer = make_scorer(
        ws, signals, dates=score_dates(as_of, trend=trend), accounts=ids, numbered=numbered
    )
    return _each(scorer, ids, as_of, trend)


def _each(scorer: Scorer, ids: list[str], as_of: _dt.date, trend: bool) -> Iterator[AccountScore]:
    import dataclasses

    for s in scorer.scores(ids, as_of):
        yield dataclasses.replace(s, trend=scorer.trend(s.id, as_of)) if trend else s


def map_scores(
    ws: Workspace,
    account_ids: Iterable[str],
    as_of: _dt.date,
    work: Callable[[AccountScore], T],
    *,
    signals: Signals | None = None,
    trend: bool = False,
) -> Iterator[T]:
    """``work(score)`` for each account of a loaded, valid workspace, in id
    order: what a portfolio's output needs of each score (its JSON text,
    say). For a large portfolio fed by data sources, a forked child does
    the second half on the second core (:mod:`csplan.parallel`), so
    ``work``'s results must pickle, and should be small. Data sources are
    read before this returns, as with :func:`iter_scores`."""
    import dataclasses

    ids = sorted(set(account_ids))
    scorer = make_scorer(ws, signals, dates=score_dates(as_of, trend=trend), accounts=ids)

    def one(account: str) -> T:
        s = scorer.score(account, as_of)
        return work(dataclasses.replace(s, trend=scorer.trend(account, as_of)) if trend else s)

    if ws.data_sources:
        # Evidence from databases: no YAML to index on the second core, and
        # scoring is most of the work; half of it goes there instead.
        from csplan.parallel import in_parallel

        return in_parallel(ids, one)
    return map(one, ids)


def make_scorer(
    ws: Workspace,
    signals: Signals | None = None,
    *,
    dates: Sequence[_dt.date] | None = None,
    accounts: Sequence[str] | None = None,
    numbered: bool = False,
) -> Scorer:
    """A :class:`~csplan.engine.Scorer` for ``ws``: keep one to score many
    accounts or dates.

    With data sources of signals (SPEC section 8), their observations are
    fetched here: only what scoring ``accounts`` (None: all) at ``dates``
    needs (None: every date, which costs every row). ``signals`` wins over
    them on a date both give.

    Raises :class:`~csplan.errors.SourceRowsError` when a source cannot be
    read or a fetched row is wrong."""
    from csplan.engine import Scorer

    return Scorer(ws, with_sources(ws, signals, dates, accounts, numbered=numbered))


def with_sources(
    ws: Workspace,
    signals: Signals | None,
    dates: Sequence[_dt.date] | None,
    accounts: Sequence[str] | None = None,
    *,
    numbered: bool = False,
) -> Signals | None:
    """``signals`` on top of what the data sources give for ``dates``."""
    if not any(d.provides == "signals" for d in ws.data_sources.values()):
        return signals
    if dates is not None and not dates:
        return signals  # nothing will be scored
    from csplan.errors import SourceRowsError
    from csplan.sources.signals import fetch

    fetched, findings = fetch(ws, dates, accounts, numbered=numbered)
    errors = [f for f in findings if f.severity == "error"]
    if errors:
        from csplan.workspace.load import locate_findings

        locate_findings(ws, errors)
        raise SourceRowsError(errors)
    merged: dict[str, dict[str, list[ExtraObservation]]] = {
        account: {signal: list(obs) for signal, obs in per.items()}
        for account, per in fetched.items()
    }
    for account, per in (signals or {}).items():
        into = merged.setdefault(account, {})
        for signal, obs in per.items():
            # Later wins on one date (engine.facts): the CSV after the source.
            into.setdefault(signal, []).extend(obs)
    return merged


def score_dates(as_of: _dt.date, *, trend: bool = False, review: bool = False) -> list[_dt.date]:
    """The dates a score at ``as_of`` looks at: the trend's month ends, and
    for the internal review the last day of the previous month too."""
    from csplan.engine.score import trend_dates

    days = [as_of]
    if trend or review:
        days.extend(trend_dates(as_of))
    if review:
        from csplan.render.internal import last_month_end

        last = last_month_end(as_of)
        if last is not None:
            days.append(last)
    return sorted(set(days))


def since(
    ws: Workspace,
    account_id: str,
    since: _dt.date,
    as_of: _dt.date,
    signals: Signals | None = None,
) -> AccountDiff:
    """What moved for one account of a loaded, valid workspace between
    ``since`` and ``as_of`` (``score --explain --since``, the internal
    review's "since last month"): SPEC section 7's diff of the account with
    itself at two dates, so all of the change is evidence.

    Raises :class:`~csplan.errors.UnknownAccount` for an id ``ws`` does not
    hold, ValueError when ``since`` is after ``as_of``."""
    from csplan.engine.diff import compare_account

    if since > as_of:
        raise ValueError(f"the earlier date {since} is after {as_of}")
    [account] = resolve_ids(ws, [account_id])
    scorer = make_scorer(ws, signals, dates=[since, as_of], accounts=[account], numbered=True)
    return compare_account(
        scorer.score(account, since),
        scorer.score(account, as_of),
        has_base=False,
        two_dates=since != as_of,
    )


def scorable_part(result: LoadResult) -> tuple[Workspace, list[str]]:
    """``score --keep-going``: the part of a workspace with errors that can
    still be scored, and the ids of the accounts left out (SPEC section 4)."""
    from csplan.checks.scorable import scorable_part as part

    return part(result)


def prefetch_evidence(ws: Workspace, account_ids: Iterable[str]) -> Callable[[], None]:
    """Say that the evidence lines of these accounts will all be asked for
    (score JSON): their files are indexed in parallel where that is safe.
    Returns the function that stops that work."""
    from csplan.workspace.prefetch import prefetch_positions

    return prefetch_positions(ws, (ws.accounts[a].source.file for a in account_ids))


# --- diff -------------------------------------------------------------------


def diff(
    workspace: str | os.PathLike[str] | None = None,
    account_ids: Iterable[str] | None = None,
    *,
    base: str | None = None,
    base_dir: str | os.PathLike[str] | None = None,
    from_date: _dt.date | str | None = None,
    to_date_: _dt.date | str | None = None,
    as_of: _dt.date | str | None = None,
    signals: str | os.PathLike[str] | Signals | None = None,
) -> tuple[Diff, Workspace | None, Workspace]:
    """``csplan diff`` (SPEC section 7): before = S(W_base, from), after =
    S(W, to), for ``account_ids`` (default: every account of both sides).

    W is the workspace at ``workspace``; W_base is it as it was at git
    revision ``base``, the workspace in folder ``base_dir``, or W itself.
    Without dates both are ``as_of`` (default today); ``from_date`` alone
    compares with ``as_of``. Returns the diff and the two workspaces (the
    base one None when ``base`` has no workspace: every account is added),
    which reporters need to name the file and line of evidence.

    Raises :class:`~csplan.errors.SideInvalid` naming the side with errors,
    :class:`~csplan.errors.RevisionError`, :class:`~csplan.errors.UnknownAccount`
    for an id neither side holds, :class:`~csplan.errors.DiffUsageError` for
    dates that do not make sense, and what :func:`load_workspace` raises."""
    from csplan.errors import DiffUsageError

    if to_date_ is not None and from_date is None:
        raise DiffUsageError("--to needs --from: give both dates, or --as-of alone")
    day = to_date(as_of)
    start = to_date(from_date) if from_date is not None else day
    end = to_date(to_date_) if to_date_ is not None else day
    if start > end:
        raise DiffUsageError(f"--from {start} is after --to {end}")
    if base is not None and base_dir is not None:
        raise DiffUsageError("give --base or --base-dir, not both")

    import contextlib

    with contextlib.ExitStack() as stack:
        return _diff(stack, workspace, account_ids, base, base_dir, start, end, signals)


def _diff(
    stack: Any,
    workspace: str | os.PathLike[str] | None,
    account_ids: Iterable[str] | None,
    base: str | None,
    base_dir: str | os.PathLike[str] | None,
    start: _dt.date,
    end: _dt.date,
    signals: str | os.PathLike[str] | Signals | None,
) -> tuple[Diff, Workspace | None, Workspace]:
    from csplan.engine.diff import compare_account, summarize
    from csplan.errors import SideInvalid
    from csplan.results import Diff

    head = load_workspace(workspace, sources="fetch")
    if not head.ok:
        raise SideInvalid("working tree", head)
    head_ws = head.workspace
    has_base = base is not None or base_dir is not None
    base_ws: Workspace | None = head_ws
    label: str | None = None
    if base is not None:
        from csplan.workspace.load import read_workspace_files
        from csplan.workspace.revision import files_at_revision

        label = base
        files = files_at_revision(head_ws.root, base)
        data_root = None
        if any(d.engine == "duckdb" for d in head_ws.data_sources.values()):
            # DuckDB sources read their files as they were at the revision
            # (SPEC section 7): those files, written out where it can read them.
            data_root = stack.enter_context(_revision_files(head_ws.root, base))
        read = read_workspace_files(head_ws.root, files, sources="fetch", data_root=data_root)
        base_ws = None
        if read is not None:
            checked = _checked(read)
            if not checked.ok:
                raise SideInvalid(f"base {base}", checked)
            base_ws = checked.workspace
    elif base_dir is not None:
        label = os.fspath(base_dir)
        checked = load_workspace(base_dir, sources="fetch")
        if not checked.ok:
            raise SideInvalid(f"base {label}", checked)
        base_ws = checked.workspace

    before_ids = set(base_ws.accounts) if base_ws is not None else set()
    every = before_ids | set(head_ws.accounts)
    if account_ids is None:
        ids = sorted(every)
    else:
        ids = sorted(dict.fromkeys(account_ids))
        unknown = [a for a in ids if a not in every]
        if unknown:
            hints = [did_you_mean(a, sorted(every)) for a in unknown]
            raise UnknownAccount(
                "; ".join(
                    f"unknown account '{a}' (on both sides)" + (f" ({h})" if h else "")
                    for a, h in zip(unknown, hints, strict=True)
                )
            )
    extra = signals_of(signals, head_ws)
    days = sorted({start, end})
    after_scorer = make_scorer(head_ws, extra, dates=days, accounts=ids)
    before_scorer = (
        make_scorer(base_ws, extra, dates=days, accounts=ids) if base_ws is not None else None
    )
    two_dates = start != end
    accounts = []
    for account_id in ids:
        before = after = middle = None
        if before_scorer is not None and account_id in before_ids:
            before = before_scorer.score(account_id, start)
            if has_base and two_dates:
                middle = before_scorer.score(account_id, end)
        if account_id in head_ws.accounts:
            after = after_scorer.score(account_id, end)
        accounts.append(
            compare_account(
                before,
                after,
                middle=middle if after is not None else None,
                has_base=has_base,
                two_dates=two_dates,
            )
        )
    configuration = None
    if has_base:
        from csplan.workspace.changes import configuration_changes

        configuration = configuration_changes(base_ws, head_ws)
    live = tuple(
        sorted(d.id for d in head_ws.data_sources.values() if d.engine == "sql" and has_base)
    )
    result = Diff(start, end, label, configuration, tuple(accounts), summarize(accounts), live)
    return result, (base_ws if has_base else head_ws), head_ws


def _revision_files(root: Path, rev: str) -> Any:
    """A context manager: a temporary folder holding the workspace's
    files other than YAML as they were at ``rev``, removed afterwards."""
    import contextlib
    import tempfile

    from csplan.workspace.revision import files_at_revision

    @contextlib.contextmanager
    def written() -> Iterator[Path]:
        with tempfile.TemporaryDirectory(prefix="csplan-rev-") as folder:
            target = Path(folder)
            for rel, data in files_at_revision(root, rev, suffixes=None).items():
                path = target / rel
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_bytes(data)
            yield target

    return written()


# --- backtest ---------------------------------------------------------------


def backtest(
    workspace: Workspace | LoadResult | str | os.PathLike[str] | None = None,
    *,
    from_date: _dt.date | str | None = None,
    to_date: _dt.date | str | None = None,
    leads: Sequence[int] = (90,),
    signals: Signals | str | os.PathLike[str] | None = None,
) -> Backtest:
    """``csplan backtest`` (SPEC section 9): every renewal dated from
    ``from_date`` to ``to_date`` (inclusive; None: all), the account scored
    each of ``leads`` days before it; AUCs, bands and retention.

    Raises :class:`~csplan.errors.WorkspaceInvalid`,
    :class:`~csplan.errors.SignalsFileError`, and ValueError for a lead that
    is not a positive whole number of days or ``from_date`` after ``to_date``."""
    from csplan.engine.backtest import backtest as run

    # ``to_date`` the parameter hides ``to_date`` the function here.
    start, end = _optional_date(from_date), _optional_date(to_date)
    if start is not None and end is not None and start > end:
        raise ValueError(f"--from {start} is after --to {end}")
    from csplan.engine.backtest import scored_days

    ws = workspace_of(workspace)
    # Data sources are asked for the days and accounts the renewals are
    # scored on only (many days: the history up to the last one).
    days, accounts = scored_days(ws, from_date=start, to_date=end, leads=leads)
    scorer = make_scorer(ws, signals_of(signals, ws), dates=days, accounts=accounts)
    return run(ws, scorer, from_date=start, to_date=end, leads=leads)


# --- render -----------------------------------------------------------------


def render_plan(
    workspace: Workspace | LoadResult | str | os.PathLike[str] | None,
    account_id: str,
    as_of: _dt.date | str | None = None,
    *,
    audience: str = "customer",
    fmt: str = "html",
    signals: Signals | str | os.PathLike[str] | None = None,
) -> str:
    """The ``audience`` plan (``customer`` or ``internal``) of one account
    as ``fmt`` (``html`` or ``md``), scored at ``as_of`` (default today),
    with ``signals`` as in :func:`score`.

    Raises :class:`~csplan.errors.WorkspaceInvalid`,
    :class:`~csplan.errors.UnknownAccount`,
    :class:`~csplan.errors.SignalsFileError`, or
    :class:`~csplan.errors.RenderError` (a template failed; the message
    names the template and line)."""
    from csplan.render import Renderer

    _check_render_options(audience, fmt)
    ws = workspace_of(workspace)
    [account] = resolve_ids(ws, [account_id])
    day = to_date(as_of)
    days = score_dates(day, review=audience == "internal")
    scorer = make_scorer(ws, signals_of(signals, ws), dates=days, accounts=[account])
    score = scorer.score(account, day)
    if audience != "internal":
        return Renderer(ws, fmt).plan(score, audience)
    history = scorer.trend(account, day)
    moved = _since_last_month(scorer, score)
    return Renderer(ws, fmt).plan(score, audience, history, moved)


def render(
    ws: Workspace,
    account_ids: Sequence[str],
    as_of: _dt.date,
    output: Path,
    *,
    audience: str = "customer",
    fmt: str = "html",
    signals: Signals | None = None,
    index: bool = False,
    advance: Callable[[], None] = lambda: None,
) -> list[Path]:
    """Render the plans of ``account_ids`` (and the index page with
    ``index``) into the folder ``output``, all or nothing: files are written
    only when every one rendered, each replaced atomically, and an input
    file of the workspace is never overwritten. ``advance`` is called after
    each account. Returns the paths written.

    Raises :class:`~csplan.render.UnsafeOutput` for an output folder that
    would overwrite inputs, :class:`~csplan.errors.RenderError` when a
    template fails or a file cannot be written."""
    from csplan.render import Output, Renderer, index_filename, plan_filename, write_all

    _check_render_options(audience, fmt)
    renderer = Renderer(ws, fmt)
    days = score_dates(as_of, review=audience == "internal")
    scorer = make_scorer(ws, signals, dates=days, accounts=list(account_ids))
    outputs: list[Output] = []
    scores = []
    for account_id in account_ids:
        score = scorer.score(account_id, as_of)
        history = scorer.trend(account_id, as_of) if audience == "internal" else ()
        moved = _since_last_month(scorer, score) if audience == "internal" else None
        outputs.append(
            Output(
                plan_filename(account_id, audience, fmt),
                renderer.plan(score, audience, history, moved),
            )
        )
        scores.append(score)
        advance()
    if index:
        outputs.append(Output(index_filename(audience, fmt), renderer.index(scores, audience)))
    return write_all(output, outputs, ws)


def _since_last_month(scorer: Scorer, score: AccountScore) -> AccountDiff | None:
    """The internal review's "since last month" (SPEC section 7): the
    account compared with itself on the last day of the previous month
    (None at the calendar's first month, which has none before it)."""
    from csplan.engine.diff import compare_account
    from csplan.render.internal import last_month_end

    day = last_month_end(score.as_of)
    if day is None:
        return None
    return compare_account(scorer.score(score.id, day), score, has_base=False, two_dates=True)


def _check_render_options(audience: str, fmt: str) -> None:
    from csplan.errors import RenderError
    from csplan.render import AUDIENCES, FORMATS

    if audience not in AUDIENCES:
        raise RenderError(f"unknown audience '{audience}': one of {', '.join(AUDIENCES)}")
    if fmt not in FORMATS:
        raise RenderError(f"unknown format '{fmt}': one of {', '.join(FORMATS)}")


# --- init -------------------------------------------------------------------


def init_workspace(folder: Path, name: str, vendor: str) -> list[str]:
    """Write a starter workspace into ``folder`` (new or empty): the files
    of :func:`csplan.scaffold.scaffold` and the JSON Schema. Returns the
    paths written, relative to ``folder``. Raises OSError when a file cannot
    be written."""
    import contextlib
    import json

    from csplan.files import write_atomic
    from csplan.scaffold import SCHEMA_FILE, scaffold

    files = scaffold(name, vendor)
    files[SCHEMA_FILE] = json.dumps(schema(), indent=2, ensure_ascii=False) + "\n"
    written: list[Path] = []  # files and folders this call made, in order
    try:
        for rel, text in files.items():
            path = folder / rel
            if not path.parent.exists():
                path.parent.mkdir(parents=True)
                written.append(path.parent)
            written.append(path)  # before the write: a signal may come after it
            write_atomic(path, text)
    except BaseException:
        # A full disk or a signal part-way: take back what was written, so
        # that the folder is as it was and a retry starts clean.
        for path in reversed(written):
            with contextlib.suppress(OSError):
                path.rmdir() if path.is_dir() else path.unlink(missing_ok=True)
        raise
    return list(files)


# --- shared -----------------------------------------------------------------


def workspace_of(workspace: Any) -> Workspace:
    """A valid Workspace from a path, a LoadResult or a Workspace."""
    from csplan.model import Workspace
    from csplan.results import LoadResult

    if isinstance(workspace, Workspace):
        return workspace
    result = (
        workspace
        if isinstance(workspace, LoadResult)
        else load_workspace(workspace, sources="fetch")
    )
    if not result.ok:
        raise WorkspaceInvalid(result)
    return result.workspace


def resolve_ids(ws: Workspace, account_ids: Iterable[str] | None) -> list[str]:
    """The account ids to score, in id order; all of them when None.

    Raises :class:`~csplan.errors.UnknownAccount` naming every unknown id,
    with a did-you-mean where one is close."""
    if account_ids is None:
        return sorted(ws.accounts)
    wanted = list(dict.fromkeys(account_ids))
    unknown = [a for a in wanted if a not in ws.accounts]
    if unknown:
        parts = []
        for a in unknown:
            hint = did_you_mean(a, ws.accounts)
            parts.append(f"unknown account '{a}'" + (f" ({hint})" if hint else ""))
        raise UnknownAccount("; ".join(parts))
    return sorted(wanted)


def to_date(value: _dt.date | str | None) -> _dt.date:
    """A date from an ISO ``YYYY-MM-DD`` string or a date; today for None."""
    if value is None:
        return _dt.date.today()
    if isinstance(value, str):
        from csplan.model import strict_date

        return strict_date(value)
    return value


def _optional_date(value: _dt.date | str | None) -> _dt.date | None:
    """:func:`to_date`, but None stays None (no bound)."""
    return None if value is None else to_date(value)
