"""Writing files so that readers see the old file or the new one, never half
of one: the text goes to a temporary file beside the target, then
:func:`os.replace` (atomic on one file system) puts it in place."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


def stage(folder: Path, name: str, text: str) -> str:
    """Write ``text`` to a new temporary file in ``folder`` (named after
    ``name``) and return its path; the caller moves it into place."""
    fd, temp = tempfile.mkstemp(prefix=f".{name}.", suffix=".tmp", dir=folder)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
        # mkstemp creates 0600; give the file the mode a plain open() would.
        os.chmod(temp, 0o666 & ~_umask())
    except BaseException:
        os.unlink(temp)
        raise
    return temp


def write_atomic(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` atomically."""
    temp = stage(path.parent if str(path.parent) else Path("."), path.name, text)
    try:
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask
