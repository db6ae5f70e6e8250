"""Every finding in one run (SPEC v1.2 section 3, "All at once").

A document with a shape error is still checked in its other fields: it is
built as a *partial* document from what can be read, so a misspelt key and a
dangling segment in one account are two findings of one run. What could not
be read is left out of the checks that need it, and causes no finding of its
own beyond its shape error.

Every case starts from ``tests/cases/base`` (no findings) and expects the
exact list of (code, file, line, column).
"""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from csplan.api import load_workspace
from csplan.findings import Finding
from csplan.workspace import build

BASE_DIR = Path(__file__).parent / "cases" / "base"
BASE: dict[str, str] = {
    p.relative_to(BASE_DIR).as_posix(): p.read_text(encoding="utf-8")
    for p in sorted(BASE_DIR.rglob("*.yaml"))
}
ACCOUNT = "accounts/northwind.yaml"


def edit(rel: str, *changes: tuple[str, str]) -> dict[str, str]:
    text = BASE[rel]
    for old, new in changes:
        assert text.count(old) == 1, f"{old!r} is not unique in {rel}"
        text = text.replace(old, new)
    return {rel: text}


def load(make_workspace: Any, files: dict[str, str]) -> list[Finding]:
    return load_workspace(make_workspace({**BASE, **files})).findings


def where(findings: list[Finding]) -> list[tuple[str, str, int, int]]:
    return [(f.code, f.file, f.line, f.column) for f in findings]


# --- two findings of one run --------------------------------------------------


def test_misspelt_key_and_dangling_segment(make_workspace):
    files = edit(
        ACCOUNT,
        ("segment: enterprise\n", "segment: enterprize\nownr: jane.doe@acme.example\n"),
    )
    findings = load(make_workspace, files)
    assert where(findings) == [("CSP201", ACCOUNT, 4, 10), ("CSP102", ACCOUNT, 5, 1)]
    assert findings[0].message == (
        "account 'northwind-events' is in segment 'enterprize', which does not exist"
    )
    assert findings[0].hint == "did you mean 'enterprise'?"
    assert findings[1].message == "unknown field 'ownr'"


def test_wrong_typed_arr_and_unknown_milestone(make_workspace):
    files = edit(
        ACCOUNT,
        ("start: 2026-03-01\n", 'start: 2026-03-01\narr: "48k"\n'),
        ("{id: list-imported,", "{id: list-imprted,"),
    )
    findings = load(make_workspace, files)
    assert where(findings) == [("CSP103", ACCOUNT, 6, 6), ("CSP201", ACCOUNT, 15, 10)]
    assert findings[0].message == "'arr' must be a number, not the text '48k'"
    assert findings[1].message == (
        "account 'northwind-events' lists milestone 'list-imprted', which is not in map "
        "'events-enterprise'"
    )


def test_unknown_key_in_a_milestone_and_an_after_cycle(make_workspace):
    files = edit(
        "map.yaml",
        ("    due_days: 14\n", "    due_days: 14\n    colour: blue\n    after: [first-campaign]\n"),
    )
    findings = load(make_workspace, files)
    assert where(findings) == [("CSP102", "map.yaml", 10, 5), ("CSP203", "map.yaml", 20, 13)]
    assert findings[1].message.endswith("list-imported -> first-campaign -> list-imported")


def test_missing_start_and_dangling_segment_without_noise(make_workspace):
    """No start: the milestones reached cannot be compared with it, so no
    "reached before start" warning, and nothing else is invented."""
    files = edit(
        ACCOUNT,
        ("segment: enterprise\nstart: 2026-03-01\n", "segment: enterprize\n"),
        ("[2026-04-01, 2026-05-01]", "[2025-04-01, 2025-05-01]"),
    )
    findings = load(make_workspace, files)
    assert where(findings) == [("CSP101", ACCOUNT, 1, 1), ("CSP201", ACCOUNT, 4, 10)]
    assert findings[0].message == "missing required field 'start' in this Account"


