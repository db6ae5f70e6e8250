"""``csplan.score``: scoring from Python, for notebooks and scripts.

    import csplan
    scores = csplan.score("examples/acme-mail", as_of="2026-11-01")
    [(s.id, s.engagement.attainment, s.engagement.band) for s in scores]

The engine itself (:mod:`csplan.engine`) is pure; this module does what a
caller would otherwise repeat: load the workspace, refuse one with errors,
check the account ids, read a signals CSV, default the date to today.
"""

from __future__ import annotations

import dataclasses
import datetime as _dt
import os
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from csplan.errors import SignalsFileError, UnknownAccount, WorkspaceInvalid
from csplan.findings import did_you_mean

if TYPE_CHECKING:
    from csplan.engine import AccountScore, ExtraObservation
    from csplan.workspace import LoadResult, Workspace

Signals = Mapping[str, Mapping[str, Sequence["ExtraObservation"]]]


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
    :class:`~csplan.workspace.LoadResult` or a loaded Workspace (trusted to
    be valid). ``account_ids`` defaults to every account; ``as_of`` to today
    (a date or an ISO string). ``signals`` adds observations: a CSV path
    (columns account, signal, as_of, value) or a mapping account -> signal ->
    observations. ``trend`` fills each score's ``trend`` with the twelve
    month-end points.

    Raises :class:`~csplan.errors.WorkspaceInvalid` when the workspace has
    errors, :class:`~csplan.errors.UnknownAccount` for an id it does not
    hold, :class:`~csplan.errors.SignalsFileError` for an unreadable or bad
    CSV. Returns the scores in account id order."""
    from csplan.engine import score_accounts
    from csplan.engine import trend as trend_of

    ws = workspace_of(workspace)
    ids = resolve_ids(ws, [account_ids] if isinstance(account_ids, str) else account_ids)
    day = _dt.date.fromisoformat(as_of) if isinstance(as_of, str) else as_of or _dt.date.today()
    extra = load_signals(signals, ws) if isinstance(signals, (str, os.PathLike)) else signals
    scores = score_accounts(ws, ids, day, signals=extra)
    if trend:
        scores = [
            dataclasses.replace(s, trend=trend_of(ws, s.id, day, signals=extra)) for s in scores
        ]
    return scores


def workspace_of(workspace: Any) -> Workspace:
    """A valid Workspace from a path, a LoadResult or a Workspace."""
    from csplan.workspace import LoadResult, Workspace, load_workspace

    if isinstance(workspace, Workspace):
        return workspace
    result = workspace if isinstance(workspace, LoadResult) else load_workspace(workspace)
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


def load_signals(path: str | os.PathLike[str], ws: Workspace) -> Signals:
    """Read a signals CSV for the library: any bad row raises
    :class:`~csplan.errors.SignalsFileError` listing every problem."""
    from pathlib import Path

    from csplan.signals_csv import read_signals

    parsed = read_signals(Path(path), ws, display_name(path, ws))
    if parsed.errors:
        raise SignalsFileError("\n".join(str(p) for p in parsed.errors))
    return parsed.signals


def display_name(path: str | os.PathLike[str], ws: Workspace) -> str:
    """How a signals file is named in problems and evidence: relative to the
    workspace root when it lies inside it, else as given."""
    from pathlib import Path

    given = Path(path)
    try:
        return given.resolve().relative_to(ws.root.resolve()).as_posix()
    except ValueError:
        return str(path)
