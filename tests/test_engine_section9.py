"""SPEC section 9 in the engine, hand-computed: overrides in force, expired
and overlapping; reschedules that move a due date and end once the
milestone is reached; the next renewal."""

from __future__ import annotations

from datetime import date, timedelta

from engine_support import MAP, engagement, files, load
from hypothesis import given
from hypothesis import strategies as st
from test_engine_properties import PROPS, days, evidence
from test_engine_properties import _score as score_generated

from csplan.api import load_workspace
from csplan.engine import score_account
from csplan.model import COMPONENTS

# relationship: q1 "yes" -> rule-based actual 1.0 (desired 0.8);
# intent: q2 "no" -> 0.0 (desired 0.5). Without an override
# E = 100 * (0.8 + 0) / (0.8 + 0.5) = 61.538...
MODEL = engagement(
    relationship="{weight: 1, desired: 0.8, measures: [{question: q1, text: Champion?}]}",
    intent="{weight: 1, desired: 0.5, measures: [{question: q2, text: Intent known?}]}",
)
ANSWERS = """\
assessments:
  - {question: q1, answer: "yes", as_of: 2026-01-05}
  - {question: q2, answer: "no", as_of: 2026-01-05}
"""
OVERRIDE = """\
  - component: relationship
    actual: 0.2
    by: jane.doe@acme.example
    reason: Champion left for a competitor
    since: 2026-10-02
    expires: 2026-12-31
"""


def _score(make_workspace, account: str, as_of: date, *, model: str = MODEL, **kwargs):
    ws = load(make_workspace(files(account, model=model, **kwargs)))
    return score_account(ws, "acme", as_of)


def _component(score, name: str):
    return next(c for c in score.engagement.components if c.name == name)


def _state(score, milestone: str):
    return next(s for s in score.milestones.states if s.id == milestone)


# --- overrides ------------------------------------------------------------------


def test_override_in_force_replaces_the_actual_in_every_formula(make_workspace):
    s = _score(make_workspace, ANSWERS + "overrides:\n" + OVERRIDE, date(2026, 11, 1))
    rel = _component(s, "relationship")
    assert rel.actual == 0.2
    assert rel.rule_actual == 1.0
    assert abs(rel.gap - 0.6) < 1e-12
    assert rel.override is not None
    assert (rel.override.actual, rel.override.by, rel.override.reason) == (
        0.2,
        "jane.doe@acme.example",
        "Champion left for a competitor",
    )
    assert (rel.override.since, rel.override.expires) == (date(2026, 10, 2), date(2026, 12, 31))
    assert rel.override.source is not None and rel.override.source.path == ("overrides", 0)
    # E = 100 * (0.2 + 0) / 1.3; relationship's w*g 0.6 now outweighs intent's 0.5.
    assert abs(s.engagement.attainment - 100 * 0.2 / 1.3) < 1e-9
    assert s.engagement.band == "at-risk"
    assert s.engagement.biggest_gaps == ("relationship", "intent")
    gaps = [p.play for p in s.plays if p.reason == "engagement-gap"]
    assert gaps[0] == "Close the relationship gap (0.20 of 0.80)"
    # Other components keep their rule-based actual, with no override.
    intent = _component(s, "intent")
    assert (intent.actual, intent.rule_actual, intent.override) == (0.0, 0.0, None)
    assert s.expired_overrides == ()


def test_override_is_in_force_from_since_to_expires_inclusive(make_workspace):
    account = ANSWERS + "overrides:\n" + OVERRIDE
    for day, expected in [
        (date(2026, 10, 1), 1.0),
        (date(2026, 10, 2), 0.2),
        (date(2026, 12, 31), 0.2),
        (date(2027, 1, 1), 1.0),
    ]:
        s = _score(make_workspace, account, day)
        assert _component(s, "relationship").actual == expected, day
        assert _component(s, "relationship").rule_actual == 1.0


def test_expired_override_is_listed_for_30_days(make_workspace):
    account = ANSWERS + "overrides:\n" + OVERRIDE
    listed = {}
    for day in [date(2026, 12, 31), date(2027, 1, 1), date(2027, 1, 30), date(2027, 1, 31)]:
        s = _score(make_workspace, account, day)
        listed[day] = [(e.component, e.expires, e.by, e.reason) for e in s.expired_overrides]
    entry = (
        "relationship",
        date(2026, 12, 31),
        "jane.doe@acme.example",
        "Champion left for a competitor",
    )
    assert listed == {
        date(2026, 12, 31): [],  # still in force
        date(2027, 1, 1): [entry],  # 1 day after
        date(2027, 1, 30): [entry],  # 30 days after
        date(2027, 1, 31): [],  # 31 days after: no longer news
    }
    s = _score(make_workspace, account, date(2027, 1, 1))
    assert _component(s, "relationship").override is None
    assert abs(s.engagement.attainment - 100 * 0.8 / 1.3) < 1e-9
    assert s.expired_overrides[0].source is not None
    assert s.expired_overrides[0].source.path == ("overrides", 0)


