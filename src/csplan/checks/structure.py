"""CSP202 inside documents (milestone ids within a map, element ids within an
experience, a milestone listed twice by an account) and CSP203 (cycles in
``after``)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from csplan.checks.registry import rule
from csplan.findings import Finding, make

if TYPE_CHECKING:
    from csplan.checks.context import Index
    from csplan.model import MilestoneMap


@rule("CSP202")
def duplicate_milestones(ix: Index) -> Iterator[Finding]:
    """Milestone ids are unique within their map."""
    for m_map in ix.ws.maps.values():
        seen: dict[str, int] = {}
        for i, milestone in enumerate(m_map.milestones):
            if milestone.id in seen:
                yield make(
                    "CSP202",
                    m_map.source.child("milestones", i, "id"),
                    f"map '{m_map.id}' has two milestones with id '{milestone.id}'",
                    f"the first is milestone {seen[milestone.id] + 1} of the route; "
                    "milestone ids are unique within their map, rename one",
                )
            else:
                seen[milestone.id] = i


@rule("CSP202")
def duplicate_elements(ix: Index) -> Iterator[Finding]:
    """Element ids are unique within their experience."""
    for ax in ix.ws.experiences.values():
        seen: dict[str, int] = {}
        for i, element in enumerate(ax.elements):
            if element.id in seen:
                yield make(
                    "CSP202",
                    ax.source.child("elements", i, "id"),
                    f"appropriate experience '{ax.id}' has two elements with id '{element.id}'",
                    f"the first is element {seen[element.id] + 1}; "
                    "element ids are unique within their experience, rename one",
                )
            else:
                seen[element.id] = i


@rule("CSP202")
def duplicate_reached(ix: Index) -> Iterator[Finding]:
    """An account lists each milestone once (a repeat goes in its ``reached`` list)."""
    for account in ix.ws.accounts.values():
        if len(account.milestones) < 2:
            continue
        ids = [reached.id for reached in account.milestones]
        if len(set(ids)) == len(ids):
            continue
        seen: set[str] = set()
        for i, reached in enumerate(account.milestones):
            if reached.id in seen:
                yield make(
                    "CSP202",
                    account.source.child("milestones", i, "id"),
                    f"account '{account.id}' lists milestone '{reached.id}' twice",
                    f"list it once with all its dates: {{id: {reached.id}, reached: [DATE, DATE]}}",
                )
            seen.add(reached.id)


@rule("CSP203")
def after_cycles(ix: Index) -> Iterator[Finding]:
    """Every circle of ``after`` in a map, once, at the entry that closes it."""
    for m_map in ix.ws.maps.values():
        for cycle, i, j in _cycles(m_map):
            yield make(
                "CSP203",
                m_map.source.child("milestones", i, "after", j),
                f"milestones of map '{m_map.id}' wait for each other in a circle: "
                + " -> ".join(cycle),
                "'a -> b' reads 'a comes after b'; remove one of these 'after' entries "
                "so that the route has a start",
            )


def _cycles(m_map: MilestoneMap) -> Iterator[tuple[list[str], int, int]]:
    """(cycle, milestone index, after index) for each back edge of a
    depth-first walk over ``after``: one per circle, in route order."""
    first: dict[str, int] = {}
    for i, milestone in enumerate(m_map.milestones):
        first.setdefault(milestone.id, i)
    after = {ident: m_map.milestones[i].after for ident, i in first.items()}
    done: set[str] = set()
    for start in first:
        if start in done:
            continue
        path = [start]
        on_path = {start: 0}
        stack = [(start, iter(enumerate(after[start])))]
        while stack:
            node, edges = stack[-1]
            for j, nxt in edges:
                if nxt not in first or nxt in done:
                    continue
                if nxt in on_path:
                    yield [*path[on_path[nxt] :], nxt], first[node], j
                    continue
                on_path[nxt] = len(path)
                path.append(nxt)
                stack.append((nxt, iter(enumerate(after[nxt]))))
                break
            else:
                stack.pop()
                path.pop()
                del on_path[node]
                done.add(node)
