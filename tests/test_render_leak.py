"""Nothing internal reaches a customer plan; user text is always escaped."""

from __future__ import annotations

import re

import pytest
from test_render_support import AS_OF, sentinel_workspace

FORMATS = ("md", "html")
# Words only the internal review uses. A customer plan talks about dates to
# agree again, never about being late.
INTERNAL_WORDS = (
    r"\boverdue\b",
    r"\blate\b",
    r"\boff-track\b",
    r"\bon-track\b",
    r"\battainment\b",
    r"\bARR\b",
    r"\bchampion\b",
    r"\bplays?\b",
    r"\bICP\b",
    r"\bsuccess gap\b",
    r"\bband\b",
    r"\bengagement gap\b",
    r"\binternal\b",
)


def _render(cli, root, tmp_path, audience, fmt):
    out = tmp_path / f"{audience}-{fmt}"
    result = cli(
        "render",
        "northwind-events",
        "-w",
        root,
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
    return (out / f"northwind-events.{audience}.{fmt}").read_text(encoding="utf-8")


@pytest.fixture
def sentinel(make_workspace):
    files, tokens = sentinel_workspace()
    return make_workspace(files), tokens


@pytest.mark.parametrize("fmt", FORMATS)
def test_customer_plan_holds_no_internal_value(cli, sentinel, tmp_path, fmt):
    root, tokens = sentinel
    text = _render(cli, root, tmp_path, "customer", fmt)
    leaked = {field: value for field, value in tokens.items() if value in text}
    assert leaked == {}
    assert "7,351,982" not in text
    for word in INTERNAL_WORDS:
        assert not re.search(word, text, re.IGNORECASE), word
    # what the customer does see
    assert "More people register for your events" in text
    assert "reschedule together" in text
    assert "A kickoff and a 30" in text  # "30-day" is printed as is in both formats


@pytest.mark.parametrize("fmt", FORMATS)
def test_internal_review_shows_the_internal_fields(cli, sentinel, tmp_path, fmt):
    root, tokens = sentinel
    text = _render(cli, root, tmp_path, "internal", fmt)
    # every internal value the review is meant to show, and only the ones
    # dated on or before the review date
    shown = (
        "note",
        "note2",
        "owner",
        "attr_value",
        "attr_key",
        "email",
        "play_expansion",
        "icp_name",
        "segment_name",
        "segment_id",
        "question_text",
        "signal",
        "band",
        "mismatch_expectation",
    )
    missing = [field for field in shown if tokens[field] not in text]
    assert missing == []
    assert tokens["future_note"] not in text
    assert "7,351,982" in text
    assert re.search(r"\boverdue\b", text, re.IGNORECASE)


@pytest.mark.parametrize("fmt", FORMATS)
def test_customer_context_cannot_reach_internal_data(make_workspace, fmt):
    """The customer context is a plain dataclass tree: walking every value
    finds no sentinel, so no template (ours or a workspace's) can print one."""
    import dataclasses
    from datetime import date

    from csplan.api import load_workspace
    from csplan.engine import score_account
    from csplan.render.customer import customer_plan

    files, tokens = sentinel_workspace()
    ws = load_workspace(make_workspace(files)).workspace
    plan = customer_plan(ws, score_account(ws, "northwind-events", date.fromisoformat(AS_OF)))
    seen: list[str] = []

    def walk(value: object) -> None:
        if dataclasses.is_dataclass(value):
            for f in dataclasses.fields(value):
                walk(getattr(value, f.name))
        elif isinstance(value, tuple | list):
            for item in value:
                walk(item)
        elif isinstance(value, dict):
            raise AssertionError("customer context holds a dict")
        else:
            assert isinstance(value, str | int | float | bool | date | type(None)), type(value)
            seen.append(str(value))

    walk(plan)
    blob = "\n".join(seen)
    assert [f for f, v in tokens.items() if v in blob] == []
    assert "7351982" not in blob


HOSTILE = (
    "<script>alert(1)</script> & \"Smith\" 'Jones' *Sons* _x_ "
    "[a](http://e.example) `c` | # {{ 7*191 }}"
)


@pytest.fixture
def hostile(make_workspace):
    files, _ = sentinel_workspace(
        name=HOSTILE, message=HOSTILE + "\n\n- item\n1. one", url="javascript:alert(1)"
    )
    return make_workspace(files)


@pytest.mark.parametrize("audience", ["customer", "internal"])
def test_html_escapes_user_text(cli, hostile, tmp_path, audience):
    text = _render(cli, hostile, tmp_path, audience, "html")
    assert "<script" not in text
    assert "javascript:" not in text
    assert (
        "&lt;script&gt;alert(1)&lt;/script&gt; &amp; &#34;Smith&#34; &#39;Jones&#39; *Sons* _x_"
        in text
    )
    assert "{{ 7*191 }}" in text and "1337" not in text
    assert "<b>more</b>" not in text


@pytest.mark.parametrize("audience", ["customer", "internal"])
def test_markdown_escapes_user_text(cli, hostile, tmp_path, audience):
    text = _render(cli, hostile, tmp_path, audience, "md")
    expected = (
        "\\<script\\>alert(1)\\</script\\> & \"Smith\" 'Jones' \\*Sons\\* \\_x\\_ "
        "\\[a\\](http://e.example) \\`c\\` \\| # {{ 7\\*191 }}"
    )
    assert f"# {expected}\n" in text  # the heading line
    assert not re.search(r"(?<!\\)<", text), "an unescaped < would start raw HTML"
    assert "javascript:" not in text
    assert (
        "Weekly onboarding webinar (Training)" in text
    )  # the unsafe link is dropped, the name kept
    # the message keeps its paragraphs and cannot start a list
    assert "> \\- item 1. one\n" in text
