"""csplan speed benchmark (``make bench``).

    python bench/run.py [--accounts 10000] [--runs 5] [--json] [--regenerate] [--check]

Measures, in one run, fresh subprocesses on a synthetic workspace
(bench/generate.py, written once into bench/workspaces/):

- the floor: ``python -c`` that finds the same YAML files and loads each with
  PyYAML's C loader (``yaml.load_all(data, Loader=yaml.CSafeLoader)``);
- ``csplan validate -w WS``                 goal: at most 0.5x the floor;
- ``csplan score --all -w WS --as-of ...``  goal: at most 1.0x the floor,
  with the default table and with ``--format json``;
- ``csplan --version``                      goal: at most 1.3x ``python -c "import typer"``.

Why the comparison is fair:
- Both sides are fresh processes started by the same interpreter (the venv's:
  the one running this script; the csplan console script points at it), so
  interpreter start-up is paid by both, and both read every file from disk.
- A warm-up round runs every command once before timing, so the OS file
  cache holds the workspace for both sides and .pyc files exist; the floor is
  never the one that pays for a cold disk.
- Rounds are interleaved (floor, validate, score, floor, ...) so background
  load falls on every command alike; the figure is the median of the rounds.
- The floor is PyYAML's fastest ordinary use: one read() of the bytes, the C
  loader, nothing else. csplan does strictly more (schema, references, checks).
- Output goes to /dev/null on both sides, so terminal speed is not measured.

Goals are judged on wall time, as the issues state them. CPU time (user +
system of the child) is reported beside it: it hardly moves when other work
shares the machine, so its ratio is the one to trust on a busy machine.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import generate  # noqa: E402 - bench/ is not a package

AS_OF = "2026-11-01"
GOALS = {"validate": 0.5, "score-table": 1.0, "score-json": 1.0, "diff": 2.2, "version": 1.3}
# What each goal is a ratio to: the PyYAML floor unless named here.
BASELINES = {"version": "import-typer", "diff": "score-json"}
LABELS = {
    "floor": "floor: PyYAML CSafeLoader",
    "validate": "csplan validate",
    "score-table": "csplan score --all (table)",
    "score-json": "csplan score --all --format json",
    "diff": "csplan diff --all --base HEAD (json)",
    "import-typer": 'python -c "import typer"',
    "version": "csplan --version",
}

# The floor walks the workspace like csplan's discovery (every *.yaml/*.yml,
# hidden files and folders skipped; the generated workspace has no templates
# folder and no exclude patterns) and prints how many files it loaded.
FLOOR = """\
import os, sys, yaml
root = sys.argv[1]
files = []
for folder, dirs, names in os.walk(root):
    dirs[:] = [d for d in dirs if not d.startswith(".")]
    files += [os.path.join(folder, n) for n in names
              if n.endswith((".yaml", ".yml")) and not n.startswith(".")]
files.sort()
for path in files:
    with open(path, "rb") as fh:
        list(yaml.load_all(fh.read(), Loader=yaml.CSafeLoader))
print(len(files))
"""

Timing = dict[str, list[float]]  # "wall" and "cpu" seconds of each timed run


def _run(
    argv: list[str], stdout: int = subprocess.DEVNULL
) -> tuple[float, float, subprocess.CompletedProcess[bytes]]:
    """Wall and CPU seconds of one run of ``argv``, and its result."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    done = subprocess.run(argv, stdout=stdout, stderr=subprocess.PIPE, check=False)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu, done


def _need(done: subprocess.CompletedProcess[bytes], what: str) -> None:
    if done.returncode != 0:
        tail = done.stderr.decode(errors="replace").strip().splitlines()[-5:]
        raise SystemExit(f"{what} exited {done.returncode}:\n" + "\n".join(tail))


def workspace(accounts: int, seed: int, regenerate: bool) -> Path:
    """The generated workspace for (accounts, seed), written if absent or stale."""
    ws = HERE / "workspaces" / f"tallyfold-{accounts}"
    stamp = ws / generate.STAMP
    fresh = stamp.exists() and json.loads(stamp.read_text("utf-8")) == generate.stamp(
        accounts, seed
    )
    if regenerate or not fresh:
        print(f"generating {accounts} accounts (seed {seed}) into {ws} ...", file=sys.stderr)
        generate.generate(ws, accounts, seed, force=True)
    return ws