def test_a_broken_segment_is_still_checked_and_does_not_cascade(make_workspace):
    """Accounts in a segment with errors get no "unknown segment"; the
    segment's own dangling reference is reported; its map still checks the
    accounts' milestones."""
    files = {
        **edit(
            "segments.yaml",
            ("name: Enterprise business teams", "name: [Enterprise]"),
            ("engagement: enterprise-dsce", "engagement: enterprise-dcse"),
        ),
        **edit(ACCOUNT, ("{id: first-campaign,", "{id: first-campain,")),
    }
    findings = load(make_workspace, files)
    assert where(findings) == [
        ("CSP201", ACCOUNT, 15, 10),
        ("CSP103", "segments.yaml", 3, 7),
        ("CSP201", "segments.yaml", 8, 13),
    ]
    assert "enterprize" not in " ".join(f.message for f in findings)


def test_a_segment_without_a_readable_map_does_not_judge_milestones(make_workspace):
    files = {
        **edit("segments.yaml", ("milestone_map: events-enterprise", "milestone_map: 12")),
        **edit(ACCOUNT, ("{id: first-campaign,", "{id: first-campain,")),
    }
    assert where(load(make_workspace, files)) == [("CSP103", "segments.yaml", 7, 16)]


# --- what was dropped does not cascade -----------------------------------------


def test_a_dropped_list_item_keeps_the_lines_of_the_others(make_workspace):
    """The first milestone cannot be read; the second, now first in the
    model, is still reported at its own line, and its early date too."""
    files = edit(
        ACCOUNT,
        ("{id: list-imported, reached: 2026-03-09}", "{id: list-imported, reached: soon}"),
        ("{id: first-campaign, reached: [2026-04-01, 2026-05-01]}",
         "{id: first-campain, reached: [2026-04-01, 2026-02-01]}"),
    )  # fmt: skip
    findings = load(make_workspace, files)
    assert where(findings) == [
        ("CSP107", ACCOUNT, 14, 34),
        ("CSP201", ACCOUNT, 15, 10),
        ("CSP206", ACCOUNT, 15, 47),
        ("CSP304", ACCOUNT, 15, 47),
    ]


def test_a_dropped_map_milestone_does_not_cascade_but_its_map_is_checked(make_workspace):
    """Accounts and other milestones naming the unreadable milestone are not
    reported; a dangling vehicle of the same map is."""
    files = edit(
        "map.yaml",
        ("due_days: 30", "due_days: soon"),
        ("vehicles: [onboarding-webinar]", "vehicles: [webinar]"),
    )
    findings = load(make_workspace, files)
    assert where(findings) == [("CSP201", "map.yaml", 12, 16), ("CSP103", "map.yaml", 17, 15)]


def test_a_map_without_readable_milestones_judges_no_account(make_workspace):
    """`milestone:` misspelt: the accounts' milestones are not "not in the
    map", and the map is not "without a customer milestone"."""
    files = edit("map.yaml", ("milestones:", "milestone:"))
    findings = load(make_workspace, files)
    assert where(findings) == [("CSP101", "map.yaml", 1, 1), ("CSP102", "map.yaml", 4, 1)]


def test_an_unreadable_customer_milestone_is_not_a_missing_one(make_workspace):
    files = edit("map.yaml", ("type: customer", "type: custmer"))
    findings = load(make_workspace, files)
    assert where(findings) == [("CSP105", "map.yaml", 21, 11)]


def test_a_misspelt_list_is_not_an_empty_one(make_workspace):
    """`stakeholder:` hides the champion: no "no champion" warning."""
    files = edit(ACCOUNT, ("stakeholders:", "stakeholder:"))
    assert where(load(make_workspace, files)) == [("CSP102", ACCOUNT, 6, 1)]


