"""The CLI on workspaces that hypothesis breaks, byte by byte and value by
value (issue 9): whatever the input, every command ends with a documented
exit code and no traceback, leaves every input byte-for-byte as it was, writes
strict JSON, and leaves its output folder complete or exactly as before.
"""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml
from conftest import EXAMPLES
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from csplan.cli import app

AS_OF = "2026-11-01"
SOURCE = EXAMPLES / "verifly"
FILES = sorted(p.relative_to(SOURCE).as_posix() for p in SOURCE.rglob("*.yaml"))

# Values that are YAML but not what csplan expects: numbers that are not
# figures, text that attacks a terminal or a spreadsheet, dates at the edge
# of the calendar, the wrong shapes.
NASTY: list[Any] = [
    float("nan"),
    float("inf"),
    -float("inf"),
    10**400,
    99_999_999,
    -1,
    0,
    "",
    "\x1b[2J\x1b]0;pwned\x07",
    '=HYPERLINK("http://x")',
    "+1",
    "@SUM(A1)",
    "a" * 5000,
    "0001-01-01",
    "9999-12-31",
    "2026-02-30",
    "<script>alert(1)</script>",
    None,
    True,
    [],
    {},
    [[[[]]]],
    {"kind": "Account"},
]


def _paths(data: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [path] if path else []
    if isinstance(data, dict):
        for key, value in data.items():
            found += _paths(value, (*path, key))
    elif isinstance(data, list):
        for i, value in enumerate(data):
            found += _paths(value, (*path, i))
    return found


def _replace(data: Any, path: tuple[Any, ...], value: Any) -> None:
    for part in path[:-1]:
        data = data[part]
    data[path[-1]] = value


@st.composite
def value_mutations(draw: st.DrawFn) -> tuple[str, bytes]:
    """One YAML value somewhere in one file replaced by a nasty one."""
    rel = draw(st.sampled_from(FILES))
    documents = list(yaml.safe_load_all((SOURCE / rel).read_text("utf-8")))
    doc = draw(st.integers(0, len(documents) - 1))
    paths = _paths(documents[doc])
    if not paths:
        return rel, (SOURCE / rel).read_bytes()
    path = draw(st.sampled_from(paths))
    _replace(documents[doc], path, draw(st.sampled_from(NASTY)))
    text = yaml.safe_dump_all(documents, allow_unicode=True, sort_keys=False)
    return rel, text.encode("utf-8")


@st.composite
def byte_mutations(draw: st.DrawFn) -> tuple[str, bytes]:
    """A few bytes of one file flipped, inserted or cut."""
    rel = draw(st.sampled_from(FILES))
    data = bytearray((SOURCE / rel).read_bytes())
    for _ in range(draw(st.integers(1, 4))):
        at = draw(st.integers(0, len(data)))
        action = draw(st.sampled_from(["flip", "insert", "cut"]))
        byte = draw(st.integers(0, 255))
        if action == "insert" or at == len(data):
            data[at:at] = bytes([byte])
        elif action == "flip":
            data[at] = byte
        else:
            del data[at : at + draw(st.integers(1, 40))]
    return rel, bytes(data)


def _snapshot(root: Path) -> dict[str, str]:
    return {
        p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def _strict_json(text: str) -> Any:
    def refuse(token: str) -> Any:
        raise AssertionError(f"not JSON: {token}")

    return json.loads(text, parse_constant=refuse)


def _check(tmp_path: Path, mutation: tuple[str, bytes]) -> None:
    rel, data = mutation
    root = tmp_path / "ws"
    shutil.rmtree(root, ignore_errors=True)
    shutil.copytree(SOURCE, root)
    (root / rel).write_bytes(data)
    before = _snapshot(root)
    runner = CliRunner()
    out = tmp_path / "out"
    shutil.rmtree(out, ignore_errors=True)

    runs = [
        ("validate", "-w", str(root), "--format", "json"),
        ("validate", "-w", str(root), "--format", "sarif"),
        ("score", "--all", "-w", str(root), "--as-of", AS_OF, "--format", "json", "--trend"),
        ("score", "--all", "-w", str(root), "--as-of", AS_OF, "--keep-going"),
        (
            "diff",
            "--all",
            "-w",
            str(root),
            "--from",
            "2026-09-30",
            "--to",
            AS_OF,
            "--format",
            "json",
        ),
        ("backtest", "-w", str(root), "--lead", "30,90", "--format", "json"),
        ("render", "--all", "-w", str(root), "--as-of", AS_OF, "-o", str(out)),
        (
            "render",
            "--all",
            "-w",
            str(root),
            "--as-of",
            AS_OF,
            "-o",
            str(out),
            "--audience",
            "internal",
            "--format",
            "md",
        ),
    ]
    for args in runs:
        out_before = _snapshot(out) if out.exists() else None
        result = runner.invoke(app, list(args))
        context = f"csplan {' '.join(args)} on {rel}:\n{data[:2000]!r}\n{result.output}"
        # A bug, not bad input, is what reaches the exception handler.
        assert result.exception is None or isinstance(result.exception, SystemExit), context
        assert result.exit_code in (0, 1), context
        assert "Traceback" not in result.output, context
        assert "internal error" not in result.output, context
        machine = "--format" in args and args[args.index("--format") + 1] in ("json", "sarif")
        if machine and (result.exit_code == 0 or args[0] == "validate") and result.stdout:
            _strict_json(result.stdout)
        if args[0] == "render":
            written = sorted(p.name for p in out.iterdir()) if out.exists() else []
            if result.exit_code == 0:
                assert any(name.startswith("index.") for name in written), context
            else:  # the folder exactly as it was before this command
                assert (_snapshot(out) if out.exists() else None) == out_before, context
            assert not [n for n in written if n.startswith(".")], context
    assert _snapshot(root) == before


SETTINGS = settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)


@SETTINGS
@given(mutation=value_mutations())
def test_nasty_values_never_crash_leak_or_half_write(tmp_path, mutation):
    _check(tmp_path, mutation)


@SETTINGS
@given(mutation=byte_mutations())
def test_broken_bytes_never_crash_leak_or_half_write(tmp_path, mutation):
    _check(tmp_path, mutation)


@pytest.mark.parametrize("value", NASTY, ids=repr)
def test_every_nasty_value_as_an_account_name(tmp_path, value):
    rel = "accounts/" + sorted(p.name for p in (SOURCE / "accounts").glob("*.yaml"))[0]
    documents = list(yaml.safe_load_all((SOURCE / rel).read_text("utf-8")))
    documents[0]["name"] = value
    text = yaml.safe_dump_all(documents, allow_unicode=True, sort_keys=False)
    _check(tmp_path, (rel, text.encode("utf-8")))
