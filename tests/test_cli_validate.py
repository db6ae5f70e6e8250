"""``csplan validate`` end to end: exit codes (SPEC section 3), output formats
(SPEC section 5), workspace discovery, and every command's --help. Each exit
code is checked in-process (typer's runner) and in a real subprocess
(``python -m csplan``), which is what CI and pre-commit run."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from csplan.cli import app

PERSONA_UNKNOWN_FIELD = "kind: Persona\nid: vp\nname: VP\nsucess: x\n"
PERSONA_OK = "kind: Persona\nid: vp\nname: VP\n"

# name -> (files, extra arguments, expected exit code)
WORKSPACES = {
    "clean": ({"personas.yaml": PERSONA_OK}, [], 0),
    "warnings only": ({"personas.yaml": PERSONA_OK, "drafts.yaml": ""}, [], 0),
    "errors": ({"accounts/p.yaml": PERSONA_UNKNOWN_FIELD, "drafts.yaml": ""}, [], 1),
    "warnings with --strict": ({"personas.yaml": PERSONA_OK, "drafts.yaml": ""}, ["--strict"], 1),
    "errors with --strict": ({"p.yaml": PERSONA_UNKNOWN_FIELD}, ["--strict"], 1),
    # A file csplan cannot read is a finding, never a usage error.
    "undecodable file": ({"p.yaml": b"kind: Persona\nname: \xff\n"}, [], 1),
    "YAML syntax error": ({"p.yaml": "kind: Persona\nname: [VP\n"}, [], 1),
}


def run(*args: str | Path, cwd: Path) -> subprocess.CompletedProcess[str]:
    """``python -m csplan ARGS`` in a real process."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("COLUMNS", "FORCE_COLOR"))}
    return subprocess.run(
        [sys.executable, "-m", "csplan", *map(str, args)],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.mark.parametrize("case", list(WORKSPACES))
def test_exit_codes_in_process(cli, make_workspace, case):
    files, extra, code = WORKSPACES[case]
    root = make_workspace(files)
    assert cli("validate", "-w", root, *extra).exit_code == code


@pytest.mark.parametrize("case", ["clean", "warnings only", "errors", "warnings with --strict"])
def test_exit_codes_in_a_subprocess(make_workspace, case):
    files, extra, code = WORKSPACES[case]
    root = make_workspace(files)
    proc = run("validate", *extra, cwd=root)
    assert proc.returncode == code, proc.stderr
    assert proc.stderr == ""


def test_exit_2_without_a_workspace(cli, tmp_path, monkeypatch):
    empty = tmp_path / "empty"
    empty.mkdir()
    out = cli("validate", "-w", empty)
    assert (out.exit_code, out.stdout) == (2, "")
    assert out.stderr == f"csplan: no csplan.yaml in {empty}\n"
    out = cli("validate", "-w", tmp_path / "missing")
    assert (out.exit_code, out.stderr) == (2, f"csplan: no such folder: {tmp_path / 'missing'}\n")
    monkeypatch.chdir(empty)
    out = cli("validate")
    assert out.exit_code == 2
    assert out.stderr.startswith(
        f"csplan: no csplan.yaml in {empty.resolve()} or any folder above it"
    )


def test_exit_2_in_a_subprocess(tmp_path):
    proc = run("validate", "-w", tmp_path / "missing", cwd=tmp_path)
    assert (proc.returncode, proc.stdout) == (2, "")
    assert proc.stderr == f"csplan: no such folder: {tmp_path / 'missing'}\n"
    proc = run("validate", "-w", tmp_path, cwd=tmp_path)
    assert proc.returncode == 2


@pytest.mark.parametrize("args", [["--format", "xml"], ["--nope"], ["-w"]])
def test_exit_2_on_a_bad_option(cli, make_workspace, args):
    root = make_workspace({})
    out = cli("validate", *(["-w", root] if args != ["-w"] else []), *args)
    assert (out.exit_code, out.stdout) == (2, "")
    assert "Error: " in out.stderr


def test_exit_2_on_a_bad_option_in_a_subprocess(make_workspace):
    root = make_workspace({})
    proc = run("validate", "--format", "xml", cwd=root)
    assert proc.returncode == 2
    assert "'xml' is not one of 'text', 'json', 'github', 'sarif'" in proc.stderr


def test_json_output_is_exactly_the_spec_shape(cli, make_workspace, monkeypatch):
    root = make_workspace({"accounts/p.yaml": PERSONA_UNKNOWN_FIELD, "drafts.yaml": ""})
    monkeypatch.chdir(root / "accounts")  # paths stay relative to the root
    out = cli("validate", "--format", "json")
    assert out.exit_code == 1
    assert json.loads(out.stdout) == {
        "schema_version": "1.1",
        "findings": [
            {
                "code": "CSP102",
                "severity": "error",
                "file": "accounts/p.yaml",
                "line": 4,
                "column": 1,
                "message": "unknown field 'sucess'",
                "hint": "did you mean 'success'?",
            },
            {
                "code": "CSP006",
                "severity": "warning",
                "file": "drafts.yaml",
                "line": 1,
                "column": 1,
                "message": "file holds no YAML documents",
                "hint": "add documents or delete the file",
            },
        ],
        "summary": {"files": 3, "documents": 2, "errors": 1, "warnings": 1},
    }


def test_json_output_in_a_subprocess(make_workspace):
    root = make_workspace({"personas.yaml": PERSONA_OK})
    proc = run("validate", "-f", "json", cwd=root)
    assert proc.returncode == 0
    assert json.loads(proc.stdout) == {
        "schema_version": "1.1",
        "findings": [],
        "summary": {"files": 2, "documents": 2, "errors": 0, "warnings": 0},
    }


def test_text_output_is_grouped_by_file_with_a_summary(cli, make_workspace):
    root = make_workspace({"accounts/p.yaml": PERSONA_UNKNOWN_FIELD, "drafts.yaml": ""})
    out = cli("validate", "-w", root)
    assert out.stdout == (
        "accounts/p.yaml\n"
        "  4:1     error   CSP102  unknown field 'sucess'\n"
        "                          did you mean 'success'?\n"
        "\n"
        "drafts.yaml\n"
        "  1:1     warning CSP006  file holds no YAML documents\n"
        "                          add documents or delete the file\n"
        "\n"
        "✗ 1 error, 1 warning in 3 files, 2 documents\n"
    )


@pytest.mark.parametrize(
    ("files", "summary"),
    [
        ({"personas.yaml": PERSONA_OK}, "✓ valid: 2 files, 2 documents, no findings\n"),
        (
            {"p.yaml": PERSONA_OK, "d.yaml": ""},
            "✓ valid with 0 errors, 1 warning in 3 files, 2 documents\n",
        ),
    ],
)
def test_text_summary_line(cli, make_workspace, files, summary):
    out = cli("validate", "-w", make_workspace(files))
    assert out.stdout.endswith(summary)


def test_text_output_in_a_subprocess(make_workspace):
    root = make_workspace({"p.yaml": PERSONA_UNKNOWN_FIELD})
    proc = run("validate", cwd=root)
    assert proc.returncode == 1
    assert proc.stdout.splitlines() == [
        "p.yaml",
        "  4:1     error   CSP102  unknown field 'sucess'",
        "                          did you mean 'success'?",
        "",
        "✗ 1 error, 0 warnings in 2 files, 2 documents",
    ]


def test_workspace_is_found_upward_from_the_current_folder(cli, make_workspace, monkeypatch):
    root = make_workspace({"accounts/deep/p.yaml": PERSONA_UNKNOWN_FIELD})
    monkeypatch.chdir(root / "accounts" / "deep")
    out = cli("validate", "-f", "json")
    assert out.exit_code == 1
    assert [f["file"] for f in json.loads(out.stdout)["findings"]] == ["accounts/deep/p.yaml"]


def test_workspace_option_may_name_csplan_yaml(cli, make_workspace, tmp_path, monkeypatch):
    root = make_workspace({"p.yaml": PERSONA_UNKNOWN_FIELD})
    monkeypatch.chdir(tmp_path)
    for flag in ("-w", "--workspace"):
        out = cli("validate", flag, root / "csplan.yaml", "-f", "json")
        assert out.exit_code == 1
        assert json.loads(out.stdout)["summary"] == {
            "files": 2,
            "documents": 2,
            "errors": 1,
            "warnings": 0,
        }


def _commands() -> list[str]:
    return [c.name or c.callback.__name__ for c in app.registered_commands]


def test_validate_schema_and_init_are_registered():
    assert {"validate", "schema", "init"} <= set(_commands())


@pytest.mark.parametrize("command", _commands())
def test_every_command_has_help_with_an_example(cli, command):
    out = cli(command, "--help")
    assert out.exit_code == 0
    assert out.stdout.startswith(f"Usage: csplan {command} ")
    assert "Example:" in out.stdout
    assert "\n      csplan " in out.stdout  # the example is a command line


def test_root_help_lists_every_command(cli):
    out = cli("--help")
    assert out.exit_code == 0
    listed = [
        line.split()[0]
        for line in out.stdout.split("Commands:\n", 1)[1].splitlines()
        if line.strip()
    ]
    assert listed == _commands()


def test_version(cli):
    from csplan._version import __version__

    out = cli("--version")
    assert (out.exit_code, out.stdout) == (0, f"csplan {__version__}\n")


# Shells complete the console script (not ``python -m csplan``): test that.
SCRIPT = Path(sys.executable).with_name("csplan")
needs_script = pytest.mark.skipif(not SCRIPT.exists(), reason="csplan console script not installed")


@needs_script
@pytest.mark.parametrize("shell", ["bash", "zsh", "fish"])
def test_show_completion_prints_a_script(tmp_path, shell):
    env = {**os.environ, "HOME": str(tmp_path), "SHELL": f"/bin/{shell}"}
    proc = subprocess.run(
        [SCRIPT, "--show-completion", shell],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    assert "_CSPLAN_COMPLETE" in proc.stdout


def _complete(tmp_path: Path, words: str) -> list[str]:
    env = {
        **os.environ,
        "_CSPLAN_COMPLETE": "complete_bash",
        "COMP_WORDS": words,
        "COMP_CWORD": str(len(words.split()) - 1),
    }
    proc = subprocess.run(
        [SCRIPT], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120, check=False
    )
    return proc.stdout.split()


@needs_script
def test_completion_completes_commands_and_options(tmp_path):
    assert _complete(tmp_path, "csplan val") == ["validate"]
    assert _complete(tmp_path, "csplan validate --fo") == ["--format"]
    assert _complete(tmp_path, "csplan validate --format s") == ["sarif"]


ROOT = Path(__file__).resolve().parent.parent


def test_pre_commit_hook_runs_the_console_script(make_workspace):
    import re
    import shlex
    import tomllib

    import yaml

    hooks = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    [hook] = hooks
    assert {k: hook[k] for k in ("id", "language", "pass_filenames", "always_run")} == {
        "id": "csplan-validate",
        "language": "python",
        "pass_filenames": False,
        "always_run": False,
    }
    files = re.compile(hook["files"])
    assert [bool(files.search(p)) for p in ("a.yaml", "x/b.yml", "c.json", "yaml.txt")] == [
        True,
        True,
        False,
        False,
    ]
    scripts = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"][
        "scripts"
    ]
    program, *args = shlex.split(hook["entry"])
    assert scripts[program] == "csplan.cli:main"
    assert args == ["validate"]
    if SCRIPT.exists():  # what pre-commit runs, from the repository root
        root = make_workspace({"p.yaml": PERSONA_UNKNOWN_FIELD})
        proc = subprocess.run(
            [SCRIPT, *args], cwd=root, capture_output=True, text=True, timeout=120, check=False
        )
        assert proc.returncode == 1
        assert "CSP102" in proc.stdout
