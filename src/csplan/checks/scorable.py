"""``score --keep-going`` (SPEC section 4): the part of a workspace with
errors that can still be scored. Read from the findings, so it is the
checks' word on which documents are sound."""

from __future__ import annotations

import dataclasses
from typing import Any

from csplan.findings import SourceRef
from csplan.model import Workspace
from csplan.results import LoadResult
from csplan.workspace.discover import MARKER

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
    return dataclasses.replace(ws, accounts={}, segments={})


def _account_ids(
    ws: Workspace, kept: set[str], bad_ids: set[tuple[str, str]] | None = None
) -> list[str]:
    """Every account id the workspace names (in the model, or only in a
    document with errors) that is not kept, in id order."""
    names = set(ws.accounts)
    names.update(i for kind, i in bad_ids or () if kind == "Account")
    return sorted(names - kept)
