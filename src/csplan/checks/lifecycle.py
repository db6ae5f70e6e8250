"""Overrides and reschedules of SPEC section 9: CSP211 (an override expires
no later than it starts), CSP212 (two overrides of one component in force on
one day), CSP213 (a reschedule due no later than the day it was agreed) and
CSP309 (an override in force for more than 180 days).

Renewals need no check here: their dates are a dated list (CSP206) and their
ARR values are ranges the model enforces (CSP106).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from csplan.checks.registry import rule
from csplan.findings import Finding, make

if TYPE_CHECKING:
    from csplan.checks.context import Index
    from csplan.model import Override

# Longer than this, a CSM's judgement has outlived what it was about (SPEC 9).
MAX_OVERRIDE_DAYS = 180


def _span(override: Override) -> str:
    return f"{override.since} to {override.expires}"


@rule("CSP211")
def override_expires_before_since(ix: Index) -> Iterator[Finding]:
    """An override holds from ``since`` to ``expires``: expiring on or before
    the day it starts is usually a swapped or mistyped date."""
    for account in ix.ws.accounts.values():
        for i, override in enumerate(account.overrides):
            if override.expires > override.since:
                continue
            when = "the day it starts" if override.expires == override.since else "before it starts"
            yield make(
                "CSP211",
                account.source.child("overrides", i, "expires"),
                f"account '{account.id}': the override of {override.component} since "
                f"{override.since} expires {override.expires}, {when}",
                "'expires' is the last day the judgement holds: set it after 'since'",
            )


@rule("CSP212")
def overlapping_overrides(ix: Index) -> Iterator[Finding]:
    """One judgement per component and day: with two in force, which actual
    counts would be a guess. Reported at the later one (by ``since``, then
    by position), naming the line of the earlier one it overlaps."""
    for account in ix.ws.accounts.values():
        if len(account.overrides) < 2:
            continue
        by_component: dict[str, list[int]] = {}
        for i, override in enumerate(account.overrides):
            # An override without a range is CSP211's finding, not a second one here.
            if override.expires > override.since:
                by_component.setdefault(override.component, []).append(i)
        for component, indices in by_component.items():
            ordered = sorted(indices, key=lambda i: (account.overrides[i].since, i))
            for n, j in enumerate(ordered):
                later = account.overrides[j]
                earlier_i = next(
                    (i for i in ordered[:n] if account.overrides[i].expires >= later.since), None
                )
                if earlier_i is None:
                    continue
                earlier = account.overrides[earlier_i]
                line, _column = ix.ws.locate(account.source.child("overrides", earlier_i))
                last = min(earlier.expires, later.expires)
                yield make(
                    "CSP212",
                    account.source.child("overrides", j, "since"),
                    f"account '{account.id}' has two overrides of {component} in force from "
                    f"{later.since} to {last}: {_span(earlier)} and {_span(later)}",
                    f"the other one is on line {line}: let it expire the day before this one "
                    "starts, or merge the two",
                )


@rule("CSP309")
def stale_override(ix: Index) -> Iterator[Finding]:
    """A judgement goes stale: an override longer than 180 days keeps the
    rules' view out of the score long after anyone looked again."""
    for account in ix.ws.accounts.values():
        for i, override in enumerate(account.overrides):
            days = (override.expires - override.since).days
            if days <= MAX_OVERRIDE_DAYS:
                continue
            yield make(
                "CSP309",
                account.source.child("overrides", i, "expires"),
                f"account '{account.id}': the override of {override.component} by "
                f"{override.by} holds for {days} days ({_span(override)}); "
                "a judgement that old goes stale",
                f"let it expire within {MAX_OVERRIDE_DAYS} days of 'since' and look again "
                "then; write a new override if the judgement still holds",
            )


@rule("CSP213")
def reschedule_due_before_on(ix: Index) -> Iterator[Finding]:
    """A new due date is agreed for later: one on or before the day it was
    agreed would make the milestone overdue the moment it is rescheduled."""
    for account in ix.ws.accounts.values():
        for k, reached in enumerate(account.milestones):
            for i, moved in enumerate(reached.reschedule):
                if moved.due > moved.on:
                    continue
                when = "the day it was agreed" if moved.due == moved.on else "before it was agreed"
                yield make(
                    "CSP213",
                    account.source.child("milestones", k, "reschedule", i, "due"),
                    f"account '{account.id}': milestone '{reached.id}' rescheduled on {moved.on} "
                    f"is due {moved.due}, {when}",
                    "'due' is the new date agreed with the customer: set it after 'on'",
                )