def test_an_unreadable_band_is_not_a_missing_band_at_zero(make_workspace):
    settings_text = (
        "kind: Workspace\nname: Test\nvendor: Acme\nbands:\n"
        "  - {name: healthy, min: 75}\n  - {name: at-risk, min: zero}\n"
    )
    findings = load(make_workspace, {"csplan.yaml": settings_text})
    assert where(findings) == [("CSP103", "csplan.yaml", 6, 26)]


def test_unreadable_components_leave_the_rest_of_the_model_checked(make_workspace):
    files = edit(
        "engagement.yaml",
        ("id: enterprise-dsce\n", "id: enterprise-dsce\nowner: cs-ops\n"),
        ("good: 0.6, bad: 0.1", "good: 0.6, bad: 0.6"),
    )
    findings = load(make_workspace, files)
    assert [(f.code, f.line) for f in findings] == [("CSP102", 3), ("CSP204", 13)]


# --- partial documents: marked, duplicates, unreadable ids ------------------------


def test_partial_documents_are_marked_and_never_scored(make_workspace, cli):
    root = make_workspace({**BASE, **edit(ACCOUNT, ("start:", "strat:"))})
    result = load_workspace(root)
    account = result.workspace.accounts["northwind-events"]
    assert account.partial and account.start is None
    assert not account.intact("start") and account.intact("milestones")
    assert "northwind-events" in result.workspace.invalid_ids["Account"]
    assert not result.workspace.segments["enterprise"].partial
    scored = cli("score", "--all", "-w", root, "--as-of", "2026-11-01")
    assert scored.exit_code == 1
    assert "Traceback" not in scored.output


def test_a_partial_document_with_a_duplicate_id_is_reported(make_workspace):
    other = BASE[ACCOUNT].replace("name: Northwind Events", "name: Northwind\nnmae: Northwind")
    # Files are read in path order: the copy comes second.
    findings = load(make_workspace, {"accounts/zz-copy.yaml": other})
    assert where(findings) == [
        ("CSP202", "accounts/zz-copy.yaml", 2, 5),
        ("CSP102", "accounts/zz-copy.yaml", 4, 1),
    ]


def test_a_document_without_a_readable_id_is_left_out(make_workspace):
    """Nothing can name it or refer to it: only its own errors are reported,
    and references to its kind are not judged against an incomplete list."""
    files = {
        "extra.yaml": "kind: Segment\nid: 2024\nname: Broken\nexperience: nowhere\n"
        "milestone_map: events-enterprise\nengagement: enterprise-dsce\n",
        **edit(ACCOUNT, ("segment: enterprise", "segment: smb")),
    }
    result = load_workspace(make_workspace({**BASE, **files}))
    assert [(f.code, f.file) for f in result.findings] == [
        ("CSP201", ACCOUNT),
        ("CSP103", "extra.yaml"),
    ]
    assert "Segment" in result.workspace.invalid_ids
    assert list(result.workspace.segments) == ["enterprise"]


def test_a_clean_workspace_never_builds_a_partial_document(monkeypatch):
    def fail(*args: object) -> None:
        raise AssertionError("the partial path ran on a valid document")

    monkeypatch.setattr(build, "_salvage", fail)
    assert load_workspace(BASE_DIR).findings == []


def test_both_findings_through_the_cli(make_workspace, cli):
    files = edit(ACCOUNT, ("segment: enterprise\n", "segment: enterprize\nownr: jane\n"))
    result = cli("validate", "-w", make_workspace({**BASE, **files}))
    assert result.exit_code == 1
    assert f"{ACCOUNT}" in result.output
    assert "4:10" in result.output and "CSP201" in result.output
    assert "5:1" in result.output and "CSP102" in result.output


# --- property: an unknown key adds exactly its own finding -----------------------

