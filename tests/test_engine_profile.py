"""SPEC section 4: outcome progress, appropriate-experience coverage, ICP
fit, and plays (with SPEC section 5's wording)."""

from __future__ import annotations

from datetime import date

import pytest
from engine_support import ACCOUNT, engagement, files, load

from csplan.engine import score_account

AS_OF = date(2026, 11, 1)


def _score(make_workspace, account: str = "", as_of: date = AS_OF, **kwargs):
    ws = load(make_workspace(files(account, **kwargs)))
    return score_account(ws, "acme", as_of)


# --- outcome ---------------------------------------------------------------------

CHANGED = ACCOUNT.replace(
    "  - {since: 2026-01-01, outcome: grow, baseline: 100, target: 200}\n",
    "  - {since: 2026-01-01, outcome: grow, baseline: 100, target: 200, by: 2026-12-31}\n"
    "  - {since: 2026-07-01, outcome: grow, baseline: 100, target: 300, by: 2027-06-30,"
    " reason: A second conference}\n",
)
REGS = """\
signals:
  regs:
    - {as_of: 2026-05-01, value: 150}
    - {as_of: 2026-11-02, value: 400}
"""


def test_outcome_progress_against_the_version_in_force(make_workspace):
    before = _score(make_workspace, REGS, date(2026, 6, 30), header=CHANGED).outcome
    assert before is not None
    assert (before.target, before.progress, before.since, before.previous) == (
        200,
        0.5,
        date(2026, 1, 1),
        None,
    )
    after = _score(make_workspace, REGS, header=CHANGED).outcome
    assert after is not None
    assert (after.id, after.baseline, after.target, after.current, after.progress) == (
        "grow",
        100,
        300,
        150,
        0.25,
    )
    assert (after.since, after.by, after.reason) == (
        date(2026, 7, 1),
        date(2027, 6, 30),
        "A second conference",
    )
    assert after.previous is not None and after.previous.target == 200
    assert (after.current_as_of, after.signal, after.unit, after.direction) == (
        date(2026, 5, 1),
        "regs",
        "registrations",
        "increase",
    )


def test_no_outcome_before_the_first_since(make_workspace):
    assert _score(make_workspace, REGS, date(2025, 12, 31), header=CHANGED).outcome is None


def test_outcome_without_metric_evidence_has_no_progress(make_workspace):
    outcome = _score(make_workspace, "signals:\n  regs: {as_of: 2026-11-05, value: 190}\n").outcome
    assert outcome is not None
    assert (outcome.current, outcome.progress, outcome.evidence) == (None, None, None)


def test_outcome_progress_beyond_target_and_below_baseline(make_workspace):
    assert (
        _score(
            make_workspace, "signals:\n  regs: {as_of: 2026-10-01, value: 260}\n"
        ).outcome.progress
        == 1.6
    )
    assert (
        _score(
            make_workspace, "signals:\n  regs: {as_of: 2026-10-01, value: 90}\n"
        ).outcome.progress
        == -0.1
    )


def test_decreasing_outcome(make_workspace):
    header = ACCOUNT.replace(
        "outcome: grow, baseline: 100, target: 200",
        "outcome: fewer-bounces, baseline: 4.0, target: 1.0",
    )
    outcome = _score(
        make_workspace, "signals:\n  bounce_pct: {as_of: 2026-10-01, value: 2.5}\n", header=header
    ).outcome
    assert (outcome.direction, outcome.progress) == ("decrease", 0.5)


# --- appropriate experience ------------------------------------------------------


def test_experience_coverage_missing_required_and_mismatched(make_workspace):
    account = """\
    experience:
      - chat
      - sso
      - {element: phone-24x7, since: 2026-11-02}
      - {element: api-key, since: 2026-03-01}
      - {element: named-csm, since: 2026-11-01}
    """
    x = _score(make_workspace, account).experience
    assert (x.id, x.coverage) == ("ax", 2 / 3)
    assert x.in_place == ("named-csm", "sso")  # AX order
    assert x.missing == ("phone-24x7",)
    assert x.missing_required == ("phone-24x7",)
    assert x.mismatched == ("chat", "api-key")  # account order
    assert [e for e, _ in x.sources] == ["chat", "sso", "api-key", "named-csm"]


def test_experience_missing_required_in_ax_order(make_workspace):
    x = _score(make_workspace).experience
    assert (x.coverage, x.missing_required) == (0.0, ("named-csm", "phone-24x7"))


# --- ICP ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("attributes", "fit", "ideal", "missing"),
    [
        ("{industry: events, employees: 240, has_list: true}", 1.0, True, ()),
        (
            "{industry: events, employees: 50, has_list: false}",
            5 / 6,
            True,
            (),
        ),  # between is inclusive
        ("{industry: events, employees: 2000}", 5 / 6, True, ("has_list",)),
        ("{industry: Events, employees: 2001, has_list: true}", 1 / 6, False, ()),  # case matters
        (
            "{industry: associations, employees: true, has_list: 1}",
            0.5,
            False,
            (),
        ),  # a bool is not a number
        ("{industry: events, employees: '240', has_list: true}", 4 / 6, False, ()),  # "240" is text
        ("{employees: 100, has_list: true, industry: null}", 0.5, False, ("industry",)),
        ("{}", 0.0, False, ("industry", "employees", "has_list")),
    ],
)
def test_icp_fit(make_workspace, attributes, fit, ideal, missing):
    icp = _score(make_workspace, f"attributes: {attributes}\n").icp
    assert icp is not None
    assert (icp.id, icp.fit, icp.ideal, icp.missing_attributes, icp.threshold) == (
        "icp",
        fit,
        ideal,
        missing,
        0.7,
    )


