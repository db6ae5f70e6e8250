"""The comparison of SPEC section 7 (csplan.engine.diff): attribution that
adds up, the configuration/evidence split, and the hand-computed cases."""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from conftest import EXAMPLE_WORKSPACES
from engine_support import MAP, engagement, files, load
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_engine_properties import base as generated_base
from test_engine_properties import days as generated_days
from test_engine_properties import evidence as generated_evidence

from csplan.api import load_workspace, make_scorer
from csplan.engine import Scorer
from csplan.engine.diff import compare_account, contributions, side, summarize, worst_drop
from csplan.model import COMPONENTS, Account, EngagementModel, Workspace
from csplan.results import AccountDiff, AccountScore, Play

TOLERANCE = 1e-9
MakeWorkspace = Callable[[dict[str, str | bytes]], Path]


def _check_attribution(d: AccountDiff) -> None:
    """The invariants every diff of two present sides keeps."""
    assert d.change is not None
    assert [c.name for c in d.components] == list(COMPONENTS)
    explained = sum(c.change for c in d.components)
    assert abs(explained + d.unattributed - d.change) <= TOLERANCE
    if d.configuration is not None and d.evidence is not None:
        assert abs(d.configuration + d.evidence - d.change) <= TOLERANCE
    for s, p in ((d.before_score, "before"), (d.after_score, "after")):
        assert s is not None
        total = sum(getattr(c, p) for c in d.components)
        if s.engagement.desired_total > 0:
            assert abs(total - s.engagement.attainment) <= TOLERANCE
        else:
            assert total == 0.0


# --- attribution over the examples --------------------------------------------


@functools.cache
def _examples() -> dict[str, Workspace]:
    return {p.name: load_workspace(p).workspace for p in EXAMPLE_WORKSPACES}


@functools.cache
def _scorer(name: str) -> Scorer:
    return make_scorer(_examples()[name])


MONTH_ENDS = [date(2026, m, 1) - timedelta(days=1) for m in range(2, 13)] + [date(2026, 11, 1)]


@pytest.mark.parametrize("name", [p.name for p in EXAMPLE_WORKSPACES])
def test_every_example_account_adds_up_between_month_ends(name: str) -> None:
    scorer = _scorer(name)
    for account in sorted(_examples()[name].accounts):
        scores = [scorer.score(account, d) for d in MONTH_ENDS]
        for before in scores:
            for after in scores:
                d = compare_account(before, after, has_base=False, two_dates=True)
                _check_attribution(d)
                # The examples desire something on every side: nothing is unattributed.
                assert d.unattributed == 0.0
                assert d.evidence == d.change and d.configuration is None


def _tweak(model: EngagementModel, changes: dict[str, tuple[float, float]]) -> EngagementModel:
    comps = model.components
    updates = {
        name: getattr(comps, name).model_copy(update={"weight": w, "desired": d})
        for name, (w, d) in changes.items()
    }
    return model.model_copy(update={"components": comps.model_copy(update=updates)})


component_changes = st.dictionaries(
    st.sampled_from(COMPONENTS),
    st.tuples(
        st.sampled_from([0.0, 0.5, 1.0, 2.0, 3.0]), st.sampled_from([0.0, 0.3, 0.6, 0.8, 1.0])
    ),
    max_size=8,
)
example_days = st.integers(min_value=-200, max_value=500).map(
    lambda n: date(2026, 1, 1) + timedelta(days=n)
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.sampled_from([p.name for p in EXAMPLE_WORKSPACES]),
    st.data(),
    example_days,
    example_days,
    component_changes,
    st.booleans(),
)
def test_examples_with_a_changed_base_add_up(
    name: str,
    data: st.DataObject,
    d1: date,
    d2: date,
    changes: dict[str, tuple[float, float]],
    nothing_desired: bool,
) -> None:
    """W_base is the example with its engagement models' weights and desired
    states changed (all desired 0 sometimes: then the rest is unattributed);
    W is the example as it is."""
    ws = _examples()[name]
    if nothing_desired:
        changes = {c: (1.0, 0.0) for c in COMPONENTS}
    models = {k: _tweak(m, changes) for k, m in ws.engagement_models.items()}
    base = make_scorer(dataclasses.replace(ws, engagement_models=models))
    account = data.draw(st.sampled_from(sorted(ws.accounts)))
    d1, d2 = min(d1, d2), max(d1, d2)
    before = base.score(account, d1)
    middle = base.score(account, d2)
    after = _scorer(name).score(account, d2)
    two = d1 != d2
    d = compare_account(before, after, middle=middle if two else None, has_base=True, two_dates=two)
    _check_attribution(d)
    assert d.configuration is not None
    if two:
        assert d.evidence is not None
        assert d.configuration == after.engagement.attainment - middle.engagement.attainment
    else:
        assert d.evidence is None and d.configuration == d.change
    if nothing_desired:
        assert all(c.before == 0.0 for c in d.components)
        assert abs(d.unattributed - (d.change - after.engagement.attainment)) <= TOLERANCE


