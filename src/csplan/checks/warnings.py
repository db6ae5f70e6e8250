"""CSP3xx: legal workspaces that will not measure what the team thinks."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from csplan.checks.context import hint
from csplan.checks.registry import rule
from csplan.findings import Finding, RowRef, SourceRef, make
from csplan.model import SignalMeasure

if TYPE_CHECKING:
    from csplan.checks.context import Index

MAX_PERSONAS = 5
_NO_SIGNALS = (
    "no account reports any signal yet: add observations under an account's 'signals:', "
    "or pass them to score with --signals"
)


@rule("CSP301")
def no_customer_milestone(ix: Index) -> Iterator[Finding]:
    """A map of functional milestones only has a success gap by design."""
    for m_map in ix.ws.maps.values():
        if not m_map.intact("milestones"):  # the customer milestone may be one not read
            continue
        if not any(m.type == "customer" for m in m_map.milestones):
            yield make(
                "CSP301",
                m_map.source.child("milestones", key=True),
                f"milestone map '{m_map.id}' has no customer milestone: it measures product "
                "use, never the customer's outcome",
                "add a milestone of type: customer, a result the customer cares about "
                "(e.g. 'registrations up 20%')",
            )


@rule("CSP302")
def component_without_measures(ix: Index) -> Iterator[Finding]:
    """A weighted component with no measures always scores 0."""
    for model in ix.ws.engagement_models.values():
        if model.components is None:  # partial, components unreadable
            continue
        for name, component in model.components.items():
            if not model.intact("components", name, "measures"):
                continue
            # Weight or desired 0 takes the component out of the formula: a
            # deliberate choice, not an oversight.
            if not component.measures and component.weight * component.desired > 0:
                yield make(
                    "CSP302",
                    model.source.child("components", name, key=True),
                    f"engagement model '{model.id}': component '{name}' has no measures, "
                    "so it always scores 0 and shows as a gap",
                    "add a measure (a signal, a question or milestones), or set its weight to 0",
                )


@rule("CSP303")
def unreported_signals(ix: Index) -> Iterator[Finding]:
    """A signal read by a measure, a milestone criterion or an outcome metric
    that no account reports can never score."""
    if ix.ws.source_signals is None and any(
        d.provides == "signals" for d in ix.ws.data_sources.values()
    ):
        return  # a data source may report any of them: unknown until read
    for signal, ref, user in _signal_uses(ix):
        if signal in ix.reported_signals:
            continue
        yield make(
            "CSP303",
            ref,
            f"no account reports signal '{signal}', used by {user}",
            hint(signal, ix.reported_signals, "signal", _NO_SIGNALS),
        )


def _signal_uses(ix: Index) -> Iterator[tuple[str, SourceRef, str]]:
    for model in ix.ws.engagement_models.values():
        if model.components is None:  # partial, components unreadable
            continue
        for name, component in model.components.items():
            for i, measure in enumerate(component.measures):
                if isinstance(measure, SignalMeasure):
                    yield (
                        measure.signal,
                        model.source.child("components", name, "measures", i, "signal"),
                        f"a measure of {name} in engagement model '{model.id}'",
                    )
    for m_map in ix.ws.maps.values():
        for i, milestone in enumerate(m_map.milestones):
            for j, criterion in enumerate(milestone.criteria):
                yield (
                    criterion.signal,
                    m_map.source.child("milestones", i, "criteria", j, "signal"),
                    f"milestone '{milestone.id}' of map '{m_map.id}'",
                )
    for outcome in ix.ws.outcomes.values():
        if outcome.metric is None:  # partial, metric unreadable
            continue
        yield (
            outcome.metric.signal,
            outcome.source.child("metric", "signal"),
            f"the metric of required outcome '{outcome.id}'",
        )


@rule("CSP304")
def reached_before_start(ix: Index) -> Iterator[Finding]:
    """Point A is the start: a milestone reached earlier is a typo or a wrong start."""
    for account in ix.ws.accounts.values():
        start = account.start
        if start is None:  # partial, start unreadable: nothing to compare with
            continue
        for k, reached in enumerate(account.milestones):
            dates = reached.dates
            if not dates or min(dates) >= start:
                continue
            many = isinstance(reached.reached, list)
            for i, day in enumerate(dates):
                if day < start:
                    path = ("milestones", k, "reached", i) if many else ("milestones", k, "reached")
                    yield make(
                        "CSP304",
                        account.source.child(*path),
                        f"account '{account.id}' reached milestone '{reached.id}' on {day}, "
                        f"before its start on {account.start}",
                        "check the date, or move 'start' back to when the journey began",
                    )


@rule("CSP305")
def no_champion(ix: Index) -> Iterator[Finding]:
    """Every plan needs someone on the customer's side who carries it."""
    for account in ix.ws.accounts.values():
        if any(person.champion for person in account.stakeholders):
            continue
        if isinstance(account.source, RowRef):
            # Only a CRM row so far: no plan written by a person to check
            # (a portfolio of thousands would drown the real warnings).
            continue
        if not account.intact("stakeholders"):  # the champion may be one not read
            continue
        if account.stakeholders:
            at = account.source.child("stakeholders", key=True)
            tip = "mark the stakeholder who carries the plan at the customer with 'champion: true'"
        else:
            at = account.source.child("id")
            tip = "add stakeholders, and mark the one who carries the plan with 'champion: true'"
        yield make("CSP305", at, f"account '{account.id}' has no champion", tip)


@rule("CSP307")
def route_to_another_outcome(ix: Index) -> Iterator[Finding]:
    """The milestone map is the route to one required outcome. When the
    customer's latest desired outcome names another one, milestones still
    measure progress towards the old destination."""
    for account in ix.ws.accounts.values():
        # Partial: the latest outcome or segment may be one that could not be read.
        if not (
            account.desired_outcomes
            and account.intact("desired_outcomes")
            and account.intact("segment")
        ):
            continue
        # The latest by date counts, even in a list CSP206 finds out of order.
        latest = max(
            range(len(account.desired_outcomes)), key=lambda i: account.desired_outcomes[i].since
        )
        wanted = account.desired_outcomes[latest]
        segment_id = (
            max(account.segment, key=lambda p: p.since).segment
            if isinstance(account.segment, list)
            else account.segment
        )
        segment = ix.ws.segments.get(segment_id)
        m_map = ix.ws.maps.get(segment.milestone_map) if segment is not None else None
        if m_map is None or m_map.outcome == wanted.outcome:
            continue
        # A dangling outcome on either side is CSP201's finding, not a second one here.
        if not (
            ix.exists("RequiredOutcome", wanted.outcome)
            and ix.exists("RequiredOutcome", m_map.outcome)
        ):
            continue
        yield make(
            "CSP307",
            account.source.child("desired_outcomes", latest, "outcome"),
            f"account '{account.id}' now wants '{wanted.outcome}', but its milestone map "
            f"'{m_map.id}' leads to '{m_map.outcome}': the route measures another destination",
            f"give segment '{segment_id}' a milestone map whose outcome is '{wanted.outcome}', "
            "or move the account to a segment that has one",
        )


@rule("CSP306")
def too_many_personas(ix: Index) -> Iterator[Finding]:
    """Up to five personas usually cover most of the revenue."""
    for seg in ix.ws.segments.values():
        if len(seg.personas) > MAX_PERSONAS:
            yield make(
                "CSP306",
                seg.source.child("personas", MAX_PERSONAS),
                f"segment '{seg.id}' has {len(seg.personas)} personas; up to five usually "
                "cover most of the revenue",
                "merge personas that share a definition of success, or split the segment",
            )