def test_expired_overrides_keep_account_order(make_workspace):
    second = OVERRIDE.replace("relationship", "intent").replace("2026-12-31", "2026-12-20")
    s = _score(make_workspace, ANSWERS + "overrides:\n" + OVERRIDE + second, date(2027, 1, 5))
    assert [e.component for e in s.expired_overrides] == ["relationship", "intent"]


def test_two_overlapping_overrides_take_the_latest_since(make_workspace):
    # An error the checks report; the engine still decides: the latest since.
    later = (
        OVERRIDE.replace("0.2", "0.5")
        .replace("2026-10-02", "2026-10-15")
        .replace("2026-12-31", "2026-11-30")
        .replace("Champion left for a competitor", "New champion named")
    )
    root = make_workspace(files(ANSWERS + "overrides:\n" + OVERRIDE + later, model=MODEL))
    ws = load_workspace(root).workspace
    for day, actual, reason in [
        (date(2026, 10, 10), 0.2, "Champion left for a competitor"),
        (date(2026, 11, 1), 0.5, "New champion named"),
        (date(2026, 12, 15), 0.2, "Champion left for a competitor"),
    ]:
        rel = _component(score_account(ws, "acme", day), "relationship")
        assert rel.actual == actual, day
        assert rel.override is not None and rel.override.reason == reason
        assert rel.rule_actual == 1.0


def test_override_above_desired_caps_like_any_actual(make_workspace):
    raised = OVERRIDE.replace("relationship", "intent").replace("0.2", "0.9")
    s = _score(make_workspace, ANSWERS + "overrides:\n" + raised, date(2026, 11, 1))
    intent = _component(s, "intent")
    assert (intent.actual, intent.rule_actual, intent.gap) == (0.9, 0.0, 0.0)
    assert s.engagement.attainment == 100.0
    assert s.engagement.biggest_gaps == ()


# --- renewal --------------------------------------------------------------------


def test_renewal_is_shown_on_or_after_the_date(make_workspace):
    account = "renewal: 2027-03-01\n"
    assert _score(make_workspace, account, date(2027, 3, 1)).renewal == date(2027, 3, 1)
    assert _score(make_workspace, account, date(2026, 11, 1)).renewal == date(2027, 3, 1)
    assert _score(make_workspace, account, date(2027, 3, 2)).renewal is None
    assert _score(make_workspace, "", date(2026, 11, 1)).renewal is None


# --- reschedules ----------------------------------------------------------------

# start 2026-01-01: list-imported due 01-11, first-send 01-21, regs-up 03-02.
RESCHEDULED = """\
milestones:
  - {id: list-imported, reached: 2026-01-09}
  - id: first-send
    reschedule:
      - {on: 2026-01-25, due: 2026-03-01, reason: Waiting for the CRM migration}
"""


def test_reschedule_moves_a_milestone_from_overdue_to_on_track(make_workspace):
    before = _score(make_workspace, RESCHEDULED, date(2026, 1, 24))  # before it was agreed
    assert [(o.id, o.due, o.days_late, o.original_due) for o in before.milestones.overdue] == [
        ("first-send", date(2026, 1, 21), 3, None)
    ]
    assert before.milestones.route == "off-track"
    assert _state(before, "first-send").original_due is None

    s = _score(make_workspace, RESCHEDULED, date(2026, 2, 1))
    state = _state(s, "first-send")
    assert (state.status, state.due, state.days_late) == ("next", date(2026, 3, 1), None)
    assert state.original_due == date(2026, 1, 21)
    assert state.reschedule_reason == "Waiting for the CRM migration"
    assert s.milestones.overdue == ()
    assert s.milestones.route == "on-track"
    assert not [p for p in s.plays if p.reason == "overdue-milestone"]
    # Milestones not rescheduled keep the map's due date and no original.
    assert _state(s, "list-imported").original_due is None

    late = _score(make_workspace, RESCHEDULED, date(2026, 3, 5))
    assert [(o.id, o.due, o.days_late, o.original_due) for o in late.milestones.overdue] == [
        ("first-send", date(2026, 3, 1), 4, date(2026, 1, 21)),
        ("regs-up", date(2026, 3, 2), 3, None),
    ]
    assert [p.ref for p in late.plays if p.reason == "overdue-milestone"] == [
        "first-send",
        "regs-up",
    ]


