"""csplan data-source benchmark (``make bench-sources``): SPEC section 8 at scale.

    python bench/sources.py [--runs 3] [--json] [--check] [--regenerate]
                            [--accounts 10000] [--rows 8000000] [--csplan PATH]
    python bench/sources.py --generate-only OUT_DIR [--accounts N] [--rows N] [--force]

Generates once, into bench/workspaces/sources-10000/, a workspace whose
portfolio comes from a CRM export and whose telemetry comes from a Parquet
extract, both read through DuckDB ``DataSource`` documents:

- the configuration documents of bench/skeleton/ (the Tallyfold workspace of
  bench/generate.py: segments, ICPs, maps, engagement models, ...);
- ``data/crm_accounts.csv``: one row per account (id, name, segment, start,
  owner, arr, renewal, the desired outcome, and the attributes the ICPs read);
- ``data/usage.parquet``: exactly ``--rows`` readings (account_id, metric,
  day DATE, value DOUBLE) over the two years up to 2026-11-01: every signal a
  model, a milestone criterion or an outcome reads, and three metrics nobody
  reads, daily, weekly or monthly; a few hundred rows name accounts the CRM
  does not have (usage tables hold more than the portfolio);
- ``accounts/*.yaml``: the hand-written parts (stakeholders, experience,
  milestones, assessments, notes, plan) of a handful of accounts, with none of
  the fields the CRM row gives;
- ``sources.yaml``: the DataSource documents.

Then measures, in fresh processes, interleaved, medians after a warm-up round:

- the floor: ``duckdb.sql("select * from read_parquet(...)").fetchall()``, the
  naive fetch of every usage row into Python;
- ``csplan score --all -w WS --as-of 2026-11-01 --format json``: goal at most
  1.0x the floor, and a peak RSS of at most 1 GiB;
- ``csplan validate -w WS``: goal at most 1.0x the floor.

Peak RSS is each child's own (``os.wait4``), not the high-water mark of every
child so far that ``getrusage(RUSAGE_CHILDREN)`` gives.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import hashlib
import json
import os
import platform
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import generate  # noqa: E402 - bench/ is not a package
import words  # noqa: E402

AS_OF = generate.AS_OF
HISTORY_START = AS_OF - dt.timedelta(days=730)  # "two years of telemetry" in the warehouse
STAMP = ".bench-sources.json"  # hidden: csplan never reads it
ACCOUNTS = 10_000
ROWS = 8_000_000
UNKNOWN_ACCOUNTS = 25  # accounts in the usage table that the CRM does not have ...
UNKNOWN_ROWS = 500  # ... and their rows, all told
HANDWRITTEN = 20  # accounts with a YAML file of hand-written parts
RSS_GOAL_MIB = 1024

# Metrics nobody reads: a usage table holds more than a health model needs.
EXTRAS: dict[str, tuple[float, float, int | None]] = {
    "logins_1d": (2, 40, 0),
    "storage_gb": (0.5, 30, 2),
    "integrations_active": (0, 6, 0),
}
# Days between two readings. Raw product telemetry lands daily, rolled-up
# ratios and counts weekly, finance figures (close days, discount capture) and
# surveys once a month. With these, 10,000 accounts need about 9.7 million
# readings for two years; _fit keeps the newest 83% (21 months) of each series.
CADENCE = {
    "api_calls_7d": 7,
    "weekly_active_ratio": 7,
    "logins_1d": 1,
    "invoices_processed_30d": 7,
    "touchless_rate": 7,
    "approvers_active": 7,
    "erp_synced_ratio": 7,
    "vendors_onboarded": 7,
    "support_tickets_open": 7,
    "docs_pages_read_30d": 7,
    "community_posts_90d": 7,
    "newsletter_click_rate": 7,
    "meetings_last_90d": 7,
    "certified_users": 7,
    "late_payment_rate": 7,
    "sso_enabled": 7,
    "storage_gb": 7,
    "integrations_active": 7,
    "close_days": 30,
    "early_discount_capture_pct": 30,
    "nps_score": 30,
}
BOOLEAN_SIGNALS = [name for name, scale in generate.SIGNALS.items() if scale["*"][2] is None]

CRM_COLUMNS = [
    "id", "name", "segment", "start", "owner", "arr", "renewal",
    "outcome", "baseline", "target", "by",
    # attributes: what the ICP criteria of bench/skeleton/icp.yaml read
    "industry", "employees", "invoices_per_month", "erp", "legal_entities", "has_shared_services",
]  # fmt: skip

# SPEC section 8's documents. `by` is quoted: it is a reserved word in SQL.
# The usage table keeps every value in one DOUBLE column, so sso_enabled is
# stored 0/1 like the rest; a boolean signal must reach csplan as a boolean
# (`equals: true` never matches 1.0), so a second query over the same file
# turns it back into one.
SOURCES_YAML = """\
# Where the portfolio and the telemetry live: a CRM export and a usage extract,
# read with DuckDB (paths are relative to the workspace root).
kind: DataSource
id: crm
provides: accounts
query: |
  select id, name, segment, start, owner, arr, renewal, outcome, baseline, target, "by",
         industry, employees, invoices_per_month, erp, legal_entities, has_shared_services
  from read_csv('data/crm_accounts.csv')
  order by id
