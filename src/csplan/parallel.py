"""Scoring a large portfolio on two cores: a forked child scores the second
half of the accounts while this process scores the first, and hands its
results back through a file in memory (``memfd``: no disk, no name; a
pipe would make the child wait until this process reads, which is after
its own half), pickled. The scores are the same either way: the child runs the
same scorer on the same data, copied by the fork. (Not in csplan.engine:
this is processes and files; the engine stays pure.)

Used where the scoring itself is most of the work: a portfolio whose
evidence came from data sources (no YAML positions to index in parallel,
which is what the second core does for a YAML portfolio). Nothing is forked
where it is unsafe or pointless: without ``os.fork``, with other Python
threads running (a fork copies their locks, not the threads), or for fewer
than :data:`MIN_ACCOUNTS`. The child writes nothing but that file and leaves
with ``os._exit``; if it fails, this process scores its half itself.
"""

from __future__ import annotations

import contextlib
import os
import pickle
import threading
from collections.abc import Callable, Iterator, Sequence
from typing import BinaryIO, TypeVar

T = TypeVar("T")
MIN_ACCOUNTS = 1_000
# Above this the child's results (a few KiB per account) would hold too much
# memory at once: one core, as it streams.
MAX_ACCOUNTS = 100_000
_HEADER = 8


def in_parallel(ids: Sequence[str], work: Callable[[str], T]) -> Iterator[T]:
    """``work(id)`` for each of ``ids``, in order, the second half computed
    by a forked child where that is safe."""
    if (
        not MIN_ACCOUNTS <= len(ids) <= MAX_ACCOUNTS
        or not hasattr(os, "fork")
        or not hasattr(os, "memfd_create")
        or threading.active_count() > 1
    ):
        yield from map(work, ids)
        return
    half = len(ids) // 2
    # The child's results go to a file in memory (no disk, no name): a pipe
    # would make it wait for this process to read, which it does only once
    # its own half is done.
    fd = os.memfd_create("csplan-scores", os.MFD_CLOEXEC)
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the child; its output is tested
        _child(ids[half:], work, fd)
    try:
        yield from map(work, ids[:half])
        _, status = os.waitpid(pid, 0)
        pid = 0
        got = 0
        item: T
        with os.fdopen(fd, "rb", closefd=False) as stream:
            stream.seek(0)
            if os.waitstatus_to_exitcode(status) == 0:
                for item in _read(stream):
                    yield item
                    got += 1
        # A child that failed or stopped early (killed, out of memory): the
        # rest is scored here.
        yield from map(work, ids[half + got :])
    finally:
        if pid:
            _reap(pid)
        os.close(fd)


def _read(stream: BinaryIO) -> Iterator[T]:
    while True:
        head = stream.read(_HEADER)
        if len(head) < _HEADER:
            return
        size = int.from_bytes(head, "little")
        if size == 0:  # the child failed: what follows is not there
            return
        body = stream.read(size)
        if len(body) < size:
            return
        # Our own child's bytes, through our own pipe.
        yield pickle.loads(body)


def _child(ids: Sequence[str], work: Callable[[str], object], fd: int) -> None:  # pragma: no cover
    import signal

    # The parent decides when to stop; a Ctrl-C at the terminal reaches the
    # whole process group, and the parent cleans up after it.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    code = 0
    try:
        with os.fdopen(fd, "wb", closefd=False) as out:
            for account in ids:
                try:
                    body = pickle.dumps(work(account), protocol=pickle.HIGHEST_PROTOCOL)
                except Exception:
                    out.write((0).to_bytes(_HEADER, "little"))
                    break
                out.write(len(body).to_bytes(_HEADER, "little") + body)
    except BaseException:
        code = 1
    os._exit(code)


def _reap(pid: int) -> None:
    import signal

    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, signal.SIGKILL)
    with contextlib.suppress(ChildProcessError):
        os.waitpid(pid, 0)
