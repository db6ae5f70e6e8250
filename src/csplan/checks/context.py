"""Lookup tables the checks share, built once per run.

Documents that failed validation are not in the workspace, only their ids
(``Workspace.invalid_ids``). References to those ids are not reported again,
and what an invalid document would have defined (questions, experience
elements, reported signals) is read from its raw YAML, so that one broken
document does not make every account that uses it look wrong too.
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import cached_property
from typing import TYPE_CHECKING, Any

from csplan.findings import did_you_mean
from csplan.model import QuestionMeasure

if TYPE_CHECKING:
    from csplan.model import Document, Workspace

# How a CSM calls each kind, in messages.
WORDS = {
    "Persona": "persona",
    "IdealCustomerProfile": "ICP",
    "RequiredOutcome": "required outcome",
    "AppropriateExperience": "appropriate experience",
    "SuccessVehicle": "success vehicle",
    "MilestoneMap": "milestone map",
    "EngagementModel": "engagement model",
    "Segment": "segment",
    "Account": "account",
}

_MAX_LISTED = 8


def hint(word: str, choices: list[str] | set[str], what: str, empty: str | None = None) -> str:
    """A did-you-mean for ``word``, else the known choices, else ``empty``
    (what to do when there is nothing to choose from)."""
    close = did_you_mean(word, sorted(choices))
    if close:
        return close
    if not choices:
        return empty or f"no {what} is defined yet"
    shown = sorted(choices)
    more = ", …" if len(shown) > _MAX_LISTED else ""
    return f"known {what}s: " + ", ".join(shown[:_MAX_LISTED]) + more


class Index:
    """The workspace plus lookup tables, each built on first use."""

    def __init__(self, ws: Workspace) -> None:
        self.ws = ws
        self._collections = {kind: ws.collection(kind) for kind in WORDS}
        self._invalid = ws.invalid_ids

    # --- top-level ids ------------------------------------------------------

    def exists(self, kind: str, ident: str) -> bool:
        """Whether a document of ``kind`` has this id, valid or not."""
        return ident in self._collections[kind] or ident in self._invalid.get(kind, ())

    def choices(self, kind: str) -> list[str]:
        """Every id of ``kind``, for did-you-mean hints."""
        known = self._collections[kind]
        # A partial document is in both: named once.
        return [*known, *sorted(i for i in self._invalid.get(kind, ()) if i not in known)]

    @staticmethod
    def word(kind: str) -> str:
        """How a CSM calls ``kind``: "ICP", "required outcome"..."""
        return WORDS[kind]

    def complete(self, kind: str) -> bool:
        """Whether every document of ``kind`` was valid."""
        return kind not in self.ws.invalid_ids

    # --- things defined inside documents ---------------------------------

    @cached_property
    def map_milestones(self) -> dict[str, set[str]]:
        """Milestone ids of each map; for a partial map also those of the
        milestones that could not be read, so that nothing naming them
        cascades into "not in the map"."""
        found = {map_id: {m.id for m in m_map.milestones} for map_id, m_map in self.ws.maps.items()}
        for map_id, m_map in self.ws.maps.items():
            if m_map.partial:
                found[map_id].update(_ids(self.raw(m_map).get("milestones")))
        return found

    @cached_property
    def unread_maps(self) -> set[str]:
        """Partial maps with no milestone that could be read (``milestones:``
        misspelt, or not a list): an account's milestones cannot be judged
        against them."""
        return {
            map_id
            for map_id, m_map in self.ws.maps.items()
            if m_map.partial and not m_map.milestones
        }

    @cached_property
    def element_ids(self) -> set[str]:
        """Ids of every element of every appropriate experience."""
        found = {e.id for ax in self.ws.experiences.values() for e in ax.elements}
        for raw in self.raw_invalid("AppropriateExperience"):
            found.update(_ids(raw.get("elements")))
        return found

    @cached_property
    def question_ids(self) -> set[str]:
        """Ids of every question asked by a ``{question, text}`` measure."""
        found: set[str] = set()
        for model in self.ws.engagement_models.values():
            if model.components is None:  # partial: read from the raw YAML below
                continue
            for _name, component in model.components.items():
                found.update(
                    m.question for m in component.measures if isinstance(m, QuestionMeasure)
                )
        for raw in self.raw_invalid("EngagementModel"):
            components = raw.get("components")
            if isinstance(components, dict):
                for component in components.values():
                    if isinstance(component, dict):
                        found.update(_values(component.get("measures"), "question"))
        return found

    @cached_property
    def reported_signals(self) -> set[str]:
        """Names of the signals some account reports."""
        found = {name for account in self.ws.accounts.values() for name in account.signals}
        found |= self.ws.source_signals or set()
        for raw in self.raw_invalid("Account"):
            signals = raw.get("signals")
            if isinstance(signals, dict):
                found.update(k for k in signals if isinstance(k, str))
        return found

    def raw(self, doc: Document) -> dict[str, Any]:
        """The YAML ``doc`` was built from."""
        data = self.ws.sources[doc.source.file].documents[doc.source.doc]
        return data if isinstance(data, dict) else {}

    def raw_invalid(self, kind: str) -> Iterator[dict[str, Any]]:
        """Raw YAML of the documents of ``kind`` (read only when one failed
        validation, so that a clean workspace never walks them)."""
        if self.complete(kind):
            return
        for source in self.ws.sources.values():
            for data in source.documents:
                if isinstance(data, dict) and data.get("kind") == kind:
                    yield data


def _values(items: Any, key: str) -> Iterator[str]:
    if isinstance(items, list):
        for item in items:
            if isinstance(item, dict) and isinstance(item.get(key), str):
                yield item[key]


def _ids(items: Any) -> Iterator[str]:
    return _values(items, "id")
