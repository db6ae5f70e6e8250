"""A workspace's files as they were at a git revision (``csplan diff --base
REV``, SPEC section 7), read from git's object store: no checkout, no
stash, nothing written to the working tree, the index or any ref.

Four git processes whatever the workspace's size: two ``rev-parse`` (the
repository, the commit), one ``ls-tree`` (every file below the workspace)
and one ``cat-file --batch`` for all their contents; 10,000 accounts must not
cost 10,000 processes.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

from csplan.errors import RevisionError
from csplan.workspace.discover import SUFFIXES

# Variables a git hook or a wrapper may set: they would point git at another
# repository or index than the one holding the workspace.
_INHERITED = ("GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE", "GIT_PREFIX", "GIT_COMMON_DIR")
_ENV = {
    # Read-only commands may still refresh the index under a lock; not ours.
    "GIT_OPTIONAL_LOCKS": "0",
    "GIT_TERMINAL_PROMPT": "0",
    # The workspace's path is a path, never a glob or a magic pathspec.
    "GIT_LITERAL_PATHSPECS": "1",
    # A partial clone would otherwise fetch missing blobs over the network.
    "GIT_NO_LAZY_FETCH": "1",
    "LC_ALL": "C",
}
_FALLBACK = "use --base-dir to compare with a folder"


def files_at_revision(
    workspace_root: Path, rev: str, *, suffixes: tuple[str, ...] | None = SUFFIXES
) -> dict[str, bytes]:
    """The files below ``workspace_root`` as they were at ``rev`` (any
    revision git understands), keyed by POSIX path relative to the
    workspace root, from the repository that holds the workspace; the
    workspace's path inside the repository is taken to be the same at
    ``rev``. Only names ending in ``suffixes`` (None: every file).

    Symbolic links in the revision's tree are not followed (left out: on
    disk a link to a file of the workspace is read under its real path
    anyway), and submodules are left out. A revision whose tree lacks the
    workspace's folder gives an empty mapping.

    Raises :class:`~csplan.errors.RevisionError` when git is missing, the
    folder is not in a git repository, or ``rev`` names no commit."""
    root = Path(workspace_root).resolve()
    top = _toplevel(root)
    try:
        inside = root.relative_to(top)
    except ValueError:
        raise RevisionError(
            f"{root} is not inside its git repository's folder {top}; {_FALLBACK}"
        ) from None
    prefix = b"" if inside == Path(".") else os.fsencode(inside.as_posix()) + b"/"
    commit = _commit(top, rev)

    listed = _git(
        top,
        [
            "ls-tree",
            "-r",
            "-z",
            "--full-tree",
            commit,
            *(["--", os.fsdecode(prefix)] if prefix else []),
        ],
    )
    if listed.returncode != 0:
        raise RevisionError(f"cannot list the files of '{rev}' (git: {_said(listed.stderr)})")
    wanted: dict[str, bytes] = {}  # relative path -> object id
    for record in listed.stdout.split(b"\0"):
        if not record:
            continue
        meta, _, path = record.partition(b"\t")
        mode, kind, oid = meta.split(b" ")
        # 100644 and 100755 are files (old trees may hold 100664); 120000
        # symlinks and 160000 submodules are not read.
        if kind != b"blob" or not mode.startswith(b"100") or not path.startswith(prefix):
            continue
        rel = os.fsdecode(path[len(prefix) :])
        if suffixes is None or rel.endswith(suffixes):
            wanted[rel] = oid
    if not wanted:
        return {}
    blobs = _contents(top, rev, set(wanted.values()))
    return {rel: blobs[oid] for rel, oid in wanted.items()}


def _git(
    cwd: Path, args: list[str], stdin: bytes | None = None
) -> subprocess.CompletedProcess[bytes]:
    env = {k: v for k, v in os.environ.items() if k not in _INHERITED}
    env.update(_ENV)
    try:
        return subprocess.run(
            ["git", "-C", str(cwd), *args],
            input=stdin,
            stdin=None if stdin is not None else subprocess.DEVNULL,
            capture_output=True,
            env=env,
            check=False,
        )
    except FileNotFoundError:
        raise RevisionError(
            f"git is not installed (or not on PATH): --base needs it; install git, or {_FALLBACK}"
        ) from None
    except OSError as exc:
        raise RevisionError(f"cannot run git: {exc.strerror}; {_FALLBACK}") from None


def _said(stderr: bytes) -> str:
    # git's own words, on one line, without its "fatal:" prefixes; "Needed a
    # single revision" says nothing when git said something more precise.
    lines = []
    for line in stderr.decode("utf-8", "replace").splitlines():
        line = line.strip()
        for lead in ("fatal: ", "error: "):
            line = line.removeprefix(lead)
        if line:
            lines.append(line)
    precise = [line for line in lines if line != "Needed a single revision"]
    return "; ".join(precise or lines) or "no message"


def _toplevel(root: Path) -> Path:
    done = _git(root, ["rev-parse", "--show-toplevel"])
    if done.returncode != 0 or not done.stdout.strip():
        if b"not a git repository" in done.stderr or not done.stderr.strip():
            raise RevisionError(f"{root} is not in a git repository: --base needs one; {_FALLBACK}")
        raise RevisionError(f"cannot read the git repository of {root} (git: {_said(done.stderr)})")
    return Path(os.fsdecode(done.stdout.rstrip(b"\r\n"))).resolve()


def _commit(top: Path, rev: str) -> str:
    # A revision starting with '-' would be read as an option.
    if rev and not rev.startswith("-") and "\0" not in rev:
        done = _git(top, ["rev-parse", "--verify", f"{rev}^{{commit}}"])
        if done.returncode == 0:
            return done.stdout.decode("ascii").strip()
        said = _said(done.stderr)
        if said == "Needed a single revision":
            said = f"no commit by that name in {top}"
    else:
        said = "a revision names a commit, a branch or a tag"
    raise RevisionError(f"unknown revision '{rev}' (git: {said})")


def _contents(top: Path, rev: str, oids: set[bytes]) -> dict[bytes, bytes]:
    order = sorted(oids)
    # --buffer: one write at the end instead of a flush per object; run()
    # feeds stdin and drains stdout together, so a large batch cannot block.
    done = _git(top, ["cat-file", "--batch", "--buffer"], b"".join(o + b"\n" for o in order))
    if done.returncode != 0:
        raise RevisionError(f"cannot read the files of '{rev}' (git: {_said(done.stderr)})")
    out = done.stdout
    blobs: dict[bytes, bytes] = {}
    pos = 0
    for oid in order:
        end = out.find(b"\n", pos)
        header = out[pos:end].split(b" ")
        if end < 0 or len(header) != 3:
            raise RevisionError(
                f"cannot read the files of '{rev}' (git: object {oid.decode('ascii')} is missing; "
                "in a partial or shallow clone, fetch the revision first)"
            )
        size = int(header[2])
        blobs[oid] = out[end + 1 : end + 1 + size]
        pos = end + 1 + size + 1  # the contents are followed by a newline
    return blobs
