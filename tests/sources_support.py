"""Turn a YAML workspace into the same workspace with its account facts in a
CRM table and its signals in a usage table (SPEC section 8): the
differential tests score both and compare, and the example and the
benchmark use the same split.

The facts a CRM holds (name, a single segment, start, owner, ARR, renewal,
one desired outcome in force from the start, attributes) become a row; what
only a person writes (stakeholders, milestones, plan, notes, ...) stays in
the account's YAML; every signal observation becomes a usage row.
"""

from __future__ import annotations

import datetime as dt
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from csplan.workspace.source import read

CRM_COLUMNS = ("id", "name", "segment", "start", "owner", "arr", "renewal",
               "outcome", "baseline", "target", "by")


@dataclass
class Split:
    accounts: list[dict[str, Any]] = field(default_factory=list)
    attributes: list[str] = field(default_factory=list)
    numbers: list[tuple[str, str, dt.date, float | int]] = field(default_factory=list)
    flags: list[tuple[str, str, dt.date, bool]] = field(default_factory=list)


def _date(value: Any) -> dt.date:
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value))


def split_workspace(src: Path, dst: Path) -> Split:
    """Copy ``src`` to ``dst`` with account facts and signals taken out of
    the account YAML; returns the rows taken out (written by the callers
    into whatever database they test)."""
    shutil.copytree(src, dst)
    out = Split()
    attributes: dict[str, None] = {}
    for path in sorted(dst.rglob("*.yaml")):
        # Read as csplan reads (YAML 1.2: `yes` is text), written back by PyYAML,
        # which quotes what YAML 1.1 would misread.
        docs = list(read(path.name, path.read_bytes()).documents)
        if not any(isinstance(d, dict) and d.get("kind") == "Account" for d in docs):
            continue
        kept = []
        for doc in docs:
            if not (isinstance(doc, dict) and doc.get("kind") == "Account"):
                kept.append(doc)
                continue
            row: dict[str, Any] = {"id": doc["id"]}
            for name in ("name", "start", "owner", "arr", "renewal"):
                if name in doc:
                    row[name] = doc.pop(name)
            if isinstance(doc.get("segment"), str):
                row["segment"] = doc.pop("segment")
            wanted = doc.get("desired_outcomes") or []
            if (
                len(wanted) == 1
                and "reason" not in wanted[0]
                and "start" in row
                and _date(wanted[0]["since"]) == _date(row["start"])
            ):
                only = doc.pop("desired_outcomes")[0]
                row["outcome"] = only["outcome"]
                row["baseline"] = only["baseline"]
                row["target"] = only["target"]
                row["by"] = only.get("by")
            for name, value in (doc.pop("attributes", None) or {}).items():
                attributes[name] = None
                row[f"attr:{name}"] = value
            for signal, raw in (doc.pop("signals", None) or {}).items():
                for o in raw if isinstance(raw, list) else [raw]:
                    target = out.flags if isinstance(o["value"], bool) else out.numbers
                    target.append((doc["id"], signal, _date(o["as_of"]), o["value"]))
            out.accounts.append(row)
            kept.append(doc)
        path.write_text(
            yaml.safe_dump_all(kept, sort_keys=False, allow_unicode=True), encoding="utf-8"
        )
    out.attributes = list(attributes)
    return out


def crm_rows(split: Split) -> tuple[list[str], list[tuple[Any, ...]]]:
    """The CRM table: columns and rows (attributes as their own columns)."""
    columns = [*CRM_COLUMNS, *split.attributes]
    rows = []
    for account in split.accounts:
        cells = []
        for name in CRM_COLUMNS:
            value = account.get(name)
            cells.append(_date(value) if name in ("start", "renewal", "by") and value else value)
        cells.extend(account.get(f"attr:{a}") for a in split.attributes)
        rows.append(tuple(cells))
    return columns, rows


def write_duckdb_files(split: Split, folder: Path) -> None:
    """crm.parquet, usage.parquet and flags.parquet under ``folder``,
    written by DuckDB from the split's rows."""
    import duckdb

    folder.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect()
    columns, rows = crm_rows(split)
    types = []
    for i, name in enumerate(columns):
        seen = {type(r[i]) for r in rows if r[i] is not None}
        if name in ("start", "renewal", "by"):
            types.append("DATE")
        elif seen <= {bool} and seen:
            types.append("BOOLEAN")
        elif seen <= {int} and seen:
            types.append("BIGINT")
        elif seen <= {int, float} and seen:
            types.append("DOUBLE")
        else:
            types.append("VARCHAR")
    ddl = ", ".join(f'"{c}" {t}' for c, t in zip(columns, types, strict=True))
    con.execute(f"create table crm ({ddl})")
    con.executemany(
        f"insert into crm values ({', '.join('?' for _ in columns)})",
        [tuple(_cell(v, t) for v, t in zip(r, types, strict=True)) for r in rows],
    )
    con.execute(f"copy crm to '{folder / 'crm.parquet'}' (format parquet)")
    con.execute("create table usage (account_id varchar, metric varchar, day date, value double)")
    if split.numbers:
        con.executemany("insert into usage values (?, ?, ?, ?)", split.numbers)
    con.execute(f"copy usage to '{folder / 'usage.parquet'}' (format parquet)")
    con.execute("create table flags (account_id varchar, metric varchar, day date, value boolean)")
    if split.flags:
        con.executemany("insert into flags values (?, ?, ?, ?)", split.flags)
    con.execute(f"copy flags to '{folder / 'flags.parquet'}' (format parquet)")
    con.close()


def _cell(value: Any, kind: str) -> Any:
    if value is None:
        return None
    if kind == "VARCHAR" and not isinstance(value, str):
        return str(value).lower() if isinstance(value, bool) else str(value)
    return value


DUCKDB_SOURCES = """\
kind: DataSource
id: crm
provides: accounts
query: |
  select * from read_parquet('data/crm.parquet') order by id
---
kind: DataSource
id: product-usage
provides: signals
query: |
  select account_id as account, metric as signal, day as as_of, value
  from read_parquet('data/usage.parquet')
---
kind: DataSource
id: product-flags
provides: signals
query: |
  select account_id as account, metric as signal, day as as_of, value
  from read_parquet('data/flags.parquet')
"""
