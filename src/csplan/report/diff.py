"""Reporters for ``csplan diff`` (SPEC section 7): one function per format, one registry.

Each reporter takes the :class:`~csplan.results.Diff`, a :class:`DiffView`
(the workspaces of both sides: evidence lines are looked up on the side
they come from, and band order comes from the bands' ``min``) and the
stream to write to. Figures are rounded here only; JSON keeps them whole.

Paths: JSON and Markdown show them relative to the workspace root, like
``score --format json``; github shows them relative to the current folder,
like ``validate --format github``, because CI resolves annotations against
the repository checkout, where the workspace may be a subfolder.
"""

from __future__ import annotations

import json as _json
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from html import escape as html_escape
from typing import TYPE_CHECKING, Any, TextIO

from csplan.wording import component_label, evidence_source, json_safe, printable

if TYPE_CHECKING:
    from csplan.model import Workspace
    from csplan.results import (
        AccountDiff,
        ComponentChange,
        Diff,
        MeasureScore,
        OverrideInForce,
        Side,
    )

MINUS = "\u2212"  # a real minus sign: "-7.2" next to a hyphenated id reads as a dash
ARROW = "→"
TOP_MOVES = 3  # component moves shown per account in the table and the PR comment
LONG_CONFIGURATION = 10  # key paths: more than this and the PR comment folds them away
EPSILON = 1e-9  # a component "moved" when its contribution changed by more than float noise


@dataclass(frozen=True)
class DiffView:
    """What a diff reporter needs besides the diff: the workspace of each
    side (``before`` is None when the base has no workspace: every account
    is then added), and for github where ``$GITHUB_STEP_SUMMARY`` points
    (read from the environment by :func:`view`)."""

    before: Workspace | None
    after: Workspace
    step_summary: str | None = field(default=None)


def view(before: Workspace | None, after: Workspace) -> DiffView:
    """A view with ``$GITHUB_STEP_SUMMARY`` taken from the environment."""
    return DiffView(before, after, os.environ.get("GITHUB_STEP_SUMMARY") or None)


Reporter = Callable[["Diff", DiffView, TextIO], None]


# --- json -------------------------------------------------------------------


def document(diff: Diff, v: DiffView) -> dict[str, Any]:
    """SPEC section 7's JSON document, figures unrounded."""
    from csplan.results import SCHEMA_VERSION

    return {
        "schema_version": SCHEMA_VERSION,
        "from": diff.from_date.isoformat(),
        "to": diff.to_date.isoformat(),
        "base": diff.base,
        "configuration": None
        if diff.configuration is None
        else [
            {
                "kind": d.kind,
                "id": d.id,
                "change": d.change,
                "paths": [{"path": p.path, "before": p.before, "after": p.after} for p in d.paths],
            }
            for d in diff.configuration
        ],
        **({"live_sources": list(diff.live_sources)} if diff.live_sources else {}),
        "accounts": [account_dict(a, v) for a in diff.accounts],
        "summary": {
            "accounts": diff.summary.accounts,
            "changed": diff.summary.changed,
            "added": diff.summary.added,
            "removed": diff.summary.removed,
            "band_changes": diff.summary.band_changes,
        },
    }


def account_dict(a: AccountDiff, v: DiffView) -> dict[str, Any]:
    """One account of the diff as SPEC section 7 writes it."""
    from csplan.report.score_json import play_dict

    return {
        "id": a.id,
        "name": a.name,
        "status": a.status,
        "before": _side(a.before),
        "after": _side(a.after),
        "attainment": {
            "change": a.change,
            "configuration": a.configuration,
            "evidence": a.evidence,
            "unattributed": a.unattributed,
            "components": [
                {
                    "name": c.name,
                    "before": c.before,
                    "after": c.after,
                    "change": c.change,
                    "rule_actual": {"before": c.rule_actual_before, "after": c.rule_actual_after},
                    "override": {
                        "before": _override(c.override_before),
                        "after": _override(c.override_after),
                    },
                    "measures": [
                        {
                            "kind": m.kind,
                            "ref": m.ref,
                            "before": _measure(m.before, v.before),
                            "after": _measure(m.after, v.after),
                        }
                        for m in c.measures
                    ],
                }
                for c in a.components
            ],
        },
        "milestones": {
            "reached": list(a.milestones.reached),
            "lapsed": list(a.milestones.lapsed),
            "overdue": list(a.milestones.overdue),
            "recovered": list(a.milestones.recovered),
        },
        "plays": {
            "added": [play_dict(p) for p in a.plays.added],
            "removed": [play_dict(p) for p in a.plays.removed],
        },
    }


