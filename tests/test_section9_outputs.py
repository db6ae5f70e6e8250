"""SPEC section 9 in every output: score JSON, the table's detail view,
--explain, the internal review and the customer plan, and diff's new
per-component fields."""

from __future__ import annotations

import io
import json
from datetime import date

from conftest import EXAMPLES
from engine_support import files, load
from test_engine_section9 import ANSWERS, MODEL, OVERRIDE, RESCHEDULED

from csplan.api import render_plan
from csplan.engine import score_account
from csplan.engine.diff import compare_account
from csplan.report.diff import account_dict, view

AS_OF = "2026-11-01"
EXPIRED = (
    OVERRIDE.replace("relationship", "intent")
    .replace("2026-10-02", "2026-09-01")
    .replace("2026-12-31", "2026-10-20")
    .replace("Champion left for a competitor", "Board meeting postponed")
)
# On 2026-11-01: relationship overridden to 0.2 (the rules say 1.0); the
# intent override expired 12 days ago; first-send rescheduled to 2026-12-01.
ACCOUNT = (
    "arr: 48000\nrenewal: 2027-03-01\n"
    + ANSWERS
    + "overrides:\n"
    + OVERRIDE
    + EXPIRED
    + RESCHEDULED.replace("2026-03-01", "2026-12-01")
)


def _root(make_workspace, account: str = ACCOUNT):
    return make_workspace(files(account, model=MODEL))


def _json(cli, root) -> dict:
    out = cli("score", "acme", "-w", root, "--as-of", AS_OF, "--format", "json")
    assert out.exit_code == 0, out.output
    return json.loads(out.stdout)["accounts"][0]


def test_score_json_carries_section_9_fields(cli, make_workspace):
    doc = _json(cli, _root(make_workspace))
    assert (doc["started"], doc["arr"], doc["renewal"]) == (True, 48000, "2027-03-01")
    rel = next(c for c in doc["engagement"]["components"] if c["name"] == "relationship")
    assert (rel["actual"], rel["rule_actual"]) == (0.2, 1.0)
    assert rel["override"] == {
        "actual": 0.2,
        "by": "jane.doe@acme.example",
        "reason": "Champion left for a competitor",
        "since": "2026-10-02",
        "expires": "2026-12-31",
    }
    intent = next(c for c in doc["engagement"]["components"] if c["name"] == "intent")
    assert (intent["actual"], intent["rule_actual"], intent["override"]) == (0.0, 0.0, None)
    assert doc["expired_overrides"] == [
        {
            "component": "intent",
            "expires": "2026-10-20",
            "by": "jane.doe@acme.example",
            "reason": "Board meeting postponed",
        }
    ]
    # first-send is now due 2026-12-01: not overdue; regs-up (not moved) is.
    assert doc["milestones"]["overdue"] == [
        {"id": "regs-up", "due": "2026-03-02", "days_late": 244, "original_due": None}
    ]


def test_score_json_original_due_of_a_rescheduled_overdue_milestone(cli, make_workspace):
    root = _root(make_workspace, "arr: 1000\n" + RESCHEDULED)  # agreed 2026-03-01, now past
    doc = _json(cli, root)
    overdue = {o["id"]: o for o in doc["milestones"]["overdue"]}
    assert overdue["first-send"] == {
        "id": "first-send",
        "due": "2026-03-01",
        "days_late": 245,
        "original_due": "2026-01-21",
    }
    assert doc["renewal"] is None and doc["expired_overrides"] == []


def test_detail_view_shows_rules_and_override_side_by_side(cli, make_workspace):
    out = cli("score", "acme", "-w", _root(make_workspace), "--as-of", AS_OF)
    assert out.exit_code == 0, out.output
    text = out.stdout
    header = next(line for line in text.splitlines() if line.startswith("component"))
    assert header.split()[:4] == ["component", "weight", "actual", "rules"]
    row = next(line for line in text.splitlines() if line.startswith("relationship"))
    assert row.split()[2:4] == ["0.20*", "1.00"]
    assert (
        "* relationship: 0.20 set by jane.doe@acme.example (2026-10-02 to 2026-12-31),"
        " the rules say 1.00: Champion left for a competitor"
    ) in text
    assert "Override expired on 2026-10-20: intent by jane.doe@acme.example" in text
    assert (
        "first-send rescheduled from 2026-01-21 to 2026-12-01: Waiting for the CRM migration"
        in text
    )


def test_detail_view_without_overrides_has_no_rules_column(cli, make_workspace):
    out = cli("score", "acme", "-w", _root(make_workspace, ANSWERS), "--as-of", AS_OF)
    header = next(line for line in out.stdout.splitlines() if line.startswith("component"))
    assert "rules" not in header
    assert "set by" not in out.stdout and "rescheduled" not in out.stdout


def test_explain_names_the_override_its_author_and_the_rules_figure(cli, make_workspace):
    out = cli("score", "acme", "-w", _root(make_workspace), "--as-of", AS_OF, "--explain")
    assert out.exit_code == 0, out.output
    text = out.stdout
    assert "relationship: actual 0.20 of desired 0.80" in text.lower()
    assert (
        "overridden: 0.20 set by jane.doe@acme.example (accounts/acme.yaml:1"
    ) in text  # file and line of the override entry
    assert "the rules say 1.00 (the measures below); the override is used" in text
    assert "override expired on 2026-10-20 (accounts/acme.yaml:" in text
    assert (
        "next, due 2026-12-01 (rescheduled from 2026-01-21: Waiting for the CRM migration)" in text
    )


