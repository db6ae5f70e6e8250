"""Values that are well-typed but cannot work: CSP204 (good == bad), CSP205
(baseline == target), CSP208 (no band starts at 0), CSP209 (bands repeat a
name or a minimum), CSP210 (a desired outcome due no later than it starts)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from csplan.checks.registry import rule
from csplan.findings import Finding, make
from csplan.model import SignalMeasure

if TYPE_CHECKING:
    from csplan.checks.context import Index


def _number(value: float) -> str:
    return f"{value:g}"


@rule("CSP204")
def good_equals_bad(ix: Index) -> Iterator[Finding]:
    """A signal measure needs ``good`` and ``bad`` apart to scale between them."""
    for model in ix.ws.engagement_models.values():
        if model.components is None:  # partial, components unreadable
            continue
        for name, component in model.components.items():
            for i, measure in enumerate(component.measures):
                if isinstance(measure, SignalMeasure) and measure.good == measure.bad:
                    yield make(
                        "CSP204",
                        model.source.child("components", name, "measures", i, "bad"),
                        f"engagement model '{model.id}': the '{measure.signal}' measure of "
                        f"{name} has good and bad both {_number(measure.good)}, so it cannot score",
                        "set 'good' to the value you want to see and 'bad' to the one that "
                        "worries you",
                    )


@rule("CSP205")
def baseline_equals_target(ix: Index) -> Iterator[Finding]:
    """Point A and point B of a desired outcome must differ."""
    for account in ix.ws.accounts.values():
        for i, wanted in enumerate(account.desired_outcomes):
            if wanted.baseline == wanted.target:
                yield make(
                    "CSP205",
                    account.source.child("desired_outcomes", i, "target"),
                    f"account '{account.id}': the desired outcome since {wanted.since} has "
                    f"baseline and target both {_number(wanted.baseline)}, so progress "
                    "cannot be measured",
                    "the target is point B, where the customer wants to get to: "
                    "set it apart from the baseline",
                )


@rule("CSP210")
def due_before_start(ix: Index) -> Iterator[Finding]:
    """Point B comes after point A: a desired outcome due on or before the
    day it takes effect has no time to be reached (usually a swapped date)."""
    for account in ix.ws.accounts.values():
        for i, wanted in enumerate(account.desired_outcomes):
            if wanted.by is not None and wanted.by <= wanted.since:
                yield make(
                    "CSP210",
                    account.source.child("desired_outcomes", i, "by"),
                    f"account '{account.id}': the desired outcome since {wanted.since} is due "
                    f"by {wanted.by}, "
                    + ("the day it starts" if wanted.by == wanted.since else "before it starts"),
                    "'by' is the date the customer wants to be at point B: set it after 'since'",
                )


@rule("CSP208")
def band_at_zero(ix: Index) -> Iterator[Finding]:
    """Some band must start at 0 so that every attainment has a band."""
    settings = ix.ws.settings
    if not settings.source.file:  # settings were invalid: their own findings say so
        return
    if not settings.intact("bands"):  # the band at 0 may be one that could not be read
        return
    if any(band.min == 0 for band in settings.bands):
        return
    if settings.bands:
        lowest = min(band.min for band in settings.bands)
        message = (
            f"no health band starts at 0: an attainment below {_number(lowest)} would have no band"
        )
    else:
        message = "no health bands: every attainment needs a band"
    yield make(
        "CSP208",
        settings.source.child("bands", key=True),
        message,
        "give the lowest band 'min: 0', e.g. {name: at-risk, min: 0}",
    )


@rule("CSP209")
def band_repeats(ix: Index) -> Iterator[Finding]:
    """Band names and minimums are unique: a band must be told apart from the
    others in reports, and two bands from one minimum up would be a tie."""
    settings = ix.ws.settings
    if not settings.source.file:
        return
    names: set[str] = set()
    minimums: set[float] = set()
    for i, band in enumerate(settings.bands):
        if band.name in names:
            yield make(
                "CSP209",
                settings.source.child("bands", i, "name"),
                f"two health bands are named '{band.name}'",
                "give each band its own name",
            )
        elif band.min in minimums:
            yield make(
                "CSP209",
                settings.source.child("bands", i, "min"),
                f"two health bands start at {_number(band.min)}",
                "give each band its own 'min', or merge the two",
            )
        names.add(band.name)
        minimums.add(band.min)
