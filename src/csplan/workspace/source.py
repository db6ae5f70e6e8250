"""Reading one YAML file: bytes -> documents, or findings.

Documents are parsed with yaml-rs (Rust, YAML 1.2 core schema, duplicate keys
and alias expansion limits enforced by the parser): ``csplan validate`` runs
on every commit and must be much faster than PyYAML. yaml-rs does not say
where nodes are; :mod:`csplan.workspace.positions` does, for every finding
and every piece of evidence, from one libyaml event pass per file, made on
first use only: a clean workspace that nobody asks lines of never pays for it.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from csplan.findings import Finding, SourceRef, make
from csplan.workspace.hints import syntax_hint
from csplan.workspace.positions import Positions, index, line_column, line_starts

if TYPE_CHECKING:
    from csplan.workspace.prefetch import Prefetch

MAX_FILE_BYTES = 8 * 1024 * 1024
MAX_REPLAYED_EVENTS = 100_000
MAX_ALIAS_DEPTH = 16

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
# Deleting the control bytes and comparing lengths is five times faster than a
# regex search, and a clean file is the common case.
_CONTROL_BYTES = bytes(c for c in range(32) if c not in (9, 10, 13)) + b"\x7f"
# "---" at the start of a line (after LF, CR or CRLF) and followed by a space,
# a tab or the end of the line starts a document.
_DOC_MARKER = re.compile(r"(?:^|(?<=\r))---(?=[ \t\r\n]|\Z)", re.MULTILINE)
_AT_LINE = re.compile(r"at line (\d+), column (\d+)")
_ALIAS = re.compile(r"(?<![\w*])\*[^\s,\[\]{}]+")


@dataclass
class Source:
    """One file's text and its documents (None where a document was empty)."""

    file: str
    text: str = ""
    documents: list[Any] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    _positions: Positions | None = field(default=None, repr=False)
    # Set when another process is indexing this file (workspace/prefetch.py).
    prefetch: Prefetch | None = field(default=None, repr=False, compare=False)

    def positions(self) -> Positions:
        """Where every node of the file starts, indexed on first use."""
        if self._positions is None:
            if self.prefetch is not None:
                self._positions = self.prefetch.take(self)
                self.prefetch = None
            if self._positions is None:
                self._positions = index(self.text)
        return self._positions

    def forget_positions(self) -> None:
        """Drop the index (it is made again if asked for): a portfolio's
        10,000 indexes need not all stay in memory."""
        self._positions = None

    def locate(self, ref: SourceRef) -> tuple[int, int]:
        """1-based line and column of the node ``ref`` points at (its key
        when ``ref.key``). A path naming something absent stops at the
        deepest ancestor that exists, so a finding always has a position;
        an empty document is placed where it starts (its '---')."""
        positions = self.positions()
        if not ref.path and ref.doc < len(self.documents) and self.documents[ref.doc] is None:
            starts = positions.document_starts
            if ref.doc < len(starts):
                return positions.line_column(starts[ref.doc])
        return positions.locate(ref.doc, ref.path, ref.key)

    def line(self, ref: SourceRef) -> int:
        """1-based line of the node ``ref`` points at, as :meth:`locate`."""
        return self.locate(ref)[0]


def read(file: str, raw: bytes) -> Source:
    """Decode and parse ``raw`` (the bytes of ``file``). Never raises."""
    source = Source(file)
    top = SourceRef(file, 0)
    if len(raw) > MAX_FILE_BYTES:
        source.findings.append(
            make(
                "CSP005",
                top,
                f"file is {len(raw) // 1024} KiB; the limit is {MAX_FILE_BYTES >> 20} MiB",
                "split it into smaller files",
            )
        )
        return source
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        finding = make(
            "CSP003",
            top,
            f"not UTF-8 text: byte 0x{raw[exc.start]:02x} at offset {exc.start}",
            "save the file as UTF-8, or move it out of the workspace",
        )
        finding.line = line
        source.findings.append(finding)
        return source
    if text.startswith("\ufeff"):
        text = text[1:]
    source.text = text
    has_control = len(raw.translate(None, _CONTROL_BYTES)) != len(raw)
    bad = _CONTROL.search(text) if has_control else None
    if bad:
        finding = make(
            "CSP003",
            top,
            f"control character U+{ord(bad.group()):04X} in the file (is it binary?)",
            "YAML files hold text only; remove the character or the file",
        )
        finding.line, finding.column = _line_col(text, bad.start())
        source.findings.append(finding)
        return source
    source.documents = _parse(source)
    if "!" in text and not source.findings and _may_have_tags(text):
        _check_tags(source)
    if not source.findings and all(doc is None for doc in source.documents):
        source.findings.append(
            make("CSP006", top, "file holds no YAML documents", "add documents or delete the file")
        )
    return source


