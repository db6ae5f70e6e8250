"""Every position csplan reports comes from one reader
(:mod:`csplan.workspace.positions`), and it is where the value really is.

The property test writes YAML itself, in many layouts, and records the
offset of every key and value as it writes them; the reader must then put
each node at exactly that line and column, counted as SPEC section 3 says.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from csplan.api import load_workspace
from csplan.findings import SourceRef
from csplan.workspace.source import read

# --- an emitter that knows where it put everything ---------------------------


@dataclass
class Emitted:
    text: str = ""
    # (doc, path, key?) -> offset
    where: dict[tuple[int, tuple[Any, ...], bool], int] = field(default_factory=dict)


def _expected(text: str, offset: int) -> tuple[int, int]:
    """Line and column of ``offset``, counted independently of csplan: only
    LF, CR and CRLF end a line."""
    before = text[:offset]
    line = len(re.findall(r"\r\n|\r|\n", before)) + 1
    last = max(before.rfind("\n"), before.rfind("\r"))
    return line, offset - last


class _Writer:
    def __init__(self, nl: str, doc: int, out: Emitted) -> None:
        self.nl, self.doc, self.out = nl, doc, out
        self.literal_ended = False
        self.content_indent = 2

    def mark(self, path: tuple[Any, ...], key: bool = False) -> None:
        self.out.where[(self.doc, path, key)] = len(self.out.text)

    def put(self, s: str) -> None:
        self.out.text += s

    def scalar(self, value: Any, path: tuple[Any, ...], style: str) -> None:
        self.mark(path)
        if isinstance(value, bool):
            self.put("true" if value else "false")
        elif isinstance(value, int):
            self.put(str(value))
        elif style == "double":
            body = value.replace("\\", "\\\\").replace('"', '\\"')
            if " " in body and "  " not in body and not body.endswith(" "):
                # Over two lines: YAML folds the line break back into the space.
                head, tail = body.split(" ", 1)
                body = head + self.nl + " " * self.content_indent + tail
            self.put(f'"{body}"')
        elif style == "literal":
            # A block scalar: the node starts at its indicator.
            self.put("|-" + self.nl + " " * self.content_indent + value + self.nl)
            self.literal_ended = True
        elif style == "single":
            self.put("'" + value.replace("'", "''") + "'")
        else:
            self.put(value)

    def flow(self, value: Any, path: tuple[Any, ...], style: str) -> None:
        if isinstance(value, dict):
            self.mark(path)
            self.put("{")
            for i, (k, v) in enumerate(value.items()):
                if i:
                    self.put(", ")
                self.mark((*path, k), key=True)
                self.put(k)
                self.put(": ")
                self.flow(v, (*path, k), style)
            self.put("}")
        elif isinstance(value, list):
            self.mark(path)
            self.put("[")
            for i, v in enumerate(value):
                if i:
                    self.put(", ")
                self.flow(v, (*path, i), style)
            self.put("]")
        else:
            self.scalar(value, path, "double" if style == "plain" else style)

    def block(self, value: Any, path: tuple[Any, ...], indent: int, style: str, comment: bool):
        """A block collection starting at the beginning of a line."""
        pad = " " * indent
        if isinstance(value, dict):
            for i, (k, v) in enumerate(value.items()):
                self.put(pad)
                if i == 0:
                    self.mark(path)
                self.mark((*path, k), key=True)
                self.put(k + ":")
                self.value(v, (*path, k), indent, style, comment)
        else:
            for i, v in enumerate(value):
                self.put(pad)
                if i == 0:
                    self.mark(path)
                self.put("-")
                self.value(v, (*path, i), indent, style, comment)

    def value(self, v: Any, path: tuple[Any, ...], indent: int, style: str, comment: bool):
        if isinstance(v, dict | list) and v and style != "flow":
            self.put(self.nl)
            self.block(v, path, indent + 2, style, comment)
        else:
            self.put(" ")
            self.content_indent = indent + 4
            if isinstance(v, dict | list):
                self.flow(v, path, "double")
            else:
                self.scalar(v, path, style if isinstance(v, str) else "plain")
            if self.literal_ended:  # a block scalar ends its own line
                self.literal_ended = False
                return
            if comment:
                self.put("  # note: ok")
            self.put(self.nl)


# Keys: snake_case, non-ASCII letters, spaces, slashes — all valid plain keys.
KEYS = st.sampled_from(
    ["name", "région", "annual revenue", "a/b", "owner", "straße", "x1", "deep key", "ñ"]
)
# Text with the characters that used to move lines: U+2028, U+0085, U+2029.
TEXT = st.text(
    alphabet=st.sampled_from([*"abc xyzé", "\u2028", "\u0085", "\u2029"]),
    min_size=1,
    max_size=12,
).map(lambda s: "t" + s.strip() + "t")
PLAIN = st.sampled_from(["plain", "words here", "élan", "v2"])
SCALARS = st.one_of(st.integers(-5, 10_000), st.booleans(), TEXT, PLAIN)


def _values(depth: int) -> st.SearchStrategy[Any]:
    if depth == 0:
        return SCALARS
    inner = _values(depth - 1)
    return st.one_of(
        SCALARS,
        st.dictionaries(KEYS, inner, min_size=1, max_size=3),
        st.lists(inner, min_size=1, max_size=3),
    )


DOCUMENT = st.dictionaries(KEYS, _values(3), min_size=1, max_size=4)


@st.composite
def layouts(draw: st.DrawFn) -> tuple[Emitted, list[Any]]:
    docs = draw(st.lists(DOCUMENT, min_size=1, max_size=3))
    nl = draw(st.sampled_from(["\n", "\r\n"]))
    out = Emitted()
    for d, doc in enumerate(docs):
        if d or draw(st.booleans()):
            out.text += "---" + nl
        if draw(st.booleans()):
            out.text += "# a comment line" + nl
        style = draw(st.sampled_from(["double", "single", "flow", "plain", "literal"]))
        # Plain style only for plain-safe text; the rest is quoted.
        writer = _Writer(nl, d, out)
        if style == "flow":
            writer.flow(doc, (), "double")
            out.text += nl
        else:
            writer.block(doc, (), 0, style, draw(st.booleans()))
    return out, docs


def _walk(data: Any, path: tuple[Any, ...] = ()) -> Any:
    yield path, False
    if isinstance(data, dict):
        for k, v in data.items():
            yield (*path, k), True
            yield from _walk(v, (*path, k))
    elif isinstance(data, list):
        for i, v in enumerate(data):
            yield from _walk(v, (*path, i))


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(layouts(), st.booleans())
def test_every_node_is_where_the_text_puts_it(layout, bom):
    emitted, docs = layout
    text = emitted.text
    raw = (("\ufeff" if bom else "") + text).encode()
    source = read("f.yaml", raw)
    assert not source.findings, (text, source.findings)
    assert source.documents == docs
    for d, doc in enumerate(docs):
        for path, key in _walk(doc):
            offset = emitted.where.get((d, path, key))
            if offset is None:
                continue  # a scalar document's root
            got = source.locate(SourceRef("f.yaml", d, path, key))
            assert got == _expected(text, offset), (text, d, path, key)


# --- the layouts that used to disagree, each at its exact line -----------------

ACCOUNT = (
    "kind: Account\n"
    "id: northwind\n"
    "name: Northwind\n"
    "segment: smb\n"
    "start: 2026-01-01\n"
    "desired_outcomes:\n"
    "  - {since: 2026-01-01, outcome: grow, baseline: 1, target: 2, by: 2026-12-31}\n"
)


def test_non_ascii_spaced_and_slashed_attribute_keys_have_their_own_line():
    text = ACCOUNT + "attributes:\n  région: eu\n  annual revenue: 5\n  a/b: 1\n"
    source = read("a.yaml", text.encode())
    at = SourceRef("a.yaml", 0, ("attributes",))
    assert source.locate(at.child("région")) == (9, 11)
    assert source.locate(at.child("annual revenue")) == (10, 19)
    assert source.locate(at.child("a/b")) == (11, 8)
    assert source.locate(at.child("annual revenue", key=True)) == (10, 3)


def test_crlf_with_u2028_inside_a_string_keeps_every_line():
    text = 'name: "Day\u2028one"\r\nowner: jane\r\nnotes:\r\n  - {date: 2026-01-02, text: x}\r\n'
    source = read("a.yaml", text.encode())
    assert source.locate(SourceRef("a.yaml", 0, ("owner",))) == (2, 8)
    assert source.locate(SourceRef("a.yaml", 0, ("notes", 0, "text"))) == (4, 30)


def test_a_tab_after_a_dash_elsewhere_does_not_move_a_finding(make_workspace):
    root = make_workspace(
        {
            "vehicles.yaml": "kind: SuccessVehicle\nid: webinar\nname: Webinar\ntype: seminar\n",
            "personas.yaml": "kind: Persona\nid: ops\nname: Ops\nsuccess: Fewer tickets\n"
            "---\nkind: Persona\nid: cfo\nname: CFO\n",
            "tabbed.yaml": "kind: IdealCustomerProfile\nid: icp\nname: ICP\ncriteria:\n"
            "-\t{attribute: industry, in: [events], weight: 1}\n",
        }
    )
    result = load_workspace(root)
    [bad] = [f for f in result.findings if f.code == "CSP105"]
    assert (bad.file, bad.line, bad.column) == ("vehicles.yaml", 4, 7)
    assert not [f for f in result.findings if f.file == "tabbed.yaml"]


def test_a_tab_between_key_and_value_is_valid_yaml(make_workspace):
    source = read("a.yaml", b"kind: Persona\nid:\tops\nname:\tOps team\t# the team\n")
    assert not source.findings
    assert source.documents == [{"kind": "Persona", "id": "ops", "name": "Ops team"}]
    assert source.locate(SourceRef("a.yaml", 0, ("name",))) == (3, 7)


def test_a_tab_inside_a_quoted_value_is_kept():
    source = read("a.yaml", b'id:\tops\nname: "a\tb"\n')
    assert source.documents == [{"id": "ops", "name": "a\tb"}]


def test_a_tab_in_the_indentation_is_still_a_syntax_error():
    source = read("a.yaml", b"a:\n\tb: 1\n")
    [finding] = source.findings
    assert finding.code == "CSP001"
    assert finding.line == 2


def test_nodes_after_deep_nesting_are_located():
    text = "a:\n" + "".join(" " * i + "b:\n" for i in range(1, 900)) + "c: 1\n"
    source = read("a.yaml", text.encode())
    assert source.locate(SourceRef("a.yaml", 0, ("c",))) == (901, 4)


def test_past_libyaml_nesting_limit_a_node_is_placed_where_reading_stopped():
    # libyaml stops at 1,000 levels; yaml-rs reads on. What lies beyond is
    # placed where the index stopped, never silently at 1:1.
    text = "a:\n" + "".join(" " * i + "b:\n" for i in range(1, 2000)) + "c: 1\n"
    source = read("a.yaml", text.encode())
    line, _ = source.locate(SourceRef("a.yaml", 0, ("c",)))
    assert 1000 <= line <= 2001


def test_duplicate_keys_and_tags_are_located_in_crlf_files():
    source = read("a.yaml", 'x: "\u2028"\r\nname: a\r\nname: b\r\n'.encode())
    [dup] = source.findings
    assert (dup.code, dup.line, dup.column) == ("CSP002", 3, 1)
    source = read("a.yaml", 'x: "\u2028"\r\nname: !!python/none a\r\n'.encode())
    [tag] = source.findings
    assert (tag.code, tag.line, tag.column) == ("CSP004", 2, 7)