def _override(o: OverrideInForce | None) -> dict[str, Any] | None:
    """An override as score JSON writes it (SPEC section 9)."""
    if o is None:
        return None
    return {
        "actual": o.actual,
        "by": o.by,
        "reason": o.reason,
        "since": o.since.isoformat(),
        "expires": o.expires.isoformat(),
    }


def _side(s: Side | None) -> dict[str, Any] | None:
    if s is None:
        return None
    return {
        "segment": s.segment,
        "attainment": s.attainment,
        "band": s.band,
        "success_gap": s.success_gap,
        "route": s.route,
        "outcome_progress": s.outcome_progress,
        "ax_coverage": s.ax_coverage,
        "icp_fit": s.icp_fit,
        "started": s.started,
        "outcome": s.outcome,
        "arr": s.arr,
    }


def _measure(m: MeasureScore | None, ws: Workspace | None) -> dict[str, Any] | None:
    if m is None:
        return None
    where = ws.evidence_location(m.source) if ws is not None else None
    return {
        "score": m.score,
        "evidence": m.evidence,
        "file": where[0] if where else None,
        "line": where[1] if where else None,
        **evidence_source(m.source),
    }


def json(diff: Diff, v: DiffView, out: TextIO) -> None:
    """SPEC section 7's JSON, indented."""
    # allow_nan=False: NaN is not JSON; should one arise it is an internal
    # error, not a file other tools cannot parse.
    text = _json.dumps(document(diff, v), indent=2, ensure_ascii=False, allow_nan=False)
    out.write(json_safe(text) + "\n")


# --- wording shared by the human formats -------------------------------------


def signed(value: float, digits: int = 1) -> str:
    """+7.2, −7.2 (a real minus sign), ±0.0 never: a change that rounds to
    nothing reads 0.0."""
    text = f"{abs(value):.{digits}f}"
    if float(text) == 0:
        return text
    return ("+" if value > 0 else MINUS) + text


def attainment_move(a: AccountDiff) -> str:
    """ "71.4 → 64.2 (−7.2)", or one side for an added or removed account."""
    if a.before is None and a.after is not None:
        return f"added at {a.after.attainment:.1f}"
    if a.after is None and a.before is not None:
        return f"removed (was {a.before.attainment:.1f})"
    if a.before is None or a.after is None:  # neither side: nothing to say
        return "-"
    change = a.change if a.change is not None else a.after.attainment - a.before.attainment
    return f"{a.before.attainment:.1f} {ARROW} {a.after.attainment:.1f} ({signed(change)})"


def band_move(a: AccountDiff) -> str:
    if a.before is not None and a.after is not None:
        if a.before.band != a.after.band:
            return f"{a.before.band} {ARROW} {a.after.band}"
        return a.after.band
    side = a.after or a.before
    return side.band if side is not None else "-"


def route_move(a: AccountDiff) -> str:
    if a.before is not None and a.after is not None:
        if a.before.route != a.after.route:
            return f"{a.before.route} {ARROW} {a.after.route}"
        return a.after.route
    side = a.after or a.before
    return side.route if side is not None else "-"


def top_moves(a: AccountDiff, count: int = TOP_MOVES) -> list[ComponentChange]:
    """The components whose contribution moved most, largest |Δp| first
    (formula order between equals)."""
    moved = [c for c in a.components if abs(c.change) > EPSILON]
    return sorted(moved, key=lambda c: -round(abs(c.change), 9))[:count]


def moves_text(a: AccountDiff) -> str:
    moves = top_moves(a)
    return ", ".join(f"{component_label(c.name)} {signed(c.change)}" for c in moves) or "-"


def band_worse(a: AccountDiff, v: DiffView) -> bool:
    """The account's band got worse: its band after starts lower than its
    band before (each band's ``min`` read on its own side, so a renamed or
    re-scaled band is compared by where it starts)."""
    if not a.band_changed or a.before is None or a.after is None:
        return False
    before = _band_min(a.before.band, v.before, v.after)
    after = _band_min(a.after.band, v.after, v.before)
    return before is not None and after is not None and after < before


