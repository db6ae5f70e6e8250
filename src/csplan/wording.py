"""How figures and names read to a person, wherever they are written: in the
engine's evidence and play texts, the reports and the plans."""

from __future__ import annotations

# SPEC section 4: risk plays name the first three of the biggest gaps.
RISK_GAPS = 3


def fmt(value: object) -> str:
    """A number as a CSM would write it: 12400, 0.55, 0.3 (not 0.30000000000000004)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return format(value, ".10g")
    return str(value)


def component_label(name: str) -> str:
    """A component as a CSM says it: ``product_adoption`` -> "product adoption"."""
    return name.replace("_", " ")
