"""The index page written with ``--all``: a plain list of customer plans, or
the internal portfolio overview sorted by engagement gap."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from csplan.model import Workspace
    from csplan.results import AccountScore


@dataclass(frozen=True, slots=True)
class Entry:
    account_id: str
    account_name: str
    href: str  # the plan's file name, relative to the index


@dataclass(frozen=True, slots=True)
class PortfolioEntry(Entry):
    segment: str
    owner: str | None
    arr: float | None
    attainment: float
    engagement_gap: float
    band: str
    success_gap: float
    route: str
    overdue: int  # number of overdue milestones
    icp_fit: float | None
    ideal: bool | None
    started: bool = True  # False: "not started", left out of the band counts


@dataclass(frozen=True, slots=True)
class CustomerIndex:
    """What the customer index template reads, as ``index``."""

    audience: str
    vendor: str
    as_of: date
    entries: tuple[Entry, ...]  # by account name


@dataclass(frozen=True, slots=True)
class InternalIndex(CustomerIndex):
    """What the internal index template reads, as ``index``: ``entries`` are
    :class:`PortfolioEntry`, the largest engagement gap first."""

    total_arr: float
    bands: tuple[tuple[str, int], ...]  # band name and how many accounts are in it


def customer_index(
    ws: Workspace, scores: Sequence[AccountScore], hrefs: dict[str, str]
) -> CustomerIndex:
    """The list of plans, in account-name order."""
    entries = sorted(
        (Entry(s.id, ws.accounts[s.id].name, hrefs[s.id]) for s in scores),
        key=lambda e: (e.account_name.casefold(), e.account_id),
    )
    as_of = scores[0].as_of if scores else date.min
    return CustomerIndex("customer", ws.settings.vendor, as_of, tuple(entries))


def internal_index(
    ws: Workspace, scores: Sequence[AccountScore], hrefs: dict[str, str]
) -> InternalIndex:
    """The portfolio overview: the accounts whose engagement falls furthest
    short of the desired state come first (ties by account id)."""
    entries = []
    for s in sorted(scores, key=lambda s: (-round(s.engagement.gap, 9), s.id)):
        account = ws.accounts[s.id]
        segment = ws.segments.get(s.segment)
        entries.append(
            PortfolioEntry(
                account_id=s.id,
                account_name=account.name,
                href=hrefs[s.id],
                segment=segment.name if segment is not None else s.segment,
                owner=account.owner,
                arr=account.arr,
                attainment=s.engagement.attainment,
                engagement_gap=s.engagement.gap,
                band=s.engagement.band,
                success_gap=s.milestones.success_gap,
                route=s.milestones.route,
                overdue=len(s.milestones.overdue),
                icp_fit=s.icp.fit if s.icp is not None else None,
                ideal=s.icp.ideal if s.icp is not None else None,
                started=s.started,
            )
        )
    # Not-started accounts are in no band count (SPEC section 9).
    bands = tuple(
        (b.name, sum(1 for e in entries if e.started and e.band == b.name))
        for b in ws.settings.bands
    )
    as_of = scores[0].as_of if scores else date.min
    return InternalIndex(
        "internal",
        ws.settings.vendor,
        as_of,
        tuple(entries),
        total_arr=float(sum(e.arr or 0 for e in entries)),
        bands=bands,
    )
