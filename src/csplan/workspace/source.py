"""Reading one YAML file: bytes -> documents, or findings.

Why two parsers. ``csplan validate`` runs on every commit and must be much
faster than PyYAML, so documents are parsed with yaml-rs (Rust, YAML 1.2 core
schema, duplicate keys and alias expansion limits enforced by the parser). It
does not report where nodes are, so positions come from a second parse with
libyaml (PyYAML's C composer), done lazily, once per file, and only for files
that have a finding or evidence to point at: a clean workspace never pays
for it. Composing never constructs objects, so tags are never executed.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from csplan.findings import Finding, SourceRef, make

MAX_FILE_BYTES = 8 * 1024 * 1024
MAX_REPLAYED_EVENTS = 100_000
MAX_ALIAS_DEPTH = 16

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
# Deleting the control bytes and comparing lengths is five times faster than a
# regex search, and a clean file is the common case.
_CONTROL_BYTES = bytes(c for c in range(32) if c not in (9, 10, 13)) + b"\x7f"
_DOC_MARKER = re.compile(r"^---(?:[ \t]|$)", re.MULTILINE)
_AT_LINE = re.compile(r"at line (\d+), column (\d+)")
_ALIAS = re.compile(r"(?<![\w*])\*[^\s,\[\]{}]+")
# Tags that only restate a core-schema type; anything else (python/..., custom
# tags, !!binary, !!set) is refused.
_CORE_TAGS = {
    "tag:yaml.org,2002:str",
    "tag:yaml.org,2002:int",
    "tag:yaml.org,2002:float",
    "tag:yaml.org,2002:bool",
    "tag:yaml.org,2002:null",
    "tag:yaml.org,2002:map",
    "tag:yaml.org,2002:seq",
    # libyaml resolves these implicitly (YAML 1.1) on plain scalars and keys;
    # written explicitly, yaml-rs has already refused them.
    "tag:yaml.org,2002:timestamp",
    "tag:yaml.org,2002:merge",
    "tag:yaml.org,2002:value",
}


@dataclass
class Source:
    """One file's text and its documents (None where a document was empty)."""

    file: str
    text: str = ""
    documents: list[Any] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    _nodes: list[Any] | None = field(default=None, repr=False)
    _lines: Any = field(default=None, repr=False)

    def nodes(self) -> list[Any]:
        """libyaml node trees of the documents, composed on first use."""
        if self._nodes is None:
            self._nodes = _compose(self.text)
        return self._nodes

    def line(self, ref: SourceRef) -> int:
        """1-based line of the node ``ref`` points at, as :meth:`locate`
        says, found from the text where it can: a portfolio's JSON names
        the line of every piece of evidence, and composing every file with
        libyaml would cost as much as loading the workspace again."""
        if self._lines is None:
            from csplan.workspace.lines import LineIndex

            self._lines = LineIndex(self.text)
        found = self._lines.line(ref)
        return found if found is not None else self.locate(ref)[0]

    def locate(self, ref: SourceRef) -> tuple[int, int]:
        """1-based line and column of the node ``ref`` points at.

        Falls back to the deepest ancestor that exists, so a finding always
        has a position even when the path names something absent."""
        nodes = self.nodes()
        if not nodes:
            return (1, 1)
        node = nodes[ref.doc] if ref.doc < len(nodes) else nodes[-1]
        if node is None:
            return (1, 1)
        if not ref.path and getattr(node, "value", None) == "":
            # An empty document's null node sits after its '---' line.
            return (self._document_line(ref.doc), 1)
        mark = node.start_mark
        for i, part in enumerate(ref.path):
            last = i == len(ref.path) - 1
            child_key, child = _child(node, part)
            if child is None:
                break
            mark = (child_key if (last and ref.key and child_key is not None) else child).start_mark
            node = child
        return (mark.line + 1, mark.column + 1)

    def _document_line(self, index: int) -> int:
        """1-based line where document ``index`` starts (its '---', if any)."""
        import yaml

        starts = []
        try:
            for event in yaml.parse(self.text, Loader=yaml.CSafeLoader):
                if isinstance(event, yaml.DocumentStartEvent):
                    starts.append(event.start_mark.line + 1)
        except yaml.YAMLError:
            return 1
        return starts[index] if index < len(starts) else 1


def _child(node: Any, part: Any) -> tuple[Any, Any]:
    import yaml

    if isinstance(node, yaml.MappingNode):
        wanted = _scalar_text(part)
        for key_node, value_node in node.value:
            if isinstance(key_node, yaml.ScalarNode) and key_node.value == wanted:
                return key_node, value_node
        return None, None
    if (
        isinstance(node, yaml.SequenceNode)
        and isinstance(part, int)
        and 0 <= part < len(node.value)
    ):
        return None, node.value[part]
    return None, None


