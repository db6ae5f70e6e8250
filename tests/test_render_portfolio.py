"""The internal portfolio page of SPEC section 9: ARR by band, renewals in the
next 90 days, the last 12 months' NRR and GRR, and the success map of each
milestone map, against figures computed by hand."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest
from engine_support import files, load

from csplan import api
from csplan.render.portfolio import InternalIndex, internal_index

AS_OF = date(2026, 11, 1)

# One component with no measures: every account's actual is 0, so E = 0 and
# every started account is at risk (the default bands).
MODEL = """\
kind: EngagementModel
id: model
components:
  intent: {weight: 1, desired: 0.8}
  anticipated_needs: {weight: 0, desired: 0}
  product_adoption: {weight: 0, desired: 0}
  outcomes: {weight: 0, desired: 0}
  relationship: {weight: 0, desired: 0}
  communication: {weight: 0, desired: 0}
  education: {weight: 0, desired: 0}
  journey: {weight: 0, desired: 0}
"""


def _account(account_id: str, name: str, segment: str, start: str, body: str) -> str:
    return (
        f"kind: Account\nid: {account_id}\nname: {name}\nsegment: {segment}\n"
        f"start: {start}\n"
        f"desired_outcomes:\n  - {{since: {start}, outcome: grow, baseline: 100, target: 200}}\n"
        + body
    )


ACCOUNTS = {
    # Reached list-imported; first-send (due 2026-01-21) is overdue: off track.
    "accounts/acme.yaml": _account(
        "acme",
        "Acme Events",
        "teams",
        "2026-01-01",
        "arr: 10000\nrenewal: 2026-12-15\n"
        "milestones:\n  - {id: list-imported, reached: 2026-01-05}\n"
        "renewals:\n"
        "  - {date: 2026-04-01, arr_before: 8000, arr_after: 10000}\n"
        "  - {date: 2026-07-01, arr_before: 10000, arr_after: 10000}\n",
    ),
    # Nothing reached: at the start, off track. Renews exactly 90 days on.
    "accounts/beta.yaml": _account(
        "beta",
        "Beta Corp",
        "teams",
        "2026-02-01",
        "arr: 5000\nrenewal: 2027-01-30\n"
        "renewals:\n"
        "  - {date: 2026-05-01, arr_before: 6000, arr_after: 0}\n"
        "  - {date: 2026-08-01, arr_before: 5000, arr_after: 4000}\n",
    ),
    # Every milestone of its map reached: on track. Renews 91 days on (out of
    # the window); one renewal exactly 365 days back (out) and one on the date (in).
    "accounts/gamma.yaml": _account(
        "gamma",
        "Gamma Labs",
        "devs",
        "2025-01-01",
        "arr: 2000\nrenewal: 2027-01-31\n"
        "milestones:\n"
        "  - {id: key-created, reached: 2025-01-02}\n"
        "  - {id: regs-up, reached: 2026-10-20}\n"
        "renewals:\n"
        "  - {date: 2025-11-01, arr_before: 1000, arr_after: 2000}\n"
        "  - {date: 2026-11-01, arr_before: 2000, arr_after: 2000}\n",
    ),
    # Not started: in the renewals due (as not started), in no band or map.
    "accounts/delta.yaml": _account(
        "delta", "Delta Fair", "teams", "2026-12-01", "arr: 7000\nrenewal: 2026-12-01\n"
    ),
}


@pytest.fixture
def index(make_workspace: Callable[[dict[str, str | bytes]], Path]) -> InternalIndex:
    root = make_workspace({**files(model=MODEL), **ACCOUNTS})
    ws = load(root)
    scores = api.score(ws, None, AS_OF)
    return internal_index(ws, scores, {s.id: f"{s.id}.html" for s in scores})


def test_arr_by_band_leaves_out_accounts_not_started(index: InternalIndex) -> None:
    assert index.arr_by_band == (("healthy", 0.0), ("watch", 0.0), ("at-risk", 17000.0))
    assert index.bands == (("healthy", 0), ("watch", 0), ("at-risk", 3))
    assert index.total_arr == 24000.0  # the overall total still counts every account


def test_renewals_due_from_the_date_to_90_days_later(index: InternalIndex) -> None:
    due = [
        (r.account_id, r.renewal, r.days, r.started, r.band, r.route, r.arr)
        for r in index.renewals_due
    ]
    assert due == [
        ("delta", date(2026, 12, 1), 30, False, "at-risk", "on-track", 7000),
        ("acme", date(2026, 12, 15), 44, True, "at-risk", "off-track", 10000),
        ("beta", date(2027, 1, 30), 90, True, "at-risk", "off-track", 5000),
    ]


def test_nrr_and_grr_over_the_last_12_months(index: InternalIndex) -> None:
    r = index.retention
    assert r is not None
    # In: acme 8000->10000, 10000->10000; beta 6000->0, 5000->4000; gamma 2000->2000.
    # Out: gamma's 2025-11-01, exactly 365 days back.
    assert (r.renewals, r.churned, r.arr_before, r.arr_after) == (5, 1, 31000.0, 26000.0)
    assert r.nrr == pytest.approx(26000 / 31000)
    assert r.grr == pytest.approx((8000 + 10000 + 0 + 4000 + 2000) / 31000)
    assert r.nrr is not None and r.grr is not None and r.nrr >= r.grr


def test_success_map_by_furthest_milestone_reached(index: InternalIndex) -> None:
    maps = {
        m.map_id: [(s.milestone, s.accounts, s.arr, s.off_track) for s in m.stops]
        for m in index.success_maps
    }
    assert maps == {
        "route": [
            (None, ("Beta Corp",), 5000.0, 1),
            ("list-imported", ("Acme Events",), 10000.0, 1),
            ("first-send", (), 0.0, 0),
            ("regs-up", (), 0.0, 0),
        ],
        "self-route": [
            (None, (), 0.0, 0),
            ("key-created", (), 0.0, 0),
            ("regs-up", ("Gamma Labs",), 2000.0, 0),
        ],
    }
    assert index.success_maps[0].outcome == "More people register for your events"


def test_the_page_shows_the_figures(
    make_workspace: Callable[[dict[str, str | bytes]], Path], tmp_path: Path
) -> None:
    root = make_workspace({**files(model=MODEL), **ACCOUNTS})
    ws = load(root)
    out = tmp_path / "out"
    api.render(ws, sorted(ws.accounts), AS_OF, out, audience="internal", fmt="md", index=True)
    page = (out / "index.internal.md").read_text(encoding="utf-8")
    assert "| at-risk | 3 | 17,000 |" in page
    assert (
        "Net revenue retention **84%** · gross revenue retention **77%**, over 5 renewals" in page
    )
    assert "(in 90 days) | [Beta Corp]" in page
    assert "Gamma Labs](" not in page.split("## Renewals in the next 90 days")[1].split("##")[0]
    assert "## Success map: self-route" in page
    api.render(ws, sorted(ws.accounts), AS_OF, out, audience="internal", fmt="html", index=True)
    html = (out / "index.internal.html").read_text(encoding="utf-8")
    assert 'aria-label="Renewals due, soonest first" tabindex="0"' in html
    assert "<strong>84%</strong>" in html


def test_no_renewals_in_the_last_12_months(
    make_workspace: Callable[[dict[str, str | bytes]], Path], tmp_path: Path
) -> None:
    root = make_workspace({**files(model=MODEL), **ACCOUNTS})
    ws = load(root)
    day = date(2025, 10, 1)  # before every renewal
    index = internal_index(ws, api.score(ws, None, day), {a: a for a in ws.accounts})
    assert index.retention is not None
    assert (index.retention.renewals, index.retention.nrr, index.retention.grr) == (0, None, None)
    out = tmp_path / "out"
    api.render(ws, sorted(ws.accounts), day, out, audience="internal", fmt="md", index=True)
    page = (out / "index.internal.md").read_text(encoding="utf-8")
    assert "No renewals in the last 12 months." in page
    assert "No renewal is due in the next 90 days." in page
