"""Where every node of a YAML file starts: the one source of positions.

Findings, ``--explain`` and the evidence lines of score JSON all ask this
module, so a value is reported at one place whoever asks. It reads the file
once with libyaml's event parser (PyYAML's C extension): events carry the
character offset where each node starts, and the index below keeps, for every
mapping key and sequence item, the offsets of the key and of the value. It
never constructs a value, so tags are never executed.

Lines and columns are computed here from those offsets, with SPEC section 3's
definition of a line (LF, CR or CRLF end one; U+2028, U+2029 and U+0085 inside
a string do not), so they do not depend on what libyaml (a YAML 1.1 parser)
counts as a line break. Two differences between YAML 1.1 and 1.2 would stop
libyaml on files that are valid YAML 1.2: a tab as separation whitespace
(``key:<TAB>value``, ``-<TAB>{...}``) and those three characters as line
breaks. The text given to libyaml has them replaced by one character each
(a space; an ``x``), which keeps every offset and every node where it was.

The data itself comes from yaml-rs (:mod:`csplan.workspace.source`); both
parsers read the same text, and this index is only asked about paths that
exist in that data.
"""

from __future__ import annotations

import bisect
import itertools
import re
from dataclasses import dataclass, field
from typing import Any, TypeAlias

from csplan.findings import PathPart

# One entry per mapping key or sequence item: (key offset, value offset,
# children). Sequence items have no key: both offsets are the item's.
# Children: a dict of key text -> entry for a mapping, a list of entries for
# a sequence, None for a scalar or an alias to a scalar.
Entry: TypeAlias = tuple[int, int, "dict[str, Entry] | list[Entry] | None"]

_LINE_END = re.compile(r"\r\n|\r|\n")
# Tabs that follow something other than indentation on their line: separation
# whitespace, or content inside a scalar (where a space keeps the offsets and
# the structure, which is all this index is about).
_INNER_TAB = re.compile(r"(?<=[^\s])([ ]*)\t")
_YAML11_BREAKS = str.maketrans({"\x85": "x", "\u2028": "x", "\u2029": "x"})

# Explicit tags that only restate a core-schema type; any other is refused.
CORE_TAGS = frozenset(
    {
        "tag:yaml.org,2002:str",
        "tag:yaml.org,2002:int",
        "tag:yaml.org,2002:float",
        "tag:yaml.org,2002:bool",
        "tag:yaml.org,2002:null",
        "tag:yaml.org,2002:map",
        "tag:yaml.org,2002:seq",
    }
)


@dataclass
class Positions:
    """The node offsets of one file's documents, and what the pass noticed on
    the way: duplicate keys and explicit tags, each at its offset."""

    text: str
    documents: list[Entry] = field(default_factory=list)
    document_starts: list[int] = field(default_factory=list)
    duplicate_keys: list[tuple[int, str]] = field(default_factory=list)
    tags: list[tuple[int, str]] = field(default_factory=list)
    # (start, end) of every scalar, in text order, when asked for.
    scalar_spans: list[tuple[int, int]] = field(default_factory=list)
    # Offset where libyaml stopped, when it could not read the whole text:
    # nodes before it are still located, nodes after it at their ancestor.
    stopped_at: int | None = None
    _line_starts: list[int] | None = field(default=None, repr=False)

    def offset(self, doc: int, path: tuple[PathPart, ...], key: bool = False) -> int:
        """Offset of the node at ``path`` in document ``doc`` (of its key
        when ``key``). A path that goes further than the index knows stops at
        the deepest node that exists, so there is always an answer."""
        if not self.documents:
            return self.document_starts[doc] if doc < len(self.document_starts) else 0
        entry = self.documents[min(doc, len(self.documents) - 1)]
        offset = entry[1]
        last = len(path) - 1
        for i, part in enumerate(path):
            child = _child(entry[2], part)
            if child is None:
                if self.stopped_at is not None:
                    # The node may lie past where libyaml stopped: that
                    # point is nearer to it than the ancestor.
                    return max(offset, self.stopped_at)
                break
            entry = child
            offset = child[0] if (key and i == last) else child[1]
        return offset

    def line_column(self, offset: int) -> tuple[int, int]:
        """1-based line and column (in characters) of a character offset."""
        starts = self._line_starts
        if starts is None:
            starts = self._line_starts = line_starts(self.text)
        line = bisect.bisect_right(starts, offset)
        return line, offset - starts[line - 1] + 1

    def locate(self, doc: int, path: tuple[PathPart, ...], key: bool = False) -> tuple[int, int]:
        return self.line_column(self.offset(doc, path, key))


def line_starts(text: str) -> list[int]:
    """Offsets where the lines of ``text`` start (SPEC section 3: LF, CR and
    CRLF end a line; nothing else does)."""
    if "\r" in text:
        return [0, *(m.end() for m in _LINE_END.finditer(text))]
    # LF only (the common case): line lengths summed in C, no Python loop.
    lengths = map((1).__add__, map(len, text.split("\n")[:-1]))
    return list(itertools.accumulate(lengths, initial=0))


def line_column(text: str, offset: int) -> tuple[int, int]:
    """1-based line and column (in characters) of ``offset`` in ``text``."""
    starts = line_starts(text[:offset])
    return len(starts), offset - starts[-1] + 1


def _child(children: dict[str, Entry] | list[Entry] | None, part: PathPart) -> Entry | None:
    if isinstance(children, dict):
        found: Entry | None = children.get(_key_text(part))
        return found
    if isinstance(children, list) and isinstance(part, int) and 0 <= part < len(children):
        item: Entry = children[part]
        return item
    return None


