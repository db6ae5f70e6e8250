"""The configuration changes between two versions of a workspace (SPEC
section 7): documents added, removed and modified, and for a modified one
the key paths whose values differ, compared as written (no defaults filled
in). Accounts are documents too: their evidence edits are listed.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from csplan.model import KINDS, Workspace
from csplan.results import DocumentChange, PathChange

# Kinds in SPEC section 2 order: the settings and the catalogue first, the
# accounts last. A kind the model does not know sorts after them by name.
_KIND_ORDER = {kind: n for n, kind in enumerate(KINDS)}


def configuration_changes(base: Workspace | None, head: Workspace) -> tuple[DocumentChange, ...]:
    """Every document added, removed or modified from ``base`` to ``head``,
    by (kind, id) whatever file holds it (a document moved to another file
    is not a change), in kind then id order. The Workspace settings
    document has the id "" (its name may change). ``base`` None: there was
    no workspace, and every document is added."""
    before = _documents(base) if base is not None else {}
    after = _documents(head)
    changes: list[DocumentChange] = []
    for key in sorted(before.keys() | after.keys(), key=_order):
        kind, ident = key
        if key not in before:
            changes.append(DocumentChange(kind, ident, "added"))
        elif key not in after:
            changes.append(DocumentChange(kind, ident, "removed"))
        elif not _identical(before[key], after[key]):
            paths = tuple(_paths("", before[key], after[key]))
            if paths:
                changes.append(DocumentChange(kind, ident, "modified", paths))
    return tuple(changes)


def _identical(a: Any, b: Any) -> bool:
    """Whether two documents are written alike, in one C-speed pass: most
    documents of a portfolio are untouched between two versions, and walking
    each of them key by key cost as much as scoring them. JSON text keeps
    what Python's == would blur (true is not 1); a document it cannot
    encode is walked."""
    import json

    try:
        return json.dumps(a, check_circular=False) == json.dumps(b, check_circular=False)
    except (TypeError, ValueError):
        return False


def _order(key: tuple[str, str]) -> tuple[int, str, str]:
    return (_KIND_ORDER.get(key[0], len(_KIND_ORDER)), key[0], key[1])


def _documents(ws: Workspace) -> dict[tuple[str, str], dict[str, Any]]:
    # The raw documents as parsed, in file order; the first of two with the
    # same kind and id wins (a duplicate is an error on that side anyway).
    found: dict[tuple[str, str], dict[str, Any]] = {}
    for file in sorted(ws.sources):
        for data in ws.sources[file].documents:
            if not isinstance(data, dict) or not isinstance(data.get("kind"), str):
                continue
            kind = data["kind"]
            ident = "" if kind == "Workspace" else data.get("id")
            key = (kind, ident if isinstance(ident, str) else str(ident))
            found.setdefault(key, data)
    return found


def _paths(path: str, before: Any, after: Any) -> Iterator[PathChange]:
    if isinstance(before, dict) and isinstance(after, dict):
        # Document order: the base's keys, then those only the head has.
        for key in [*before, *(k for k in after if k not in before)]:
            yield from _paths(_join(path, key), before.get(key), after.get(key))
    elif isinstance(before, list) and isinstance(after, list):
        yield from _list_paths(path, before, after)
    elif not _same(before, after):
        yield PathChange(path, before, after)


def _list_paths(path: str, before: list[Any], after: list[Any]) -> Iterator[PathChange]:
    before_ids, after_ids = _ids(before), _ids(after)
    if before_ids is None or after_ids is None:
        for n in range(max(len(before), len(after))):
            yield from _paths(
                f"{path}[{n}]",
                before[n] if n < len(before) else None,
                after[n] if n < len(after) else None,
            )
        return
    # Items with an id are matched by it, wherever they moved in the list.
    old = dict(zip(before_ids, before, strict=True))
    new = dict(zip(after_ids, after, strict=True))
    for ident in [*before_ids, *(i for i in after_ids if i not in old)]:
        yield from _paths(f"{path}[{ident}]", old.get(ident), new.get(ident))
    # Their order may mean something (milestones are in route order): a
    # reordering is one change of the list, shown as its ids.
    kept_before = [i for i in before_ids if i in new]
    kept_after = [i for i in after_ids if i in old]
    if kept_before != kept_after:
        yield PathChange(path, before_ids, after_ids)


def _ids(items: list[Any]) -> list[str] | None:
    # Named by id only when every item is a mapping with its own scalar id:
    # otherwise positions are the only names that mean the same on both sides.
    ids = []
    for item in items:
        ident = item.get("id") if isinstance(item, dict) else None
        if not isinstance(ident, str | int) or isinstance(ident, bool):
            return None
        ids.append(str(ident))
    return ids if len(set(ids)) == len(ids) else None


def _join(path: str, key: Any) -> str:
    return f"{path}.{key}" if path else str(key)


def _same(a: Any, b: Any) -> bool:
    # As written: true is not 1 (Python says it is), while 2 and 2.0 are
    # the same number.
    if isinstance(a, bool) or isinstance(b, bool):
        return type(a) is type(b) and a == b
    if isinstance(a, int | float) and isinstance(b, int | float):
        return a == b
    return type(a) is type(b) and bool(a == b)