def test_icp_operators_at_least_and_at_most(make_workspace):
    catalog = files()["catalog.yaml"].replace(
        "  - {attribute: has_list, equals: true, weight: 1}\n",
        "  - {attribute: events_per_year, at_least: 6, weight: 1}\n"
        "  - {attribute: churn_pct, at_most: 5.5, weight: 1}\n",
    )
    ws = load(
        make_workspace(
            {**files("attributes: {events_per_year: 6, churn_pct: 5.6}\n"), "catalog.yaml": catalog}
        )
    )
    icp = score_account(ws, "acme", AS_OF).icp
    assert [(c.attribute, c.operator, c.met) for c in icp.criteria] == [
        ("industry", "in", False),
        ("employees", "between", False),
        ("events_per_year", "at_least", True),
        ("churn_pct", "at_most", False),
    ]
    assert icp.fit == 1 / 7


def test_fit_equal_to_threshold_is_ideal(make_workspace):
    catalog = files()["catalog.yaml"].replace("fit_threshold: 0.7", "fit_threshold: 0.5")
    ws = load(
        make_workspace({**files("attributes: {industry: events}\n"), "catalog.yaml": catalog})
    )
    icp = score_account(ws, "acme", AS_OF).icp
    assert (icp.fit, icp.ideal) == (0.5, True)


def test_segment_without_icp_has_null_fit(make_workspace):
    assert (
        _score(make_workspace, header=ACCOUNT.replace("segment: teams", "segment: devs")).icp
        is None
    )


# --- plays -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("reached", "fires"),
    [("2026-11-01", True), ("2026-10-02", True), ("2026-10-01", False), ("2026-11-02", False)],
)
def test_trigger_plays_fire_within_the_window(make_workspace, reached, fires):
    # play_window_days 30: 2026-10-02 is 30 days before 2026-11-01, 2026-10-01 is 31.
    account = f"milestones:\n  - {{id: regs-up, reached: {reached}}}\n"
    plays = [
        (p.type, p.play, p.milestone)
        for p in _score(make_workspace, account).plays
        if p.type != "risk"
    ]
    expected = [
        ("expansion", "Offer the events add-on", "regs-up"),
        ("advocacy", "Ask for a case study", "regs-up"),
    ]
    assert plays == (expected if fires else [])


def test_trigger_plays_follow_route_order_and_the_latest_occurrence(make_workspace):
    account = """\
    milestones:
      - {id: regs-up, reached: 2026-10-20}
      - {id: list-imported, reached: [2026-01-05, 2026-10-25]}
    """
    plays = [p.play for p in _score(make_workspace, account).plays if p.type != "risk"]
    assert plays == ["Offer the annual plan", "Offer the events add-on", "Ask for a case study"]


def test_risk_plays_wording_and_order(make_workspace):
    model = engagement(
        intent="{weight: 1, desired: 0.8, measures: [{signal: intent_score, good: 1, bad: 0}]}",
        product_adoption="{weight: 2, desired: 0.8, measures: [{signal: war, good: 1, bad: 0}]}",
        outcomes="{weight: 1, desired: 0.6, measures: [{signal: lift, good: 1, bad: 0}]}",
        education="{weight: 1, desired: 0.5}",
    )
    account = """\
    experience: [named-csm]
    signals:
      intent_score: {as_of: 2026-10-01, value: 0.45}
      war: {as_of: 2026-10-01, value: 0.5}
      lift: {as_of: 2026-10-01, value: 0.6}
    """
    s = _score(make_workspace, account, model=model)
    # weight x gap: product adoption 2*0.3 = 0.6, education 0.5, intent 0.35; outcomes has none.
    assert s.engagement.biggest_gaps == ("product_adoption", "education", "intent")
    assert [(p.type, p.reason, p.ref, p.play) for p in s.plays] == [
        (
            "risk",
            "overdue-milestone",
            "list-imported",
            "Recover the overdue milestone 'List imported'",
        ),
        (
            "risk",
            "overdue-milestone",
            "first-send",
            "Recover the overdue milestone 'First invitation sent'",
        ),
        (
            "risk",
            "overdue-milestone",
            "regs-up",
            "Recover the overdue milestone 'Registrations up 20%'",
        ),
        ("risk", "missing-experience", "phone-24x7", "Put '24/7 phone support' in place"),
        (
            "risk",
            "engagement-gap",
            "product_adoption",
            "Close the product_adoption gap (0.50 of 0.80)",
        ),
        ("risk", "engagement-gap", "education", "Close the education gap (0.00 of 0.50)"),
        ("risk", "engagement-gap", "intent", "Close the intent gap (0.45 of 0.80)"),
    ]


def test_only_the_first_three_gaps_become_plays(make_workspace):
    model = engagement(
        **{
            name: "{weight: 1, desired: 0.5}"
            for name in ("intent", "outcomes", "journey", "education")
        }
    )
    s = _score(
        make_workspace, "experience: [named-csm, phone-24x7]\n", date(2025, 12, 1), model=model
    )
    assert s.engagement.biggest_gaps == ("intent", "outcomes", "education", "journey")
    assert [p.ref for p in s.plays] == ["intent", "outcomes", "education"]
