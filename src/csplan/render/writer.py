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
import shutil
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
    """The paths the outputs will take, after refusing any that resolves
    (through symbolic links too) to a workspace YAML file, a file the
    workspace was read from, or a template; and an output folder inside a
    templates folder."""
    from csplan.render.environment import template_folders

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
        if target.is_dir():
            raise UnsafeOutput(f"cannot write {target}: a folder of that name exists")
        targets.append(target)
    return targets


def write_all(out_dir: Path, outputs: Sequence[Output], ws: Workspace) -> list[Path]:
    """Write ``outputs`` into ``out_dir`` (created if needed), all or none."""
    targets = check_targets(out_dir, outputs, ws)
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise RenderError(f"cannot create the output folder {out_dir}: {exc.strerror}") from None
    staged: list[tuple[str, Path]] = []
    backups: dict[Path, str] = {}
    replaced: list[Path] = []
    try:
        for output, target in zip(outputs, targets, strict=True):
            staged.append((stage(out_dir, output.name, output.text), target))
        # Keep the files about to be replaced until every new one is in
        # place, so that a failure half-way can put the old ones back.
        for _, target in staged:
            if target.is_symlink() or target.is_file():
                backups[target] = _backup(out_dir, target)
        for temp, target in staged:
            os.replace(temp, target)
            replaced.append(target)
    except (OSError, UnicodeError) as exc:
        _roll_back(staged, backups, replaced)
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        raise RenderError(f"cannot write to {out_dir}: {reason}") from None
    for backup in backups.values():
        _remove(backup)
    return targets


def _backup(out_dir: Path, target: Path) -> str:
    """A second name for the file at ``target`` (a hard link: no copy; a
    copy where the file system has no hard links; a symbolic link is
    copied as a link)."""
    fd, backup = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".old", dir=out_dir)
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
    staged: list[tuple[str, Path]], backups: dict[Path, str], replaced: list[Path]
) -> None:
    """Undo a write that failed part-way: old files back, new files gone."""
    for target in replaced:
        if target in backups:
            os.replace(backups.pop(target), target)
        else:
            _remove(target)
    for temp, _ in staged:
        _remove(temp)
    for backup in backups.values():
        _remove(backup)


def _remove(path: str | Path) -> None:
    with contextlib.suppress(FileNotFoundError):
        os.unlink(path)


def _within(path: Path, folder: Path) -> bool:
    return path == folder or folder in path.parents
