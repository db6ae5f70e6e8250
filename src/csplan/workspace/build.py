"""Documents -> models: one document at a time, pydantic errors -> findings.

Pydantic reports an error at a ``loc`` that mixes real keys of the document
with labels of union members (``str``, ``~entry``); :func:`_data_path` keeps
only the parts that exist in the data, so every finding points at a real node.

A document that fails is still built from the parts that can be read
(:func:`_salvage`, SPEC section 3 "All at once"), so that the cross-document
checks see it too: a misspelt key and a dangling segment are one run.
"""

from __future__ import annotations

import difflib
import functools
import math
import types
import typing
from dataclasses import dataclass
from typing import Any, ClassVar

from pydantic import BaseModel, Field, PrivateAttr, ValidationError, create_model

from csplan.findings import Finding, PathPart, RowRef, SourceRef, did_you_mean, make
from csplan.model import KINDS, MAX_NUMBER, Document

_MISSING = object()

_TYPE_WORDS = {
    "string_type": "text",
    "int_type": "a number",
    "float_type": "a number",
    "bool_type": "true or false",
    "dict_type": "a mapping (key: value)",
    "model_type": "a mapping (key: value)",
    "list_type": "a list",
    "date_type": "a date written YYYY-MM-DD",
    "none_required": "empty",
}
# What a union-typed field expects, by field name, for messages.
_UNION_WORDS = {
    "segment": "a segment id, or a dated list of {since, segment}",
    "reached": "a date, or a list of dates",
    "experience": "an element id, or {element, since}",
    "measures": "a measure: {signal, good, bad}, {question, text} or {milestones}",
}


def build_document(
    kind: str, data: dict[str, Any], ref: SourceRef
) -> tuple[Document | None, list[Finding]]:
    """Validate one document of a known ``kind``.

    With shape errors, the findings come with a partial document
    (``doc.partial``) built from what can be read, or None when nothing
    useful can be (its id, say, is not readable)."""
    model = KINDS[kind]
    try:
        doc = model.model_validate(data)
    except ValidationError as exc:
        problems = _findings(exc, data, ref, model)
        return _salvage(kind, data, ref, exc), problems
    doc._source = ref
    return doc, []


def _findings(
    exc: ValidationError, data: Any, ref: SourceRef, model: type[BaseModel]
) -> list[Finding]:
    grouped: dict[tuple[Any, ...], list[dict[str, Any]]] = {}
    for error in exc.errors(include_url=False):
        err: dict[str, Any] = dict(error)
        path, rest = _data_path(data, err["loc"])
        if err["type"] == "missing":
            # The missing field is the first part not in the data.
            field = next((p for p in rest if isinstance(p, str) and not p.startswith("~")), None)
            if field is None or _is_label(field):
                field = str(err["loc"][-1])
            key = (*path, ("missing", field))
        else:
            key = tuple(path)
        grouped.setdefault(key, []).append(err)
    findings = []
    for key, errs in grouped.items():
        if key and isinstance(key[-1], tuple) and key[-1][0] == "missing":
            findings.append(_missing(ref, list(key[:-1]), key[-1][1], model))
        else:
            findings.append(_one(ref, list(key), errs, data, model))
    return findings


def _is_label(part: Any) -> bool:
    return isinstance(part, str) and (part.startswith("~") or "[" in part or part in _TYPE_LABELS)


_TYPE_LABELS = {
    "str",
    "int",
    "float",
    "bool",
    "none",
    "list",
    "dict",
    "date",
    "function-after",
    "nullable",
}