# --- attribution over generated workspaces --------------------------------------


weights = st.sampled_from([0.0, 0.25, 1.0, 2.0, 7.5])
desired = st.one_of(st.just(0.0), st.floats(0.0, 1.0, allow_nan=False))
models = st.dictionaries(st.sampled_from(COMPONENTS), st.tuples(weights, desired), max_size=8)


def _generated(model: dict[str, tuple[float, float]], data: dict[str, Any], zero: bool) -> Scorer:
    """A scorer of the generated workspace with ``model``'s weights and desired
    states (``zero``: every component desires 0) and ``data`` as evidence."""
    ws = generated_base()
    if zero:
        model = {c: (model.get(c, (1.0, 0.0))[0], 0.0) for c in COMPONENTS}
    account = Account.model_validate(
        {
            "kind": "Account",
            "id": "acme",
            "name": "Acme Events",
            "segment": "teams",
            "start": date(2026, 1, 1),
            "desired_outcomes": [
                {"since": date(2026, 1, 1), "outcome": "grow", "baseline": 100, "target": 200}
            ],
            **data,
        }
    )
    engagement_models = {"model": _tweak(ws.engagement_models["model"], model)}
    return Scorer(
        dataclasses.replace(ws, accounts={"acme": account}, engagement_models=engagement_models)
    )


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    models,
    models,
    generated_evidence(),
    generated_evidence(),
    generated_days,
    generated_days,
    st.booleans(),
    st.booleans(),
)
def test_generated_workspaces_add_up(
    model_base: dict[str, tuple[float, float]],
    model_now: dict[str, tuple[float, float]],
    evidence_base: dict[str, Any],
    evidence_now: dict[str, Any],
    d1: date,
    d2: date,
    zero_base: bool,
    zero_now: bool,
) -> None:
    """Both the model (weights, desired, all desired 0 sometimes) and the
    account's evidence differ between W_base and W."""
    base = _generated(model_base, evidence_base, zero_base)
    now = _generated(model_now, evidence_now, zero_now)
    d1, d2 = min(d1, d2), max(d1, d2)
    before, middle, after = base.score("acme", d1), base.score("acme", d2), now.score("acme", d2)
    d = compare_account(before, after, middle=middle, has_base=True, two_dates=d1 != d2)
    _check_attribution(d)
    if before.engagement.desired_total > 0 and after.engagement.desired_total > 0:
        assert d.unattributed == 0.0
    # A state compared with itself is unchanged, whatever it is.
    same = compare_account(after, after, has_base=False, two_dates=False)
    assert same.status == "unchanged" and same.change == 0.0
    assert all(c.change == 0.0 and not c.measures for c in same.components)


# --- hand-computed cases --------------------------------------------------------


def _scores(root: Path, *days_: date, account: str = "acme") -> list[AccountScore]:
    scorer = make_scorer(load(root))
    return [scorer.score(account, d) for d in days_]


ADOPTION = "{weight: 2, desired: 0.8, measures: [{signal: war, good: 0.6, bad: 0.1}]}"
ADOPTION_AND_REGS = (
    "{weight: 2, desired: 0.8, measures: [{signal: war, good: 0.6, bad: 0.1},"
    " {signal: regs, good: 300, bad: 100}]}"
)
EVIDENCE = """\
signals:
  war: [{as_of: 2026-03-01, value: 0.35}]
  regs: [{as_of: 2026-02-01, value: 300}]
"""
JUNE = date(2026, 6, 1)


