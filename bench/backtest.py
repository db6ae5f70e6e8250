"""csplan backtest benchmark: the generated 10,000-account workspace with two
renewals per account (20,000), ``csplan backtest --lead 30,90,180 --format
json`` against ``csplan score --all --format json`` on the same workspace.

Goal (issue 12): backtest at most 3.5x score's wall time. Backtest scores
every account six times (two renewals, three leads) where score scores it
once; it writes far less.

    .venv/bin/python bench/backtest.py [--runs 3] [--accounts 10000]

The renewals are appended to a copy of bench/workspaces/tallyfold-N
(tallyfold-N-renewals, regenerated when the source is): the first a year
after the account's start, the second two years after it, ARR moved by a
seeded draw, about one in eight second renewals churned, so every lead has
both kinds. Rounds are interleaved like bench/run.py's; figures are medians.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import re
import resource
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import run as bench_run  # noqa: E402 - bench/ is not a package

GOAL = 3.5
_START = re.compile(r"^start: (\d{4}-\d{2}-\d{2})$", re.MULTILINE)
_ARR = re.compile(r"^arr: (\d+)$", re.MULTILINE)


def renewals_block(text: str, rng: random.Random) -> str:
    """Two past renewals for an account document, from its start and arr."""
    start = dt.date.fromisoformat(_START.search(text).group(1))  # type: ignore[union-attr]
    found = _ARR.search(text)
    before = int(found.group(1)) if found else 10_000
    first = before + rng.choice((-1, 0, 0, 1, 2)) * before // 10
    second = 0 if rng.random() < 0.125 else first + rng.choice((-1, 0, 1)) * first // 10
    one, two = start + dt.timedelta(days=365), start + dt.timedelta(days=730)
    return (
        "renewals:\n"
        f"  - {{date: {one}, arr_before: {before}, arr_after: {first}}}\n"
        f"  - {{date: {two}, arr_before: {first}, arr_after: {second}}}\n"
    )


def with_renewals(source: Path, seed: int) -> Path:
    """A copy of ``source`` with renewals appended to every account file."""
    out = source.parent / f"{source.name}-renewals"
    stamp = out / ".renewals-stamp"
    want = (
        (source / bench_run.generate.STAMP).read_text("utf-8")
        if (source / bench_run.generate.STAMP).exists()
        else ""
    )
    if stamp.exists() and stamp.read_text("utf-8") == want + str(seed):
        return out
    if out.exists():
        shutil.rmtree(out)
    shutil.copytree(source, out)
    rng = random.Random(seed)
    for path in sorted((out / "accounts").rglob("*.yaml")):
        text = path.read_text("utf-8")
        if "\nkind: Account" not in "\n" + text:
            continue
        path.write_text(text.rstrip("\n") + "\n" + renewals_block(text, rng), "utf-8")
    stamp.write_text(want + str(seed), "utf-8")
    return out


def timed(cmd: list[str]) -> tuple[float, float]:
    """Wall and CPU (user + system of the child) seconds of one run."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    done = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, check=False)
    wall = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        raise SystemExit(
            f"{' '.join(cmd)} exited {done.returncode}:\n{done.stderr.decode()[-800:]}"
        )
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--accounts", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args(argv)
    ws = with_renewals(bench_run.workspace(args.accounts, args.seed, False), args.seed)
    csplan = str(Path(sys.executable).with_name("csplan"))
    check = subprocess.run(
        [csplan, "backtest", "-w", str(ws), "--format", "json", "--lead", "90"],
        capture_output=True,
        check=False,
    )
    if check.returncode != 0:
        raise SystemExit(check.stderr.decode()[-2000:])
    renewals = json.loads(check.stdout)["retention"]["renewals"]
    cmds = {
        "score-json": [
            csplan,
            "score",
            "--all",
            "-w",
            str(ws),
            "--as-of",
            bench_run.AS_OF,
            "--format",
            "json",
        ],
        "backtest": [csplan, "backtest", "-w", str(ws), "--lead", "30,90,180", "--format", "json"],
    }
    times: dict[str, list[tuple[float, float]]] = {name: [] for name in cmds}
    for _ in range(args.runs):
        for name, cmd in cmds.items():
            times[name].append(timed(cmd))
    wall = {n: statistics.median(t[0] for t in ts) for n, ts in times.items()}
    cpu = {n: statistics.median(t[1] for t in ts) for n, ts in times.items()}
    print(
        f"csplan backtest benchmark: {args.accounts} accounts, {renewals} renewals, "
        f"{args.runs} runs (median)"
    )
    for name in cmds:
        print(f"  {name:<11} wall {wall[name]:7.2f} s   cpu {cpu[name]:7.2f} s")
    ratio = wall["backtest"] / wall["score-json"]
    cpu_ratio = cpu["backtest"] / cpu["score-json"]
    verdict = "ok" if ratio <= GOAL else "OVER"
    print(
        f"  backtest / score-json: wall {ratio:.2f}x, cpu {cpu_ratio:.2f}x (goal {GOAL}x) {verdict}"
    )
    return 0 if ratio <= GOAL else 1


if __name__ == "__main__":
    raise SystemExit(main())
