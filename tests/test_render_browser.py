"""HTML plans in a real browser (Debian's Chromium through Playwright), at a
phone's width and a desktop's: nothing fetched, nothing overflowing, charts
drawn, headings in order, text contrast AA, and no axe-core violation (its
default rules: WCAG 2.x A and AA, and best practices). Full-page screenshots
go to tests/screenshots/ (git-ignored) for a person to look at.

Without Chromium the tests skip, unless CSPLAN_REQUIRE_BROWSER=1 (set by
.ci/run), where a missing browser is a failure.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from importlib.resources import files
from pathlib import Path

import pytest
from conftest import AS_OF, EXAMPLE_WORKSPACES

pytestmark = pytest.mark.browser

CHROMIUM = os.environ.get("CSPLAN_CHROMIUM", "/usr/bin/chromium")
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
SHOTS = Path(__file__).parent / "screenshots"
WIDTHS = {"phone": 390, "desktop": 1280}
AUDIENCES = ("customer", "internal")


def _unavailable(reason: str) -> None:
    if os.environ.get("CSPLAN_REQUIRE_BROWSER") == "1":
        pytest.fail(f"CSPLAN_REQUIRE_BROWSER=1 but {reason}")
    pytest.skip(reason)


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    if not (Path(CHROMIUM).is_file() or shutil.which(CHROMIUM)):
        _unavailable(f"no Chromium at {CHROMIUM} (apt-get install chromium)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _unavailable("Playwright is not installed (pip install -e '.[test]')")
    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield chromium
        chromium.close()


@pytest.fixture(scope="module")
def axe_js() -> str:
    """axe-core's script as text: injected inline, because the pages must fetch nothing."""
    try:
        return (files("axe_playwright_python") / "axe.min.js").read_text(encoding="utf-8")
    except ModuleNotFoundError:
        _unavailable("axe-playwright-python is not installed (pip install -e '.[test]')")
        raise


@pytest.fixture(scope="module")
def rendered(tmp_path_factory) -> Path:
    """Every example workspace rendered as HTML for both audiences."""
    from typer.testing import CliRunner

    from csplan.cli import app

    root = tmp_path_factory.mktemp("html")
    runner = CliRunner()
    for ws in EXAMPLE_WORKSPACES:
        for audience in AUDIENCES:
            args = ["render", "--all", "-w", str(ws), "--as-of", AS_OF, "--audience", audience]
            result = runner.invoke(app, [*args, "-o", str(root / ws.name)], catch_exceptions=False)
            assert result.exit_code == 0, result.output
    return root


