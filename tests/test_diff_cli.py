"""``csplan diff`` end to end, in a real git repository: figures checked
against ones computed by hand, the repository untouched, and every bad input
a one-line message with SPEC section 7's exit code."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT

BASE = ROOT / "tests" / "cases" / "base"
D1, D2 = "2026-10-15", "2026-11-01"
GIT = shutil.which("git")
pytestmark = pytest.mark.skipif(GIT is None, reason="needs git")


def git(repo: Path, *args: str) -> str:
    env = {**os.environ, "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_SYSTEM": os.devnull}
    done = subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@example.com", *args],
        cwd=repo,
        capture_output=True,
        text=True,
        env=env,
        check=True,
    )
    return done.stdout


def csplan(*args: str | Path, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "csplan", *map(str, args)],
        capture_output=True,
        text=True,
        cwd=cwd,
        timeout=120,
    )


def state(repo: Path) -> dict[str, str]:
    """Every file of the repository, .git included, by hash."""
    return {
        p.relative_to(repo).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(repo.rglob("*"))
        if p.is_file()
    }


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """The base test workspace committed in a subfolder of a repository, then
    changed in the working tree: an engagement weight, a signal's good, and
    one account's evidence."""
    root = tmp_path / "repo"
    shutil.copytree(BASE, root / "plans")
    git(root, "init", "-q")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "plans")
    model = root / "plans" / "engagement.yaml"
    model.write_text(
        model.read_text()
        .replace(
            "  product_adoption:\n    measures:",
            "  product_adoption:\n    weight: 2\n    measures:",
        )
        .replace(
            "{signal: weekly_active_ratio, good: 0.6, bad: 0.1}",
            "{signal: weekly_active_ratio, good: 0.5, bad: 0.1}",
        )
    )
    account = root / "plans" / "accounts" / "northwind.yaml"
    account.write_text(account.read_text().replace("value: 0.55}", "value: 0.35}"))
    return root


