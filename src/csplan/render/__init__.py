"""Rendering success plans (SPEC section 6).

The renderer receives finished scores and computes nothing: a context
builder turns a score into what one audience may read, a sandboxed Jinja
template turns that into Markdown or HTML, and :mod:`.writer` puts the files
in place all at once::

    renderer = Renderer(ws, "html")
    text = renderer.plan(score, "customer")

File names: ``<account-id>.<audience>.<format>`` for a plan,
``index.<audience>.<format>`` for the index written with ``--all``.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import TYPE_CHECKING

from csplan.errors import RenderError
from csplan.render.customer import customer_plan
from csplan.render.environment import FORMATS, build_environment
from csplan.render.internal import internal_plan
from csplan.render.portfolio import customer_index, internal_index
from csplan.render.writer import Output, UnsafeOutput, write_all

if TYPE_CHECKING:
    from csplan.model import Workspace
    from csplan.results import AccountDiff, AccountScore, TrendPoint

AUDIENCES = ("customer", "internal")
INDEX = "index"

__all__ = [
    "AUDIENCES",
    "FORMATS",
    "Output",
    "Renderer",
    "UnsafeOutput",
    "index_filename",
    "plan_filename",
    "write_all",
]


def plan_filename(account_id: str, audience: str, fmt: str) -> str:
    """``northwind-events.customer.html``."""
    return f"{account_id}.{audience}.{fmt}"


def index_filename(audience: str, fmt: str) -> str:
    """``index.customer.html``."""
    return f"{INDEX}.{audience}.{fmt}"


_BLANK_LINES = re.compile(r"\n(?:[ \t]*\n){2,}")


def _tidy(text: str, fmt: str) -> str:
    """Markdown templates may leave runs of blank lines between blocks; in
    Markdown one blank line means the same, so keep one."""
    if fmt == "md":
        text = _BLANK_LINES.sub("\n\n", text).strip("\n") + "\n"
    return text


class Renderer:
    """Renders plans and index pages of one workspace in one format."""

    def __init__(self, ws: Workspace, fmt: str) -> None:
        self.ws = ws
        self.fmt = fmt
        self.templates = build_environment(ws, fmt)

    def plan(
        self,
        score: AccountScore,
        audience: str,
        trend: tuple[TrendPoint, ...] = (),
        since: AccountDiff | None = None,
    ) -> str:
        """The plan of one account for ``audience`` (``customer`` or
        ``internal``; the trend and ``since``, the account's diff from the
        end of the previous month, are used by the internal review only)."""
        if audience == "customer":
            text = self.templates.render(
                f"customer.{self.fmt}.j2", plan=customer_plan(self.ws, score)
            )
            return _tidy(text, self.fmt)
        if audience == "internal":
            text = self.templates.render(
                f"internal.{self.fmt}.j2", plan=internal_plan(self.ws, score, trend, since)
            )
            return _tidy(text, self.fmt)
        raise RenderError(f"unknown audience '{audience}' (use customer or internal)")

    def index(self, scores: Sequence[AccountScore], audience: str) -> str:
        """The index page linking every plan in ``scores``."""
        hrefs = {s.id: plan_filename(s.id, audience, self.fmt) for s in scores}
        if audience == "customer":
            context = customer_index(self.ws, scores, hrefs)
        elif audience == "internal":
            context = internal_index(self.ws, scores, hrefs)
        else:
            raise RenderError(f"unknown audience '{audience}' (use customer or internal)")
        return _tidy(
            self.templates.render(f"index-{audience}.{self.fmt}.j2", index=context), self.fmt
        )