def _may_have_tags(text: str) -> bool:
    """Whether some "!" could start a tag: tags open a node, so they follow a
    space, a line break, a flow indicator or ':'. "Great job!" cannot be one,
    and composing every file that says so would double the load time."""
    i = text.find("!")
    while i >= 0:
        if i == 0 or text[i - 1] in " \t\n\r[{,:":
            return True
        i = text.find("!", i + 1)
    return False


def _line_col(text: str, offset: int) -> tuple[int, int]:
    return line_column(text, offset)


def _parse(source: Source) -> list[Any]:
    import yaml_rs

    limits = yaml_rs.AliasLimits(
        max_total_replayed_events=MAX_REPLAYED_EVENTS, max_replay_stack_depth=MAX_ALIAS_DEPTH
    )
    try:
        return _documents(source.text, limits)
    except yaml_rs.YAMLDecodeError as exc:
        retried = _without_separation_tabs(source, limits) if "\t" in source.text else None
        return retried if retried is not None else _parse_failed(source, str(exc), limits)
    except (ValueError, TypeError, OverflowError, RecursionError) as exc:
        return _parse_failed(source, str(exc) or type(exc).__name__, limits)
    except BaseException as exc:  # a Rust panic surfaces as BaseException
        if isinstance(exc, KeyboardInterrupt | SystemExit):
            raise
        return _parse_failed(source, f"the YAML parser failed ({type(exc).__name__})", limits)


def _without_separation_tabs(source: Source, limits: Any) -> list[Any] | None:
    """The documents, when yaml-rs refused the text only for a tab used as
    separation whitespace (``segment:<TAB>enterprise``, valid YAML 1.2).
    Tabs outside every scalar are whitespace whatever their width, so they
    become spaces; tabs inside a value are kept. None when that is not it."""
    positions = source._positions = index(source.text, spans=True)
    if positions.stopped_at is not None:
        return None
    spans = positions.scalar_spans
    chars = list(source.text)
    starts = [start for start, _ in spans]
    changed = False
    for i, char in enumerate(chars):
        if char == "\t":
            j = bisect.bisect_right(starts, i) - 1
            if j < 0 or i >= spans[j][1]:
                chars[i] = " "
                changed = True
    if not changed:
        return None
    try:
        return _documents("".join(chars), limits)
    except ValueError:
        return None


def _documents(text: str, limits: Any, **options: Any) -> list[Any]:
    """The documents of ``text`` (None for an empty one).

    yaml-rs returns a bare value for one document and a list for several, so
    a file holding one sequence looks like several documents. With a
    document marker in the text, an empty document is appended ("---" at
    the start of a line always starts one) so the result is always the list
    of documents plus that last one, dropped here: one parse, no guessing."""
    import yaml_rs

    if "---" in text and _DOC_MARKER.search(text):
        data = yaml_rs.loads(text + "\n---\n", parse_datetime=False, alias_limits=limits, **options)
        return list(data[:-1]) if isinstance(data, list) else [data]
    return [yaml_rs.loads(text, parse_datetime=False, alias_limits=limits, **options)]