def test_config_and_evidence_split_matches_the_hand_computed_figures(repo: Path) -> None:
    before_state = state(repo)
    head = git(repo, "rev-parse", "HEAD")
    done = csplan(
        "diff",
        "--all",
        "-w",
        "plans",
        "--base",
        "HEAD",
        "--from",
        D1,
        "--to",
        D2,
        "--format",
        "json",
        cwd=repo,
    )
    assert done.returncode == 0, done.stderr
    out = json.loads(done.stdout)
    [account] = out["accounts"]
    # Before: S(HEAD, D1). All eight components weigh 1 and desire 1.0;
    # intent 1 (yes), adoption (0.41 - 0.1) / (0.6 - 0.1) = 0.62, outcomes
    # 0/1 customer milestones, education 2/2 functional, journey 2/3.
    before = 100 * (1 + 0.62 + 0 + 1 + 2 / 3) / 8
    # Middle: S(HEAD, D2): adoption (0.55 - 0.1) / 0.5 = 0.9.
    middle = 100 * (1 + 0.9 + 1 + 2 / 3) / 8
    # After: S(working tree, D2): adoption weighs 2, good 0.5, value 0.35:
    # (0.35 - 0.1) / (0.5 - 0.1) = 0.625; the denominator is 9.
    after = 100 * (1 + 2 * 0.625 + 1 + 2 / 3) / 9
    assert account["before"]["attainment"] == pytest.approx(before, abs=1e-9)
    assert account["after"]["attainment"] == pytest.approx(after, abs=1e-9)
    attainment = account["attainment"]
    assert attainment["change"] == pytest.approx(after - before, abs=1e-9)
    assert attainment["evidence"] == pytest.approx(middle - before, abs=1e-9)
    assert attainment["configuration"] == pytest.approx(after - middle, abs=1e-9)
    assert attainment["unattributed"] == pytest.approx(0, abs=1e-9)
    components = {c["name"]: c for c in attainment["components"]}
    assert list(components) == [
        "intent", "anticipated_needs", "product_adoption", "outcomes",
        "relationship", "communication", "education", "journey",
    ]  # fmt: skip
    adoption = components["product_adoption"]
    assert adoption["before"] == pytest.approx(100 * 0.62 / 8, abs=1e-9)
    assert adoption["after"] == pytest.approx(100 * 2 * 0.625 / 9, abs=1e-9)
    assert components["intent"]["change"] == pytest.approx(100 / 9 - 100 / 8, abs=1e-9)
    assert sum(c["change"] for c in components.values()) == pytest.approx(after - before)
    [measure] = adoption["measures"]
    assert measure["kind"] == "signal" and measure["ref"] == "weekly_active_ratio"
    assert measure["before"]["score"] == pytest.approx(0.62)
    assert measure["after"]["score"] == pytest.approx(0.625)
    assert "0.41" in measure["before"]["evidence"] and "0.35" in measure["after"]["evidence"]
    assert measure["after"]["file"] == "accounts/northwind.yaml"
    lines = (repo / "plans" / "accounts" / "northwind.yaml").read_text().splitlines()
    assert "0.35" in lines[measure["after"]["line"] - 1]
    changes = {(c["kind"], c["id"]): c for c in out["configuration"]}
    model = changes[("EngagementModel", "enterprise-dsce")]["paths"]
    model_paths = {p["path"]: (p["before"], p["after"]) for p in model}
    assert model_paths["components.product_adoption.weight"] == (None, 2)
    assert model_paths["components.product_adoption.measures[0].good"] == (0.6, 0.5)
    account_paths = [p["path"] for p in changes[("Account", "northwind-events")]["paths"]]
    assert account_paths == ["signals.weekly_active_ratio[1].value"]
    assert (out["from"], out["to"], out["base"]) == (D1, D2, "HEAD")
    assert out["summary"] == {
        "accounts": 1, "changed": 1, "added": 0, "removed": 0, "band_changes": 0
    }  # fmt: skip
    # Nothing was checked out, stashed or staged.
    assert state(repo) == before_state
    assert git(repo, "rev-parse", "HEAD") == head


def test_every_format_and_the_max_drop_gate(repo: Path) -> None:
    args = ("diff", "--all", "-w", "plans", "--base", "HEAD", "--from", D1, "--to", D2)
    table = csplan(*args, cwd=repo)
    assert table.returncode == 0
    assert "northwind-events" in table.stdout
    assert "1 of 1 account changed; 0 changed band" in table.stdout
    markdown = csplan(*args, "--format", "markdown", cwd=repo)
    assert "<details>" in markdown.stdout and "northwind-events" in markdown.stdout
    summary = repo / "summary.md"
    github = subprocess.run(
        [sys.executable, "-m", "csplan", *args, "--format", "github"],
        capture_output=True,
        text=True,
        cwd=repo,
        env={**os.environ, "GITHUB_STEP_SUMMARY": str(summary)},
        timeout=120,
    )
    assert github.returncode == 0
    assert github.stdout.startswith("::notice file=plans/accounts/northwind.yaml")
    assert "northwind-events" in summary.read_text()
    # Attainment went up: no drop at all trips nothing; a fall does.
    assert csplan(*args, "--max-drop", "0", cwd=repo).returncode == 0
    fell = csplan(
        "diff", "--all", "-w", "plans", "--base-dir", BASE, "--from", D2, "--to", D2,
        "--max-drop", "0.5",
        cwd=repo,
    )  # fmt: skip
    assert fell.returncode == 1
    assert "northwind-events" in fell.stderr and "fell by more than 0.5 points" in fell.stderr


def test_dates_alone_is_all_evidence(repo: Path) -> None:
    done = csplan("diff", "northwind-events", "-w", "plans", "--from", D1, "--to", D2,
                  "--format", "json", cwd=repo)  # fmt: skip
    account = json.loads(done.stdout)["accounts"][0]
    assert account["attainment"]["configuration"] is None
    assert account["attainment"]["evidence"] == pytest.approx(account["attainment"]["change"])


