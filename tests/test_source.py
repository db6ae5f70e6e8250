"""Reading one YAML file: documents and positions."""

from __future__ import annotations

import pytest

from csplan.api import load_workspace
from csplan.workspace.source import read


def test_invalid_id_type_is_located(make_workspace):
    root = make_workspace({"p.yaml": "kind: Persona\nid: 2024\nname: X\n"})
    result = load_workspace(root)
    [finding] = result.findings
    assert (finding.code, finding.file, finding.line, finding.column) == ("CSP103", "p.yaml", 2, 5)
    assert finding.hint == 'quote it: id: "2024"'


@pytest.mark.parametrize(
    ("text", "documents"),
    [
        ("a: 1\n", [{"a": 1}]),
        ("- 1\n- 2\n", [[1, 2]]),
        ("---\n- 1\n- 2\n", [[1, 2]]),  # one document that is a list, after a marker
        ("a: 1\n---\nb: 2\n", [{"a": 1}, {"b": 2}]),
        ("---\n- a\n---\n- b\n", [["a"], ["b"]]),
        ("a: 1\n---\n", [{"a": 1}, None]),
        ("x: |\n  ---\n  y\n", [{"x": "---\ny\n"}]),  # a marker inside a block scalar is text
    ],
)
def test_documents_are_split_in_one_parse(text, documents):
    source = read("f.yaml", text.encode())
    assert source.documents == documents
    assert source.findings == []


def test_syntax_error_at_end_stays_inside_the_file():
    source = read("f.yaml", b"a: 1\n---\nb: [1, 2\n")
    [finding] = source.findings
    assert finding.code == "CSP001"
    assert 1 <= finding.line <= 4