# Edits of the base workspace, each giving findings of their own, so that the
# property is checked against workspaces that already report something.
SEEDS = [
    edit(ACCOUNT, ("segment: enterprise", "segment: enterprize")),
    edit(
        ACCOUNT,
        (
            "  - {name: Dana Kim, role: VP Marketing, persona: vp-marketing, champion: true}",
            "  - {name: Dana Kim, role: VP Marketing, persona: vp-marketting}",
        ),
    ),
    edit(ACCOUNT, ("[2026-04-01, 2026-05-01]", "[2026-02-01, 2026-01-01]")),
    edit("map.yaml", ("type: customer", "type: functional")),
    edit("map.yaml", ("vehicles: [onboarding-webinar]", "vehicles: [webinar]")),
    edit("engagement.yaml", ("good: 0.6, bad: 0.1", "good: 0.6, bad: 0.6")),
    edit("segments.yaml", ("personas: [vp-marketing, marketing-ops]", "personas: [cfo]")),
]
# Mappings whose keys are data, not field names: a new key there is not unknown.
FREE_FORM = {"attributes", "signals", "personas"}
# Letters no field name is close to, so the key is never a likely misspelling.
ODD_KEYS = st.text(alphabet="qxzjkw", min_size=3, max_size=8)


def _mappings(node: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = []
    if isinstance(node, dict):
        if not (path and path[-1] in FREE_FORM):
            found.append(path)
        for key, value in node.items():
            found.extend(_mappings(value, (*path, key)))
    elif isinstance(node, list):
        for i, value in enumerate(node):
            found.extend(_mappings(value, (*path, i)))
    return found


def _write(root: Path, docs: dict[str, list[Any]]) -> None:
    for rel, file_docs in docs.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(yaml.safe_dump_all(file_docs, sort_keys=False), encoding="utf-8")


def _stable(f: Finding) -> tuple[Any, ...]:
    """A finding without its line: the added key moves the lines below it,
    the path to the node it names must not move."""
    assert f.ref is not None
    return (f.code, f.severity, f.file, f.message, f.hint, f.ref.doc, f.ref.path, f.ref.key)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.data())
def test_an_unknown_key_adds_exactly_one_finding(data, tmp_path_factory):
    files = dict(BASE)
    for seed in data.draw(st.lists(st.sampled_from(SEEDS), max_size=3, unique_by=id)):
        for rel, text in seed.items():
            files[rel] = text
    # PyYAML reads YAML 1.1: keep the answers text as csplan (YAML 1.2) reads them.
    files[ACCOUNT] = files[ACCOUNT].replace("answer: yes", "answer: 'yes'")
    files[ACCOUNT] = files[ACCOUNT].replace("answer: no", "answer: 'no'")
    docs = {rel: list(yaml.safe_load_all(text)) for rel, text in files.items()}

    before_root = tmp_path_factory.mktemp("before")
    _write(before_root, docs)
    before = load_workspace(before_root).findings

    changed = copy.deepcopy(docs)
    rel = data.draw(st.sampled_from(sorted(changed)), label="file")
    index = data.draw(st.integers(0, len(changed[rel]) - 1), label="document")
    path = data.draw(st.sampled_from(_mappings(changed[rel][index])), label="mapping")
    key = data.draw(ODD_KEYS, label="key")
    node = changed[rel][index]
    for part in path:
        node = node[part]
    if key in node:
        return
    node[key] = 1
    after_root = tmp_path_factory.mktemp("after")
    _write(after_root, changed)
    after = load_workspace(after_root).findings

    extra = [f for f in after if f.code == "CSP102" and f.ref and f.ref.path == (*path, key)]
    assert len(extra) == 1, [(f.code, f.message) for f in after]
    assert (extra[0].file, extra[0].message) == (rel, f"unknown field '{key}'")
    assert sorted(map(_stable, (f for f in after if f is not extra[0]))) == sorted(
        map(_stable, before)
    )


@pytest.mark.parametrize("rel", sorted(BASE))
def test_an_unknown_key_at_the_top_of_each_document(rel, make_workspace):
    """The property above, deterministically, for the top of every file."""
    text = BASE[rel].replace("kind:", "qxzj: 1\nkind:", 1)
    line = text[: text.index("qxzj")].count("\n") + 1
    findings = load(make_workspace, {rel: text})
    assert where(findings) == [("CSP102", rel, line, 1)]