def _data_path(data: Any, loc: tuple[Any, ...]) -> tuple[list[Any], list[Any]]:
    """Split ``loc`` into the longest path present in ``data`` and the rest,
    dropping union labels on the way."""
    path: list[Any] = []
    node = data
    parts = list(loc)
    i = 0
    while i < len(parts):
        part = parts[i]
        if part == "[key]":
            i += 1
            continue
        if isinstance(node, dict) and part in node:
            node = node[part]
            path.append(part)
        elif isinstance(node, dict) and part == "in_" and "in" in node:
            node = node["in"]
            path.append("in")
        elif isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node):
            node = node[part]
            path.append(part)
        elif _is_label(part) or (isinstance(part, str) and not isinstance(node, dict)):
            pass
        else:
            return path, parts[i:]
        i += 1
    return path, []


def _value_at(data: Any, path: list[Any]) -> Any:
    node = data
    for part in path:
        try:
            node = node[part]
        except (KeyError, IndexError, TypeError):
            return _MISSING
    return node


def _field_name(path: list[Any]) -> str:
    for part in reversed(path):
        if isinstance(part, str):
            return part
    return "value"


_RANGE = {"greater_than_equal", "less_than_equal", "greater_than", "less_than"}


def _huge(value: int) -> bool:
    return abs(value) > MAX_NUMBER


def _yaml_number(value: Any) -> str:
    """A number as written in YAML (.nan, -.inf), a huge one by its size."""
    if isinstance(value, float) and not math.isfinite(value):
        return ".nan" if math.isnan(value) else ("-.inf" if value < 0 else ".inf")
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) > 10**20:
        # str() of an int past 4300 digits raises; the size is what matters.
        digits = len(f"{abs(value):x}") * 4 * 0.30103
        return f"a number of about {int(digits) + 1} digits"
    return str(value)


def _describe(value: Any) -> str:
    if value is None:
        return "empty"
    if isinstance(value, bool):
        return f"true/false ({str(value).lower()})"
    if isinstance(value, int | float):
        shown = _yaml_number(value)
        return shown if shown.startswith("a number") else f"the number {shown}"
    if isinstance(value, str):
        return f"the text '{value}'" if len(value) < 40 else "text"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    return type(value).__name__


def _missing(ref: SourceRef, path: list[Any], field: str, model: type[BaseModel]) -> Finding:
    where = f" in {_field_name(path)}" if path else ""
    kind = getattr(model.model_fields.get("kind"), "annotation", None)
    owner = typing.get_args(kind)[0] if path == [] and kind is not None else None
    label = f" in this {owner}" if owner else where
    hint = f"add '{field}:'"
    if isinstance(ref, RowRef) and not path:
        # An account that is only a data source's row: the column, or a YAML
        # account with its id, can give the field.
        columns = _ROW_COLUMNS.get(field, field)
        hint = f"give the row's {columns}, or an Account YAML with id '{ref.row_id}' and '{field}:'"
    return make("CSP101", ref.child(*path), f"missing required field '{field}'{label}", hint)


_ROW_COLUMNS = {"desired_outcomes": "outcome, baseline and target columns"}


