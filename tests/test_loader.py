"""Bad input of every kind (SPEC sections 2 and 3) becomes findings with a
file and a line, the right exit code, and never a traceback.

Each case is one small workspace: ``csplan.yaml`` with minimal settings plus
the files given. Positions are 1-based (line, column).
"""

from __future__ import annotations

import json
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from conftest import read_only
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from csplan.api import load_workspace
from csplan.findings import RULES

PERSONA = "kind: Persona\nid: vp-marketing\nname: VP Marketing\n"
ACCOUNT = """\
kind: Account
id: northwind-events
name: Northwind Events
segment: enterprise
start: 2026-03-01
arr: {arr}
desired_outcomes:
  - {{since: 2026-03-01, outcome: grow-registrations, baseline: 320, target: 500}}
"""
# A shape error no longer hides the account's other findings (SPEC v1.2,
# all at once): alone in its workspace, its segment and outcome exist
# nowhere and it has no champion.
ACCOUNT_OTHERS = ["CSP201", "CSP201", "CSP305"]
BILLION_LAUGHS = "".join(
    [
        'a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]\n',
        *(
            f"{n}: &{n} [{', '.join([f'*{p}'] * 9)}]\n"
            for p, n in zip("abcdefgh", "bcdefghi", strict=True)
        ),
    ]
)


@dataclass
class Bad:
    id: str
    files: dict[str, str | bytes]
    code: str
    file: str
    line: int
    column: int | None  # None: parser-defined, only checked to be >= 1
    message: str
    hint: str | None = None
    others: list[str] = field(default_factory=list)  # codes expected besides this one


