"""``--signals FILE.csv``: extra dated observations, merged with the YAML ones.

The file has a header row naming the columns ``account``, ``signal``,
``as_of`` and ``value`` (any order). Every bad row is collected with its line
number, like a finding; nothing is dropped silently. Rows for accounts the
workspace does not hold are errors; signals that nothing in the workspace
uses are warnings (with a did-you-mean), since a typo would otherwise be
ignored without a word.
"""

from __future__ import annotations

import calendar
import csv
import io
import math
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from csplan.engine.facts import ExtraObservation
from csplan.errors import SignalsFileError
from csplan.findings import Finding, LineRef, did_you_mean, make
from csplan.model import MAX_NUMBER
from csplan.workspace.bounded import FileTooLarge, NotRegularFile, read_bounded
from csplan.workspace.source import MAX_FILE_BYTES

if TYPE_CHECKING:
    from csplan.model import Workspace

COLUMNS = ("account", "signal", "as_of", "value")
_SIGNAL = re.compile(r"^[a-z][a-z0-9_]*$")
_INT = re.compile(r"^[+-]?\d+$")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_DECIMAL_COMMA = re.compile(r"^[+-]?\d+,\d+$")


def _finding(file: str, line: int, severity: str, message: str, hint: str | None = None) -> Finding:
    """A finding about one line of the signals file: rule CSP401 for a row
    that cannot be read, CSP402 for a signal nothing in the workspace uses."""
    finding = make(
        "CSP401" if severity == "error" else "CSP402", LineRef(file, 0, line=line), message, hint
    )
    finding.line, finding.column = line, 1
    return finding


@dataclass
class SignalsFile:
    """The observations of a signals file by account and signal, and its problems."""

    file: str
    signals: dict[str, dict[str, list[ExtraObservation]]] = field(default_factory=dict)
    problems: list[Finding] = field(default_factory=list)
    rows: int = 0

    @property
    def errors(self) -> list[Finding]:
        return [p for p in self.problems if p.severity == "error"]

    @property
    def bad_rows(self) -> int:
        """How many lines have errors (a row with three problems is one bad row)."""
        return len({p.line for p in self.problems if p.severity == "error"})

    @property
    def warnings(self) -> list[Finding]:
        return [p for p in self.problems if p.severity == "warning"]


def read_signals(path: str | Path, ws: Workspace, display: str | None = None) -> SignalsFile:
    """Read and check a signals CSV against ``ws``. ``display`` is the file
    name used in problems and explanations (default: ``path`` as given).

    Raises :class:`~csplan.errors.SignalsFileError` when the file cannot be
    read or is not UTF-8 text; problems inside it are collected instead."""
    name = display or str(path)
    try:
        raw = read_bounded(path)
    except FileNotFoundError:
        raise SignalsFileError(f"no such signals file: {path}") from None
    except NotRegularFile as exc:
        raise SignalsFileError(
            f"the signals file {path} is not a regular file: it is {exc.what}"
        ) from None
    except FileTooLarge as exc:
        raise SignalsFileError(
            f"the signals file {path} is {exc.size // 1024} KiB; the limit is "
            f"{MAX_FILE_BYTES >> 20} MiB (split it, or pass fewer rows)"
        ) from None
    except OSError as exc:
        raise SignalsFileError(f"cannot read the signals file {path}: {exc.strerror}") from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise SignalsFileError(
            f"{path} is not UTF-8 text (byte 0x{raw[exc.start]:02x} at offset {exc.start})"
        ) from None
    return parse_signals(text, name, ws)


def parse_signals(text: str, file: str, ws: Workspace) -> SignalsFile:
    """Parse the CSV ``text`` (named ``file`` in problems) against ``ws``."""
    result = SignalsFile(file)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text))
    header: dict[str, int] | None = None
    known_signals = _signal_names(ws)
    seen: dict[tuple[str, str, date], int] = {}
    warned: set[str] = set()
    try:
        for cells in reader:
            line = reader.line_num
            if not any(c.strip() for c in cells):
                continue
            if header is None:
                header = _header(cells, file, line, result)
                if header is None:
                    return result
                continue
            result.rows += 1
            _row(cells, header, file, line, ws, known_signals, seen, warned, result)
    except csv.Error as exc:
        result.problems.append(_finding(file, reader.line_num, "error", f"not valid CSV: {exc}"))
    if header is None:
        result.problems.append(
            _finding(
                file,
                1,
                "error",
                "the file is empty",
                "start with the header row: account,signal,as_of,value",
            )
        )
    return result


def _delimiter(text: str) -> str:
    """The separator of the header row: a spreadsheet saved in a locale that
    writes decimal commas exports ``;``-separated files, and some tools
    export tabs; either is read as it is rather than failing on every row."""
    first = next((line for line in text.splitlines() if line.strip()), "")
    try:
        return csv.Sniffer().sniff(first, delimiters=",;\t").delimiter
    except csv.Error:
        return ","


