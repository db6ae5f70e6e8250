"""Configuration changes between two workspace versions (SPEC section 7):
documents compared as written, by kind and id, with the key paths that differ."""

from __future__ import annotations

from pathlib import Path

from conftest import EXAMPLES

from csplan.model import Workspace
from csplan.results import DocumentChange, PathChange
from csplan.workspace.changes import configuration_changes
from csplan.workspace.load import read_workspace_files

ACME = EXAMPLES / "acme-mail"


def example_files() -> dict[str, bytes]:
    return {p.relative_to(ACME).as_posix(): p.read_bytes() for p in ACME.rglob("*.yaml")}


def workspace(files: dict[str, bytes], *, clean: bool = True) -> Workspace:
    # Changes are read from the documents as written: a workspace with
    # errors still has them (diff refuses such a side before comparing).
    result = read_workspace_files(Path("/nowhere/acme-mail"), files)
    assert result is not None
    assert not clean or not result.findings, result.findings
    return result.workspace


def edited(files: dict[str, bytes], path: str, old: str, new: str) -> dict[str, bytes]:
    text = files[path].decode()
    assert text.count(old) == 1, old
    return {**files, path: text.replace(old, new).encode()}


def small(**docs: str) -> Workspace:
    """A workspace of one settings file and the given files."""
    files = {"csplan.yaml": b"kind: Workspace\nname: Test\nvendor: Acme\n"}
    files.update({name.replace("__", "/") + ".yaml": text.encode() for name, text in docs.items()})
    return workspace(files, clean=False)


def test_the_same_workspace_has_no_changes() -> None:
    files = example_files()
    assert configuration_changes(workspace(files), workspace(dict(files))) == ()


def test_a_component_weight_change_is_one_path() -> None:
    files = example_files()
    after = edited(
        files,
        "engagement/enterprise.yaml",
        "  outcomes:\n    weight: 2",
        "  outcomes:\n    weight: 3",
    )
    assert configuration_changes(workspace(files), workspace(after)) == (
        DocumentChange(
            "EngagementModel",
            "enterprise-dsce",
            "modified",
            (PathChange("components.outcomes.weight", 2, 3),),
        ),
    )


def test_a_milestone_is_named_by_its_id() -> None:
    files = example_files()
    after = edited(files, "maps/enterprise.yaml", "due_days: 120", "due_days: 90")
    (change,) = configuration_changes(workspace(files), workspace(after))
    assert (change.kind, change.id, change.change) == (
        "MilestoneMap",
        "events-enterprise",
        "modified",
    )
    assert change.paths == (
        PathChange("milestones[first-event-beats-last-year].due_days", 120, 90),
    )


def test_list_items_added_and_removed_by_id_are_one_path_each() -> None:
    before = small(
        maps="kind: MilestoneMap\nid: m\noutcome: o\nmilestones:\n"
        "  - {id: a, name: A, type: functional, owner: customer, due_days: 1}\n"
        "  - {id: b, name: B, type: functional, owner: customer, due_days: 2}\n"
    )
    after = small(
        maps="kind: MilestoneMap\nid: m\noutcome: o\nmilestones:\n"
        "  - {id: a, name: A, type: functional, owner: customer, due_days: 1}\n"
        "  - {id: c, name: C, type: customer, owner: joint, due_days: 3}\n"
    )
    (change,) = configuration_changes(before, after)
    assert change.paths == (
        PathChange(
            "milestones[b]",
            {"id": "b", "name": "B", "type": "functional", "owner": "customer", "due_days": 2},
            None,
        ),
        PathChange(
            "milestones[c]",
            None,
            {"id": "c", "name": "C", "type": "customer", "owner": "joint", "due_days": 3},
        ),
    )


def test_reordering_items_with_ids_is_a_change_of_the_list() -> None:
    # Milestones are in route order: moving one changes the route.
    before = small(p="kind: X\nid: x\nitems: [{id: a}, {id: b}]\n")
    after = small(p="kind: X\nid: x\nitems: [{id: b}, {id: a}]\n")
    (change,) = configuration_changes(before, after)
    assert change.paths == (PathChange("items", ["a", "b"], ["b", "a"]),)


