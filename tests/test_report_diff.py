"""``csplan diff`` reporters (report/diff.py): SPEC section 7's JSON shape,
the pull-request comment's order and escaping, the table, and GitHub
annotations with the step summary, on a Diff built by hand."""

from __future__ import annotations

import io
import json
import os
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from conftest import EXAMPLES

import csplan
from csplan.model import COMPONENTS, Workspace
from csplan.report import diff as report
from csplan.results import (
    AccountDiff,
    ComponentChange,
    Diff,
    DiffSummary,
    DocumentChange,
    MeasureChange,
    MeasureScore,
    MilestoneChanges,
    PathChange,
    Play,
    PlayChanges,
    Side,
)

WS = EXAMPLES / "acme-mail"
NASTY = "Smith & *Sons* <b>x</b> | [link](http://evil)"


@pytest.fixture(scope="module")
def ws() -> Workspace:
    return csplan.load_workspace(WS).workspace


def _side(attainment: float, band: str, route: str = "on-track") -> Side:
    return Side(
        segment="enterprise",
        attainment=attainment,
        band=band,
        success_gap=50.0,
        route=route,
        outcome_progress=0.27,
        ax_coverage=0.75,
        icp_fit=1.0,
        started=True,
        outcome="grow-registrations",
        arr=120000,
    )


def _components(
    moves: dict[str, tuple[float, float]], **measures: Any
) -> tuple[ComponentChange, ...]:
    return tuple(
        ComponentChange(name, *moves.get(name, (5.0, 5.0)), measures=measures.get(name, ()))
        for name in COMPONENTS
    )


def _account(
    id: str,
    before: Side | None,
    after: Side | None,
    components: tuple[ComponentChange, ...] = (),
    *,
    status: str = "changed",
    ws: Workspace | None = None,
    **extra: Any,
) -> AccountDiff:
    change = after.attainment - before.attainment if before and after else None
    source = ws.accounts["northwind-events"].source if ws is not None else None
    return AccountDiff(
        id=id,
        name=extra.pop("name", id.title()),
        status=status,  # type: ignore[arg-type]
        before=before,
        after=after,
        change=change,
        configuration=None,
        evidence=change,
        unattributed=0.0,
        components=components,
        milestones=extra.pop("milestones", MilestoneChanges()),
        plays=extra.pop("plays", PlayChanges()),
        source=source,
    )


def _evidence_measure(ws: Workspace) -> MeasureScore:
    """A real measure of northwind-events, so its source has a file and line."""
    [score] = csplan.score(ws, "northwind-events", "2026-11-01")
    for c in score.engagement.components:
        for m in c.measures:
            if m.kind == "signal" and m.source is not None:
                return m
    raise AssertionError("northwind-events has no signal evidence")


def make_diff(ws: Workspace) -> Diff:
    real = _evidence_measure(ws)
    moved = MeasureChange(
        "signal",
        real.ref,
        MeasureScore("signal", real.ref, 1.0, 0.8, "0.9 on 2026-09-20"),
        real,
    )
    only_after = MeasureChange(
        "question", "new-question", None, MeasureScore("question", "new-question", 1, 1.0, "yes")
    )
    accounts = (
        _account(
            "alpha",
            _side(71.4, "watch"),
            _side(64.2, "at-risk", "off-track"),
            _components(
                {"relationship": (10.0, 5.9), "outcomes": (20.0, 16.9)},
                relationship=(moved, only_after),
            ),
            name=NASTY,
            ws=ws,
            milestones=MilestoneChanges(overdue=("first-campaign",)),
            plays=PlayChanges(
                added=(
                    Play(
                        "risk",
                        "Recover the overdue milestone",
                        reason="overdue-milestone",
                        ref="first-campaign",
                    ),
                ),
                removed=(Play("expansion", "Offer the add-on", milestone="list-imported"),),
            ),
        ),
        _account(
            "bravo", _side(60.0, "watch"), _side(72.0, "watch"), _components({"intent": (0, 12)})
        ),
        _account(
            "charlie",
            _side(49.5, "at-risk"),
            _side(50.5, "watch"),
            _components({"journey": (1.0, 2.0)}),
        ),
        _account(
            "delta",
            _side(80.0, "healthy"),
            _side(80.0, "healthy"),
            _components({}),
            status="unchanged",
        ),
        _account("echo", None, _side(90.0, "healthy"), status="added"),
    )
    return Diff(
        from_date=date(2026, 10, 1),
        to_date=date(2026, 11, 1),
        base="main",
        configuration=(
            DocumentChange(
                "EngagementModel",
                "enterprise-dsce",
                "modified",
                (PathChange("components.outcomes.weight", 2, 3),),
            ),
        ),
        accounts=accounts,
        summary=DiffSummary(accounts=5, changed=3, added=1, removed=0, band_changes=2),
    )


