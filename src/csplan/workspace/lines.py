"""Line numbers of evidence, fast enough for 10,000 accounts.

JSON output names the file and line of every measure's evidence. Finding a
line through :meth:`Workspace.locate` composes the whole file with libyaml,
which for a portfolio costs about as much as loading it with PyYAML. Most
files are plain block YAML, so this module finds a node's line from the text:
in block YAML the keys of a mapping indented by c spaces are exactly the
lines that start with c spaces and a key, and the items of a sequence the
lines that start with c spaces and "- "; anything nested is indented deeper.
Only the containers on the way to the node asked about are searched, with
regular expressions, and remembered for the next question about the file.
:meth:`csplan.workspace.source.Source.line` keeps one reader per file.

A file using YAML this does not model (tabs in indentation, anchors,
aliases, tags, quoted or complex keys, flow collections or quoted strings
spread over several lines, "..." document ends) is answered by
libyaml (``Source.locate``), as is any node it cannot place. Tests compare both on every
node of the example workspaces.
"""

from __future__ import annotations

import re
from functools import lru_cache

from csplan.findings import PathPart, SourceRef

# The text is searched with a newline put in front, so that every line start
# follows a "\n": patterns that begin with a literal newline are far faster
# in Python's re than ones anchored with ^ and MULTILINE.
_TAB_INDENT = re.compile(r"\n *\t")
_COMPLEX_KEY = re.compile(r"\n *\?(?:[ \t]|\n)")
_DOC_MARKER = re.compile(r"\n---(?=[ \t\n]|\Z)")
_CONTENT = re.compile(r"\n( *)([^ \n#])")


def _unsupported(text: str) -> bool:
    # Cheap membership tests first: most files hold none of these characters.
    return (
        "\r" in text
        or "\n..." in text
        or ("\t" in text and _TAB_INDENT.search(text) is not None)
        or ("?" in text and _COMPLEX_KEY.search(text) is not None)
        or any(_node_starts_with(text, ch) for ch in "&*!\"'" if ch in text)
    )


def _node_starts_with(text: str, ch: str) -> bool:
    """Whether ``ch`` opens a node somewhere: an anchor, alias or tag, or a
    quoted key or item. Mid-sentence ("Organisers' Circle", "Great job!") it
    does not. Written as a loop: a regex starting with a character class
    would try every position of the text."""
    quote = ch in "\"'"
    i = text.find(ch)
    while i >= 0:
        if quote:
            # first on its line, or right after an item's dash: a quoted key or item
            head = text[text.rfind("\n", 0, i) + 1 : i].strip(" \t")
            if head == "" or (head == "-" and text[i - 1] in " \t"):
                return True
        else:
            j = i - 1
            while j >= 0 and text[j] in " \t":
                j -= 1
            before = text[j] if j >= 0 else "\n"
            if before in ":-,[{\n" and text[i + 1 : i + 2] not in ("", " ", "\t", "\n"):
                return True
        i = text.find(ch, i + 1)
    return False


_KEY = r"([A-Za-z0-9_][A-Za-z0-9_.\-]*)[ \t]*:(?:[ \t]+|(?=\n)|\Z)"
_KEY_TEXT = re.compile(_KEY)


class _Patterns:
    """The searches for one indentation: each begins with a newline and that
    many spaces, so Python's re skips straight to candidate lines."""

    def __init__(self, indent: int) -> None:
        lead = "\n" + " " * indent
        self.keys = re.compile(lead + _KEY + r"([^\n]*)")
        self.items = re.compile(lead + r"-(?:[ \t]+|(?=\n)|\Z)([^\n]*)")
        # a line here that is neither a key, an item nor a comment
        self.map_strangers = re.compile(lead + r"(?![A-Za-z0-9_]|-[ \t]|-\n|-\Z|#)[^ \n]")
        # a line here that is not an item or a comment, or an item holding a sequence
        self.seq_strangers = re.compile(lead + r"(?:[^ \n#-]|-[^ \t\n]|-[ \t]+-(?:[ \t]|\n|\Z))")
        # values that open a flow collection or a quoted string on the line ...
        key = r"[A-Za-z0-9_][A-Za-z0-9_.\-]*[ \t]*:[ \t]+"
        self.key_openers = re.compile(lead + key + r"([\[{\"'][^\n]*)")
        self.item_openers = re.compile(lead + r"-[ \t]+([\[{\"'][^\n]*)")
        # ... and those that plainly close on it: one level, no quotes, no comment
        simple = r"(?:\{[^\[\]{}\n\"'#]*\}|\[[^\[\]{}\n\"'#]*\])[ \t]*(?=\n|\Z)"
        self.key_simple = re.compile(lead + key + simple)
        self.item_simple = re.compile(lead + r"-[ \t]+" + simple)


