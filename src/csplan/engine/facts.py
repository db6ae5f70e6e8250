"""One account's evidence, sorted once so that scoring at any date is a
binary search (a trend scores the same account twelve times).

Nothing here depends on the scoring date: :class:`AccountFacts` is built from
the account document (plus any extra observations) and reused.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

from csplan.findings import SourceRef

if TYPE_CHECKING:
    from csplan.model import Account

Value = int | float | bool


@dataclass(frozen=True, slots=True)
class ExtraObservation:
    """An observation from outside the YAML, e.g. a ``--signals`` CSV row.

    ``origin`` says where it came from: usually a
    :class:`~csplan.results.LineRef` (``signals.csv:12``)."""

    as_of: date
    value: Value
    origin: SourceRef


ExtraSignals = Mapping[str, Mapping[str, Sequence[ExtraObservation]]]


def is_number(value: Any) -> bool:
    """A real number; a bool is never a number (``True`` is not 1 here)."""
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def same(a: Any, b: Any) -> bool:
    """Equality that never confuses booleans with numbers (``True != 1``)."""
    if isinstance(a, bool) or isinstance(b, bool):
        return isinstance(a, bool) and isinstance(b, bool) and a is b
    return bool(a == b)


class Series:
    """A signal's dated observations, ascending, one per date."""

    __slots__ = ("_base", "_name", "_refs", "_single", "dates", "values")

    def __init__(
        self,
        dates: list[date],
        values: list[Value],
        *,
        base: SourceRef | None = None,
        name: str = "",
        single: bool = False,
        refs: list[SourceRef] | None = None,
    ) -> None:
        self.dates = dates
        self.values = values
        self._base = base  # the account document; observations are under signals.<name>
        self._name = name
        self._single = single
        self._refs = refs

    def latest(self, as_of: date) -> int:
        """Index of the latest observation on or before ``as_of``, or -1."""
        return bisect_right(self.dates, as_of) - 1

    def ref(self, index: int) -> SourceRef:
        """Where observation ``index`` is written (built on demand: most are
        never explained)."""
        if self._refs is not None:
            return self._refs[index]
        assert self._base is not None
        if self._single:
            return self._base.child("signals", self._name)
        return self._base.child("signals", self._name, index)


_EMPTY = Series([], [])


class AccountFacts:
    """The evidence of one account, indexed for scoring at any date."""

    __slots__ = (
        "_extra",
        "_series",
        "account",
        "answers",
        "evidence_dates",
        "judgments",
        "listed",
        "reschedules",
        "source",
    )

    def __init__(
        self, account: Account, extra: Mapping[str, Sequence[ExtraObservation]] | None = None
    ):
        self.account = account
        # Read once: a pydantic private attribute is slow to reach.
        self.source = account.source
        self._extra = extra or {}
        self._series: dict[str, Series] = {}
        # question id -> [(date, answer, index in assessments)], ascending by date
        answers: dict[str, list[tuple[date, str, int]]] = {}
        for i, a in enumerate(account.assessments):
            answers.setdefault(a.question, []).append((a.as_of, a.answer, i))
        for log in answers.values():
            log.sort(key=lambda entry: entry[0])
        self.answers = answers
        # milestone id -> [(date, entry index, date index or -1)] ascending;
        # an id listed twice merges. Refs are made by listed_ref() when used.
        listed: dict[str, list[tuple[date, int, int]]] = {}
        for i, m in enumerate(account.milestones):
            raw = m.reached
            if isinstance(raw, list):
                listed.setdefault(m.id, []).extend((d, i, j) for j, d in enumerate(raw))
            else:
                listed.setdefault(m.id, []).append((raw, i, -1))
        for dates in listed.values():
            if len(dates) > 1:
                dates.sort()
        self.listed = listed
        # milestone id -> [(on, due, reason)] ascending by on (SPEC section 9);
        # an id listed twice merges, as its reached dates do.
        reschedules: dict[str, list[tuple[date, date, str | None]]] = {}
        for m in account.milestones:
            for r in m.reschedule:
                reschedules.setdefault(m.id, []).append((r.on, r.due, r.reason))
        for agreed in reschedules.values():
            agreed.sort(key=lambda entry: entry[0])
        self.reschedules = reschedules
        # (map id, milestone id) -> first date all criteria held, and the
        # observations that made them hold; None when never.
        self.evidence_dates: dict[tuple[str, str], tuple[date, tuple[SourceRef, ...]] | None] = {}
        # (map id, milestone id) -> every observation date of its criteria's
        # signals with the observations that made all hold (None when not):
        # a repeating milestone is current on each date they hold.
        self.judgments: dict[
            tuple[str, str], tuple[tuple[date, tuple[SourceRef, ...] | None], ...]
        ] = {}

    def listed_ref(self, entry: tuple[date, int, int]) -> SourceRef:
        """Where a listed milestone date is written."""
        ref = self.source.child("milestones", entry[1])
        return ref if entry[2] < 0 else ref.child("reached", entry[2])

    def series(self, signal: str) -> Series:
        """The observations of ``signal``: the YAML ones merged with extras."""
        found = self._series.get(signal)
        if found is None:
            found = self._build(signal)
            self._series[signal] = found
        return found

    def _build(self, signal: str) -> Series:
        raw = self.account.signals.get(signal)
        extra = self._extra.get(signal)
        if not extra:
            if raw is None:
                return _EMPTY
            if not isinstance(raw, list):
                return Series([raw.as_of], [raw.value], base=self.source, name=signal, single=True)
            dates = [o.as_of for o in raw]
            values = [o.value for o in raw]
            if all(dates[i] < dates[i + 1] for i in range(len(dates) - 1)):
                return Series(dates, values, base=self.source, name=signal)
        if raw is None and extra:
            # Extras only (a data source's rows, fetched in date order): the
            # common case of a CRM-fed account, built without the merge.
            dates = [e.as_of for e in extra]
            if all(dates[i] < dates[i + 1] for i in range(len(dates) - 1)):
                return Series(dates, [e.value for e in extra], refs=[e.origin for e in extra])
        # Merge: sort by date; on one date the extra observation wins (it was
        # supplied on top of the YAML), and among extras the last one.
        base = self.source.child("signals", signal)
        entries: list[tuple[date, int, int, Value, SourceRef]] = []
        if raw is not None:
            if isinstance(raw, list):
                entries.extend((o.as_of, 0, i, o.value, base.child(i)) for i, o in enumerate(raw))
            else:
                entries.append((raw.as_of, 0, 0, raw.value, base))
        for i, e in enumerate(extra or ()):
            entries.append((e.as_of, 1, i, e.value, e.origin))
        entries.sort(key=lambda entry: entry[:3])
        dates, values = [], []
        refs: list[SourceRef] = []
        for when, _, _, value, ref in entries:
            if dates and dates[-1] == when:
                values[-1], refs[-1] = value, ref
            else:
                dates.append(when)
                values.append(value)
                refs.append(ref)
        return Series(dates, values, refs=refs)
