"""``csplan init``: a starter workspace that is valid as written."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest
from conftest import AS_OF

from csplan.api import load_workspace
from csplan.cli import app
from csplan.model import COMPONENTS
from csplan.schema import document_schema
from csplan.workspace.source import read

FILES = [
    "csplan.yaml",
    "accounts/harbour-design.yaml",
    "accounts/northside-plumbing.yaml",
    "engagement.yaml",
    "experiences.yaml",
    "icp.yaml",
    "maps.yaml",
    "outcomes.yaml",
    "personas.yaml",
    "segments.yaml",
    "vehicles.yaml",
]


def _registered(name: str) -> bool:
    return any((c.name or c.callback.__name__) == name for c in app.registered_commands)


@pytest.fixture
def scaffold(cli, tmp_path) -> Path:
    target = tmp_path / "new" / "cs-plans"  # parents missing too
    out = cli("init", target)
    assert out.exit_code == 0, out.output
    return target


def test_init_lists_what_it_wrote(cli, tmp_path):
    target = tmp_path / "plans"
    out = cli("init", target)
    assert out.exit_code == 0
    listed = out.stdout.splitlines()
    assert listed[0] == f"Created a csplan workspace in {target}:"
    assert listed[1:13] == [f"  {rel}" for rel in [*FILES, "csplan.schema.json"]]
    assert listed[-1] == f"  csplan validate -w {target}"
    written = sorted(str(p.relative_to(target)) for p in target.rglob("*") if p.is_file())
    assert written == sorted([*FILES, "csplan.schema.json"])


def test_scaffold_validates_with_no_findings(cli, scaffold):
    result = load_workspace(scaffold)
    assert result.findings == []
    assert result.summary.as_dict() == {"files": 11, "documents": 13, "errors": 0, "warnings": 0}
    out = cli("validate", "-w", scaffold, "--strict")
    assert (out.exit_code, out.stdout) == (0, "✓ valid: 11 files, 13 documents, no findings\n")


def test_scaffold_has_every_part_a_team_needs(scaffold):
    ws = load_workspace(scaffold).workspace
    assert ws.settings.vendor == "Your company"
    assert ws.settings.name == "Your company customer success"
    assert len(ws.personas) == 2
    assert (len(ws.icps), len(ws.outcomes), len(ws.experiences), len(ws.segments)) == (1, 1, 1, 1)
    assert len(ws.vehicles) >= 1
    [route] = ws.maps.values()
    assert {m.type for m in route.milestones} == {"functional", "customer"}
    [model] = ws.engagement_models.values()
    assert [name for name, _ in model.components.items()] == list(COMPONENTS)
    assert all(component.measures for _, component in model.components.items())
    assert sorted(ws.accounts) == ["harbour-design", "northside-plumbing"]
    for ident, account in ws.accounts.items():
        assert account.source.file == f"accounts/{ident}.yaml"  # one account per file


def test_every_file_points_editors_at_the_schema(scaffold):
    for rel in FILES:
        first = (scaffold / rel).read_text(encoding="utf-8").splitlines()[0]
        up = "../" * rel.count("/")
        assert first == f"# yaml-language-server: $schema={up}csplan.schema.json", rel
    assert "csplan schema -o csplan.schema.json" in (scaffold / "csplan.yaml").read_text()
    schema = json.loads((scaffold / "csplan.schema.json").read_text(encoding="utf-8"))
    assert schema == document_schema()
    validator = jsonschema.Draft202012Validator(schema)
    for rel in FILES:
        for doc in read(rel, (scaffold / rel).read_bytes()).documents:
            assert validator.is_valid(doc), rel


@pytest.mark.parametrize(
    ("args", "name", "vendor"),
    [
        (["--vendor", "Ledgerly"], "Ledgerly customer success", "Ledgerly"),
        (
            ["--vendor", "Ledgerly, Inc: #1", "--name", "CS: plans"],
            "CS: plans",
            "Ledgerly, Inc: #1",
        ),
        (["--vendor", "yes", "--name", "2024"], "2024", "yes"),
        (["--vendor", '"Quoted" & co', "--name", "- dash"], "- dash", '"Quoted" & co'),
    ],
)
def test_name_and_vendor_are_written_safely(cli, tmp_path, args, name, vendor):
    target = tmp_path / "ws"
    assert cli("init", target, *args).exit_code == 0
    result = load_workspace(target)
    assert result.findings == []
    assert (result.workspace.settings.name, result.workspace.settings.vendor) == (name, vendor)


def test_refuses_a_non_empty_folder_and_writes_nothing(cli, tmp_path):
    target = tmp_path / "busy"
    target.mkdir()
    (target / "notes.txt").write_text("mine")
    out = cli("init", target)
    assert out.exit_code == 2
    assert out.stdout == ""
    assert out.stderr == (
        f"csplan: {target} is not empty (1 item, e.g. notes.txt); "
        "init writes only into a new or empty folder\n"
    )
    assert [p.name for p in target.iterdir()] == ["notes.txt"]


def test_refuses_a_second_init(cli, scaffold):
    before = {p: p.read_bytes() for p in scaffold.rglob("*") if p.is_file()}
    out = cli("init", scaffold)
    assert out.exit_code == 2
    assert "is not empty" in out.stderr
    assert {p: p.read_bytes() for p in scaffold.rglob("*") if p.is_file()} == before


def test_a_fresh_git_repository_counts_as_empty(cli, tmp_path):
    (tmp_path / ".git").mkdir()
    (tmp_path / ".gitignore").write_text("out/\n")
    out = cli("init", tmp_path)
    assert out.exit_code == 0
    assert load_workspace(tmp_path).findings == []


def test_refuses_a_file(cli, tmp_path):
    target = tmp_path / "plans.txt"
    target.write_text("x")
    out = cli("init", target)
    assert (out.exit_code, out.stderr) == (2, f"csplan: {target} exists and is not a folder\n")


def test_defaults_to_the_current_folder(cli, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    out = cli("init")
    assert out.exit_code == 0
    assert out.stdout.splitlines()[-1] == "  csplan validate"
    assert cli("validate").exit_code == 0


def test_empty_vendor_is_a_usage_error(cli, tmp_path):
    out = cli("init", tmp_path / "ws", "--vendor", "  ")
    assert out.exit_code == 2
    assert not (tmp_path / "ws").exists()


@pytest.mark.skipif(not _registered("score"), reason="csplan score is not registered yet")
def test_scaffold_scores(cli, scaffold):
    out = cli("score", "--all", "-w", scaffold, "--as-of", AS_OF, "--format", "json")
    assert out.exit_code == 0, out.output
    data = json.loads(out.stdout)
    assert [a["id"] for a in data["accounts"]] == ["harbour-design", "northside-plumbing"]
    gap = {a["id"]: a["milestones"]["success_gap"] for a in data["accounts"]}
    # Northside has every functional milestone and no customer one: the success gap.
    assert gap["northside-plumbing"] == 100.0
    assert gap["harbour-design"] == 0.0


@pytest.mark.skipif(not _registered("render"), reason="csplan render is not registered yet")
@pytest.mark.parametrize(("fmt", "audience"), [("html", "customer"), ("md", "internal")])
def test_scaffold_renders(cli, scaffold, tmp_path, fmt, audience):
    out_dir = tmp_path / "out"
    args = ["-w", scaffold, "--as-of", AS_OF, "-o", out_dir, "-f", fmt, "-a", audience]
    out = cli("render", "harbour-design", "northside-plumbing", *args)
    assert out.exit_code == 0, out.output
    assert sorted(p.name for p in out_dir.iterdir()) == [
        f"harbour-design.{audience}.{fmt}",
        f"northside-plumbing.{audience}.{fmt}",
    ]


# Prose the customer reads, and that a user extending the starter is likely to
# lengthen: written as a block or quoted, a '#' or ': ' added later stays text.
PROSE_FIELDS = {"message", "statement", "why", "personas", "expectation", "success", "action"}


def _node(root, path):
    import yaml

    node = root
    for part in path:
        if isinstance(node, yaml.MappingNode):
            node = next(v for k, v in node.value if k.value == part)
        else:
            node = node.value[part]
    return node


def test_init_writes_customer_prose_as_blocks_or_quoted(scaffold):
    import yaml

    from csplan.checks.text import customer_texts

    ws = load_workspace(scaffold).workspace
    plain = []
    checked = 0
    for ref, text in customer_texts(ws):
        fields = {p for p in ref.path if isinstance(p, str)}
        if not fields & PROSE_FIELDS:
            continue
        roots = list(yaml.compose_all((scaffold / ref.file).read_text(encoding="utf-8")))
        node = _node(roots[ref.doc], ref.path)
        checked += 1
        if node.style not in (">", "|", '"', "'"):
            plain.append(f"{ref.file}: {'.'.join(map(str, ref.path))}: {text}")
    assert checked >= 15
    assert plain == []


def test_extending_a_starter_text_with_a_hash_keeps_the_sentence(scaffold):
    path = scaffold / "accounts" / "harbour-design.yaml"
    text = path.read_text(encoding="utf-8")
    text = text.replace(
        "before the year-end rush.", "before the year-end rush: priority #1 for Q4."
    )
    path.write_text(text, encoding="utf-8")
    result = load_workspace(scaffold)
    assert [f.code for f in result.findings if f.code in ("CSP001", "CSP308")] == []
    message = result.workspace.accounts["harbour-design"].plan.message
    assert message is not None and message.endswith("year-end rush: priority #1 for Q4.")