def _key_text(part: PathPart | bool | None) -> str:
    # yaml-rs gives non-text keys as Python values; libyaml gives their text.
    if isinstance(part, bool):
        return "true" if part else "false"
    if part is None:
        return "null"
    return str(part)


def libyaml_text(text: str) -> str:
    """``text`` as libyaml can read it, every offset unchanged (see the
    module docstring)."""
    if "\t" in text:
        text = _INNER_TAB.sub(lambda m: m.group(1) + " ", text)
    if "\x85" in text or "\u2028" in text or "\u2029" in text:
        text = text.translate(_YAML11_BREAKS)
    return text


# Event kinds, as the light events below carry them.
_SCALAR, _ALIAS, _MAP, _SEQ, _END, _DOC, _OTHER, _STREAM_END = range(8)

_END_EVENT = (_END, 0, None, None, None, 0)
_OTHER_EVENT = (_OTHER, 0, None, None, None, 0)
_STREAM_END_EVENT = (_STREAM_END, 0, None, None, None, 0)

# libyaml's events reach Python as instances of PyYAML's event classes, each
# built by a Python __init__ that sets seven attributes: for a portfolio that
# is most of the cost of this index. While :func:`index` runs, the C parser is
# given these constructors instead, which keep only what the index reads, in
# a tuple. PyYAML's classes are put back before index() returns, whatever
# happens; csplan reads YAML on one thread.
_LIGHT_EVENTS: dict[str, Any] = {
    "ScalarEvent": lambda anchor, tag, implicit, value, start, end, style=None: (
        _SCALAR,
        start.index,
        anchor,
        tag,
        value,
        end.index,
    ),
    "AliasEvent": lambda anchor, start, end: (_ALIAS, start.index, anchor, None, None, 0),
    "MappingStartEvent": lambda anchor, tag, implicit, start, end, flow=None: (
        _MAP,
        start.index,
        anchor,
        tag,
        None,
        0,
    ),
    "SequenceStartEvent": lambda anchor, tag, implicit, start, end, flow=None: (
        _SEQ,
        start.index,
        anchor,
        tag,
        None,
        0,
    ),
    "MappingEndEvent": lambda start, end: _END_EVENT,
    "SequenceEndEvent": lambda start, end: _END_EVENT,
    "DocumentStartEvent": lambda start, end, *rest: (_DOC, start.index, None, None, None, 0),
    "DocumentEndEvent": lambda *args: _OTHER_EVENT,
    "StreamStartEvent": lambda *args: _OTHER_EVENT,
    "StreamEndEvent": lambda *args: _STREAM_END_EVENT,
}


def index(text: str, *, spans: bool = False, max_depth: int = 10_000) -> Positions:
    """Index every node of ``text`` (and keep every scalar's span when
    ``spans``). Never raises on bad YAML: see :attr:`Positions.stopped_at`."""
    import yaml
    from yaml import _yaml

    result = Positions(text)
    saved = {name: getattr(_yaml, name) for name in _LIGHT_EVENTS}
    parser = _yaml.CParser(libyaml_text(text))
    try:
        for name, make in _LIGHT_EVENTS.items():
            setattr(_yaml, name, make)
        _walk(parser.get_event, result, spans, max_depth)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        result.stopped_at = mark.index if mark is not None else 0
    except yaml.YAMLError:
        result.stopped_at = 0
    finally:
        for name, cls in saved.items():
            setattr(_yaml, name, cls)
        parser.dispose()
    return result


def _walk(next_event: Any, result: Positions, spans: bool, max_depth: int) -> None:
    anchors: dict[str, Entry] = {}
    # One frame per open collection: [children, pending key text, key offset].
    stack: list[list[Any]] = []
    documents = result.documents
    while True:
        kind, start, anchor, tag, value, end = next_event()
        if kind <= _SEQ:
            children: Any = None
            if kind == _MAP:
                children = {}
            elif kind == _SEQ:
                children = []
            elif kind == _ALIAS:
                target = anchors.get(anchor)
                children = target[2] if target is not None else None
                anchor = None
            if tag is not None and tag != "!" and tag not in CORE_TAGS:
                result.tags.append((start, tag))
            if spans and kind == _SCALAR:
                result.scalar_spans.append((start, end))
            if not stack:
                entry: Entry = (start, start, children)
                documents.append(entry)
            else:
                frame = stack[-1]
                held = frame[0]
                if held.__class__ is list:
                    entry = (start, start, children)
                    held.append(entry)
                elif frame[1] is None:
                    # A key. Complex keys (mappings, sequences) have no text
                    # a path could name; they are kept apart.
                    frame[1] = value if kind == _SCALAR else "\0complex"
                    frame[2] = start
                    entry = (start, start, children)
                else:
                    entry = (frame[2], start, children)
                    if frame[1] in held:
                        result.duplicate_keys.append((frame[2], frame[1]))
                    held[frame[1]] = entry
                    frame[1] = None
            if anchor is not None:
                anchors[anchor] = entry
            if kind >= _MAP:
                if len(stack) >= max_depth:
                    result.stopped_at = start
                    return
                stack.append([children, None, 0])
        elif kind == _END:
            stack.pop()
        elif kind == _DOC:
            result.document_starts.append(start)
            anchors.clear()
        elif kind == _STREAM_END:
            return
