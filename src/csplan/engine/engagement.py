"""Engagement against the desired state (SPEC section 4): measure scores,
component actuals and gaps, attainment E, band and biggest gaps."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

from csplan.engine.facts import AccountFacts, is_number
from csplan.engine.segments import ComponentDef, MeasureDef, ModelDef
from csplan.results import (
    ComponentScore,
    Engagement,
    ExpiredOverride,
    MeasureScore,
    OverrideInForce,
)
from csplan.wording import fmt

ANSWER_SCORES = {"yes": 1.0, "partial": 0.5, "no": 0.0}
NO_EVIDENCE = "no evidence"
# Figures compared against each other or a threshold are rounded to this many
# decimals first, so that float noise (0.1 + 0.2) never decides an order or
# a band.
PRECISION = 9
# SPEC section 9: expired overrides are listed this many days after expiry.
EXPIRED_WINDOW_DAYS = 30


def score_engagement(
    model: ModelDef,
    facts: AccountFacts,
    as_of: date,
    reached: Mapping[str, int],
    totals: Mapping[str, int],
    bands: tuple[tuple[float, str], ...],
) -> Engagement:
    """Score every component of ``model`` at ``as_of``. ``reached`` and
    ``totals`` count milestones by type ("functional", "customer", "all")."""
    components = tuple(_component(c, facts, as_of, reached, totals) for c in model.components)
    num = 0.0
    den = 0.0
    for c in components:
        num += c.weight * min(c.actual, c.desired)
        den += c.weight * c.desired
    # Nothing desired means nothing is missing: fully attained.
    attainment = 100.0 * num / den if den > 0 else 100.0
    band = band_for(attainment, bands)
    return Engagement(
        model=model.id,
        attainment=attainment,
        gap=100.0 - attainment,
        band=band,
        components=components,
        biggest_gaps=biggest_gaps(components),
        attained=num,
        desired_total=den,
        band_min=next((low for low, name in bands if name == band), 0.0),
    )


def band_for(attainment: float, bands: tuple[tuple[float, str], ...]) -> str:
    """The band with the highest ``min`` at or below ``attainment``
    (``bands`` sorted highest min first)."""
    value = round(attainment, PRECISION)
    for low, name in bands:
        if low <= value:
            return name
    return bands[-1][1]  # validation guarantees a band at 0; keep total anyway


def biggest_gaps(components: tuple[ComponentScore, ...]) -> tuple[str, ...]:
    """Components with a gap, largest weight * gap first; ties keep formula order."""
    with_gap = [c for c in components if round(c.gap, PRECISION) > 0]
    with_gap.sort(key=lambda c: -round(c.weight * c.gap, PRECISION))
    return tuple(c.name for c in with_gap)


def _component(
    comp: ComponentDef,
    facts: AccountFacts,
    as_of: date,
    reached: Mapping[str, int],
    totals: Mapping[str, int],
) -> ComponentScore:
    measures = tuple(_measure(m, facts, as_of, reached, totals) for m in comp.measures)
    total_weight = 0.0
    weighted = 0.0
    for m in measures:
        total_weight += m.weight
        weighted += m.weight * m.score
    rule_actual = weighted / total_weight if total_weight > 0 else 0.0
    override = override_in_force(facts, comp.name, as_of)
    # SPEC section 9: the CSM's judgement replaces the rules' figure in every
    # formula (gap, attainment, band, biggest gaps, risk plays); the rules'
    # figure is kept beside it so neither silently hides the other.
    actual = rule_actual if override is None else override.actual
    return ComponentScore(
        comp.name,
        comp.weight,
        comp.desired,
        actual,
        max(0.0, comp.desired - actual),
        measures,
        rule_actual=rule_actual,
        override=override,
    )


def override_in_force(facts: AccountFacts, component: str, as_of: date) -> OverrideInForce | None:
    """The account's override of ``component`` in force at ``as_of`` (since <=
    date <= expires). Two in force at once is an error the checks report; a
    workspace scored anyway (``--keep-going`` skips only erroneous accounts,
    but a caller may score directly) takes the latest ``since``, and of two
    with one ``since`` the one written last: the most recent judgement."""
    found = None
    index = -1
    for i, o in enumerate(facts.account.overrides):
        if (
            o.component == component
            and o.in_force(as_of)
            and (found is None or o.since >= found.since)
        ):
            found, index = o, i
    if found is None:
        return None
    return OverrideInForce(
        actual=found.actual,
        by=found.by,
        reason=found.reason,
        since=found.since,
        expires=found.expires,
        source=facts.source.child("overrides", index),
    )


def expired_overrides(facts: AccountFacts, as_of: date) -> tuple[ExpiredOverride, ...]:
    """Overrides that expired in the 30 days before ``as_of`` (1 <= date -
    expires <= 30), in account order (SPEC section 9): a judgement that just
    went stale is worth a CSM's second look."""
    if not facts.account.overrides:
        return ()
    return tuple(
        ExpiredOverride(
            component=o.component,
            expires=o.expires,
            by=o.by,
            reason=o.reason,
            source=facts.source.child("overrides", i),
        )
        for i, o in enumerate(facts.account.overrides)
        if 1 <= (as_of - o.expires).days <= EXPIRED_WINDOW_DAYS
    )