def _one(
    ref: SourceRef, path: list[Any], errs: list[dict[str, Any]], data: Any, model: type[BaseModel]
) -> Finding:
    kinds = {e["type"] for e in errs}
    field = _field_name(path)
    value = _value_at(data, path)
    at = ref.child(*path)
    first = errs[0]
    if "extra_forbidden" in kinds:
        allowed = _allowed_keys(model, path[:-1])
        hint = did_you_mean(str(path[-1]), allowed) if allowed else None
        if hint is None or " " in str(path[-1]):
            # Prose cut at a comma inside {...} reads as a key: the fix is quoting.
            from csplan.workspace.hints import comma_hint

            hint = comma_hint(_value_at(data, path[:-1]), path[-1]) or hint
        if hint is None and allowed:
            hint = "allowed here: " + ", ".join(sorted(allowed))
        return make("CSP102", ref.child(*path, key=True), f"unknown field '{path[-1]}'", hint)
    if "string_pattern_mismatch" in kinds:
        is_signal = "a-z0-9_" in str(first.get("ctx", {}).get("pattern", ""))
        if is_signal:
            hint = "signal names are snake_case: lowercase letters, digits and _, first a letter"
        else:
            hint = "ids use lowercase letters, digits and hyphens, e.g. 'northwind-events'"
        name = path[-1] if first["loc"][-1] == "[key]" else value
        key = first["loc"][-1] == "[key]"
        what = "signal name" if is_signal else "id"
        return make("CSP104", ref.child(*path, key=key), f"'{name}' is not a valid {what}", hint)
    if "literal_error" in kinds:
        expected = str(first.get("ctx", {}).get("expected", ""))
        choices = [c.strip().strip("'") for c in expected.replace(" or ", ", ").split(",")]
        hint = did_you_mean(str(value), choices) if isinstance(value, str) else None
        return make(
            "CSP105", at, f"'{field}' must be one of {expected}, not {_describe(value)}", hint
        )
    if "finite_number" in kinds or (
        isinstance(value, float) and not math.isfinite(value) and "float_type" not in kinds
    ):
        return make(
            "CSP106",
            at,
            f"'{field}' must be a finite number, not {_yaml_number(value)}",
            "write a plain number such as 0.5; .nan and .inf are not figures",
        )
    ranged = [e for e in errs if e["type"] in _RANGE]
    numeric = kinds <= _RANGE | {"float_type", "int_type"}
    if ranged or (
        numeric and isinstance(value, int) and not isinstance(value, bool) and _huge(value)
    ):
        msg = ranged[0]["msg"].lower() if ranged else "must be a number a float holds exactly"
        return make("CSP106", at, f"'{field}' {msg}, not {_yaml_number(value)}", None)
    if "csp_date" in kinds:
        problem = (
            first["msg"]
            if "calendar" in first["msg"]
            else f"{first['msg']}, not {_describe(value)}"
        )
        return make(
            "CSP107", at, f"'{field}': {problem}", "write dates as YYYY-MM-DD, e.g. 2026-03-01"
        )
    if "invalid_key" in kinds:
        key = first.get("input")
        # pydantic names a None key 'None', which is not in the data: then
        # the path stops at the mapping that holds it.
        at = ref.child(*path, key=True) if path and path[-1] == key else at
        if key is None:
            return make("CSP103", at, "a key is empty", "write the key before the ':'")
        return make("CSP103", at, f"key {key!r} must be text", f'quote it: "{key}":')
    if "csp_operator" in kinds:
        return make("CSP108", at, first["msg"], None)
    if kinds & {"too_short"} and isinstance(value, list | dict):
        return make("CSP101", at, f"'{field}' needs at least one entry", None)
    return _wrong_type(at, field, value, errs)


def _wrong_type(at: SourceRef, field: str, value: Any, errs: list[dict[str, Any]]) -> Finding:
    if field in _UNION_WORDS and any(e["type"].startswith("union_tag") for e in errs):
        expected = _UNION_WORDS[field]
    else:
        found = (_TYPE_WORDS.get(e["type"]) for e in errs)
        words = [w for w in dict.fromkeys(found) if w]
        expected = " or ".join(words) if words else errs[0]["msg"].lower()
    hint = None
    if "text" in expected and isinstance(value, int | float | bool) and not isinstance(value, bool):
        # str() of an int past 4300 digits raises, and the text would be unreadable.
        shown = value if abs(value) <= 10**20 else "..."
        hint = f'quote it: {field}: "{shown}"'
    elif "text" in expected and isinstance(value, bool):
        hint = f'quote it: {field}: "{str(value).lower()}"'
    elif expected == "true or false" and isinstance(value, str):
        hint = f"only true and false are booleans (YAML 1.2): write {field}: true or {field}: false"
    elif "number" in expected and isinstance(value, str):
        hint = "write a plain number without quotes or units, e.g. 48000"
    elif "mapping" in expected and isinstance(value, str):
        hint = "write it as key: value pairs on the lines below, indented"
    return make("CSP103", at, f"'{field}' must be {expected}, not {_describe(value)}", hint)


