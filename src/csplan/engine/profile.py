"""Who the account is against what the segment expects (SPEC section 4):
appropriate-experience coverage and ideal-customer-profile fit."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from csplan.engine.engagement import PRECISION
from csplan.engine.facts import is_number, same
from csplan.engine.segments import SegmentDef
from csplan.findings import SourceRef
from csplan.results import CriterionResult, Experience, Icp

if TYPE_CHECKING:
    from csplan.model import Account, Criterion, IdealCustomerProfile


def score_experience(
    seg: SegmentDef, account: Account, source: SourceRef, as_of: date
) -> Experience:
    """Share of the segment's AX elements in place on ``as_of``."""
    in_place: dict[str, SourceRef] = {}
    base = source.child("experience")
    for i, entry in enumerate(account.experience):
        if isinstance(entry, str):
            element = entry
        elif entry.since is None or entry.since <= as_of:
            element = entry.element
        else:
            continue
        in_place.setdefault(element, base.child(i))
    elements = seg.experience.elements
    present = tuple(e.id for e in elements if e.id in in_place)
    missing = tuple(e.id for e in elements if e.id not in in_place)
    return Experience(
        id=seg.experience.id,
        coverage=len(present) / len(elements) if elements else 0.0,
        in_place=present,
        missing=missing,
        missing_required=tuple(e.id for e in elements if e.required and e.id not in in_place),
        mismatched=tuple(e for e in in_place if e not in seg.element_ids),
        sources=tuple(in_place.items()),
    )


def score_icp(icp: IdealCustomerProfile | None, account: Account, source: SourceRef) -> Icp | None:
    """Weighted share of the ICP's criteria the account's attributes meet."""
    if icp is None:
        return None
    attributes = account.attributes
    base = source.child("attributes")
    results = []
    met_weight = 0.0
    total = 0.0
    missing: list[str] = []
    for crit in icp.criteria:
        value = attributes.get(crit.attribute)
        absent = value is None  # a key written as null is as good as absent
        met = not absent and meets(crit, value)
        if absent and crit.attribute not in missing:
            missing.append(crit.attribute)
        total += crit.weight
        if met:
            met_weight += crit.weight
        operator = crit.operator
        results.append(
            CriterionResult(
                attribute=crit.attribute,
                met=met,
                weight=crit.weight,
                value=value,
                missing=absent,
                operator=operator,
                expected=getattr(crit, "in_" if operator == "in" else operator),
                source=None if absent else base.child(crit.attribute),
            )
        )
    # Criteria that all weigh 0 say nothing matters: every account fits.
    fit = met_weight / total if total > 0 else 1.0
    return Icp(
        id=icp.id,
        fit=fit,
        ideal=round(fit, PRECISION) >= icp.fit_threshold,
        threshold=icp.fit_threshold,
        missing_attributes=tuple(missing),
        criteria=tuple(results),
        met_weight=met_weight,
        total_weight=total,
    )


def meets(crit: Criterion, value: Any) -> bool:
    """Whether an attribute value meets an ICP criterion; numbers compare as
    numbers only (a bool is never a number, "200" is not 200)."""
    if crit.in_ is not None:
        return any(same(value, option) for option in crit.in_)
    if crit.equals is not None:
        return same(value, crit.equals)
    if not is_number(value):
        return False
    if crit.between is not None:
        low, high = crit.between
        return bool(low <= value <= high)
    if crit.at_least is not None:
        return bool(value >= crit.at_least)
    return bool(value <= crit.at_most)