---
kind: DataSource
id: product-usage
provides: signals
query: |
  select account_id as account, metric as signal, day as as_of, value
  from read_parquet('data/usage.parquet')
  where metric not in ({booleans})
---
kind: DataSource
id: product-flags
provides: signals
query: |
  select account_id as account, metric as signal, day as as_of, value = 1 as value
  from read_parquet('data/usage.parquet')
  where metric in ({booleans})
"""

# The rows, from a plan of series (one per account and metric) written by
# Python: each series is `n` readings `step` days apart ending at `last`.
# The value follows generate.py's story (from `lo` towards `hi` as far as the
# account's health takes it by the scoring date) with +-8% noise from an
# integer hash of (series, reading), so the file needs no random state and the
# same plan always gives the same bytes. Sorted by day, the order a daily
# extract is appended in.
USAGE_SQL = """\
COPY (
  select account_id, metric, day,
         case when decimals < 0 then (case when t > 0.2 then 1.0 else 0.0 end)
              else round(least(greatest(lo + (hi - lo) * (t + noise),
                                        least(lo, hi) * 0.9), greatest(lo, hi) * 1.05), decimals)
         end as value
  from (
    select account_id, metric, day, lo, hi, decimals,
           health * (day - start) / elapsed as t,
           (((sid * 7919 + k)::UBIGINT * 2654435761) % 4294967296) / 4294967296.0 * 0.16 - 0.08
             as noise
    from (
      select *, last - cast((n - 1 - k) * step as integer) as day
      from (select *, unnest(range(n)) as k from read_csv('{plan}', header = true,
            columns = {{'sid': 'BIGINT', 'account_id': 'VARCHAR', 'metric': 'VARCHAR',
                        'start': 'DATE', 'last': 'DATE', 'step': 'INTEGER', 'n': 'BIGINT',
                        'lo': 'DOUBLE', 'hi': 'DOUBLE', 'decimals': 'INTEGER',
                        'health': 'DOUBLE', 'elapsed': 'DOUBLE'}}))
    )
  )
  order by day, account_id, metric
) TO '{out}' (FORMAT parquet)
"""

PLAN_COLUMNS = [
    "sid", "account_id", "metric", "start", "last", "step", "n",
    "lo", "hi", "decimals", "health", "elapsed",
]  # fmt: skip


# --- generation --------------------------------------------------------------


def _scale(metric: str, segment: str) -> tuple[float, float, int | None]:
    if metric in EXTRAS:
        return EXTRAS[metric]
    return generate._scale(metric, segment)


def _crm_row(
    catalog: generate.Catalog, rng: random.Random, ident: str, name: str, segment: str
) -> dict[str, Any]:
    """One CRM row; the draws follow generate.py's identity and desired outcome."""
    start = generate._day(rng, generate.FIRST_START, generate.LAST_START)
    low, high = generate.SIZES[segment]
    outcome = catalog.maps[catalog.segments[segment]["milestone_map"]]["outcome"]
    lo, hi, _ = _scale(catalog.metrics[outcome], segment)
    row: dict[str, Any] = {
        "id": ident,
        "name": name,
        "segment": segment,
        "start": start,
        "owner": rng.choice(words.CSMS),
        "arr": round(rng.uniform(*generate.ARR_THOUSANDS[segment])) * 1000,
        "renewal": None,
        "outcome": outcome,
        "baseline": round(lo * rng.uniform(0.9, 1.1)),
        "target": round(lo + (hi - lo) * rng.uniform(0.5, 0.9)),
        "by": start + dt.timedelta(days=rng.choice((365, 450, 540))),
        "industry": rng.choice(words.INDUSTRIES[segment]),
        "employees": rng.randint(low, high),
        "invoices_per_month": rng.randint(low // 2 + 20, high * 2),
        "erp": rng.choice(words.ERPS[segment]),
        "legal_entities": None,
        "has_shared_services": None,
    }
    if rng.random() < 0.9:  # the next anniversary after the scoring date; some CRMs lack it
        years = (AS_OF - start).days // 365 + 1
        row["renewal"] = start + dt.timedelta(days=365 * years)
    if segment == "enterprise":
        row["legal_entities"] = rng.randint(2, 14)
        row["has_shared_services"] = rng.random() < 0.7
    return row


def _series(
    catalog: generate.Catalog, rng: random.Random, row: dict[str, Any], health: float
) -> list[dict[str, Any]]:
    """The usage series of one account: what its segment reads (most of it,
    more when the account is engaged), its outcome metric, and the extras."""
    segment, start = row["segment"], row["start"]
    metrics = [catalog.metrics[row["outcome"]]]
    metrics += [m for m in catalog.signals[segment] if rng.random() < 0.55 + 0.45 * health]
    metrics += [m for m in EXTRAS if rng.random() < 0.8]
    elapsed = max(1, (AS_OF - start).days)
    out = []
    for metric in dict.fromkeys(metrics):
        step = CADENCE[metric]
        # Engaged accounts report up to yesterday; others went quiet some time ago.
        if rng.random() < 0.2 + 0.75 * health:
            last = AS_OF - dt.timedelta(days=1 + rng.randint(0, 3))
        else:
            last = AS_OF - dt.timedelta(days=rng.randint(20, 150))
        first = max(start + dt.timedelta(days=3), HISTORY_START)
        if first > last:
            continue
        lo, hi, decimals = _scale(metric, segment)
        out.append(
            {
                "account_id": row["id"],
                "metric": metric,
                "start": start,
                "last": last,
                "step": step,
                "n": (last - first).days // step + 1,
                "lo": lo,
                "hi": hi,
                "decimals": -1 if decimals is None else decimals,
                "health": round(health, 4),
                "elapsed": elapsed,
            }
        )
    return out


def _fit(series: list[dict[str, Any]], total: int) -> float:
    """Make the readings add up to exactly ``total``: every series keeps the
    same share of its history (its newest readings), and the rounding
    remainder goes one reading each to the first series."""
    ideal = sum(s["n"] for s in series)
    if not series or ideal == 0:
        raise SystemExit("no usage series to write: more accounts or an older history needed")
    factor = total / ideal
    for s in series:
        s["n"] = int(s["n"] * factor)
    remainder = total - sum(s["n"] for s in series)
    for s in series[:remainder]:
        s["n"] += 1
    return factor


def _unknown(seed: int, count: int, rows: int) -> list[dict[str, Any]]:
    """Series of accounts the CRM does not have (churned, trials, test tenants)."""
    out = []
    for i in range(count):
        rng = random.Random(f"{seed}:{i}:unknown")
        start = generate._day(rng, generate.FIRST_START, generate.LAST_START)
        out.append(
            {
                "account_id": f"former-customer-{i + 1:03d}",
                "metric": "weekly_active_ratio",
                "start": start,
                "last": AS_OF - dt.timedelta(days=rng.randint(1, 300)),
                "step": 7,
                "n": rows // count + (1 if i < rows % count else 0),
                "lo": 0.15,
                "hi": 0.8,
                "decimals": 2,
                "health": round(rng.uniform(0.35, 1.0), 4),
                "elapsed": max(1, (AS_OF - start).days),
            }
        )
    return out


def _handwritten(
    catalog: generate.Catalog, seed: int, index: int, row: dict[str, Any], health: float
) -> str:
    """The YAML a CSM keeps for one CRM account: everything but the row's fields."""
    rng = random.Random(f"{seed}:{index}:yaml")
    champion = rng.choice(words.FIRST_NAMES)
    draft = generate._Draft(
        catalog, rng, row["start"], [(row["start"], row["segment"])], health, champion, []
    )
    draft.lines = [
        f"# {row['name']}: the CRM gives name, segment, start, owner, ARR, renewal,",
        "# the desired outcome and the attributes; this file adds what a CSM writes.",
        "",
        "kind: Account",
        f"id: {row['id']}",
        "stakeholders:",
    ]
    personas = catalog.segments[row["segment"]]["personas"]
    for i, persona in enumerate(rng.sample(personas, min(len(personas), rng.randint(2, 4)))):
        first = champion if i == 0 else rng.choice(words.FIRST_NAMES)
        flag = ", champion: true" if i == 0 else ""
        draft.lines.append(
            f"  - {{name: {first} {rng.choice(words.LAST_NAMES)}, "
            f"role: {rng.choice(words.ROLES[persona])}, persona: {persona}{flag}}}"
        )
    generate._experience(draft)
    generate._milestones(draft)
    generate._assessments(draft)
    generate._notes_and_plan(draft)
    return "\n".join(draft.lines) + "\n"


def _csv_cell(value: Any) -> str:
    if value is None:
        return ""  # DuckDB's read_csv reads an empty cell as NULL: "absent" (SPEC 8)
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def generate_sources(
    out: Path, accounts: int = ACCOUNTS, rows: int = ROWS, seed: int = 1, force: bool = False
) -> dict[str, Any]:
    """Write the workspace to ``out``; returns what was written (counts, sizes, seconds)."""
    import duckdb

    started = time.perf_counter()
    if rows < UNKNOWN_ROWS * 2:
        raise SystemExit(f"--rows must be at least {UNKNOWN_ROWS * 2}")
    if out.exists() and any(out.iterdir()):
        if not force:
            raise SystemExit(f"{out} is not empty (pass --force to replace it)")
        if not (out / STAMP).exists():
            raise SystemExit(f"{out} was not written by bench/sources.py; refusing to delete it")
        shutil.rmtree(out)
    shutil.copytree(generate.SKELETON, out)
    catalog = generate.load_catalog()
    crm, series = [], []
    every = max(1, accounts // HANDWRITTEN)
    (out / "accounts").mkdir()
    (out / "data").mkdir()
    for index, (ident, name, segment) in enumerate(generate._names(seed, accounts)):
        rng = random.Random(f"{seed}:{index}:crm")
        row = _crm_row(catalog, rng, ident, name, segment)
        health = rng.uniform(0.35, 1.0)  # the account's story, never a column
        crm.append(row)
        series += _series(catalog, rng, row, health)
        if index % every == 0 and index // every < HANDWRITTEN:
            text = _handwritten(catalog, seed, index, row, health)
            (out / "accounts" / f"{ident}.yaml").write_text(text, encoding="utf-8")
    kept = _fit(series, rows - UNKNOWN_ROWS)
    series += _unknown(seed, UNKNOWN_ACCOUNTS, UNKNOWN_ROWS)

    with (out / "data" / "crm_accounts.csv").open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(CRM_COLUMNS)
        writer.writerows([_csv_cell(r[c]) for c in CRM_COLUMNS] for r in crm)
    booleans = ", ".join(f"'{name}'" for name in BOOLEAN_SIGNALS)
    (out / "sources.yaml").write_text(SOURCES_YAML.format(booleans=booleans), encoding="utf-8")

    # The plan is ~100,000 lines of CSV; DuckDB expands it to the rows
    # itself, so no Python object per row is ever built.
    usage = out / "data" / "usage.parquet"
    with tempfile.TemporaryDirectory(prefix="csplan-bench-") as tmp:
        plan = Path(tmp) / "plan.csv"
        with plan.open("w", encoding="utf-8", newline="") as fh:
            writer = csv.writer(fh, lineterminator="\n")
            writer.writerow(PLAN_COLUMNS)
            for sid, s in enumerate(series):
                if s["n"] > 0:
                    writer.writerow([sid, *(s[c] for c in PLAN_COLUMNS[1:])])
        con = duckdb.connect()
        try:
            # One thread: the same plan gives the same row groups, so the same bytes.
            con.execute("SET threads TO 1")
            con.execute(USAGE_SQL.format(plan=plan.as_posix(), out=usage.as_posix()))
            written = con.execute(f"select count(*) from read_parquet('{usage.as_posix()}')")
            count = written.fetchone()
        finally:
            con.close()
    assert count is not None and count[0] == rows, f"wrote {count} rows, wanted {rows}"
    info = {
        "accounts": accounts,
        "rows": rows,
        "unknown_rows": UNKNOWN_ROWS,
        "handwritten": min(HANDWRITTEN, len(range(0, accounts, every))),
        "series": sum(1 for s in series if s["n"] > 0),
        "history_kept": round(kept, 3),  # share of each series' two years written
        "seconds": round(time.perf_counter() - started, 1),
        "bytes": {
            "crm_accounts.csv": (out / "data" / "crm_accounts.csv").stat().st_size,
            "usage.parquet": usage.stat().st_size,
            "yaml": sum(p.stat().st_size for p in out.rglob("*.yaml")),
        },
    }
    (out / STAMP).write_text(
        json.dumps({**stamp(accounts, rows, seed), "written": info}) + "\n", "utf-8"
    )
    return info


def stamp(accounts: int, rows: int, seed: int) -> dict[str, Any]:
    """What a workspace was generated from; a change to this file, the
    generator it borrows from, the words or the skeleton makes it stale."""
    digest = hashlib.sha256()
    here = Path(__file__).resolve().parent
    sources = [here / "sources.py", here / "generate.py", here / "words.py"]
    for path in [*sources, *sorted(generate.SKELETON.rglob("*.yaml"))]:
        digest.update(path.read_bytes())
    return {"accounts": accounts, "rows": rows, "seed": seed, "source": digest.hexdigest()[:16]}


def workspace(accounts: int, rows: int, seed: int, regenerate: bool) -> Path:
    """The generated workspace, written if absent or stale."""
    ws = HERE / "workspaces" / f"sources-{accounts}"
    path = ws / STAMP
    want = stamp(accounts, rows, seed)
    have = json.loads(path.read_text("utf-8")) if path.exists() else {}
    if regenerate or {k: have.get(k) for k in want} != want:
        print(f"generating {accounts} accounts, {rows} usage rows into {ws} ...", file=sys.stderr)
        info = generate_sources(ws, accounts, rows, seed, force=True)
        print(f"generated in {info['seconds']} s", file=sys.stderr)
    return ws


# --- measuring ---------------------------------------------------------------

# The naive floor of the issue, in a fresh process: fetch every row into
# Python. It prints the count so the harness can check it read them all.
FLOOR = (
    "import duckdb; "
    "rows = duckdb.sql(\"select * from read_parquet('{path}')\").fetchall(); "
    "print(len(rows))"
)
AS_OF_TEXT = AS_OF.isoformat()
GOALS = {"score-json": 1.0, "validate": 1.0}  # wall time, as a ratio to the floor
RSS_GOALS = {"score-json": RSS_GOAL_MIB}
LABELS = {
    "floor": "floor: duckdb fetchall()",
    "score-json": "csplan score --all --format json",
    "validate": "csplan validate",
}


class Run:
    """One finished child: wall and CPU seconds, its own peak RSS, its output."""

    def __init__(self, argv: list[str], stdout: int | None = subprocess.DEVNULL) -> None:
        with tempfile.TemporaryFile() as err, tempfile.TemporaryFile() as out:
            started = time.perf_counter()
            proc = subprocess.Popen(argv, stdout=out if stdout is None else stdout, stderr=err)
            # wait4 gives this child's own rusage; RUSAGE_CHILDREN's ru_maxrss
            # is the largest of every child so far, so the floor's would mask
            # the others'.
            _, status, usage = os.wait4(proc.pid, 0)
            self.wall = time.perf_counter() - started
            proc.returncode = self.returncode = os.waitstatus_to_exitcode(status)
            self.cpu = usage.ru_utime + usage.ru_stime
            self.rss_mib = usage.ru_maxrss / 1024  # KiB on Linux
            err.seek(0)
            self.stderr = err.read().decode(errors="replace")
            out.seek(0)
            self.stdout = out.read()

    def need(self, what: str) -> Run:
        if self.returncode != 0:
            said = self.stderr.strip() or self.stdout.decode(errors="replace").strip()
            tail = said.splitlines()[-8:]
            raise SystemExit(f"{what} exited {self.returncode}:\n" + "\n".join(tail))
        return self


def commands(python: str, csplan: str, ws: Path) -> dict[str, list[str]]:
    """The commands, by name, in the order each round runs them."""
    usage = (ws / "data" / "usage.parquet").resolve().as_posix()
    score = [csplan, "score", "--all", "-w", str(ws), "--as-of", AS_OF_TEXT, "--format", "json"]
    return {
        "floor": [python, "-c", FLOOR.format(path=usage)],
        "score-json": score,
        "validate": [csplan, "validate", "-w", str(ws)],
    }


def sanity(cmds: dict[str, list[str]], rows: int, accounts: int) -> dict[str, Any]:
    """Before timing: the floor reads every row, validate finds no error and
    score reports every CRM account. Otherwise the figures would mean nothing."""
    floor = Run(cmds["floor"], stdout=None).need("floor")
    if int(floor.stdout) != rows:
        raise SystemExit(f"the floor fetched {int(floor.stdout)} rows, the file has {rows}")
    validate = Run([*cmds["validate"], "--format", "json"], stdout=None)
    try:
        found = json.loads(validate.stdout)
        summary = found["summary"]
    except (ValueError, KeyError):
        validate.need("csplan validate")
        raise SystemExit("csplan validate --format json printed no summary") from None
    if summary["errors"]:
        errors = [f for f in found["findings"] if f["severity"] == "error"]
        shown = [f"  {f['file']}:{f['line']} {f['code']} {f['message']}" for f in errors[:5]]
        raise SystemExit(
            f"csplan validate reports {summary['errors']} errors on the workspace:\n"
            + "\n".join(shown)
        )
    scored = json.loads(Run(cmds["score-json"], stdout=None).need("csplan score").stdout)
    if len(scored["accounts"]) != accounts:
        raise SystemExit(f"csplan score reported {len(scored['accounts'])} of {accounts} accounts")
    bands: dict[str, int] = {}
    for account in scored["accounts"]:
        band = account["engagement"]["band"]
        bands[band] = bands.get(band, 0) + 1
    return {"validate": summary, "bands": bands}


def measure(cmds: dict[str, list[str]], runs: int) -> dict[str, dict[str, list[float]]]:
    """Interleaved rounds after one warm-up round: wall, CPU, peak RSS of each run."""
    times: dict[str, dict[str, list[float]]] = {
        name: {"wall": [], "cpu": [], "rss_mib": []} for name in cmds
    }
    for round_no in range(runs + 1):
        for name, argv in cmds.items():
            run = Run(argv).need(name)
            if round_no:  # round 0 warms the file cache and the .pyc files
                times[name]["wall"].append(run.wall)
                times[name]["cpu"].append(run.cpu)
                times[name]["rss_mib"].append(run.rss_mib)
    return times


def report(times: dict[str, dict[str, list[float]]]) -> list[dict[str, Any]]:
    """One row per command: medians, ratios to the floor, goals, pass."""
    med = {n: {k: statistics.median(v) for k, v in t.items()} for n, t in times.items()}
    rows = []
    for name, label in LABELS.items():
        if name not in times:
            continue
        row: dict[str, Any] = {
            "name": name,
            "command": label,
            "seconds": med[name]["wall"],
            "cpu_seconds": med[name]["cpu"],
            # The largest of the rounds: a memory goal is about the worst run.
            "peak_rss_mib": max(times[name]["rss_mib"]),
            "all_seconds": times[name]["wall"],
            "all_cpu_seconds": times[name]["cpu"],
            "all_rss_mib": times[name]["rss_mib"],
        }
        if name in GOALS:
            row["ratio"] = med[name]["wall"] / med["floor"]["wall"]
            row["cpu_ratio"] = med[name]["cpu"] / med["floor"]["cpu"]
            row["goal"] = GOALS[name]
            row["pass"] = row["ratio"] <= GOALS[name]
        if name in RSS_GOALS:
            row["rss_goal_mib"] = RSS_GOALS[name]
            row["rss_pass"] = row["peak_rss_mib"] <= RSS_GOALS[name]
        rows.append(row)
    return rows


def print_table(info: dict[str, Any], rows: list[dict[str, Any]]) -> None:
    sizes = info["bytes"]
    print(
        f"csplan data-source benchmark: {info['accounts']} CRM accounts "
        f"({sizes['crm_accounts.csv'] / 1e6:.1f} MB CSV), {info['rows']:,} usage rows "
        f"({sizes['usage.parquet'] / 1e6:.1f} MB Parquet), seed {info['seed']}"
    )
    print(f"machine: {info['nproc']} CPUs, Python {info['python']}, {info['platform']}")
    print("load average (1 min) before / after: {} / {}".format(*info["load_average"]))
    print(
        f"median of {info['runs']} rounds after a warm-up round; time goals are on wall "
        "time, the memory goal on the largest peak RSS of the rounds\n"
    )
    print(
        f"{'command':<33} {'wall s':>7} {'min..max':>13} {'ratio':>6} {'goal':>6}  "
        f"{'result':<10} {'cpu s':>6} {'ratio':>6} {'peak MiB':>9} {'goal':>6}  result"
    )
    for row in rows:
        if "goal" in row:
            ratio, goal = f"{row['ratio']:.2f}x", f"<={row['goal']:.1f}x"
            result, cpu_ratio = ("PASS" if row["pass"] else "FAIL"), f"{row['cpu_ratio']:.2f}x"
        else:
            ratio, goal, result, cpu_ratio = "", "", "(baseline)", ""
        rss_goal, rss_result = "", ""
        if "rss_goal_mib" in row:
            rss_goal = f"<={row['rss_goal_mib']}"
            rss_result = "PASS" if row["rss_pass"] else "FAIL"
        spread = f"{min(row['all_seconds']):.2f}..{max(row['all_seconds']):.2f}"
        print(
            f"{row['command']:<33} {row['seconds']:>7.3f} {spread:>13} {ratio:>6} {goal:>6}  "
            f"{result:<10} {row['cpu_seconds']:>6.2f} {cpu_ratio:>6} "
            f"{row['peak_rss_mib']:>9.0f} {rss_goal:>6}  {rss_result}"
        )
    if info.get("sanity"):
        s = info["sanity"]
        print(
            f"\nvalidate: {s['validate']['errors']} errors, {s['validate']['warnings']} warnings; "
            "score bands: " + ", ".join(f"{k} {v}" for k, v in sorted(s["bands"].items()))
        )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="csplan data-source benchmark")
    parser.add_argument("--accounts", type=int, default=ACCOUNTS, help="CRM accounts (10000)")
    parser.add_argument("--rows", type=int, default=ROWS, help="usage rows (8000000)")
    parser.add_argument("--seed", type=int, default=1, help="generator seed (1)")
    parser.add_argument("--runs", type=int, default=3, help="timed rounds per command (3)")
    parser.add_argument("--regenerate", action="store_true", help="write the workspace again")
    parser.add_argument("--json", action="store_true", help="print machine-readable results")
    parser.add_argument("--check", action="store_true", help="exit 1 when a goal is missed")
    parser.add_argument("--csplan", help="the csplan to time (the venv's, next to this python)")
    parser.add_argument(
        "--no-sanity", action="store_true", help="skip the checks of the output before timing"
    )
    parser.add_argument("--generate-only", type=Path, metavar="OUT_DIR", help="write and exit")
    parser.add_argument("--force", action="store_true", help="with --generate-only: replace")
    args = parser.parse_args(argv)

    if args.generate_only:
        info = generate_sources(args.generate_only, args.accounts, args.rows, args.seed, args.force)
        print(json.dumps(info, indent=2))
        return 0
    python = sys.executable
    csplan = args.csplan or str(Path(python).parent / "csplan")
    if not Path(csplan).exists():
        raise SystemExit(f"no csplan at {csplan}: run with the venv's python (make bench-sources)")
    ws = workspace(args.accounts, args.rows, args.seed, args.regenerate)
    written = json.loads((ws / STAMP).read_text("utf-8"))["written"]
    load_before = os.getloadavg()[0]
    cmds = commands(python, csplan, ws)
    checked = None if args.no_sanity else sanity(cmds, args.rows, args.accounts)
    rows = report(measure(cmds, args.runs))
    info = {
        "accounts": args.accounts,
        "rows": args.rows,
        "seed": args.seed,
        "bytes": written["bytes"],
        "generation_seconds": written["seconds"],
        "runs": args.runs,
        "as_of": AS_OF_TEXT,
        "nproc": os.cpu_count(),
        "python": platform.python_version(),
        "platform": platform.platform(),
        "load_average": [round(load_before, 2), round(os.getloadavg()[0], 2)],
        "workspace": str(ws),
        "csplan": csplan,
        "sanity": checked,
    }
    if args.json:
        print(json.dumps({"machine": info, "results": rows}, indent=2))
    else:
        print_table(info, rows)
    missed = [r for r in rows if r.get("pass") is False or r.get("rss_pass") is False]
    return 1 if args.check and missed else 0


if __name__ == "__main__":
    sys.exit(main())