@pytest.mark.parametrize(
    ("args", "code", "words"),
    [
        (("--base", "no-such-rev"), 2, "unknown revision 'no-such-rev'"),
        (("--from", D2, "--to", D1), 2, f"--from {D2} is after --to {D1}"),
        (("--to", D2), 2, "--to needs --from"),
        (("--as-of", "20261101"), 2, "YYYY-MM-DD"),
        (("--max-drop", "nan"), 2, "--max-drop"),
    ],
)
def test_usage_errors_are_one_line_and_exit_2(repo: Path, args, code, words) -> None:
    done = csplan("diff", "--all", "-w", "plans", *args, cwd=repo)
    assert done.returncode == code, done.stderr
    assert words in done.stderr
    assert "Traceback" not in done.stderr


def test_unknown_account_on_both_sides(repo: Path) -> None:
    done = csplan("diff", "northwind-event", "-w", "plans", "--base", "HEAD", cwd=repo)
    assert done.returncode == 2
    assert "unknown account 'northwind-event'" in done.stderr
    assert "did you mean 'northwind-events'?" in done.stderr


def test_base_outside_a_git_repository(tmp_path: Path) -> None:
    plain = tmp_path / "plain"
    shutil.copytree(BASE, plain)
    done = csplan("diff", "--all", "-w", plain, "--base", "HEAD")
    assert done.returncode == 2
    assert "not in a git repository" in done.stderr
    assert "--base-dir" in done.stderr


def test_a_base_with_errors_names_the_side(repo: Path) -> None:
    account = repo / "plans" / "accounts" / "northwind.yaml"
    account.write_text(account.read_text().replace("segment: enterprise", "segment: enterprize"))
    git(repo, "commit", "-q", "-am", "a typo")
    account.write_text(account.read_text().replace("segment: enterprize", "segment: enterprise"))
    done = csplan("diff", "--all", "-w", "plans", "--base", "HEAD", cwd=repo)
    assert done.returncode == 1
    first = done.stderr.splitlines()[0]
    assert first == "csplan: base HEAD has 1 error"
    assert "CSP201" in done.stderr and "'enterprize'" in done.stderr
    broken = csplan("diff", "--all", "-w", "plans", "--base", "HEAD~1", cwd=repo)
    assert broken.returncode == 0
    account.write_text(account.read_text().replace("segment: enterprise", "segment: enterprize"))
    tree = csplan("diff", "--all", "-w", "plans", "--base", "HEAD~1", cwd=repo)
    assert tree.returncode == 1
    assert tree.stderr.splitlines()[0] == "csplan: working tree has 1 error"


def test_a_revision_without_the_workspace_makes_every_account_added(repo: Path) -> None:
    # A commit whose tree is empty: the workspace did not exist yet.
    empty = git(repo, "hash-object", "-w", "-t", "tree", "/dev/null").strip()
    before = git(repo, "commit-tree", empty, "-m", "before the plans").strip()
    done = csplan("diff", "--all", "-w", "plans", "--base", before, "--format", "json", cwd=repo)
    assert done.returncode == 0, done.stderr
    out = json.loads(done.stdout)
    assert [a["status"] for a in out["accounts"]] == ["added"]
    assert out["accounts"][0]["before"] is None


def test_an_unwritable_step_summary_is_one_line(repo: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "csplan", "diff", "--all", "-w", "plans", "--format", "github"],
        capture_output=True,
        text=True,
        cwd=repo,
        env={**os.environ, "GITHUB_STEP_SUMMARY": str(repo / "plans")},  # a folder
        timeout=120,
    )
    assert done.returncode == 2
    assert done.stderr.startswith("csplan: cannot append to $GITHUB_STEP_SUMMARY")
    assert "Traceback" not in done.stderr
