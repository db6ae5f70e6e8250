"""``csplan score`` end to end: formats, --explain, --trend, --signals,
--fail-under, --sort, usage errors, and the library API."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
import textwrap
from datetime import date
from pathlib import Path

import pytest
from conftest import AS_OF, EXAMPLES
from engine_support import ACCOUNT, engagement, files

import csplan
from csplan.errors import SignalsFileError, UnknownAccount, WorkspaceInvalid
from csplan.report.score_csv import COLUMNS

MODEL = engagement(
    intent="{weight: 1, desired: 0.8, measures: [{question: knows-intent, text: Why they bought}]}",
    product_adoption="{weight: 2, desired: 0.8, measures: [{signal: war, good: 0.6, bad: 0.1,"
    " max_age_days: 60}]}",
)
ACME = """\
experience: [named-csm, phone-24x7]
attributes: {industry: events, employees: 240, has_list: true}
milestones:
  - {id: list-imported, reached: 2026-01-08}
  - {id: first-send, reached: 2026-01-20}
assessments:
  - {question: knows-intent, answer: yes, as_of: 2026-02-01}
signals:
  war:
    - {as_of: 2026-09-30, value: 0.35}
    - {as_of: 2026-10-31, value: 0.6}
  regs: {as_of: 2026-10-15, value: 150}
"""
BETA = """\
attributes: {industry: retail}
assessments:
  - {question: knows-intent, answer: partial, as_of: 2026-03-01}
signals:
  war: {as_of: 2026-06-30, value: 0.6}
"""
GAMMA = """\
experience: [named-csm]
signals:
  war: {as_of: 2026-10-25, value: 0.3}
