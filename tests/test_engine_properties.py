"""Invariants of the engine over generated accounts (hypothesis)."""

from __future__ import annotations

import dataclasses
import functools
import tempfile
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import yaml
from engine_support import CATALOG, MAP, SEGMENTS, SELF_MAP, SETTINGS, engagement, load
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from csplan.engine import score_account
from csplan.model import Account, Workspace
from csplan.report.score_json import to_dict

START = date(2026, 1, 1)
SIGNALS = {
    "war": (0.0, 1.0),
    "tickets": (0.0, 12.0),
    "contacts": (0.0, 3000.0),
    "regs": (50.0, 400.0),
}
QUESTIONS = ("q1", "q2", "q3")
MILESTONES = ("list-imported", "first-send", "regs-up")
ELEMENTS = ("named-csm", "phone-24x7", "sso", "chat")

MODEL = engagement(
    intent="{weight: 1, desired: 0.8, measures: [{question: q1, text: A},"
    " {question: q2, text: B, weight: 2}]}",
    anticipated_needs="{weight: 1, desired: 0.7, measures: [{milestones: functional},"
    " {question: q3, text: C}]}",
    product_adoption="{weight: 2, desired: 0.8, measures: [{signal: war, good: 0.6, bad: 0.1,"
    " max_age_days: 60}]}",
    outcomes="{weight: 2, desired: 0.8, measures: [{milestones: customer, weight: 2},"
    " {signal: regs, good: 300, bad: 100}]}",
    relationship="{weight: 1, desired: 0.8, measures: [{question: q2, text: B}]}",
    communication="{weight: 1, desired: 0.7}",
    education="{weight: 1, desired: 0.6, measures: [{signal: contacts, good: 2000, bad: 0}]}",
    journey="{weight: 1, desired: 0.7, measures: [{milestones: all},"
    " {signal: tickets, good: 1, bad: 8, max_age_days: 30}]}",
)
FULL_MAP = MAP.replace(
    "    due_days: 10\n",
    "    due_days: 10\n    criteria:\n      - {signal: contacts, at_least: 1000}\n",
).replace("    due_days: 60\n", "    due_days: 60\n    repeat_days: 90\n")


@functools.cache
def base() -> Workspace:
    folder = Path(tempfile.mkdtemp(prefix="csplan-props-"))
    for rel, text in _layout_one(_account_yaml({})).items():
        (folder / rel).parent.mkdir(parents=True, exist_ok=True)
        (folder / rel).write_text(text, encoding="utf-8")
    return load(folder)


def _layout_one(account: str) -> dict[str, str]:
    return {
        "csplan.yaml": SETTINGS,
        "catalog.yaml": CATALOG,
        "maps.yaml": FULL_MAP + "---\n" + SELF_MAP,
        "segments.yaml": SEGMENTS,
        "engagement.yaml": MODEL,
        "accounts/acme.yaml": account,
    }


def _layout_two(account: str) -> dict[str, str]:
    # The same documents, split and ordered differently, in other files.
    docs = [d for d in CATALOG.split("---\n")]
    return {
        "csplan.yaml": SETTINGS,
        "z/outcomes.yaml": "---\n".join(reversed(docs[:2])),
        "a/experience-and-icp.yaml": "---\n".join(reversed(docs[2:])),
        "m/self.yml": SELF_MAP,
        "m/teams.yaml": FULL_MAP,
        "everything-else.yaml": account + "---\n" + MODEL + "---\n" + SEGMENTS,
    }


def _account_yaml(data: dict[str, Any]) -> str:
    doc = {
        "kind": "Account",
        "id": "acme",
        "name": "Acme Events",
        "segment": "teams",
        "start": START.isoformat(),
        "stakeholders": [{"name": "Dana", "champion": True}],
        "desired_outcomes": [
            {"since": START.isoformat(), "outcome": "grow", "baseline": 100, "target": 200}
        ],
        **data,
    }
    return yaml.safe_dump(_isoformat(doc), sort_keys=False)


