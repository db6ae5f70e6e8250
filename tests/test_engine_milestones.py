"""SPEC section 4, milestones: occurrences, reached, due dates, overdue,
next, route, progress and the success gap; segment changes; trend dates."""

from __future__ import annotations

from datetime import date

import pytest
from engine_support import ACCOUNT, MAP, engagement, files, load

from csplan.engine import score_account, trend, trend_dates

AS_OF = date(2026, 11, 1)


def _score(make_workspace, account: str = "", as_of: date = AS_OF, **kwargs):
    ws = load(make_workspace(files(account, **kwargs)))
    return score_account(ws, "acme", as_of)


def _state(score, milestone: str):
    return next(s for s in score.milestones.states if s.id == milestone)


def test_due_dates_overdue_next_and_route(make_workspace):
    # start 2026-01-01: list-imported due 01-11, first-send 01-21, regs-up 03-02.
    s = _score(
        make_workspace,
        "milestones:\n  - {id: list-imported, reached: 2026-01-09}\n",
        date(2026, 2, 1),
    )
    m = s.milestones
    assert [(x.id, x.status, x.due) for x in m.states] == [
        ("list-imported", "reached", date(2026, 1, 11)),
        ("first-send", "overdue", date(2026, 1, 21)),
        ("regs-up", "upcoming", date(2026, 3, 2)),
    ]
    assert [(o.id, o.due, o.days_late) for o in m.overdue] == [
        ("first-send", date(2026, 1, 21), 11)
    ]
    assert m.reached == ("list-imported",)
    assert m.next == ("first-send",)  # overdue and next at once: every `after` is reached
    assert m.route == "off-track"
    assert (m.functional_progress, m.customer_progress, m.success_gap) == (0.5, 0.0, 50.0)
    assert m.journey_start == date(2026, 1, 1)


def test_due_date_itself_is_not_overdue(make_workspace):
    s = _score(make_workspace, as_of=date(2026, 1, 11))
    assert _state(s, "list-imported").status == "next"
    s = _score(make_workspace, as_of=date(2026, 1, 12))
    assert (_state(s, "list-imported").status, _state(s, "list-imported").days_late) == (
        "overdue",
        1,
    )


def test_after_gates_next_but_not_reached_or_overdue(make_workspace):
    # regs-up reached without its predecessors: it still counts; first-send is overdue.
    s = _score(make_workspace, "milestones:\n  - {id: regs-up, reached: 2026-03-01}\n")
    m = s.milestones
    assert m.reached == ("regs-up",)
    assert m.next == ("list-imported",)
    assert [o.id for o in m.overdue] == ["list-imported", "first-send"]
    assert (m.functional_progress, m.customer_progress, m.success_gap) == (0.0, 1.0, 0.0)


def test_scoring_before_the_start_has_nothing_due(make_workspace):
    s = _score(make_workspace, as_of=date(2025, 12, 1))
    m = s.milestones
    assert m.route == "on-track" and m.overdue == ()
    assert [x.status for x in m.states] == ["next", "upcoming", "upcoming"]
    assert s.engagement.attainment == 100.0  # nothing desired in the default model
    assert s.outcome is None  # the first desired outcome starts 2026-01-01


def test_only_listed_dates_on_or_before_the_date_count(make_workspace):
    s = _score(make_workspace, "milestones:\n  - {id: list-imported, reached: 2026-11-02}\n")
    state = _state(s, "list-imported")
    assert (state.status, state.occurrences, state.latest, state.source) == (
        "overdue",
        (),
        None,
        None,
    )


def test_success_gap_is_functional_minus_customer_progress(make_workspace):
    account = """\
    milestones:
      - {id: list-imported, reached: 2026-01-05}
      - {id: first-send, reached: 2026-01-15}
    """
    m = _score(make_workspace, account).milestones
    assert (m.functional_progress, m.customer_progress, m.success_gap) == (1.0, 0.0, 100.0)


# --- repeating milestones --------------------------------------------------------

REPEAT_MAP = MAP.replace("    due_days: 60\n", "    due_days: 60\n    repeat_days: 90\n")


