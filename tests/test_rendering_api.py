"""csplan.render_plan: the library entry point for rendering."""

from __future__ import annotations

import pytest
from conftest import AS_OF, EXAMPLES, ROOT
from test_render_golden import without_style

import csplan
from csplan.errors import RenderError, UnknownAccount

ACME = EXAMPLES / "acme-mail"
GOLDEN = ROOT / "tests" / "golden" / "render" / "acme-mail"


@pytest.mark.parametrize(("audience", "fmt"), [("customer", "html"), ("internal", "md")])
def test_render_plan_matches_the_cli_golden(audience, fmt):
    text = csplan.render_plan(ACME, "harbour-expo", AS_OF, audience=audience, fmt=fmt)
    # Golden HTML keeps the stylesheet as a placeholder (tested once, in test_render_golden).
    expected = (GOLDEN / f"harbour-expo.{audience}.{fmt}").read_text(encoding="utf-8")
    assert without_style(text) == expected


def test_render_plan_refuses_unknown_things():
    with pytest.raises(UnknownAccount, match="did you mean 'harbour-expo'"):
        csplan.render_plan(ACME, "harbour-exp", AS_OF)
    with pytest.raises(RenderError, match="unknown audience 'board'"):
        csplan.render_plan(ACME, "harbour-expo", AS_OF, audience="board")
    with pytest.raises(RenderError, match="unknown format 'pdf'"):
        csplan.render_plan(ACME, "harbour-expo", AS_OF, fmt="pdf")
