"""A workspace read as it was at a git revision (``csplan diff --base REV``),
and from memory: real temporary git repositories, nothing in them touched."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from conftest import EXAMPLES

from csplan.errors import RevisionError
from csplan.workspace import revision
from csplan.workspace.load import locate_findings, read_workspace, read_workspace_files
from csplan.workspace.revision import files_at_revision

ACME = EXAMPLES / "acme-mail"
WEIGHT_2 = "  outcomes:\n    weight: 2"
WEIGHT_3 = "  outcomes:\n    weight: 3"

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")


@pytest.fixture(autouse=True)
def quiet_git(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    # No user or system configuration, and no repository above tmp_path.
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", os.devnull)
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path.parent))
    monkeypatch.setenv("GIT_OPTIONAL_LOCKS", "0")


def git(repo: Path, *args: str) -> str:
    done = subprocess.run(
        [
            "git",
            "-C",
            str(repo),
            "-c",
            "user.name=Test",
            "-c",
            "user.email=test@example.com",
            "-c",
            "commit.gpgsign=false",
            "-c",
            "init.defaultBranch=main",
            *args,
        ],
        capture_output=True,
        check=True,
    )
    return done.stdout.decode()


def commit_all(repo: Path, message: str) -> None:
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", message)


def make_repo(tmp_path: Path, inside: str = "") -> tuple[Path, Path]:
    """A repository holding acme-mail at ``inside`` (its root when ""), one commit."""
    repo = tmp_path / "repo"
    ws = repo / inside if inside else repo
    shutil.copytree(ACME, ws)
    git(repo, "init", "-q")
    commit_all(repo, "acme-mail")
    return repo, ws


def example_bytes() -> dict[str, bytes]:
    return {p.relative_to(ACME).as_posix(): p.read_bytes() for p in ACME.rglob("*.yaml")}


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert text.count(old) == 1
    path.write_text(text.replace(old, new))


def snapshot(repo: Path) -> dict[str, bytes]:
    """Every file of the repository, .git included (index, HEAD, refs, objects)."""
    return {
        p.relative_to(repo).as_posix(): p.read_bytes()
        for p in sorted(repo.rglob("*"))
        if p.is_file() and not p.is_symlink()
    }


def test_head_is_the_committed_version_not_the_working_tree(tmp_path: Path) -> None:
    _, ws = make_repo(tmp_path)
    edit(ws / "engagement/enterprise.yaml", WEIGHT_2, WEIGHT_3)
    (ws / "accounts/new-one.yaml").write_text("kind: Account\nid: new-one\n")
    files = files_at_revision(ws, "HEAD")
    assert files == example_bytes()
    result = read_workspace_files(ws, files)
    assert result is not None and not result.findings
    assert result.workspace.root == ws
    assert len(result.workspace.accounts) == 8
    assert result.workspace.engagement_models["enterprise-dsce"].components.outcomes.weight == 2


def test_a_parent_a_tag_and_a_branch_name_a_revision(tmp_path: Path) -> None:
    repo, ws = make_repo(tmp_path)
    git(repo, "tag", "v1")
    git(repo, "branch", "before-weights")
    edit(ws / "engagement/enterprise.yaml", WEIGHT_2, WEIGHT_3)
    commit_all(repo, "outcomes weigh more")
    first = example_bytes()
    for rev in ("HEAD~1", "v1", "before-weights", git(repo, "rev-parse", "HEAD~1").strip()):
        assert files_at_revision(ws, rev) == first, rev
    now = files_at_revision(ws, "HEAD")
    assert WEIGHT_3 in now["engagement/enterprise.yaml"].decode()


def test_a_workspace_in_a_subfolder_of_the_repository(tmp_path: Path) -> None:
    repo, ws = make_repo(tmp_path, "plans/acme")
    (repo / "README.md").write_text("plans\n")
    (repo / "other").mkdir()
    (repo / "other/elsewhere.yaml").write_text("kind: Persona\nid: x\nname: X\n")
    (repo / "plans/acme-old").mkdir()  # a sibling whose name starts the same
    (repo / "plans/acme-old/csplan.yaml").write_text("kind: Workspace\n")
    commit_all(repo, "more")
    assert files_at_revision(ws, "HEAD") == example_bytes()
    # Named through a relative path from elsewhere, too.
    os.chdir(repo / "other")
    assert files_at_revision(Path("../plans/acme"), "HEAD") == example_bytes()


def test_a_revision_without_the_workspace_gives_nothing(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    repo.mkdir()
    git(repo, "init", "-q")
    (repo / "README.md").write_text("no plans yet\n")
    commit_all(repo, "start")
    shutil.copytree(ACME, repo / "plans")
    commit_all(repo, "plans")
    assert files_at_revision(repo / "plans", "HEAD~1") == {}
    # The caller then has no base workspace: every account is added.
    assert read_workspace_files(repo / "plans", {}) is None


def test_an_unknown_revision_is_one_line_naming_it(tmp_path: Path) -> None:
    _, ws = make_repo(tmp_path)
    for rev in ("no-such-branch", "HEAD~5", "-p", ""):
        with pytest.raises(RevisionError) as caught:
            files_at_revision(ws, rev)
        message = str(caught.value)
        assert message.startswith(f"unknown revision '{rev}' (git: "), message
        assert "\n" not in message


def test_a_blob_is_not_a_revision(tmp_path: Path) -> None:
    _, ws = make_repo(tmp_path)
    with pytest.raises(RevisionError, match=r"^unknown revision 'HEAD:csplan.yaml'"):
        files_at_revision(ws, "HEAD:csplan.yaml")


def test_a_folder_outside_any_repository(tmp_path: Path) -> None:
    ws = tmp_path / "plain"
    shutil.copytree(ACME, ws)
    with pytest.raises(RevisionError) as caught:
        files_at_revision(ws, "HEAD")
    assert str(caught.value) == (
        f"{ws} is not in a git repository: --base needs one; "
        "use --base-dir to compare with a folder"
    )


def test_no_git_on_the_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _, ws = make_repo(tmp_path)
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    with pytest.raises(RevisionError, match=r"^git is not installed .*--base-dir"):
        files_at_revision(ws, "HEAD")


def test_reading_leaves_the_repository_byte_for_byte_unchanged(tmp_path: Path) -> None:
    repo, ws = make_repo(tmp_path, "plans")
    git(repo, "tag", "v1")
    edit(ws / "engagement/enterprise.yaml", WEIGHT_2, WEIGHT_3)
    commit_all(repo, "second")
    # A dirty working tree: a modified, a staged and an untracked file.
    edit(ws / "maps/enterprise.yaml", "due_days: 120", "due_days: 90")
    (ws / "accounts/staged.yaml").write_text("kind: Account\nid: staged\n")
    git(repo, "add", "plans/accounts/staged.yaml")
    (ws / "accounts/untracked.yaml").write_text("kind: Account\nid: untracked\n")
    status = git(repo, "status", "--porcelain")
    before = snapshot(repo)
    assert ".git/index" in before and ".git/HEAD" in before

    for rev in ("HEAD", "HEAD~1", "v1", "main"):
        assert files_at_revision(ws, rev)
    with pytest.raises(RevisionError):
        files_at_revision(ws, "nope")

    assert snapshot(repo) == before
    assert git(repo, "status", "--porcelain") == status
    assert git(repo, "symbolic-ref", "HEAD").strip() == "refs/heads/main"


def test_symlinks_and_submodules_in_the_tree_are_not_read(tmp_path: Path) -> None:
    repo, ws = make_repo(tmp_path)
    (ws / "accounts/alias.yaml").symlink_to("northwind-events.yaml")
    (ws / "outside.yaml").symlink_to("/etc/hostname")
    head = git(repo, "rev-parse", "HEAD").strip()
    git(repo, "add", "-A")
    git(repo, "update-index", "--add", "--cacheinfo", f"160000,{head},vendored.yaml")
    git(repo, "commit", "-q", "-m", "links and a submodule")
    listing = git(repo, "ls-tree", "-r", "HEAD")
    assert "160000 commit" in listing and "120000 blob" in listing
    assert files_at_revision(ws, "HEAD") == example_bytes()


def test_only_yaml_files_unless_asked(tmp_path: Path) -> None:
    repo, ws = make_repo(tmp_path)
    (ws / "notes.txt").write_text("not a plan\n")
    (ws / "data").mkdir()
    (ws / "data/usage.csv").write_bytes(b"a,b\n1,2\n")
    commit_all(repo, "other files")
    assert files_at_revision(ws, "HEAD") == example_bytes()
    every = files_at_revision(ws, "HEAD", suffixes=None)
    assert every["data/usage.csv"] == b"a,b\n1,2\n"
    assert every["notes.txt"] == b"not a plan\n"


def test_ten_thousand_files_cost_one_ls_tree_and_one_cat_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    repo, ws = make_repo(tmp_path)
    many = ws / "accounts/many"
    many.mkdir()
    for n in range(10_000):
        # Identical contents twice: one object, two files.
        (many / f"a{n:04}.yaml").write_text(f"kind: Account\nid: a{n // 2:04}\n")
    commit_all(repo, "many")
    commands: list[list[str]] = []
    real = subprocess.run

    def counting(args: list[str], **kwargs: Any) -> Any:
        commands.append(args)
        return real(args, **kwargs)

    monkeypatch.setattr(revision.subprocess, "run", counting)
    files = files_at_revision(ws, "HEAD")
    assert len(files) == 10_000 + len(example_bytes())
    assert files["accounts/many/a9999.yaml"] == b"kind: Account\nid: a4999\n"
    verbs = [args[3] for args in commands]
    assert verbs.count("ls-tree") == 1 and verbs.count("cat-file") == 1
    assert len(commands) == 4  # and two rev-parse


FILES = {
    "csplan.yaml": b"kind: Workspace\nname: T\nvendor: V\ntemplates: tpl\n"
    b"exclude: [drafts/**, '*.bak.yaml']\n",
    "personas.yaml": b"kind: Persona\nid: p\nname: P\n",
    "deep/er/one.yml": b"kind: Persona\nid: q\nname: Q\n",
    ".hidden.yaml": b"kind: Persona\nid: h1\nname: H\n",
    ".github/workflow.yaml": b"on: push\n",
    "sub/.x/p.yaml": b"kind: Persona\nid: h2\nname: H\n",
    "tpl/page.yaml": b"kind: Persona\nid: t\nname: T\n",
    "drafts/d.yaml": b"kind: Persona\nid: d\nname: D\n",
    "old.bak.yaml": b"kind: Persona\nid: b\nname: B\n",
    "notes.txt": b"not yaml\n",
    "sub/tpl/kept.yaml": b"kind: Persona\nid: k\nname: K\n",
}


def test_files_from_memory_count_as_on_disk(tmp_path: Path) -> None:
    for rel, data in FILES.items():
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_bytes(data)
    on_disk = read_workspace(tmp_path)
    in_memory = read_workspace_files(tmp_path, FILES)
    assert in_memory is not None
    assert sorted(in_memory.workspace.sources) == sorted(on_disk.workspace.sources)
    assert sorted(in_memory.workspace.sources) == [
        "csplan.yaml",
        "deep/er/one.yml",
        "personas.yaml",
        "sub/tpl/kept.yaml",
    ]
    assert sorted(in_memory.workspace.personas) == ["k", "p", "q"]
    assert in_memory.summary == on_disk.summary


def test_paths_that_leave_the_root_are_not_read() -> None:
    files = {
        "csplan.yaml": FILES["csplan.yaml"],
        "../up.yaml": b"kind: Persona\nid: u\nname: U\n",
        "/abs.yaml": b"kind: Persona\nid: a\nname: A\n",
        "a//b.yaml": b"kind: Persona\nid: b\nname: B\n",
    }
    result = read_workspace_files(Path("/ws"), files)
    assert result is not None
    assert list(result.workspace.sources) == ["csplan.yaml"]


def test_findings_and_positions_come_from_the_text_alone() -> None:
    files = {
        "csplan.yaml": b"kind: Workspace\nname: T\nvendor: V\n",
        "people.yaml": b"kind: Persona\nid: p\nname: P\n---\nkind: Persona\nid: q\nnmae: Q\n",
        "broken.yaml": b"kind: Persona\nid: r\nname: [unclosed\n",
    }
    result = read_workspace_files(Path("/does/not/exist"), files)
    assert result is not None
    locate_findings(result.workspace, result.findings)
    found = {(f.file, f.code, f.line) for f in result.findings}
    assert ("people.yaml", "CSP102", 7) in found  # the unknown key 'nmae'
    assert any(f.file == "broken.yaml" and f.severity == "error" for f in result.findings)
    persona = result.workspace.personas["p"]
    assert result.workspace.locate(persona.source.child("name"))[0] == 3
