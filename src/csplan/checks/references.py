"""CSP201: every reference must name an id that exists.

A reference to a document that exists but failed validation is not
reported: its own findings say what is wrong, and a second finding at every
use would bury them. Each document lists its references as plain tuples;
a source position is only worked out for the few that dangle, which keeps
the check cheap on ten thousand accounts.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING

from csplan.checks.context import Index, hint
from csplan.checks.registry import rule
from csplan.findings import Finding, PathPart, make

if TYPE_CHECKING:
    from csplan.model import Account, Document

# (kind, id, path in the document, message before the id; "{owner}" is
# replaced by how the document is named, e.g. "account 'northwind-events'")
Ref = tuple[str, str, tuple[PathPart, ...], str]


def _dangling(ix: Index, doc: Document, owner: str, refs: Iterable[Ref]) -> Iterator[Finding]:
    for kind, ident, path, label in refs:
        # None: a required reference of a partial document that could not be read.
        if ident is None or ix.exists(kind, ident):
            continue
        yield make(
            "CSP201",
            doc.source.child(*path),
            # replace, not format: names may hold braces
            f"{label.replace('{owner}', owner)} '{ident}', which does not exist",
            hint(ident, ix.choices(kind), ix.word(kind)),
        )


@rule("CSP201")
def segment_references(ix: Index) -> Iterator[Finding]:
    """A segment's ICP, personas, experience, map and engagement model."""
    for seg in ix.ws.segments.values():
        refs: list[Ref] = []
        if seg.icp is not None:
            refs.append(("IdealCustomerProfile", seg.icp, ("icp",), "{owner} names ICP"))
        refs.extend(
            ("Persona", persona, ("personas", i), "{owner} lists persona")
            for i, persona in enumerate(seg.personas)
        )
        refs += [
            ("AppropriateExperience", seg.experience, ("experience",),
             "{owner} names appropriate experience"),
            ("MilestoneMap", seg.milestone_map, ("milestone_map",), "{owner} names milestone map"),
            ("EngagementModel", seg.engagement, ("engagement",), "{owner} names engagement model"),
        ]  # fmt: skip
        yield from _dangling(ix, seg, f"segment '{seg.id}'", refs)


@rule("CSP201")
def map_references(ix: Index) -> Iterator[Finding]:
    """A map's outcome; each milestone's ``after`` (in the map) and vehicles."""
    for m_map in ix.ws.maps.values():
        owner = f"milestone map '{m_map.id}'"
        refs: list[Ref] = [
            ("RequiredOutcome", m_map.outcome, ("outcome",), "{owner} leads to required outcome")
        ]
        for i, milestone in enumerate(m_map.milestones):
            refs.extend(
                ("SuccessVehicle", vehicle, ("milestones", i, "vehicles", j),
                 f"milestone '{milestone.id}' uses success vehicle")
                for j, vehicle in enumerate(milestone.vehicles)
            )  # fmt: skip
        yield from _dangling(ix, m_map, owner, refs)
        ids = ix.map_milestones[m_map.id]
        for i, milestone in enumerate(m_map.milestones):
            for j, prior in enumerate(milestone.after):
                if prior not in ids:
                    yield make(
                        "CSP201",
                        m_map.source.child("milestones", i, "after", j),
                        f"milestone '{milestone.id}' comes after '{prior}', "
                        f"which is not in map '{m_map.id}'",
                        hint(prior, ids, "milestone"),
                    )


@rule("CSP201")
def outcome_references(ix: Index) -> Iterator[Finding]:
    """The personas a required outcome says it matters to."""
    for outcome in ix.ws.outcomes.values():
        for persona in outcome.personas:
            if not ix.exists("Persona", persona):
                yield make(
                    "CSP201",
                    outcome.source.child("personas", persona, key=True),
                    f"required outcome '{outcome.id}' says how it matters to persona "
                    f"'{persona}', which does not exist",
                    hint(persona, ix.choices("Persona"), "persona"),
                )


@rule("CSP201")
def account_references(ix: Index) -> Iterator[Finding]:
    """An account's segments, stakeholder personas and desired outcomes."""
    segments, outcomes = ix.ws.segments, ix.ws.outcomes
    for account in ix.ws.accounts.values():
        # Fast path: every reference resolves to a valid document.
        if (
            (account.segment in segments if isinstance(account.segment, str)
             else all(p.segment in segments for p in account.segment or ()))
            and all(w.outcome in outcomes for w in account.desired_outcomes)
            and all(p.persona is None or p.persona in ix.ws.personas for p in account.stakeholders)
        ):  # fmt: skip
            continue
        refs: list[Ref] = _segments(account)
        refs.extend(
            ("Persona", person.persona, ("stakeholders", i, "persona"),
             f"stakeholder '{person.name}' of {{owner}} has persona")
            for i, person in enumerate(account.stakeholders)
            if person.persona is not None
        )  # fmt: skip
        refs.extend(
            ("RequiredOutcome", wanted.outcome, ("desired_outcomes", i, "outcome"),
             "{owner} has a desired outcome for required outcome")
            for i, wanted in enumerate(account.desired_outcomes)
        )  # fmt: skip
        yield from _dangling(ix, account, f"account '{account.id}'", refs)


