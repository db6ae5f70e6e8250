"""``csplan backtest --format html`` in a real browser, with the plans'
checks (tests/test_render_browser.py): nothing fetched, no console error,
no overflow at 390 px, charts drawn with titles, tables in named regions,
contrast AA, axe-core clean. Screenshots go to tests/screenshots/backtest/."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from test_backtest import account, workspace_files
from test_render_browser import CHECKS, SHOTS, WIDTHS, _axe, _describe, axe_js, browser

from csplan import api
from csplan.report.backtest import html

pytestmark = pytest.mark.browser
__all__ = ["axe_js", "browser"]  # the fixtures, imported to be used here


def _page(make_workspace: Callable[[dict[str, str | bytes]], Path], out: Path) -> Path:
    # Renewing and churned accounts at every attainment, one not started, and
    # a name a page must escape.
    answers = ["yes", "partial", "no"]
    accounts = {}
    for i in range(12):
        churned = i % 3 == 2 or i == 4
        accounts[f"acct-{i:02d}"] = account(
            f"acct-{i:02d}",
            "2024-01-01" if i else "2025-12-15",
            answers[i % 3] if i != 4 else "yes",
            [
                ("2025-01-01", 10000 + i * 1000, 12000),
                ("2026-01-01", 12000, 0 if churned else 13000),
            ]
            if i
            else [("2026-01-01", 5000, 5000)],
        )
    root = make_workspace(workspace_files(accounts))
    result = api.backtest(root, leads=[30, 90, 180])
    path = out / "backtest.html"
    with path.open("w", encoding="utf-8") as stream:
        html(result, api.workspace_of(root), stream)
    return path


@pytest.mark.parametrize("width", WIDTHS, ids=list(WIDTHS))
def test_backtest_page_in_a_real_browser(
    browser: object,
    axe_js: str,
    make_workspace: Callable[[dict[str, str | bytes]], Path],
    tmp_path: Path,
    width: str,
) -> None:
    path = _page(make_workspace, tmp_path)
    text = path.read_text(encoding="utf-8")
    assert "<script" not in text and "http" not in text.replace("http-equiv", "")
    shots = SHOTS / "backtest"
    shots.mkdir(parents=True, exist_ok=True)
    context = browser.new_context(viewport={"width": WIDTHS[width], "height": 900})  # type: ignore[attr-defined]
    fetched: list[str] = []
    errors: list[str] = []
    try:
        page = context.new_page()
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.on("request", lambda r: None if r.url == path.as_uri() else fetched.append(r.url))
        page.goto(path.as_uri())
        problems = page.evaluate(CHECKS)
        assert problems == [], f"backtest.html at {WIDTHS[width]}px"
        assert page.locator("svg[role=img]").count() == 9  # ROC, bands, components x 3 leads
        page.screenshot(path=str(shots / f"backtest.{width}.png"), full_page=True)
        violations = _axe(page, axe_js)
        assert violations == [], f"axe-core at {WIDTHS[width]}px:\n{_describe(violations)}"
    finally:
        context.close()
    assert fetched == []
    assert errors == []
