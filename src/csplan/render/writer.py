"""Writing rendered files: all or nothing, and never over an input.

Every file is rendered in memory before this module is called. Each is then
written to a temporary file in the output folder; only when all of them are
written are they moved into place with :func:`os.replace`, which is atomic
on one file system. Files about to be replaced keep a second name (a hard
link) until the end, so a failure at any point - writing, or moving into
place - leaves the output folder as it was.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import shutil
import stat
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from csplan.errors import CsplanError, RenderError
from csplan.files import stage

if TYPE_CHECKING:
    from csplan.model import Workspace

_INPUT_SUFFIXES = (".yaml", ".yml")


class UnsafeOutput(CsplanError):
    """An output path that would overwrite an input of the workspace (CLI
    exit code 2: the command line asked for it)."""


@dataclass(frozen=True, slots=True)
class Output:
    name: str  # file name inside the output folder
    text: str


def check_targets(out_dir: Path, outputs: Sequence[Output], ws: Workspace) -> list[Path]:
    """:func:`_check_targets`, with a path the system cannot resolve (a name
    too long, a symbolic link loop) refused as unsafe, naming the path."""
    try:
        return _check_targets(out_dir, outputs, ws)
    except RuntimeError as exc:  # pathlib's "Symlink loop from ..."
        raise UnsafeOutput(f"cannot write into {out_dir}: {exc}") from None
    except OSError as exc:
        where = exc.filename or out_dir
        raise UnsafeOutput(f"cannot write {where}: {exc.strerror or exc}") from None


def _check_targets(out_dir: Path, outputs: Sequence[Output], ws: Workspace) -> list[Path]:
    """The paths the outputs will take, after refusing any that resolves
    (through symbolic links too) to a workspace YAML file, a file the
    workspace was read from, or a template; and an output folder inside a
    templates folder."""
    from csplan.render.environment import template_folders

    _check_unique(outputs)
    root = ws.root.resolve()
    folders = [path for path, _ in template_folders(ws)]
    inputs = {(root / rel).resolve() for rel in ws.sources}
    if out_dir.exists() and not out_dir.is_dir():
        raise UnsafeOutput(f"the output path {out_dir} is a file, not a folder")
    resolved_dir = out_dir.resolve()
    for folder in folders:
        if _within(resolved_dir, folder):
            raise UnsafeOutput(f"refusing to write into the templates folder {folder}")
    targets = []
    for output in outputs:
        target = out_dir / output.name
        real = target.resolve()
        if real in inputs or (_within(real, root) and real.suffix.lower() in _INPUT_SUFFIXES):
            raise UnsafeOutput(
                f"refusing to overwrite {real}: it is an input file of the workspace"
            )
        if any(_within(real, folder) for folder in folders):
            raise UnsafeOutput(f"refusing to overwrite the template {real}")
        # One lstat per file: only a missing or regular file may be replaced;
        # a symbolic link, a folder, a FIFO or a device is left alone.
        try:
            mode = os.lstat(target).st_mode
        except FileNotFoundError:
            mode = None
        except OSError as exc:
            raise UnsafeOutput(f"cannot write {target}: {exc.strerror or exc}") from None
        if mode is not None and not stat.S_ISREG(mode):
            kind = _KINDS.get(stat.S_IFMT(mode), "not a regular file")
            raise UnsafeOutput(
                f"refusing to write {target}: it is {kind}; remove it or choose another -o folder"
            )
        targets.append(target)
    return targets


_KINDS = {
    stat.S_IFLNK: "a symbolic link",
    stat.S_IFDIR: "a folder",
    stat.S_IFIFO: "a FIFO",
    stat.S_IFCHR: "a device",
    stat.S_IFBLK: "a device",
    stat.S_IFSOCK: "a socket",
}


def _check_unique(outputs: Sequence[Output]) -> None:
    """Two outputs with one name would overwrite each other: refuse."""
    seen: set[str] = set()
    for output in outputs:
        if output.name in seen:
            raise UnsafeOutput(
                f"two files would be written as {output.name}; an account whose id is "
                f"'{output.name.split('.', 1)[0]}' collides with the index page: "
                "rename the account or render it without --all"
            )
        seen.add(output.name)


def write_all(out_dir: Path, outputs: Sequence[Output], ws: Workspace) -> list[Path]:
    """Write ``outputs`` into ``out_dir`` (created if needed), all or none."""
    targets = check_targets(out_dir, outputs, ws)
    # The folders this run creates, deepest last: a failure removes them again.
    created = [p for p in (*reversed(out_dir.parents), out_dir) if not p.exists()]
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        _remove_folders(created)
        raise RenderError(f"cannot create the output folder {out_dir}: {exc.strerror}") from None
    staged: list[tuple[str, Path]] = []
    backups: dict[Path, str] = {}
    replaced: list[Path] = []
    # Every temporary name of this run starts with one token, so that clean-up
    # finds a file even when a signal arrived between its creation and the
    # line that records it.
    token = f"csplan-{os.getpid()}-{secrets.token_hex(4)}-"
    try:
        for output, target in zip(outputs, targets, strict=True):
            staged.append((stage(out_dir, token + output.name, output.text), target))
        # Keep the files about to be replaced until every new one is in
        # place, so that a failure half-way can put the old ones back.
        for _, target in staged:
            if target.is_symlink() or target.is_file():
                backups[target] = _backup(out_dir, target, token)
        for temp, target in staged:
            # Counted before the move: a signal between the two lines must
            # still see this target restored (or removed if it is new).
            replaced.append(target)
            os.replace(temp, target)
    except (OSError, UnicodeError) as exc:
        _roll_back(staged, backups, replaced, out_dir, token)
        _remove_folders(created)
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        raise RenderError(f"cannot write to {out_dir}: {reason}") from None
    except BaseException:
        # Ctrl-C or SIGTERM (see csplan.cli.main) part-way: the folder goes
        # back to how it was before the signal is passed on.
        _roll_back(staged, backups, replaced, out_dir, token)
        _remove_folders(created)
        raise
    for backup in backups.values():
        _remove(backup)
    return targets


def _backup(out_dir: Path, target: Path, token: str) -> str:
    """A second name for the file at ``target`` (a hard link: no copy; a
    copy where the file system has no hard links; a symbolic link is
    copied as a link)."""
    fd, backup = tempfile.mkstemp(prefix=f".{token}{target.name}.", suffix=".old", dir=out_dir)
    os.close(fd)
    os.unlink(backup)
    if target.is_symlink():
        os.symlink(os.readlink(target), backup)
        return backup
    try:
        os.link(target, backup)
    except OSError:
        shutil.copy2(target, backup)
    return backup


def _roll_back(
    staged: list[tuple[str, Path]],
    backups: dict[Path, str],
    replaced: list[Path],
    out_dir: Path,
    token: str,
) -> None:
    """Undo a write that failed part-way: old files back, new files gone,
    and no temporary file of this run left behind."""
    for target in replaced:
        if target in backups:
            os.replace(backups.pop(target), target)
        else:
            _remove(target)
    for temp, _ in staged:
        _remove(temp)
    for backup in backups.values():
        _remove(backup)
    with contextlib.suppress(OSError):
        for name in os.listdir(out_dir):
            if name.startswith(f".{token}"):
                _remove(out_dir / name)


def _remove_folders(created: list[Path]) -> None:
    """Remove the folders a failed run created (only while empty)."""
    for folder in reversed(created):
        with contextlib.suppress(OSError):
            folder.rmdir()


def _remove(path: str | Path) -> None:
    with contextlib.suppress(FileNotFoundError):
        os.unlink(path)


def _within(path: Path, folder: Path) -> bool:
    return path == folder or folder in path.parents