def test_documents_added_and_removed_in_kind_then_id_order() -> None:
    files = example_files()
    after = dict(files)
    after["personas.yaml"] = (
        files["personas.yaml"] + b"---\nkind: Persona\nid: aa-new-persona\nname: New\n"
    )
    del after["accounts/tiny-stage-comedy.yaml"]
    del after["vehicles.yaml"]
    changes = configuration_changes(workspace(files), workspace(after))
    summary = [(c.kind, c.id, c.change) for c in changes]
    removed_vehicles = [("SuccessVehicle", v, "removed") for v in sorted(workspace(files).vehicles)]
    assert summary == [
        ("Persona", "aa-new-persona", "added"),
        *removed_vehicles,
        ("Account", "tiny-stage-comedy", "removed"),
    ]
    assert all(c.paths == () for c in changes)


def test_a_document_moved_to_another_file_is_not_a_change() -> None:
    files = example_files()
    after = dict(files)
    after["catalogue/the-outcomes.yaml"] = after.pop("outcomes.yaml")
    # One of several documents moved out of its file, too.
    first, _, rest = files["vehicles.yaml"].partition(b"\n---\n")
    after["vehicles.yaml"] = rest
    after["more/vehicle.yaml"] = first
    assert configuration_changes(workspace(files), workspace(after)) == ()


def test_a_key_on_one_side_only_shows_none_on_the_other() -> None:
    files = example_files()
    after = edited(
        files,
        "vehicles.yaml",
        "url: https://acme-mail.example/webinars\n",
        "",
    )
    after = edited(
        after,
        "outcomes.yaml",
        "kind: RequiredOutcome\nid: grow-registrations\n",
        "kind: RequiredOutcome\nid: grow-registrations\nnote_for_review: new\n",
    )
    changes = configuration_changes(workspace(files), workspace(after, clean=False))
    assert [(c.kind, c.id, c.paths) for c in changes] == [
        ("RequiredOutcome", "grow-registrations", (PathChange("note_for_review", None, "new"),)),
        (
            "SuccessVehicle",
            "onboarding-webinar",
            (PathChange("url", "https://acme-mail.example/webinars", None),),
        ),
    ]


def test_lists_without_ids_are_named_by_position_nested_too() -> None:
    files = example_files()
    after = edited(
        files,
        "engagement/enterprise.yaml",
        "{signal: registration_lift_pct, good: 20,",
        "{signal: registration_lift_pct, good: 25,",
    )
    (change,) = configuration_changes(workspace(files), workspace(after))
    assert change.paths == (PathChange("components.outcomes.measures[1].good", 20, 25),)


def test_evidence_edits_of_an_account_are_configuration_changes() -> None:
    before = small(a="kind: Account\nid: a\nsignals:\n  wau: [{as_of: 2026-10-01, value: 0.4}]\n")
    after = small(
        a="kind: Account\nid: a\nsignals:\n"
        "  wau: [{as_of: 2026-10-01, value: 0.45}, {as_of: 2026-11-01, value: 0.5}]\n"
    )
    (change,) = configuration_changes(before, after)
    assert (change.kind, change.id) == ("Account", "a")
    assert change.paths == (
        PathChange("signals.wau[0].value", 0.4, 0.45),
        PathChange("signals.wau[1]", None, {"as_of": "2026-11-01", "value": 0.5}),
    )


def test_true_is_not_one_but_two_is_two_point_zero() -> None:
    before = small(a="kind: X\nid: x\nflag: 1\nweight: 2\n")
    after = small(a="kind: X\nid: x\nflag: true\nweight: 2.0\n")
    (change,) = configuration_changes(before, after)
    assert change.paths == (PathChange("flag", 1, True),)


def test_the_settings_document_is_workspace_with_an_empty_id() -> None:
    files = example_files()
    after = edited(files, "csplan.yaml", "play_window_days: 30", "play_window_days: 45")
    after = edited(after, "csplan.yaml", "name: Acme Mail customer success", "name: Acme CS")
    assert configuration_changes(workspace(files), workspace(after)) == (
        DocumentChange(
            "Workspace",
            "",
            "modified",
            (
                PathChange("name", "Acme Mail customer success", "Acme CS"),
                PathChange("play_window_days", 30, 45),
            ),
        ),
    )


def test_without_a_base_every_document_is_added() -> None:
    head = workspace(example_files())
    changes = configuration_changes(None, head)
    assert {c.change for c in changes} == {"added"}
    assert changes[0] == DocumentChange("Workspace", "", "added")
    assert changes[-1] == DocumentChange("Account", "tiny-stage-comedy", "added")
    assert len(changes) == 34  # every document of the example
