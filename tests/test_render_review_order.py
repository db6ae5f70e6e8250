"""The internal review leads with the analysis: at a glance, overdue
milestones, plays, notes and the top gaps come first, the customer plan last."""

from __future__ import annotations

import re

import pytest
from conftest import AS_OF, EXAMPLES

ACME = EXAMPLES / "acme-mail"
LEAD = [
    "At a glance",
    "Overdue milestones",
    "Plays",
    "Internal notes",
    "Top engagement gaps",
    "Engagement by component",
    "Route and success gap",
    "Appendix: the customer plan",
    "The road ahead",
    "Next steps together",
]


def _headings(text: str, fmt: str) -> list[str]:
    if fmt == "md":
        return re.findall(r"^## (.+)$", text, flags=re.MULTILINE)
    return re.findall(r"<h2 id=\"[^\"]+\">([^<]+)</h2>", text)


@pytest.mark.parametrize("fmt", ["md", "html"])
def test_internal_review_leads_with_the_analysis(cli, tmp_path, fmt):
    out = tmp_path / "out"
    result = cli(
        "render",
        "brightpath-dental",
        "-w",
        ACME,
        "--as-of",
        AS_OF,
        "--audience",
        "internal",
        "--format",
        fmt,
        "-o",
        out,
    )
    assert result.exit_code == 0, result.output
    text = (out / f"brightpath-dental.internal.{fmt}").read_text(encoding="utf-8")
    headings = _headings(text, fmt)
    assert [h for h in headings if h in LEAD] == LEAD
    # The customer's own sections appear once, after the appendix heading.
    appendix = headings.index("Appendix: the customer plan")
    assert headings.count("The road ahead") == 1
    assert headings.index("The road ahead") > appendix
    # The overdue milestone is in the lead, with its days late.
    overdue = text.index("Overdue milestones")
    assert text.index("Registrations syncing to the CRM", overdue) < text.index("Plays", overdue)
    assert "179" in text[overdue : text.index("Plays", overdue)]


def test_top_gaps_are_three_at_most(cli, tmp_path):
    out = tmp_path / "out"
    cli(
        "render",
        "--all",
        "-w",
        ACME,
        "--as-of",
        AS_OF,
        "--audience",
        "internal",
        "--format",
        "md",
        "-o",
        out,
    )
    for page in out.glob("*.internal.md"):
        if page.name.startswith("index"):
            continue
        text = page.read_text(encoding="utf-8")
        if "## Top engagement gaps" not in text:
            continue
        section = text.split("## Top engagement gaps", 1)[1].split("\n## ", 1)[0]
        items = re.findall(r"^\d\. \*\*", section, flags=re.MULTILINE)
        assert 1 <= len(items) <= 3, page.name