@pytest.mark.parametrize(
    ("as_of", "status", "due", "lapsed"),
    [
        (date(2026, 8, 30), "reached", date(2026, 8, 30), False),  # 90 days after 06-01
        (date(2026, 8, 31), "overdue", date(2026, 8, 30), True),  # 91 days: lapsed
    ],
)
def test_repeating_milestone_lapses_after_repeat_days(make_workspace, as_of, status, due, lapsed):
    account = "milestones:\n  - {id: regs-up, reached: [2026-03-01, 2026-06-01]}\n"
    state = _state(_score(make_workspace, account, as_of, milestone_map=REPEAT_MAP), "regs-up")
    assert (state.status, state.due, state.lapsed, state.latest) == (
        status,
        due,
        lapsed,
        date(2026, 6, 1),
    )
    assert state.occurrences == (date(2026, 3, 1), date(2026, 6, 1))
    assert state.days_late == (1 if status == "overdue" else None)


def test_repeating_milestone_never_reached_is_due_from_the_journey_start(make_workspace):
    state = _state(_score(make_workspace, milestone_map=REPEAT_MAP), "regs-up")
    assert (state.status, state.due, state.lapsed) == ("overdue", date(2026, 3, 2), False)


def test_lapsed_milestone_lowers_progress_and_fires_a_risk_play(make_workspace):
    account = "milestones:\n  - {id: regs-up, reached: 2026-06-01}\n"
    s = _score(make_workspace, account, milestone_map=REPEAT_MAP)
    assert s.milestones.customer_progress == 0.0
    assert (
        "risk",
        "overdue-milestone",
        "regs-up",
        "Recover the overdue milestone 'Registrations up 20%'",
    ) in [(p.type, p.reason, p.ref, p.play) for p in s.plays]


# --- reached by evidence ------------------------------------------------------------

CRITERIA_MAP = MAP.replace(
    "    due_days: 10\n",
    "    due_days: 10\n    criteria:\n      - {signal: contacts, at_least: 1000}\n",
)


def test_reached_by_evidence_on_the_first_date_all_criteria_hold(make_workspace):
    account = """\
    signals:
      contacts:
        - {as_of: 2026-01-10, value: 500}
        - {as_of: 2026-02-01, value: 1200}
        - {as_of: 2026-03-01, value: 800}
    """
    s = _score(make_workspace, account, milestone_map=CRITERIA_MAP)
    state = _state(s, "list-imported")
    # It stands although the latest reading (800) has fallen back.
    assert (state.status, state.by_evidence, state.occurrences) == (
        "reached",
        date(2026, 2, 1),
        (date(2026, 2, 1),),
    )
    assert [r.path for r in state.evidence] == [("signals", "contacts", 1)]
    before = _state(
        _score(make_workspace, account, date(2026, 1, 31), milestone_map=CRITERIA_MAP),
        "list-imported",
    )
    assert (before.status, before.by_evidence) == ("overdue", None)


def test_each_criterion_is_judged_on_its_latest_reading_up_to_the_date(make_workspace):
    milestone_map = MAP.replace(
        "    due_days: 10\n",
        "    due_days: 10\n    criteria:\n      - {signal: sent, at_least: 5}\n"
        "      - {signal: bounces, at_most: 2}\n"
        "      - {signal: synced, equals: true}\n",
    )
    account = """\
    signals:
      bounces:
        - {as_of: 2026-01-05, value: 3}
        - {as_of: 2026-01-20, value: 1}
      sent: {as_of: 2026-01-10, value: 6}
      synced:
        - {as_of: 2026-01-01, value: 1}
        - {as_of: 2026-01-15, value: true}
    """
    # 01-05: no `sent` yet; 01-10: bounces 3 > 2; 01-15: bounces still 3; 01-20: all hold.
    # (`synced` 1 on 01-01 is not `true`: a number never equals a boolean.)
    state = _state(_score(make_workspace, account, milestone_map=milestone_map), "list-imported")
    assert state.by_evidence == date(2026, 1, 20)
    assert [r.path for r in state.evidence] == [
        ("signals", "sent"),
        ("signals", "bounces", 1),
        ("signals", "synced", 1),
    ]


