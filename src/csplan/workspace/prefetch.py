"""Positions of many files, indexed on the second core while the first scores.

A portfolio's JSON names the line of every piece of evidence, so every
account file needs its position index (:mod:`csplan.workspace.positions`):
on 10,000 accounts that is as much work as scoring them. When a command will
ask for all of them, a forked child indexes the files in the order they will
be asked for and streams each index back through a pipe (``marshal``: the
index is plain tuples, dicts, lists, ints and strings); the parent takes each
one when it first needs it. The answer is the same index either way: the
child runs the same function on the same text.

Nothing is forked where forking is unsafe or pointless: without ``os.fork``,
with other threads running (a fork copies their locks, not the threads), or
for a few files. Then each file is indexed in-process on first use, as
always. The child writes nothing but the pipe and leaves with ``os._exit``,
so it runs no cleanup of the parent's; it stops at the first failed write,
so it ends when the parent stops reading.
"""

from __future__ import annotations

import collections
import marshal
import os
import threading
from collections.abc import Callable, Iterable, Sequence
from typing import TYPE_CHECKING, BinaryIO

from csplan.workspace.positions import Positions, index

if TYPE_CHECKING:
    from csplan.model import Workspace
    from csplan.workspace.source import Source

# Below this, forking costs more than it saves.
MIN_FILES = 200
# Indexes kept in the parent once handed over (see Prefetch._served).
KEEP = 64
_HEADER = 8


class Prefetch:
    """Indexes of ``sources`` (in the order they will be asked for), made by a
    child process; :meth:`take` hands each one over once."""

    def __init__(self, sources: Sequence[Source]) -> None:
        self._texts = {s.file: s.text for s in sources}
        # The sources handed an index, most recent last: a portfolio asks
        # for each file's lines once, so only the last few are kept.
        self._served: collections.deque[Source] = collections.deque()
        self._order = list(self._texts)
        self._waiting: dict[str, Positions] = {}
        self._next = 0
        self._pid = 0
        self._stream: BinaryIO | None = None
        read_end, write_end = os.pipe()
        pid = os.fork()
        if pid == 0:  # pragma: no cover - the child; its output is tested
            os.close(read_end)
            _child(sources, write_end)
        os.close(write_end)
        self._pid = pid
        self._stream = os.fdopen(read_end, "rb")

    def take(self, source: Source) -> Positions | None:
        """The index of ``source``, or None when the child does not have it
        (not one of its files, or it stopped): then the caller indexes it."""
        self._served.append(source)
        if len(self._served) > KEEP:
            self._served.popleft().forget_positions()
        found = self._waiting.pop(source.file, None)
        if found is not None:
            return found
        while self._stream is not None and self._next < len(self._order):
            file = self._order[self._next]
            self._next += 1
            positions = self._read(self._texts[file])
            if positions is None:
                self.close()
                return None
            if file == source.file:
                return positions
            self._waiting[file] = positions
        return None

    def _read(self, text: str) -> Positions | None:
        assert self._stream is not None
        header = self._stream.read(_HEADER)
        if len(header) < _HEADER:
            return None
        body = self._stream.read(int.from_bytes(header, "little"))
        documents, starts, stopped = marshal.loads(body)
        return Positions(text, documents=documents, document_starts=starts, stopped_at=stopped)

    def close(self) -> None:
        """Stop the child (if it still runs) and reap it."""
        if self._stream is not None:
            self._stream.close()
            self._stream = None
        if self._pid:
            try:
                os.kill(self._pid, 15)
                os.waitpid(self._pid, 0)
            except (ProcessLookupError, ChildProcessError):
                pass
            self._pid = 0


def prefetch_positions(ws: Workspace, files: Iterable[str]) -> Callable[[], None]:
    """Say that the positions of ``files`` will all be asked for, in that
    order, so that they are indexed in parallel where that is safe. Returns
    the function that stops the work when it is no longer wanted."""
    from csplan.workspace.source import Source

    wanted = [ws.sources.get(f) for f in dict.fromkeys(files)]
    sources = [
        s for s in wanted if isinstance(s, Source) and s._positions is None and s.prefetch is None
    ]
    prefetch = start(sources)
    if prefetch is None:
        return lambda: None
    for source in sources:
        source.prefetch = prefetch
    return prefetch.close


def start(sources: Sequence[Source]) -> Prefetch | None:
    """A :class:`Prefetch` for ``sources``, or None where forking is unsafe
    or not worth it (see the module docstring)."""
    if len(sources) < MIN_FILES or not hasattr(os, "fork"):
        return None
    if threading.active_count() > 1:
        return None
    return Prefetch(sources)


def _child(sources: Sequence[Source], fd: int) -> None:  # pragma: no cover
    import signal

    # The parent decides when to stop; a Ctrl-C at the terminal reaches the
    # whole process group, and the parent cleans up after it.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    code = 0
    try:
        with os.fdopen(fd, "wb") as out:
            for source in sources:
                positions = index(source.text)
                body = marshal.dumps(
                    (positions.documents, positions.document_starts, positions.stopped_at)
                )
                out.write(len(body).to_bytes(_HEADER, "little") + body)
    except BaseException:
        code = 1
    os._exit(code)
