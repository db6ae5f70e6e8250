"""Fault injection, reading input (issue 9, classes 4, 5, 6 and 9): nothing
hangs, nothing is read unbounded, nothing under the workspace is skipped
silently, numbers are figures and dates stay inside the calendar.

Every case asserts the exit code, no traceback, the inputs byte-for-byte
unchanged, and a message naming the file, value or option. A few cases also
run through a real process with a timeout, so that a hang fails instead of
blocking the suite.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import stat
import subprocess
import sys
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from conftest import EXAMPLES

from csplan.api import to_date
from csplan.engine.score import trend_dates

AS_OF = "2026-11-01"
ACCOUNT = "accounts/brennan-motors.yaml"
IS_ROOT = hasattr(os, "geteuid") and os.geteuid() == 0


# --- helpers ----------------------------------------------------------------


@pytest.fixture
def ws(tmp_path: Path) -> Path:
    """A copy of the replyhub example: a valid workspace to break."""
    root = tmp_path / "ws"
    shutil.copytree(EXAMPLES / "replyhub", root)
    return root


def snapshot(root: Path) -> dict[str, str]:
    """SHA-256 of every regular file under ``root``, and where every symlink
    points: reading must change neither. FIFOs and devices are never opened."""
    out: dict[str, str] = {}
    for folder, dirs, files in os.walk(root):
        for name in dirs + files:
            path = Path(folder, name)
            st = path.lstat()
            rel = path.relative_to(root).as_posix()
            if stat.S_ISLNK(st.st_mode):
                out[rel] = "-> " + os.readlink(path)
            elif stat.S_ISREG(st.st_mode):
                out[rel] = hashlib.sha256(path.read_bytes()).hexdigest()
            else:
                out[rel] = oct(st.st_mode)
    return out


def edit(root: Path, rel: str, old: str, new: str) -> None:
    path = root / rel
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {rel}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def run(cli: Callable[..., Any], root: Path, *args: str) -> tuple[int, str]:
    """Run csplan in-process; the inputs must be unchanged and no traceback shown."""
    before = snapshot(root)
    result = cli(*args)
    output = result.output + (result.stderr if result.stderr_bytes is not None else "")
    assert "Traceback" not in output
    assert "internal error" not in output
    assert snapshot(root) == before
    return result.exit_code, output


def run_process(root: Path, *args: str, timeout: float = 60) -> tuple[int, str]:
    """Run csplan in a real process: a hang is a failure after ``timeout``."""
    before = snapshot(root)
    proc = subprocess.run(
        [sys.executable, "-m", "csplan", *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        stdin=subprocess.DEVNULL,
    )
    output = proc.stdout + proc.stderr
    assert "Traceback" not in output
    assert snapshot(root) == before
    return proc.returncode, output


def findings(cli: Callable[..., Any], root: Path) -> list[dict[str, Any]]:
    code, output = run(cli, root, "validate", "-w", str(root), "--format", "json")
    assert code == 1, output
    found: list[dict[str, Any]] = json.loads(output)["findings"]
    return found


def one(found: list[dict[str, Any]], code: str, file: str) -> dict[str, Any]:
    hits = [f for f in found if f["code"] == code and f["file"] == file]
    assert len(hits) == 1, found
    return hits[0]


# --- class 4: hangs and unbounded memory ------------------------------------


def test_fifo_is_a_finding(cli: Callable[..., Any], ws: Path) -> None:
    os.mkfifo(ws / "pipe.yaml")
    hit = one(findings(cli, ws), "CSP003", "pipe.yaml")
    assert "FIFO" in hit["message"]


def test_fifo_does_not_hang_a_real_process(ws: Path) -> None:
    os.mkfifo(ws / "accounts" / "pipe.yaml")
    code, output = run_process(ws, "validate", "-w", str(ws), timeout=30)
    assert code == 1
    assert "accounts/pipe.yaml" in output and "FIFO" in output


def test_symlink_to_dev_zero_is_refused(cli: Callable[..., Any], ws: Path) -> None:
    if not os.path.exists("/dev/zero"):
        pytest.skip("no /dev/zero here")
    (ws / "zero.yaml").symlink_to("/dev/zero")
    hit = one(findings(cli, ws), "CSP003", "zero.yaml")
    assert "character device" in hit["message"]


def test_huge_sparse_file_is_refused_unread(cli: Callable[..., Any], ws: Path) -> None:
    with open(ws / "huge.yaml", "wb") as f:
        f.truncate(1 << 30)  # a gibibyte of holes: reading it whole would take long
    hit = one(findings(cli, ws), "CSP005", "huge.yaml")
    assert "1048576 KiB" in hit["message"] and "8 MiB" in hit["message"]


def test_file_over_the_limit_is_refused(cli: Callable[..., Any], ws: Path) -> None:
    (ws / "big.yaml").write_bytes(b"# " + b"x" * (8 * 1024 * 1024) + b"\n")
    one(findings(cli, ws), "CSP005", "big.yaml")


def test_symlink_loop_is_one_finding(cli: Callable[..., Any], ws: Path) -> None:
    (ws / "accounts" / "again").symlink_to("..")
    (ws / "maps" / "self").symlink_to(".")
    found = findings(cli, ws)
    assert [f["file"] for f in found if f["severity"] == "error"] == [
        "accounts/again",
        "maps/self",
    ]
    assert "symlink loop" in one(found, "CSP003", "accounts/again")["message"]
    # No document is read twice: no duplicate ids.
    assert not [f for f in found if f["code"] == "CSP202"]


def test_nested_symlink_loops_are_not_exponential(ws: Path) -> None:
    # Two links back to the root in every folder: a naive walk visits
    # 2**depth folders and reads every file each time.
    for folder in ("", "accounts", "maps"):
        (ws / folder / "up1").symlink_to(os.path.relpath(ws, ws / folder))
        (ws / folder / "up2").symlink_to(os.path.relpath(ws, ws / folder))
    code, output = run_process(ws, "validate", "-w", str(ws), timeout=30)
    assert code == 1
    assert output.count("symlink loop") == 6
    assert "CSP202" not in output


def test_symlinked_file_is_read_once(cli: Callable[..., Any], ws: Path) -> None:
    (ws / "alias.yaml").symlink_to(ACCOUNT)
    (ws / "more").symlink_to("accounts")
    code, output = run(cli, ws, "validate", "-w", str(ws), "--format", "json")
    assert code == 0, output
    data = json.loads(output)
    assert not [f for f in data["findings"] if f["code"] == "CSP202"]
    # Reported under its real path, never the link's.
    assert all(not f["file"].startswith(("more/", "alias")) for f in data["findings"])


def test_signals_file_that_is_a_fifo_is_refused(ws: Path, tmp_path: Path) -> None:
    fifo = tmp_path / "signals.csv"
    os.mkfifo(fifo)
    code, output = run_process(
        ws, "score", "--all", "-w", str(ws), "--as-of", AS_OF, "--signals", str(fifo), timeout=30
    )
    assert code == 2
    assert "signals.csv" in output and "FIFO" in output


# --- class 9: nothing skipped silently ---------------------------------------


def test_unlistable_folder_is_a_finding(
    cli: Callable[..., Any], ws: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    locked = ws / "accounts"
    if IS_ROOT:
        # Root lists any folder: make listing this one fail as it would for a user.
        real = os.scandir

        def scandir(path: Any = ".") -> Any:
            if Path(path) == locked:
                raise PermissionError(13, "Permission denied", str(path))
            return real(path)

        monkeypatch.setattr(os, "scandir", scandir)
        found = findings(cli, ws)
    else:
        locked.chmod(0)
        try:
            found = findings(cli, ws)
        finally:
            locked.chmod(0o755)
    hit = one(found, "CSP003", "accounts")
    assert hit["severity"] == "error"
    assert "cannot list the folder" in hit["message"] and "Permission denied" in hit["message"]


def test_unlistable_folder_is_never_valid_with_no_accounts(
    cli: Callable[..., Any], ws: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = os.scandir
    monkeypatch.setattr(
        os,
        "scandir",
        lambda path=".": (
            (_ for _ in ()).throw(PermissionError(13, "Permission denied"))
            if Path(path) == ws / "accounts"
            else real(path)
        ),
    )
    code, output = run(cli, ws, "validate", "-w", str(ws))
    assert code == 1
    assert "valid" not in output.splitlines()[-1].split(" with")[0]


def test_symlink_to_itself_is_a_finding(cli: Callable[..., Any], ws: Path) -> None:
    (ws / "self.yaml").symlink_to("self.yaml")
    hit = one(findings(cli, ws), "CSP003", "self.yaml")
    assert "symlink loop" in hit["message"]


def test_broken_symlink_is_a_finding(cli: Callable[..., Any], ws: Path) -> None:
    (ws / "gone.yaml").symlink_to("deleted.yaml")
    (ws / "old-accounts").symlink_to("/nonexistent/accounts")
    found = findings(cli, ws)
    assert "deleted.yaml" in one(found, "CSP003", "gone.yaml")["message"]
    assert "broken symlink" in one(found, "CSP003", "old-accounts")["message"]


def test_broken_symlink_not_yaml_is_ignored(cli: Callable[..., Any], ws: Path) -> None:
    # Not the workspace's business: a dangling link to a spreadsheet.
    (ws / "report.xlsx").symlink_to("deleted.xlsx")
    code, output = run(cli, ws, "validate", "-w", str(ws))
    assert code == 0, output


def test_file_that_cannot_be_opened_is_a_finding(
    cli: Callable[..., Any], ws: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = ws / ACCOUNT
    if IS_ROOT:
        import csplan.workspace.bounded as bounded

        real = os.open

        def fake_open(path: Any, flags: int, *args: Any) -> int:
            if Path(path) == target:
                raise PermissionError(13, "Permission denied", str(path))
            return real(path, flags, *args)

        monkeypatch.setattr(bounded.os, "open", fake_open)
        found = findings(cli, ws)
    else:
        target.chmod(0)
        try:
            found = findings(cli, ws)
        finally:
            target.chmod(0o644)
    hit = one(found, "CSP003", ACCOUNT)
    assert "cannot read the file: Permission denied" in hit["message"]


# --- class 5: numbers that are not figures ------------------------------------

BIG = "9" * 400
NUMBERS = [
    # (id, file, old text, new text, field named, value named)
    ("arr-nan", ACCOUNT, "arr: 16200", "arr: .nan", "arr", ".nan"),
    ("arr-400-digits", ACCOUNT, "arr: 16200", f"arr: {BIG}", "arr", "401 digits"),
    ("baseline-inf", ACCOUNT, "baseline: 4", "baseline: .inf", "baseline", ".inf"),
    ("target-minus-inf", ACCOUNT, "target: 15", "target: -.inf", "target", "-.inf"),
    (
        "signal-value-nan",
        ACCOUNT,
        "nps_score: {as_of: 2026-08-10, value: 5}",
        "nps_score: {as_of: 2026-08-10, value: .nan}",
        "value",
        ".nan",
    ),
    ("attribute-inf", ACCOUNT, "seats: 45", "seats: .inf", "seats", ".inf"),
    ("weight-inf", "engagement.yaml", "weight: 2\n", "weight: .inf\n", "weight", ".inf"),
    ("desired-nan", "engagement.yaml", "desired: 0.8", "desired: .nan", "desired", ".nan"),
    ("good-nan", "engagement.yaml", "good: 0.8, bad: 0.2", "good: .nan, bad: 0.2", "good", ".nan"),
    ("bad-huge", "engagement.yaml", "good: 50, bad: 0", f"good: 50, bad: -{BIG}", "bad", "digits"),
    (
        "max-age-huge",
        "engagement.yaml",
        "max_age_days: 180",
        "max_age_days: 99999999",
        "max_age_days",
        "99999999",
    ),
    (
        "fit-threshold-nan",
        "foundations.yaml",
        "fit_threshold: 0.7",
        "fit_threshold: .nan",
        "fit_threshold",
        ".nan",
    ),
    (
        "between-inf",
        "foundations.yaml",
        "between: [3, 30]",
        "between: [3, .inf]",
        "between",
        ".inf",
    ),
    ("at-least-nan", "foundations.yaml", "at_least: 15", "at_least: .nan", "at_least", ".nan"),
    (
        "due-days-huge",
        "maps/inbox-to-replies.yaml",
        "due_days: 7",
        "due_days: 99999999",
        "due_days",
        "99999999",
    ),
    (
        "criterion-inf",
        "maps/inbox-to-replies.yaml",
        "at_least: 200}",
        "at_least: .inf}",
        "at_least",
        ".inf",
    ),
    (
        "play-window-huge",
        "csplan.yaml",
        "play_window_days: 21",
        f"play_window_days: {BIG}",
        "play_window_days",
        "digits",
    ),
]


@pytest.mark.parametrize(
    ("old", "new", "field", "shown"), [n[2:] for n in NUMBERS], ids=[n[0] for n in NUMBERS]
)
def test_number_that_is_no_figure_is_a_finding(
    cli: Callable[..., Any], ws: Path, old: str, new: str, field: str, shown: str
) -> None:
    rel = next(n[1] for n in NUMBERS if n[2] == old and n[3] == new)
    edit(ws, rel, old, new)
    found = [f for f in findings(cli, ws) if f["code"] == "CSP106"]
    assert len(found) == 1, found
    assert found[0]["file"] == rel
    assert f"'{field}'" in found[0]["message"] and shown in found[0]["message"]


def test_huge_integer_where_text_is_expected(cli: Callable[..., Any], ws: Path) -> None:
    # Past 4300 digits Python refuses to print an int: the message must not.
    edit(ws, ACCOUNT, "name: Brennan Motors", "name: " + "9" * 5000)
    hit = one(findings(cli, ws), "CSP103", ACCOUNT)
    assert "'name' must be text, not a number of about 5001 digits" in hit["message"]


def test_band_min_nan_is_a_finding(cli: Callable[..., Any], ws: Path) -> None:
    (ws / "csplan.yaml").write_text(
        (ws / "csplan.yaml").read_text(encoding="utf-8")
        + "bands:\n  - {name: healthy, min: .nan}\n  - {name: at-risk, min: 0}\n",
        encoding="utf-8",
    )
    hit = one(findings(cli, ws), "CSP106", "csplan.yaml")
    assert "'min' must be a finite number, not .nan" in hit["message"]


def test_nan_in_a_real_process_is_exit_1(ws: Path) -> None:
    edit(ws, "engagement.yaml", "weight: 2\n", "weight: .nan\n")
    code, output = run_process(ws, "score", "--all", "-w", str(ws), "--as-of", AS_OF)
    assert code == 1
    assert "engagement.yaml" in output and "'weight' must be a finite number" in output


@pytest.mark.parametrize("value", ["nan", "inf", "-inf", "1e400", BIG, "9" * 5000, "1e300"])
def test_signals_csv_refuses_numbers_that_are_no_figures(
    cli: Callable[..., Any], ws: Path, tmp_path: Path, value: str
) -> None:
    csv = tmp_path / "extra.csv"
    csv.write_text(f"account,signal,as_of,value\nbrennan-motors,nps_score,2026-10-01,{value}\n")
    code, output = run(
        cli, ws, "score", "--all", "-w", str(ws), "--as-of", AS_OF, "--signals", str(csv)
    )
    assert code == 1
    assert "extra.csv:2: error" in output
    assert "is not a finite number" in output
    assert value[:20] in output


@pytest.mark.parametrize("value", ["nan", "inf", "-1", "101"])
def test_fail_under_out_of_range_is_a_usage_error(
    cli: Callable[..., Any], ws: Path, value: str
) -> None:
    code, output = run(
        cli, ws, "score", "--all", "-w", str(ws), "--as-of", AS_OF, "--fail-under", value
    )
    assert code == 2
    assert "--fail-under" in output and value in output


def test_score_json_is_strict_json(cli: Callable[..., Any], ws: Path) -> None:
    code, output = run(
        cli, ws, "score", "--all", "-w", str(ws), "--as-of", AS_OF, "--format", "json", "--trend"
    )
    assert code == 0

    def refuse(constant: str) -> None:
        raise AssertionError(f"{constant} in JSON output")

    json.loads(output, parse_constant=refuse)


def test_zero_weights_everywhere_score_as_attained(cli: Callable[..., Any], ws: Path) -> None:
    # Nothing asked is nothing missing: attainment 100 by definition, not nan.
    text = (ws / "engagement.yaml").read_text(encoding="utf-8")
    for weight in ("weight: 1\n", "weight: 2\n"):
        text = text.replace("    " + weight, "    weight: 0\n")
    (ws / "engagement.yaml").write_text(text, encoding="utf-8")
    code, output = run(
        cli, ws, "score", "--all", "-w", str(ws), "--as-of", AS_OF, "--format", "json"
    )
    assert code == 0, output
    for account in json.loads(output)["accounts"]:
        if account["started"]:
            assert account["engagement"]["attainment"] == 100


# --- class 6: dates at the edge of the calendar --------------------------------


@pytest.mark.parametrize("value", ["20261101", "2026-W44-7", "2026-11-01T00:00", "2026-11-01\n"])
@pytest.mark.parametrize("command", ["score", "render"])
def test_as_of_only_takes_yyyy_mm_dd(
    cli: Callable[..., Any], ws: Path, tmp_path: Path, value: str, command: str
) -> None:
    extra = ["-o", str(tmp_path / "out")] if command == "render" else []
    code, output = run(cli, ws, command, "--all", "-w", str(ws), "--as-of", value, *extra)
    assert code == 2
    assert "--as-of" in output and "YYYY-MM-DD" in output
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("value", ["20261101", "2026-W44-7"])
def test_api_to_date_is_as_strict(value: str) -> None:
    with pytest.raises(ValueError, match="YYYY-MM-DD"):
        to_date(value)


def test_trend_at_the_start_of_the_calendar(cli: Callable[..., Any], ws: Path) -> None:
    assert trend_dates(date(1, 3, 15)) == (date(1, 1, 31), date(1, 2, 28), date(1, 3, 15))
    code, output = run(
        cli, ws, "score", "--all", "-w", str(ws), "--as-of", "0001-01-01", "--trend", "-f", "json"
    )
    assert code == 0, output
    account = json.loads(output)["accounts"][0]
    assert [p["as_of"] for p in account["trend"]] == ["0001-01-01"]


@pytest.mark.parametrize("audience", ["customer", "internal"])
@pytest.mark.parametrize("as_of", ["0001-01-01", "9999-12-31"])
def test_render_at_the_edges_of_the_calendar(
    cli: Callable[..., Any], ws: Path, tmp_path: Path, audience: str, as_of: str
) -> None:
    out = tmp_path / "out"
    code, output = run(
        cli, ws, "render", "--all", "-w", str(ws), "--as-of", as_of, "-a", audience, "-o", str(out)
    )
    assert code == 0, output
    assert (out / f"brennan-motors.{audience}.html").is_file()


def test_render_at_the_end_of_the_calendar_in_a_real_process(ws: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    code, output = run_process(
        ws, "render", "--all", "-w", str(ws), "--as-of", "9999-12-31", "-o", str(out)
    )
    assert code == 0, output
    assert (out / "index.customer.html").is_file()


def test_start_on_the_last_day_of_the_calendar(cli: Callable[..., Any], ws: Path) -> None:
    # Due dates past 9999-12-31 are capped there: never overdue, never a crash.
    edit(ws, ACCOUNT, "start: 2026-05-18", "start: 9999-12-31")
    edit(ws, ACCOUNT, "since: 2026-05-18", "since: 9999-12-31")
    code, output = run(
        cli, ws, "score", "brennan-motors", "-w", str(ws), "--as-of", "9999-12-31", "-f", "json"
    )
    assert code in (0, 1), output
    if code == 0:
        milestones = json.loads(output)["accounts"][0]["milestones"]
        assert milestones["overdue"] == []
