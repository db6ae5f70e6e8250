"""Cross-document rules of SPEC section 3: references, duplicates inside a
document, cycles, dated lists, semantic errors and warnings.

One-document shape (CSP1xx) is checked by the model when documents are built;
everything that needs more than one document, or more than a field's own
value, is checked here, once the whole workspace is loaded.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from csplan.checks import dated, lifecycle, references, semantics, structure, text, warnings
from csplan.checks.context import Index
from csplan.checks.registry import CHECKS

if TYPE_CHECKING:
    from csplan.findings import Finding
    from csplan.model import Workspace

# Imported for their @rule registrations.
_MODULES = (references, structure, dated, semantics, lifecycle, warnings, text)


def run_checks(ws: Workspace) -> list[Finding]:
    """Every finding of the registered checks on ``ws``, in check order.

    Lookup tables are built once (:class:`Index`), so each rule is linear in
    the size of the workspace."""
    index = Index(ws)
    findings: list[Finding] = []
    for _code, check in CHECKS:
        findings.extend(check(index))
    return findings
