"""Reading an input file safely: regular files only, never more than a limit.

A FIFO named ``accounts.yaml`` would block a plain ``open`` forever, and a
symlink to ``/dev/zero`` or a huge sparse file would be read whole before any
size check. Opening non-blocking and asking the open descriptor what it is
costs no syscall beyond what ``Path.read_bytes`` makes (open, fstat, read),
and checks the very file that is read, not a path that may have changed.
"""

from __future__ import annotations

import os
import stat

from csplan.workspace.source import MAX_FILE_BYTES

# O_NONBLOCK: opening a FIFO for reading returns at once instead of waiting
# for a writer; it changes nothing for a regular file.
_FLAGS = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0)
_CHUNK = 1 << 16


class NotRegularFile(Exception):
    """The path is a FIFO, a device, a socket or a folder, not a file."""

    def __init__(self, what: str) -> None:
        super().__init__(what)
        self.what = what


class FileTooLarge(Exception):
    """The file holds more than the limit (``size`` is at least limit + 1)."""

    def __init__(self, size: int) -> None:
        super().__init__(size)
        self.size = size


def what_is(mode: int) -> str:
    """A file type in words, for messages."""
    if stat.S_ISFIFO(mode):
        return "a named pipe (FIFO)"
    if stat.S_ISCHR(mode):
        return "a character device"
    if stat.S_ISBLK(mode):
        return "a block device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISDIR(mode):
        return "a folder"
    return "not a regular file"


def read_bounded(path: str | os.PathLike[str], limit: int = MAX_FILE_BYTES) -> bytes:
    """The bytes of the regular file at ``path``, at most ``limit`` of them.

    Raises :class:`NotRegularFile`, :class:`FileTooLarge`, or OSError when
    the file cannot be opened or read."""
    fd = os.open(path, _FLAGS)
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            raise NotRegularFile(what_is(st.st_mode))
        if st.st_size > limit:
            # A sparse file of a terabyte is refused without reading a byte.
            raise FileTooLarge(st.st_size)
        chunks: list[bytes] = []
        total = 0
        # One read of the announced size (+1 to see the end), then small
        # reads only if the file grew meanwhile: never a buffer of the limit.
        want = st.st_size + 1
        while True:
            chunk = os.read(fd, min(want, limit + 1 - total))
            if not chunk:
                break
            chunks.append(chunk)
            total += len(chunk)
            if total > limit:
                raise FileTooLarge(total)
            want = _CHUNK
        return chunks[0] if len(chunks) == 1 else b"".join(chunks)
    finally:
        os.close(fd)