def test_listed_dates_and_evidence_both_count(make_workspace):
    account = """\
    milestones:
      - {id: list-imported, reached: 2026-01-03}
    signals:
      contacts: {as_of: 2026-02-01, value: 5000}
    """
    state = _state(_score(make_workspace, account, milestone_map=CRITERIA_MAP), "list-imported")
    assert state.occurrences == (date(2026, 1, 3), date(2026, 2, 1))
    assert state.latest == date(2026, 2, 1)


# --- segment changes ---------------------------------------------------------------

MOVED = ACCOUNT.replace(
    "segment: teams\n",
    "segment:\n  - {since: 2026-01-01, segment: devs}\n  - {since: 2026-06-01, segment: teams}\n",
)


def test_segment_change_uses_the_new_map_from_its_since(make_workspace):
    account = (
        "milestones:\n  - {id: key-created, reached: 2026-01-02}\n"
        "  - {id: regs-up, reached: 2026-04-01}\n"
    )
    s = _score(make_workspace, account, header=MOVED)
    assert (s.segment, s.segment_since) == ("teams", date(2026, 6, 1))
    m = s.milestones
    assert (m.map, m.journey_start) == ("route", date(2026, 6, 1))
    # Due dates run from 06-01; regs-up (shared id) counts on the new route.
    assert [(x.id, x.status, x.due) for x in m.states] == [
        ("list-imported", "overdue", date(2026, 6, 11)),
        ("first-send", "overdue", date(2026, 6, 21)),
        ("regs-up", "reached", date(2026, 7, 31)),
    ]
    assert s.experience.id == "ax" and s.icp is not None


def test_before_the_change_the_old_segment_applies(make_workspace):
    account = "milestones:\n  - {id: key-created, reached: 2026-01-02}\n"
    s = _score(make_workspace, account, date(2026, 5, 31), header=MOVED)
    assert (s.segment, s.segment_since, s.milestones.map) == (
        "devs",
        date(2026, 1, 1),
        "self-route",
    )
    assert s.milestones.reached == ("key-created",)
    assert s.icp is None  # the developer segment has no ICP


def test_before_the_first_since_the_first_segment_is_in_force(make_workspace):
    header = MOVED.replace("since: 2026-01-01, segment: devs", "since: 2026-02-01, segment: devs")
    s = _score(make_workspace, as_of=date(2026, 1, 15), header=header)
    assert (s.segment, s.milestones.journey_start) == ("devs", date(2026, 2, 1))
    assert s.milestones.overdue == ()


# --- trend ---------------------------------------------------------------------------


def test_trend_dates_are_month_ends_then_the_date():
    month_ends = [(2025, 12, 31), (2026, 1, 31), (2026, 2, 28), (2026, 3, 31), (2026, 4, 30),
                  (2026, 5, 31), (2026, 6, 30), (2026, 7, 31), (2026, 8, 31), (2026, 9, 30),
                  (2026, 10, 31)]  # fmt: skip
    assert trend_dates(date(2026, 11, 1)) == (*(date(*d) for d in month_ends), date(2026, 11, 1))
    assert trend_dates(date(2024, 3, 31), 3) == (
        date(2024, 1, 31),
        date(2024, 2, 29),
        date(2024, 3, 31),
    )


def test_trend_scores_each_point(make_workspace):
    account = """\
    assessments:
      - {question: q, answer: partial, as_of: 2026-09-15}
      - {question: q, answer: yes, as_of: 2026-10-20}
    """
    ws = load(
        make_workspace(
            files(
                account,
                model=engagement(
                    intent="{weight: 1, desired: 1, measures: [{question: q, text: Q}]}"
                ),
            )
        )
    )
    points = trend(ws, "acme", AS_OF, months=3)
    assert [(p.as_of, p.attainment, p.band) for p in points] == [
        (date(2026, 9, 30), 50.0, "watch"),
        (date(2026, 10, 31), 100.0, "healthy"),
        (date(2026, 11, 1), 100.0, "healthy"),
    ]
    assert [p.success_gap for p in points] == [0.0, 0.0, 0.0]


# --- repeating milestones reached by evidence (SPEC v1.2 section 4) ------------------

