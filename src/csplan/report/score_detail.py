"""``csplan score ACCOUNT`` as a table: the detailed view of one account.

Engagement by component (actual against desired as a bar), the milestones
on the route with their state and dates, the desired outcome, experience,
ICP fit and the plays. Figures are rounded here, and only here.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, TextIO

from csplan.report.score_table import band_styles, sparkline
from csplan.wording import component_label, fmt, printable

if TYPE_CHECKING:
    from rich.console import Console

    from csplan.results import AccountScore, ComponentScore, MilestoneState

BAR = 20
STATUS_STYLES = {"reached": "green", "overdue": "red", "next": "cyan", "upcoming": "dim"}


def bar(actual: float, desired: float, width: int = BAR) -> str:
    """``█`` up to the actual, ``░`` for the gap up to the desired state."""
    filled = round(min(actual, 1.0) * width)
    target = round(desired * width)
    return "█" * filled + "░" * max(0, target - filled) + " " * max(0, width - max(filled, target))


def write_detail(score: AccountScore, stream: TextIO, bands: Sequence[str]) -> None:
    """:func:`print_detail` to ``stream``: in colour on a terminal; elsewhere
    120 columns wide, without the padding rich leaves at the ends of lines."""
    import io

    from rich.console import Console

    if stream.isatty():
        print_detail(score, Console(file=stream, highlight=False, soft_wrap=True), bands)
        return
    buffer = io.StringIO()
    print_detail(score, Console(file=buffer, highlight=False, soft_wrap=True, width=120), bands)
    text = "".join(line.rstrip() + "\n" for line in buffer.getvalue().splitlines())
    stream.write(printable(text))


def print_detail(score: AccountScore, console: Console, bands: Sequence[str]) -> None:
    """Everything ``csplan score`` knows about one account, for a terminal."""
    from rich.table import Table
    from rich.text import Text

    e = score.engagement
    m = score.milestones
    style = band_styles(bands).get(e.band, "")
    head = Text()
    head.append(f"{printable(score.name)} ", style="bold")
    head.append(f"({score.id}) - segment {score.segment}, as of {score.as_of}\n")
    head.append("Engagement attainment ")
    if score.started:
        head.append(f"{e.attainment:.1f} {e.band}", style=f"bold {style}".strip())
    else:
        # SPEC section 9: no attainment or band before the account's start.
        head.append(f"not started (starts {score.start})", style="bold")
    head.append(f"   engagement gap {e.gap:.1f}   success gap {m.success_gap:.0f} points   route ")
    head.append(m.route, style="green" if m.route == "on-track" else "red")
    console.print(head)
    if score.trend:
        points = score.trend
        line = sparkline([p.attainment for p in points])
        first, last = points[0], points[-1]
        console.print(
            Text(
                f"Trend {first.as_of} .. {last.as_of}: {line}"
                f"  ({first.attainment:.0f} -> {last.attainment:.0f})"
            )
        )

    components = Table(
        title="Engagement by component", title_justify="left", box=None, pad_edge=False
    )
    overridden = [c for c in e.components if c.override is not None]
    columns = [("component", "left"), ("weight", "right"), ("actual", "right")]
    if overridden:
        # SPEC section 9: the rules' figure beside the CSM's, never hidden.
        columns.append(("rules", "right"))
    columns += [("desired", "right"), ("gap", "right"), ("actual vs desired", "left")]
    for name, justify in columns:
        components.add_column(name, justify=justify)  # type: ignore[arg-type]
    for c in e.components:
        components.add_row(*_component_cells(c, bool(overridden)))
    console.print()
    console.print(components)
    for line in override_lines(score):
        console.print(Text(printable(line)))
    if e.biggest_gaps:
        console.print(
            Text("Biggest gaps: " + ", ".join(component_label(n) for n in e.biggest_gaps))
        )

    route = Table(
        title=f"Milestones (map {m.map}, journey start {m.journey_start})",
        title_justify="left",
        box=None,
        pad_edge=False,
    )
    for name in ("milestone", "type", "owner", "state", "due", "reached"):
        route.add_column(name)
    for s in m.states:
        route.add_row(
            s.id,
            s.type,
            s.owner,
            Text(_state(s), style=STATUS_STYLES[s.status]),
            str(s.due) if s.due else "",
            _reached(s),
        )
    console.print()
    console.print(route)
    for s in m.states:
        if s.original_due is not None:
            reason = f": {s.reschedule_reason}" if s.reschedule_reason else ""
            console.print(
                Text(printable(f"{s.id} rescheduled from {s.original_due} to {s.due}{reason}"))
            )
    console.print(
        Text(
            f"Functional progress {m.functional_progress * 100:.0f}%, customer progress "
            f"{m.customer_progress * 100:.0f}%, success gap {m.success_gap:.0f} points"
        )
    )
    console.print()
    for line in _profile_lines(score):
        console.print(Text(printable(line)))
    console.print()
    if score.plays:
        console.print(Text("Plays", style="bold"))
        for p in score.plays:
            where = f" ({p.milestone})" if p.milestone else ""
            console.print(
                Text(
                    printable(f"  {p.type:<10} {p.play}{where}"),
                    style="red" if p.type == "risk" else "",
                )
            )
    else:
        console.print(Text("Plays: none"))


def _component_cells(c: ComponentScore, with_rules: bool) -> tuple[str, ...]:
    weight = fmt(c.weight)
    cells = [component_label(c.name), weight, f"{c.actual:.2f}"]
    if with_rules:
        # An asterisk marks the CSM's figure; the rules' stands beside it.
        cells[-1] += "*" if c.override is not None else " "
        cells.append(f"{c.rule_actual:.2f}")
    cells += [f"{c.desired:.2f}", f"{c.gap:.2f}", bar(c.actual, c.desired)]
    return tuple(cells)


def override_lines(score: AccountScore) -> list[str]:
    """The overrides in force (who, why, until when, against the rules'
    figure) and those that expired in the last 30 days (SPEC section 9)."""
    lines = []
    for c in score.engagement.components:
        o = c.override
        if o is not None:
            lines.append(
                f"* {component_label(c.name)}: {o.actual:.2f} set by {o.by} "
                f"({o.since} to {o.expires}), the rules say {c.rule_actual:.2f}: {o.reason.strip()}"
            )
    for x in score.expired_overrides:
        lines.append(
            f"Override expired on {x.expires}: {component_label(x.component)} by {x.by}"
            f" ({x.reason.strip()}); the rules' figure is back in use"
        )
    return lines


def _state(s: MilestoneState) -> str:
    if s.status == "overdue":
        return f"overdue {s.days_late} days"
    if s.status == "reached" and s.repeat_days:
        return "reached, repeats"  # the due column says by when
    return s.status


def _reached(s: MilestoneState) -> str:
    if not s.occurrences:
        return ""
    text = ", ".join(str(d) for d in s.occurrences)
    if s.by_evidence is not None:
        text += " (evidence)"
    if s.lapsed:
        text += " - lapsed"
    return text


def _profile_lines(score: AccountScore) -> list[str]:
    lines = []
    o = score.outcome
    if o is None:
        lines.append("Outcome: no desired outcome in force yet")
    else:
        by = f" by {o.by}" if o.by else ""
        now = (
            "no evidence"
            if o.progress is None
            else (
                f"{fmt(o.current)} {o.unit} on {o.current_as_of}: "
                f"{o.progress * 100:.0f}% of the way" + (" (achieved)" if o.progress >= 1 else "")
            )
        )
        lines.append(
            f"Outcome {o.id}: {fmt(o.baseline)} -> {fmt(o.target)} {o.unit}{by}; now {now}"
        )
        if o.previous is not None:
            lines.append(
                f"  destination changed on {o.since}"
                + (f": {o.reason}" if o.reason else "")
                + f" (was {o.previous.id}, {fmt(o.previous.baseline)} -> {fmt(o.previous.target)})"
            )
    x = score.experience
    lines.append(
        f"Appropriate experience {x.id}: {x.coverage * 100:.0f}% in place "
        f"({len(x.in_place)} of {len(x.in_place) + len(x.missing)})"
    )
    if x.missing_required:
        lines.append("  required but missing: " + ", ".join(x.missing_required))
    if x.mismatched:
        lines.append("  in place but not in this segment's experience: " + ", ".join(x.mismatched))
    if score.icp is None:
        lines.append("ICP: the segment has no ideal customer profile")
    else:
        i = score.icp
        verdict = "ideal" if i.ideal else "not ideal"
        lines.append(f"ICP {i.id}: fit {i.fit:.2f}, {verdict} (threshold {i.threshold:.2f})")
        if i.missing_attributes:
            lines.append("  attributes not recorded: " + ", ".join(i.missing_attributes))
    return lines
