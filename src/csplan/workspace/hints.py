"""Quoting hints for the two ways unquoted prose breaks YAML.

Customer-facing text is prose, and prose has commas and colons. Written plain
inside ``{...}``, a comma ends the value and the rest of the sentence becomes
a key (``unknown field 'no sales call'``); anywhere, ``: `` inside a plain
value starts a new key (a syntax error that looks like bad indentation). Both
are fixed by quoting the text, so both findings say so, with the user's own
text as the example.
"""

from __future__ import annotations

import re
from typing import Any

# yaml-rs words these two errors "mapping values are not allowed in this
# context" and "did not find expected ',' or '}'"; libyaml "... here".
_COLON_PROBLEMS = ("mapping values are not allowed", "expected ','")
_FLOW_PUNCTUATION = re.compile(r"[{}\[\],]")
_COMMENT = re.compile(r"(?:^|[ \t])#.*$")
_KEY_SEPARATOR = re.compile(r":(?:[ \t]|$)")
_QUOTES = ("'", '"')


def syntax_hint(problem: str, line_text: str) -> str | None:
    """The quoting hint for a YAML syntax error ``problem`` reported on a line
    whose text is ``line_text``, or None when the error is not a ``: ``
    inside a plain value."""
    lowered = problem.lower()
    if not any(words in lowered for words in _COLON_PROBLEMS):
        return None
    found = _colon_in_value(line_text)
    if found is None:
        return None
    key, value = found
    return f"a ': ' inside a text starts a new key: quote the text, e.g. {key}: {_quote(value)}"


def comma_hint(mapping: Any, key: object) -> str | None:
    """The quoting hint for an unknown field ``key`` of ``mapping`` that is
    really the rest of the previous value, cut at a comma inside ``{...}``:
    the key reads like prose (has a space) or has no value, and the field
    before it holds text. None otherwise."""
    if not isinstance(mapping, dict) or not isinstance(key, str) or key not in mapping:
        return None
    if mapping[key] is not None and " " not in key:
        return None
    keys = list(mapping)
    at = keys.index(key)
    if at == 0:
        return None
    previous = keys[at - 1]
    text = mapping[previous]
    if not isinstance(previous, str) or not isinstance(text, str):
        return None
    # "{a: x, b c: d}": a colon after the comma cut the sentence a second time.
    rest = key if mapping[key] is None else f"{key}: {mapping[key]}"
    whole = f"{text}, {rest}"
    return (
        f"a comma inside {{...}} ends the value: quote the text, e.g. {previous}: {_quote(whole)}"
    )


def _colon_in_value(line_text: str) -> tuple[str, str] | None:
    """(key, value) of the first plain value on the line that holds ': '."""
    line = _COMMENT.sub("", line_text).rstrip()
    stripped = line.lstrip(" -\t")
    head = _KEY_SEPARATOR.search(stripped)
    flow = stripped.startswith(("{", "[")) or (
        head is not None and stripped[head.end() :].lstrip().startswith(("{", "["))
    )
    # Block style: the value runs to the end of the line; flow style: to the next , ] or }.
    segments = [stripped] if head is not None and not flow else _FLOW_PUNCTUATION.split(line)
    for segment in segments:
        segment = segment.strip().lstrip("- \t").strip()
        first = _KEY_SEPARATOR.search(segment)
        if first is None or first.start() == 0:
            continue
        key, value = segment[: first.start()].strip(), segment[first.end() :].strip()
        if not value or value.startswith(_QUOTES) or key.startswith(_QUOTES):
            continue
        if _KEY_SEPARATOR.search(value):
            return key, value
    return None


def _quote(text: str) -> str:
    """``text`` as a quoted YAML scalar that reads back the same."""
    if '"' not in text and "\\" not in text:
        return f'"{text}"'
    return "'" + text.replace("'", "''") + "'"
