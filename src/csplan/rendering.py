"""``csplan.render_plan``: one account's plan as text, from Python.

    import csplan
    html = csplan.render_plan("examples/acme-mail", "northwind-events", as_of="2026-11-01")

Writing files (atomically, never over an input) is the CLI's job through
:func:`csplan.render.write_all`; this returns the text.
"""

from __future__ import annotations

import datetime as _dt
import os
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from csplan.scoring import Signals
    from csplan.workspace import LoadResult, Workspace


def render_plan(
    workspace: Workspace | LoadResult | str | os.PathLike[str] | None,
    account_id: str,
    as_of: _dt.date | str | None = None,
    *,
    audience: str = "customer",
    fmt: str = "html",
    signals: Signals | str | os.PathLike[str] | None = None,
) -> str:
    """The ``audience`` plan (``customer`` or ``internal``) of one account
    as ``fmt`` (``html`` or ``md``), scored at ``as_of`` (default today).
    ``signals`` adds observations as for :func:`csplan.score` (a CSV path
    or a mapping account -> signal -> observations).

    Raises :class:`~csplan.errors.WorkspaceInvalid`,
    :class:`~csplan.errors.UnknownAccount`,
    :class:`~csplan.errors.SignalsFileError`, or
    :class:`~csplan.errors.RenderError` (a template failed; the message
    names the template and line)."""
    from csplan.engine import score_account, trend
    from csplan.errors import RenderError
    from csplan.render import AUDIENCES, FORMATS, Renderer
    from csplan.scoring import load_signals, resolve_ids, workspace_of

    if audience not in AUDIENCES:
        raise RenderError(f"unknown audience '{audience}': one of {', '.join(AUDIENCES)}")
    if fmt not in FORMATS:
        raise RenderError(f"unknown format '{fmt}': one of {', '.join(FORMATS)}")
    ws = workspace_of(workspace)
    [account] = resolve_ids(ws, [account_id])
    day = _dt.date.fromisoformat(as_of) if isinstance(as_of, str) else as_of or _dt.date.today()
    extra = load_signals(signals, ws) if isinstance(signals, (str, os.PathLike)) else signals
    score = score_account(ws, account, day, signals=extra)
    points: Any = trend(ws, account, day, signals=extra) if audience == "internal" else ()
    return Renderer(ws, fmt).plan(score, audience, points)