BAD = [
    Bad(
        "wrong-type",
        {"p.yaml": "kind: Persona\nid: vp\nname: [VP]\n"},
        "CSP103",
        "p.yaml",
        3,
        7,
        "'name' must be text, not a list",
    ),
    Bad(
        "id-is-a-number",
        {"p.yaml": "kind: Persona\nid: 2024\nname: VP\n"},
        "CSP103",
        "p.yaml",
        2,
        5,
        "'id' must be text, not the number 2024",
        'quote it: id: "2024"',
    ),
    Bad(
        "arr-with-unit",
        {"a.yaml": ACCOUNT.format(arr='"48k"')},
        "CSP103",
        "a.yaml",
        6,
        6,
        "'arr' must be a number, not the text '48k'",
        "write a plain number without quotes or units",
        others=ACCOUNT_OTHERS,
    ),
    Bad(
        "yes-is-not-a-boolean",
        {
            "x.yaml": "kind: AppropriateExperience\nid: ax\nname: AX\nelements:\n"
            "  - {id: named-ae, area: sales, expectation: A named AE, required: yes}\n"
        },
        "CSP103",
        "x.yaml",
        5,
        68,
        "'required' must be true or false, not the text 'yes'",
        "only true and false are booleans (YAML 1.2)",
    ),
    Bad(
        "duplicate-key-top",
        {"p.yaml": "kind: Persona\nid: vp\nname: A\nname: B\n"},
        "CSP002",
        "p.yaml",
        4,
        1,
        "duplicate key 'name'",
        "keep one of the two",
    ),
    Bad(
        "duplicate-key-nested",
        {
            "i.yaml": "kind: IdealCustomerProfile\nid: icp\nname: ICP\ncriteria:\n"
            "  - attribute: industry\n    equals: events\n    equals: media\n"
        },
        "CSP002",
        "i.yaml",
        7,
        5,
        "duplicate key 'equals'",
    ),
    Bad(
        "duplicate-key-flow-in-second-document",
        {
            "i.yaml": PERSONA + "---\nkind: IdealCustomerProfile\nid: icp\nname: ICP\n"
            "criteria: [{attribute: industry, equals: events, equals: media}]\n"
        },
        "CSP002",
        "i.yaml",
        8,
        50,
        "duplicate key 'equals'",
    ),
    Bad(
        "syntax-error",
        {"p.yaml": "kind: Persona\nid: vp\nname: [VP\n"},
        "CSP001",
        "p.yaml",
        3,
        7,
        "YAML syntax error",
        "check that every [ and { is closed",
    ),
    Bad(
        "tab-indent",
        {"p.yaml": "kind: Persona\n\tid: vp\n"},
        "CSP001",
        "p.yaml",
        1,
        None,
        "YAML syntax error",
        "indent with spaces, not tabs",
    ),
    Bad(
        "python-tag",
        {"p.yaml": "kind: Persona\nid: vp\nname: !!python/object/apply:os.system ['true']\n"},
        "CSP004",
        "p.yaml",
        3,
        7,
        "tag not allowed: !!python/object/apply:os.system",
        "remove the tag",
    ),
    Bad(
        "custom-tag",
        {"p.yaml": "kind: Persona\nid: vp\nname: !vault secret\n"},
        "CSP004",
        "p.yaml",
        3,
        7,
        "tag not allowed: !vault",
    ),
    Bad(
        "binary-tag",
        {"p.yaml": "kind: Persona\nid: vp\nname: !!binary aGVsbG8=\n"},
        "CSP004",
        "p.yaml",
        3,
        7,
        "tag not allowed: !!binary",
    ),
    Bad(
        "billion-laughs",
        {"p.yaml": PERSONA + BILLION_LAUGHS},
        "CSP005",
        "p.yaml",
        5,
        8,
        "aliases expand too far",
        "write the values out",
    ),
    Bad(
        "deep-flow-nesting",
        {"p.yaml": "[" * 10_000},
        "CSP005",
        "p.yaml",
        1,
        None,
        "nesting is too deep",
    ),
    # Block nesting has no parser limit; deep is still only a wrong type.
    Bad(
        "deep-block-nesting",
        {"p.yaml": PERSONA + "success:\n" + "".join(" " * i + "a:\n" for i in range(1, 3_000))},
        "CSP103",
        "p.yaml",
        5,
        2,
        "'success' must be text, not a mapping",
    ),
    Bad(
        "not-utf8",
        {"p.yaml": b"kind: Persona\nid: cafe\nname: Caf\xe9\n"},
        "CSP003",
        "p.yaml",
        3,
        1,
        "not UTF-8 text: byte 0xe9 at offset 32",
        "save the file as UTF-8",
    ),
    Bad(
        "utf16",
        {"p.yaml": PERSONA.encode("utf-16")},
        "CSP003",
        "p.yaml",
        1,
        1,
        "not UTF-8 text: byte 0xff at offset 0",
    ),
    Bad(
        "nul-byte",
        {"p.yaml": b"kind: Persona\nid: vp\x00\nname: VP\n"},
        "CSP003",
        "p.yaml",
        2,
        7,
        "control character U+0000",
    ),
    Bad("empty-file", {"p.yaml": ""}, "CSP006", "p.yaml", 1, 1, "file holds no YAML documents"),
    Bad(
        "comments-only",
        {"p.yaml": "# to do\n"},
        "CSP006",
        "p.yaml",
        1,
        1,
        "file holds no YAML documents",
    ),
    Bad(
        "empty-second-document",
        {"p.yaml": PERSONA + "---\n"},
        "CSP006",
        "p.yaml",
        4,
        1,
        "empty document",
        "remove the extra '---'",
    ),
    Bad(
        "document-is-a-list",
        {"p.yaml": "- kind: Persona\n  id: vp\n"},
        "CSP007",
        "p.yaml",
        1,
        1,
        "a document must be a mapping with 'kind:' at the top",
    ),
    Bad(
        "document-is-text",
        {"p.yaml": "just some notes\n"},
        "CSP007",
        "p.yaml",
        1,
        1,
        "a document must be a mapping",
    ),
    Bad(
        "no-kind",
        {"p.yaml": "id: vp\nname: VP\n"},
        "CSP007",
        "p.yaml",
        1,
        1,
        "document has no 'kind'",
    ),
    Bad(
        "unknown-kind",
        {"p.yaml": "kind: Persna\nid: vp\nname: VP\n"},
        "CSP007",
        "p.yaml",
        1,
        7,
        "unknown kind 'Persna'",
        "did you mean 'Persona'?",
    ),
    Bad(
        "second-workspace",
        {"more.yaml": "kind: Workspace\nname: Other\nvendor: Acme\n"},
        "CSP008",
        "more.yaml",
        1,
        7,
        "a second Workspace document",
    ),
    Bad(
        "csplan-yaml-without-workspace",
        {"csplan.yaml": PERSONA},
        "CSP008",
        "csplan.yaml",
        1,
        1,
        "csplan.yaml must start with the kind: Workspace document",
        "add 'kind: Workspace'",
    ),
    Bad(
        "csplan-yaml-empty",
        {"csplan.yaml": ""},
        "CSP008",
        "csplan.yaml",
        1,
        1,
        "csplan.yaml must start with the kind: Workspace document",
        others=["CSP006"],
    ),
    Bad(
        "invalid-settings-are-not-a-second-workspace",
        {"csplan.yaml": "kind: Workspace\nname: T\nvendor: Acme\nexclude: drafts\n"},
        "CSP103",
        "csplan.yaml",
        4,
        10,
        "'exclude' must be a list, not the text 'drafts'",
    ),
    Bad(
        "unknown-field",
        {"p.yaml": "kind: Persona\nid: vp\nname: VP\nsucess: Pipeline\n"},
        "CSP102",
        "p.yaml",
        4,
        1,
        "unknown field 'sucess'",
        "did you mean 'success'?",
    ),
    Bad(
        "key-is-a-number",
        {"p.yaml": "kind: Persona\nid: vp\nname: VP\n1: one\n"},
        "CSP103",
        "p.yaml",
        4,
        1,
        "key 1 must be text",
        'quote it: "1":',
    ),
    Bad(
        "impossible-date",
        {"a.yaml": ACCOUNT.format(arr=1).replace("start: 2026-03-01", "start: 2026-02-30")},
        "CSP107",
        "a.yaml",
        5,
        8,
        "'start': '2026-02-30' is not a real calendar date",
        others=ACCOUNT_OTHERS,
    ),
    Bad(
        "date-with-time",
        {"a.yaml": ACCOUNT.format(arr=1).replace("start: 2026-03-01", "start: 2026-03-01T09:00")},
        "CSP107",
        "a.yaml",
        5,
        8,
        "expected a date written YYYY-MM-DD",
        others=ACCOUNT_OTHERS,
    ),
    Bad(
        "second-document-at-its-line",
        {"p.yaml": PERSONA + "---\nkind: Persona\nid: ops\nname: Ops\nnmae: X\n"},
        "CSP102",
        "p.yaml",
        8,
        1,
        "unknown field 'nmae'",
        "did you mean 'name'?",
    ),
    Bad(
        "duplicate-key-in-second-document",
        {"p.yaml": PERSONA + "---\nkind: Persona\nid: ops\nid: ops2\nname: O\n"},
        "CSP002",
        "p.yaml",
        7,
        1,
        "duplicate key 'id'",
    ),
    Bad(
        "syntax-error-in-second-document",
        {"p.yaml": PERSONA + "---\nkind: Persona\nid: ops\nname: [Ops\n"},
        "CSP001",
        "p.yaml",
        7,
        7,
        "YAML syntax error",
    ),
    Bad(
        "tag-in-second-document",
        {"p.yaml": PERSONA + "---\nkind: Persona\nid: ops\nname: !x Ops\n"},
        "CSP004",
        "p.yaml",
        7,
        7,
        "tag not allowed: !x",
    ),
    Bad(
        "bom-does-not-shift-columns",
        {"p.yaml": "\ufeffkind: Persna\nid: vp\nname: VP\n"},
        "CSP007",
        "p.yaml",
        1,
        7,
        "unknown kind 'Persna'",
    ),
    Bad(
        "crlf-line-ends",
        {"p.yaml": "kind: Persona\r\nid: vp\r\nname: [VP\r\n"},
        "CSP001",
        "p.yaml",
        3,
        7,
        "YAML syntax error",
    ),
    Bad(
        "yml-files-are-read",
        {"p.yml": "kind: Persna\nid: vp\nname: VP\n"},
        "CSP007",
        "p.yml",
        1,
        7,
        "unknown kind 'Persna'",
    ),
    Bad(
        "dangling-reference",
        {
            "a.yaml": ACCOUNT.format(arr=1).replace("segment: enterprise", "segment: enterprize"),
            "s.yaml": "kind: Segment\nid: enterprise\nname: E\nexperience: ax\nmilestone_map: "
            "m\nengagement: e\n",
        },
        "CSP201",
        "a.yaml",
        4,
        10,
        "account 'northwind-events' is in segment 'enterprize', which does not exist",
        "did you mean 'enterprise'?",
        others=["CSP201", "CSP201", "CSP201", "CSP201", "CSP305"],
    ),
    Bad(
        "cycle",
        {
            "m.yaml": "kind: MilestoneMap\nid: m\noutcome: o\nmilestones:\n"
            "  - {id: a, name: A, type: customer, owner: joint, due_days: 1, after: [b]}\n"
            "  - {id: b, name: B, type: customer, owner: joint, due_days: 2, after: [a]}\n"
        },
        "CSP203",
        "m.yaml",
        6,
        73,
        "wait for each other in a circle: a -> b -> a",
        others=["CSP201"],
    ),
]