def test_a_measure_on_one_side_only(make_workspace: MakeWorkspace) -> None:
    (old,) = _scores(
        make_workspace(files(EVIDENCE, model=engagement(product_adoption=ADOPTION))), JUNE
    )
    (new,) = _scores(
        make_workspace(files(EVIDENCE, model=engagement(product_adoption=ADOPTION_AND_REGS))), JUNE
    )
    # war 0.35 scores (0.35 - 0.1) / 0.5 = 0.5 on both sides, regs 300 1:
    # a = 0.5 then (0.5 + 1) / 2 = 0.75; p = 100 * 2 * a / (2 * 0.8).
    d = compare_account(old, new, has_base=True, two_dates=False)
    assert d.status == "changed"
    pa = next(c for c in d.components if c.name == "product_adoption")
    assert pa.before == pytest.approx(62.5) and pa.after == pytest.approx(93.75)
    assert d.change == pytest.approx(31.25) and d.configuration == d.change and d.evidence is None
    assert [(m.kind, m.ref, m.before) for m in pa.measures] == [("signal", "regs", None)]
    assert pa.measures[0].after is not None and pa.measures[0].after.score == 1.0
    # The other way round, the question exists before only.
    back = compare_account(new, old, has_base=True, two_dates=False)
    pa = next(c for c in back.components if c.name == "product_adoption")
    assert [(m.kind, m.ref, m.after) for m in pa.measures] == [("signal", "regs", None)]
    assert all(not c.measures for c in back.components if c.name != "product_adoption")


def test_an_account_added_or_removed(make_workspace: MakeWorkspace) -> None:
    (s,) = _scores(make_workspace(files(EVIDENCE)), JUNE)
    added = compare_account(None, s, has_base=True, two_dates=False)
    removed = compare_account(s, None, has_base=True, two_dates=False)
    for d, status in ((added, "added"), (removed, "removed")):
        assert d.status == status and d.id == "acme" and d.name == "Acme Events"
        assert d.change is None and d.configuration is None and d.evidence is None
        assert d.components == () and d.unattributed == 0.0
        assert d.source == s.source and d.source is not None
        assert d.source.file == "accounts/acme.yaml"
    assert added.before is None and added.after == side(s) and added.after_score is s
    assert removed.after is None and removed.before == side(s) and removed.before_score is s
    unchanged = compare_account(s, s, has_base=True, two_dates=False)
    summary = summarize([added, removed, unchanged])
    assert (summary.accounts, summary.changed, summary.added, summary.removed) == (3, 0, 1, 1)
    assert summary.band_changes == 0
    assert worst_drop([added, removed], 0) == ()
    with pytest.raises(ValueError):
        compare_account(None, None, has_base=False, two_dates=False)


SEGMENT_CHANGE = """\
milestones:
  - {id: list-imported, reached: 2026-01-05}
"""


def test_a_segment_change_between_the_dates(make_workspace: MakeWorkspace) -> None:
    header = (
        "kind: Account\nid: acme\nname: Acme Events\nstart: 2026-01-01\n"
        "segment:\n  - {since: 2026-01-01, segment: teams}\n"
        "  - {since: 2026-06-01, segment: devs}\n"
        "stakeholders:\n  - {name: Dana Kim, champion: true}\n"
        "desired_outcomes:\n  - {since: 2026-01-01, outcome: grow, baseline: 100, target: 200}\n"
    )
    before, after = _scores(
        make_workspace(files(SEGMENT_CHANGE, header=header)), date(2026, 5, 1), date(2026, 7, 1)
    )
    d = compare_account(before, after, has_base=False, two_dates=True)
    assert d.status == "changed"
    assert d.before is not None and d.after is not None
    assert (d.before.segment, d.after.segment) == ("teams", "devs")
    # teams on 05-01 (journey from 01-01): list-imported reached, first-send
    # (due 01-21) and regs-up (due 03-02) overdue. devs on 07-01 (journey from
    # 06-01): key-created due 06-04 overdue, regs-up due 08-30, list-imported
    # not in its map. After's route order first, then the before side's.
    assert d.milestones.reached == ()
    assert d.milestones.lapsed == ("list-imported",)
    assert d.milestones.overdue == ("key-created",)
    assert d.milestones.recovered == ("regs-up", "first-send")
    risks = lambda plays: [(p.reason, p.ref) for p in plays]  # noqa: E731
    assert risks(d.plays.added) == [
        ("overdue-milestone", "key-created"),
        ("missing-experience", "api-key"),
    ]
    assert risks(d.plays.removed) == [
        ("overdue-milestone", "first-send"),
        ("overdue-milestone", "regs-up"),
        ("missing-experience", "named-csm"),
        ("missing-experience", "phone-24x7"),
    ]
    # The model desires nothing: E is 100 on both sides, nothing to attribute.
    assert d.change == 0.0 and d.evidence == 0.0 and d.unattributed == 0.0


