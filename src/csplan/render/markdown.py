"""Escaping user text for GitHub-flavoured Markdown.

Every value a Markdown template prints goes through :func:`escape` (the
environment's ``finalize``), so a stakeholder called ``Smith & *Sons* <b>``
comes out literally instead of as emphasis or an HTML tag. The rules are
deliberate rather than "escape all punctuation", so that the file stays
readable as plain text:

- always escaped: ``\\ ` * _ ~ [ ] < > |`` - emphasis, code, strikethrough,
  links and images (with ``[`` and ``]`` escaped, ``!``, ``(`` and ``)`` can
  no longer form a link), raw HTML and autolinks, and table cells;
- ``&`` only where it would start a character reference (``&amp;``,
  ``&#38;``), because ``Smith & Sons`` is already literal;
- at the start of the value only (values are printed on one line, see
  below), and only where it would start a block: ``#`` to ``######``
  followed by a space (heading), ``-`` or ``+`` followed by a space (list
  item), a number followed by ``.`` or ``)`` and a space (ordered list
  item), and a value made only of ``-`` or ``=`` (thematic break, setext
  underline). ``-15%`` and ``2.5`` stay as they are.

Line breaks inside a value would end a table row or a list item, so runs of
whitespace collapse to one space; templates that want paragraphs split text
with the ``paragraphs`` filter first.
"""

from __future__ import annotations

import re

from markupsafe import Markup

from csplan.wording import printable

_ALWAYS = re.compile(r"([\\`*_~\[\]<>|])")
_ENTITY = re.compile(r"&(?=#?[A-Za-z0-9]+;)")
# What starts a block when it begins a line: a heading, a bullet, an ordered
# list item, or a line of only - or = (thematic break, setext underline).
_LEADING = re.compile(r"^(\s*)(?:(#{1,6}|[-+])(?=\s|$)|(\d{1,9})([.)])(?=\s|$)|([-=])(?=[-=\s]*$))")
_SPACE = re.compile(r"\s+")
_URL_ESCAPES = {
    "<": "%3C",
    ">": "%3E",
    " ": "%20",
    "\n": "%0A",
    "\r": "%0D",
    "\t": "%09",
    "\\": "%5C",
}


def escape(text: object) -> str:
    """``text`` as one line of Markdown that renders literally."""
    value = printable(str(text))  # no NUL or ESC reaches a plan
    if "\n" in value:
        value = value.strip()  # multi-line YAML text (folded or literal) ends with a line break
    value = _SPACE.sub(" ", value)
    value = _ALWAYS.sub(r"\\\1", value)
    value = _ENTITY.sub(r"\\&", value)
    return _LEADING.sub(_leading, value, count=1)


def _leading(match: re.Match[str]) -> str:
    space, sign, digits, mark, rule = match.groups()
    if sign:
        return f"{space}\\{sign}"
    if rule:
        return f"{space}\\{rule}"
    return f"{space}{digits}\\{mark}"


def finalize(value: object) -> object:
    """The Markdown environment's ``finalize``: escape every printed value
    except template output already marked safe (macros, ``|safe``).

    The Markdown environment runs with autoescaping on so that macro output
    comes back as :class:`~markupsafe.Markup` and is not escaped twice;
    returning ``Markup`` here stops Jinja from HTML-escaping the result."""
    if isinstance(value, Markup):
        return value
    if value is None:
        return Markup("")
    return Markup(escape(value))


def url(link: str) -> Markup:
    """A link destination for ``[text](<url>)``: the angle-bracket form keeps
    parentheses inside the destination, and the characters that could end
    it (``<``, ``>``, line breaks, spaces) are percent-encoded."""
    encoded = "".join(_URL_ESCAPES.get(ch, ch) for ch in link)
    return Markup(encoded)


def cell(value: object) -> Markup:
    """A table cell: escaped, and never empty (an empty cell is fine for
    GitHub but reads as a layout error in plain text)."""
    text = escape(value) if value not in (None, "") else "-"
    return Markup(text)


def code(text: object) -> Markup:
    """A code span. Backslash escapes do not work inside one, so the text is
    fenced with more backticks than it contains (and padded when it starts
    or ends with one); line breaks become spaces."""
    value = _SPACE.sub(" ", printable(str(text)))
    longest = max((len(run) for run in re.findall(r"`+", value)), default=0)
    fence = "`" * (longest + 1)
    pad = " " if value.startswith("`") or value.endswith("`") else ""
    return Markup(f"{fence}{pad}{value}{pad}{fence}")