def _write(make_workspace, bad: Bad) -> Path:
    return make_workspace(bad.files)


def _matching(findings, bad: Bad):
    return [
        f
        for f in findings
        if f.code == bad.code and f.file == bad.file and bad.message in f.message
    ]


@pytest.mark.parametrize("bad", BAD, ids=lambda b: b.id)
def test_bad_input_is_a_located_finding(bad: Bad, make_workspace):
    result = load_workspace(_write(make_workspace, bad))
    [finding] = _matching(result.findings, bad)
    column = finding.column if bad.column is not None else None
    assert (finding.line, column) == (bad.line, bad.column)
    assert finding.column >= 1
    if bad.hint is not None:
        assert bad.hint in (finding.hint or "")
    assert sorted(f.code for f in result.findings) == sorted([bad.code, *bad.others])


@pytest.mark.parametrize("bad", BAD, ids=lambda b: b.id)
def test_bad_input_exit_code_and_json(bad: Bad, make_workspace, cli):
    root = _write(make_workspace, bad)
    result = cli("validate", "-w", root, "--format", "json")
    codes = [bad.code, *bad.others]
    has_errors = any(RULES[code].severity == "error" for code in codes)
    assert result.exit_code == (1 if has_errors else 0)
    payload = json.loads(result.stdout)
    assert {"code": bad.code, "file": bad.file, "line": bad.line} in [
        {k: f[k] for k in ("code", "file", "line")} for f in payload["findings"]
    ]
    assert cli("validate", "-w", root, "--strict").exit_code == 1