def _parse_failed(source: Source, message: str, limits: Any) -> list[Any]:
    top = SourceRef(source.file, 0)
    if message.startswith("duplicate mapping key"):
        return _duplicates(source, message, limits)
    if "alias" in message and "limit" in message:
        finding = make(
            "CSP005",
            top,
            f"aliases expand too far ({message})",
            "write the values out instead of nesting aliases",
        )
        alias = _ALIAS.search(source.text)
        if alias:
            finding.line, finding.column = _line_col(source.text, alias.start())
        source.findings.append(finding)
        return []
    if "recursion limit" in message or "depth" in message:
        finding = make(
            "CSP005", top, "nesting is too deep", "csplan documents are a few levels deep at most"
        )
    elif message.startswith("Invalid tag"):
        finding = make(
            "CSP004",
            top,
            f"tag not allowed: {message.split(':', 1)[-1].strip()}",
            "remove the tag; csplan reads plain YAML values only",
        )
        tags = source.positions().tags
        if tags:
            finding.line, finding.column = source.positions().line_column(min(tags)[0])
        source.findings.append(finding)
        return []
    else:
        problem = message.strip().splitlines()[-1].strip() if message.strip() else "unreadable YAML"
        finding = make("CSP001", top, f"YAML syntax error: {problem}", _syntax_hint(problem))
    where = _AT_LINE.search(message)
    if where:
        # Clamped: an error at the end of the text may be reported on the
        # document marker _documents appended.
        lines = line_starts(source.text)
        line = min(int(where.group(1)), len(lines))
        finding.line, finding.column = line, int(where.group(2))
        if finding.code == "CSP001":
            end = lines[line] if line < len(lines) else len(source.text)
            text = source.text[lines[line - 1] : end].rstrip("\r\n")
            finding.hint = syntax_hint(problem, text) or finding.hint
    source.findings.append(finding)
    return []


def _syntax_hint(problem: str) -> str | None:
    lowered = problem.lower()
    if "tab" in lowered:
        return "indent with spaces, not tabs"
    if "bracket" in lowered or "flow" in lowered:
        return "check that every [ and { is closed"
    if "quot" in lowered:
        return "check that every quote is closed"
    if "mapping" in lowered or "indent" in lowered or "expected key" in lowered:
        return "check the indentation: keys of one mapping line up"
    return None


def _duplicates(source: Source, message: str, limits: Any) -> list[Any]:
    """Report every duplicate key with its position, then read the file with
    the last value winning so that the rest of the document is still checked."""
    import yaml_rs

    positions = source.positions()
    for offset, key in sorted(positions.duplicate_keys):
        finding = make(
            "CSP002",
            SourceRef(source.file, 0),
            f"duplicate key '{key}'",
            "keep one of the two; YAML keeps only the last",
        )
        finding.line, finding.column = positions.line_column(offset)
        source.findings.append(finding)
    if not source.findings:
        # libyaml read the keys as different (a YAML 1.1 reading); yaml-rs
        # names the key: point at its second occurrence as a key.
        named = re.search(r"'(.*)'", message)
        key = named.group(1) if named else ""
        finding = make("CSP002", SourceRef(source.file, 0), f"duplicate key '{key}'")
        keys = list(re.finditer(rf"^[ \t-]*['\"]?{re.escape(key)}['\"]?[ \t]*:", source.text, re.M))
        if len(keys) > 1:
            finding.line, finding.column = _line_col(source.text, keys[1].end() - 1)
            finding.column -= len(key)
        source.findings.append(finding)
    try:
        return _documents(
            source.text, limits, duplicate_key_policy=yaml_rs.DuplicateKeyPolicy.LastWins
        )
    except ValueError:
        return []


def _check_tags(source: Source) -> None:
    positions = source.positions()
    for offset, tag in sorted(positions.tags):
        shown = tag.replace("tag:yaml.org,2002:", "!!")
        finding = make(
            "CSP004",
            SourceRef(source.file, 0),
            f"tag not allowed: {shown}",
            "remove the tag; csplan reads plain YAML values only",
        )
        finding.line, finding.column = positions.line_column(offset)
        source.findings.append(finding)
    if source.findings:
        source.documents = []