def _measure(
    m: MeasureDef,
    facts: AccountFacts,
    as_of: date,
    reached: Mapping[str, int],
    totals: Mapping[str, int],
) -> MeasureScore:
    if m.kind == "signal":
        return _signal(m, facts, as_of)
    if m.kind == "question":
        return _question(m, facts, as_of)
    total = totals[m.ref]
    done = reached[m.ref]
    if total == 0:
        return MeasureScore(
            "milestones",
            m.ref,
            m.weight,
            0.0,
            f"{NO_EVIDENCE}: the map has no {m.ref} milestones",
            definition=m.definition,
            no_evidence=True,
            reached=0,
            total=0,
        )
    noun = "milestones" if m.ref == "all" else f"{m.ref} milestones"
    return MeasureScore(
        "milestones",
        m.ref,
        m.weight,
        done / total,
        f"{done} of {total} {noun} reached",
        definition=m.definition,
        value=done / total,
        reached=done,
        total=total,
    )


def _signal(m: MeasureDef, facts: AccountFacts, as_of: date) -> MeasureScore:
    series = facts.series(m.ref)
    i = series.latest(as_of)
    if i < 0:
        return MeasureScore(
            "signal",
            m.ref,
            m.weight,
            0.0,
            NO_EVIDENCE,
            definition=m.definition,
            no_evidence=True,
            good=m.good,
            bad=m.bad,
            max_age_days=m.max_age_days,
        )
    value = series.values[i]
    when = series.dates[i]
    stale = m.max_age_days is not None and (as_of - when).days > m.max_age_days
    usable = not stale and is_number(value)
    if usable:
        score = min(1.0, max(0.0, (value - m.bad) / (m.good - m.bad)))
        evidence = f"{fmt(value)} on {when}"
    else:
        score = 0.0
        why = f"is older than {m.max_age_days} days" if stale else "is not a number"
        evidence = f"{NO_EVIDENCE}: {fmt(value)} on {when} {why}"
    return MeasureScore(
        "signal",
        m.ref,
        m.weight,
        score,
        evidence,
        source=series.ref(i),
        definition=m.definition,
        value=value,
        as_of=when,
        no_evidence=not usable,
        stale=stale,
        good=m.good,
        bad=m.bad,
        max_age_days=m.max_age_days,
    )


def _question(m: MeasureDef, facts: AccountFacts, as_of: date) -> MeasureScore:
    log = facts.answers.get(m.ref)
    latest = None
    if log:
        for entry in log:
            if entry[0] > as_of:
                break
            latest = entry
    if latest is None:
        return MeasureScore(
            "question", m.ref, m.weight, 0.0, NO_EVIDENCE, definition=m.definition, no_evidence=True
        )
    when, answer, index = latest
    return MeasureScore(
        "question",
        m.ref,
        m.weight,
        ANSWER_SCORES[answer],
        f"{answer} ({when})",
        source=facts.source.child("assessments", index),
        definition=m.definition,
        value=answer,
        as_of=when,
    )