def _write(fmt: str, diff: Diff, ws: Workspace, step_summary: str | None = None) -> str:
    out = io.StringIO()
    report.REPORTERS[fmt](diff, report.DiffView(ws, ws, step_summary), out)
    return out.getvalue()


# --- json -------------------------------------------------------------------


def test_json_is_spec_section_7_shape(ws: Workspace) -> None:
    diff = make_diff(ws)
    data = json.loads(_write("json", diff, ws))
    assert list(data) == [
        "schema_version",
        "from",
        "to",
        "base",
        "configuration",
        "accounts",
        "summary",
    ]
    assert data["schema_version"] == "1.1"
    assert (data["from"], data["to"], data["base"]) == ("2026-10-01", "2026-11-01", "main")
    assert data["configuration"] == [
        {
            "kind": "EngagementModel",
            "id": "enterprise-dsce",
            "change": "modified",
            "paths": [{"path": "components.outcomes.weight", "before": 2, "after": 3}],
        }
    ]
    assert data["summary"] == {
        "accounts": 5,
        "changed": 3,
        "added": 1,
        "removed": 0,
        "band_changes": 2,
    }
    # Every account asked for, unchanged ones included, in the diff's (id) order.
    assert [a["id"] for a in data["accounts"]] == ["alpha", "bravo", "charlie", "delta", "echo"]
    alpha = data["accounts"][0]
    assert list(alpha) == [
        "id",
        "name",
        "status",
        "before",
        "after",
        "attainment",
        "milestones",
        "plays",
    ]
    assert alpha["name"] == NASTY  # JSON carries user text as written
    assert alpha["before"] == {
        "segment": "enterprise",
        "attainment": 71.4,
        "band": "watch",
        "success_gap": 50.0,
        "route": "on-track",
        "outcome_progress": 0.27,
        "ax_coverage": 0.75,
        "icp_fit": 1.0,
        "started": True,
        "outcome": "grow-registrations",
        "arr": 120000,
    }
    att = alpha["attainment"]
    # Unrounded: 64.2 - 71.4 in floating point, not -7.2.
    assert att["change"] == 64.2 - 71.4
    assert att["configuration"] is None and att["evidence"] == 64.2 - 71.4
    assert att["unattributed"] == 0.0
    assert [c["name"] for c in att["components"]] == list(COMPONENTS)
    rel = next(c for c in att["components"] if c["name"] == "relationship")
    assert (rel["before"], rel["after"], rel["change"]) == (10.0, 5.9, 5.9 - 10.0)
    real = _evidence_measure(ws)
    file, line = ws.evidence_location(real.source)  # type: ignore[misc]
    assert rel["measures"] == [
        {
            "kind": "signal",
            "ref": real.ref,
            "before": {"score": 0.8, "evidence": "0.9 on 2026-09-20", "file": None, "line": None},
            "after": {"score": real.score, "evidence": real.evidence, "file": file, "line": line},
        },
        {
            "kind": "question",
            "ref": "new-question",
            "before": None,
            "after": {"score": 1.0, "evidence": "yes", "file": None, "line": None},
        },
    ]
    assert file.startswith("accounts/") and line > 1
    assert alpha["milestones"] == {
        "reached": [],
        "lapsed": [],
        "overdue": ["first-campaign"],
        "recovered": [],
    }
    assert alpha["plays"] == {
        "added": [
            {
                "type": "risk",
                "reason": "overdue-milestone",
                "ref": "first-campaign",
                "play": "Recover the overdue milestone",
            }
        ],
        "removed": [
            {"type": "expansion", "play": "Offer the add-on", "milestone": "list-imported"}
        ],
    }
    echo = data["accounts"][4]
    assert echo["status"] == "added" and echo["before"] is None
    assert echo["after"]["attainment"] == 90.0 and echo["attainment"]["change"] is None