REPEATING = """\
milestones:
  - {id: list-imported, reached: 2026-01-05}
  - {id: first-send, reached: 2026-01-10}
  - {id: regs-up, reached: 2026-03-15}
"""


def test_a_repeating_milestone_lapsing(make_workspace: MakeWorkspace) -> None:
    repeating = MAP.replace("    due_days: 60\n", "    due_days: 60\n    repeat_days: 90\n")
    model = engagement(outcomes="{weight: 1, desired: 1, measures: [{milestones: customer}]}")
    root = make_workspace(files(REPEATING, model=model, milestone_map=repeating))
    # 04-01: regs-up shown 17 days ago, its triggers fire (window 30). 07-01:
    # 108 days > 90, lapsed, and due again on 03-15 + 90 = 06-13: overdue.
    before, after = _scores(root, date(2026, 4, 1), date(2026, 7, 1))
    d = compare_account(before, after, has_base=False, two_dates=True)
    assert d.milestones.lapsed == ("regs-up",)
    assert d.milestones.overdue == ("regs-up",)
    assert d.milestones.reached == () and d.milestones.recovered == ()
    outcomes = next(c for c in d.components if c.name == "outcomes")
    assert (outcomes.before, outcomes.after) == (100.0, 0.0)
    assert d.change == -100.0 and d.evidence == -100.0 and d.configuration is None
    (m,) = outcomes.measures
    assert (m.kind, m.ref) == ("milestones", "customer")
    assert m.before is not None and m.after is not None
    assert (m.before.score, m.after.score) == (1.0, 0.0)
    assert m.before.evidence == "1 of 1 customer milestones reached"
    assert m.after.evidence == "0 of 1 customer milestones reached"
    # Plays: the trigger plays went, the risks came.
    assert [(p.type, p.milestone) for p in d.plays.removed] == [
        ("expansion", "regs-up"),
        ("advocacy", "regs-up"),
    ]
    assert [(p.type, p.reason, p.ref) for p in d.plays.added] == [
        ("risk", "overdue-milestone", "regs-up"),
        ("risk", "engagement-gap", "outcomes"),
    ]
    assert d.status == "changed"


def test_a_desired_outcome_changed_between_the_dates(make_workspace: MakeWorkspace) -> None:
    account = """\
      - {since: 2026-06-01, outcome: fewer-bounces, baseline: 10, target: 2}
    signals:
      regs: [{as_of: 2026-03-01, value: 150}]
      bounce_pct: [{as_of: 2026-06-15, value: 8}]
    """
    before, after = _scores(make_workspace(files(account)), date(2026, 5, 1), date(2026, 7, 1))
    d = compare_account(before, after, has_base=False, two_dates=True)
    assert d.before is not None and d.after is not None
    # grow: (150 - 100) / (200 - 100); fewer-bounces: (8 - 10) / (2 - 10).
    assert (d.before.outcome, d.before.outcome_progress) == ("grow", 0.5)
    assert (d.after.outcome, d.after.outcome_progress) == ("fewer-bounces", 0.25)
    # Attainment did not move (the model desires nothing), the outcome did.
    assert d.change == 0.0 and all(c.change == 0.0 for c in d.components)
    assert d.status == "changed"


