from __future__ import annotations

from csplan.workspace import load_workspace


def test_invalid_id_type_is_located(make_workspace):
    root = make_workspace({"p.yaml": "kind: Persona\nid: 2024\nname: X\n"})
    result = load_workspace(root)
    [finding] = result.findings
    assert (finding.code, finding.file, finding.line, finding.column) == ("CSP103", "p.yaml", 2, 5)
    assert finding.hint == 'quote it: id: "2024"'