def test_yes_no_on_off_are_strings_and_012_is_twelve(make_workspace):
    root = make_workspace(
        {
            "p.yaml": "kind: Persona\nid: vp\nname: yes\nsuccess: on\n---\n"
            "kind: Persona\nid: ops\nname: no\nsuccess: off\n",
            "a.yaml": ACCOUNT.format(arr="012"),
        }
    )
    result = read_only(root)
    assert result.findings == []
    ws = result.workspace
    assert (ws.personas["vp"].name, ws.personas["vp"].success) == ("yes", "on")
    assert (ws.personas["ops"].name, ws.personas["ops"].success) == ("no", "off")
    assert ws.accounts["northwind-events"].arr == 12
    assert type(ws.accounts["northwind-events"].arr) is int


def test_answer_yes_is_the_text_yes(make_workspace):
    account = (
        ACCOUNT.format(arr=1)
        + "assessments:\n  - {question: knows-intent, answer: yes, as_of: 2026-03-15}\n"
    )
    result = read_only(make_workspace({"a.yaml": account}))
    assert result.findings == []
    assert result.workspace.accounts["northwind-events"].assessments[0].answer == "yes"


def test_a_bom_is_fine(make_workspace):
    root = make_workspace({"p.yaml": b"\xef\xbb\xbf" + PERSONA.encode()})
    result = load_workspace(root)
    assert result.findings == []
    assert list(result.workspace.personas) == ["vp-marketing"]