# Runs in the page: every failure as a sentence, so one assert shows all.
CHECKS = """
() => {
  const problems = [];
  const doc = document.documentElement;
  if (doc.lang !== "en") problems.push("html lang is not en");
  const width = document.scrollingElement.scrollWidth;
  if (width > window.innerWidth) problems.push(`page is ${width}px wide in ${window.innerWidth}px`);
  for (const tag of ["header", "main", "footer"])
    if (document.querySelectorAll(tag).length !== 1) problems.push(`not one <${tag}>`);
  const levels = [...document.querySelectorAll("h1,h2,h3,h4,h5,h6")].map(h => +h.tagName[1]);
  if (levels.filter(l => l === 1).length !== 1 || levels[0] !== 1)
    problems.push("not one h1 first");
  levels.forEach((l, i) => {
    if (i && l > levels[i - 1] + 1) problems.push(`h${levels[i - 1]} then h${l}`);
  });
  for (const svg of document.querySelectorAll("svg")) {
    const box = svg.getBoundingClientRect();
    if (!(box.width > 0 && box.height > 0)) problems.push("an svg is not drawn");
    if (svg.getAttribute("aria-hidden") === "true") continue;
    const title = svg.querySelector(":scope > title");
    if (svg.getAttribute("role") !== "img" || !title || !title.textContent.trim())
      problems.push("a chart without role=img and a title");
    if (box.right > window.innerWidth + 0.5) problems.push("a chart sticks out of the page");
  }
  for (const el of document.querySelectorAll("table")) {
    const wrap = el.closest(".table-wrap");
    const box = (wrap || el).getBoundingClientRect();
    if (box.right > window.innerWidth + 0.5) problems.push("a table sticks out of the page");
    // A wrapper may scroll with other data, so each one is a keyboard-reachable
    // region; with the examples' data no table needs scrolling, even on a phone.
    if (!wrap) continue;
    if (wrap.scrollWidth > wrap.clientWidth + 0.5) problems.push("a table scrolls sideways");
    const named = wrap.getAttribute("aria-label") && wrap.getAttribute("role") === "region";
    if (!named || wrap.getAttribute("tabindex") !== "0")
      problems.push("a table wrapper is not a named region with tabindex 0");
  }
  // Text contrast (WCAG 2): every element with its own text, against the
  // first opaque background behind it.
  const rgb = s => s.match(/[\\d.]+/g).map(Number);
  const lum = ([r, g, b]) => {
    const f = c => {
      c /= 255;
      return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
    };
    return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b);
  };
  const background = el => {
    for (let node = el; node && node.nodeType === 1; node = node.parentElement) {
      const c = rgb(getComputedStyle(node).backgroundColor);
      if (c.length < 4 || c[3] > 0) return c;
    }
    return [255, 255, 255];
  };
  for (const el of document.body.querySelectorAll("*")) {
    if (el.closest("svg")) continue;
    const own = [...el.childNodes].some(n => n.nodeType === 3 && n.textContent.trim());
    if (!own || !el.getClientRects().length) continue;
    const pair = [lum(rgb(getComputedStyle(el).color)), lum(background(el))];
    const [a, b] = pair.sort((x, y) => y - x);
    const ratio = (a + 0.05) / (b + 0.05);
    const what = `<${el.tagName.toLowerCase()}> "${el.textContent.trim().slice(0, 30)}"`;
    if (ratio < 4.5) problems.push(`contrast ${ratio.toFixed(2)} on ${what}`);
  }
  return problems;
}
"""


# Runs in the page after axe.min.js: the default rule set, violations only
# (passes and incomplete results are not needed and slow the run down).
AXE_RUN = """
async () => {
  const result = await axe.run(document, {resultTypes: ["violations"]});
  return result.violations.map(v => ({
    id: v.id,
    impact: v.impact,
    help: v.help,
    targets: v.nodes.map(n => n.target.flat().join(" ")),
  }));
}
"""


def _axe(page: object, axe_js: str) -> list[dict[str, object]]:
    page.add_script_tag(content=axe_js)  # type: ignore[attr-defined]
    return page.evaluate(AXE_RUN)  # type: ignore[attr-defined,no-any-return]


def _describe(violations: list[dict[str, object]]) -> str:
    """One line per violation and one per element, so a failure reads without axe's docs."""
    lines: list[str] = []
    for v in violations:
        lines.append(f"{v['id']} ({v['impact']}): {v['help']}")
        lines.extend(f"    at {target}" for target in v["targets"])  # type: ignore[attr-defined]
    return "\n".join(lines)


def _pages(rendered: Path, workspace: str, audience: str) -> list[Path]:
    pages = sorted((rendered / workspace).glob(f"*.{audience}.html"))
    assert pages, f"nothing rendered for {workspace}"
    return pages


