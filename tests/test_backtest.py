"""``csplan backtest`` (SPEC section 9): the engine against hand-computed
figures, properties of the AUC and of retention, the reports and the command
line."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest
from engine_support import CATALOG, MAP, SEGMENTS, SELF_MAP, engagement
from hypothesis import given
from hypothesis import strategies as st

from csplan import api
from csplan.engine.backtest import auc, retention
from csplan.model import Renewal

# One component, one question: attainment is 100 (yes), 50 (partial) or 0 (no).
MODEL = engagement(
    intent="{weight: 1, desired: 1, measures: [{question: knows, text: We know why they bought}]}"
)
SETTINGS = """\
kind: Workspace
name: Backtest tests
vendor: Acme
bands:
  - {name: champion, min: 90}
  - {name: healthy, min: 75}
  - {name: watch, min: 50}
  - {name: at-risk, min: 0}
"""


def account(account_id: str, start: str, answer: str, renewals: list[tuple[str, int, int]]) -> str:
    rows = "".join(
        f"  - {{date: {d}, arr_before: {before}, arr_after: {after}}}\n"
        for d, before, after in renewals
    )
    return (
        f"kind: Account\nid: {account_id}\nname: {account_id.title()}\nsegment: teams\n"
        f"start: {start}\n"
        f"desired_outcomes:\n  - {{since: {start}, outcome: grow, baseline: 100, target: 200}}\n"
        f"assessments:\n  - {{question: knows, answer: {answer}, as_of: {start}}}\n"
        f"renewals:\n{rows}"
    )


# Lead 90. a1 100 champion expanded; a2 50 watch renewed; a3 50 watch churned
# (a tie with a2); a4 0 at-risk contracted; a5 scored on 2025-12-01, a month
# before its start: listed, not counted.
SMALL = {
    "a1": account("a1", "2025-01-01", "yes", [("2026-01-01", 40000, 48000)]),
    "a2": account("a2", "2025-01-01", "partial", [("2026-01-01", 30000, 30000)]),
    "a3": account("a3", "2025-01-01", "partial", [("2026-02-01", 20000, 0)]),
    "a4": account("a4", "2025-01-01", "no", [("2026-03-01", 10000, 5000)]),
    "a5": account("a5", "2026-01-01", "yes", [("2026-03-01", 50000, 0)]),
}


def workspace_files(accounts: dict[str, str]) -> dict[str, str | bytes]:
    files: dict[str, str | bytes] = {
        "csplan.yaml": SETTINGS,
        "catalog.yaml": CATALOG,
        "maps.yaml": MAP + "---\n" + SELF_MAP,
        "segments.yaml": SEGMENTS,
        "engagement.yaml": MODEL,
    }
    files.update({f"accounts/{k}.yaml": v for k, v in accounts.items()})
    return files


@pytest.fixture
def small(make_workspace: Callable[[dict[str, str | bytes]], Path]) -> Path:
    root = make_workspace(workspace_files(SMALL))
    result = api.load_workspace(root)
    assert result.ok, [str(f) for f in result.findings]
    return root


# --- hand-computed ------------------------------------------------------------


def test_small_set_by_hand(small: Path) -> None:
    result = api.backtest(small, leads=[90])
    r = result.retention
    assert (r.renewals, r.churned, r.contracted, r.renewed, r.expanded) == (5, 2, 1, 1, 1)
    assert (r.arr_before, r.arr_after) == (150000, 83000)
    assert r.nrr == pytest.approx(83000 / 150000)
    assert r.grr == pytest.approx(75000 / 150000)  # 40000 + 30000 + 0 + 5000 + 0

    [lead] = result.leads
    assert lead.lead_days == 90
    # Retained 100, 50, 0 against churned 50: 1 + 1/2 + 0 of 3 pairs.
    assert lead.auc == pytest.approx(0.5)
    assert [(c.name, c.auc) for c in lead.components if c.name == "intent"] == [("intent", 0.5)]
    assert (lead.retained, lead.churned, lead.enough_data) == (3, 1, False)

    bands = {b.band: b for b in lead.bands}
    assert [b.band for b in lead.bands] == ["champion", "healthy", "watch", "at-risk"]
    champion, healthy, watch, at_risk = (
        bands[n] for n in ("champion", "healthy", "watch", "at-risk")
    )
    assert (champion.renewals, champion.churned, champion.churn_rate) == (1, 0, 0.0)
    assert (champion.nrr, champion.grr) == (pytest.approx(1.2), pytest.approx(1.0))
    # A band without renewals: counts and sums 0, rates null.
    assert (healthy.renewals, healthy.churned, healthy.arr_before, healthy.arr_after) == (
        0,
        0,
        0,
        0,
    )
    assert (healthy.churn_rate, healthy.nrr, healthy.grr) == (None, None, None)
    assert (watch.renewals, watch.churned, watch.churn_rate) == (2, 1, 0.5)
    assert (watch.arr_before, watch.arr_after, watch.nrr, watch.grr) == (50000, 30000, 0.6, 0.6)
    assert (at_risk.arr_before, at_risk.arr_after, at_risk.grr) == (10000, 5000, 0.5)


def test_not_started_renewal_listed_and_left_out(small: Path) -> None:
    [lead] = api.backtest(small, leads=[90]).leads
    a5 = next(r for r in lead.renewals if r.account == "a5")
    assert (a5.started, a5.scored_at, a5.outcome) == (False, date(2025, 12, 1), "churned")
    # No evidence before its start: 0, and it churned; counted, it would
    # have made the score look better than it is.
    assert a5.attainment == 0.0
    assert lead.auc == pytest.approx(0.5)
    assert sum(b.renewals for b in lead.bands) == 4
    assert lead.churned == 1
    # At 59 days a5 is scored on its start: counted.
    [near] = api.backtest(small, leads=[59]).leads
    assert next(r for r in near.renewals if r.account == "a5").started
    assert near.churned == 2


def test_renewals_in_date_order_with_every_field(small: Path) -> None:
    [lead] = api.backtest(small, leads=[90]).leads
    assert [(r.account, r.renewal_date.isoformat()) for r in lead.renewals] == [
        ("a1", "2026-01-01"),
        ("a2", "2026-01-01"),
        ("a3", "2026-02-01"),
        ("a4", "2026-03-01"),
        ("a5", "2026-03-01"),
    ]
    a1 = lead.renewals[0]
    assert (a1.scored_at, a1.attainment, a1.band, a1.outcome) == (
        date(2025, 10, 3),
        100.0,
        "champion",
        "expanded",
    )


def test_period_is_inclusive(small: Path) -> None:
    result = api.backtest(small, from_date="2026-02-01", to_date="2026-03-01", leads=[90])
    assert [r.account for r in result.leads[0].renewals] == ["a3", "a4", "a5"]
    assert result.retention.renewals == 3
    assert api.backtest(small, to_date="2026-01-01").retention.renewals == 2
    with pytest.raises(ValueError, match="after"):
        api.backtest(small, from_date="2026-03-01", to_date="2026-02-01")


def test_leads_sorted_once_each(small: Path) -> None:
    result = api.backtest(small, leads=[180, 30, 90, 30])
    assert [lead.lead_days for lead in result.leads] == [30, 90, 180]
    for bad in ([0], [-30], []):
        with pytest.raises(ValueError, match="positive whole days"):
            api.backtest(small, leads=bad)


def test_enough_data_with_five_of_each(
    make_workspace: Callable[[dict[str, str | bytes]], Path],
) -> None:
    accounts = {}
    for i in range(5):
        accounts[f"kept{i}"] = account(f"kept{i}", "2025-01-01", "yes", [("2026-01-01", 100, 100)])
        accounts[f"lost{i}"] = account(f"lost{i}", "2025-01-01", "no", [("2026-01-01", 100, 0)])
    root = make_workspace(workspace_files(accounts))
    [lead] = api.backtest(root).leads
    assert (lead.enough_data, lead.auc) == (True, 1.0)
    # Four churned: the same AUC, not enough to say.
    del accounts["lost4"]
    (root / "accounts/lost4.yaml").unlink()
    [lead] = api.backtest(root).leads
    assert (lead.enough_data, lead.auc, lead.churned) == (False, 1.0, 4)


def test_auc_with_ties_by_hand() -> None:
    # retained 0.3, 0.5, 0.5; churned 0.5, 0.1: (1 + 0.5 + 1 + 0.5 + 1 + 0 ...) by pairs:
    # 0.3 vs 0.5 -> 0, vs 0.1 -> 1; 0.5 vs 0.5 -> 0.5, vs 0.1 -> 1 (twice). 4 of 6.
    pairs = [(0.3, True), (0.5, True), (0.5, True), (0.5, False), (0.1, False)]
    assert auc(pairs) == pytest.approx(4 / 6)
    # Float noise is a tie: 0.1 + 0.2 and 0.3 agree to 9 decimals.
    assert auc([(0.1 + 0.2, True), (0.3, False)]) == 0.5
    assert auc([(1.0, True)]) is None
    assert auc([]) is None


# --- properties ---------------------------------------------------------------

values = st.floats(min_value=0, max_value=100, allow_nan=False)


@given(
    st.lists(values, min_size=1, max_size=30),
    st.lists(values, min_size=1, max_size=30),
)
def test_auc_separated_is_one_and_reversed_is_zero(low: list[float], high: list[float]) -> None:
    # Shift the retained ones clear above (or below) every churned one.
    top = max(low) + 1
    above = [top + v for v in high]
    assert auc([(v, True) for v in above] + [(v, False) for v in low]) == 1.0
    assert auc([(v, False) for v in above] + [(v, True) for v in low]) == 0.0


@given(values, st.lists(st.booleans(), min_size=2, max_size=40))
def test_auc_of_a_constant_is_one_half(value: float, kept: list[bool]) -> None:
    result = auc([(value, k) for k in kept])
    assert result == (0.5 if any(kept) and not all(kept) else None)


@given(st.lists(st.tuples(values, st.booleans()), max_size=40))
def test_auc_matches_the_pairs(pairs: list[tuple[float, bool]]) -> None:
    kept = [round(v, 9) for v, k in pairs if k]
    lost = [round(v, 9) for v, k in pairs if not k]
    if not kept or not lost:
        assert auc(pairs) is None
        return
    wins = sum(1.0 if a > b else 0.5 if a == b else 0.0 for a in kept for b in lost)
    assert auc(pairs) == pytest.approx(wins / (len(kept) * len(lost)))


arr = st.integers(min_value=0, max_value=10**7)


@given(st.lists(st.tuples(st.integers(min_value=1, max_value=10**7), arr), max_size=30))
def test_nrr_at_least_grr(rows: list[tuple[int, int]]) -> None:
    result = retention(
        Renewal(date=date(2026, 1, 1), arr_before=before, arr_after=after) for before, after in rows
    )
    if not rows:
        assert (result.nrr, result.grr) == (None, None)
        return
    assert result.nrr is not None and result.grr is not None
    assert result.nrr >= result.grr
    assert 0 <= result.grr <= 1
    assert result.renewals == sum(
        (result.churned, result.contracted, result.renewed, result.expanded)
    )


# --- reports -------------------------------------------------------------------


def test_json_is_the_spec_shape(small: Path, cli: Callable[..., object]) -> None:
    run = cli("backtest", "-w", small, "--format", "json", "--lead", "90,30")
    assert run.exit_code == 0, run.output  # type: ignore[attr-defined]
    doc = json.loads(run.stdout)  # type: ignore[attr-defined]
    assert list(doc) == ["schema_version", "from", "to", "retention", "leads"]
    assert (doc["schema_version"], doc["from"], doc["to"]) == ("1.1", None, None)
    assert doc["retention"] == {
        "renewals": 5,
        "churned": 2,
        "contracted": 1,
        "renewed": 1,
        "expanded": 1,
        "arr_before": 150000,
        "arr_after": 83000,
        "nrr": 83000 / 150000,
        "grr": 0.5,
    }
    lead = doc["leads"][1]
    assert list(lead) == ["lead_days", "auc", "enough_data", "components", "bands", "renewals"]
    assert (lead["lead_days"], lead["auc"], lead["enough_data"]) == (90, 0.5, False)
    assert lead["bands"][1] == {
        "band": "healthy",
        "renewals": 0,
        "churned": 0,
        "churn_rate": None,
        "arr_before": 0,
        "arr_after": 0,
        "nrr": None,
        "grr": None,
    }
    assert lead["renewals"][0] == {
        "account": "a1",
        "date": "2026-01-01",
        "scored_at": "2025-10-03",
        "attainment": 100.0,
        "band": "champion",
        "arr_before": 40000,
        "arr_after": 48000,
        "outcome": "expanded",
        "started": True,
    }
    assert lead["renewals"][4]["started"] is False


def test_table_reads_in_one_sentence(
    make_workspace: Callable[[dict[str, str | bytes]], Path], cli: Callable[..., object]
) -> None:
    accounts = {}
    for i in range(5):
        accounts[f"kept{i}"] = account(f"kept{i}", "2025-01-01", "yes", [("2026-01-01", 100, 100)])
        accounts[f"lost{i}"] = account(f"lost{i}", "2025-01-01", "no", [("2026-01-01", 100, 0)])
    accounts["tie"] = account("tie", "2025-01-01", "no", [("2026-01-01", 100, 100)])
    root = make_workspace(workspace_files(accounts))
    run = cli("backtest", "-w", root)
    out = run.stdout  # type: ignore[attr-defined]
    # 6 renewing x 5 churned pairs; the tie counts 5 halves: 27.5 / 30.
    assert (
        "At 90 days, a renewing account scored higher than a churning one 92% of the time." in out
    )
    assert "Retention: 5 churned, 0 contracted, 6 renewed, 0 expanded" in out
    assert "NRR 54.5%, GRR 54.5%" in out


def test_table_says_when_there_is_not_enough(small: Path, cli: Callable[..., object]) -> None:
    out = cli("backtest", "-w", small).stdout  # type: ignore[attr-defined]
    assert "At 90 days, there are not enough renewals to say" in out
    assert "1 before the account's start, left out" in out
    assert "healthy" in out and "intent 0.50" in out


# --- command line ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--lead", "0"], "'0' is not a positive whole number of days"),
        (["--lead", "30,abc"], "'abc' is not a positive whole number"),
        (["--lead", "-90"], "not a positive whole number"),
        (["--lead", "1.5"], "not a positive whole number"),
        (["--from", "2026-13-01"], "--from"),
        (["--to", "yesterday"], "--to"),
        (["--from", "2026-03-01", "--to", "2026-02-01"], "--from 2026-03-01 is after --to"),
        (["--format", "pdf"], "pdf"),
    ],
)
def test_usage_errors_exit_2(
    small: Path, cli: Callable[..., object], args: list[str], message: str
) -> None:
    run = cli("backtest", "-w", small, *args)
    assert run.exit_code == 2  # type: ignore[attr-defined]
    assert message in run.stderr  # type: ignore[attr-defined]
    assert "Traceback" not in run.output  # type: ignore[attr-defined]


def test_workspace_errors_exit_1(small: Path, cli: Callable[..., object]) -> None:
    (small / "accounts/a1.yaml").write_text(
        SMALL["a1"].replace("segment: teams", "segment: nowhere"), encoding="utf-8"
    )
    run = cli("backtest", "-w", small)
    assert run.exit_code == 1  # type: ignore[attr-defined]
    assert "nowhere" in run.stderr  # type: ignore[attr-defined]


def test_output_file_written_atomically(
    small: Path, tmp_path: Path, cli: Callable[..., object]
) -> None:
    target = tmp_path / "backtest.json"
    target.write_text("old", encoding="utf-8")
    run = cli("backtest", "-w", small, "--format", "json", "-o", target)
    assert run.exit_code == 0  # type: ignore[attr-defined]
    assert run.stdout == ""  # type: ignore[attr-defined]
    assert json.loads(target.read_text(encoding="utf-8"))["retention"]["renewals"] == 5
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


def test_output_refuses_an_input_file(small: Path, cli: Callable[..., object]) -> None:
    before = (small / "accounts/a1.yaml").read_bytes()
    for target in (small / "accounts/a1.yaml", small / "csplan.yaml", small / "new.yaml"):
        run = cli("backtest", "-w", small, "-o", target)
        assert run.exit_code == 2  # type: ignore[attr-defined]
        assert "input file of the workspace" in run.stderr  # type: ignore[attr-defined]
    assert (small / "accounts/a1.yaml").read_bytes() == before
    assert not (small / "new.yaml").exists()
    run = cli("backtest", "-w", small, "-o", small / "accounts")
    assert run.exit_code == 2  # type: ignore[attr-defined]
    assert "not a regular file" in run.stderr  # type: ignore[attr-defined]


def test_output_does_not_replace_a_symbolic_link(
    small: Path, cli: Callable[..., object], tmp_path: Path
) -> None:
    # Like `schema -o`: one rule for every command that writes one file.
    target = tmp_path / "elsewhere.json"
    target.write_text("keep", encoding="utf-8")
    link = tmp_path / "report.json"
    link.symlink_to(target)
    run = cli("backtest", "-w", small, "--format", "json", "-o", link)
    assert run.exit_code == 2  # type: ignore[attr-defined]
    assert "symbolic link" in run.stderr  # type: ignore[attr-defined]
    assert link.is_symlink() and target.read_text(encoding="utf-8") == "keep"