def test_every_duplicate_key_is_reported_with_its_line(make_workspace):
    text = (
        "kind: IdealCustomerProfile\nid: icp\nid: icp-2\nname: ICP\ncriteria:\n"
        "  - attribute: industry\n    equals: events\n    equals: media\n"
    )
    findings = load_workspace(make_workspace({"i.yaml": text})).findings
    assert [(f.code, f.line, f.column, f.message) for f in findings] == [
        ("CSP002", 3, 1, "duplicate key 'id'"),
        ("CSP002", 8, 5, "duplicate key 'equals'"),
    ]


def test_hidden_templates_and_excluded_files_are_ignored(make_workspace):
    broken = "kind: [\n"
    root = make_workspace(
        {
            "csplan.yaml": "kind: Workspace\nname: T\nvendor: Acme\ntemplates: templates\n"
            "exclude: [drafts/**, '*.tmp.yaml']\n",
            ".hidden/p.yaml": broken,
            ".p.yaml": broken,
            "accounts/.wip.yaml": broken,
            "templates/p.yaml": broken,
            "drafts/old/p.yaml": broken,
            "notes.tmp.yaml": broken,
            "notes.txt": broken,
            "drafts-2026/p.yml": PERSONA,
        }
    )
    result = load_workspace(root)
    assert result.findings == []
    assert list(result.workspace.personas) == ["vp-marketing"]
    assert (result.summary.files, result.summary.documents) == (2, 2)


def test_a_missing_folder_exits_2(cli, tmp_path):
    result = cli("validate", "-w", tmp_path / "nowhere")
    assert result.exit_code == 2
    assert "no such folder" in result.stderr


def test_a_folder_without_csplan_yaml_exits_2(cli, tmp_path):
    result = cli("validate", "-w", tmp_path)
    assert result.exit_code == 2
    assert "no csplan.yaml in" in result.stderr