@lru_cache(maxsize=64)
def _at(indent: int) -> _Patterns:
    return _Patterns(indent)


class _Unsupported(Exception):
    """The text uses YAML this reader does not model."""


class _Node:
    """A node found in the text: its key and value lines, and either the
    span of text holding its block children or the inline value."""

    __slots__ = ("body", "children", "inline", "key_line", "value_line")

    def __init__(self, key_line: int, value_line: int) -> None:
        self.key_line = key_line
        self.value_line = value_line
        self.body: tuple[int, int, int] | None = None  # start, end, column of an inline first key
        self.inline = False
        self.children: _Children | None = None


class _Children:
    """The keys or items of a block node: where each starts, made into
    nodes only when asked for."""

    __slots__ = ("end", "index", "matches", "nodes")

    def __init__(self, matches: list[re.Match[str]], index: dict[PathPart, int], end: int) -> None:
        self.matches = matches
        self.index = index  # key or item number -> position in matches
        self.end = end
        self.nodes: dict[PathPart, _Node] = {}  # made so far


_EMPTY = _Children([], {}, 0)


class LineIndex:
    """Node lines of one file, found on demand."""

    def __init__(self, text: str) -> None:
        self.text = text = "\n" + text  # see _TAB_INDENT
        self.docs: list[_Node | None] = []
        if not _unsupported(text):
            self._split()

    def line(self, ref: SourceRef) -> int | None:
        if not self.docs or ref.doc >= len(self.docs):
            return None
        node = self.docs[ref.doc]
        if node is None:
            return None
        try:
            for part in ref.path:
                if node.inline:
                    # Inside a one-line value: libyaml answers with this line too.
                    return node.value_line
                child = self._child(node, part)
                if child is None:
                    return node.value_line  # absent: the deepest ancestor, as libyaml
                node = child
        except _Unsupported:
            self.docs = []
            return None
        if ref.key and ref.path and isinstance(ref.path[-1], str):
            return node.key_line
        return node.value_line

    def _line_of(self, pos: int) -> int:
        return self.text.count("\n", 0, pos)  # the extra newline in front makes it 1-based

    def _split(self) -> None:
        # Spans run from the newline before a document's first line to the
        # newline before the next marker, so every line in them follows a "\n".
        text = self.text
        markers = list(_DOC_MARKER.finditer(text)) if "\n---" in text else []
        bounds = []
        first_end = markers[0].start() if markers else len(text)
        if not markers or _CONTENT.search(text, 0, first_end):
            bounds.append((0, first_end))
        for i, m in enumerate(markers):
            newline = text.find("\n", m.start() + 1)
            start = len(text) if newline < 0 else newline
            bounds.append((start, markers[i + 1].start() if i + 1 < len(markers) else len(text)))
        docs: list[_Node | None] = []
        for start, end in bounds:
            first = _CONTENT.search(text, start, end)
            if first is None:
                docs.append(None)  # an empty document: nothing to point at
                continue
            line = self._line_of(first.start(2))
            node = _Node(line, line)
            node.body = (start, end, -1)
            docs.append(node)
        self.docs = docs

    def _child(self, node: _Node, part: PathPart) -> _Node | None:
        children = node.children
        if children is None:
            children = node.children = self._read_block(node)
        found = children.nodes.get(part)
        if found is not None:
            return found
        i = children.index.get(part)
        if i is None:
            return None
        found = children.nodes[part] = self._make(children, i)
        return found

    def _read_block(self, node: _Node) -> _Children:
        assert node.body is not None
        start, end, first_col = node.body
        text = self.text
        if first_col >= 0:  # a mapping whose first key sits on an item's line
            return self._item_mapping(start, end, first_col, node.value_line)
        first = _CONTENT.search(text, start, end)
        if first is None:
            return _EMPTY
        col = len(first.group(1))
        at = first.start(2)
        if text[at] == "-" and text[at + 1 : at + 2] in (" ", "\t", "\n", ""):
            return self._sequence(first.start(), end, col)
        return self._mapping(first.start(), end, col)

    def _mapping(self, start: int, end: int, col: int) -> _Children:
        text = self.text
        at = _at(col)
        if at.map_strangers.search(text, start, end):
            raise _Unsupported
        _check_flows(text, start, end, at.key_openers, at.key_simple)
        matches = list(at.keys.finditer(text, start, end))
        index: dict[PathPart, int] = {}
        for i, m in enumerate(matches):
            index.setdefault(m.group(1), i)  # libyaml's locate finds the first
        return _Children(matches, index, end)

    def _item_mapping(self, start: int, end: int, col: int, line: int) -> _Children:
        """The mapping of a "- key: value" item: its first key is on the item's line."""
        text = self.text
        line_end = text.find("\n", start, end)
        line_end = end if line_end < 0 else line_end
        first = _KEY_TEXT.match(text, start, line_end)
        if first is None:
            raise _Unsupported
        rest = text[first.end() : line_end]
        _check_closed(rest)
        children = self._mapping(line_end, end, col) if line_end < end else _Children([], {}, end)
        key = first.group(1)
        stop = children.matches[0].start() if children.matches else end
        # Made now, and found first: a key repeated below does not replace it.
        children.nodes[key] = self._value(line, line_end, stop, rest)
        return children

    def _sequence(self, start: int, end: int, col: int) -> _Children:
        text = self.text
        at = _at(col)
        if at.seq_strangers.search(text, start, end):
            raise _Unsupported
        _check_flows(text, start, end, at.item_openers, at.item_simple)
        matches = list(at.items.finditer(text, start, end))
        return _Children(matches, {i: i for i in range(len(matches))}, end)

    def _make(self, children: _Children, i: int) -> _Node:
        """The node of key or item ``i`` of ``children``."""
        matches = children.matches
        m = matches[i]
        stop = matches[i + 1].start() if i + 1 < len(matches) else children.end
        line = self._line_of(m.start() + 1)
        if m.re.groups == 2:  # a key
            return self._value(line, m.end(), stop, m.group(2))
        rest = m.group(1)
        if rest and rest[0] not in "#[{" and _KEY_TEXT.match(rest):
            node = _Node(line, line)
            content = m.end() - len(rest)
            node.body = (content, stop, content - (m.start() + 1))
            return node
        return self._value(line, m.end(), stop, rest)

    def _value(self, line: int, line_end: int, stop: int, rest: str) -> _Node:
        """The node whose key or dash is on ``line``; ``rest`` is what follows
        on that line, which ends at ``line_end``; its extent ends at ``stop``."""
        node = _Node(line, line)
        value = rest.lstrip()
        if value and value[0] != "#":
            # Its container has checked that a flow collection or quoted
            # string opened here also ends on this line.
            node.inline = True
            return node
        first = _CONTENT.search(self.text, line_end, stop) if line_end < stop else None
        if first is not None:
            node.value_line = line + self.text.count("\n", line_end, first.start(2))
            node.body = (line_end, stop, -1)
        else:
            node.inline = True  # a null value
        return node


