"""csplan: success plans as code.

The library API; the command line is a thin layer over it::

    import csplan
    result = csplan.load_workspace("examples/acme-mail")
    for finding in result.findings:
        print(finding.file, finding.line, finding.message)

Heavy modules load on first use, so ``import csplan`` is cheap.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from csplan._version import __version__

if TYPE_CHECKING:
    from csplan.rendering import render_plan
    from csplan.scoring import score
    from csplan.workspace import LoadResult, Workspace, load_workspace

__all__ = ["LoadResult", "Workspace", "__version__", "load_workspace", "render_plan", "score"]

_LAZY = {
    "load_workspace": "csplan.workspace",
    "LoadResult": "csplan.workspace",
    "Workspace": "csplan.workspace",
    "score": "csplan.scoring",
    "render_plan": "csplan.rendering",
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'csplan' has no attribute {name!r}")
    import importlib

    return getattr(importlib.import_module(module), name)
