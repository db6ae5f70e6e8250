"""The index page written with ``--all``: a plain list of customer plans, or
the internal portfolio overview sorted by engagement gap, with ARR by band,
the renewals coming up, the last 12 months' retention and the success map of
each milestone map (SPEC section 9)."""

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
class RenewalDue:
    """An account whose next renewal falls within the next 90 days."""

    account_id: str
    account_name: str
    href: str
    renewal: date
    days: int  # renewal - the date
    band: str
    started: bool
    route: str
    arr: float | None


@dataclass(frozen=True, slots=True)
class Retention:
    """NRR and GRR over the renewals dated after ``after`` up to the date."""

    after: date
    renewals: int
    churned: int
    arr_before: float
    arr_after: float
    nrr: float | None  # None without renewals
    grr: float | None


@dataclass(frozen=True, slots=True)
class SuccessStop:
    """The accounts whose furthest reached milestone is ``milestone`` (None:
    the start of the route, nothing reached yet)."""

    milestone: str | None
    name: str
    accounts: tuple[str, ...]  # account names, in name order
    arr: float
    off_track: int


@dataclass(frozen=True, slots=True)
class SuccessMap:
    """Where the accounts on one milestone map are: the start, then each
    milestone in route order."""

    map_id: str
    outcome: str  # the required outcome in the customer's words, or its id
    stops: tuple[SuccessStop, ...]


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
    # SPEC section 9; not-started accounts are in none of the band figures.
    arr_by_band: tuple[tuple[str, float], ...] = ()
    renewals_due: tuple[RenewalDue, ...] = ()  # by renewal date, then account id
    retention: Retention | None = None
    success_maps: tuple[SuccessMap, ...] = ()  # in map id order


# How far ahead the portfolio looks for renewals, and back for retention.
RENEWAL_WINDOW_DAYS = 90
RETENTION_DAYS = 365


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
    arr_by_band = tuple(
        (b.name, float(sum(e.arr or 0 for e in entries if e.started and e.band == b.name)))
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
        arr_by_band=arr_by_band,
        renewals_due=renewals_due(ws, scores, hrefs, as_of),
        retention=retention(ws, scores, as_of),
        success_maps=success_maps(ws, scores),
    )


def renewals_due(
    ws: Workspace, scores: Sequence[AccountScore], hrefs: dict[str, str], as_of: date
) -> tuple[RenewalDue, ...]:
    """Accounts whose next renewal is on or after the date and at most 90
    days later, soonest first."""
    due = []
    for s in scores:
        account = ws.accounts[s.id]
        renewal = account.renewal
        if renewal is None or not 0 <= (renewal - as_of).days <= RENEWAL_WINDOW_DAYS:
            continue
        due.append(
            RenewalDue(
                account_id=s.id,
                account_name=account.name,
                href=hrefs[s.id],
                renewal=renewal,
                days=(renewal - as_of).days,
                band=s.engagement.band,
                started=s.started,
                route=s.milestones.route,
                arr=account.arr,
            )
        )
    return tuple(sorted(due, key=lambda d: (d.renewal, d.account_id)))


def retention(ws: Workspace, scores: Sequence[AccountScore], as_of: date) -> Retention:
    """NRR = sum(arr_after) / sum(arr_before) and GRR = sum(min(after, before))
    / sum(arr_before) over the renewals dated after the date - 365 days, up to
    the date (SPEC section 9)."""
    # Counted in days, not by subtracting them: the first year of the
    # calendar has no date 365 days before it.
    after = date.fromordinal(max(1, as_of.toordinal() - RETENTION_DAYS))
    dated = [
        r
        for s in scores
        for r in ws.accounts[s.id].renewals
        if 0 <= (as_of - r.date).days < RETENTION_DAYS
    ]
    before_sum = float(sum(r.arr_before for r in dated))
    after_sum = float(sum(r.arr_after for r in dated))
    kept = float(sum(min(r.arr_after, r.arr_before) for r in dated))
    return Retention(
        after=after,
        renewals=len(dated),
        churned=sum(1 for r in dated if r.arr_after == 0),
        arr_before=before_sum,
        arr_after=after_sum,
        # arr_before > 0 on every renewal (a check), so the sum is 0 only without renewals.
        nrr=after_sum / before_sum if dated else None,
        grr=kept / before_sum if dated else None,
    )


def success_maps(ws: Workspace, scores: Sequence[AccountScore]) -> tuple[SuccessMap, ...]:
    """For each milestone map with started accounts on it: the accounts by the
    furthest milestone they have reached, in route order (the map's order),
    after those still at the start."""
    by_map: dict[str, list[AccountScore]] = {}
    for s in scores:
        if s.started:  # not-started accounts are in no aggregate (SPEC section 9)
            by_map.setdefault(s.milestones.map, []).append(s)
    maps = []
    for map_id in sorted(by_map):
        milestone_map = ws.maps.get(map_id)
        if milestone_map is None:
            continue
        order = [m.id for m in milestone_map.milestones]
        at: dict[str | None, list[AccountScore]] = {None: [], **{m: [] for m in order}}
        for s in by_map[map_id]:
            reached = set(s.milestones.reached)
            furthest = next((m for m in reversed(order) if m in reached), None)
            at[furthest].append(s)
        names = {m.id: m.name for m in milestone_map.milestones}
        outcome = ws.outcomes.get(milestone_map.outcome)
        maps.append(
            SuccessMap(
                map_id=map_id,
                outcome=outcome.statement if outcome is not None else milestone_map.outcome,
                stops=tuple(
                    SuccessStop(
                        milestone=key,
                        name=names[key] if key is not None else "Start (nothing reached yet)",
                        accounts=tuple(
                            sorted((ws.accounts[s.id].name for s in at[key]), key=str.casefold)
                        ),
                        arr=float(sum(ws.accounts[s.id].arr or 0 for s in at[key])),
                        off_track=sum(1 for s in at[key] if s.milestones.route == "off-track"),
                    )
                    for key in [None, *order]
                ),
            )
        )
    return tuple(maps)
