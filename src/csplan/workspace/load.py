"""Reading a workspace: files -> documents -> models, and the findings of
reading them. Every input reader (YAML here, the signals CSV beside it)
reports problems as :class:`~csplan.findings.Finding` objects."""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, TypeGuard

from csplan.findings import Finding, SourceRef, Summary, did_you_mean, make
from csplan.model import KINDS, Workspace, WorkspaceSettings
from csplan.results import LoadResult
from csplan.workspace.bounded import FileTooLarge, NotRegularFile, read_bounded
from csplan.workspace.build import build_document
from csplan.workspace.discover import MARKER, Unreadable, counts, find_root, walk
from csplan.workspace.source import MAX_FILE_BYTES, Source, read

if TYPE_CHECKING:
    from csplan.model import Document

# What to do with data sources (SPEC section 8): "check" runs every query
# and checks every row (validate); "fetch" reads the account rows and
# leaves signals to scoring, which asks for what its dates need; "skip"
# checks the DataSource documents only (validate --no-sources).
SourceMode = Literal["check", "fetch", "skip"]


def read_workspace(
    path: str | os.PathLike[str] | None = None, *, sources: SourceMode = "check"
) -> LoadResult:
    """Read the workspace at ``path`` (or the nearest one upward from the
    current folder): every file, every document built into the model, and
    the findings of reading them (syntax, shape, duplicate ids). The checks
    across documents are :func:`csplan.checks.run_checks`' job; findings are
    not located yet (:func:`locate_findings`).

    Raises :class:`csplan.errors.WorkspaceNotFound` when there is no
    workspace; every problem inside one is a finding."""

    root = find_root(path)
    marker = _read(root, MARKER)

    def files(settings: WorkspaceSettings) -> tuple[list[str], list[Unreadable]]:
        return walk(root, list(settings.exclude), settings.templates)

    return _load(root, marker, files, lambda rel: _read(root, rel), sources)


def read_workspace_files(
    root: Path,
    files: Mapping[str, bytes],
    *,
    sources: SourceMode = "check",
    data_root: Path | None = None,
) -> LoadResult | None:
    """Read a workspace from memory (a git revision's files, say): ``files``
    maps POSIX paths relative to the workspace root to their bytes. The
    same rules as on disk decide which files count (hidden files and
    folders, the templates folder and ``exclude`` left out; *.yaml and
    *.yml only), and findings and positions come from the text alone:
    ``root`` is only the workspace's name and where it is shown.

    None when ``files`` holds no csplan.yaml: there is no workspace there
    (a revision before the workspace existed), which is not an error."""
    if MARKER not in files:
        return None
    marker = read(MARKER, files[MARKER])

    def found(settings: WorkspaceSettings) -> tuple[list[str], list[Unreadable]]:
        exclude, templates = list(settings.exclude), settings.templates
        return sorted(rel for rel in files if counts(rel, exclude, templates)), []

    return _load(root, marker, found, lambda rel: read(rel, files[rel]), sources, data_root)


def _load(
    root: Path,
    marker: Source,
    found: Callable[[WorkspaceSettings], tuple[list[str], list[Unreadable]]],
    read_file: Callable[[str], Source],
    mode: SourceMode,
    data_root: Path | None = None,
) -> LoadResult:
    # Shared by the disk and the in-memory readers: ``found`` lists the files
    # that count once the settings (exclude, templates) are known.
    findings: list[Finding] = []
    sources: dict[str, Source] = {MARKER: marker}
    settings_doc = _settings(marker, findings)
    settings = settings_doc or WorkspaceSettings.model_construct(
        kind="Workspace", name=root.name, vendor=""
    )
    ws = Workspace(root=root, settings=settings, data_root=data_root)
    # Accounts are built last: a data source (in any file) may give their facts.
    pending: list[tuple[SourceRef, dict[str, Any]]] = []

    documents = 0
    files = [MARKER]
    listed, unreadable = found(settings)
    for problem in unreadable:
        findings.append(make("CSP003", SourceRef(problem.path, 0), problem.problem, problem.hint))
    for rel in listed:
        if rel == MARKER:
            continue
        files.append(rel)
        sources[rel] = read_file(rel)
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
            _add(ws, SourceRef(rel, index), data, findings, pending)

    _accounts(ws, pending, findings, mode)
    if mode == "check" and any(d.provides == "signals" for d in ws.data_sources.values()):
        from csplan.sources.signals import check

        found_signals, ws.source_signals = check(ws)
        findings.extend(found_signals)
    return LoadResult(ws, findings, Summary(files=len(files), documents=documents))


def _accounts(
    ws: Workspace,
    pending: list[tuple[SourceRef, dict[str, Any]]],
    findings: list[Finding],
    mode: SourceMode,
) -> None:
    if ws.data_sources:
        from csplan.sources.checks import check_documents

        findings.extend(check_documents(ws))
    has_rows = any(d.provides == "accounts" for d in ws.data_sources.values())

    def build(data: dict[str, Any], ref: SourceRef, lenient: bool = False) -> None:
        doc, problems = build_document("Account", data, ref)
        if lenient:
            # validate --no-sources: what a row would give is not asked of YAML.
            from csplan.sources.accounts import GIVEN_BY_ROWS

            problems = [
                p
                for p in problems
                if not (
                    p.code == "CSP101"
                    and p.ref is not None
                    and len(p.ref.path) == len(ref.path) + 1
                    and p.ref.path[-1] in GIVEN_BY_ROWS
                )
            ]
        findings.extend(problems)
        if problems:
            _reserve(ws, "Account", data, ref)
        if doc is not None:
            _register(ws, "Account", doc, findings)

    if not has_rows or mode == "skip":
        for ref, data in pending:
            build(data, ref, lenient=has_rows)
        return
    from csplan.sources.accounts import merge, read_rows

    rows = read_rows(ws, findings)
    merge(ws, pending, rows, build, findings)


def _read(root: Path, rel: str) -> Source:
    # Bounded and regular files only: the walk already left FIFOs out, but
    # the file may have changed since, and csplan.yaml is not walked.
    try:
        raw = read_bounded(root / rel)
    except NotRegularFile as exc:
        return _unread(
            rel, "CSP003", f"not a regular file: it is {exc.what}", "move it out of the workspace"
        )
    except FileTooLarge as exc:
        return _unread(
            rel,
            "CSP005",
            f"file is {exc.size // 1024} KiB; the limit is {MAX_FILE_BYTES >> 20} MiB",
            "split it into smaller files",
        )
    except OSError as exc:
        return _unread(
            rel,
            "CSP003",
            f"cannot read the file: {exc.strerror}",
            "check its permissions, or exclude it in csplan.yaml",
        )
    return read(rel, raw)


def _unread(rel: str, code: str, message: str, hint: str) -> Source:
    source = Source(rel)
    source.findings.append(make(code, SourceRef(rel, 0), message, hint))
    return source


def _settings(marker: Source, findings: list[Finding]) -> WorkspaceSettings | None:
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


def _add(
    ws: Workspace,
    ref: SourceRef,
    data: Any,
    findings: list[Finding],
    pending: list[tuple[SourceRef, dict[str, Any]]],
) -> None:
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
    if kind == "Account":
        pending.append((ref, data))
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


def locate_findings(ws: Workspace, findings: list[Finding]) -> None:
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
