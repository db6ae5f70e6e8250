"""The registry of cross-document checks: one function per rule, by code.

A check is a function of the :class:`~csplan.checks.context.Index` that yields
findings of its own rule code. Adding a rule is one new function with the
:func:`rule` decorator in one of the check modules.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING

from csplan.findings import RULES

if TYPE_CHECKING:
    from csplan.checks.context import Index
    from csplan.findings import Finding

Check = Callable[["Index"], Iterable["Finding"]]

# (code, function) in registration order, which is the order checks run in.
CHECKS: list[tuple[str, Check]] = []


def rule(code: str) -> Callable[[Check], Check]:
    """Register the decorated function as a check of rule ``code``."""
    if code not in RULES:
        raise ValueError(f"unknown rule code {code}")

    def register(check: Check) -> Check:
        CHECKS.append((code, check))
        return check

    return register


def codes() -> set[str]:
    """Rule codes that have at least one registered check."""
    return {code for code, _ in CHECKS}
