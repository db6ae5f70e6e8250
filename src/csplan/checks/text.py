"""CSP308: customer-facing text cut short by a ``#`` comment.

``message: Let's make this priority #1 for Q1`` is valid YAML whose value is
"Let's make this priority": a space followed by ``#`` starts a comment. The
customer plan would print the cut sentence without a word of warning, so the
texts the customer reads are checked against the file's own text.

Cheap on large workspaces: a file without " #" or "\\t#" is skipped whole;
otherwise a plain text search for the value followed by a comment comes
first, and only a hit asks the loader where the value really is.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING

from csplan.checks.registry import rule
from csplan.findings import Finding, PathPart, SourceRef, make

if TYPE_CHECKING:
    from csplan.checks.context import Index
    from csplan.model import Workspace

_COMMENT_AFTER = re.compile(r"[ \t]+#")
_MAX_SHOWN = 40


def customer_texts(
    ws: Workspace, keep: Callable[[str], bool] = lambda file: True
) -> Iterator[tuple[SourceRef, str]]:
    """Every text the customer plan prints, with where it is written, in the
    files ``keep`` accepts (accounts are most of a portfolio: skipping a file
    before making a reference for each of its texts is what keeps this cheap)."""
    for account in ws.accounts.values():
        at = account.source
        if not keep(at.file):
            continue
        if account.plan.message is not None:
            yield at.child("plan", "message"), account.plan.message
        for i, step in enumerate(account.plan.next_steps):
            yield at.child("plan", "next_steps", i, "action"), step.action
        for i, wanted in enumerate(account.desired_outcomes):
            if wanted.reason is not None:
                yield at.child("desired_outcomes", i, "reason"), wanted.reason
    for outcome in ws.outcomes.values():
        yield outcome.source.child("statement"), outcome.statement
        if outcome.why is not None:
            yield outcome.source.child("why"), outcome.why
        for persona_id, wording in outcome.personas.items():
            yield outcome.source.child("personas", persona_id), wording
    for experience in ws.experiences.values():
        for i, element in enumerate(experience.elements):
            yield experience.source.child("elements", i, "expectation"), element.expectation
    for m_map in ws.maps.values():
        for i, milestone in enumerate(m_map.milestones):
            yield m_map.source.child("milestones", i, "name"), milestone.name
    for persona in ws.personas.values():
        yield persona.source.child("name"), persona.name
        if persona.success is not None:
            yield persona.source.child("success"), persona.success
    for vehicle in ws.vehicles.values():
        yield vehicle.source.child("name"), vehicle.name


@rule("CSP308")
def cut_by_comment(ix: Index) -> Iterator[Finding]:
    """A customer-facing text followed on its line by a ``#`` comment."""
    ws = ix.ws
    suspect: dict[str, bool] = {}

    def may_hold_a_comment(file: str) -> bool:
        found = suspect.get(file)
        if found is None:
            source = ws.sources.get(file)
            found = suspect[file] = source is not None and (
                " #" in source.text or "\t#" in source.text
            )
        return found

    for ref, value in customer_texts(ws, may_hold_a_comment):
        # A multi-line value cannot be found verbatim in the text, and a
        # block scalar (| or >) keeps '#' as text anyway.
        if not value or "\n" in value:
            continue
        text = ws.sources[ref.file].text
        if re.search(re.escape(value) + _COMMENT_AFTER.pattern, text) is None:
            continue
        cut = _comment_after(text, ws.locate(ref), value)
        if cut is not None:
            yield _finding(ref, value, cut)


def _comment_after(text: str, where: tuple[int, int], value: str) -> str | None:
    """The comment that follows ``value`` written plain at ``where`` (1-based
    line and column), or None when the value is quoted or elsewhere."""
    line_no, column = where
    lines = text.splitlines()
    if not 1 <= line_no <= len(lines):
        return None
    rest = lines[line_no - 1][column - 1 :]
    if not rest.startswith(value):
        return None  # quoted, or the search hit another copy of the text
    after = _COMMENT_AFTER.match(rest, len(value))
    if after is None:
        return None
    return rest[after.end() - 1 :]


def _finding(ref: SourceRef, value: str, comment: str) -> Finding:
    field = _field(ref.path)
    shown = comment.rstrip()
    if len(shown) > _MAX_SHOWN:
        shown = shown[: _MAX_SHOWN - 1].rstrip() + "…"
    whole = f"{value} {comment}".rstrip()
    # The hint's example must itself be valid YAML, whatever quotes the text holds.
    quoted = f'"{whole}"' if '"' not in whole else "'" + whole.replace("'", "''") + "'"
    return make(
        "CSP308",
        ref,
        f"the text of '{field}' stops before '{shown}': YAML reads ' #' as the start of a "
        "comment, so the customer would read a cut sentence",
        f"quote the text ({field}: {quoted}) or write it as a block ({field}: |); "
        "if it really is a comment, put it on a line of its own",
    )


def _field(path: tuple[PathPart, ...]) -> str:
    """The key the text is written under (the persona id for a wording)."""
    for part in reversed(path):
        if isinstance(part, str):
            return part
    return "text"
