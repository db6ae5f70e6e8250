"""Cross-document rules of SPEC section 3 (filled in by the checks module)."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from csplan.findings import Finding
    from csplan.workspace import Workspace


def run_checks(ws: Workspace) -> list[Finding]:
    return []