def _band_min(band: str, first: Workspace | None, second: Workspace | None) -> float | None:
    for ws in (first, second):
        if ws is None:
            continue
        for b in ws.settings.bands:
            if b.name == band:
                return b.min
    return None


def listed(diff: Diff) -> list[AccountDiff]:
    """The accounts a human format shows: every one that is not unchanged."""
    return [a for a in diff.accounts if a.status != "unchanged"]


def ordered(diff: Diff) -> list[AccountDiff]:
    """The PR comment's order (SPEC section 7): band changes first, then the
    largest |change| first; added and removed accounts (no change) last; id
    order between equals."""

    def key(a: AccountDiff) -> tuple[int, int, float, str]:
        if a.change is None:
            return (1, 1, 0.0, a.id)
        return (0, 0 if a.band_changed else 1, -round(abs(a.change), 9), a.id)

    return sorted(listed(diff), key=key)


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def summary_line(diff: Diff) -> str:
    """ "k of n accounts changed; b changed band" (and added/removed when any)."""
    s = diff.summary
    line = f"{s.changed} of {_plural(s.accounts, 'account')} changed; {s.band_changes} changed band"
    extra = [f"{s.added} added"] * bool(s.added) + [f"{s.removed} removed"] * bool(s.removed)
    return line + ("; " + ", ".join(extra) if extra else "")


def states(diff: Diff) -> str:
    """What was compared: "2026-10-01 → 2026-11-01", "base `main` → working
    tree, as of 2026-11-01" (base quoted by the caller's format)."""
    d1, d2 = diff.from_date.isoformat(), diff.to_date.isoformat()
    if diff.base is None:
        return f"{d1} {ARROW} {d2}"
    live = ""
    if diff.live_sources:
        names = ", ".join(diff.live_sources)
        live = f" (data source {names} read live on both sides)"
    if d1 == d2:
        return f"base {diff.base} {ARROW} working tree, as of {d2}{live}"
    return f"base {diff.base} on {d1} {ARROW} working tree on {d2}{live}"


# --- table ------------------------------------------------------------------


def table(diff: Diff, v: DiffView, out: TextIO) -> None:
    """Changed accounts only, then the summary line (colour on a terminal)."""
    from rich.console import Console
    from rich.text import Text

    from csplan.report.score_table import band_styles

    console = Console(file=out, highlight=False, soft_wrap=True)
    bands = [b.name for b in sorted(v.after.settings.bands, key=lambda b: -b.min)]
    styles = band_styles(bands)
    headers = ["Account", "Attainment", "Band", "Route", "Biggest moves"]
    rows = [
        [printable(a.id), attainment_move(a), band_move(a), route_move(a), moves_text(a)]
        for a in listed(diff)
    ]
    text = Text()
    text.append(printable(states(diff)) + "\n\n", style="dim")
    if rows:
        widths = [max(len(r[i]) for r in [headers, *rows]) for i in range(len(headers))]
        last = len(headers) - 1

        def pad(cell: str, i: int) -> str:
            return cell if i == last else cell.ljust(widths[i])

        text.append("  ".join(pad(h, i) for i, h in enumerate(headers)) + "\n", style="bold")
        for a, row in zip(listed(diff), rows, strict=True):
            for i, cell in enumerate(row):
                style = None
                if i == 0:
                    style = "bold"
                elif i == 2:
                    style = (
                        "red" if band_worse(a, v) else styles.get(a.after.band if a.after else "")
                    )
                text.append(pad(cell, i), style=style)
                text.append("  " if i < last else "\n")
        text.append("\n")
    else:
        text.append("No account moved.\n")
    text.append(summary_line(diff) + "\n", style="dim")
    console.print(text, end="")


# --- markdown ---------------------------------------------------------------


def markdown(diff: Diff, v: DiffView, out: TextIO) -> None:
    """A pull-request comment: headline, configuration changes, the changed
    accounts (band changes first, then the largest move), and a collapsed
    section per account with its components and evidence."""
    out.write("".join(_markdown(diff, v)))


def _md(text: object) -> str:
    from csplan.render.markdown import escape

    return escape(text)


def _cell(text: str) -> str:
    # A lone "-" (nothing to show) would be escaped as a list marker.
    return text if text == "-" else _md(text)


def _code(text: object) -> str:
    from csplan.render.markdown import code

    return str(code(text))


