"""SPEC section 4, engagement: measure scores, component actuals and gaps,
attainment, band and biggest gaps, with hand-computed figures."""

from __future__ import annotations

from datetime import date

import pytest
from engine_support import engagement, files, load

from csplan.engine import score_account
from csplan.engine.engagement import band_for, biggest_gaps
from csplan.results import ComponentScore

AS_OF = date(2026, 11, 1)


def _score(make_workspace, account: str = "", as_of: date = AS_OF, **components: str):
    ws = load(make_workspace(files(account, model=engagement(**components))))
    return score_account(ws, "acme", as_of)


def _component(score, name: str) -> ComponentScore:
    return next(c for c in score.engagement.components if c.name == name)


# --- signal measures ----------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [(0.35, 0.5), (0.6, 1.0), (0.9, 1.0), (0.1, 0.0), (0.05, 0.0), (0.225, 0.25)],
)
def test_signal_is_clamped_between_bad_and_good(make_workspace, value, expected):
    s = _score(
        make_workspace,
        f"signals:\n  war: {{as_of: 2026-10-01, value: {value}}}\n",
        product_adoption="{weight: 1, desired: 1, measures: [{signal: war, good: 0.6, bad: 0.1}]}",
    )
    m = _component(s, "product_adoption").measures[0]
    assert m.score == pytest.approx(expected, abs=1e-12)
    assert (m.kind, m.ref, m.value, m.as_of, m.no_evidence) == (
        "signal",
        "war",
        value,
        date(2026, 10, 1),
        False,
    )
    assert m.evidence == f"{value} on 2026-10-01"


def test_signal_with_bad_above_good(make_workspace):
    # Fewer open tickets is better: 3 open, good 1, bad 8 -> (3 - 8) / (1 - 8) = 5/7.
    s = _score(
        make_workspace,
        "signals:\n  tickets: {as_of: 2026-10-31, value: 3}\n",
        journey="{weight: 1, desired: 1, measures: [{signal: tickets, good: 1, bad: 8}]}",
    )
    assert _component(s, "journey").measures[0].score == 5 / 7
    assert _component(s, "journey").actual == 5 / 7


@pytest.mark.parametrize(("max_age", "fresh"), [(123, True), (122, False)])
def test_signal_older_than_max_age_is_no_evidence(make_workspace, max_age, fresh):
    # 2026-07-01 to 2026-11-01 is 123 days.
    s = _score(
        make_workspace,
        "signals:\n  nps: {as_of: 2026-07-01, value: 40}\n",
        relationship="{weight: 1, desired: 1, measures: [{signal: nps, good: 50, bad: 0,"
        f" max_age_days: {max_age}}}]}}",
    )
    m = _component(s, "relationship").measures[0]
    if fresh:
        assert (m.score, m.no_evidence, m.stale, m.evidence) == (
            0.8,
            False,
            False,
            "40 on 2026-07-01",
        )
    else:
        assert (m.score, m.no_evidence, m.stale) == (0.0, True, True)
        assert m.evidence == "no evidence: 40 on 2026-07-01 is older than 122 days"
        assert m.value == 40 and m.as_of == date(2026, 7, 1)  # kept for --explain


def test_signal_takes_latest_on_or_before_the_date_and_ignores_the_future(make_workspace):
    account = """\
    signals:
      war:
        - {as_of: 2026-09-01, value: 0.2}
        - {as_of: 2026-10-15, value: 0.4}
        - {as_of: 2026-11-02, value: 1.0}
    """
    comp = "{weight: 1, desired: 1, measures: [{signal: war, good: 1, bad: 0}]}"
    assert (
        _component(
            _score(make_workspace, account, product_adoption=comp), "product_adoption"
        ).actual
        == 0.4
    )
    early = _score(make_workspace, account, date(2026, 10, 14), product_adoption=comp)
    assert _component(early, "product_adoption").actual == 0.2
    late = _score(make_workspace, account, date(2026, 11, 2), product_adoption=comp)
    assert _component(late, "product_adoption").actual == 1.0


def test_future_only_signal_is_no_evidence(make_workspace):
    s = _score(
        make_workspace,
        "signals:\n  war: {as_of: 2026-11-02, value: 0.9}\n",
        product_adoption="{weight: 1, desired: 1, measures: [{signal: war, good: 1, bad: 0}]}",
    )
    m = _component(s, "product_adoption").measures[0]
    assert (m.score, m.no_evidence, m.evidence, m.source, m.as_of) == (
        0.0,
        True,
        "no evidence",
        None,
        None,
    )


def test_missing_signal_is_no_evidence(make_workspace):
    s = _score(
        make_workspace,
        product_adoption="{weight: 1, desired: 1, measures: [{signal: war, good: 1, bad: 0}]}",
    )
    m = _component(s, "product_adoption").measures[0]
    assert (m.score, m.no_evidence, m.evidence) == (0.0, True, "no evidence")


