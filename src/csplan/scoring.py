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
from csplan.findings import SourceRef, did_you_mean

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


# File-level findings (syntax, duplicate keys, unreadable or unsafe files)
# are not tied to one document: every document of the file is suspect.
_FILE_LEVEL = frozenset({"CSP001", "CSP002", "CSP003", "CSP004", "CSP005"})


def scorable_part(result: LoadResult) -> tuple[Workspace, list[str]]:
    """``score --keep-going`` (SPEC section 4): the part of a workspace with
    errors that can still be scored, and the ids of the accounts left out.

    An account is scored when its own document, and every document it
    references directly or through its segments (ICP, personas, experience,
    milestone map and the map's outcome and vehicles, engagement model,
    desired outcomes, stakeholders' personas), is free of errors. "Free of
    errors" is read from the findings (file and document of each error), not
    from what the model holds: a document with errors may be in it as a
    partial document. An error in the settings, or one that names no
    document, leaves nothing to score. The workspace returned holds only the
    clean documents those accounts use, so the engine never meets a partial
    one."""
    import dataclasses

    from csplan.workspace.discover import MARKER

    ws = result.workspace
    errors = [f for f in result.findings if f.severity == "error"]
    bad_docs: set[tuple[str, int]] = set()
    bad_files: set[str] = set()
    for f in errors:
        if f.ref is None:
            return _nothing(ws), _account_ids(ws, set())
        if f.code in _FILE_LEVEL:
            bad_files.add(f.ref.file)
        else:
            bad_docs.add((f.ref.file, f.ref.doc))
    if MARKER in bad_files or (MARKER, 0) in bad_docs:
        return _nothing(ws), _account_ids(ws, set())

    def is_bad(ref: SourceRef) -> bool:
        return ref.file in bad_files or (ref.file, ref.doc) in bad_docs

    # (kind, id) of every document with an error, read from the raw data so
    # that a document the model left out, or a second one with the same id,
    # still counts.
    bad_ids: set[tuple[str, str]] = set()
    for name, source in ws.sources.items():
        for i, data in enumerate(source.documents):
            if isinstance(data, dict) and is_bad(SourceRef(name, i)):
                kind, doc_id = data.get("kind"), data.get("id")
                if isinstance(kind, str) and isinstance(doc_id, str):
                    bad_ids.add((kind, doc_id))
    for kind in _KINDS:
        for doc_id, doc in ws.collection(kind).items():
            if is_bad(doc.source):
                bad_ids.add((kind, doc_id))

    def clean(kind: str, doc_id: str | None) -> bool:
        return doc_id is None or ((kind, doc_id) not in bad_ids and doc_id in ws.collection(kind))

    def segment_ok(seg_id: str) -> bool:
        if not clean("Segment", seg_id):
            return False
        seg = ws.segments[seg_id]
        if not (
            clean("IdealCustomerProfile", seg.icp)
            and clean("AppropriateExperience", seg.experience)
            and clean("EngagementModel", seg.engagement)
            and clean("MilestoneMap", seg.milestone_map)
            and all(clean("Persona", p) for p in seg.personas)
        ):
            return False
        m = ws.maps[seg.milestone_map]
        return (
            clean("RequiredOutcome", m.outcome)
            and outcome_ok(m.outcome)
            and all(clean("SuccessVehicle", v) for ms in m.milestones for v in ms.vehicles)
        )

    def outcome_ok(outcome_id: str) -> bool:
        return clean("RequiredOutcome", outcome_id) and all(
            clean("Persona", p) for p in ws.outcomes[outcome_id].personas
        )

    keep: dict[str, Any] = {}
    segments: set[str] = set()
    for account_id, account in ws.accounts.items():
        if ("Account", account_id) in bad_ids:
            continue
        seg_ids = (
            [account.segment]
            if isinstance(account.segment, str)
            else [p.segment for p in account.segment]
        )
        if (
            all(segment_ok(s) for s in seg_ids)
            and all(outcome_ok(d.outcome) for d in account.desired_outcomes)
            and all(clean("Persona", s.persona) for s in account.stakeholders)
        ):
            keep[account_id] = account
            segments.update(seg_ids)

    def catalogue(kind: str) -> dict[str, Any]:
        return {i: d for i, d in ws.collection(kind).items() if (kind, i) not in bad_ids}

    part = dataclasses.replace(
        ws,
        accounts=keep,
        segments={s: ws.segments[s] for s in sorted(segments)},
        personas=catalogue("Persona"),
        icps=catalogue("IdealCustomerProfile"),
        outcomes=catalogue("RequiredOutcome"),
        experiences=catalogue("AppropriateExperience"),
        vehicles=catalogue("SuccessVehicle"),
        maps=catalogue("MilestoneMap"),
        engagement_models=catalogue("EngagementModel"),
    )
    return part, _account_ids(ws, set(keep), bad_ids)


_KINDS = (
    "Persona",
    "IdealCustomerProfile",
    "RequiredOutcome",
    "AppropriateExperience",
    "SuccessVehicle",
    "MilestoneMap",
    "EngagementModel",
    "Segment",
    "Account",
)


def _nothing(ws: Workspace) -> Workspace:
    import dataclasses

    return dataclasses.replace(ws, accounts={}, segments={})


def _account_ids(
    ws: Workspace, kept: set[str], bad_ids: set[tuple[str, str]] | None = None
) -> list[str]:
    """Every account id the workspace names (in the model, or only in a
    document with errors) that is not kept, in id order."""
    names = set(ws.accounts)
    names.update(i for kind, i in bad_ids or () if kind == "Account")
    return sorted(names - kept)
