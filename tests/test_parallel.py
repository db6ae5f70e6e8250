"""csplan.parallel: the second half scored by a forked child gives exactly
what scoring in one process gives, in order, and a child that fails is made
up for here."""

from __future__ import annotations

import os

import pytest

from csplan import parallel


def test_results_in_order_and_from_the_child(monkeypatch: pytest.MonkeyPatch) -> None:
    me = os.getpid()
    ids = [f"a{i:05d}" for i in range(2_000)]
    got = list(parallel.in_parallel(ids, lambda a: (a, os.getpid())))
    assert [a for a, _ in got] == ids
    assert {pid for _, pid in got[:1_000]} == {me}
    # The second half came from another process: the fork happened.
    assert {pid for _, pid in got[1_000:]} != {me}


def test_a_failing_child_is_made_up_for_here() -> None:
    me = os.getpid()

    def work(a: str) -> str:
        if os.getpid() != me and a.endswith("7"):
            raise RuntimeError("the child fails on one account")
        return a.upper()

    ids = [f"a{i:05d}" for i in range(2_000)]
    assert list(parallel.in_parallel(ids, work)) == [a.upper() for a in ids]


def test_small_portfolios_stay_in_one_process() -> None:
    me = os.getpid()
    ids = [f"a{i}" for i in range(10)]
    assert [p for _, p in parallel.in_parallel(ids, lambda a: (a, os.getpid()))] == [me] * 10


def test_stopping_early_leaves_no_child() -> None:
    ids = [f"a{i:05d}" for i in range(2_000)]
    stream = parallel.in_parallel(ids, lambda a: a)
    assert next(stream) == ids[0]
    stream.close()  # the consumer stops (a broken pipe, say): the child is reaped
    with pytest.raises(ChildProcessError):
        os.waitpid(-1, os.WNOHANG)