# --- questions ---------------------------------------------------------------

QUESTION = (
    "{weight: 1, desired: 1, measures: [{question: knows-intent, text: We know why they bought}]}"
)
ANSWERS = """\
assessments:
  - {question: knows-intent, answer: partial, as_of: 2026-12-01}
  - {question: knows-intent, answer: yes, as_of: 2026-06-01}
  - {question: knows-intent, answer: no, as_of: 2026-03-01}
"""


@pytest.mark.parametrize(
    ("as_of", "score", "evidence"),
    [
        (date(2026, 2, 28), 0.0, "no evidence"),
        (date(2026, 3, 1), 0.0, "no (2026-03-01)"),
        (date(2026, 5, 31), 0.0, "no (2026-03-01)"),
        (date(2026, 6, 1), 1.0, "yes (2026-06-01)"),
        (date(2026, 11, 1), 1.0, "yes (2026-06-01)"),
        (date(2026, 12, 1), 0.5, "partial (2026-12-01)"),
    ],
)
def test_question_latest_answer_wins(make_workspace, as_of, score, evidence):
    s = _score(make_workspace, ANSWERS, as_of, intent=QUESTION)
    m = _component(s, "intent").measures[0]
    assert (m.score, m.evidence) == (score, evidence)
    assert m.no_evidence is (evidence == "no evidence")


def test_question_source_points_at_the_answer(make_workspace):
    m = _component(_score(make_workspace, ANSWERS, intent=QUESTION), "intent").measures[0]
    assert m.source is not None
    assert (m.source.file, m.source.path) == ("accounts/acme.yaml", ("assessments", 1))


# --- milestone measures and component means ------------------------------------


def test_milestones_measure_is_progress_of_that_type(make_workspace):
    account = "milestones:\n  - {id: list-imported, reached: 2026-01-05}\n"
    s = _score(
        make_workspace,
        account,
        anticipated_needs="{weight: 1, desired: 1, measures: [{milestones: functional}]}",
        outcomes="{weight: 1, desired: 1, measures: [{milestones: customer}]}",
        journey="{weight: 1, desired: 1, measures: [{milestones: all}]}",
    )
    assert _component(s, "anticipated_needs").measures[0].score == 0.5
    assert (
        _component(s, "anticipated_needs").measures[0].evidence
        == "1 of 2 functional milestones reached"
    )
    assert _component(s, "outcomes").measures[0].score == 0.0
    assert _component(s, "journey").measures[0].score == 1 / 3
    assert _component(s, "journey").measures[0].evidence == "1 of 3 milestones reached"


def test_component_actual_is_the_weighted_mean_of_its_measures(make_workspace):
    account = """\
    assessments:
      - {question: q-yes, answer: yes, as_of: 2026-05-01}
      - {question: q-no, answer: no, as_of: 2026-05-01}
    """
    s = _score(
        make_workspace,
        account,
        relationship="{weight: 1, desired: 0.8, measures: [{question: q-yes, text: A, weight: 1},"
        " {question: q-no, text: B, weight: 3}]}",
    )
    c = _component(s, "relationship")
    assert (c.actual, c.gap) == (0.25, 0.8 - 0.25)


@pytest.mark.parametrize(
    "component",
    [
        "{weight: 1, desired: 0.5}",
        "{weight: 1, desired: 0.5, measures: [{question: q-yes, text: A, weight: 0}]}",
    ],
)
def test_component_without_measures_or_weights_scores_zero(make_workspace, component):
    s = _score(
        make_workspace,
        "assessments:\n  - {question: q-yes, answer: yes, as_of: 2026-05-01}\n",
        education=component,
        intent="{weight: 0, desired: 0, measures: [{question: q-yes, text: A}]}",
    )
    assert (_component(s, "education").actual, _component(s, "education").gap) == (0.0, 0.5)
    assert s.engagement.attainment == 0.0


# --- attainment, gap and band -----------------------------------------------------


def test_attainment_caps_each_component_at_its_desired_state(make_workspace):
    # intent: actual 1.0 > desired 0.8 counts 0.8; outcomes: 0.25 of 0.5 with weight 2.
    # E = 100 * (1*0.8 + 2*0.25) / (1*0.8 + 2*0.5) = 100 * 1.3 / 1.8
    account = """\
    assessments:
      - {question: q-yes, answer: yes, as_of: 2026-05-01}
    signals:
      lift: {as_of: 2026-10-01, value: 5}
    """
    s = _score(
        make_workspace,
        account,
        intent="{weight: 1, desired: 0.8, measures: [{question: q-yes, text: A}]}",
        outcomes="{weight: 2, desired: 0.5, measures: [{signal: lift, good: 20, bad: 0}]}",
    )
    e = s.engagement
    assert e.attainment == pytest.approx(100 * 1.3 / 1.8, abs=1e-12)
    assert e.gap == pytest.approx(100 - 100 * 1.3 / 1.8, abs=1e-12)
    assert [(c.name, c.gap) for c in e.components if c.gap] == [("outcomes", 0.25)]
    assert e.band == "watch"


