"""``csplan schema``: one draft 2020-12 schema that accepts exactly the
documents csplan accepts one at a time (read as YAML 1.2)."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from conftest import EXAMPLE_WORKSPACES

from csplan.findings import SourceRef
from csplan.model import KINDS
from csplan.schema import document_schema
from csplan.workspace.build import build_document
from csplan.workspace.discover import yaml_files
from csplan.workspace.source import read

Doc = dict[str, Any]


@pytest.fixture(scope="module")
def schema() -> Doc:
    return document_schema()


@pytest.fixture(scope="module")
def validator(schema: Doc) -> jsonschema.Draft202012Validator:
    cls = jsonschema.Draft202012Validator
    return cls(schema, format_checker=cls.FORMAT_CHECKER)


def read_documents(root: Path) -> list[tuple[str, Doc]]:
    """Every document of a workspace, parsed as csplan parses it (YAML 1.2,
    dates left as strings)."""
    out = []
    for rel in yaml_files(root, [], None):
        source = read(rel, (root / rel).read_bytes())
        assert not source.findings, (rel, source.findings)
        out.extend((f"{rel}#{i}", doc) for i, doc in enumerate(source.documents) if doc is not None)
    return out


EXAMPLE_DOCS = [
    (f"{ws.name}/{name}", doc) for ws in EXAMPLE_WORKSPACES for name, doc in read_documents(ws)
]


def _model_accepts(doc: Any) -> bool:
    kind = doc.get("kind") if isinstance(doc, dict) else None
    if not isinstance(kind, str) or kind not in KINDS:
        return False
    built, problems = build_document(kind, doc, SourceRef("x.yaml", 0))
    return built is not None and not problems


def test_schema_is_valid_draft_2020_12(schema):
    jsonschema.Draft202012Validator.check_schema(schema)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["$id"] == "urn:csplan:schema:document:v1"
    assert schema["title"] == "csplan document"
    assert schema["required"] == ["kind"]
    assert schema["properties"]["kind"]["enum"] == list(KINDS)
    assert [branch["then"]["$ref"] for branch in schema["allOf"]] == [f"#/$defs/{k}" for k in KINDS]


_KEYWORDS = {
    "$schema",
    "$id",
    "$ref",
    "$defs",
    "title",
    "description",
    "type",
    "enum",
    "const",
    "properties",
    "patternProperties",
    "additionalProperties",
    "required",
    "items",
    "minItems",
    "maxItems",
    "minLength",
    "minimum",
    "maximum",
    "exclusiveMinimum",
    "pattern",
    "format",
    "default",
    "anyOf",
    "oneOf",
    "allOf",
    "not",
    "if",
    "then",
}


def test_only_standard_keywords(schema):
    found: set[str] = set()

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            for key, value in node.items():
                found.add(key)
                if key in ("properties", "patternProperties", "$defs"):
                    for sub in value.values():
                        walk(sub)
                else:
                    walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk(schema)
    assert found <= _KEYWORDS, found - _KEYWORDS


def test_every_field_is_described_and_closed(schema):
    for name, node in schema["$defs"].items():
        assert node.get("description"), name
        assert node["additionalProperties"] is False, name
        for field, prop in node["properties"].items():
            assert prop.get("description"), f"{name}.{field}"


def test_yaml_specific_shapes(schema):
    defs = schema["$defs"]
    assert defs["Account"]["properties"]["start"] == {
        "format": "date",
        "type": "string",
        "pattern": r"^\d{4}-\d{2}-\d{2}$",
        "description": "Point A: when the journey started (YYYY-MM-DD)",
    }
    assert defs["Persona"]["properties"]["id"]["pattern"] == "^[a-z0-9][a-z0-9-]*$"
    assert "in" in defs["Criterion"]["properties"] and "in_" not in defs["Criterion"]["properties"]
    assert defs["Account"]["properties"]["arr"]["type"] == ["number", "null"]
    assert defs["Account"]["properties"]["signals"]["additionalProperties"] is False
    assert [b["$ref"] for b in defs["Component"]["properties"]["measures"]["items"]["oneOf"]] == [
        "#/$defs/SignalMeasure",
        "#/$defs/QuestionMeasure",
        "#/$defs/MilestonesMeasure",
    ]


def test_examples_exist():
    assert len(EXAMPLE_WORKSPACES) >= 2
    assert {doc["kind"] for _, doc in EXAMPLE_DOCS} == set(KINDS)


@pytest.mark.parametrize(("name", "doc"), EXAMPLE_DOCS, ids=[name for name, _ in EXAMPLE_DOCS])
def test_every_example_document_is_valid(validator, name, doc):
    errors = [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(doc)]
    if doc.get("kind") == "Account" and name.split("/")[0] in FED_BY_A_CRM:
        # A CRM row gives these (SPEC section 8); one document cannot show it.
        fed = {f"[]: '{f}' is a required property" for f in ROW_FIELDS}
        errors = [e for e in errors if e not in fed]
    assert errors == []


FED_BY_A_CRM = {
    ws.name
    for ws in EXAMPLE_WORKSPACES
    for _, d in read_documents(ws)
    if d.get("kind") == "DataSource" and d.get("provides") == "accounts"
}
ROW_FIELDS = ("name", "segment", "start", "desired_outcomes")


ACCOUNT = {
    "kind": "Account",
    "id": "northwind-events",
    "name": "Northwind Events",
    "segment": "enterprise",
    "start": "2026-03-01",
    "desired_outcomes": [
        {"since": "2026-03-01", "outcome": "grow", "baseline": 320, "target": 500}
    ],
}
INVALID = {
    "unknown key": {**ACCOUNT, "stakeholder": []},
    "unknown nested key": {**ACCOUNT, "plan": {"mesage": "hi"}},
    "wrong type": {**ACCOUNT, "arr": "48k"},
    "number id": {**ACCOUNT, "id": 2024},
    "bad id": {**ACCOUNT, "id": "Northwind_Events"},
    "bad signal name": {
        **ACCOUNT,
        "signals": {"Weekly-Active": {"as_of": "2026-10-01", "value": 1}},
    },
    "unknown kind": {**ACCOUNT, "kind": "Acount"},
    "no kind": {k: v for k, v in ACCOUNT.items() if k != "kind"},
    "missing required field": {k: v for k, v in ACCOUNT.items() if k != "start"},
    "empty required list": {**ACCOUNT, "desired_outcomes": []},
    "date not ISO": {**ACCOUNT, "start": "01/03/2026"},
    "date not real": {**ACCOUNT, "start": "2026-02-30"},
    "yes is not a boolean": {**ACCOUNT, "stakeholders": [{"name": "Dana", "champion": "yes"}]},
    "answer not allowed": {
        **ACCOUNT,
        "assessments": [{"question": "q", "answer": "maybe", "as_of": "2026-03-01"}],
    },
    "desired above 1": {
        "kind": "EngagementModel",
        "id": "m",
        "components": {
            name: {"desired": 1.2}
            for name in (
                "intent",
                "anticipated_needs",
                "product_adoption",
                "outcomes",
                "relationship",
                "communication",
                "education",
                "journey",
            )
        },
    },
    "seven components": {
        "kind": "EngagementModel",
        "id": "m",
        "components": {
            name: {}
            for name in (
                "intent",
                "anticipated_needs",
                "product_adoption",
                "outcomes",
                "relationship",
                "communication",
                "education",
            )
        },
    },
    "two operators": {
        "kind": "IdealCustomerProfile",
        "id": "icp",
        "name": "ICP",
        "criteria": [{"attribute": "employees", "at_least": 10, "at_most": 20}],
    },
    "no operator": {
        "kind": "IdealCustomerProfile",
        "id": "icp",
        "name": "ICP",
        "criteria": [{"attribute": "employees"}],
    },
    "measure of no kind": {
        "kind": "EngagementModel",
        "id": "m",
        "components": {
            name: {"measures": [{"weight": 1}]}
            for name in (
                "intent",
                "anticipated_needs",
                "product_adoption",
                "outcomes",
                "relationship",
                "communication",
                "education",
                "journey",
            )
        },
    },
    "workspace without vendor": {"kind": "Workspace", "name": "W"},
    "not a mapping": ["kind", "Account"],
}


@pytest.mark.parametrize("case", list(INVALID))
def test_invalid_documents_fail(validator, case):
    doc = INVALID[case]
    assert not validator.is_valid(doc)
    assert not _model_accepts(doc)  # the schema agrees with csplan


VALID = {
    "minimal account": ACCOUNT,
    "one criterion operator with a null other": {
        "kind": "IdealCustomerProfile",
        "id": "icp",
        "name": "ICP",
        "criteria": [{"attribute": "industry", "in": ["events"], "equals": None}],
    },
    "yes is text under YAML 1.2": {
        **ACCOUNT,
        "assessments": [{"question": "q", "answer": "yes", "as_of": "2026-03-01"}],
    },
    "dated segment list": {**ACCOUNT, "segment": [{"since": "2026-03-01", "segment": "smb"}]},
    "single observation": {**ACCOUNT, "signals": {"nps": {"as_of": "2026-10-01", "value": 40}}},
    "boolean observation": {
        **ACCOUNT,
        "signals": {"sso_on": [{"as_of": "2026-10-01", "value": True}]},
    },
    "reached dates": {
        **ACCOUNT,
        "milestones": [{"id": "a", "reached": ["2026-04-01", "2026-07-01"]}],
    },
}


@pytest.mark.parametrize("case", list(VALID))
def test_valid_documents_pass(validator, case):
    assert validator.is_valid(VALID[case])
    assert _model_accepts(VALID[case])


def _first_of_each_kind() -> list[Doc]:
    seen: dict[str, Doc] = {}
    for _, doc in EXAMPLE_DOCS:
        seen.setdefault(doc["kind"], doc)
    return list(seen.values())


_REPLACEMENTS: list[Any] = [None, 2024, 0.5, True, "x y", "2026-03-01", [], {}]


def _mutations(doc: Doc) -> list[Doc]:
    """Variants of ``doc``: each field dropped or replaced by values of other
    types, at the top level and inside the first item of each list of mappings."""
    out = [{**doc, "unknown_field": 1}]
    for key in doc:
        out.append({k: v for k, v in doc.items() if k != key})
        out.extend({**doc, key: value} for value in _REPLACEMENTS)
        value = doc[key]
        if isinstance(value, list) and value and isinstance(value[0], dict):
            for inner in value[0]:
                for replacement in [*_REPLACEMENTS, "missing"]:
                    variant = copy.deepcopy(doc)
                    if replacement == "missing":
                        del variant[key][0][inner]
                    else:
                        variant[key][0][inner] = replacement
                    out.append(variant)
    return out


@pytest.mark.parametrize("doc", _first_of_each_kind(), ids=lambda d: d["kind"])
def test_schema_agrees_with_the_models_on_mutations(validator, doc):
    disagreements = []
    for variant in _mutations(doc):
        by_schema, by_model = validator.is_valid(variant), _model_accepts(variant)
        if by_schema != by_model:
            disagreements.append((by_schema, by_model, json.dumps(variant)[:300]))
    assert disagreements == []


def test_cli_prints_the_schema(cli, schema):
    out = cli("schema")
    assert out.exit_code == 0
    assert json.loads(out.stdout) == schema


def test_cli_writes_a_file(cli, tmp_path, schema):
    target = tmp_path / "csplan.schema.json"
    target.write_text("old")
    out = cli("schema", "-o", target)
    assert out.exit_code == 0
    assert out.stdout == ""
    assert out.stderr == f"wrote {target}\n"
    assert json.loads(target.read_text(encoding="utf-8")) == schema
    assert target.read_text(encoding="utf-8").endswith("}\n")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["csplan.schema.json"]  # no temp file left


@pytest.mark.parametrize("name", ["csplan.yaml", "schema.YML"])
def test_cli_refuses_to_write_yaml(cli, tmp_path, name):
    target = tmp_path / name
    target.write_text("kind: Workspace\n")
    out = cli("schema", "-o", target)
    assert out.exit_code == 2
    assert "refusing to write the schema" in out.stderr
    assert target.read_text() == "kind: Workspace\n"


def test_cli_refuses_a_folder_and_a_missing_folder(cli, tmp_path):
    out = cli("schema", "-o", tmp_path)
    assert (out.exit_code, out.stdout) == (2, "")
    assert "is a folder" in out.stderr
    out = cli("schema", "-o", tmp_path / "nope" / "s.json")
    assert out.exit_code == 2
    assert "cannot write" in out.stderr