def _scalar_text(part: Any) -> str:
    if isinstance(part, bool):
        return "true" if part else "false"
    if part is None:
        return "null"
    return str(part)


def _compose(text: str) -> list[Any]:
    import yaml

    try:
        return list(yaml.compose_all(text, Loader=yaml.CSafeLoader))
    except yaml.YAMLError:
        return []
    except RecursionError:
        return []


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
    line = text.count("\n", 0, offset) + 1
    return line, offset - (text.rfind("\n", 0, offset) + 1) + 1


def _parse(source: Source) -> list[Any]:
    import yaml_rs

    limits = yaml_rs.AliasLimits(
        max_total_replayed_events=MAX_REPLAYED_EVENTS, max_replay_stack_depth=MAX_ALIAS_DEPTH
    )
    try:
        return _documents(source.text, limits)
    except yaml_rs.YAMLDecodeError as exc:
        return _parse_failed(source, str(exc), limits)
    except (ValueError, TypeError, OverflowError, RecursionError) as exc:
        return _parse_failed(source, str(exc) or type(exc).__name__, limits)
    except BaseException as exc:  # a Rust panic surfaces as BaseException
        if isinstance(exc, KeyboardInterrupt | SystemExit):
            raise
        return _parse_failed(source, f"the YAML parser failed ({type(exc).__name__})", limits)


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
        return _duplicates(source, limits)
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
        tag = source.text.find("!")
        if tag >= 0:
            finding.line, finding.column = _line_col(source.text, tag)
        source.findings.append(finding)
        return []
    else:
        problem = message.strip().splitlines()[-1].strip() if message.strip() else "unreadable YAML"
        finding = make("CSP001", top, f"YAML syntax error: {problem}", _syntax_hint(problem))
    where = _AT_LINE.search(message)
    if where:
        # Clamped: an error at the end of the text may be reported on the
        # document marker _documents appended.
        last_line = source.text.count("\n") + 1
        finding.line, finding.column = min(int(where.group(1)), last_line), int(where.group(2))
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


def _duplicates(source: Source, limits: Any) -> list[Any]:
    """Report every duplicate key with its position, then read the file with
    the last value winning so that the rest of the document is still checked."""
    import yaml
    import yaml_rs

    for doc_node in source.nodes():
        for key_node in _duplicate_keys(doc_node):
            finding = make(
                "CSP002",
                SourceRef(source.file, 0),
                f"duplicate key '{key_node.value}'",
                "keep one of the two; YAML keeps only the last",
            )
            finding.line, finding.column = (
                key_node.start_mark.line + 1,
                key_node.start_mark.column + 1,
            )
            source.findings.append(finding)
    if not source.findings:  # libyaml disagreed; still say what yaml-rs saw
        source.findings.append(
            make("CSP002", SourceRef(source.file, 0), "duplicate key in a mapping")
        )
    try:
        return _documents(
            source.text, limits, duplicate_key_policy=yaml_rs.DuplicateKeyPolicy.LastWins
        )
    except (ValueError, yaml.YAMLError):
        return []


def _nodes(roots: list[Any]) -> Iterator[Any]:
    """Every node below ``roots`` once (aliases share nodes), keys included."""
    import yaml

    stack = list(roots)
    seen: set[int] = set()
    while stack:
        node = stack.pop()
        if node is None or id(node) in seen:
            continue
        seen.add(id(node))
        yield node
        if isinstance(node, yaml.MappingNode):
            for key_node, value_node in node.value:
                stack.extend((key_node, value_node))
        elif isinstance(node, yaml.SequenceNode):
            stack.extend(node.value)


def _duplicate_keys(root: Any) -> list[Any]:
    import yaml

    found: list[Any] = []
    for node in _nodes([root]):
        if isinstance(node, yaml.MappingNode):
            keys: set[str] = set()
            for key_node, _ in node.value:
                if isinstance(key_node, yaml.ScalarNode):
                    if key_node.value in keys:
                        found.append(key_node)
                    keys.add(key_node.value)
    found.sort(key=lambda n: (n.start_mark.line, n.start_mark.column))
    return found


def _check_tags(source: Source) -> None:
    for node in _nodes(source.nodes()):
        tag = node.tag or ""
        explicit = tag.startswith("!") or (tag.startswith("tag:") and tag not in _CORE_TAGS)
        if explicit:
            shown = tag.replace("tag:yaml.org,2002:", "!!")
            finding = make(
                "CSP004",
                SourceRef(source.file, 0),
                f"tag not allowed: {shown}",
                "remove the tag; csplan reads plain YAML values only",
            )
            finding.line, finding.column = node.start_mark.line + 1, node.start_mark.column + 1
            source.findings.append(finding)
    if source.findings:
        source.findings.sort(key=lambda f: (f.line, f.column))
        source.documents = []