def test_a_changed_measure_keeps_its_evidence_and_lines(make_workspace: MakeWorkspace) -> None:
    account = """\
    signals:
      war:
        - {as_of: 2026-03-01, value: 0.35}
        - {as_of: 2026-06-01, value: 0.6}
    """
    model = engagement(
        product_adoption="{weight: 1, desired: 1, measures: [{signal: war, good: 0.6, bad: 0.1}]}"
    )
    root = make_workspace(files(account, model=model))
    ws = load(root)
    scorer = make_scorer(ws)
    d = compare_account(
        scorer.score("acme", date(2026, 4, 1)),
        scorer.score("acme", date(2026, 7, 1)),
        has_base=False,
        two_dates=True,
    )
    (m,) = next(c for c in d.components if c.name == "product_adoption").measures
    assert m.before is not None and m.after is not None
    assert (m.before.score, m.after.score) == (pytest.approx(0.5), 1.0)
    assert m.before.evidence == "0.35 on 2026-03-01"
    assert m.after.evidence == "0.6 on 2026-06-01"
    lines = (root / "accounts/acme.yaml").read_text().splitlines()
    first = next(i for i, t in enumerate(lines, 1) if "value: 0.35" in t)
    assert ws.evidence_location(m.before.source) == ("accounts/acme.yaml", first)
    assert ws.evidence_location(m.after.source) == ("accounts/acme.yaml", first + 1)
    assert d.change == pytest.approx(50.0) and d.evidence == d.change


def test_configuration_and_evidence_split(make_workspace: MakeWorkspace) -> None:
    account = """\
    signals:
      war:
        - {as_of: 2026-03-01, value: 0.35}
        - {as_of: 2026-06-01, value: 0.6}
      regs: [{as_of: 2026-02-01, value: 200}]
    """
    adoption = "{weight: 1, desired: 1, measures: [{signal: war, good: 0.6, bad: 0.1}]}"
    outcomes = "{weight: 1, desired: 1, measures: [{signal: regs, good: 300, bad: 100}]}"
    base_root = make_workspace(files(account, model=engagement(product_adoption=adoption)))
    (before, middle) = _scores(base_root, date(2026, 4, 1), date(2026, 7, 1))
    (after,) = _scores(
        make_workspace(
            files(account, model=engagement(product_adoption=adoption, outcomes=outcomes))
        ),
        date(2026, 7, 1),
    )
    # base: 50 on 04-01, 100 on 07-01; now: (1 + 0.5) / 2 = 75 on 07-01.
    d = compare_account(before, after, middle=middle, has_base=True, two_dates=True)
    assert (d.change, d.configuration, d.evidence) == pytest.approx((25.0, -25.0, 50.0))
    by_name = {c.name: c for c in d.components}
    pa, oc = by_name["product_adoption"], by_name["outcomes"]
    assert (pa.before, pa.after, oc.before, oc.after) == pytest.approx((50.0, 50.0, 0.0, 25.0))
    # war's score moved even though its contribution did not: still listed.
    assert [m.ref for m in by_name["product_adoption"].measures] == ["war"]
    assert [(m.ref, m.before) for m in by_name["outcomes"].measures] == [("regs", None)]
    with pytest.raises(ValueError, match="middle"):
        compare_account(before, after, has_base=True, two_dates=True)


def test_nothing_desired_on_one_side_is_unattributed(make_workspace: MakeWorkspace) -> None:
    adoption = "{weight: 1, desired: 1, measures: [{signal: war, good: 0.6, bad: 0.1}]}"
    (old,) = _scores(make_workspace(files(EVIDENCE)), JUNE)
    (new,) = _scores(
        make_workspace(files(EVIDENCE, model=engagement(product_adoption=adoption))), JUNE
    )
    assert contributions(old.engagement) == dict.fromkeys(COMPONENTS, 0.0)
    d = compare_account(old, new, has_base=True, two_dates=False)
    # 100 by definition before, 50 after; product_adoption explains +50.
    assert d.change == pytest.approx(-50.0)
    assert sum(c.change for c in d.components) == pytest.approx(50.0)
    assert d.unattributed == pytest.approx(-100.0)


