"""timeout_seconds (SPEC section 8): a connection or query that takes longer
is an error finding, never a hang, even when the driver cannot be
cancelled."""

from __future__ import annotations

import shutil
import threading
import time
from pathlib import Path

import pytest
from conftest import ROOT

from csplan.sources.connect import SourceFailure, _Guard


def test_a_call_that_never_returns_is_left_behind() -> None:
    release = threading.Event()
    cancelled: list[bool] = []
    guard = _Guard(1, lambda: cancelled.append(True))
    started = time.monotonic()
    with pytest.raises(SourceFailure, match="did not answer within 1 seconds"):
        guard(lambda: release.wait(60))
    assert time.monotonic() - started < 5
    assert cancelled == [True] and guard.expired
    release.set()
    for stuck in [t for t in threading.enumerate() if t.name == "csplan-source"]:
        stuck.join(5)


def test_errors_and_results_cross_to_the_caller() -> None:
    guard = _Guard(30, lambda: None)
    assert guard(lambda: 42) == 42
    with pytest.raises(ZeroDivisionError):
        guard(lambda: 1 / 0)
    assert not guard.expired
    # Each call's thread has ended with it (csplan.parallel forks only in a
    # single-threaded process).
    assert not [t for t in threading.enumerate() if t.name == "csplan-source"]


def test_a_slow_duckdb_query_is_interrupted(tmp_path: Path) -> None:
    from csplan.api import load_workspace

    root = tmp_path / "ws"
    shutil.copytree(ROOT / "tests" / "cases" / "base", root)
    (root / "sources.yaml").write_text(
        "kind: DataSource\nid: usage\nprovides: signals\ntimeout_seconds: 1\nquery: |\n"
        "  select 'northwind-events' as account, 'weekly_active_ratio' as signal,\n"
        "         date '2026-10-01' as as_of, count(*) * 0.0 as value\n"
        "  from range(100000000000)\n",
        encoding="utf-8",
    )
    started = time.monotonic()
    result = load_workspace(root)
    assert time.monotonic() - started < 20
    [found] = [f for f in result.findings if f.code == "CSP501"]
    assert "did not answer within 1 seconds" in found.message
