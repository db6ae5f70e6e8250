"""csplan: success plans as code.

The library API (:mod:`csplan.api`); the command line is a thin layer over it::

    import csplan
    result = csplan.load_workspace("examples/acme-mail")
    for finding in result.findings:
        print(finding.file, finding.line, finding.message)
    scores = csplan.score(result, as_of="2026-11-01")

Heavy modules load on first use, so ``import csplan`` is cheap.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from csplan._version import __version__

if TYPE_CHECKING:
    from csplan.api import (
        iter_scores,
        load_workspace,
        make_scorer,
        read_signals,
        render,
        render_plan,
        schema,
        score,
    )
    from csplan.findings import Finding
    from csplan.model import Workspace
    from csplan.results import AccountScore, LoadResult

__all__ = [
    "AccountScore",
    "Finding",
    "LoadResult",
    "Workspace",
    "__version__",
    "iter_scores",
    "load_workspace",
    "make_scorer",
    "read_signals",
    "render",
    "render_plan",
    "schema",
    "score",
]

_LAZY = {
    "load_workspace": "csplan.api",
    "score": "csplan.api",
    "iter_scores": "csplan.api",
    "make_scorer": "csplan.api",
    "read_signals": "csplan.api",
    "render": "csplan.api",
    "render_plan": "csplan.api",
    "schema": "csplan.api",
    "Finding": "csplan.findings",
    "Workspace": "csplan.model",
    "LoadResult": "csplan.results",
    "AccountScore": "csplan.results",
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'csplan' has no attribute {name!r}")
    import importlib

    return getattr(importlib.import_module(module), name)