def git_workspace(ws: Path) -> Path:
    """``ws`` committed in a git repository of its own (made once per
    generated workspace), with one catalogue change in the working tree: the
    first engagement model's first component weighs one more. ``csplan diff
    --all --base HEAD`` on it scores every account twice and compares."""
    import shutil

    repo = ws.parent / f"{ws.name}-git"
    stamp = repo / ".bench-git.json"
    want = (ws / generate.STAMP).read_text("utf-8")
    copy = repo / "ws"
    if not (stamp.exists() and stamp.read_text("utf-8") == want):
        print(f"committing {ws.name} into {repo} for the diff benchmark ...", file=sys.stderr)
        shutil.rmtree(repo, ignore_errors=True)
        shutil.copytree(ws, copy)
        git = ["git", "-c", "user.name=bench", "-c", "user.email=bench@example.com"]
        for args in (["init", "-q"], ["add", "-A"], ["commit", "-q", "-m", "portfolio"]):
            subprocess.run([*git, *args], cwd=repo, check=True, capture_output=True)
        stamp.write_text(want, "utf-8")
    model = sorted((copy / "engagement").glob("*.yaml"))[0]
    committed = subprocess.run(
        ["git", "show", f"HEAD:ws/engagement/{model.name}"],
        cwd=repo,
        check=True,
        capture_output=True,
    ).stdout.decode("utf-8")
    model.write_text(committed.replace("weight: 1\n", "weight: 2\n", 1), "utf-8")
    return copy


def commands(python: str, csplan: str, ws: Path, score: bool) -> dict[str, list[str]]:
    """The workspace commands, by name, in the order they run in each round."""
    cmds = {
        "floor": [python, "-c", FLOOR, str(ws)],
        "validate": [csplan, "validate", "-w", str(ws)],
    }
    if score:
        cmds["score-table"] = [csplan, "score", "--all", "-w", str(ws), "--as-of", AS_OF]
        cmds["score-json"] = [*cmds["score-table"], "--format", "json"]
    if score and _run([csplan, "diff", "--help"])[2].returncode == 0:
        repo_ws = git_workspace(ws)
        cmds["diff"] = [csplan, "diff", "--all", "-w", str(repo_ws), "--base", "HEAD"]
        cmds["diff"] += ["--as-of", AS_OF, "--format", "json"]
    return cmds


def measure(cmds: dict[str, list[str]], runs: int) -> dict[str, Timing]:
    """Seconds of ``runs`` interleaved rounds, after one warm-up round."""
    times: dict[str, Timing] = {name: {"wall": [], "cpu": []} for name in cmds}
    for round_no in range(runs + 1):
        for name, argv in cmds.items():
            wall, cpu, done = _run(argv)
            _need(done, name)
            if round_no:  # round 0 warms the file cache and the .pyc files
                times[name]["wall"].append(wall)
                times[name]["cpu"].append(cpu)
    return times


def score_available(csplan: str) -> bool:
    """Whether this build has the ``score`` command (it landed after validate)."""
    return _run([csplan, "score", "--help"])[2].returncode == 0


def check_same_files(python: str, csplan: str, ws: Path) -> int:
    """Both sides must read the same files: compare the floor's count with csplan's."""
    floor = _run([python, "-c", FLOOR, str(ws)], stdout=subprocess.PIPE)[2]
    _need(floor, "floor")
    validate = _run([csplan, "validate", "-w", str(ws), "-f", "json"], stdout=subprocess.PIPE)[2]
    _need(validate, "csplan validate")
    summary = json.loads(validate.stdout)["summary"]
    if summary["errors"]:
        raise SystemExit(f"the generated workspace has {summary['errors']} errors")
    files = int(floor.stdout)
    if files != summary["files"]:
        raise SystemExit(f"floor read {files} files, csplan {summary['files']}: discovery differs")
    return files


def report(times: dict[str, Timing]) -> list[dict[str, Any]]:
    """One row per command: medians, ratios to its baseline, goal, pass."""
    wall = {name: statistics.median(t["wall"]) for name, t in times.items()}
    cpu = {name: statistics.median(t["cpu"]) for name, t in times.items()}
    rows = []
    for name, label in LABELS.items():
        if name not in times:
            continue
        row: dict[str, Any] = {
            "name": name,
            "command": label,
            "seconds": wall[name],
            "cpu_seconds": cpu[name],
            "all_seconds": times[name]["wall"],
            "all_cpu_seconds": times[name]["cpu"],
        }
        if name in GOALS:
            base = BASELINES.get(name, "floor")
            row["baseline"] = base
            row["ratio"] = wall[name] / wall[base]
            row["cpu_ratio"] = cpu[name] / cpu[base]
            row["goal"] = GOALS[name]
            row["pass"] = row["ratio"] <= GOALS[name]
        rows.append(row)
    return rows


