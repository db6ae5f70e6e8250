"""Golden files: every template (customer and internal, Markdown and HTML)
rendered through the CLI, end to end, for every example workspace at the
reference date.

HTML pages inline the one stylesheet; golden files store it as a placeholder
(:func:`without_style`), so that a CSS change rewrites one file
(``style.css``, checked by :func:`test_every_page_inlines_the_one_stylesheet`)
instead of every golden page.

To accept a deliberate change, regenerate and review the diff:

    CSPLAN_UPDATE_GOLDEN=1 .venv/bin/python -m pytest tests/test_render_golden.py
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from conftest import AS_OF, EXAMPLE_WORKSPACES

GOLDEN = Path(__file__).parent / "golden" / "render"
STYLESHEET = GOLDEN / "style.css"
_STYLE = re.compile(r"<style>\n(.*?)</style>", re.DOTALL)
PLACEHOLDER = "<style>\n/* style.css.j2: tests/golden/render/style.css */\n</style>"
UPDATE = os.environ.get("CSPLAN_UPDATE_GOLDEN") == "1"
CASES = [
    (ws, audience, fmt)
    for ws in EXAMPLE_WORKSPACES
    for audience in ("customer", "internal")
    for fmt in ("md", "html")
]


def without_style(page: str) -> str:
    """``page`` with its inline stylesheet replaced by a placeholder."""
    return _STYLE.sub(lambda _: PLACEHOLDER, page, count=1)


def _stylesheets(page: str) -> list[str]:
    return _STYLE.findall(page)


@pytest.mark.parametrize(
    ("workspace", "audience", "fmt"), CASES, ids=[f"{w.name}-{a}-{f}" for w, a, f in CASES]
)
def test_render_matches_golden(cli, tmp_path, workspace, audience, fmt):
    out = tmp_path / "out"
    result = cli(
        "render",
        "--all",
        "-w",
        workspace,
        "--as-of",
        AS_OF,
        "--audience",
        audience,
        "--format",
        fmt,
        "-o",
        out,
    )
    assert result.exit_code == 0, result.output
    from csplan.api import load_workspace

    suffix = f".{audience}.{fmt}"
    written = sorted(p.name for p in out.iterdir())
    ids = load_workspace(workspace).workspace.account_ids()
    expected_names = sorted([f"{i}{suffix}" for i in ids] + [f"index{suffix}"])
    assert written == expected_names
    assert result.stdout.splitlines() == [str(out / f"{i}{suffix}") for i in ids] + [
        str(out / f"index{suffix}")
    ]

    golden = GOLDEN / workspace.name
    if UPDATE:
        golden.mkdir(parents=True, exist_ok=True)
        for old in golden.glob(f"*{suffix}"):
            old.unlink()
        for name in written:
            page = (out / name).read_text(encoding="utf-8")
            (golden / name).write_text(without_style(page), encoding="utf-8")
    have = sorted(p.name for p in golden.glob(f"*{suffix}"))
    assert have == written, "golden files missing: run with CSPLAN_UPDATE_GOLDEN=1"
    for name in written:
        actual = without_style((out / name).read_text(encoding="utf-8"))
        expected = (golden / name).read_text(encoding="utf-8")
        assert actual == expected, f"{workspace.name}/{name} differs from its golden file"


def test_every_page_inlines_the_one_stylesheet(cli, tmp_path):
    """The CSS is tested once: every HTML page (plans and indexes, both
    audiences, every example) inlines exactly one stylesheet, the same one,
    and it matches tests/golden/render/style.css."""
    sheets: set[str] = set()
    pages = 0
    for workspace in EXAMPLE_WORKSPACES:
        for audience in ("customer", "internal"):
            out = tmp_path / workspace.name / audience
            result = cli(
                "render",
                "--all",
                "-w",
                workspace,
                "--as-of",
                AS_OF,
                "--audience",
                audience,
                "--format",
                "html",
                "-o",
                out,
            )
            assert result.exit_code == 0, result.output
            for page in out.glob("*.html"):
                found = _stylesheets(page.read_text(encoding="utf-8"))
                assert len(found) == 1, page.name
                sheets.update(found)
                pages += 1
    assert pages > 10
    assert len(sheets) == 1, "pages inline different stylesheets"
    [sheet] = sheets
    if UPDATE:
        STYLESHEET.write_text(sheet, encoding="utf-8")
    assert sheet == STYLESHEET.read_text(encoding="utf-8"), (
        "the stylesheet differs from tests/golden/render/style.css: "
        "run with CSPLAN_UPDATE_GOLDEN=1 and review the diff"
    )