def test_no_workspace_upward_exits_2(cli, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = cli("validate")
    assert result.exit_code == 2
    assert "no csplan.yaml" in result.stderr


def test_the_workspace_is_found_upward(cli, make_workspace, monkeypatch):
    root = make_workspace({"accounts/p.yaml": "kind: Persna\nid: vp\nname: VP\n"})
    monkeypatch.chdir(root / "accounts")
    result = cli("validate", "--format", "json")
    assert result.exit_code == 1
    assert [f["file"] for f in json.loads(result.stdout)["findings"]] == ["accounts/p.yaml"]


def test_warnings_only_exit_0_and_1_with_strict(cli, make_workspace):
    root = make_workspace({"p.yaml": ""})
    assert cli("validate", "-w", root).exit_code == 0
    assert cli("validate", "-w", root, "--strict").exit_code == 1


def test_text_output_names_file_line_and_hint(cli, make_workspace):
    root = make_workspace({"p.yaml": "kind: Persona\nid: 2024\nname: VP\n"})
    result = cli("validate", "-w", root)
    assert result.exit_code == 1
    assert "p.yaml" in result.stdout
    assert "2:5" in result.stdout
    assert "CSP103" in result.stdout
    assert 'quote it: id: "2024"' in result.stdout


@pytest.mark.parametrize(
    ("rel", "content", "code"),
    [
        (
            "p.yaml",
            "kind: Persona\nid: vp\nname: !!python/object/apply:os.system ['echo pwned']\n",
            "CSP004",
        ),
        ("p.yaml", "[" * 10_000, "CSP005"),
        ("p.yaml", b"\xff\xfe\x00k\x00i\x00n\x00d", "CSP003"),
        ("p.yaml", PERSONA + BILLION_LAUGHS, "CSP005"),
    ],
    ids=["python-tag", "deep-nesting", "binary", "billion-laughs"],
)
def test_subprocess_never_prints_a_traceback(make_workspace, rel, content, code):
    root = make_workspace({rel: content})
    proc = subprocess.run(
        [sys.executable, "-m", "csplan", "validate", "-w", str(root), "--format", "json"],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert "Traceback" not in proc.stderr
    assert proc.returncode == 1
    [finding] = json.loads(proc.stdout)["findings"]
    assert (finding["code"], finding["file"]) == (code, rel)
    assert finding["line"] >= 1


def test_subprocess_no_workspace_exits_2(tmp_path):
    proc = subprocess.run(
        [sys.executable, "-m", "csplan", "validate", "-w", str(tmp_path / "nowhere")],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr
    assert "no such folder" in proc.stderr


# --- properties: whatever the bytes, only findings -------------------------

TOKENS = [
    "kind: ",
    "Account",
    "Persona",
    "MilestoneMap",
    "EngagementModel",
    "Segment",
    "Workspace",
    "id: ",
    "name: ",
    "segment: ",
    "start: ",
    "milestones:",
    "after: ",
    "signals:",
    "components:",
    "desired_outcomes:",
    "criteria:",
    "measures:",
    "bands:",
    "\n",
    "\n  ",
    "\n    ",
    "- ",
    ": ",
    ", ",
    "[",
    "]",
    "{",
    "}",
    "'",
    '"',
    "# c",
    "---\n",
    "...\n",
    "&a ",
    "*a",
    "<<: ",
    "!!python/object ",
    "!t ",
    "!!str ",
    "? ",
    "|\n  ",
    ">-\n  ",
    "2024",
    "012",
    "0x1F",
    "1e3",
    "-1",
    ".inf",
    "yes",
    "on",
    "~",
    "null",
    "true",
    "2026-03-01",
    "2026-02-30",
    "a-b",
    "A_B",
    "é",
    "\t",
    "\ufeff",
    "%YAML 1.2\n",
]

yaml_ish = st.lists(st.sampled_from(TOKENS), max_size=60).map("".join)


@pytest.fixture(scope="module")
def fuzz_root(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("fuzz")
    (root / "csplan.yaml").write_text(
        "kind: Workspace\nname: Fuzz\nvendor: Acme\n", encoding="utf-8"
    )
    return root


def _only_findings(root: Path, rel: str, content: bytes) -> None:
    (root / rel).write_bytes(content)
    result = load_workspace(root)
    for f in result.findings:
        assert f.code in RULES
        assert f.severity == RULES[f.code].severity
        assert f.file in ("csplan.yaml", "fuzz.yaml")
        assert f.line >= 1
        assert f.column >= 1
        assert f.message
    assert result.summary.errors + result.summary.warnings == len(result.findings)


FUZZ = settings(
    max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


@FUZZ
@given(content=st.binary(max_size=400))
def test_arbitrary_bytes_give_only_findings(fuzz_root, content):
    _only_findings(fuzz_root, "fuzz.yaml", content)


@FUZZ
@given(content=st.text(max_size=300))
def test_arbitrary_text_gives_only_findings(fuzz_root, content):
    _only_findings(fuzz_root, "fuzz.yaml", content.encode("utf-8", "surrogatepass"))


@FUZZ
@given(content=yaml_ish)
def test_yaml_ish_text_gives_only_findings(fuzz_root, content):
    _only_findings(fuzz_root, "fuzz.yaml", content.encode("utf-8"))


@FUZZ
@given(content=yaml_ish)
def test_yaml_ish_settings_give_only_findings(fuzz_root, content):
    marker = fuzz_root / "csplan.yaml"
    saved = marker.read_bytes()
    try:
        _only_findings(fuzz_root, "csplan.yaml", ("kind: Workspace\n" + content).encode("utf-8"))
    finally:
        marker.write_bytes(saved)
