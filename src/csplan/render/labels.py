"""Plain-English words for the model's codes, shared by both audiences."""

from __future__ import annotations

from datetime import date
from urllib.parse import urlsplit

AREA_LABELS = {
    "sales": "Sales",
    "marketing": "Marketing",
    "thought-leadership": "Insight and thought leadership",
    "onboarding": "Onboarding",
    "professional-services": "Professional services",
    "support": "Support",
    "csm": "Customer success",
    "ecosystem": "Ecosystem and community",
    "product": "Product",
}

COMPONENT_LABELS = {
    "intent": "Customer intent",
    "anticipated_needs": "Anticipated needs",
    "product_adoption": "Product adoption",
    "outcomes": "Outcomes at scale",
    "relationship": "Relationship",
    "communication": "Communication and engagement",
    "education": "Customer education",
    "journey": "Optimal customer journey",
}

VEHICLE_TYPES = {
    "training": "Training",
    "community": "Community",
    "curriculum": "Course",
    "content": "Guide",
    "service": "Service",
}

PLAY_TYPES = {
    "expansion": "Expansion",
    "advocacy": "Advocacy",
    "conversion": "Conversion",
    "risk": "Risk",
}

MILESTONE_TYPES = {"functional": "Product step", "customer": "Your result"}

_SAFE_SCHEMES = ("http", "https", "mailto")
# Not strftime: %B follows the process locale, and a plan must not change
# language with the machine it was rendered on.
_MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


def owner_label(owner: str, account_name: str, vendor: str) -> str:
    """Who does it, in the customer's terms: their name, ours, or both."""
    if owner == "customer":
        return account_name
    if owner == "vendor":
        return vendor
    return f"{account_name} and {vendor}"


def safe_url(link: str | None) -> str | None:
    """``link`` if it is a web or mail address; anything else (``javascript:``,
    ``data:``, relative paths) is dropped so a template cannot turn it into
    a live link."""
    if not link:
        return None
    link = link.strip()
    try:
        scheme = urlsplit(link).scheme.lower()
    except ValueError:
        return None
    return link if scheme in _SAFE_SCHEMES else None


def long_date(value: date | None) -> str:
    """``1 April 2026``: unambiguous in every English-speaking country."""
    if value is None:
        return ""
    return f"{value.day} {_MONTHS[value.month - 1]} {value.year}"


def short_date(value: date | None) -> str:
    """``1 Apr 2026`` for tables and charts."""
    if value is None:
        return ""
    return f"{value.day} {_MONTHS[value.month - 1][:3]} {value.year}"


def number(value: float | int | None) -> str:
    """A figure as people write it: ``12,400``, ``0.68``, ``62``."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if float(value).is_integer():
        return f"{int(value):,}"
    return f"{value:,.2f}".rstrip("0").rstrip(".")


def value(item: object) -> str:
    """Any attribute value in words: numbers as :func:`number`, booleans as
    yes/no, nothing as an empty string."""
    if item is None:
        return ""
    if isinstance(item, bool | int | float):
        return number(item)
    return str(item)
