"""Bad input to data sources (SPEC section 8, issue 11): each one clear
finding with the right exit code, the database's message and never a
password, no traceback, and nothing written anywhere."""

from __future__ import annotations

import pytest

from csplan.sources.statement import problem, trimmed


@pytest.mark.parametrize(
    ("query", "wrapped"),
    [
        # A query ending in a literal keeps it (it used to be cut off as blanks).
        ("select * from 'data/usage.csv'", "select * from 'data/usage.csv'"),
        ("select * from t where a = 'b;' ;\n", "select * from t where a = 'b;'"),
        ('select "x" from t; /* done */\n', 'select "x" from t'),
        ("select 1 -- the end\n;", "select 1"),
    ],
)
def test_a_query_is_wrapped_whole(query: str, wrapped: str) -> None:
    assert problem(query) is None
    assert trimmed(query) == wrapped