def test_json_without_base_has_null_configuration(ws: Workspace) -> None:
    diff = make_diff(ws)
    diff.base, diff.configuration = None, None
    data = json.loads(_write("json", diff, ws))
    assert data["base"] is None and data["configuration"] is None


def test_json_refuses_nan(ws: Workspace) -> None:
    diff = make_diff(ws)
    assert diff.accounts[1].after is not None
    diff.accounts[1].after.attainment = float("nan")
    with pytest.raises(ValueError):
        _write("json", diff, ws)


# --- markdown ---------------------------------------------------------------


def test_markdown_orders_band_changes_first_then_largest_move(ws: Workspace) -> None:
    text = _write("markdown", make_diff(ws), ws)
    lines = text.splitlines()
    start = lines.index("| Account | Attainment | Band | Route | Biggest moves |") + 2
    end = lines.index("", start)
    ids = [row.split("|")[1].strip() for row in lines[start:end]]
    # alpha (band, |-7.2|), charlie (band, |+1.0|), bravo (no band, |+12|), echo (added).
    assert ids == ["alpha", "charlie", "bravo", "echo"]
    assert "delta" not in text  # unchanged accounts are left out
    summaries = [line for line in text.splitlines() if line.startswith("<details><summary>alpha")]
    assert summaries and "watch → at-risk" in summaries[0]
    assert text.index("<summary>alpha") < text.index("<summary>charlie")
    assert text.index("<summary>charlie") < text.index("<summary>bravo")


def test_markdown_headline_configuration_and_evidence(ws: Workspace) -> None:
    text = _write("markdown", make_diff(ws), ws)
    headline = text.splitlines()[0]
    assert headline == (
        "**csplan diff** base `main` on 2026-10-01 → working tree on 2026-11-01:"
        " 3 of 5 accounts changed, 2 changed band, 1 added, 0 removed"
    )
    assert "`components.outcomes.weight`: `2` → `3`" in text
    real = _evidence_measure(ws)
    file, line = ws.evidence_location(real.source)  # type: ignore[misc]
    assert f"`{file}:{line}`" in text
    assert "71.4 → 64.2 (−7.2)" in text
    assert "not measured" in text  # the question that exists after only
    assert "Now overdue: `first-campaign`" in text


def test_markdown_escapes_user_text(ws: Workspace) -> None:
    text = _write("markdown", make_diff(ws), ws)
    assert NASTY not in text
    assert "<b>" not in text
    assert r"\*Sons\*" in text and r"\<b\>" in text and r"\[link\]" in text


def test_markdown_summary_is_html_escaped(ws: Workspace) -> None:
    diff = make_diff(ws)
    evil = _account(
        "x<script>", _side(10, "at-risk"), _side(20, "at-risk"), _components({"intent": (0, 10)})
    )
    diff.accounts = (evil,)
    text = _write("markdown", diff, ws)
    assert "<script>" not in text
    assert "<summary>x&lt;script&gt;" in text


def test_markdown_folds_long_configuration(ws: Workspace) -> None:
    diff = make_diff(ws)
    paths = tuple(PathChange(f"components.c{i}.weight", i, i + 1) for i in range(12))
    diff.configuration = (DocumentChange("EngagementModel", "m", "modified", paths),)
    text = _write("markdown", diff, ws)
    assert "<details><summary>Configuration changes: 1 document</summary>" in text
    short = _write("markdown", make_diff(ws), ws)
    assert "<summary>Configuration changes" not in short
    assert "Configuration changes: 1 document" in short


