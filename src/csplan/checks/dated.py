"""CSP206 (dated lists in date order, one entry per date) and CSP207 (one
answer per question and date).

The dated lists: a segment list and ``desired_outcomes`` by ``since``, each
signal's observations by ``as_of``, a milestone's ``reached`` dates and its
``reschedule`` entries by ``on``, and ``renewals`` by ``date`` (SPEC 3, 9).

A list is reported once per problem (the first entry out of order, the first
date used twice), not once per entry: a list written newest-first would
otherwise give one finding per line.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import TYPE_CHECKING

from csplan.checks.registry import rule
from csplan.findings import Finding, PathPart, SourceRef, make

if TYPE_CHECKING:
    from csplan.checks.context import Index

_ORDER_HINT = "dated lists go oldest first: move this entry up"


def _ascending(dates: list[date]) -> bool:
    """Strictly increasing (the common case, checked at C speed)."""
    return dates == sorted(set(dates))


def _dated(
    dates: list[date], at: SourceRef, path: tuple[PathPart, ...], what: str
) -> Iterator[Finding]:
    """Findings for ``dates`` not strictly increasing. Entry ``i`` lives at
    ``at.child(*path)`` with ``"#"`` replaced by ``i``; ``what`` names the
    list in messages ("account 'x': desired outcome since")."""

    def entry(i: int) -> SourceRef:
        return at.child(*(i if part == "#" else part for part in path))

    order = same = False
    for i in range(1, len(dates)):
        previous, current = dates[i - 1], dates[i]
        if current == previous and not same:
            same = True
            yield make(
                "CSP206",
                entry(i),
                f"{what} {current} appears twice",
                "keep one entry per date: merge the two or fix one date",
            )
        elif current < previous and not order:
            order = True
            yield make(
                "CSP206", entry(i), f"{what} {current} is listed after {previous}", _ORDER_HINT
            )


@rule("CSP206")
def segment_history(ix: Index) -> Iterator[Finding]:
    """A dated segment list, by ``since``."""
    for account in ix.ws.accounts.values():
        if isinstance(account.segment, list) and len(account.segment) > 1:
            dates = [p.since for p in account.segment]
            if _ascending(dates):
                continue
            yield from _dated(
                dates,
                account.source,
                ("segment", "#", "since"),
                f"account '{account.id}': segment since",
            )


@rule("CSP206")
def desired_outcome_history(ix: Index) -> Iterator[Finding]:
    """``desired_outcomes``, by ``since``."""
    for account in ix.ws.accounts.values():
        if len(account.desired_outcomes) > 1:
            dates = [d.since for d in account.desired_outcomes]
            if _ascending(dates):
                continue
            yield from _dated(
                dates,
                account.source,
                ("desired_outcomes", "#", "since"),
                f"account '{account.id}': desired outcome since",
            )


@rule("CSP206")
def observations(ix: Index) -> Iterator[Finding]:
    """Each signal's observations, by ``as_of``."""
    for account in ix.ws.accounts.values():
        for name, raw in account.signals.items():
            if isinstance(raw, list) and len(raw) > 1:
                dates = [o.as_of for o in raw]
                if _ascending(dates):
                    continue
                yield from _dated(
                    dates,
                    account.source,
                    ("signals", name, "#", "as_of"),
                    f"account '{account.id}': observation of '{name}' on",
                )


@rule("CSP206")
def reached_dates(ix: Index) -> Iterator[Finding]:
    """A milestone's ``reached`` dates."""
    for account in ix.ws.accounts.values():
        for k, reached in enumerate(account.milestones):
            if isinstance(reached.reached, list) and len(reached.reached) > 1:
                dates = list(reached.reached)
                if _ascending(dates):
                    continue
                yield from _dated(
                    dates,
                    account.source,
                    ("milestones", k, "reached", "#"),
                    f"account '{account.id}': milestone '{reached.id}' reached",
                )


@rule("CSP206")
def reschedules(ix: Index) -> Iterator[Finding]:
    """A milestone's ``reschedule`` entries, by ``on``: the one in force is
    the latest agreed, which only means something in date order."""
    for account in ix.ws.accounts.values():
        for k, reached in enumerate(account.milestones):
            if len(reached.reschedule) > 1:
                dates = [r.on for r in reached.reschedule]
                if _ascending(dates):
                    continue
                yield from _dated(
                    dates,
                    account.source,
                    ("milestones", k, "reschedule", "#", "on"),
                    f"account '{account.id}': milestone '{reached.id}' rescheduled on",
                )


@rule("CSP206")
def renewals(ix: Index) -> Iterator[Finding]:
    """Past ``renewals``, by ``date``: two on one day would count one
    contract twice in NRR and GRR."""
    for account in ix.ws.accounts.values():
        if len(account.renewals) > 1:
            dates = [r.date for r in account.renewals]
            if _ascending(dates):
                continue
            yield from _dated(
                dates,
                account.source,
                ("renewals", "#", "date"),
                f"account '{account.id}': renewal on",
            )


@rule("CSP207")
def answers_per_day(ix: Index) -> Iterator[Finding]:
    """One answer per question and date; otherwise the log may be in any order."""
    for account in ix.ws.accounts.values():
        if len(account.assessments) < 2:
            continue
        keys = [(answer.question, answer.as_of) for answer in account.assessments]
        if len(set(keys)) == len(keys):
            continue
        seen: set[tuple[str, date]] = set()
        for i, answer in enumerate(account.assessments):
            key = (answer.question, answer.as_of)
            if key in seen:
                yield make(
                    "CSP207",
                    account.source.child("assessments", i, "as_of"),
                    f"account '{account.id}' answers question '{answer.question}' "
                    f"twice on {answer.as_of}",
                    "keep one answer per question and date; with two, which one counts "
                    "would be a guess",
                )
            seen.add(key)
