"""The internal review's "since last month" (SPEC section 7): the account
compared with itself on the last day of the previous month, in two or
three lines; never in the customer plan."""

from __future__ import annotations

from datetime import date

import pytest
from conftest import EXAMPLES

import csplan
from csplan.engine.diff import compare_account
from csplan.render.internal import last_month_end, since_last_month

WS = EXAMPLES / "acme-mail"
ACCOUNT = "fieldnotes-festival"
DAY = "2026-10-20"


@pytest.mark.parametrize(
    ("day", "end"),
    [
        (date(2026, 11, 1), date(2026, 10, 31)),
        (date(2026, 10, 31), date(2026, 9, 30)),
        (date(2028, 3, 15), date(2028, 2, 29)),
        (date(2027, 1, 1), date(2026, 12, 31)),
        (date(1, 1, 31), None),
    ],
)
def test_last_month_end(day: date, end: date | None) -> None:
    assert last_month_end(day) == end


def test_review_says_what_moved_since_last_month() -> None:
    [before] = csplan.score(WS, ACCOUNT, "2026-09-30")
    [after] = csplan.score(WS, ACCOUNT, DAY)
    e0, e1 = before.engagement.attainment, after.engagement.attainment
    assert (before.engagement.band, after.engagement.band) == ("watch", "healthy")
    md = csplan.render_plan(WS, ACCOUNT, DAY, audience="internal", fmt="md")
    head = f"- Attainment {e0:.1f} → {e1:.1f} (+{e1 - e0:.1f}), band watch → healthy: "
    assert "\n**Since 30 Sep 2026**\n\n" + head in md
    line = next(x for x in md.splitlines() if x.startswith(head))
    # The components that moved most, largest first, with the measures behind them.
    assert line[len(head) :].startswith(
        "product adoption +16.9 (weekly\\_active\\_ratio 0.00 → 0.90,"
        " ent-product-not-in-way 0.00 → 1.00), "
    )
    html = csplan.render_plan(WS, ACCOUNT, DAY, audience="internal", fmt="html")
    assert '<p class="since"><strong>Since 30 Sep 2026</strong></p>' in html
    assert f"<li>Attainment {e0:.1f} → {e1:.1f} (+{e1 - e0:.1f}), band watch → healthy:" in html


def test_review_says_when_nothing_moved() -> None:
    md = csplan.render_plan(WS, ACCOUNT, "2026-11-01", audience="internal", fmt="md")
    assert "\nNo change since 31 Oct 2026.\n" in md


def test_customer_plan_has_no_since_lines() -> None:
    for fmt in ("md", "html"):
        text = csplan.render_plan(WS, ACCOUNT, DAY, audience="customer", fmt=fmt)
        assert "Since 30 Sep" not in text and "No change since" not in text
        assert "Attainment" not in text


def test_since_lines_name_milestones_and_route() -> None:
    ws = csplan.load_workspace(WS).workspace
    [before] = csplan.score(ws, "meridian-conferences", "2026-06-30")
    [after] = csplan.score(ws, "meridian-conferences", "2026-11-01")
    diff = compare_account(before, after, has_base=False, two_dates=True)
    since = since_last_month(after, diff)
    assert since.date == date(2026, 6, 30)
    assert len(since.lines) == 3
    assert since.lines[0].startswith("Attainment 37.7 → 69.2 (+31.6), band at-risk → watch: ")
    names = {s.id: s.name for s in after.milestones.states}
    overdue = ", ".join(names[i] for i in ("first-event-beats-last-year", "registrations-up-20"))
    assert since.lines[1] == f"Milestones now overdue {overdue}"
    assert since.lines[2] == "Route on-track → off-track"
    unchanged = compare_account(after, after, has_base=False, two_dates=False)
    assert since_last_month(after, unchanged).lines == ()