# --- table ------------------------------------------------------------------


def test_table_lists_changed_accounts_and_summary(ws: Workspace) -> None:
    text = _write("table", make_diff(ws), ws)
    lines = text.splitlines()
    assert lines[0] == "base main on 2026-10-01 → working tree on 2026-11-01"
    rows = {line.split()[0]: line for line in lines[3:] if line.strip()}
    assert "delta" not in rows
    assert "71.4 → 64.2 (−7.2)" in rows["alpha"]
    assert "watch → at-risk" in rows["alpha"]
    assert "on-track → off-track" in rows["alpha"]
    # The three biggest component moves, largest first.
    assert rows["alpha"].endswith("relationship −4.1, outcomes −3.1")
    assert "added at 90.0" in rows["echo"]
    assert lines[-1] == "3 of 5 accounts changed; 2 changed band; 1 added"
    assert "\x1b" not in text  # not a terminal: no colour codes


def test_table_when_nothing_moved(ws: Workspace) -> None:
    diff = make_diff(ws)
    diff.accounts = (diff.accounts[3],)
    diff.summary = DiffSummary(1, 0, 0, 0, 0)
    text = _write("table", diff, ws)
    assert "No account moved." in text
    assert text.splitlines()[-1] == "0 of 1 account changed; 0 changed band"


# --- github -----------------------------------------------------------------


def test_github_notice_per_account_warning_when_band_worse(
    ws: Workspace, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(WS.parent)  # the annotations' paths are relative to here
    summary = tmp_path / "summary.md"
    summary.write_text("earlier step\n", encoding="utf-8")
    diff = make_diff(ws)
    text = _write("github", diff, ws, str(summary))
    lines = text.splitlines()
    file, line = ws.evidence_location(ws.accounts["northwind-events"].source)  # type: ignore[misc]
    path = f"acme-mail/{file}"
    assert lines[0].startswith(f"::warning file={path},line={line},title=csplan diff%3A alpha::")
    assert "alpha: attainment 71.4 → 64.2 (−7.2), band watch → at-risk" in lines[0]
    # Band got better (at-risk -> watch) or unchanged: a notice.
    assert lines[1].startswith("::notice ") and "::bravo:" in lines[1]
    assert lines[2].startswith("::notice ") and "::charlie:" in lines[2]
    assert lines[3].startswith("::notice ") and "::echo:" in lines[3]
    assert len(lines) == 5 and lines[4].startswith("csplan diff: 3 of 5 accounts changed")
    # Appended after what an earlier step wrote, as the PR comment's markdown.
    written = summary.read_text(encoding="utf-8")
    assert written.startswith("earlier step\n**csplan diff** base `main`")
    assert written[len("earlier step\n") :] == _write("markdown", diff, ws)


def test_github_escapes_workflow_commands(ws: Workspace) -> None:
    diff = make_diff(ws)
    evil = _account(
        "a,b:c%\n::error::x",
        _side(10, "at-risk"),
        _side(20, "at-risk"),
        _components({"intent": (0, 10)}),
    )
    diff.accounts = (evil,)
    lines = _write("github", diff, ws).splitlines()
    assert len(lines) == 2  # the line break did not start a second command
    assert "title=csplan diff%3A a%2Cb%3Ac%25%0A%3A%3Aerror%3A%3Ax" in lines[0]
    assert not any(line.startswith("::error") for line in lines)
    assert "c%25%0A::error::x: attainment" in lines[0]  # the data part, on the same line


def test_github_without_step_summary_writes_no_file(
    ws: Workspace, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", "")
    v = report.view(ws, ws)
    assert v.step_summary is None
    out = io.StringIO()
    report.github(make_diff(ws), v, out)
    assert os.listdir(tmp_path) == []
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(tmp_path / "s.md"))
    assert report.view(ws, ws).step_summary == str(tmp_path / "s.md")
