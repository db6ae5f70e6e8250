"""``csplan score --explain --since``: the explanation plus what moved since
a date (SPEC section 7 on one workspace), its usage errors, and
``csplan.api.since``."""

from __future__ import annotations

from datetime import date

import pytest
from conftest import AS_OF, EXAMPLES

import csplan
from csplan import api

WS = EXAMPLES / "acme-mail"
ACCOUNT = "meridian-conferences"
FILE = "accounts/meridian-conferences.yaml"


def _line_of(text: str) -> int:
    lines = (WS / FILE).read_text(encoding="utf-8").splitlines()
    return next(i for i, line in enumerate(lines, 1) if text in line)


def test_since_section_follows_the_explanation(cli) -> None:
    result = cli("score", ACCOUNT, "-w", WS, "--as-of", AS_OF, "--explain", "--since", "2026-06-30")
    assert result.exit_code == 0, result.output
    explanation, since = result.output.split("\nSince 2026-06-30\n")
    assert explanation.startswith(f"{ACCOUNT} - ")  # the whole --explain text comes first
    [before] = csplan.score(WS, ACCOUNT, "2026-06-30")
    [after] = csplan.score(WS, ACCOUNT, AS_OF)
    e0, e1 = before.engagement.attainment, after.engagement.attainment
    lines = since.splitlines()
    assert lines[0] == (
        f"  attainment {e0:.2f} -> {e1:.2f} (+{e1 - e0:.2f}), band at-risk -> watch"
    )
    assert lines[1] == "  route on-track -> off-track"
    # A signal first reported after the earlier date: no evidence -> its observation.
    i = lines.index("    signal weekly_active_ratio 0.00 -> 1.00")
    assert lines[i + 1] == "      before: no evidence"
    assert lines[i + 2] == (
        f"      after:  0.71 on 2026-10-25 ({FILE}:{_line_of('weekly_active_ratio: {as_of')})"
    )
    assert any(line.startswith("  product adoption +") for line in lines)
    assert "  milestones now overdue: first-event-beats-last-year, registrations-up-20" in lines
    # A component that did not move is not listed.
    assert not any(line.startswith("  intent ") for line in lines)


def test_since_the_same_day_says_nothing_moved(cli) -> None:
    result = cli("score", ACCOUNT, "-w", WS, "--as-of", AS_OF, "--explain", "--since", AS_OF)
    assert result.exit_code == 0
    assert result.output.endswith(
        f"\nSince {AS_OF}\n"
        "  nothing moved: every figure, measure, milestone and play is as it was\n"
    )


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--since", "2026-06-30"], "--since adds to the explanation: pass --explain as well"),
        (
            ["--explain", "--since", "2026-11-02"],
            "--since 2026-11-02 is after the scoring date 2026-11-01",
        ),
        (["--explain", "--since", "2026-6-30"], "--since"),
    ],
)
def test_since_usage_errors(cli, args: list[str], message: str) -> None:
    result = cli("score", ACCOUNT, "-w", WS, "--as-of", AS_OF, *args)
    assert result.exit_code == 2
    assert message in result.output
    assert "Traceback" not in result.output


def test_api_since_is_all_evidence() -> None:
    ws = csplan.load_workspace(WS).workspace
    diff = api.since(ws, ACCOUNT, date(2026, 6, 30), date(2026, 11, 1))
    assert diff.status == "changed" and diff.configuration is None
    assert diff.change is not None and diff.evidence == diff.change
    assert sum(c.change for c in diff.components) == pytest.approx(diff.change, abs=1e-9)
    same = api.since(ws, ACCOUNT, date(2026, 11, 1), date(2026, 11, 1))
    assert same.status == "unchanged" and same.evidence is None
    with pytest.raises(ValueError, match="after"):
        api.since(ws, ACCOUNT, date(2026, 11, 2), date(2026, 11, 1))
    with pytest.raises(csplan.errors.UnknownAccount):
        api.since(ws, "meridian", date(2026, 6, 30), date(2026, 11, 1))