def _isoformat(value: Any) -> Any:
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, dict):
        return {k: _isoformat(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_isoformat(v) for v in value]
    return value


days = st.integers(min_value=-40, max_value=420).map(lambda n: START + timedelta(days=n))


@st.composite
def evidence(draw: st.DrawFn) -> dict[str, Any]:
    """Random account evidence, valid by SPEC section 3 (ascending, one per date)."""
    signals = {}
    for name, (low, high) in SIGNALS.items():
        when = sorted(draw(st.sets(days, max_size=4)))
        if when:
            values = draw(
                st.lists(
                    st.floats(low, high, allow_nan=False), min_size=len(when), max_size=len(when)
                )
            )
            signals[name] = [{"as_of": d, "value": v} for d, v in zip(when, values, strict=True)]
    answers = draw(
        st.lists(
            st.tuples(st.sampled_from(QUESTIONS), days, st.sampled_from(("yes", "partial", "no"))),
            max_size=6,
            unique_by=lambda a: (a[0], a[1]),
        )
    )
    milestones = []
    for ms in draw(st.lists(st.sampled_from(MILESTONES), unique=True)):
        when = sorted(draw(st.sets(days, min_size=1, max_size=3)))
        milestones.append({"id": ms, "reached": when})
    experience = draw(st.lists(st.sampled_from(ELEMENTS), unique=True))
    data: dict[str, Any] = {}
    if signals:
        data["signals"] = signals
    if answers:
        data["assessments"] = [{"question": q, "answer": a, "as_of": d} for q, d, a in answers]
    if milestones:
        data["milestones"] = milestones
    if experience:
        data["experience"] = experience
    return data


def _score(data: dict[str, Any], as_of: date):
    account = Account.model_validate(
        {
            "kind": "Account",
            "id": "acme",
            "name": "Acme Events",
            "segment": "teams",
            "start": START,
            "desired_outcomes": [
                {"since": START, "outcome": "grow", "baseline": 100, "target": 200}
            ],
            **data,
        }
    )
    ws = dataclasses.replace(base(), accounts={"acme": account})
    return score_account(ws, "acme", as_of)


PROPS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@PROPS
@given(evidence(), days)
def test_figures_stay_in_their_ranges(data, as_of):
    s = _score(data, as_of)
    e = s.engagement
    assert 0.0 <= e.attainment <= 100.0
    assert e.gap == 100.0 - e.attainment
    for c in e.components:
        assert 0.0 <= c.actual <= 1.0
        assert c.gap >= 0.0
        assert all(0.0 <= m.score <= 1.0 for m in c.measures)
    m = s.milestones
    assert 0.0 <= m.functional_progress <= 1.0 and 0.0 <= m.customer_progress <= 1.0
    assert 0.0 <= m.success_gap <= 100.0
    assert all(o.days_late > 0 for o in m.overdue)
    assert (m.route == "on-track") == (not m.overdue)
    assert 0.0 <= s.experience.coverage <= 1.0
    assert s.icp is not None and 0.0 <= s.icp.fit <= 1.0


@PROPS
@given(evidence(), days, st.data())
def test_yes_instead_of_no_never_lowers_attainment(data, as_of, draw):
    noes = [i for i, a in enumerate(data.get("assessments", [])) if a["answer"] == "no"]
    if not noes:
        return
    i = draw.draw(st.sampled_from(noes))
    better = {**data, "assessments": [dict(a) for a in data["assessments"]]}
    better["assessments"][i]["answer"] = "yes"
    assert (
        _score(better, as_of).engagement.attainment
        >= _score(data, as_of).engagement.attainment - 1e-9
    )


@PROPS
@given(evidence(), days, st.sampled_from(MILESTONES), st.integers(min_value=0, max_value=400))
def test_reaching_a_milestone_never_lowers_attainment(data, as_of, milestone, back):
    when = as_of - timedelta(days=back)
    listed = {m["id"]: list(m["reached"]) for m in data.get("milestones", [])}
    dates = sorted({*listed.get(milestone, []), when})
    listed[milestone] = dates
    more = {**data, "milestones": [{"id": k, "reached": v} for k, v in listed.items()]}
    assert (
        _score(more, as_of).engagement.attainment
        >= _score(data, as_of).engagement.attainment - 1e-9
    )


@PROPS
@given(evidence(), days)
def test_evidence_after_the_date_changes_nothing(data, as_of):
    before = _score(data, as_of)
    later = {**data}
    for name, (low, _) in SIGNALS.items():
        obs = list(later.get("signals", {}).get(name, []))
        last = max([o["as_of"] for o in obs] + [as_of])
        later.setdefault("signals", {})
        later["signals"] = {
            **later["signals"],
            name: [*obs, {"as_of": last + timedelta(days=1), "value": low}],
        }
    later["assessments"] = [
        *data.get("assessments", []),
        *({"question": q, "answer": "yes", "as_of": as_of + timedelta(days=1)} for q in QUESTIONS),
    ]
    listed = {m["id"]: list(m["reached"]) for m in data.get("milestones", [])}
    later["milestones"] = [
        {
            "id": ms,
            "reached": [*listed.get(ms, []), max([*listed.get(ms, []), as_of]) + timedelta(days=2)],
        }
        for ms in MILESTONES
    ]
    later["experience"] = [
        *data.get("experience", []),
        *({"element": e, "since": as_of + timedelta(days=1)} for e in ELEMENTS),
    ]
    # New listed milestones may add entries; compare what they cannot reach.
    after = _score(later, as_of)
    assert after.engagement == before.engagement
    assert after.outcome == before.outcome
    assert after.experience.coverage == before.experience.coverage
    assert after.experience.missing_required == before.experience.missing_required
    assert after.plays == before.plays
    assert [
        (s.id, s.status, s.due, s.occurrences, s.by_evidence) for s in after.milestones.states
    ] == [(s.id, s.status, s.due, s.occurrences, s.by_evidence) for s in before.milestones.states]


def _without_locations(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _without_locations(v) for k, v in value.items() if k not in ("file", "line")}
    if isinstance(value, list):
        return [_without_locations(v) for v in value]
    return value


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(evidence(), days)
def test_deterministic_and_independent_of_file_layout(data, as_of):
    account = _account_yaml(data)
    results = []
    for layout in (_layout_one, _layout_two, _layout_one):
        with tempfile.TemporaryDirectory(prefix="csplan-layout-") as folder:
            for rel, text in layout(account).items():
                (Path(folder) / rel).parent.mkdir(parents=True, exist_ok=True)
                (Path(folder) / rel).write_text(text, encoding="utf-8")
            ws = load(Path(folder))
            results.append(to_dict(score_account(ws, "acme", as_of), ws))
    assert results[0] == results[2]  # the same files give the same output, lines included
    assert _without_locations(results[0]) == _without_locations(results[1])
