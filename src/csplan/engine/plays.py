"""Plays (SPEC section 4): milestone triggers while the milestone is fresh,
then risk plays for overdue milestones, missing required experience and the
biggest engagement gaps. The wording is SPEC section 5's."""

from __future__ import annotations

from datetime import date

from csplan.results import Engagement, Experience, Milestones, Play
from csplan.wording import RISK_GAPS


def plays(
    milestones: Milestones,
    experience: Experience,
    expectations: dict[str, str],
    engagement: Engagement,
    as_of: date,
    window_days: int,
) -> tuple[Play, ...]:
    """Every play in SPEC order: triggers in route order, then risks."""
    found: list[Play] = []
    for state in milestones.states:
        if state.latest is not None and 0 <= (as_of - state.latest).days <= window_days:
            found.extend(
                Play(type=kind, play=text, milestone=state.id)  # type: ignore[arg-type]
                for kind, text in state.triggers
            )
    names = {s.id: s.name for s in milestones.states}
    found.extend(
        Play(
            type="risk",
            reason="overdue-milestone",
            ref=o.id,
            play=f"Recover the overdue milestone '{names[o.id]}'",
        )
        for o in milestones.overdue
    )
    found.extend(
        Play(
            type="risk",
            reason="missing-experience",
            ref=e,
            play=f"Put '{expectations[e]}' in place",
        )
        for e in experience.missing_required
    )
    components = {c.name: c for c in engagement.components}
    for name in engagement.biggest_gaps[:RISK_GAPS]:
        c = components[name]
        found.append(
            Play(
                type="risk",
                reason="engagement-gap",
                ref=name,
                # SPEC section 5 wording, with the component's name as in the
                # YAML and JSON; human views relabel it with component_label.
                play=f"Close the {name} gap ({c.actual:.2f} of {c.desired:.2f})",
            )
        )
    return tuple(found)