# --- partial documents --------------------------------------------------------

DataPath = tuple[Any, ...]
# Each offending value is dropped at the deepest path pydantic names, then the
# rest is validated again; a drop can only uncover errors one level up (an
# item left without a required field), so a few rounds always settle.
_MAX_ROUNDS = 20


class _Partial(Document):
    """Mixed into every partial model (:func:`_partial_model`)."""

    partial: ClassVar[bool] = True
    # Paths (in the document as written) of the model values left out; an
    # unknown key is not one: it never held anything the checks could see.
    _dropped: tuple[DataPath, ...] = PrivateAttr(default=())

    def intact(self, *path: PathPart) -> bool:
        if not self._dropped:
            return True
        where = self.source.child(*path).path
        return not any(d[: len(where)] == where or where[: len(d)] == d for d in self._dropped)


@dataclass(frozen=True, slots=True)
class _Remapped(SourceRef):
    """The source of a partial document: list items were dropped from its
    model, so index ``i`` of a list there is item ``kept[i]`` in the file."""

    kept: tuple[tuple[DataPath, tuple[int, ...]], ...] = ()

    def child(self, *parts: PathPart, key: bool = False) -> SourceRef:
        path = _original((*self.path, *parts), dict(self.kept), len(self.path))
        return _Remapped(self.file, self.doc, path, key, self.kept)


def _original(path: DataPath, kept: dict[DataPath, tuple[int, ...]], start: int = 0) -> DataPath:
    """``path`` in a pruned copy -> the same node's path in the data as written."""
    out = list(path[:start])
    for part in path[start:]:
        if isinstance(part, int) and not isinstance(part, bool):
            table = kept.get(tuple(out))
            if table is not None and 0 <= part < len(table):
                part = table[part]
        out.append(part)
    return tuple(out)


@functools.cache
def _partial_model(kind: str) -> type[Document]:
    """``KINDS[kind]`` with every required field optional: None when it cannot
    be read, an empty list for a list (so that checks iterating it just see
    nothing). Constraints on present values stay as they are."""
    model = KINDS[kind]
    fields: dict[str, Any] = {}
    for name, info in model.model_fields.items():
        if name == "kind" or not info.is_required():
            continue
        annotation = info.rebuild_annotation()
        if typing.get_origin(info.annotation) is list:
            fields[name] = (annotation, Field(default_factory=list))
        else:
            fields[name] = (annotation | None, None)
    # _Partial first, so that its intact() is the one called.
    return create_model("Partial" + model.__name__, __base__=(_Partial, model), **fields)


def _salvage(
    kind: str, data: dict[str, Any], ref: SourceRef, exc: ValidationError
) -> Document | None:
    """The readable parts of ``data`` as a partial document, or None when its
    id cannot be read (a document without an id cannot be referred to, nor
    named in a message) or the errors do not settle."""
    model = _partial_model(kind)
    # Paths (as written) of the values left out of the model...
    dropped: set[DataPath] = set()
    # ... and of what the checks must not take as absent: each of those
    # values, a required field not written, the field a misspelt key was
    # probably meant to be (`stakeholder:` hides the champion).
    unseen: set[DataPath] = set()
    _collect(exc.errors(include_url=False), data, {}, dropped, unseen, KINDS[kind])
    for _ in range(_MAX_ROUNDS):
        working, kept = _prune(data, dropped)
        try:
            doc = model.model_validate(working)
        except ValidationError as again:
            errors = again.errors(include_url=False)
            if not _collect(errors, working, kept, dropped, unseen, KINDS[kind]):
                return None
            continue
        if kind != "Workspace" and getattr(doc, "id", None) is None:
            return None
        # A data source's row has no inner positions to remap: keep it, so
        # that later findings still name the source and row (SPEC section 8).
        doc._source = (
            ref
            if isinstance(ref, RowRef)
            else _Remapped(ref.file, ref.doc, ref.path, ref.key, tuple(kept.items()))
        )
        doc._dropped = tuple(unseen)  # type: ignore[attr-defined]
        return doc
    return None


