"""Loading a workspace: files -> documents -> models -> checks -> findings."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeGuard

from csplan.findings import Finding, LineRef, SourceRef, Summary, did_you_mean, make

if TYPE_CHECKING:
    from csplan.workspace.model import (
        Account,
        AppropriateExperience,
        Document,
        EngagementModel,
        IdealCustomerProfile,
        MilestoneMap,
        Persona,
        RequiredOutcome,
        Segment,
        SuccessVehicle,
        WorkspaceSettings,
    )
    from csplan.workspace.source import Source


@dataclass
class Workspace:
    """Every document of a workspace, by kind and id, in file order."""

    root: Path
    settings: WorkspaceSettings
    personas: dict[str, Persona] = field(default_factory=dict)
    icps: dict[str, IdealCustomerProfile] = field(default_factory=dict)
    outcomes: dict[str, RequiredOutcome] = field(default_factory=dict)
    experiences: dict[str, AppropriateExperience] = field(default_factory=dict)
    vehicles: dict[str, SuccessVehicle] = field(default_factory=dict)
    maps: dict[str, MilestoneMap] = field(default_factory=dict)
    engagement_models: dict[str, EngagementModel] = field(default_factory=dict)
    segments: dict[str, Segment] = field(default_factory=dict)
    accounts: dict[str, Account] = field(default_factory=dict)
    sources: dict[str, Source] = field(default_factory=dict, repr=False)
    # Ids of documents with shape errors (in the collections above as
    # partial documents when their id could be read): references to them
    # are not reported again as dangling, and they are never scored.
    invalid_ids: dict[str, set[str]] = field(default_factory=dict, repr=False)

    def collection(self, kind: str) -> dict[str, Any]:
        found: dict[str, Any] = getattr(self, _COLLECTIONS[kind])
        return found

    def locate(self, ref: SourceRef) -> tuple[int, int]:
        """1-based line and column of ``ref`` (parses the file's positions once)."""
        source = self.sources.get(ref.file)
        return source.locate(ref) if source is not None else (1, 1)

    def evidence_location(self, ref: SourceRef | None) -> tuple[str, int] | None:
        """(file, line) of a piece of evidence, None when there is none. CSV
        rows carry their own line; YAML lines come from the file's text."""
        if ref is None:
            return None
        if isinstance(ref, LineRef):
            return (ref.file, ref.line)
        source = self.sources.get(ref.file)
        return (ref.file, source.line(ref) if source is not None else 1)

    def prefetch_positions(self, files: Iterable[str]) -> Callable[[], None]:
        """Say that the positions of ``files`` will all be asked for, in that
        order, so they can be indexed in parallel (workspace/prefetch.py).
        Returns the function that stops the work when it is no longer wanted."""
        from csplan.workspace.prefetch import start

        sources = [self.sources[f] for f in dict.fromkeys(files) if f in self.sources]
        sources = [s for s in sources if s._positions is None and s.prefetch is None]
        prefetch = start(sources)
        if prefetch is None:
            return lambda: None
        for source in sources:
            source.prefetch = prefetch
        return prefetch.close

    def account_ids(self) -> list[str]:
        return sorted(self.accounts)


_COLLECTIONS = {
    "Persona": "personas",
    "IdealCustomerProfile": "icps",
    "RequiredOutcome": "outcomes",
    "AppropriateExperience": "experiences",
    "SuccessVehicle": "vehicles",
    "MilestoneMap": "maps",
    "EngagementModel": "engagement_models",
    "Segment": "segments",
    "Account": "accounts",
}


@dataclass
class LoadResult:
    """What :func:`load_workspace` returns: the model (even when some
    documents had errors: those are in it as partial documents, or left out
    when not even their id can be read) and every finding, located."""

    workspace: Workspace
    findings: list[Finding]
    summary: Summary

    @property
    def ok(self) -> bool:
        return self.summary.errors == 0


def load_workspace(
    path: str | os.PathLike[str] | None = None, *, checks: bool = True
) -> LoadResult:
    """Load the workspace at ``path`` (or the nearest one upward from the
    current folder) and run every check of SPEC section 3.

    Raises :class:`csplan.errors.WorkspaceNotFound` when there is no
    workspace; every problem inside one is a finding."""
    import gc

    # Loading allocates hundreds of thousands of small objects that all stay
    # alive; the cyclic collector would rescan them again and again (it
    # tripled load time on 10,000 accounts) and there is nothing for it to
    # free, so it is paused for the duration.
    enabled = gc.isenabled()
    gc.disable()
    try:
        return _load(path, checks)
    finally:
        if enabled:
            gc.enable()


def _load(path: str | os.PathLike[str] | None, checks: bool) -> LoadResult:
    from csplan.workspace.discover import MARKER, find_root, yaml_files
    from csplan.workspace.model import WorkspaceSettings

    root = find_root(path)
    findings: list[Finding] = []
    sources: dict[str, Source] = {}

    marker = _read(root, MARKER)
    sources[MARKER] = marker
    settings_doc = _settings(marker, findings)
    settings = settings_doc or WorkspaceSettings.model_construct(
        kind="Workspace", name=root.name, vendor=""
    )
    ws = Workspace(root=root, settings=settings)

    documents = 0
    files = [MARKER]
    for rel in yaml_files(root, list(settings.exclude), settings.templates):
        if rel == MARKER:
            continue
        files.append(rel)
        sources[rel] = _read(root, rel)
    ws.sources = sources
    for rel in files:
        source = sources[rel]
        findings.extend(source.findings)
        # A file of empty documents only already has its "no documents" finding.
        some = any(data is not None for data in source.documents)
        for index, data in enumerate(source.documents):
            if data is None:
                if some and len(source.documents) > 1:
                    findings.append(
                        make(
                            "CSP006",
                            SourceRef(rel, index),
                            "empty document",
                            "remove the extra '---'",
                        )
                    )
                continue
            documents += 1
            if rel == MARKER and index == 0 and _is_settings(data):
                continue  # read by _settings, valid or not
            _add(ws, SourceRef(rel, index), data, findings)

    if checks:
        from csplan.checks import run_checks

        findings.extend(run_checks(ws))
    resolve(ws, findings)
    summary = Summary(files=len(files), documents=documents)
    summary.errors = sum(1 for f in findings if f.severity == "error")
    summary.warnings = len(findings) - summary.errors
    return LoadResult(ws, findings, summary)


def _read(root: Path, rel: str) -> Source:
    from csplan.workspace.source import Source, read

    try:
        raw = (root / rel).read_bytes()
    except OSError as exc:
        source = Source(rel)
        source.findings.append(
            make("CSP003", SourceRef(rel, 0), f"cannot read the file: {exc.strerror}")
        )
        return source
    return read(rel, raw)


def _settings(marker: Source, findings: list[Finding]) -> WorkspaceSettings | None:
    from csplan.workspace.build import build_document

    ref = SourceRef(marker.file, 0)
    first = marker.documents[0] if marker.documents else None
    if not _is_settings(first):
        # A file that cannot be read already has its error; an empty one
        # only has a warning, and still lacks the settings.
        if not any(f.severity == "error" for f in marker.findings):
            findings.append(
                make(
                    "CSP008",
                    ref,
                    "csplan.yaml must start with the kind: Workspace document",
                    "add 'kind: Workspace', 'name:' and 'vendor:' at the top of csplan.yaml",
                )
            )
        return None
    doc, problems = build_document("Workspace", first, ref)
    findings.extend(problems)
    return doc  # type: ignore[return-value]


def _is_settings(data: Any) -> TypeGuard[dict[str, Any]]:
    return isinstance(data, dict) and data.get("kind") == "Workspace"


def _add(ws: Workspace, ref: SourceRef, data: Any, findings: list[Finding]) -> None:
    from csplan.workspace.build import build_document
    from csplan.workspace.model import KINDS

    if not isinstance(data, dict):
        findings.append(
            make(
                "CSP007",
                ref,
                "a document must be a mapping with 'kind:' at the top",
                "start the document with 'kind: Account' (or another kind)",
            )
        )
        return
    kind = data.get("kind")
    if kind is None:
        findings.append(
            make(
                "CSP007", ref, "document has no 'kind'", "add 'kind:' — one of " + ", ".join(KINDS)
            )
        )
        return
    if not isinstance(kind, str) or kind not in KINDS:
        hint = did_you_mean(str(kind), KINDS) or "one of " + ", ".join(KINDS)
        findings.append(make("CSP007", ref.child("kind"), f"unknown kind '{kind}'", hint))
        return
    if kind == "Workspace":
        findings.append(
            make(
                "CSP008",
                ref.child("kind"),
                "a second Workspace document",
                "the workspace settings live once, at the top of csplan.yaml",
            )
        )
        return
    doc, problems = build_document(kind, data, ref)
    findings.extend(problems)
    if problems:
        # Keep the id known so that references to it do not cascade.
        _reserve(ws, kind, data, ref)
    if doc is not None:
        # A partial document too: its other fields are still checked, and
        # its id still takes part in duplicate detection.
        _register(ws, kind, doc, findings)


def _reserve(ws: Workspace, kind: str, data: dict[str, Any], ref: SourceRef) -> None:
    # The kind is recorded even without a usable id: checks then know that
    # what this kind defines (questions, elements...) may be incomplete.
    ids = ws.invalid_ids.setdefault(kind, set())
    ident = data.get("id")
    if isinstance(ident, str):
        ids.add(ident)


def _register(ws: Workspace, kind: str, doc: Document, findings: list[Finding]) -> None:
    collection = ws.collection(kind)
    ident = doc.id  # type: ignore[attr-defined]
    if ident in collection:
        first = collection[ident].source
        findings.append(
            make(
                "CSP202",
                doc.source.child("id"),
                f"duplicate {kind} id '{ident}'",
                f"the first is in {first.file}; rename one of them",
            )
        )
        return
    collection[ident] = doc


def resolve(ws: Workspace, findings: list[Finding]) -> None:
    """Fill in line and column, and order findings by file and position."""
    for finding in findings:
        if finding.line == 0:
            if finding.ref is not None:
                finding.line, finding.column = ws.locate(finding.ref)
            else:
                finding.line, finding.column = 1, 1
        elif finding.column == 0:
            finding.column = 1
    findings.sort(key=Finding.sort_key)