def test_internal_review_shows_overrides_and_reschedules(make_workspace):
    ws = load(_root(make_workspace))
    for fmt in ("html", "md"):
        text = render_plan(ws, "acme", date(2026, 11, 1), audience="internal", fmt=fmt)
        assert "set by jane.doe@acme.example" in text, fmt
        assert "the rules say 1.00" in text, fmt
        assert "Champion left for a competitor" in text, fmt
        assert "expired on 20 Oct 2026" in text and "Board meeting postponed" in text, fmt
        assert "the map said 21 Jan 2026" in text, fmt
        assert "Waiting for the CRM migration" in text, fmt


def test_internal_review_overdue_table_names_the_original_due(make_workspace):
    ws = load(_root(make_workspace, RESCHEDULED))
    text = render_plan(ws, "acme", date(2026, 3, 5), audience="internal", fmt="md")
    assert "| First invitation sent | 1 Mar 2026 (rescheduled; the map said 21 Jan 2026) | 4 |" in (
        text
    )


def test_customer_plan_shows_the_agreed_date_and_nothing_internal(make_workspace):
    ws = load(_root(make_workspace))
    for fmt in ("html", "md"):
        text = render_plan(ws, "acme", date(2026, 11, 1), audience="customer", fmt=fmt)
        assert "1 Dec 2026" in text, fmt  # the agreed date
        for secret in (
            "jane.doe",
            "Champion left",
            "Board meeting",
            "Waiting for the CRM",
            "21 Jan 2026",
            "override",
            "rules say",
        ):
            assert secret not in text, (fmt, secret)


# --- diff -----------------------------------------------------------------------

# An override equal to the rules' figure: nothing but the override changes.
SAME = OVERRIDE.replace("0.2", "1.0")


def test_diff_override_alone_marks_the_account_changed(make_workspace):
    ws = load(_root(make_workspace, ANSWERS + "overrides:\n" + SAME))
    before = score_account(ws, "acme", date(2026, 10, 1))
    after = score_account(ws, "acme", date(2026, 10, 2))
    d = compare_account(before, after, has_base=False, two_dates=True)
    assert d.status == "changed"
    assert d.change == 0.0
    rel = next(c for c in d.components if c.name == "relationship")
    assert (rel.rule_actual_before, rel.rule_actual_after) == (1.0, 1.0)
    assert rel.override_before is None
    assert rel.override_after is not None and rel.override_after.by == "jane.doe@acme.example"
    doc = account_dict(d, view(ws, ws))
    comp = next(c for c in doc["attainment"]["components"] if c["name"] == "relationship")
    assert comp["rule_actual"] == {"before": 1.0, "after": 1.0}
    assert comp["override"] == {
        "before": None,
        "after": {
            "actual": 1.0,
            "by": "jane.doe@acme.example",
            "reason": "Champion left for a competitor",
            "since": "2026-10-02",
            "expires": "2026-12-31",
        },
    }
    # Control: the same two dates without the override are unchanged.
    plain = load(_root(make_workspace, ANSWERS))
    d = compare_account(
        score_account(plain, "acme", date(2026, 10, 1)),
        score_account(plain, "acme", date(2026, 10, 2)),
        has_base=False,
        two_dates=True,
    )
    assert d.status == "unchanged"
    comp = next(c for c in account_dict(d, view(plain, plain))["attainment"]["components"])
    assert comp["override"] == {"before": None, "after": None}


def test_diff_override_moved_in_the_file_is_no_change(make_workspace):
    # The same override at another position (a new override of another
    # component before it) compares equal: what it says, not where.
    ws = load(_root(make_workspace, ANSWERS + "overrides:\n" + SAME))
    moved = load(_root(make_workspace, ANSWERS + "overrides:\n" + EXPIRED + SAME))
    day = date(2026, 11, 1)
    d = compare_account(
        score_account(ws, "acme", day),
        score_account(moved, "acme", day),
        has_base=True,
        two_dates=False,
    )
    rel = next(c for c in d.components if c.name == "relationship")
    assert rel.override_before is not None and rel.override_after is not None
    assert rel.override_before.source != rel.override_after.source
    assert d.status == "unchanged"


def test_diff_markdown_puts_an_override_change_into_words(tmp_path):
    import shutil

    from csplan.api import diff
    from csplan.report.diff import REPORTERS, view

    base = tmp_path / "base"
    head = tmp_path / "head"
    shutil.copytree(EXAMPLES / "acme-mail", base)
    shutil.copytree(EXAMPLES / "acme-mail", head)
    account = head / "accounts" / "harbour-expo.yaml"
    account.write_text(account.read_text().replace("    actual: 0.1\n", "    actual: 0.3\n", 1))
    result, before, after = diff(head, ["harbour-expo"], base_dir=base, as_of="2026-11-01")
    out = io.StringIO()
    REPORTERS["markdown"](result, view(before, after), out)
    text = out.getvalue()
    assert "- relationship: overridden to 0.30 (was 0.10) by tom.reyes@acme-mail.example" in text
    assert "(2026-10-20 to 2027-01-31)" in text
