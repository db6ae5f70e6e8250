"""Documents -> models: one document at a time, pydantic errors -> findings.

Pydantic reports an error at a ``loc`` that mixes real keys of the document
with labels of union members (``str``, ``~entry``); :func:`_data_path` keeps
only the parts that exist in the data, so every finding points at a real node.
"""

from __future__ import annotations

import types
import typing
from typing import Any

from pydantic import BaseModel, ValidationError

from csplan.findings import Finding, SourceRef, did_you_mean, make
from csplan.workspace.model import KINDS, Document

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
    """Validate one document of a known ``kind``."""
    model = KINDS[kind]
    try:
        doc = model.model_validate(data)
    except ValidationError as exc:
        return None, _findings(exc, data, ref, model)
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


def _describe(value: Any) -> str:
    if value is None:
        return "empty"
    if isinstance(value, bool):
        return f"true/false ({str(value).lower()})"
    if isinstance(value, int | float):
        return f"the number {value}"
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
    return make(
        "CSP101", ref.child(*path), f"missing required field '{field}'{label}", f"add '{field}:'"
    )


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
    if kinds & {"greater_than_equal", "less_than_equal", "greater_than", "less_than"}:
        return make("CSP106", at, f"'{field}' {first['msg'].lower()}, not {value}", None)
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
        hint = f'quote it: {field}: "{value}"'
    elif "text" in expected and isinstance(value, bool):
        hint = f'quote it: {field}: "{str(value).lower()}"'
    elif expected == "true or false" and isinstance(value, str):
        hint = f"only true and false are booleans (YAML 1.2): write {field}: true or {field}: false"
    elif "number" in expected and isinstance(value, str):
        hint = "write a plain number without quotes or units, e.g. 48000"
    elif "mapping" in expected and isinstance(value, str):
        hint = "write it as key: value pairs on the lines below, indented"
    return make("CSP103", at, f"'{field}' must be {expected}, not {_describe(value)}", hint)


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
