"""Fault injection for everything csplan writes or prints (issue 9, classes
1, 2, 3, 7 and 8): templates that reach outside their folder, output that
would clobber, interrupts and full disks part-way, control characters on a
terminal or in a plan, paths the system refuses and output streams that fail.

Every case runs the real CLI and checks the same invariants: the exit code,
no traceback, the workspace byte for byte unchanged, the output folder
complete or exactly as before, and a message naming the file, value or option.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "acme-mail"
AS_OF = "2026-11-01"


def snapshot(folder: Path) -> dict[str, str]:
    """Every entry below ``folder`` (hidden ones too) with a hash of its
    bytes, or the target of a link: equal snapshots mean an equal folder."""
    found: dict[str, str] = {}
    if not folder.exists():
        return found
    for dirpath, dirnames, filenames in os.walk(folder):
        for name in dirnames + filenames:
            path = Path(dirpath) / name
            rel = os.fsdecode(path.relative_to(folder))
            if path.is_symlink():
                found[rel] = "link:" + os.readlink(path)
            elif path.is_file():
                found[rel] = hashlib.sha256(path.read_bytes()).hexdigest()
            else:
                found[rel] = "dir"
    return found


def run(
    *args: object, cwd: Path | None = None, timeout: float = 60
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "csplan", *map(str, args)],
        capture_output=True,
        text=True,
        errors="replace",
        cwd=cwd,
        timeout=timeout,
        env={**os.environ, "CSPLAN_DEBUG": ""},
    )


def clean(result: subprocess.CompletedProcess[str], code: int) -> str:
    """Assert the exit code and no traceback; return stdout + stderr."""
    out = result.stdout + result.stderr
    assert result.returncode == code, out
    assert "Traceback" not in out
    assert "internal error" not in out
    return out


@pytest.fixture
def ws(tmp_path: Path) -> Path:
    root = tmp_path / "ws"
    shutil.copytree(EXAMPLE, root)
    return root


def add_accounts(ws: Path, count: int) -> None:
    source = (ws / "accounts" / "brightpath-dental.yaml").read_text(encoding="utf-8")
    for i in range(count):
        text = source.replace("id: brightpath-dental", f"id: bulk-{i:04d}")
        (ws / "accounts" / f"bulk-{i:04d}.yaml").write_text(text, encoding="utf-8")


def set_templates(ws: Path, folder: str) -> None:
    settings = ws / "csplan.yaml"
    settings.write_text(
        settings.read_text(encoding="utf-8") + f"\ntemplates: {folder}\n", encoding="utf-8"
    )


# --- class 1: templates stay in their folder ---------------------------------


def test_symlinked_template_never_reaches_a_plan(ws: Path, tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-MARGIN", encoding="utf-8")
    (ws / "templates").mkdir()
    (ws / "templates" / "customer.html.j2").write_text(
        '{% include "leak.html.j2" %}', encoding="utf-8"
    )
    (ws / "templates" / "leak.html.j2").symlink_to(secret)
    set_templates(ws, "templates")
    before = snapshot(ws)
    out_dir = tmp_path / "out"
    result = run("render", "--all", "-w", ws, "--as-of", AS_OF, "-o", out_dir)
    out = clean(result, 1)
    assert "templates/leak.html.j2" in out and "outside the templates folder" in out
    assert "TOP-SECRET-MARGIN" not in out
    assert snapshot(ws) == before
    assert not out_dir.exists()


def test_templates_folder_holding_the_workspace_is_refused(ws: Path, tmp_path: Path) -> None:
    # The customer template tries to include an account file with its notes.
    (ws / "customer.html.j2").write_text(
        '{% include "accounts/brightpath-dental.yaml" %}', encoding="utf-8"
    )
    set_templates(ws, '"."')
    before = snapshot(ws)
    out_dir = tmp_path / "out"
    out = clean(run("render", "brightpath-dental", "-w", ws, "--as-of", AS_OF, "-o", out_dir), 1)
    assert "templates folder '.'" in out and "csplan.yaml" in out
    assert snapshot(ws) == before
    assert not out_dir.exists()


@pytest.mark.parametrize("folder", ["..", "accounts/..", "./"])
def test_templates_folder_above_the_workspace_is_refused(
    ws: Path, tmp_path: Path, folder: str
) -> None:
    set_templates(ws, f'"{folder}"')
    out = clean(run("render", "--all", "-w", ws, "--as-of", AS_OF, "-o", tmp_path / "o"), 1)
    assert f"templates folder '{folder}'" in out
    assert not (tmp_path / "o").exists()


@pytest.mark.parametrize(
    "body",
    [
        "{% for i in range(100000) %}{% for j in range(100000) %}"
        "{{ 'x' * 1000 }}{% endfor %}{% endfor %}",
        "{{ 'x' * 10000000000 }}",
        "{{ 10 ** 100000000 }}",
    ],
)
def test_template_output_is_capped(ws: Path, tmp_path: Path, body: str) -> None:
    (ws / "templates").mkdir()
    (ws / "templates" / "customer.html.j2").write_text(body, encoding="utf-8")
    set_templates(ws, "templates")
    out_dir = tmp_path / "out"
    out = clean(run("render", "brightpath-dental", "-w", ws, "--as-of", AS_OF, "-o", out_dir), 1)
    assert "customer.html.j2" in out
    assert not out_dir.exists()


# --- class 2: output that clobbers -------------------------------------------


def test_account_called_index_does_not_collide_with_the_index_page(
    ws: Path, tmp_path: Path
) -> None:
    source = (ws / "accounts" / "brightpath-dental.yaml").read_text(encoding="utf-8")
    (ws / "accounts" / "index.yaml").write_text(
        source.replace("id: brightpath-dental", "id: index"), encoding="utf-8"
    )
    out_dir = tmp_path / "out"
    out = clean(run("render", "--all", "-w", ws, "--as-of", AS_OF, "-o", out_dir), 2)
    assert "index.customer.html" in out and "'index'" in out
    assert not out_dir.exists()
    # Alone, the account renders under its own name.
    clean(run("render", "index", "-w", ws, "--as-of", AS_OF, "-o", out_dir), 0)
    assert (out_dir / "index.customer.html").is_file()


@pytest.mark.parametrize("kind", ["devnull", "symlink", "fifo", "folder"])
def test_schema_output_writes_only_regular_files(tmp_path: Path, kind: str) -> None:
    victim = tmp_path / "victim.txt"
    victim.write_text("keep me", encoding="utf-8")
    target = tmp_path / "schema.json"
    if kind == "devnull":
        target = Path(os.devnull)
    elif kind == "symlink":
        target.symlink_to(victim)
    elif kind == "fifo":
        os.mkfifo(target)
    else:
        target.mkdir()
    before = snapshot(tmp_path)
    out = clean(run("schema", "-o", target, timeout=20), 2)
    assert str(target) in out
    assert snapshot(tmp_path) == before
    if kind == "devnull":
        assert Path(os.devnull).is_char_device()


def test_render_refuses_a_symlinked_target_file(ws: Path, tmp_path: Path) -> None:
    victim = tmp_path / "victim.html"
    victim.write_text("keep me", encoding="utf-8")
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    (out_dir / "brightpath-dental.customer.html").symlink_to(victim)
    before = snapshot(tmp_path)
    out = clean(run("render", "brightpath-dental", "-w", ws, "--as-of", AS_OF, "-o", out_dir), 2)
    assert "brightpath-dental.customer.html" in out and "symbolic link" in out
    assert snapshot(tmp_path) == before


# --- class 3: interrupts and full disks part-way -----------------------------


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM])
def test_signal_during_render_leaves_the_folder_as_it_was(
    ws: Path, tmp_path: Path, signum: int
) -> None:
    add_accounts(ws, 300)
    out_dir = tmp_path / "out"
    clean(run("render", "--all", "-w", ws, "--as-of", "2026-10-01", "-o", out_dir), 0)
    before_ws, before_out = snapshot(ws), snapshot(out_dir)
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "csplan",
            "render",
            "--all",
            "-w",
            str(ws),
            "--as-of",
            AS_OF,
            "-o",
            str(out_dir),
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    # Wait until it is writing: the first temporary file of this run appears.
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and proc.poll() is None:
        if any(n.startswith(".") for n in os.listdir(out_dir)):
            break
        time.sleep(0.0005)
    proc.send_signal(signum)
    stdout, stderr = proc.communicate(timeout=60)
    out = stdout + stderr
    assert "Traceback" not in out
    assert snapshot(ws) == before_ws
    if proc.returncode == 0:  # the signal came after the last file was in place
        after = snapshot(out_dir)
        assert not any(name.startswith(".") for name in after)
        assert after.keys() == before_out.keys() and after != before_out
    else:
        assert proc.returncode == 128 + signum, out
        assert "interrupted" in out
        assert snapshot(out_dir) == before_out


@pytest.mark.parametrize("at", [1, 5, 9])
def test_interrupt_while_replacing_restores_every_old_file(
    ws: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, at: int
) -> None:
    """In-process and deterministic: Ctrl-C on the n-th os.replace."""
    from typer.testing import CliRunner

    from csplan.cli import Interrupted, app
    from csplan.render import writer

    out_dir = tmp_path / "out"
    runner = CliRunner()
    first = runner.invoke(
        app, ["render", "--all", "-w", str(ws), "--as-of", "2026-10-01", "-o", str(out_dir)]
    )
    assert first.exit_code == 0, first.output
    before = snapshot(out_dir)
    calls = {"n": 0}
    real_replace = os.replace

    def replace(src: str, dst: object) -> None:
        calls["n"] += 1
        if calls["n"] == at:
            raise Interrupted(signal.SIGINT)  # what csplan.cli's handler raises
        real_replace(src, dst)  # type: ignore[arg-type]

    monkeypatch.setattr(writer.os, "replace", replace)
    with pytest.raises(Interrupted):
        runner.invoke(
            app,
            ["render", "--all", "-w", str(ws), "--as-of", AS_OF, "-o", str(out_dir)],
            catch_exceptions=False,
        )
    monkeypatch.setattr(writer.os, "replace", real_replace)
    assert snapshot(out_dir) == before


def test_full_disk_during_render_leaves_a_new_folder_absent(
    ws: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from typer.testing import CliRunner

    from csplan.cli import app
    from csplan.render import writer

    calls = {"n": 0}
    real_stage = writer.stage

    def stage(folder: Path, name: str, text: str) -> str:
        calls["n"] += 1
        if calls["n"] == 4:
            raise OSError(28, "No space left on device")
        return real_stage(folder, name, text)

    monkeypatch.setattr(writer, "stage", stage)
    out_dir = tmp_path / "new" / "out"
    result = CliRunner().invoke(
        app, ["render", "--all", "-w", str(ws), "--as-of", AS_OF, "-o", str(out_dir)]
    )
    assert result.exit_code == 1
    assert "No space left on device" in result.output and str(out_dir) in result.output
    assert not (tmp_path / "new").exists()


def test_init_on_a_full_disk_leaves_nothing_and_a_retry_works(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from typer.testing import CliRunner

    import csplan.files
    from csplan.cli import app

    calls = {"n": 0}
    real = csplan.files.write_atomic

    def write_atomic(path: Path, text: str) -> None:
        calls["n"] += 1
        if calls["n"] == 3:
            raise OSError(28, "No space left on device")
        real(path, text)

    monkeypatch.setattr(csplan.files, "write_atomic", write_atomic)
    target = tmp_path / "cs-plans"
    result = CliRunner().invoke(app, ["init", str(target)])
    assert result.exit_code == 2
    assert "No space left on device" in result.output and str(target) in result.output
    assert not target.exists()
    # An existing empty folder stays, empty.
    target.mkdir()
    calls["n"] = 0
    result = CliRunner().invoke(app, ["init", str(target)])
    assert result.exit_code == 2
    assert list(target.iterdir()) == []
    monkeypatch.setattr(csplan.files, "write_atomic", real)
    result = CliRunner().invoke(app, ["init", str(target)])
    assert result.exit_code == 0, result.output
    assert (target / "csplan.yaml").is_file()


def test_schema_on_a_full_disk_leaves_the_old_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from typer.testing import CliRunner

    import csplan.files
    from csplan.cli import app

    target = tmp_path / "csplan.schema.json"
    target.write_text("old", encoding="utf-8")

    def full(folder: Path, name: str, text: str) -> str:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(csplan.files, "stage", full)
    result = CliRunner().invoke(app, ["schema", "-o", str(target)])
    assert result.exit_code == 2
    assert str(target) in result.output
    assert target.read_text(encoding="utf-8") == "old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["csplan.schema.json"]


# --- class 7: text that reaches a terminal or a spreadsheet ------------------

HOSTILE = '"Brightpath \\e[2J\\x1b]0;owned\\x07 Dental\\0"'


def hostile(ws: Path) -> None:
    account = ws / "accounts" / "brightpath-dental.yaml"
    text = account.read_text(encoding="utf-8")
    text = text.replace("name: Brightpath Dental Group", f"name: {HOSTILE}")
    account.write_text(text, encoding="utf-8")


@pytest.mark.parametrize(
    "args",
    [
        ["score", "--all"],
        ["score", "brightpath-dental"],
        ["score", "brightpath-dental", "--explain"],
    ],
)
def test_control_characters_are_escaped_on_the_terminal(ws: Path, args: list[str]) -> None:
    hostile(ws)
    before = snapshot(ws)
    out = clean(run(*args, "-w", ws, "--as-of", AS_OF), 0)
    assert "\x1b" not in out and "\x07" not in out and "\x00" not in out
    if args[1] != "--all":  # the table may shorten the name to fit
        assert "\\x1b" in out
    assert snapshot(ws) == before


@pytest.mark.parametrize("fmt", ["text", "github"])
def test_validate_messages_escape_control_characters(ws: Path, fmt: str) -> None:
    account = ws / "accounts" / "brightpath-dental.yaml"
    account.write_text(
        account.read_text(encoding="utf-8").replace(
            "segment: enterprise", 'segment: "ent\\e[2Jerprise"'
        ),
        encoding="utf-8",
    )
    out = clean(run("validate", "-w", ws, "--format", fmt), 1)
    assert "\x1b" not in out
    assert "\\x1b[2J" in out


@pytest.mark.parametrize("fmt", ["html", "md"])
@pytest.mark.parametrize("audience", ["customer", "internal"])
def test_control_characters_never_reach_a_plan(
    ws: Path, tmp_path: Path, fmt: str, audience: str
) -> None:
    hostile(ws)
    out_dir = tmp_path / "out"
    clean(
        run(
            "render",
            "brightpath-dental",
            "-w",
            ws,
            "--as-of",
            AS_OF,
            "-o",
            out_dir,
            "-f",
            fmt,
            "-a",
            audience,
        ),
        0,
    )
    plan = (out_dir / f"brightpath-dental.{audience}.{fmt}").read_text(encoding="utf-8")
    assert not any(ch in plan for ch in "\x00\x07\x1b")
    assert "\\x1b" in plan


@pytest.mark.parametrize("lead", ["=", "+", "-", "@", "\t", "\r"])
def test_csv_cells_never_start_a_formula(ws: Path, lead: str) -> None:
    import csv
    import io
    import json

    account = ws / "accounts" / "brightpath-dental.yaml"
    name = lead + 'HYPERLINK("http://x")'
    account.write_text(
        account.read_text(encoding="utf-8").replace(
            "name: Brightpath Dental Group", f"name: {json.dumps(name)}"
        ),
        encoding="utf-8",
    )
    out = clean(run("score", "--all", "-w", ws, "--as-of", AS_OF, "--format", "csv"), 0)
    cells = [
        c
        for row in csv.reader(
            io.StringIO(run("score", "--all", "-w", ws, "--as-of", AS_OF, "--format", "csv").stdout)
        )
        for c in row
    ]
    assert out
    assert any("HYPERLINK" in c for c in cells)
    for cell in cells:
        if "HYPERLINK" in cell:
            assert cell.startswith("'"), cell


# --- class 8: paths and output streams ---------------------------------------


def test_output_name_too_long(ws: Path, tmp_path: Path) -> None:
    long = tmp_path / ("a" * 300)
    out = clean(run("render", "--all", "-w", ws, "--as-of", AS_OF, "-o", long), 2)
    assert "File name too long" in out and "aaaa" in out
    out = clean(run("schema", "-o", long), 2)
    assert "File name too long" in out


def test_output_folder_in_a_symlink_loop(ws: Path, tmp_path: Path) -> None:
    loop = tmp_path / "loop"
    loop.symlink_to(loop)
    out = clean(run("render", "--all", "-w", ws, "--as-of", AS_OF, "-o", loop), 2)
    assert str(loop) in out
    out = clean(run("schema", "-o", loop / "schema.json"), 2)
    assert str(loop) in out


def test_templates_folder_in_a_symlink_loop(ws: Path, tmp_path: Path) -> None:
    (ws / "loop").symlink_to(ws / "loop")
    set_templates(ws, "loop")
    out = clean(run("render", "--all", "-w", ws, "--as-of", AS_OF, "-o", tmp_path / "o"), 1)
    assert "loop" in out


@pytest.mark.parametrize("fmt", ["text", "json", "sarif", "github"])
def test_file_name_that_is_not_utf8(ws: Path, fmt: str) -> None:
    import json

    name = os.fsencode(ws / "accounts") + b"/bad\xff.yaml"
    with open(name, "wb") as handle:
        handle.write(b"kind: Account\nid: [\n")
    result = subprocess.run(
        [sys.executable, "-m", "csplan", "validate", "-w", str(ws), "--format", fmt],
        capture_output=True,
        timeout=60,
    )
    assert result.returncode == 1
    assert b"Traceback" not in result.stderr
    text = result.stdout.decode("utf-8")  # valid UTF-8: no raw byte
    # text and github: \xff; JSON: the same text, its backslash escaped; SARIF: a URI.
    assert any(form in text for form in ("bad\\xff.yaml", "bad\\\\xff.yaml", "bad%FF.yaml"))
    if fmt in ("json", "sarif"):
        json.loads(text)


def test_score_json_with_a_file_name_that_is_not_utf8(ws: Path) -> None:
    import io
    import json

    from csplan.api import load_workspace, score, to_date
    from csplan.report import score_json

    account = next((ws / "accounts").glob("*.yaml"))
    os.rename(account, os.fsencode(ws / "accounts") + b"/bad\xff.yaml")
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "csplan",
            "score",
            "--all",
            "-w",
            str(ws),
            "--as-of",
            AS_OF,
            "--format",
            "json",
        ],
        capture_output=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    text = result.stdout.decode("utf-8")  # valid UTF-8: no raw byte
    assert "bad\\\\xff.yaml" in text
    json.loads(text)
    # A portfolio's JSON is written compactly, one account at a time: same rule.
    loaded = load_workspace(ws)
    out = io.StringIO()
    score_json.write(
        score(loaded, as_of=AS_OF), loaded.workspace, to_date(AS_OF), out, compact=True
    )
    assert "bad\\\\xff.yaml" in out.getvalue()
    out.getvalue().encode("utf-8")


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full")
@pytest.mark.parametrize("args", [["score", "--all"], ["validate"], ["schema"]])
def test_stdout_on_a_full_device(ws: Path, args: list[str]) -> None:
    extra = ["-w", str(ws)] if args[0] != "schema" else []
    if args[0] == "score":
        extra += ["--as-of", AS_OF]
    with open("/dev/full", "w") as full:
        result = subprocess.run(
            [sys.executable, "-m", "csplan", *args, *extra],
            stdout=full,
            stderr=subprocess.PIPE,
            text=True,
            timeout=60,
        )
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr
    assert result.stderr.strip().splitlines() == [
        "csplan: cannot write to standard output: No space left on device"
    ]


def test_broken_pipe_is_quiet(ws: Path) -> None:
    add_accounts(ws, 200)
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "csplan",
            "score",
            "--all",
            "-w",
            str(ws),
            "--as-of",
            AS_OF,
            "--format",
            "json",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert proc.stdout is not None
    proc.stdout.read(10)
    proc.stdout.close()
    _, stderr = proc.communicate(timeout=60)
    assert proc.returncode in (0, 1)
    assert b"Traceback" not in stderr and b"internal error" not in stderr


def test_a_band_name_with_escapes_is_escaped_in_the_portfolio_table(ws: Path) -> None:
    settings = ws / "csplan.yaml"
    text = settings.read_text(encoding="utf-8")
    assert "name: healthy" in text
    settings.write_text(text.replace("name: healthy", 'name: "heal\\e]0;x\\athy"'), "utf-8")
    before = snapshot(ws)
    out = clean(run("score", "--all", "-w", ws, "--as-of", AS_OF), 0)
    assert "\x1b" not in out and "\x07" not in out
    assert "heal\\x1b]0;x\\x07thy" in out
    assert snapshot(ws) == before
