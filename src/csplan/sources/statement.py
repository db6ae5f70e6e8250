"""Whether a data source's ``query`` is one SELECT (SPEC section 8): a
query is read, never run for effect. The database enforces it too (a
read-only transaction, DuckDB's own parser); this check says it first, in
words, before anything connects."""

from __future__ import annotations

import re

_WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_$]*")
_STARTS = {"select", "with", "values", "table", "from"}
_WRITES = {"insert", "update", "delete", "merge", "copy", "truncate"}


def blank_out(query: str, literal: str = " ") -> str:
    """``query`` with comments replaced by spaces and string literals and
    quoted identifiers by ``literal`` (lengths kept), so that keywords and
    semicolons can be looked for without being fooled by text."""
    out = list(query)
    i, n = 0, len(query)
    while i < n:
        c = query[i]
        two = query[i : i + 2]
        end = -1
        if two == "--":
            end = query.find("\n", i)
            end = n if end < 0 else end
        elif two == "/*":
            end = query.find("*/", i + 2)
            end = n if end < 0 else end + 2
        elif c in "'\"`":
            j = i + 1
            while j < n:
                if query[j] == c:
                    if j + 1 < n and query[j + 1] == c:  # '' inside a string
                        j += 2
                        continue
                    break
                j += 1
            end = min(j + 1, n)
        elif c == "$":
            tag = re.match(r"\$[A-Za-z_0-9]*\$", query[i:])
            if tag:
                close = query.find(tag.group(0), i + len(tag.group(0)))
                end = n if close < 0 else close + len(tag.group(0))
        if end > i:
            fill = " " if two in ("--", "/*") else literal
            for k in range(i, end):
                if out[k] != "\n":
                    out[k] = fill
            i = end
        else:
            i += 1
    return "".join(out)


def trimmed(query: str) -> str:
    """The query without trailing semicolons, blanks and comments: ready to
    be wrapped as a subquery."""
    # A literal is kept as text here: a query ending in 'data/usage.csv'
    # must not lose it with the trailing blanks.
    plain = blank_out(query, literal="x")
    end = len(plain.rstrip().rstrip(";").rstrip())
    while end > 0 and plain[end - 1] in " \t\r\n;":
        end -= 1
    return query[:end]


def problem(query: str) -> str | None:
    """Why ``query`` is not one SELECT statement, or None when it is."""
    plain = blank_out(query)
    statements = [s for s in plain.split(";") if s.strip()]
    if not statements:
        return "the query is empty"
    if len(statements) > 1:
        return "the query holds more than one statement"
    first = _WORD.search(statements[0].lstrip().lstrip("("))
    word = first.group(0).lower() if first else ""
    if word not in _STARTS:
        shown = word.upper() or statements[0].strip()[:20]
        article = "an" if shown[:1] in "AEIOU" else "a"
        return f"the query is {article} {shown} statement, not a SELECT"
    # PostgreSQL runs INSERT/UPDATE/DELETE inside WITH: name it here rather
    # than leave it to the read-only transaction's error.
    for match in re.finditer(r"\bas\s*\(\s*([A-Za-z_]+)", plain, re.I):
        if match.group(1).lower() in _WRITES:
            return f"the query's WITH holds a {match.group(1).upper()}"
    return None
