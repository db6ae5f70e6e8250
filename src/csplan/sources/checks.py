"""Checks of the DataSource documents themselves (SPEC section 8), which
need no connection: they run with validate --no-sources too, so a CI job
without warehouse credentials still catches a password written in a url."""

from __future__ import annotations

from typing import TYPE_CHECKING

from csplan.findings import Finding, make
from csplan.sources import statement
from csplan.sources.url import literal_secret, variables

if TYPE_CHECKING:
    from csplan.model import Workspace


def check_documents(ws: Workspace) -> list[Finding]:
    """Findings of every DataSource document; a source with one is marked
    invalid (``ws.invalid_ids``) and never connected to."""
    found: list[Finding] = []
    for ds in ws.data_sources.values():
        before = len(found)
        if ds.engine == "sql":
            if not ds.url:
                found.append(
                    make(
                        "CSP101",
                        ds.source.child("engine"),
                        f"data source '{ds.id}' uses engine: sql but has no url",
                        "add url: ${CSPLAN_CRM_URL} (an SQLAlchemy URL in an environment variable)",
                    )
                )
            elif literal_secret(ds.url) is not None or not variables(ds.url):
                found.append(
                    make(
                        "CSP502",
                        ds.source.child("url"),
                        f"data source '{ds.id}': "
                        + (literal_secret(ds.url) or "the url is written out").replace(
                            "the url has", "the url has"
                        )
                        + "; credentials belong in environment variables",
                        "write url: ${CSPLAN_CRM_URL} and set that variable where csplan runs",
                    )
                )
        elif ds.url is not None and ("${" in ds.url or "://" in ds.url):
            found.append(
                make(
                    "CSP103",
                    ds.source.child("url"),
                    f"data source '{ds.id}': with engine: duckdb, url is the path of a"
                    " .duckdb file below the workspace root",
                    "use engine: sql for a database server",
                )
            )
        said = statement.problem(ds.query)
        if said is not None:
            found.append(
                make(
                    "CSP503",
                    ds.source.child("query"),
                    f"data source '{ds.id}': {said}",
                    "a data source only reads: give one SELECT (or WITH ... SELECT)",
                )
            )
        if len(found) > before:
            ws.invalid_ids.setdefault("DataSource", set()).add(ds.id)
    return found