def _header(cells: list[str], file: str, line: int, result: SignalsFile) -> dict[str, int] | None:
    names = [c.strip().lower() for c in cells]
    ok = True
    for name in names:
        if name not in COLUMNS:
            ok = False
            result.problems.append(
                _finding(
                    file,
                    line,
                    "error",
                    f"unknown column '{name}'",
                    did_you_mean(name, COLUMNS) or "the columns are account,signal,as_of,value",
                )
            )
    for column in COLUMNS:
        if names.count(column) != 1:
            ok = False
            what = "missing" if column not in names else "repeated"
            result.problems.append(
                _finding(
                    file,
                    line,
                    "error",
                    f"column '{column}' is {what} in the header",
                    "the header row is: account,signal,as_of,value",
                )
            )
    return {name: names.index(name) for name in COLUMNS} if ok else None


def _row(
    cells: list[str],
    header: dict[str, int],
    file: str,
    line: int,
    ws: Workspace,
    known_signals: set[str],
    seen: dict[tuple[str, str, date], int],
    warned: set[str],
    result: SignalsFile,
) -> None:
    def problem(message: str, hint: str | None = None, severity: str = "error") -> None:
        result.problems.append(_finding(file, line, severity, message, hint))

    if len(cells) != len(header):
        problem(f"expected {len(header)} values, found {len(cells)}")
        return
    account, signal, when_text, value_text = (cells[header[c]].strip() for c in COLUMNS)
    bad = False
    if account not in ws.accounts:
        bad = True
        problem(
            f"unknown account '{account}'" if account else "empty account",
            did_you_mean(account, ws.accounts) if account else None,
        )
    if not _SIGNAL.match(signal):
        bad = True
        problem(
            f"invalid signal name '{signal}'",
            "signal names are lower_snake_case, e.g. weekly_active_ratio",
        )
    when = _date(when_text)
    if when is None:
        bad = True
        unreal = _not_a_day(when_text)
        if unreal:
            problem(f"'{when_text}' is not a real day", unreal)
        else:
            problem(f"'{when_text}' is not a date written YYYY-MM-DD")
    value = _value(value_text)
    if value is None:
        bad = True
        problem(
            _not_a_value(value_text),
            "write decimals with a point: 0.5" if _DECIMAL_COMMA.match(value_text) else None,
        )
    if bad:
        return
    assert when is not None and value is not None
    key = (account, signal, when)
    if key in seen:
        problem(
            f"'{signal}' for '{account}' on {when} is already on line {seen[key]}",
            "keep one observation per signal and date",
        )
        return
    seen[key] = line
    if signal not in known_signals and signal not in warned:
        warned.add(signal)
        problem(
            f"signal '{signal}' is used by no measure, criterion or outcome metric",
            did_you_mean(signal, known_signals),
            severity="warning",
        )
    per_account = result.signals.setdefault(account, {})
    per_account.setdefault(signal, []).append(
        ExtraObservation(when, value, LineRef(file, 0, line=line))
    )


def _date(text: str) -> date | None:
    if not _DATE.match(text):
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        return None


def _not_a_day(text: str) -> str | None:
    """Why a well-formed YYYY-MM-DD names no day (a hint), or None when the
    text is not of that form at all."""
    if not _DATE.match(text):
        return None
    year, month, day = (int(part) for part in text.split("-"))
    if not 1 <= month <= 12:
        return f"there is no month {month}"
    days = calendar.monthrange(year, month)[1] if year >= 1 else 31
    if not 1 <= day <= days:
        return f"{calendar.month_name[month]} {year} has {days} days"
    return "the year must be 0001 or later"


def _value(text: str) -> int | float | bool | None:
    lowered = text.lower()
    if lowered in ("true", "false"):
        return lowered == "true"
    if _INT.match(text):
        # Python refuses to parse integers of over 4300 digits (ValueError);
        # anything past 2**53 would not be exact as a float anyway.
        if len(text.lstrip("+-")) > 20:
            return None
        whole = int(text)
        return whole if abs(whole) <= MAX_NUMBER else None
    try:
        number = float(text)
    except ValueError:
        return None
    return number if math.isfinite(number) and abs(number) <= MAX_NUMBER else None


def _not_a_value(text: str) -> str:
    """Why ``text`` is no value (``_value`` gave None), naming it."""
    if not text:
        return "empty value"
    shown = text if len(text) <= 40 else f"{text[:20]}...({len(text)} characters)"
    if _INT.match(text) or _is_float(text):
        return f"'{shown}' is not a finite number between -2^53 and 2^53"
    return f"'{shown}' is not a number (or true/false)"


def _is_float(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def _signal_names(ws: Workspace) -> set[str]:
    """Signals something in the workspace reads, plus those accounts report."""
    names: set[str] = set(_used(ws))
    for account in ws.accounts.values():
        names.update(account.signals)
    return names


def _used(ws: Workspace) -> Iterable[str]:
    for model in ws.engagement_models.values():
        for _, component in model.components.items():
            for measure in component.measures:
                signal = getattr(measure, "signal", None)
                if signal is not None:
                    yield signal
    for m in ws.maps.values():
        for milestone in m.milestones:
            for criterion in milestone.criteria:
                yield criterion.signal
    for outcome in ws.outcomes.values():
        yield outcome.metric.signal
