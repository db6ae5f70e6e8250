"""``--format github``: GitHub Actions workflow commands, exactly as Actions
parses them (escaping rules of @actions/core's command.ts)."""

from __future__ import annotations

import io
from pathlib import Path

from csplan.api import load_workspace
from csplan.findings import Finding, Summary
from csplan.model import Workspace, WorkspaceSettings
from csplan.report.findings import github
from csplan.results import LoadResult

PERSONA = "kind: Persona\nid: vp\nname: VP\nsucess: x\n"


def _render(result: LoadResult) -> str:
    stream = io.StringIO()
    github(result, stream)
    return stream.getvalue()


def test_annotations_exact_output(cli, make_workspace, monkeypatch):
    root = make_workspace({"personas.yaml": PERSONA, "drafts.yaml": ""})
    monkeypatch.chdir(root)
    out = cli("validate", "--format", "github")
    assert out.exit_code == 1
    assert out.stdout == (
        "::warning file=drafts.yaml,line=1,col=1,title=CSP006 File or document is empty"
        "::file holds no YAML documents (add documents or delete the file)\n"
        "::error file=personas.yaml,line=4,col=1,title=CSP102 Unknown field"
        "::unknown field 'sucess' (did you mean 'success'?)\n"
        "csplan: 1 error, 1 warning in 3 files\n"
    )


def test_paths_are_relative_to_the_current_folder(cli, make_workspace, monkeypatch):
    root = make_workspace({"accounts/personas.yaml": PERSONA})
    # CI runs from the repository root; the workspace is a subfolder of it.
    monkeypatch.chdir(root.parent)
    out = cli("validate", "-w", "ws", "--format", "github")
    assert out.stdout.splitlines()[0].startswith(
        "::error file=ws/accounts/personas.yaml,line=4,col=1,"
    )
    # Discovered upward from a folder inside the workspace: still relative to cwd.
    monkeypatch.chdir(root / "accounts")
    out = cli("validate", "--format", "github")
    assert out.stdout.splitlines()[0].startswith("::error file=personas.yaml,line=4,col=1,")


def test_clean_workspace_prints_only_the_summary(cli, make_workspace, monkeypatch):
    monkeypatch.chdir(make_workspace({}))
    out = cli("validate", "--format", "github")
    assert (out.exit_code, out.stdout) == (0, "csplan: 0 errors, 0 warnings in 1 file\n")


def _result(root: Path, *findings: Finding) -> LoadResult:
    settings = WorkspaceSettings.model_construct(kind="Workspace", name="t", vendor="v")
    errors = sum(f.severity == "error" for f in findings)
    summary = Summary(files=1, documents=1, errors=errors, warnings=len(findings) - errors)
    return LoadResult(Workspace(root=root, settings=settings), list(findings), summary)


def test_message_data_is_escaped(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    finding = Finding("CSP102", "error", "a.yaml", "100% wrong:\r\nsecond, line", "a::b", 3, 7)
    assert _render(_result(tmp_path, finding)).splitlines()[0] == (
        "::error file=a.yaml,line=3,col=7,title=CSP102 Unknown field"
        "::100%25 wrong:%0D%0Asecond, line (a::b)"
    )


def test_property_values_escape_colon_and_comma(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    finding = Finding("CSP006", "warning", "odd, name: 50%.yaml", "empty", None, 1, 1)
    assert _render(_result(tmp_path, finding)).splitlines()[0] == (
        "::warning file=odd%2C name%3A 50%25.yaml,line=1,col=1,"
        "title=CSP006 File or document is empty::empty"
    )


def test_real_file_with_awkward_name(make_workspace, monkeypatch):
    root = make_workspace({"a,b:c.yaml": PERSONA})
    monkeypatch.chdir(root)
    first = _render(load_workspace(root)).splitlines()[0]
    assert first.startswith("::error file=a%2Cb%3Ac.yaml,line=4,col=1,title=CSP102 Unknown field::")
