"""HTML plans without a browser: self-contained, structured for assistive
technology, and in colours that pass WCAG AA. (The real-browser checks are
in test_render_browser.py.)"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

GOLDEN = Path(__file__).parent / "golden" / "render"
HTML_FILES = sorted(GOLDEN.glob("*/*.html"))
STYLE = Path(__file__).resolve().parent.parent / "templates" / "style.css.j2"


class Outline(HTMLParser):
    """Collects what the checks need from one page."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.headings: list[int] = []
        self.lang: str | None = None
        self.svgs: list[dict[str, str | None]] = []
        self.svg_titles = 0
        self._in_svg_title = False
        self.urls: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        self.tags.append(tag)
        if tag == "html":
            self.lang = values.get("lang")
        if re.fullmatch(r"h[1-6]", tag):
            self.headings.append(int(tag[1]))
        if tag == "svg":
            self.svgs.append({**values, "title": None})
        if tag == "title" and self.svgs and "svg" in self.tags:
            self._in_svg_title = True
        for name in ("src", "href", "xlink:href", "action", "srcset", "poster", "data"):
            if values.get(name):
                self.urls.append(str(values[name]))

    def handle_data(self, data: str) -> None:
        if self._in_svg_title and data.strip():
            self.svgs[-1]["title"] = data.strip()
            self._in_svg_title = False


def _outline(path: Path) -> tuple[Outline, str]:
    text = path.read_text(encoding="utf-8")
    parser = Outline()
    parser.feed(text)
    return parser, text


def test_there_are_html_plans_to_check():
    assert len(HTML_FILES) >= 12


@pytest.mark.parametrize("path", HTML_FILES, ids=[f"{p.parent.name}/{p.name}" for p in HTML_FILES])
def test_page_is_self_contained_and_accessible(path):
    page, text = _outline(path)
    # one file: no script, no stylesheet or font or image fetched
    for tag in ("script", "link", "img", "iframe", "object", "embed", "base", "form"):
        assert tag not in page.tags, tag
    assert not re.search(r"@import|url\(\s*['\"]?(?!#)", text), "CSS must not load anything"
    external = [u for u in page.urls if not u.startswith(("#", "https://", "http://", "mailto:"))]
    if path.name.startswith("index."):
        external = [
            u for u in external if not re.fullmatch(r"[a-z0-9-]+\.(customer|internal)\.html", u)
        ]
    assert external == []
    # landmarks and headings
    assert page.lang == "en"
    for landmark in ("header", "main", "footer"):
        assert page.tags.count(landmark) == 1, landmark
    assert page.headings[0] == 1 and page.headings.count(1) == 1
    for before, after in zip(page.headings, page.headings[1:], strict=False):
        assert after <= before + 1, f"heading level jumps from h{before} to h{after}"
    # charts carry their meaning in text; icons are hidden from assistive tech
    for svg in page.svgs:
        if svg.get("aria-hidden") == "true":
            continue
        assert svg.get("role") == "img"
        assert svg["title"], "every chart has a title"
        assert svg.get("aria-labelledby") or svg.get("aria-label")


def test_plans_have_their_charts():
    customer, _ = _outline(GOLDEN / "acme-mail" / "northwind-events.customer.html")
    charts = [s["title"] for s in customer.svgs if s.get("role") == "img"]
    assert charts == [
        "From point A to point B",
        "Roadmap: 7 milestones from 12 Jan 2026 to 31 Dec 2026",
    ]
    internal, _ = _outline(GOLDEN / "acme-mail" / "northwind-events.internal.html")
    charts = [s["title"] for s in internal.svgs if s.get("role") == "img"]
    # The analysis leads; the customer plan's charts follow in the appendix.
    assert charts == [
        "Engagement by component: actual against desired",
        "Engagement attainment and success gap over 12 month ends",
        "From point A to point B",
        "Roadmap: 7 milestones from 12 Jan 2026 to 31 Dec 2026",
    ]


def _luminance(hex_colour: str) -> float:
    channels = [int(hex_colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(a: str, b: str) -> float:
    """WCAG 2 contrast ratio of two #rrggbb colours."""
    high, low = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def test_contrast_helper():
    assert round(contrast("#000000", "#ffffff"), 1) == 21.0
    assert round(contrast("#767676", "#ffffff"), 2) == 4.54


def test_palette_passes_wcag_aa():
    """Every text colour on every background it is used on: 4.5:1. White
    numbers sit inside the reached/next/due markers, so those fills are
    checked against white too."""
    css = STYLE.read_text(encoding="utf-8")
    palette = dict(re.findall(r"--([a-z]+):\s*(#[0-9a-f]{6});", css))
    texts = ("ink", "muted", "accent", "heading", "reached", "next", "due", "upcoming")
    for text in texts:
        for background in ("paper", "tint"):
            ratio = contrast(palette[text], palette[background])
            assert ratio >= 4.5, f"--{text} on --{background}: {ratio:.2f}"
    for fill in ("reached", "next", "due", "heading"):
        assert contrast(palette[fill], "#ffffff") >= 4.5, fill