def print_table(info: dict[str, Any], rows: list[dict[str, Any]], has_score: bool) -> None:
    print(
        f"csplan benchmark: {info['accounts']} accounts, {info['files']} files, "
        f"{info['bytes'] / 1e6:.1f} MB (seed {info['seed']})"
    )
    print(f"machine: {info['nproc']} CPUs, Python {info['python']}, {info['platform']}")
    print("load average (1 min) before / after: {} / {}".format(*info["load_average"]))
    print(
        f"median of {info['runs']} rounds ({info['version_runs']} for start-up), "
        "after a warm-up round; goals are on wall time\n"
    )
    print(
        f"{'command':<34} {'wall s':>7} {'min..max':>13} {'ratio':>6} {'goal':>6}  "
        f"{'result':<10} {'cpu s':>6} {'ratio':>6}"
    )
    for row in rows:
        if "goal" in row:
            ratio, goal = f"{row['ratio']:.2f}x", f"<={row['goal']:.1f}x"
            result, cpu_ratio = ("PASS" if row["pass"] else "FAIL"), f"{row['cpu_ratio']:.2f}x"
        else:
            ratio, goal, result, cpu_ratio = "", "", "(baseline)", ""
        spread = f"{min(row['all_seconds']):.2f}..{max(row['all_seconds']):.2f}"
        print(
            f"{row['command']:<34} {row['seconds']:>7.3f} {spread:>13} {ratio:>6} {goal:>6}  "
            f"{result:<10} {row['cpu_seconds']:>6.2f} {cpu_ratio:>6}"
        )
    if not has_score:
        print("score: not available (this build has no 'csplan score' command)")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="csplan speed benchmark")
    parser.add_argument("--accounts", type=int, default=10_000, help="accounts (10000)")
    parser.add_argument("--seed", type=int, default=1, help="generator seed (1)")
    parser.add_argument("--runs", type=int, default=5, help="timed rounds per command (5)")
    parser.add_argument("--version-runs", type=int, default=20, help="timed runs of --version")
    parser.add_argument("--regenerate", action="store_true", help="write the workspace again")
    parser.add_argument("--json", action="store_true", help="print machine-readable results")
    parser.add_argument("--check", action="store_true", help="exit 1 when a goal is missed")
    args = parser.parse_args(argv)

    python = sys.executable
    csplan = str(Path(python).parent / "csplan")
    if not Path(csplan).exists():
        raise SystemExit(f"no csplan next to {python}: run with the venv's python (make bench)")
    ws = workspace(args.accounts, args.seed, args.regenerate)
    load_before = os.getloadavg()[0]
    files = check_same_files(python, csplan, ws)
    has_score = score_available(csplan)
    times = measure(commands(python, csplan, ws, has_score), args.runs)
    startup = {"import-typer": [python, "-c", "import typer"], "version": [csplan, "--version"]}
    times.update(measure(startup, args.version_runs))
    rows = report(times)
    info = {
        "accounts": args.accounts,
        "seed": args.seed,
        "files": files,
        "bytes": sum(p.stat().st_size for p in ws.rglob("*.y*ml")),
        "runs": args.runs,
        "version_runs": args.version_runs,
        "as_of": AS_OF,
        "nproc": os.cpu_count(),
        "python": platform.python_version(),
        "platform": platform.platform(),
        # Other work slows both sides alike (rounds are interleaved) but
        # widens the spread: the load average says how busy the machine was.
        "load_average": [round(load_before, 2), round(os.getloadavg()[0], 2)],
        "workspace": str(ws),
    }
    if args.json:
        score = "available" if has_score else "not available"
        print(json.dumps({"machine": info, "score": score, "results": rows}, indent=2))
    else:
        print_table(info, rows, has_score)
    missed = [r for r in rows if r.get("pass") is False]
    return 1 if args.check and missed else 0


if __name__ == "__main__":
    sys.exit(main())