def _markdown(diff: Diff, v: DiffView) -> Iterator[str]:
    s = diff.summary
    d1, d2 = diff.from_date.isoformat(), diff.to_date.isoformat()
    if diff.base is None:
        what = f"{d1} {ARROW} {d2}"
    elif d1 == d2:
        what = f"base {_code(diff.base)} {ARROW} working tree, as of {d2}"
    else:
        what = f"base {_code(diff.base)} on {d1} {ARROW} working tree on {d2}"
    counts = (
        f"{s.changed} of {_plural(s.accounts, 'account')} changed, {s.band_changes} changed band"
    )
    if s.added or s.removed:
        counts += f", {s.added} added, {s.removed} removed"
    yield f"**csplan diff** {what}: {counts}\n\n"
    yield from _configuration(diff)
    shown = ordered(diff)
    if not shown:
        yield "No account moved.\n"
        return
    yield "| Account | Attainment | Band | Route | Biggest moves |\n"
    yield "| --- | --- | --- | --- | --- |\n"
    for a in shown:
        worse = " ⚠" if band_worse(a, v) else ""
        yield (
            f"| {_md(a.id)} | {_md(attainment_move(a))} | {_md(band_move(a))}{worse} | "
            f"{_md(route_move(a))} | {_cell(moves_text(a))} |\n"
        )
    yield "\n"
    for a in shown:
        yield from _account_details(a, v)


def _configuration(diff: Diff) -> Iterator[str]:
    if not diff.configuration:
        if diff.configuration is not None:
            yield "No configuration change.\n\n"
        return
    lines: list[str] = []
    for d in diff.configuration:
        lines.append(f"- {d.change} {_md(d.kind)} {_code(d.id)}\n")
        for p in d.paths:
            lines.append(
                f"  - {_code(p.path)}: {_code(_value(p.before))} {ARROW} {_code(_value(p.after))}\n"
            )
    n = len(diff.configuration)
    head = f"Configuration changes: {_plural(n, 'document')}"
    if len(lines) > LONG_CONFIGURATION:
        yield f"<details><summary>{html_escape(head)}</summary>\n\n"
        yield from lines
        yield "\n</details>\n\n"
    else:
        yield f"{head}\n\n"
        yield from lines
        yield "\n"


def _value(value: Any) -> str:
    """A configuration value as YAML-ish text: null, true, 3, [a, b]."""
    if value is None:
        return "null"
    if isinstance(value, str):
        return value
    try:
        return _json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)
    except (TypeError, ValueError):
        return repr(value)


def _account_details(a: AccountDiff, v: DiffView) -> Iterator[str]:
    # Inside <summary> GitHub does not read Markdown: the text is HTML there.
    head = f"{a.id}: {attainment_move(a)}"
    if a.band_changed:
        head += f", band {band_move(a)}"
    yield f"<details><summary>{html_escape(printable(head))}</summary>\n\n"
    yield f"**{_md(a.name)}** ({a.status})"
    if a.configuration is not None or a.evidence is not None:
        parts = []
        if a.configuration is not None:
            parts.append(f"configuration {signed(a.configuration)}")
        if a.evidence is not None:
            parts.append(f"evidence {signed(a.evidence)}")
        yield ": " + ", ".join(parts)
    if abs(a.unattributed) > EPSILON:
        yield f"; not explained by components {signed(a.unattributed)} (no desired state)"
    yield "\n\n"
    moved = [c for c in a.components if abs(c.change) > EPSILON or c.measures]
    if moved:
        yield "| Component | p before | p after | Change |\n| --- | ---: | ---: | ---: |\n"
        for c in moved:
            yield (
                f"| {_md(component_label(c.name))} | {c.before:.1f} | {c.after:.1f} | "
                f"{signed(c.change)} |\n"
            )
        yield "\n"
    yield from _overrides(a)
    measures = [(c, m) for c in a.components for m in c.measures]
    if measures:
        yield "| Component | Measure | Before | After |\n| --- | --- | --- | --- |\n"
        for c, m in measures:
            yield (
                f"| {_md(component_label(c.name))} | {_md(m.kind)} {_code(m.ref)} | "
                f"{_evidence(m.before, v.before)} | {_evidence(m.after, v.after)} |\n"
            )
        yield "\n"
    yield from _milestones_and_plays(a)
    yield "</details>\n\n"