def _check_flows(
    text: str, start: int, end: int, openers: re.Pattern[str], simple: re.Pattern[str]
) -> None:
    """Refuse a container where a value opened on a line goes on past it.
    Counting first: when every opener is a plain one-line flow, nothing is
    left to check one by one."""
    found = openers.findall(text, start, end)
    if found and len(found) != len(simple.findall(text, start, end)):
        for rest in found:
            _check_closed(rest)


def _check_closed(rest: str) -> None:
    """Refuse a flow collection or quoted string that goes on past its line:
    libyaml accepts its next lines at the same indentation as the key, where
    they would pass for keys or items."""
    if rest and rest[0] in "[{\"'" and not _closed(rest.strip()):
        raise _Unsupported


def _closed(value: str) -> bool:
    """Whether a flow collection or quoted string opening ``value`` ends on its line."""
    if value[0] in "\"'":
        return _quote_end(value, 0) > 0
    if "'" not in value and '"' not in value and "#" not in value:
        # Plain scalars in a flow collection cannot hold brackets: count them.
        return value.count("[") + value.count("{") == value.count("]") + value.count("}")
    depth = 0
    i = 0
    n = len(value)
    token_start = True  # a quote here opens a quoted scalar; elsewhere it is text
    while i < n:
        ch = value[i]
        if ch in "\"'" and token_start:
            i = _quote_end(value, i)
            if i < 0:
                return False
            token_start = False
            continue
        if ch in "[{":
            depth += 1
            token_start = True
        elif ch in "]}":
            depth -= 1
            if depth == 0:
                return True
            token_start = False
        elif ch == "," or (ch == ":" and i + 1 < n and value[i + 1] in " \t"):
            token_start = True
        elif ch == "#" and i and value[i - 1] in " \t":
            return False  # the rest of the line is a comment
        elif ch not in " \t":
            token_start = False
        i += 1
    return False


def _quote_end(value: str, i: int) -> int:
    """Index just past the quoted string starting at ``i``, or -1 if it does
    not end on this line."""
    quote = value[i]
    i += 1
    n = len(value)
    while i < n:
        ch = value[i]
        if quote == '"' and ch == "\\":
            i += 2
            continue
        if ch == quote:
            if quote == "'" and i + 1 < n and value[i + 1] == "'":
                i += 2
                continue
            return i + 1
        i += 1
    return -1
