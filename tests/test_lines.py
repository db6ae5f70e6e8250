"""The fast evidence-line finder agrees with libyaml (``Source.locate``) on
every node it answers for, and leaves the rest to libyaml."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from conftest import EXAMPLES

from csplan.findings import SourceRef
from csplan.workspace.lines import LineIndex, _closed
from csplan.workspace.source import read


def _paths(data: Any, path: tuple = ()) -> Iterator[tuple]:
    yield path
    yield (*path, "absent")
    if isinstance(data, dict):
        for k, v in data.items():
            yield from _paths(v, (*path, k))
    elif isinstance(data, list):
        for i, v in enumerate(data):
            yield from _paths(v, (*path, i))


def _compare(name: str, text: str) -> tuple[int, int]:
    """(nodes answered, nodes left to libyaml); fails on any disagreement."""
    source = read(name, text.encode())
    assert not source.findings
    lines = LineIndex(source.text)
    answered = left = 0
    for doc, data in enumerate(source.documents):
        for path in _paths(data):
            for key in (False, True):
                ref = SourceRef(name, doc, path, key)
                got = lines.line(ref)
                if got is None:
                    left += 1
                    continue
                answered += 1
                assert got == source.locate(ref)[0], (name, doc, path, key)
    return answered, left


EXAMPLE_FILES = sorted(EXAMPLES.rglob("*.yaml"))


@pytest.mark.parametrize("path", EXAMPLE_FILES, ids=lambda p: str(p.relative_to(EXAMPLES)))
def test_agrees_with_libyaml_on_the_examples(path):
    answered, _ = _compare(path.name, path.read_text(encoding="utf-8"))
    assert answered > 0


CASES = {
    "compact sequence and item maps": """\
kind: Account
milestones:
- id: a
  reached: 2026-01-01
-   id: b
    reached: [2026-01-02, 2026-01-03]
signals:
  x:
  - as_of: 2026-01-01
    value: 3
  -
    as_of: 2026-01-02
    value: 4
  y: {as_of: 2026-01-01, value: 1}  # a comment
""",
    "block scalars hide lookalike lines": """\
plan:
  message: |
    - not an item
    key: not a key
  next_steps:
    - action: >-
        folded
        owner: not a key
      owner: customer
notes:
  - {date: 2026-01-01, text: "It's fine: really"}
  - {date: 2026-01-02, text: Organisers' Circle}
""",
    "several documents": (
        "---\nkind: A\nid: a\n---\n# only a comment\nkind: B\nlist:\n  - 1\n  - [1, 2]\n"
        "---\n\n---\nkind: C\n"
    ),
    "comments and blank lines": "s:\n  # one\n\n  - 1\n# top\n  - 2\nt: [a, b]  # c\n",
    "indented root": "  a: 1\n  b:\n    - 2\n",
    "null values": "a:\nb:\n  c:\n  d: 1\ne: ~\n",
    "CRLF line ends": "a:\r\n  b: 1\r\n  c:\r\n    - 2\r\n",
    "multi-line flow": "a: {x: 1,\n  y: 2}\nb: [1,\n 2]\nc: 3\n",
    "quoted scalar going on": "a: \"multi\n  line: x\"\nb:\n  c: 'it''s'\n",
    "anchors": "a: &x 1\nb: *x\n",
    "nested sequences": "a:\n  - - 1\n    - 2\n",
}


@pytest.mark.parametrize("text", CASES.values(), ids=CASES.keys())
def test_agrees_with_libyaml_on_tricky_yaml(text):
    _compare("case.yaml", text)


@pytest.mark.parametrize("name", ["CRLF line ends", "anchors", "nested sequences"])
def test_unmodelled_yaml_is_left_to_libyaml(name):
    _, left = _compare("case.yaml", CASES[name])
    assert left > 0


def test_flow_collections_closing_on_their_line():
    assert _closed("{action: Feature the Organisers' Circle, owner: vendor}")
    assert _closed('{unit: "% of x", direction: increase}')
    assert _closed("{a: 'it''s', b: [1, {c: 2}]}")
    assert _closed("[a, b]  # [c")
    assert not _closed("[2026-01-01, 2026-01-02,")
    assert not _closed('{a: "x, y')
    assert not _closed("{a: 1  # }")


def test_evidence_location_falls_back_to_libyaml(make_workspace):
    from csplan.findings import LineRef
    from csplan.workspace import load_workspace

    root = make_workspace({"notes.yaml": "kind: Persona\nid: p\nname: &n P\nsuccess: *n\n"})
    ws = load_workspace(root).workspace
    ref = SourceRef("notes.yaml", 0, ("success",))
    assert LineIndex(ws.sources["notes.yaml"].text).line(ref) is None  # aliases: not modelled
    assert ws.evidence_location(ref) == ("notes.yaml", ws.locate(ref)[0])
    assert ws.evidence_location(LineRef("s.csv", 0, line=7)) == ("s.csv", 7)
    assert ws.evidence_location(None) is None


def test_loader_composes_for_tags_only_where_a_tag_can_start(make_workspace):
    # csplan.workspace.source composes a file with libyaml to look for tags
    # only when a "!" could open a node: "Great job!" must not cost a parse.
    from csplan.workspace.source import _may_have_tags, read

    assert not _may_have_tags("name: Great job!\nnote: Wow!!\n")
    tagged = ("name: !foo P\n", "name: [!!str Q]\n", "!t a: 1\n", "a: &x !t 1\n", "a: {b:!t 1}\n")
    for text in tagged:
        assert _may_have_tags(text), text
    assert [f.code for f in read("a.yaml", b"kind: Persona\nid: p\nname: !foo P\n").findings] == [
        "CSP004"
    ]
    clean = read("b.yaml", b"kind: Persona\nid: p\nname: Great job!\n")
    assert clean.findings == [] and clean._nodes is None  # never composed