def _overrides(a: AccountDiff) -> Iterator[str]:
    """A CSM's override set, lifted or changed between the two sides, in
    words: the figure moved because a person said so, not the evidence."""
    lines = []
    for c in a.components:
        if _override_key(c.override_before) == _override_key(c.override_after):
            continue
        name = _md(component_label(c.name))
        before, after = c.override_before, c.override_after
        if after is not None:
            was = f" (was {before.actual:.2f})" if before is not None else ""
            lines.append(
                f"- {name}: overridden to {after.actual:.2f}{was} by {_md(after.by)} "
                f"({after.since} to {after.expires}): {_md(after.reason.strip())}"
            )
        elif before is not None:
            lines.append(
                f"- {name}: the override of {before.actual:.2f} by {_md(before.by)} is no longer"
                " in force; the rules' figure is used"
            )
    if lines:
        yield "Overrides (the CSM's judgement):\n\n" + "\n".join(lines) + "\n\n"


def _override_key(o: OverrideInForce | None) -> tuple[object, ...] | None:
    return None if o is None else (o.actual, o.by, o.reason, o.since, o.expires)


def _evidence(m: MeasureScore | None, ws: Workspace | None) -> str:
    if m is None:
        return "not measured"
    where = ws.evidence_location(m.source) if ws is not None else None
    at = f" ({_code(f'{where[0]}:{where[1]}')})" if where else ""
    return f"{m.score:.2f}: {_md(m.evidence)}{at}"


def _milestones_and_plays(a: AccountDiff) -> Iterator[str]:
    m = a.milestones
    for label, ids in (
        ("Milestones reached", m.reached),
        ("Lapsed", m.lapsed),
        ("Now overdue", m.overdue),
        ("No longer overdue", m.recovered),
    ):
        if ids:
            yield f"- {label}: {', '.join(_code(i) for i in ids)}\n"
    for label, plays in (("Play added", a.plays.added), ("Play removed", a.plays.removed)):
        for p in plays:
            yield f"- {label} ({_md(p.type)}): {_md(p.play)}\n"
    if m.reached or m.lapsed or m.overdue or m.recovered or a.plays.added or a.plays.removed:
        yield "\n"


# --- github -----------------------------------------------------------------


def github(diff: Diff, v: DiffView, out: TextIO) -> None:
    """One ``::notice`` per changed account (``::warning`` when its band got
    worse) on the account's file; then the PR comment's markdown appended to
    ``$GITHUB_STEP_SUMMARY`` when it is set.

    Raises OSError when the step summary cannot be written."""
    from csplan.report.findings import _escape_data, _escape_property

    for a in listed(diff):
        level = "warning" if band_worse(a, v) else "notice"
        props = []
        where = _account_file(a, v)
        if where is not None:
            props += [f"file={_escape_property(where[0])}", f"line={where[1]}"]
        props.append(f"title={_escape_property(f'csplan diff: {a.id}')}")
        message = f"{a.id}: attainment {attainment_move(a)}"
        if a.band_changed:
            message += f", band {band_move(a)}"
        if a.before is not None and a.after is not None and a.before.route != a.after.route:
            message += f", route {route_move(a)}"
        moves = top_moves(a)
        if moves:
            message += "; " + moves_text(a)
        out.write(f"::{level} {','.join(props)}::{_escape_data(message)}\n")
    out.write(f"csplan diff: {summary_line(diff)}\n")
    if v.step_summary:
        # Appended: other steps of the job write their own parts of the summary.
        with open(v.step_summary, "a", encoding="utf-8", errors="surrogateescape") as f:
            f.write("".join(_markdown(diff, v)))


def _account_file(a: AccountDiff, v: DiffView) -> tuple[str, int] | None:
    """The account's file relative to the current folder, and its line: on
    the after side, or for a removed account the before side."""
    ws = v.after if a.after is not None or v.before is None else v.before
    where = ws.evidence_location(a.source)
    if where is None:
        return None
    absolute = ws.root / where[0]
    try:
        rel = os.path.relpath(absolute, os.getcwd())
    except ValueError:  # another drive on Windows
        rel = str(absolute)
    return rel.replace(os.sep, "/"), where[1]


REPORTERS: dict[str, Reporter] = {
    "table": table,
    "json": json,
    "markdown": markdown,
    "github": github,
}