REPEAT_CRITERIA_MAP = MAP.replace(
    "    due_days: 60\n",
    "    due_days: 60\n    repeat_days: 90\n    criteria:\n      - {signal: regs, at_least: 120}\n",
)
# Reached by evidence on 03-01; monthly readings keep meeting the target up to
# 10-15; scored 11-01 (the reported case). Old rule: lapsed on 05-30.
KEEPS_HOLDING = """\
signals:
  regs:
    - {as_of: 2026-02-01, value: 110}
    - {as_of: 2026-03-01, value: 125}
    - {as_of: 2026-06-01, value: 130}
    - {as_of: 2026-10-15, value: 140}
"""


def test_repeating_milestone_stays_current_while_its_evidence_holds(make_workspace):
    s = _score(make_workspace, KEEPS_HOLDING, milestone_map=REPEAT_CRITERIA_MAP)
    state = _state(s, "regs-up")
    # One occurrence (03-01: first hold after 02-01 did not); 10-15 shows it current.
    assert state.occurrences == (date(2026, 3, 1),)
    assert (state.status, state.lapsed, state.shown) == ("reached", False, date(2026, 10, 15))
    assert state.due == date(2027, 1, 13)  # 2026-10-15 + 90 days
    assert state.by_evidence == date(2026, 10, 15)
    assert [r.path for r in state.evidence] == [("signals", "regs", 3)]
    assert "regs-up" not in [p.ref for p in s.plays if p.reason == "overdue-milestone"]
    assert s.milestones.customer_progress == 1.0


def test_repeating_milestone_lapses_once_its_latest_holding_reading_is_too_old(make_workspace):
    # Scored 2027-01-14: 91 days after the latest reading that holds.
    s = _score(make_workspace, KEEPS_HOLDING, date(2027, 1, 14), milestone_map=REPEAT_CRITERIA_MAP)
    state = _state(s, "regs-up")
    assert (state.status, state.due, state.days_late, state.lapsed) == (
        "overdue",
        date(2027, 1, 13),
        1,
        True,
    )
    on_time = _score(
        make_workspace, KEEPS_HOLDING, date(2027, 1, 13), milestone_map=REPEAT_CRITERIA_MAP
    )
    assert _state(on_time, "regs-up").status == "reached"


def test_each_return_to_holding_is_a_new_occurrence(make_workspace):
    account = """\
    signals:
      regs:
        - {as_of: 2026-03-01, value: 125}
        - {as_of: 2026-04-01, value: 130}
        - {as_of: 2026-05-01, value: 90}
        - {as_of: 2026-07-01, value: 150}
        - {as_of: 2026-08-01, value: 100}
    """
    # Holds 03-01 (first), 04-01 (still: no new occurrence), fails 05-01,
    # holds again 07-01 (an occurrence), fails 08-01.
    state = _state(_score(make_workspace, account, milestone_map=REPEAT_CRITERIA_MAP), "regs-up")
    assert state.occurrences == (date(2026, 3, 1), date(2026, 7, 1))
    assert state.evidence_occurrences == (date(2026, 3, 1), date(2026, 7, 1))
    # The latest date that shows it is 07-01 (08-01 does not hold): due 09-29,
    # overdue 33 days on 11-01.
    assert (state.shown, state.due, state.status, state.days_late) == (
        date(2026, 7, 1),
        date(2026, 9, 29),
        "overdue",
        33,
    )


def test_a_later_listed_date_shows_a_repeating_milestone_current(make_workspace):
    account = KEEPS_HOLDING + "milestones:\n  - {id: regs-up, reached: 2026-10-20}\n"
    state = _state(_score(make_workspace, account, milestone_map=REPEAT_CRITERIA_MAP), "regs-up")
    assert state.occurrences == (date(2026, 3, 1), date(2026, 10, 20))
    assert (state.shown, state.due) == (date(2026, 10, 20), date(2027, 1, 18))


def test_only_evidence_on_or_before_the_date_shows_it_current(make_workspace):
    # On 2026-09-01 the latest holding reading is 06-01: due 08-30, 2 days late.
    s = _score(make_workspace, KEEPS_HOLDING, date(2026, 9, 1), milestone_map=REPEAT_CRITERIA_MAP)
    state = _state(s, "regs-up")
    assert (state.shown, state.status, state.days_late) == (date(2026, 6, 1), "overdue", 2)
