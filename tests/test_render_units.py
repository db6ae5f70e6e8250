"""The pieces behind rendering: Markdown escaping, labels, chart geometry,
and the context builders' choices."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from test_render_support import AS_OF, sentinel_workspace

from csplan.render import charts, labels, markdown

# --- Markdown escaping -----------------------------------------------------


@pytest.mark.parametrize(
    ("text", "escaped"),
    [
        ("Smith & *Sons* <b>", "Smith & \\*Sons\\* \\<b\\>"),
        (
            "snake_case `code` ~strike~ [a](b) x|y \\",
            "snake\\_case \\`code\\` \\~strike\\~ \\[a\\](b) x\\|y \\\\",
        ),
        ("&amp; &#38; & AT&T", "\\&amp; \\&#38; & AT&T"),
        ("# heading", "\\# heading"),
        ("#hashtag", "#hashtag"),
        ("- item", "\\- item"),
        ("+ item", "\\+ item"),
        ("1. first", "1\\. first"),
        ("12) twelfth", "12\\) twelfth"),
        ("---", "\\---"),
        ("===", "\\==="),
        ("-15% on last year", "-15% on last year"),
        ("2.5 registrations", "2.5 registrations"),
        ("a-b. c!", "a-b. c!"),
        ("line one\nline two\n", "line one line two"),
        (", ", ", "),
        (450, "450"),
    ],
)
def test_markdown_escape(text, escaped):
    assert markdown.escape(text) == escaped


def test_markdown_code_span_and_url():
    assert markdown.code("weekly_active_ratio") == "`weekly_active_ratio`"
    assert markdown.code("a `b` c") == "``a `b` c``"
    assert markdown.code("`x`") == "`` `x` ``"
    assert markdown.url("https://e.example/a b<c>(d)") == "https://e.example/a%20b%3Cc%3E(d)"


def test_markdown_finalize_leaves_markup_alone():
    from markupsafe import Markup

    assert markdown.finalize(Markup("**bold**")) == "**bold**"
    assert markdown.finalize("**bold**") == "\\*\\*bold\\*\\*"
    assert markdown.finalize(None) == ""


# --- labels -----------------------------------------------------------------


def test_labels():
    assert labels.long_date(date(2026, 4, 1)) == "1 April 2026"
    assert labels.short_date(date(2026, 11, 21)) == "21 Nov 2026"
    assert labels.number(12400) == "12,400"
    assert labels.number(0.68) == "0.68"
    assert labels.number(2.10) == "2.1"
    assert labels.number(48000.0) == "48,000"
    assert labels.value(True) == "yes"
    assert labels.value(None) == ""
    assert labels.value("events") == "events"
    assert labels.owner_label("joint", "Northwind", "Acme") == "Northwind and Acme"
    assert labels.safe_url("https://a.example/x") == "https://a.example/x"
    assert labels.safe_url(" mailto:cs@a.example") == "mailto:cs@a.example"
    assert labels.safe_url("javascript:alert(1)") is None
    assert labels.safe_url("JaVaScRiPt:alert(1)") is None
    assert labels.safe_url("data:text/html,x") is None
    assert labels.safe_url("/relative") is None


# --- chart geometry ---------------------------------------------------------


def test_roadmap_stacks_markers_that_would_touch():
    chart = charts.roadmap(
        date(2026, 1, 1),
        date(2026, 6, 1),
        date(2026, 12, 31),
        [
            (date(2026, 1, 15), "reached"),
            (date(2026, 1, 16), "reached"),
            (date(2026, 9, 1), "next"),
        ],
    )
    assert [(m.number, m.x, m.y) for m in chart.markers] == [
        (1, 42.8, 75),  # 14 of 364 days along the 384 units from x0 = 28
        (2, 43.8, 43),  # one day later: too close, so one lane up
        (3, 284.4, 75),
    ]
    assert chart.axis_y == 93 and chart.height == 139
    assert chart.now is not None and (chart.now.x, chart.now.label) == (187.3, "1 Jun 2026")
    assert [t.label for t in chart.ticks] == ["Apr 2026", "Jul", "Oct"]
    assert chart.finish is not None and chart.finish.x == chart.x1


def test_journey_clamps_to_the_bar():
    assert charts.journey(0.5).current_x == 220.0
    assert charts.journey(1.7).current_x == charts.journey(1.0).current_x == 414.0
    assert charts.journey(-0.3).current_x == 26.0
    assert charts.journey(None).current_x is None
    assert charts.journey(0.1).current_anchor == "start"
    assert charts.journey(0.9).current_anchor == "end"


def test_trend_points_and_bands():
    points = [(date(2026, m, 28), 10.0 * m, 50.0) for m in range(1, 13)]
    chart = charts.trend(points, [("healthy", 75), ("watch", 50), ("at-risk", 0)])
    assert [(p.x, p.y) for p in chart.attainment[:2]] == [(40.0, 182.0), (69.5, 164.0)]
    assert {p.y for p in chart.success_gap} == {110.0}
    assert [(b.label, b.y) for b in chart.bands] == [("healthy", 65.0), ("watch", 110.0)]
    assert [t.label for t in chart.ticks] == ["Mar 2026", "Jun", "Sep", "Dec"]


# --- context builders -------------------------------------------------------


@pytest.fixture
def scored(make_workspace):
    from csplan.api import load_workspace
    from csplan.engine import score_account

    files, tokens = sentinel_workspace()
    ws = load_workspace(make_workspace(files)).workspace
    return ws, score_account(ws, "northwind-events", date.fromisoformat(AS_OF)), tokens


def test_customer_plan_speaks_to_the_customer(scored):
    from csplan.render.customer import customer_plan

    ws, score, _ = scored
    plan = customer_plan(ws, score)
    assert [(m.number, m.status, m.owner_label) for m in plan.milestones] == [
        (1, "reached", "Northwind Events"),
        (2, "reschedule", "Northwind Events and Acme Mail"),
        (3, "upcoming", "Northwind Events and Acme Mail"),
    ]
    assert plan.milestones[0].vehicles[0].url == "https://acme.example/w"
    assert plan.outcome is not None
    assert (plan.outcome.baseline, plan.outcome.start, plan.outcome.target) == (
        320,
        date(2026, 3, 1),
        800,
    )
    assert [(p.name, p.wording, p.people) for p in plan.outcome.personas] == [
        ("VP Marketing", "Pipeline from events grows", ("Dana Kim",))
    ]
    assert plan.change is not None
    assert (plan.change.previous_target, plan.change.previous_by, plan.change.reason) == (
        500,
        date(2026, 12, 31),
        "Added a second conference",
    )
    assert plan.change.previous_statement is None  # same required outcome, new target
    assert [(a.label, a.expectations) for a in plan.experience] == [
        ("Onboarding", ("A kickoff and a 30-day plan",)),
        ("Customer success", ("A named CSM",)),
    ]


def test_internal_plan_keeps_the_facts(scored):
    from csplan.render.internal import internal_plan

    ws, score, tokens = scored
    plan = internal_plan(ws, score)
    assert [(m.status, m.days_late) for m in plan.milestones] == [
        ("reached", None),
        ("overdue", 215),
        ("upcoming", None),
    ]
    review = plan.review
    assert review.band == tokens["band"]
    assert [e.expectation for e in review.missing_required] == ["A kickoff and a 30-day plan"]
    assert [e.expectation for e in review.mismatched] == [tokens["mismatch_expectation"]]
    assert [n.text for n in review.notes] == [tokens["note"], f"{tokens['note2']} & <b>more</b>"]
    assert [(p.type, p.milestone) for p in review.plays[:1]] == [
        ("expansion", "Attendee list imported")
    ]
    assert review.trend == ()  # no trend passed: the section is left out


def test_baseline_date_follows_a_new_outcome(make_workspace):
    """A new target keeps point A where it was; a new outcome (or a new
    baseline) starts point A again."""
    from csplan.api import load_workspace
    from csplan.render.customer import _baseline_date

    files, _ = sentinel_workspace()
    files["accounts/northwind.yaml"] = files["accounts/northwind.yaml"].replace(
        "    baseline: 320\n    target: 800", "    baseline: 400\n    target: 800"
    )
    account = load_workspace(make_workspace(files)).workspace.accounts["northwind-events"]
    assert _baseline_date(account, date(2026, 7, 15)) == date(2026, 7, 15)
    assert _baseline_date(account, date(2026, 3, 1)) == date(2026, 3, 1)


# --- escaping, checked by a CommonMark renderer -------------------------------

# Printable text with every character Markdown gives a meaning to, plus
# spaces and line breaks (which collapse) and a little Unicode.
ALPHABET = list("ab1 \n#-+=.)(*_~`[]<>|!&;\\\"'{}:/x9é—")
TEXT = st.text(alphabet=st.sampled_from(ALPHABET), min_size=1, max_size=40)


def _html(text: str) -> str:
    for char, entity in (("&", "&amp;"), ("<", "&lt;"), (">", "&gt;"), ('"', "&quot;")):
        text = text.replace(char, entity)
    return text


def _renderer():
    from markdown_it import MarkdownIt

    return MarkdownIt("gfm-like", {"linkify": False}).disable("linkify")


@settings(max_examples=300, deadline=None)
@given(TEXT)
def test_escaped_text_renders_literally(text):
    """Whatever a user writes, the escaped value renders as exactly that
    text: as a paragraph, a list item and a table cell."""
    expected = _html(" ".join(text.split()))
    if not expected:
        return
    md = _renderer()
    value = markdown.escape(text)
    assert md.render(value) == f"<p>{expected}</p>\n"
    assert md.render(f"- {value}") == f"<ul>\n<li>{expected}</li>\n</ul>\n"
    table = md.render(f"| h |\n| --- |\n| {value} |\n")
    assert f"<td>{expected}</td>" in table