def test_latest_reschedule_on_or_before_the_date_is_in_force(make_workspace):
    account = RESCHEDULED + "      - {on: 2026-02-20, due: 2026-04-15, reason: Pushed again}\n"
    s = _score(make_workspace, account, date(2026, 2, 19))
    assert (_state(s, "first-send").due, _state(s, "first-send").reschedule_reason) == (
        date(2026, 3, 1),
        "Waiting for the CRM migration",
    )
    s = _score(make_workspace, account, date(2026, 3, 5))
    state = _state(s, "first-send")
    assert (state.status, state.due, state.original_due) == (
        "next",
        date(2026, 4, 15),
        date(2026, 1, 21),
    )
    assert state.reschedule_reason == "Pushed again"


def test_reschedule_is_no_longer_in_force_once_reached(make_workspace):
    account = RESCHEDULED + "    reached: 2026-02-10\n"
    s = _score(make_workspace, account, date(2026, 2, 15))
    state = _state(s, "first-send")
    assert (state.status, state.due, state.original_due, state.reschedule_reason) == (
        "reached",
        date(2026, 1, 21),
        None,
        None,
    )


REPEAT_MAP = MAP.replace("    due_days: 60\n", "    due_days: 60\n    repeat_days: 90\n")
REPEATING = """\
milestones:
  - id: regs-up
    reached: [2026-02-01, 2026-06-01]
    reschedule:
      - {on: 2026-05-10, due: 2026-06-15, reason: Season starts late}
"""


def test_reschedule_of_a_repeating_milestone_covers_one_cycle(make_workspace):
    # Reached 02-01, due again 05-02; lapsed by 05-20 but rescheduled to 06-15.
    s = _score(make_workspace, REPEATING, date(2026, 5, 20), milestone_map=REPEAT_MAP)
    state = _state(s, "regs-up")
    assert state.status != "reached" and state.status != "overdue"
    assert (state.due, state.original_due) == (date(2026, 6, 15), date(2026, 5, 2))
    # Reached again 06-01, after the reschedule's on: the next cycle is due
    # 06-01 + 90 = 08-30 as section 4 says, and overdue on 09-05.
    s = _score(make_workspace, REPEATING, date(2026, 6, 5), milestone_map=REPEAT_MAP)
    state = _state(s, "regs-up")
    assert (state.status, state.due, state.original_due) == ("reached", date(2026, 8, 30), None)
    s = _score(make_workspace, REPEATING, date(2026, 9, 5), milestone_map=REPEAT_MAP)
    overdue = {o.id: (o.due, o.days_late, o.original_due) for o in s.milestones.overdue}
    assert overdue["regs-up"] == (date(2026, 8, 30), 6, None)


# --- properties -----------------------------------------------------------------


@PROPS
@given(evidence(), days)
def test_without_overrides_rule_actual_is_the_actual(data, as_of):
    s = score_generated(data, as_of)
    for c in s.engagement.components:
        assert c.rule_actual == c.actual
        assert c.override is None
    assert s.expired_overrides == ()


@PROPS
@given(evidence(), days)
def test_without_reschedules_no_due_date_moves(data, as_of):
    s = score_generated(data, as_of)
    assert all(m.original_due is None and m.reschedule_reason is None for m in s.milestones.states)
    assert all(o.original_due is None for o in s.milestones.overdue)


@st.composite
def overrides(draw: st.DrawFn) -> list[dict]:
    """Overrides of random components, dated around the generated evidence
    (overlaps included: the engine must still decide)."""
    found = []
    for component in draw(st.lists(st.sampled_from(COMPONENTS), max_size=4)):
        since = draw(days)
        found.append(
            {
                "component": component,
                "actual": draw(st.floats(0, 1, allow_nan=False)),
                "by": "csm@example.com",
                "reason": "judgement",
                "since": since,
                "expires": since + timedelta(days=draw(st.integers(1, 200))),
            }
        )
    return found


@PROPS
@given(evidence(), overrides(), days)
def test_overrides_replace_the_actual_in_attainment(data, found, as_of):
    s = score_generated({**data, "overrides": found}, as_of)
    num = den = 0.0
    for c in s.engagement.components:
        in_force = [
            o for o in found if o["component"] == c.name and o["since"] <= as_of <= o["expires"]
        ]
        if in_force:
            latest = max(o["since"] for o in in_force)
            assert c.override is not None and c.override.since == latest
            assert c.actual == c.override.actual
        else:
            assert c.override is None and c.actual == c.rule_actual
        assert c.gap == max(0.0, c.desired - c.actual)
        num += c.weight * min(c.actual, c.desired)
        den += c.weight * c.desired
    assert abs(s.engagement.attainment - 100 * num / den) < 1e-9
    expired = [o["component"] for o in found if 1 <= (as_of - o["expires"]).days <= 30]
    assert [x.component for x in s.expired_overrides] == expired
