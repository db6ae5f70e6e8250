"""Finding the workspace root and the YAML files in it (SPEC section 2)."""

from __future__ import annotations

import os
import re
from functools import lru_cache
from pathlib import Path

from csplan.errors import WorkspaceNotFound

MARKER = "csplan.yaml"
SUFFIXES = (".yaml", ".yml")


def find_root(path: str | os.PathLike[str] | None = None) -> Path:
    """The workspace root: ``path`` itself (a folder holding csplan.yaml, or
    csplan.yaml itself), else the nearest folder upward from the current one
    that holds csplan.yaml, like git finds a repository."""
    if path is not None:
        given = Path(path)
        if given.is_file() and given.name == MARKER:
            return given.parent.resolve()
        if not given.exists():
            raise WorkspaceNotFound(f"no such folder: {given}")
        if not given.is_dir():
            raise WorkspaceNotFound(f"not a folder: {given}")
        if not (given / MARKER).is_file():
            raise WorkspaceNotFound(f"no {MARKER} in {given}")
        if not os.access(given, os.R_OK | os.X_OK):
            raise WorkspaceNotFound(f"cannot read folder {given}")
        return given.resolve()
    here = Path.cwd().resolve()
    for folder in (here, *here.parents):
        if (folder / MARKER).is_file():
            return folder
    raise WorkspaceNotFound(
        f"no {MARKER} in {here} or any folder above it "
        "(pass --workspace PATH, or run 'csplan init')"
    )


@lru_cache(maxsize=256)
def _glob_regex(pattern: str) -> re.Pattern[str]:
    """Translate a glob relative to the root: ``**`` crosses folders, ``*``
    and ``?`` stay within one. A pattern also matches everything below a
    folder it names (``drafts`` and ``drafts/**`` both exclude drafts/)."""
    pattern = pattern.strip().strip("/")
    out = []
    i = 0
    while i < len(pattern):
        if pattern.startswith("**/", i):
            out.append("(?:.*/)?")
            i += 3
        elif pattern.startswith("**", i):
            out.append(".*")
            i += 2
        elif pattern[i] == "*":
            out.append("[^/]*")
            i += 1
        elif pattern[i] == "?":
            out.append("[^/]")
            i += 1
        else:
            out.append(re.escape(pattern[i]))
            i += 1
    return re.compile("".join(out) + "(?:/.*)?$")


def excluded(relpath: str, patterns: list[str]) -> bool:
    return any(_glob_regex(p).match(relpath) for p in patterns if p.strip())


def yaml_files(root: Path, exclude: list[str], templates: str | None) -> list[str]:
    """Workspace-relative POSIX paths of every YAML file, sorted, skipping
    hidden files and folders, the templates folder and excluded paths."""
    skip_dirs = set()
    if templates:
        skip_dirs.add(Path(templates).as_posix().strip("/"))
    found: list[str] = []
    stack = [""]
    while stack:
        rel = stack.pop()
        folder = root / rel if rel else root
        try:
            entries = list(os.scandir(folder))
        except OSError:
            continue
        for entry in entries:
            name = entry.name
            if name.startswith("."):
                continue
            child = f"{rel}/{name}" if rel else name
            try:
                is_dir = entry.is_dir()
            except OSError:
                continue
            if is_dir:
                if child in skip_dirs or (exclude and excluded(child, exclude)):
                    continue
                stack.append(child)
            elif name.endswith(SUFFIXES) and not (exclude and excluded(child, exclude)):
                found.append(child)
    found.sort()
    return found
