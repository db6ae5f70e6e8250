"""A change of destination that the milestone map does not follow (CSP307):
the customer plan says where the roadmap still leads, never that it follows
the new destination."""

from __future__ import annotations

from pathlib import Path

import pytest

BASE_DIR = Path(__file__).parent / "cases" / "base"
ACCOUNT = "accounts/northwind.yaml"
NO_SHOWS = (
    "kind: RequiredOutcome\nid: fewer-no-shows\nstatement: Fewer people miss your events\n"
    "metric: {signal: registrations_per_event, unit: no-shows, direction: decrease}\n"
)
FOLLOWS = "The route below follows the new destination."


def _workspace(make_workspace, outcome: str) -> Path:
    files: dict[str, str | bytes] = {
        p.relative_to(BASE_DIR).as_posix(): p.read_text(encoding="utf-8")
        for p in BASE_DIR.rglob("*.yaml")
    }
    files[ACCOUNT] = files[ACCOUNT].replace(
        "target: 500}\n",
        f"target: 500}}\n  - {{since: 2026-09-01, outcome: {outcome}, baseline: 40, "
        "target: 20, reason: no-shows now cost more than registrations}\n",
    )
    files["no-shows.yaml"] = NO_SHOWS
    return make_workspace(files)


@pytest.mark.parametrize("fmt", ["md", "html"])
def test_plan_says_the_roadmap_still_leads_to_the_old_outcome(make_workspace, cli, tmp_path, fmt):
    root = _workspace(make_workspace, "fewer-no-shows")
    out = tmp_path / "out"
    result = cli(
        "render",
        "northwind-events",
        "-w",
        root,
        "--as-of",
        "2026-11-01",
        "--format",
        fmt,
        "-o",
        out,
    )
    assert result.exit_code == 0, result.output
    text = (out / f"northwind-events.customer.{fmt}").read_text(encoding="utf-8")
    assert "A change of destination" in text
    assert FOLLOWS not in text
    assert (
        "The roadmap below still leads to “More people register for your events”: we will "
        "agree the route to the new destination together."
    ) in text


def test_plan_says_the_route_follows_when_it_does(make_workspace, cli, tmp_path):
    root = _workspace(make_workspace, "grow-registrations")
    out = tmp_path / "out"
    result = cli(
        "render",
        "northwind-events",
        "-w",
        root,
        "--as-of",
        "2026-11-01",
        "--format",
        "md",
        "-o",
        out,
    )
    assert result.exit_code == 0, result.output
    text = (out / "northwind-events.customer.md").read_text(encoding="utf-8")
    assert FOLLOWS in text
    assert "still leads to" not in text