@rule("CSP201")
def account_milestones(ix: Index) -> Iterator[Finding]:
    """Each milestone an account lists is in the map of one of its segments."""
    # Most accounts are in one segment: their maps are looked up once per segment.
    by_segment: dict[str, tuple[list[str] | None, set[str]]] = {}
    for account in ix.ws.accounts.values():
        if not account.milestones:
            continue
        # Only a plain segment id can share its maps with other accounts; a
        # dated list of segments is resolved per account.
        segment = account.segment if isinstance(account.segment, str) else None
        if segment is not None and segment in by_segment:
            maps, known = by_segment[segment]
        else:
            maps = _maps_of(ix, account)
            known = set().union(*(ix.map_milestones[m] for m in maps or ()))
            if segment is not None:
                by_segment[segment] = (maps, known)
        if maps is None:
            continue
        for i, reached in enumerate(account.milestones):
            if reached.id in known:
                continue
            where = (
                f"map '{maps[0]}'"
                if len(maps) == 1
                else "any of its maps " + ", ".join(f"'{m}'" for m in maps)
            )
            yield make(
                "CSP201",
                account.source.child("milestones", i, "id"),
                f"account '{account.id}' lists milestone '{reached.id}', which is not in {where}",
                hint(reached.id, known, "milestone"),
            )


@rule("CSP201")
def account_experience(ix: Index) -> Iterator[Finding]:
    """Each experience element in place is defined by some appropriate experience."""
    for account in ix.ws.accounts.values():
        if not account.experience:
            continue
        elements = ix.element_ids
        for i, entry in enumerate(account.experience):
            plain = isinstance(entry, str)
            element = entry if isinstance(entry, str) else entry.element
            if element in elements:
                continue
            path: tuple[PathPart, ...] = (
                ("experience", i) if plain else ("experience", i, "element")
            )
            yield make(
                "CSP201",
                account.source.child(*path),
                f"account '{account.id}' has experience element '{element}' in place, "
                "which no appropriate experience defines",
                hint(element, elements, "experience element"),
            )


@rule("CSP201")
def account_assessments(ix: Index) -> Iterator[Finding]:
    """Each answered question is asked by some engagement model."""
    for account in ix.ws.accounts.values():
        if not account.assessments:
            continue
        questions = ix.question_ids
        for i, answer in enumerate(account.assessments):
            if answer.question in questions:
                continue
            yield make(
                "CSP201",
                account.source.child("assessments", i, "question"),
                f"account '{account.id}' answers question '{answer.question}', "
                "which no engagement model asks",
                hint(
                    answer.question,
                    questions,
                    "question",
                    "no engagement model asks a question yet: add a {question, text} measure",
                ),
            )


def _segments(account: Account) -> list[Ref]:
    if account.segment is None:  # unreadable: its own finding says so
        return []
    if isinstance(account.segment, str):
        return [("Segment", account.segment, ("segment",), "{owner} is in segment")]
    return [
        ("Segment", period.segment, ("segment", i, "segment"), "{owner} is in segment")
        for i, period in enumerate(account.segment)
    ]


def _maps_of(ix: Index, account: Account) -> list[str] | None:
    """Ids of the maps of the account's segments, in order; None when one is
    unknown (a dangling or invalid segment or map), so nothing is guessed."""
    segments = ix.ws.segments
    # A partial map none of whose milestones could be read counts as unknown.
    maps = ix.ws.maps.keys() - ix.unread_maps if ix.unread_maps else ix.ws.maps
    if account.segment is None or not account.intact("segment"):
        return None  # a segment that could not be read may be the one whose map lists it
    if isinstance(account.segment, str):
        seg = segments.get(account.segment)
        return [seg.milestone_map] if seg is not None and seg.milestone_map in maps else None
    found: list[str] = []
    for period in account.segment:
        seg = segments.get(period.segment)
        if seg is None or seg.milestone_map not in maps:
            return None
        if seg.milestone_map not in found:
            found.append(seg.milestone_map)
    return found