def test_nothing_desired_means_fully_attained(make_workspace):
    s = _score(make_workspace)
    assert (s.engagement.attainment, s.engagement.gap, s.engagement.band) == (100.0, 0.0, "healthy")
    assert s.engagement.biggest_gaps == ()


@pytest.mark.parametrize(
    ("yes", "partial", "attainment", "band"),
    [
        (1, 1, 75.0, "healthy"),
        (1, 2, 100 * 2 / 3, "watch"),
        (0, 1, 50.0, "watch"),
        (0, 0, 0.0, "at-risk"),
    ],
)
def test_band_is_the_highest_min_at_or_below_attainment(
    make_workspace, yes, partial, attainment, band
):
    answers = [("q-yes", "yes")] * yes + [("q-partial", "partial")] * partial
    account = (
        "assessments:\n"
        + "".join(
            f"  - {{question: {q}{i}, answer: {a}, as_of: 2026-05-01}}\n"
            for i, (q, a) in enumerate(answers)
        )
        if answers
        else ""
    )
    measures = (
        ", ".join(f"{{question: {q}{i}, text: Q}}" for i, (q, _) in enumerate(answers))
        or "{question: q, text: Q}"
    )
    s = _score(make_workspace, account, intent=f"{{weight: 1, desired: 1, measures: [{measures}]}}")
    assert s.engagement.attainment == pytest.approx(attainment, abs=1e-12)
    assert s.engagement.band == band


def test_attainment_exactly_75_is_healthy_and_74_999_is_watch(make_workspace):
    comp = "{weight: 1, desired: 1, measures: [{signal: war, good: 1, bad: 0}]}"
    at_75 = _score(
        make_workspace, "signals:\n  war: {as_of: 2026-10-01, value: 0.75}\n", product_adoption=comp
    )
    assert (at_75.engagement.attainment, at_75.engagement.band) == (75.0, "healthy")
    below = _score(
        make_workspace,
        "signals:\n  war: {as_of: 2026-10-01, value: 0.74999}\n",
        product_adoption=comp,
    )
    assert below.engagement.attainment == pytest.approx(74.999, abs=1e-9)
    assert below.engagement.band == "watch"


def test_bands_come_from_the_workspace(make_workspace):
    settings = (
        "kind: Workspace\nname: T\nvendor: Acme\n"
        "bands: [{name: red, min: 0}, {name: green, min: 90}]\n"
    )
    ws = load(
        make_workspace(
            {**files(model=engagement(intent="{weight: 1, desired: 1}")), "csplan.yaml": settings}
        )
    )
    assert score_account(ws, "acme", AS_OF).engagement.band == "red"


def test_band_ignores_float_noise_below_a_boundary():
    bands = ((75.0, "healthy"), (50.0, "watch"), (0.0, "at-risk"))
    assert band_for(74.99999999999999, bands) == "healthy"  # shown as 75.0: must read healthy
    assert band_for(74.999, bands) == "watch"
    assert band_for(75.0, bands) == "healthy"
    assert band_for(49.9999999, bands) == "at-risk"
    assert band_for(0.0, bands) == "at-risk"


# --- biggest gaps ---------------------------------------------------------------------


def test_biggest_gaps_order_by_weight_times_gap_then_formula_order(make_workspace):
    # weight x gap: intent 1*0.3, anticipated_needs 3*0.1 = 0.30000000000000004 (a tie after
    # rounding, so formula order), outcomes 2*0.5 = 1.0 first, relationship has no gap.
    s = _score(
        make_workspace,
        intent="{weight: 1, desired: 0.3}",
        anticipated_needs="{weight: 3, desired: 0.1}",
        outcomes="{weight: 2, desired: 0.5}",
        relationship="{weight: 5, desired: 0}",
        education="{weight: 1, desired: 0.2}",
    )
    assert 3 * 0.1 > 1 * 0.3  # the float noise this test is about
    assert s.engagement.biggest_gaps == ("outcomes", "intent", "anticipated_needs", "education")


def test_biggest_gaps_keep_components_with_weight_zero_last():
    def comp(name: str, weight: float, gap: float) -> ComponentScore:
        return ComponentScore(name, weight, 0.5, 0.5 - gap, gap)

    comps = (
        comp("intent", 0, 0.4),
        comp("outcomes", 1, 0.1),
        comp("journey", 1, 0.0),
        comp("education", 2, 0.05),
    )
    assert biggest_gaps(comps) == ("outcomes", "education", "intent")