@pytest.mark.parametrize("width", WIDTHS, ids=list(WIDTHS))
@pytest.mark.parametrize("audience", AUDIENCES)
@pytest.mark.parametrize("workspace", [w.name for w in EXAMPLE_WORKSPACES])
def test_plans_in_a_real_browser(browser, axe_js, rendered, workspace, audience, width):
    shots = SHOTS / workspace
    shots.mkdir(parents=True, exist_ok=True)
    context = browser.new_context(viewport={"width": WIDTHS[width], "height": 900})  # type: ignore[attr-defined]
    fetched: list[str] = []
    errors: list[str] = []

    def route(r: object) -> None:
        url = r.request.url  # type: ignore[attr-defined]
        if url.startswith("file://"):
            r.continue_()  # type: ignore[attr-defined]
        else:
            fetched.append(url)
            r.abort()  # type: ignore[attr-defined]

    context.route("**/*", route)
    try:
        for path in _pages(rendered, workspace, audience):
            page = context.new_page()
            page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
            page.on("pageerror", lambda e: errors.append(str(e)))
            page.on(
                "request",
                lambda r, path=path: None if r.url == path.as_uri() else fetched.append(r.url),
            )
            page.goto(path.as_uri())
            problems = page.evaluate(CHECKS)
            assert problems == [], f"{path.name} at {WIDTHS[width]}px"
            page.screenshot(path=str(shots / f"{path.stem}.{width}.png"), full_page=True)
            violations = _axe(page, axe_js)
            assert violations == [], (
                f"axe-core on {path.name} at {WIDTHS[width]}px:\n{_describe(violations)}"
            )
            page.close()
    finally:
        context.close()
    assert fetched == []
    assert errors == []


BAD_PAGE = """<!DOCTYPE html><html><head><style>.wide{width:2000px}</style></head><body>
<h1>One</h1><h3>Skipped a level</h3><p style="color:#bbbbbb">pale text</p>
<div class="wide">too wide</div><svg width="10" height="10"><rect width="10" height="10"/></svg>
<div class="table-wrap" style="width:100px;overflow-x:auto">
<table><tr><td>unbreakable_identifier</td></tr></table></div>
</body></html>"""


def test_the_page_checks_can_fail(browser, tmp_path):
    """The checks above find each kind of problem on a page built to have them."""
    path = tmp_path / "bad.html"
    path.write_text(BAD_PAGE)
    page = browser.new_page(viewport={"width": 390, "height": 900})  # type: ignore[attr-defined]
    page.goto(path.as_uri())
    problems = page.evaluate(CHECKS)
    page.close()
    assert problems == [
        "html lang is not en",
        "page is 2008px wide in 390px",
        "not one <header>",
        "not one <main>",
        "not one <footer>",
        "h1 then h3",
        "a chart without role=img and a title",
        "a table scrolls sideways",
        "a table wrapper is not a named region with tabindex 0",
        'contrast 1.92 on <p> "pale text"',
    ]


# A page that passes the checks above but not axe-core: an image with no text
# alternative, and a scrolling box that a keyboard cannot reach.
AXE_BAD_PAGE = """<!DOCTYPE html><html lang="en"><head><title>Bad</title></head><body>
<header><p>Plan</p></header><main><h1>One</h1><img src="data:," width="10" height="10">
<div id="scroller" style="height:40px;overflow:auto"><p>1</p><p>2</p><p>3</p><p>4</p></div>
</main><footer><p>End</p></footer></body></html>"""


def test_the_axe_check_can_fail(browser: object, axe_js: str, tmp_path: Path) -> None:
    """axe-core is really injected and run: it finds the violations of a page built to have them."""
    path = tmp_path / "axe-bad.html"
    path.write_text(AXE_BAD_PAGE)
    page = browser.new_page(viewport={"width": 390, "height": 900})  # type: ignore[attr-defined]
    page.goto(path.as_uri())
    assert page.evaluate(CHECKS) == []
    violations = _axe(page, axe_js)
    page.close()
    assert sorted(str(v["id"]) for v in violations) == ["image-alt", "scrollable-region-focusable"]
    described = _describe(violations)
    assert "image-alt (critical): Images must have alternative text\n    at img" in described
    assert "scrollable-region-focusable (serious): " in described
    assert "    at #scroller" in described
