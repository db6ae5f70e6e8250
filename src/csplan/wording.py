"""How figures and names read to a person, wherever they are written: in the
engine's evidence and play texts, the reports and the plans."""

from __future__ import annotations

import re

from csplan.findings import RowRef

# SPEC section 4: risk plays name the first three of the biggest gaps.
RISK_GAPS = 3


def fmt(value: object) -> str:
    """A number as a CSM would write it: 12400, 0.55, 0.3 (not 0.30000000000000004)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return format(value, ".10g")
    return str(value)


def component_label(name: str) -> str:
    """A component as a CSM says it: ``product_adoption`` -> "product adoption"."""
    return name.replace("_", " ")


# C0 controls but tab and newline, DEL, and C1 controls: a terminal obeys them
# (ESC starts a sequence that can clear the screen or retitle the window).
# Lone surrogates are bytes of a file name that is not UTF-8 (os.fsdecode):
# they cannot be written as UTF-8 at all.
_CONTROLS = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff]")
_SURROGATES = re.compile("[\ud800-\udfff]")


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    if 0xDC80 <= code <= 0xDCFF:  # surrogateescape: the original byte
        return f"\\x{code - 0xDC00:02x}"
    return f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}"


def printable(text: str) -> str:
    """``text`` with every control character but tab and newline, and every
    byte of a file name that is not UTF-8, written as an escape (``\\x1b``,
    ``\\xff``), for any output a person reads: a terminal, a plan."""
    if _CONTROLS.search(text) is None:  # the common case costs one scan
        return text
    return _CONTROLS.sub(_escape, text)


def json_safe(text: str) -> str:
    """JSON text with each byte of a non-UTF-8 file name written as the
    string ``\\xff`` (a raw byte would make the file invalid UTF-8)."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return _SURROGATES.sub(lambda m: "\\" + _escape(m), text)
    return text


def evidence_source(ref: object) -> dict[str, object]:
    """``{"source": {"id": ..., "row": ...}}`` for evidence from a data
    source's row (SPEC section 8), to be merged into its JSON; else ``{}``
    (YAML evidence keeps its v1.0 keys only)."""
    return {"source": ref.as_source()} if isinstance(ref, RowRef) else _NONE


_NONE: dict[str, object] = {}