def test_an_unchanged_account(make_workspace: MakeWorkspace) -> None:
    model = engagement(product_adoption=ADOPTION_AND_REGS)
    a, b = _scores(make_workspace(files(EVIDENCE, model=model)), date(2026, 4, 1), JUNE)
    d = compare_account(a, b, has_base=False, two_dates=True)
    assert d.status == "unchanged"
    assert d.change == 0.0 and d.evidence == 0.0 and d.unattributed == 0.0
    assert all(c.change == 0.0 and not c.measures for c in d.components)
    assert d.milestones == type(d.milestones)() and not d.plays.added and not d.plays.removed
    assert d.before == d.after


def test_plays_compared_as_whole_entries() -> None:
    from csplan.engine.diff import _plays

    gap = Play(
        "risk", "Close the outcomes gap (0.45 of 0.80)", reason="engagement-gap", ref="outcomes"
    )
    gap_moved = Play(
        "risk", "Close the outcomes gap (0.60 of 0.80)", reason="engagement-gap", ref="outcomes"
    )
    twice = Play("expansion", "Offer the add-on", milestone="regs-up")
    changes = _plays([gap, twice, twice], [twice, gap_moved])
    # Same reason and ref with other words is a different play; a play listed
    # twice and once after is removed once.
    assert changes.added == (gap_moved,)
    assert changes.removed == (gap, twice)


def test_worst_drop_leaves_out_not_started_and_orders_by_fall(
    make_workspace: MakeWorkspace,
) -> None:
    model = engagement(
        product_adoption="{weight: 1, desired: 1, measures: [{signal: war, good: 0.6, bad: 0.1}]}"
    )
    account = """\
    signals:
      war:
        - {as_of: 2026-03-01, value: 0.6}
        - {as_of: 2026-06-01, value: 0.35}
    """
    before, after, early = _scores(
        make_workspace(files(account, model=model)),
        date(2026, 4, 1),
        date(2026, 7, 1),
        date(2025, 12, 1),
    )
    fell = compare_account(before, after, has_base=False, two_dates=True)  # 100 -> 50
    # 0.35 scores 0.49999999999999994: a fall of 50 less float noise, and a
    # fall of exactly N is allowed.
    assert fell.change == pytest.approx(-50.0) and fell.change != -50.0
    assert worst_drop([fell], 50) == ()
    assert worst_drop([fell], 49.5) == (fell,)
    other = dataclasses.replace(fell, id="zeta", change=-70.0)
    assert worst_drop([fell, other], 10) == (other, fell)
    # Not started on the before side (2025-12-01 is before the start): left out.
    assert not early.started
    from_early = compare_account(early, after, has_base=False, two_dates=True)
    assert from_early.before is not None and not from_early.before.started
    assert worst_drop([dataclasses.replace(from_early, change=-80.0)], 10) == ()
    summary = summarize([fell, from_early])
    assert (summary.accounts, summary.changed) == (2, 2)
    assert summary.band_changes == int(fell.band_changed) + int(from_early.band_changed)
    assert fell.band_changed  # 100 and 50 are in different default bands


@pytest.mark.parametrize("name", [p.name for p in EXAMPLE_WORKSPACES])
def test_the_same_figures_computed_another_way_are_unchanged(name: str) -> None:
    """Every weight times 3: the same attainment up to float noise, which is
    not a change (figures are compared at the engine's precision)."""
    ws = _examples()[name]
    models = {
        k: _tweak(
            m,
            {
                c: (getattr(m.components, c).weight * 3, getattr(m.components, c).desired)
                for c in COMPONENTS
            },
        )
        for k, m in ws.engagement_models.items()
    }
    base = make_scorer(dataclasses.replace(ws, engagement_models=models))
    noise = 0
    for account in sorted(ws.accounts):
        for day in MONTH_ENDS:
            before, after = base.score(account, day), _scorer(name).score(account, day)
            d = compare_account(before, after, has_base=True, two_dates=False)
            assert d.status == "unchanged", (account, day)
            noise += d.change != 0.0 or any(c.change != 0.0 for c in d.components)
    # The noise is there (the test would fail comparing floats exactly).
    assert noise > 0