def _collect(
    errors: list[Any],
    working: Any,
    kept: dict[DataPath, tuple[int, ...]],
    dropped: set[DataPath],
    unseen: set[DataPath],
    model: type[BaseModel],
) -> bool:
    """Add the path of each error's offending value to ``dropped`` (and
    ``unseen``); whether anything new was dropped."""
    new = False
    for err in errors:
        path, rest = _data_path(working, err["loc"])
        if err["type"] == "invalid_key" and not (path and path[-1] == err.get("input")):
            path.append(err.get("input"))  # a key that is not text: drop that entry only
        elif err["type"] == "missing" and not path:
            # A required field of the document itself: nothing to drop, the
            # partial model reads it as None (or empty).
            field = next((p for p in rest if isinstance(p, str) and not _is_label(p)), None)
            if field is not None:
                unseen.add((field,))
            continue
        # A missing field takes the mapping that needed it (path) with it.
        if not path:
            continue
        original = _original(tuple(path), kept)
        if original in dropped:
            continue
        dropped.add(original)
        new = True
        if err["type"] != "extra_forbidden":
            unseen.add(original)
            continue
        # An unknown key held nothing the model reads, unless it is a
        # misspelling (the same closeness as the did-you-mean hint).
        close = difflib.get_close_matches(
            str(path[-1]), _allowed_keys(model, path[:-1]), n=1, cutoff=0.6
        )
        if close:
            unseen.add((*original[:-1], close[0]))
    return new


def _prune(data: Any, dropped: set[DataPath]) -> tuple[Any, dict[DataPath, tuple[int, ...]]]:
    """A copy of ``data`` without the ``dropped`` paths (only what leads to
    them is copied), and for each list that lost items the original indices
    of the items kept."""
    on_the_way = {path[:i] for path in dropped for i in range(len(path))}
    kept: dict[DataPath, tuple[int, ...]] = {}

    def walk(node: Any, path: DataPath) -> Any:
        if path not in on_the_way:
            return node
        if isinstance(node, dict):
            return {k: walk(v, (*path, k)) for k, v in node.items() if (*path, k) not in dropped}
        if isinstance(node, list):
            keep = tuple(i for i in range(len(node)) if (*path, i) not in dropped)
            if len(keep) != len(node):
                kept[path] = keep
            return [walk(node[i], (*path, i)) for i in keep]
        return node

    return walk(data, ()), kept


# --- field names for did-you-mean ------------------------------------------


def _allowed_keys(model: type[BaseModel], path: list[Any]) -> list[str]:
    """Field names of the model found at ``path`` under ``model``."""
    current: Any = model
    for part in path:
        current = _step(current, part)
        if current is None:
            return []
    current = _unwrap_model(current)
    if current is None:
        return []
    return [f.alias or name for name, f in current.model_fields.items()]


def _unwrap_model(tp: Any) -> type[BaseModel] | None:
    if isinstance(tp, type) and issubclass(tp, BaseModel):
        return tp
    for arg in typing.get_args(tp):
        found = _unwrap_model(arg)
        if found is not None:
            return found
    return None


def _step(tp: Any, part: Any) -> Any:
    origin = typing.get_origin(tp)
    if origin is typing.Annotated:
        return _step(typing.get_args(tp)[0], part)
    if isinstance(tp, type) and issubclass(tp, BaseModel):
        if not isinstance(part, str):
            return None
        for name, f in tp.model_fields.items():
            if part in (name, f.alias):
                return f.annotation
        return None
    if origin in (list, tuple):
        return typing.get_args(tp)[0] if isinstance(part, int) else None
    if origin is dict:
        return typing.get_args(tp)[1]
    if origin in (typing.Union, types.UnionType):
        for arg in typing.get_args(tp):
            found = _step(arg, part)
            if found is not None:
                return found
    return None
