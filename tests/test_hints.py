"""Quoting hints for prose that breaks YAML: a comma inside {...} and ': '
inside a plain value (csplan.workspace.hints, and the CSP102 hint in the loader)."""

from __future__ import annotations

import pytest
import yaml_rs

from csplan.api import load_workspace
from csplan.workspace.hints import comma_hint, syntax_hint


def _problem(text: str) -> str:
    """yaml-rs's own words for the error, as the loader passes them on."""
    with pytest.raises(Exception) as caught:
        yaml_rs.loads(text)
    return str(caught.value).strip().splitlines()[-1].strip()


@pytest.mark.parametrize(
    ("line", "example"),
    [
        ("message: Note: we meet weekly", 'message: "Note: we meet weekly"'),
        ("  - action: Kickoff: agenda  # first call", 'action: "Kickoff: agenda"'),
        ("  - {action: Kickoff: agenda, owner: vendor}", 'action: "Kickoff: agenda"'),
        ("steps: [{action: Kickoff: agenda}]", 'action: "Kickoff: agenda"'),
        ('why: Say "hi": then go', "why: 'Say \"hi\": then go'"),
    ],
)
def test_colon_inside_a_value_gets_the_quoting_hint(line: str, example: str):
    hint = syntax_hint(_problem(line + "\n"), line)
    assert hint is not None
    assert hint.startswith("a ': ' inside a text starts a new key: quote the text")
    assert hint.endswith("e.g. " + example)


def test_the_quoted_example_reads_back_as_the_whole_text():
    line = "message: Note: we meet weekly"
    hint = syntax_hint(_problem(line + "\n"), line)
    assert hint is not None
    example = hint.split("e.g. ", 1)[1]
    assert yaml_rs.loads(example) == {"message": "Note: we meet weekly"}


@pytest.mark.parametrize(
    ("problem", "line"),
    [
        ("mapping values are not allowed in this context", '  - action: "Kickoff: agenda"'),
        ("mapping values are not allowed in this context", "key: value"),
        ("found unexpected end of stream", "message: Note: we meet"),
        ("did not find expected ',' or '}'", "{a: b"),
    ],
)
def test_no_quoting_hint_when_no_plain_value_holds_a_colon(problem: str, line: str):
    assert syntax_hint(problem, line) is None


def test_comma_hint_rebuilds_the_sentence():
    data = yaml_rs.loads("{action: Book the kickoff, no sales call, owner: vendor}")
    assert comma_hint(data, "no sales call") == (
        "a comma inside {...} ends the value: quote the text, e.g. "
        'action: "Book the kickoff, no sales call"'
    )


def test_comma_hint_leaves_real_typos_alone():
    assert comma_hint({"name": "Dana", "champon": True}, "champon") is None
    assert comma_hint({"no sales call": None}, "no sales call") is None  # nothing before it


def test_unknown_field_from_a_comma_names_the_quoting_fix(make_workspace, cli):
    root = make_workspace(
        {
            "accounts/a.yaml": (
                "kind: Account\nid: a\nname: A\nsegment: s\nstart: 2026-03-01\n"
                "desired_outcomes:\n  - {since: 2026-03-01, outcome: o, baseline: 1, target: 2}\n"
                "plan:\n  next_steps:\n"
                "    - {action: Book the kickoff, no sales call, owner: vendor}\n"
            )
        }
    )
    findings = [f for f in load_workspace(root).findings if f.code == "CSP102"]
    assert [(f.line, f.message, f.hint) for f in findings] == [
        (
            10,
            "unknown field 'no sales call'",
            "a comma inside {...} ends the value: quote the text, e.g. "
            'action: "Book the kickoff, no sales call"',
        )
    ]
    result = cli("validate", "-w", root)
    assert result.exit_code == 1
    assert 'action: "Book the kickoff, no sales call"' in result.output


def test_readme_quoting_example_keeps_every_word():
    from pathlib import Path

    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
    assert "### Quoting text" in readme
    section = readme.split("### Quoting text", 1)[1].split("\n## ", 1)[0]
    example = section.split("```yaml\n", 1)[1].split("```", 1)[0]
    plan = yaml_rs.loads(example)["plan"]
    assert plan["message"] == (
        "Let's make the spring event series priority #1 for Q1: registrations, then attendance.\n"
    )
    assert plan["next_steps"][0]["action"] == "Book the kickoff, no sales call"


def test_a_syntax_error_from_a_colon_in_text_gets_the_quoting_hint_at_its_line():
    from csplan.workspace.source import read

    text = "kind: Account\r\nplan:\r\n  message: Note: we meet weekly\r\n"
    [finding] = read("a.yaml", text.encode()).findings
    assert (finding.code, finding.line) == ("CSP001", 3)
    assert finding.hint is not None
    assert 'message: "Note: we meet weekly"' in finding.hint
