"""Finding the workspace root and the YAML files in it (SPEC section 2)."""

from __future__ import annotations

import errno
import os
import re
import stat
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from csplan.errors import WorkspaceNotFound
from csplan.workspace.bounded import what_is

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
    """Workspace-relative POSIX paths of every YAML file, sorted (see :func:`walk`)."""
    return walk(root, exclude, templates)[0]


def _skipped(child: str, name: str, exclude: list[str]) -> bool:
    # Hidden files and folders, and excluded paths: one rule for the walk on
    # disk and for files read from memory (a git revision).
    return name.startswith(".") or bool(exclude and excluded(child, exclude))


def counts(relpath: str, exclude: list[str], templates: str | None) -> bool:
    """Whether the workspace reads the file at ``relpath`` (a POSIX path
    relative to the root), by the rules :func:`walk` applies on disk: no
    hidden file or folder on the way, not below the templates folder, not
    excluded, and named *.yaml or *.yml. For files that are not on disk."""
    parts = relpath.split("/")
    if not relpath.endswith(SUFFIXES) or any(p in ("", ".", "..") for p in parts):
        return False
    skip_dir = Path(templates).as_posix().strip("/") if templates else None
    for depth, name in enumerate(parts, 1):
        child = "/".join(parts[:depth])
        if _skipped(child, name, exclude):
            return False
        if depth < len(parts) and child == skip_dir:
            return False
    return True


@dataclass
class Unreadable:
    """Something under the workspace that cannot be read: a folder that
    cannot be listed, a broken or looping symlink, a FIFO named *.yaml."""

    path: str  # workspace-relative
    problem: str
    hint: str


def walk(
    root: Path, exclude: list[str], templates: str | None
) -> tuple[list[str], list[Unreadable]]:
    """Every YAML file under ``root`` (workspace-relative POSIX paths,
    sorted), skipping hidden files and folders, the templates folder and
    excluded paths; and everything that could not be read (SPEC section 2:
    nothing is skipped silently).

    Each real folder is visited once, whatever the symlinks that lead to it:
    a symlink back to a folder above it is one finding, not an endless walk.
    A file reached twice (through a symlink) is listed once, under its real
    path when it has one. Entries of a folder cost no syscall of their own
    but for symlinks and folders (``DirEntry`` knows the type and inode)."""
    skip_dirs = set()
    if templates:
        skip_dirs.add(Path(templates).as_posix().strip("/"))
    problems: list[Unreadable] = []
    top = os.stat(root)
    seen_dirs = {(top.st_dev, top.st_ino)}
    # (relative path, device, (device, inode) of the folders above it)
    stack: list[tuple[str, int, tuple[tuple[int, int], ...]]] = [
        ("", top.st_dev, ((top.st_dev, top.st_ino),))
    ]
    # (is a symlink, relative path, (device, inode)): sorted so that a file's
    # real path wins over a link to it.
    files: list[tuple[bool, str, tuple[int, int]]] = []
    # Symlinked folders wait until every real folder is listed: a file is
    # then known by its real path, whichever order the folder lists them.
    linked_dirs: list[tuple[str, int, tuple[tuple[int, int], ...]]] = []
    while stack or linked_dirs:
        if not stack:
            rel, dev, above = linked_dirs.pop()
            if above[-1] in seen_dirs:
                continue  # a second way into a folder already read
            seen_dirs.add(above[-1])
        else:
            rel, dev, above = stack.pop()
        folder = root / rel if rel else root
        try:
            with os.scandir(folder) as it:
                entries = list(it)
        except OSError as exc:
            problems.append(
                Unreadable(
                    rel or ".",
                    f"cannot list the folder: {exc.strerror}",
                    "give yourself read access to it, or exclude it in csplan.yaml",
                )
            )
            continue
        for entry in entries:
            name = entry.name
            child = f"{rel}/{name}" if rel else name
            if _skipped(child, name, exclude):
                continue
            try:
                if entry.is_symlink():
                    st = os.stat(entry.path)
                    linked = True
                    mode, key = st.st_mode, (st.st_dev, st.st_ino)
                elif entry.is_dir(follow_symlinks=False):
                    st = entry.stat(follow_symlinks=False)
                    linked = False
                    mode, key = st.st_mode, (st.st_dev, st.st_ino)
                else:
                    linked = False
                    # d_type and d_ino: no syscall for a plain file.
                    mode = stat.S_IFREG if entry.is_file(follow_symlinks=False) else 0
                    key = (dev, entry.inode())
            except OSError as exc:
                if _maybe_ours(name):
                    problems.append(_broken_link(child, entry.path, exc))
                continue
            if stat.S_ISDIR(mode):
                if child in skip_dirs:
                    continue
                if key in above:
                    problems.append(
                        Unreadable(
                            child,
                            f"symlink loop: it points back to "
                            f"'{_target(entry.path)}', a folder above it",
                            "remove the link, or exclude it in csplan.yaml",
                        )
                    )
                elif linked:
                    linked_dirs.append((child, key[0], (*above, key)))
                elif key not in seen_dirs:
                    seen_dirs.add(key)
                    stack.append((child, key[0], (*above, key)))
                # else: a second way into a folder already read; its files
                # are listed once.
            elif name.endswith(SUFFIXES):
                if stat.S_ISREG(mode):
                    files.append((linked, child, key))
                else:
                    if not mode:
                        try:
                            mode = entry.stat(follow_symlinks=False).st_mode
                        except OSError:
                            mode = 0
                    problems.append(
                        Unreadable(
                            child,
                            f"not a regular file: it is {what_is(mode)}",
                            "only regular files are read; move it out of the workspace",
                        )
                    )
    files.sort()
    found: list[str] = []
    seen_files: set[tuple[int, int]] = set()
    for _, child, key in files:
        if key not in seen_files:
            seen_files.add(key)
            found.append(child)
    found.sort()
    problems.sort(key=lambda p: p.path)
    return found, problems


def _maybe_ours(name: str) -> bool:
    # A broken link named notes.txt is not the workspace's business; one
    # named *.yaml, or without an extension (it may have been a folder), is.
    return name.endswith(SUFFIXES) or "." not in name


def _target(path: str) -> str:
    try:
        return os.readlink(path)
    except OSError:
        return "?"


def _broken_link(child: str, path: str, exc: OSError) -> Unreadable:
    if exc.errno == errno.ELOOP:
        return Unreadable(
            child,
            f"symlink loop: '{child}' -> '{_target(path)}' never reaches a file or folder",
            "remove the link, or exclude it in csplan.yaml",
        )
    if exc.errno == errno.ENOENT:
        return Unreadable(
            child,
            f"broken symlink: '{_target(path)}' does not exist",
            "remove the link or restore its target",
        )
    return Unreadable(
        child, f"cannot read it: {exc.strerror}", "check its permissions, or exclude it"
    )