"""


def _other(account_id: str, name: str, body: str, start: str = "2026-01-01") -> str:
    header = ACCOUNT.replace("id: acme", f"id: {account_id}").replace(
        "name: Acme Events", f"name: {name}"
    )
    return header.replace("start: 2026-01-01", f"start: {start}") + body


@pytest.fixture
def portfolio(make_workspace) -> Path:
    """Three accounts: acme healthy (E 100), beta at risk (E 20.8, stale
    adoption), gamma at risk (E 33.3, new, one overdue)."""
    f = files(ACME, model=MODEL)
    f["accounts/beta.yaml"] = _other("beta", "Beta Conferences", BETA)
    f["accounts/gamma.yaml"] = _other("gamma", "Aardvark Expo", GAMMA, start="2026-10-20")
    return make_workspace(f)


# The table is wider than a line of code: it lives beside the golden JSON.
PORTFOLIO = (Path(__file__).parent / "golden" / "score" / "portfolio-table.txt").read_text(
    encoding="utf-8"
)


# --- usage -------------------------------------------------------------------------


def test_needs_account_ids_or_all(cli, portfolio):
    out = cli("score", "-w", portfolio, "--as-of", AS_OF)
    assert (out.exit_code, out.stderr) == (2, "csplan: name the accounts to score, or pass --all\n")
    out = cli("score", "acme", "--all", "-w", portfolio)
    assert (out.exit_code, out.stderr) == (
        2,
        "csplan: name the accounts to score, or pass --all (not both)\n",
    )


def test_unknown_account_suggests_a_close_one(cli, portfolio):
    out = cli("score", "acmee", "zzz", "-w", portfolio, "--as-of", AS_OF)
    assert out.exit_code == 2
    assert (
        out.stderr
        == "csplan: unknown account 'acmee' (did you mean 'acme'?); unknown account 'zzz'\n"
    )
    assert out.stdout == ""


def test_bad_date_is_a_usage_error(cli, portfolio):
    out = cli("score", "--all", "-w", portfolio, "--as-of", "01/11/2026")
    assert out.exit_code == 2
    assert "'01/11/2026' is not a date written YYYY-MM-DD" in out.stderr


def test_workspace_with_errors_prints_findings_and_exits_1(cli, make_workspace):
    root = make_workspace(
        files(model=MODEL, header=ACCOUNT.replace("segment: teams", "segment: teamz"))
    )
    out = cli("score", "--all", "-w", root, "--as-of", AS_OF)
    assert out.exit_code == 1
    assert out.stdout == ""
    assert "CSP201" in out.stderr and "teamz" in out.stderr


def test_explain_is_text_only(cli, portfolio):
    out = cli("score", "acme", "-w", portfolio, "--explain", "--format", "json")
    assert out.exit_code == 2
    assert out.stderr == (
        "csplan: --explain prints text: drop --format"
        " (JSON carries the evidence of every measure)\n"
    )


# --- table -------------------------------------------------------------------------


def test_portfolio_table(cli, portfolio):
    out = cli("score", "--all", "-w", portfolio, "--as-of", AS_OF)
    assert (out.exit_code, out.stderr) == (0, "")
    assert out.stdout == PORTFOLIO


@pytest.mark.parametrize(
    ("sort", "order"),
    [
        ("gap", ["beta", "gamma", "acme"]),
        ("attainment", ["acme", "gamma", "beta"]),
        ("success-gap", ["acme", "beta", "gamma"]),
        ("name", ["gamma", "acme", "beta"]),  # Aardvark Expo, Acme Events, Beta Conferences
    ],
)
def test_sort(cli, portfolio, sort, order):
    table = cli("score", "--all", "-w", portfolio, "--as-of", AS_OF, "--sort", sort).stdout
    assert [line.split()[0] for line in table.splitlines()[1:4]] == order
    rows = list(
        csv.reader(
            io.StringIO(
                cli(
                    "score", "--all", "-w", portfolio, "--as-of", AS_OF, "--sort", sort, "-f", "csv"
                ).stdout
            )
        )
    )
    assert [r[0] for r in rows[1:]] == order


def test_single_account_detail(cli, portfolio):
    out = cli("score", "beta", "-w", portfolio, "--as-of", AS_OF)
    assert out.exit_code == 0
    text = out.stdout
    assert text.startswith("Beta Conferences (beta) - segment teams, as of 2026-11-01\n")
    assert (
        "Engagement attainment 20.8 at-risk   engagement gap 79.2   success gap 0 points   "
        "route off-track" in text
    )
    assert "intent                  1    0.50     0.80  0.30  ██████████░░░░░░" in text
    assert "list-imported  functional  customer  overdue 294 days  2026-01-11" in text
    assert "Outcome grow: 100 -> 200 registrations; now no evidence" in text
    assert "  required but missing: named-csm, phone-24x7" in text
    assert "ICP icp: fit 0.00, not ideal (threshold 0.70)" in text
    assert "  risk       Close the product_adoption gap (0.00 of 0.80)" in text


def test_trend_sparkline_in_the_table(cli, portfolio):
    out = cli("score", "--all", "-w", portfolio, "--as-of", AS_OF, "--trend")
    lines = out.stdout.splitlines()
    assert lines[0].endswith("Top gap           Trend")
    # acme: 0 before its first answer, 33.3 from February, 66.7 in September, 100 since.
    assert lines[1].endswith("▁▁▃▃▃▃▃▃▃▆██")
    assert lines[3].endswith("▁▁▁▁▁▁▁▁▁▁▃▃")


# --- JSON and CSV ------------------------------------------------------------------


def test_json_shape_and_locations(cli, portfolio):
    out = cli("score", "acme", "beta", "-w", portfolio, "--as-of", AS_OF, "--format", "json")
    doc = json.loads(out.stdout)
    assert list(doc) == ["schema_version", "as_of", "accounts"]
    assert (doc["schema_version"], doc["as_of"]) == ("1.1", AS_OF)
    acme, beta = doc["accounts"]
    assert list(acme) == [
        "id",
        "name",
        "segment",
        "started",
        "arr",
        "renewal",
        "engagement",
        "milestones",
        "outcome",
        "experience",
        "icp",
        "plays",
        "expired_overrides",
    ]
    assert list(acme["engagement"]) == ["attainment", "gap", "band", "components", "biggest_gaps"]
    intent = acme["engagement"]["components"][0]
    assert intent == {
        "name": "intent", "weight": 1, "desired": 0.8, "actual": 1.0,
        "rule_actual": 1.0, "override": None, "gap": 0.0,
        "measures": [{"kind": "question", "ref": "knows-intent", "score": 1.0,
                      "evidence": "yes (2026-02-01)", "file": "accounts/acme.yaml", "line": 16}],
    }  # fmt: skip
    war = beta["engagement"]["components"][2]["measures"][0]
    assert war == {"kind": "signal", "ref": "war", "score": 0.0,
                   "evidence": "no evidence: 0.6 on 2026-06-30 is older than 60 days",
                   "file": "accounts/beta.yaml", "line": 14}  # fmt: skip
    assert acme["milestones"] == {
        "functional_progress": 1.0, "customer_progress": 0.0, "success_gap": 100.0,
        "route": "off-track",
        "reached": ["list-imported", "first-send"], "next": ["regs-up"],
        "overdue": [{"id": "regs-up", "due": "2026-03-02", "days_late": 244,
                     "original_due": None}],
    }  # fmt: skip
    assert acme["outcome"] == {"id": "grow", "baseline": 100, "target": 200, "current": 150,
                               "progress": 0.5, "by": None, "since": "2026-01-01"}  # fmt: skip
    assert acme["experience"] == {"coverage": 2 / 3, "missing_required": [], "mismatched": []}
    assert acme["icp"] == {"id": "icp", "fit": 1.0, "ideal": True, "missing_attributes": []}
    assert acme["plays"] == [
        {"type": "risk", "reason": "overdue-milestone", "ref": "regs-up",
         "play": "Recover the overdue milestone 'Registrations up 20%'"},
    ]  # fmt: skip
    assert beta["engagement"]["attainment"] == pytest.approx(100 * 0.5 / 2.4, abs=1e-12)
    assert beta["icp"]["missing_attributes"] == ["employees", "has_list"]


def test_json_trend_series(cli, portfolio):
    doc = json.loads(
        cli("score", "gamma", "-w", portfolio, "--as-of", AS_OF, "-f", "json", "--trend").stdout
    )
    trend = doc["accounts"][0]["trend"]
    assert [p["as_of"] for p in trend][-3:] == ["2026-09-30", "2026-10-31", "2026-11-01"]
    assert len(trend) == 12
    assert trend[-1] == {
        "as_of": "2026-11-01", "attainment": pytest.approx(100 / 3, abs=1e-12), "band": "at-risk",
        "success_gap": 0.0,
    }  # fmt: skip
    assert trend[0]["attainment"] == 0.0


def test_json_for_many_accounts_is_compact_and_the_same(cli, portfolio, monkeypatch):
    indented = json.loads(
        cli("score", "--all", "-w", portfolio, "--as-of", AS_OF, "-f", "json").stdout
    )
    monkeypatch.setattr("csplan.cli.score_cmd.INDENT_MAX", 2)
    out = cli("score", "--all", "-w", portfolio, "--as-of", AS_OF, "-f", "json").stdout
    assert out.count("\n") == 1
    assert json.loads(out) == indented


def test_csv_columns_and_rows(cli, portfolio):
    out = cli("score", "--all", "-w", portfolio, "--as-of", AS_OF, "-f", "csv")
    rows = list(csv.DictReader(io.StringIO(out.stdout)))
    assert list(rows[0]) == list(COLUMNS)
    assert rows[1] == {
        "account": "beta", "name": "Beta Conferences", "segment": "teams",
        "attainment": "20.83333333333333",
        "band": "at-risk", "engagement_gap": "79.16666666666667", "success_gap": "0.0",
        "functional_progress": "0.0", "customer_progress": "0.0", "route": "off-track",
        "overdue": "list-imported;first-send;regs-up", "next": "list-imported", "outcome": "grow",
        "outcome_progress": "", "ax_coverage": "0.0", "missing_required": "named-csm;phone-24x7",
        "mismatched": "", "icp": "icp", "icp_fit": "0.0", "ideal": "false",
        "biggest_gaps": "product_adoption;intent", "plays": "7",
        "owner": "", "arr": "",
        "overdue_days_late": "list-imported (294 days late); first-send (284 days late);"
                             " regs-up (244 days late)",
        "play_texts": "Recover the overdue milestone 'List imported'; Recover the overdue"
                      " milestone 'First invitation sent'; Recover the overdue milestone"
                      " 'Registrations up 20%'; Put 'A named CSM' in place;"
                      " Put '24/7 phone support' in place;"
                      " Close the product_adoption gap (0.00 of 0.80);"
                      " Close the intent gap (0.50 of 0.80)",
        "started": "true",
    }  # fmt: skip
    assert rows[2]["overdue_days_late"] == "list-imported (2 days late)"


def test_csv_for_a_crm_import_has_owner_and_arr_and_never_starts_a_formula(cli, make_workspace):
    f = files(ACME, model=MODEL)
    # A name and an owner a spreadsheet would run as formulas, and regs below
    # the baseline: a negative outcome progress that must stay a number.
    beta = _other("beta", "Beta", BETA + "  regs: {as_of: 2026-10-01, value: 50}\n")
    f["accounts/beta.yaml"] = beta.replace(
        "name: Beta\n", "name: '=HYPERLINK(\"http://x\")'\nowner: '@dana'\narr: 48000\n"
    )
    out = cli("score", "beta", "-w", make_workspace(f), "--as-of", AS_OF, "-f", "csv")
    assert out.exit_code == 0, out.stderr
    [row] = list(csv.DictReader(io.StringIO(out.stdout)))
    assert row["name"] == '\'=HYPERLINK("http://x")'
    assert (row["owner"], row["arr"]) == ("'@dana", "48000")
    assert row["outcome_progress"] == "-0.5"


@pytest.mark.parametrize(
    ("cell", "written"),
    [("=1+1", "'=1+1"), ("+1", "'+1"), ("-x", "'-x"), ("@a", "'@a"), ("\tx", "'\tx"),
     ("\rx", "'\rx"), ("Dana Kim", "Dana Kim"), ("a=b", "a=b"), ("", "")],
)  # fmt: skip
def test_csv_text_cells_that_look_like_formulas_get_a_quote(cell, written):
    from csplan.report.score_csv import text

    assert text(cell) == written


# --- explain -----------------------------------------------------------------------


def test_explain_names_evidence_file_and_line(cli, portfolio):
    out = cli("score", "acme", "beta", "-w", portfolio, "--as-of", AS_OF, "--explain")
    assert out.exit_code == 0
    lines = out.stdout.splitlines()
    expected = [
        "    question knows-intent = 1.00 (weight 1): answered 'yes' on 2026-02-01"
        " (accounts/acme.yaml:16)",
        "    signal war = 1.00 (weight 1): 0.6 on 2026-10-31 (accounts/acme.yaml:20);"
        " scale bad 0.1 -> good 0.6",
        "    signal war = 0.00 (weight 1): 0.6 on 2026-06-30 (accounts/beta.yaml:14)"
        " is older than 60 days: no evidence",
        "  attainment = 100 x sum(weight x min(actual, desired)) / sum(weight x desired)"
        " = 100 x 0.5000 / 2.4000",
        "  regs-up (customer, owner joint): overdue 244 days"
        " (due 2026-03-02 = journey start + due days); no occurrence on or before the date",
        "  progress = (150 - 100) / (200 - 100) = 0.500 (50%)",
        "  industry in [events, associations]: retail does not meet (weight 3)"
        " (accounts/beta.yaml:10)",
        "  employees between [50, 2000]: not recorded, does not meet (weight 2)",
    ]
    for line in expected:
        assert line in lines
    assert sum(1 for line in lines if line.startswith("Engagement attainment")) == 2


# --- --signals ---------------------------------------------------------------------


def test_signals_csv_merges_observations(cli, portfolio, tmp_path):
    data = tmp_path / "signals.csv"
    data.write_text(
        "account,signal,as_of,value\nbeta,war,2026-10-20,0.35\nacme,regs,2026-10-31,175\n"
    )
    doc = json.loads(cli("score", "acme", "beta", "-w", portfolio, "--as-of", AS_OF, "-f", "json",
                         "--signals", data).stdout)  # fmt: skip
    acme, beta = doc["accounts"]
    assert acme["outcome"]["current"] == 175
    war = beta["engagement"]["components"][2]["measures"][0]
    assert war["score"] == pytest.approx(0.5, abs=1e-12)
    assert (war["evidence"], war["file"], war["line"]) == ("0.35 on 2026-10-20", str(data), 2)


def test_signals_file_inside_the_workspace_is_named_relative_to_it(cli, portfolio):
    (portfolio / "feeds").mkdir()
    (portfolio / "feeds" / "usage.csv").write_text(
        "value,as_of,signal,account\n0.6,2026-10-30,war,beta\n"
    )
    out = cli("score", "beta", "-w", portfolio, "--as-of", AS_OF, "--explain",
              "--signals", portfolio / "feeds" / "usage.csv")  # fmt: skip
    assert "signal war = 1.00 (weight 1): 0.6 on 2026-10-30 (feeds/usage.csv:2)" in out.stdout


def test_bad_signals_rows_are_reported_and_nothing_is_scored(cli, portfolio, tmp_path):
    data = tmp_path / "bad.csv"
    data.write_text(
        textwrap.dedent("""\
        account,signal,as_of,value
        acme,war,2026-10-01,0.5
        acmee,war,2026-10-01,0.5
        beta,War,2026-10-01,0.5
        beta,war,2026-13-01,0.5
        beta,war,2026-10-02,high

        beta,war,2026-10-03
        acme,war,2026-10-01,0.7
        acme,wAr_typo,2026-10-01,1
    """)
    )
    out = cli("score", "--all", "-w", portfolio, "--as-of", AS_OF, "--signals", data)
    assert out.exit_code == 1
    assert out.stdout == ""
    name = str(data)
    hint = "(signal names are lower_snake_case, e.g. weekly_active_ratio)"
    assert out.stderr.splitlines() == [
        f"{name}:3: error: unknown account 'acmee' (did you mean 'acme'?)",
        f"{name}:4: error: invalid signal name 'War' {hint}",
        f"{name}:5: error: '2026-13-01' is not a real day (there is no month 13)",
        f"{name}:6: error: 'high' is not a number (or true/false)",
        f"{name}:8: error: expected 4 values, found 3",
        f"{name}:9: error: 'war' for 'acme' on 2026-10-01 is already on line 2"
        " (keep one observation per signal and date)",
        f"{name}:10: error: invalid signal name 'wAr_typo' {hint}",
        f"csplan: 7 bad rows in {name}; nothing was scored",
    ]


def test_an_impossible_day_is_not_called_a_malformed_date(cli, portfolio, tmp_path):
    data = tmp_path / "days.csv"
    data.write_text(
        "account,signal,as_of,value\nbeta,war,2026-11-31,0.5\nbeta,war,2028-02-30,0.5\n"
        "beta,war,31/10/2026,0.5\n"
    )
    out = cli("score", "beta", "-w", portfolio, "--as-of", AS_OF, "--signals", data)
    assert out.exit_code == 1
    assert out.stderr.splitlines() == [
        f"{data}:2: error: '2026-11-31' is not a real day (November 2026 has 30 days)",
        f"{data}:3: error: '2028-02-30' is not a real day (February 2028 has 29 days)",
        f"{data}:4: error: '31/10/2026' is not a date written YYYY-MM-DD",
        f"csplan: 3 bad rows in {data}; nothing was scored",
    ]


def test_bad_rows_count_rows_not_problems(cli, portfolio, tmp_path):
    data = tmp_path / "bad.csv"
    # One row with three problems, one with one: two bad rows.
    data.write_text("account,signal,as_of,value\nbetaa,War,2026-11-31,0.5\nbeta,war,x,0.5\n")
    out = cli("score", "beta", "-w", portfolio, "--as-of", AS_OF, "--signals", data)
    assert out.exit_code == 1
    assert len(out.stderr.splitlines()) == 5
    assert out.stderr.endswith(f"csplan: 2 bad rows in {data}; nothing was scored\n")


@pytest.mark.parametrize("sep", [";", "\t"])
def test_semicolon_or_tab_separated_signals_are_read_as_such(cli, portfolio, tmp_path, sep):
    data = tmp_path / "export.csv"
    rows = [["account", "signal", "as_of", "value"], ["beta", "war", "2026-10-20", "0.35"]]
    data.write_text("".join(sep.join(r) + "\n" for r in rows))
    out = cli("score", "beta", "-w", portfolio, "--as-of", AS_OF, "-f", "json", "--signals", data)
    assert (out.exit_code, out.stderr) == (0, "")
    war = json.loads(out.stdout)["accounts"][0]["engagement"]["components"][2]["measures"][0]
    assert (war["evidence"], war["line"]) == ("0.35 on 2026-10-20", 2)


def test_a_decimal_comma_gets_a_hint(cli, portfolio, tmp_path):
    data = tmp_path / "export.csv"
    data.write_text("account;signal;as_of;value\nbeta;war;2026-10-20;0,35\n")
    out = cli("score", "beta", "-w", portfolio, "--as-of", AS_OF, "--signals", data)
    assert out.stderr.splitlines()[0] == (
        f"{data}:2: error: '0,35' is not a number (or true/false)"
        " (write decimals with a point: 0.5)"
    )


def test_signals_header_is_required(cli, portfolio, tmp_path):
    data = tmp_path / "nohead.csv"
    data.write_text("acme,war,2026-10-01,0.5\n")
    out = cli("score", "--all", "-w", portfolio, "--as-of", AS_OF, "--signals", data)
    assert out.exit_code == 1
    assert f"{data}:1: error: unknown column 'acme'" in out.stderr
    assert f"{data}:1: error: column 'account' is missing in the header" in out.stderr


def test_unused_signal_is_a_warning_and_scoring_goes_on(cli, portfolio, tmp_path):
    data = tmp_path / "extra.csv"
    data.write_text("account,signal,as_of,value\nacme,wars,2026-10-01,0.5\n")
    out = cli("score", "acme", "-w", portfolio, "--as-of", AS_OF, "--signals", data, "-f", "csv")
    assert out.exit_code == 0
    assert out.stderr == (
        f"{data}:2: warning: signal 'wars' is used by no measure, criterion or outcome metric"
        " (did you mean 'war'?)\n"
    )
    assert out.stdout.count("\n") == 2


def test_missing_signals_file_is_a_usage_error(cli, portfolio, tmp_path):
    out = cli(
        "score", "--all", "-w", portfolio, "--as-of", AS_OF, "--signals", tmp_path / "nope.csv"
    )
    assert (out.exit_code, out.stderr) == (
        2,
        f"csplan: no such signals file: {tmp_path / 'nope.csv'}\n",
    )


# --- --fail-under ------------------------------------------------------------------


def test_fail_under_exits_1_after_printing(cli, portfolio):
    out = cli("score", "--all", "-w", portfolio, "--as-of", AS_OF, "--fail-under", "30")
    assert out.exit_code == 1
    assert out.stdout == PORTFOLIO
    assert out.stderr == "csplan: 1 of 3 accounts below 30: beta (20.8)\n"


@pytest.mark.parametrize(("threshold", "code"), [("20.8", 0), ("20.9", 1), ("0", 0), ("100", 1)])
def test_fail_under_threshold(cli, portfolio, threshold, code):
    assert cli("score", "beta", "acme", "-w", portfolio, "--as-of", AS_OF, "-f", "json",
               "--fail-under", threshold).exit_code == code  # fmt: skip


# --- examples, a real process and the library --------------------------------------


def test_score_in_a_subprocess():
    proc = subprocess.run(
        [sys.executable, "-m", "csplan", "score", "northwind-events",
         "-w", str(EXAMPLES / "acme-mail"), "--as-of", AS_OF, "--format", "json"],
        capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    account = json.loads(proc.stdout)["accounts"][0]
    assert (account["id"], account["engagement"]["band"], account["milestones"]["route"]) == (
        "northwind-events",
        "healthy",
        "on-track",
    )


def test_library_score(portfolio):
    scores = csplan.score(portfolio, as_of="2026-11-01")
    assert [(s.id, round(s.engagement.attainment, 4)) for s in scores] == [
        ("acme", 100.0),
        ("beta", 20.8333),
        ("gamma", 33.3333),
    ]
    one = csplan.score(portfolio, "gamma", date(2026, 11, 1), trend=True)
    assert len(one) == 1 and len(one[0].trend) == 12


def test_library_errors(portfolio, make_workspace, tmp_path):
    with pytest.raises(UnknownAccount, match="did you mean 'beta'"):
        csplan.score(portfolio, ["betta"], "2026-11-01")
    bad = tmp_path / "bad.csv"
    bad.write_text("account,signal,as_of,value\nacme,war,yesterday,1\n")
    with pytest.raises(SignalsFileError, match="yesterday"):
        csplan.score(portfolio, signals=bad, as_of="2026-11-01")
    broken = make_workspace(files(header=ACCOUNT.replace("segment: teams", "segment: teamz")))
    with pytest.raises(WorkspaceInvalid):
        csplan.score(broken)


def test_progress_bar_path_gives_the_same_output(cli, portfolio, monkeypatch):
    seen = []
    monkeypatch.setattr(
        "csplan.cli.score_cmd._show_progress", lambda count: seen.append(count) or True
    )
    out = cli("score", "--all", "-w", portfolio, "--as-of", AS_OF)
    assert (out.exit_code, out.stdout, seen) == (0, PORTFOLIO, [3])


def test_workspace_without_accounts(cli, make_workspace):
    root = make_workspace({})
    assert cli("score", "--all", "-w", root, "--as-of", AS_OF).stdout == (
        "No accounts to score as of 2026-11-01.\n"
    )
    doc = json.loads(cli("score", "--all", "-w", root, "--as-of", AS_OF, "-f", "json").stdout)
    assert doc == {"schema_version": "1.1", "as_of": AS_OF, "accounts": []}


# --- the same evidence options for render (SPEC section 6) --------------------------


def test_render_with_signals_shows_what_score_with_signals_gives(cli, portfolio, tmp_path):
    data = tmp_path / "signals.csv"
    data.write_text("account,signal,as_of,value\nbeta,war,2026-10-20,0.6\n")
    doc = json.loads(cli("score", "beta", "-w", portfolio, "--as-of", AS_OF, "-f", "json",
                         "--signals", data).stdout)  # fmt: skip
    engagement = doc["accounts"][0]["engagement"]
    without = json.loads(cli("score", "beta", "-w", portfolio, "--as-of", AS_OF, "-f", "json")
                         .stdout)["accounts"][0]["engagement"]  # fmt: skip
    assert engagement["attainment"] != without["attainment"]  # the file moves the score
    out = cli("render", "beta", "-w", portfolio, "--as-of", AS_OF, "-a", "internal", "-f", "md",
              "-o", tmp_path / "out", "--signals", data)  # fmt: skip
    assert out.exit_code == 0, out.stderr
    review = (tmp_path / "out" / "beta.internal.md").read_text(encoding="utf-8")
    expected = f"Attainment {engagement['attainment']:.1f} of 100 ({engagement['band']})"
    assert expected in review
    api = csplan.render_plan(portfolio, "beta", AS_OF, audience="internal", fmt="md", signals=data)
    assert api == review


def test_render_reports_bad_signals_rows_as_score_does(cli, portfolio, tmp_path):
    data = tmp_path / "bad.csv"
    data.write_text("account,signal,as_of,value\nbetaa,war,2026-10-20,0.6\n")
    args = ("-w", portfolio, "--as-of", AS_OF, "--signals", data)
    scored = cli("score", "beta", *args)
    rendered = cli("render", "beta", *args, "-o", tmp_path / "out")
    assert (
        (rendered.exit_code, rendered.stderr)
        == (scored.exit_code, scored.stderr)
        == (
            1,
            f"{data}:2: error: unknown account 'betaa' (did you mean 'beta'?)\n"
            f"csplan: 1 bad row in {data}; nothing was scored\n",
        )
    )
    assert not (tmp_path / "out").exists()
    missing = cli("render", "beta", "-w", portfolio, "--signals", tmp_path / "nope.csv")
    assert (missing.exit_code, missing.stderr) == (
        2,
        f"csplan: no such signals file: {tmp_path / 'nope.csv'}\n",
    )


# --- --keep-going (SPEC section 4, v1.2) ---------------------------------------------


def test_keep_going_scores_every_account_a_typo_does_not_touch(cli, portfolio):
    beta = portfolio / "accounts" / "beta.yaml"
    beta.write_text(beta.read_text() + "ownr: Dana Kim\n")  # a colleague's typo
    stopped = cli("score", "--all", "-w", portfolio, "--as-of", AS_OF, "-f", "json")
    assert (stopped.exit_code, stopped.stdout) == (1, "")
    out = cli("score", "--all", "-w", portfolio, "--as-of", AS_OF, "-f", "json", "--keep-going")
    assert out.exit_code == 1
    assert [a["id"] for a in json.loads(out.stdout)["accounts"]] == ["acme", "gamma"]
    assert "accounts/beta.yaml\n  15:1    error   CSP102  unknown field 'ownr'" in out.stderr
    assert out.stderr.endswith(
        "csplan: 1 account not scored: errors in their documents or in documents they use: beta\n"
    )
    # Named accounts: the clean one is scored, the other listed as skipped.
    named = cli("score", "acme", "beta", "-w", portfolio, "--as-of", AS_OF, "-f", "csv",
                "--keep-going")  # fmt: skip
    assert named.exit_code == 1
    assert [r["account"] for r in csv.DictReader(io.StringIO(named.stdout))] == ["acme"]
    assert named.stderr.endswith("documents they use: beta\n")


def test_keep_going_skips_exactly_the_accounts_of_a_segment_with_an_error(cli, portfolio):
    gamma = portfolio / "accounts" / "gamma.yaml"
    gamma.write_text(gamma.read_text().replace("segment: teams", "segment: devs"))
    segments = portfolio / "segments.yaml"
    segments.write_text(segments.read_text().replace("name: Event teams", "nam: Event teams"))
    out = cli("score", "--all", "-w", portfolio, "--as-of", AS_OF, "-f", "json", "--keep-going")
    assert out.exit_code == 1
    [gamma_score] = json.loads(out.stdout)["accounts"]
    assert (gamma_score["id"], gamma_score["segment"]) == ("gamma", "devs")
    assert "segments.yaml\n" in out.stderr and "error" in out.stderr
    assert out.stderr.endswith("documents they use: acme, beta\n")


def test_keep_going_on_a_valid_workspace_changes_nothing(cli, portfolio):
    plain = cli("score", "--all", "-w", portfolio, "--as-of", AS_OF, "-f", "csv")
    going = cli("score", "--all", "-w", portfolio, "--as-of", AS_OF, "-f", "csv", "--keep-going")
    assert (going.exit_code, going.stdout, going.stderr) == (0, plain.stdout, "")


def test_keep_going_with_an_error_in_the_settings_scores_nothing(cli, portfolio):
    settings = portfolio / "csplan.yaml"
    settings.write_text(settings.read_text() + "play_window_days: soon\n")
    out = cli("score", "--all", "-w", portfolio, "--as-of", AS_OF, "-f", "csv", "--keep-going")
    assert out.exit_code == 1
    assert out.stdout.count("\n") == 1  # the header only
    assert out.stderr.endswith("documents they use: acme, beta, gamma\n")


# --- not started (SPEC section 9, *Started*) -----------------------------------------

BEFORE_GAMMA = "2026-10-10"  # gamma starts 2026-10-20


def test_json_marks_a_not_started_account_and_keeps_every_figure(cli, portfolio):
    doc = json.loads(cli("score", "--all", "-w", portfolio, "--as-of", BEFORE_GAMMA,
                         "-f", "json").stdout)  # fmt: skip
    assert doc["schema_version"] == "1.1"
    started = {a["id"]: a["started"] for a in doc["accounts"]}
    assert started == {"acme": True, "beta": True, "gamma": False}
    gamma = doc["accounts"][2]
    assert isinstance(gamma["engagement"]["attainment"], float)
    assert gamma["engagement"]["band"] == "at-risk"  # computed, only not shown to people


def test_fail_under_leaves_a_not_started_account_out(cli, portfolio):
    args = ("score", "acme", "gamma", "-w", portfolio, "--fail-under", "50", "-f", "csv")
    assert cli(*args, "--as-of", BEFORE_GAMMA).exit_code == 0
    after = cli(*args, "--as-of", AS_OF)
    assert (after.exit_code, after.stderr) == (
        1,
        "csplan: 1 of 2 accounts below 50: gamma (33.3)\n",
    )


def test_human_outputs_say_not_started_instead_of_attainment_and_band(cli, portfolio):
    table = cli("score", "--all", "-w", portfolio, "--as-of", BEFORE_GAMMA).stdout
    [row] = [line for line in table.splitlines() if line.startswith("gamma")]
    assert "not started" in row and "at-risk" not in row
    # Band counts leave it out, and say how many have not started.
    assert table.rstrip().endswith(
        "3 accounts as of 2026-10-10: 1 healthy, 1 at-risk, 1 not started"
    )
    detail = cli("score", "gamma", "-w", portfolio, "--as-of", BEFORE_GAMMA).stdout
    assert "Engagement attainment not started (starts 2026-10-20)" in detail
    explain = cli("score", "gamma", "-w", portfolio, "--as-of", BEFORE_GAMMA, "--explain").stdout
    assert "Engagement: not started (the account starts 2026-10-20)" in explain
    assert "band at-risk" not in explain


@pytest.mark.parametrize("fmt", ["md", "html"])
def test_internal_review_and_portfolio_say_not_started(cli, portfolio, tmp_path, fmt):
    out = cli("render", "--all", "-w", portfolio, "--as-of", BEFORE_GAMMA, "-a", "internal",
              "-f", fmt, "-o", tmp_path)  # fmt: skip
    assert out.exit_code == 0, out.stderr
    review = (tmp_path / f"gamma.internal.{fmt}").read_text(encoding="utf-8")
    assert "not started" in review
    assert "Attainment 0.0 of 100" not in review and "at-risk ·" not in review
    started = (tmp_path / f"acme.internal.{fmt}").read_text(encoding="utf-8")
    assert "not started" not in started.lower()
    index = (tmp_path / f"index.internal.{fmt}").read_text(encoding="utf-8")
    assert index.count("not started") == 1
    assert "at-risk 1" in index  # beta only: gamma is in no band count
