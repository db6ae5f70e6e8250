"""Write a synthetic csplan workspace for benchmarks.

    python bench/generate.py OUT_DIR --accounts 10000 [--seed 1] [--force]

The shared documents (settings, personas, ICPs, outcomes, experiences,
vehicles, maps, engagement models, segments) are copied from bench/skeleton/;
the accounts are generated, one per file, under accounts/shard-NN/ (500 per
folder). Each account draws from its own random stream seeded by (seed,
index), so the same arguments always write the same bytes, and the first N
accounts of a bigger run are the accounts of a run with --accounts N.

The accounts are valid by construction (SPEC section 2): references resolve,
dated lists ascend with no repeated date, every account has a champion and
no milestone is reached before its journey starts.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import random
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent))
import words  # bench/ is not a package

SKELETON = Path(__file__).resolve().parent / "skeleton"
STAMP = ".bench-workspace.json"  # hidden: csplan never reads it
SHARD_SIZE = 500
AS_OF = dt.date(2026, 11, 1)
FIRST_START = dt.date(2024, 1, 8)
LAST_START = dt.date(2026, 9, 15)
SEGMENT_WEIGHTS = {"startup": 4, "midmarket": 4, "enterprise": 2}
MOVES = {"startup": "midmarket", "midmarket": "enterprise"}
SIZES = {"startup": (8, 150), "midmarket": (150, 2000), "enterprise": (2000, 40000)}
ARR_THOUSANDS = {"startup": (3, 25), "midmarket": (20, 90), "enterprise": (90, 600)}

# name -> (value at the start, value when things go well, decimals); a
# per-segment entry overrides the default. None decimals means a boolean.
SIGNALS: dict[str, dict[str, tuple[float, float, int | None]]] = {
    "api_calls_7d": {"*": (5, 900, 0)},
    "weekly_active_ratio": {"*": (0.15, 0.8, 2)},
    "touchless_rate": {"*": (0.1, 0.85, 2)},
    "close_days": {"*": (12, 4, 0), "enterprise": (15, 5, 0)},
    "early_discount_capture_pct": {"*": (8, 55, 1)},
    "community_posts_90d": {"*": (0, 8, 0)},
    "newsletter_click_rate": {"*": (0.02, 0.25, 3)},
    "docs_pages_read_30d": {"*": (3, 60, 0)},
    "support_tickets_open": {"*": (7, 1, 0)},
    "invoices_processed_30d": {"*": (80, 1500, 0), "enterprise": (1500, 30000, 0)},
    "approvers_active": {"*": (3, 30, 0), "enterprise": (15, 260, 0)},
    "nps_score": {"*": (5, 65, 0)},
    "meetings_last_90d": {"*": (1, 7, 0)},
    "certified_users": {"*": (0, 4, 0), "enterprise": (0, 8, 0)},
    "erp_synced_ratio": {"*": (0.6, 0.995, 3)},
    "vendors_onboarded": {"*": (10, 180, 0), "enterprise": (60, 900, 0)},
    "late_payment_rate": {"*": (0.18, 0.005, 3)},
    "sso_enabled": {"*": (0, 1, None)},
}


@dataclass(frozen=True)
class Catalog:
    """What the accounts may refer to, read from the skeleton."""

    segments: dict[str, dict[str, Any]]
    maps: dict[str, dict[str, Any]]
    questions: dict[str, list[str]]  # engagement model id -> question ids
    signals: dict[str, list[str]]  # segment id -> signals its model and map read
    metrics: dict[str, str]  # outcome id -> signal
    elements: dict[str, list[dict[str, Any]]]  # experience id -> elements


def load_catalog(skeleton: Path = SKELETON) -> Catalog:
    """Index the skeleton's documents by kind and id."""
    docs: list[dict[str, Any]] = []
    for path in sorted(skeleton.rglob("*.yaml")):
        docs.extend(d for d in yaml.safe_load_all(path.read_text(encoding="utf-8")) if d)
    by_kind: dict[str, dict[str, dict[str, Any]]] = {}
    for doc in docs:
        by_kind.setdefault(doc["kind"], {})[doc.get("id", "")] = doc
    maps = by_kind["MilestoneMap"]
    questions: dict[str, list[str]] = {}
    model_signals: dict[str, list[str]] = {}
    for ident, model in by_kind["EngagementModel"].items():
        measures = [m for c in model["components"].values() for m in c.get("measures", [])]
        questions[ident] = [m["question"] for m in measures if "question" in m]
        model_signals[ident] = [m["signal"] for m in measures if "signal" in m]
    signals = {}
    for ident, seg in by_kind["Segment"].items():
        route = maps[seg["milestone_map"]]["milestones"]
        crit = [c["signal"] for m in route for c in m.get("criteria", [])]
        signals[ident] = list(dict.fromkeys(model_signals[seg["engagement"]] + crit))
    return Catalog(
        segments=by_kind["Segment"],
        maps=maps,
        questions=questions,
        signals=signals,
        metrics={i: o["metric"]["signal"] for i, o in by_kind["RequiredOutcome"].items()},
        elements={i: x["elements"] for i, x in by_kind["AppropriateExperience"].items()},
    )


def _day(rng: random.Random, low: dt.date, high: dt.date) -> dt.date:
    return low + dt.timedelta(days=rng.randint(0, max(0, (high - low).days)))


def _dates(rng: random.Random, low: dt.date, high: dt.date, count: int) -> list[dt.date]:
    """Up to ``count`` distinct ascending dates in [low, high]."""
    span = (high - low).days + 1
    if span <= 0:
        return []
    picks = rng.sample(range(span), min(count, span))
    return [low + dt.timedelta(days=d) for d in sorted(picks)]


def _value(signal: str, segment: str, t: float, rng: random.Random) -> str:
    start, end, decimals = _scale(signal, segment)
    if decimals is None:
        return "true" if t > 0.2 else "false"
    value = start + (end - start) * t + (end - start) * rng.uniform(-0.08, 0.08)
    low, high = min(start, end), max(start, end)
    value = min(max(value, low * 0.9), high * 1.05)
    return str(round(value)) if decimals == 0 else f"{value:.{decimals}f}"


def _reached(
    rng: random.Random, route: list[dict[str, Any]], begin: dt.date, health: float, taken: set[str]
) -> list[tuple[str, list[dt.date]]]:
    """Milestones of one route reached between ``begin`` and the scoring date."""
    done: dict[str, dt.date] = {}
    out = []
    for m in route:
        if m["id"] in taken or not all(a in done for a in m.get("after", [])):
            continue
        ready = max([begin, *(done[a] for a in m.get("after", []))])
        when = max(
            ready + dt.timedelta(days=1),
            begin + dt.timedelta(days=round(m["due_days"] * rng.uniform(0.7, 1.6) / health)),
        )
        if when >= AS_OF or rng.random() > 0.55 + 0.45 * health:
            continue
        done[m["id"]] = when
        dates = [when]
        if m.get("repeat_days"):
            while len(dates) < 6:
                nxt = dates[-1] + dt.timedelta(days=round(m["repeat_days"] * rng.uniform(0.7, 1.0)))
                if nxt >= AS_OF or rng.random() > health:
                    break
                dates.append(nxt)
        # A milestone with criteria is often reached by evidence, not listed.
        if not m.get("criteria") or rng.random() < 0.6:
            out.append((m["id"], dates))
    return out


@dataclass
class _Draft:
    """One account being written: its random stream, story and lines."""

    catalog: Catalog
    rng: random.Random
    start: dt.date
    periods: list[tuple[dt.date, str]]  # (since, segment), oldest first
    health: float  # 0.35 (struggling) .. 1 (textbook)
    champion: str
    lines: list[str]

    @property
    def segment(self) -> str:
        return self.periods[-1][1]

    def segments(self, field: str) -> list[Any]:
        """``field`` of every segment the account has been in, oldest first."""
        return [self.catalog.segments[s][field] for _, s in self.periods]

    def days(self, low: int, high: dt.date | None = None) -> tuple[dt.date, dt.date]:
        return self.start + dt.timedelta(days=low), high or AS_OF - dt.timedelta(days=1)


def account(catalog: Catalog, seed: int, index: int, ident: str, name: str, segment: str) -> str:
    """The YAML text of one account."""
    rng = random.Random(f"{seed}:{index}:account")
    start = _day(rng, FIRST_START, LAST_START)
    periods = [(start, segment)]
    if segment in MOVES and (AS_OF - start).days > 200 and rng.random() < 0.08:
        moved = _day(rng, start + dt.timedelta(days=120), AS_OF - dt.timedelta(days=40))
        periods.append((moved, MOVES[segment]))
    draft = _Draft(
        catalog, rng, start, periods, rng.uniform(0.35, 1.0), rng.choice(words.FIRST_NAMES), []
    )
    seg = catalog.segments[draft.segment]
    draft.lines = [
        f"# {name}: {seg['name'].lower()}, customer since {start:%B %Y}.",
        f"# {rng.choice(words.STORIES[draft.segment])}",
        "",
        "kind: Account",
        f"id: {ident}",
        f"name: {name}",
    ]
    _identity(draft)
    metrics = _desired_outcomes(draft)
    _experience(draft)
    _milestones(draft)
    _signals(draft, metrics)
    _assessments(draft)
    _notes_and_plan(draft)
    return "\n".join(draft.lines) + "\n"


def _identity(d: _Draft) -> None:
    rng, segment = d.rng, d.segment
    if len(d.periods) == 1:
        d.lines.append(f"segment: {segment}")
    else:
        d.lines.append("segment:")
        d.lines += [f"  - {{since: {since}, segment: {s}}}" for since, s in d.periods]
    low, high = SIZES[segment]
    attrs = {
        "industry": rng.choice(words.INDUSTRIES[segment]),
        "employees": rng.randint(low, high),
        "invoices_per_month": rng.randint(low // 2 + 20, high * 2),
        "erp": rng.choice(words.ERPS[segment]),
    }
    if segment == "enterprise":
        attrs["legal_entities"] = rng.randint(2, 14)
        attrs["has_shared_services"] = "true" if rng.random() < 0.7 else "false"
    d.lines += [
        f"owner: {rng.choice(words.CSMS)}",
        f"start: {d.start}",
        f"arr: {round(rng.uniform(*ARR_THOUSANDS[segment])) * 1000}",
        "attributes: {" + ", ".join(f"{k}: {v}" for k, v in attrs.items()) + "}",
        "stakeholders:",
    ]
    personas = list(dict.fromkeys(p for ps in d.segments("personas") for p in ps))
    for i, persona in enumerate(rng.sample(personas, min(len(personas), rng.randint(2, 4)))):
        first = d.champion if i == 0 else rng.choice(words.FIRST_NAMES)
        champion = ", champion: true" if i == 0 else ""
        d.lines.append(
            f"  - {{name: {first} {rng.choice(words.LAST_NAMES)}, "
            f"role: {rng.choice(words.ROLES[persona])}, persona: {persona}{champion}}}"
        )


def _desired_outcomes(d: _Draft) -> list[str]:
    """The map's outcome from the start, sometimes a bolder destination later
    (the same required outcome, a higher target: a different one would be
    SPEC v1.2's CSP307, and this portfolio is clean); returns the metric
    signals they read."""
    rng = d.rng
    first = d.catalog.maps[d.segments("milestone_map")[-1]]["outcome"]
    entries = [(d.start, first, 0.5, 0.9, None)]
    if (AS_OF - d.start).days > 150 and rng.random() < 0.25:
        since = _day(rng, *d.days(90, AS_OF - dt.timedelta(days=30)))
        # The random draw stays, so every account after this one is as before.
        rng.choice(list(d.catalog.metrics))
        entries.append((since, first, 0.7, 1.0, "reason"))
    d.lines.append("desired_outcomes:")
    for since, outcome, reach_low, reach_high, reason in entries:
        low, high, _ = _scale(d.catalog.metrics[outcome], d.segment)
        d.lines += [
            f"  - since: {since}",
            f"    outcome: {outcome}",
            f"    baseline: {round(low * rng.uniform(0.9, 1.1))}",
            f"    target: {round(low + (high - low) * rng.uniform(reach_low, reach_high))}",
            f"    by: {since + dt.timedelta(days=rng.choice((365, 450, 540)))}",
        ]
        if reason:
            d.lines.append(f"    reason: {rng.choice(words.REASONS)}")
    return [d.catalog.metrics[outcome] for _, outcome, *_ in entries]


def _experience(d: _Draft) -> None:
    in_place = []
    for since, experience in zip([p[0] for p in d.periods], d.segments("experience"), strict=True):
        for element in d.catalog.elements[experience]:
            if d.rng.random() < (0.9 if element.get("required") else 0.6):
                if d.rng.random() < 0.4:
                    in_place.append(f"  - {element['id']}")
                else:
                    when = _day(d.rng, since, min(AS_OF, since + dt.timedelta(days=150)))
                    in_place.append(f"  - {{element: {element['id']}, since: {when}}}")
    if in_place:
        d.lines += ["experience:", *in_place]


def _milestones(d: _Draft) -> None:
    taken: set[str] = set()
    listed = []
    for i, map_id in enumerate(d.segments("milestone_map")):
        since = d.periods[i][0]
        end = d.periods[i + 1][0] if i + 1 < len(d.periods) else AS_OF
        route = d.catalog.maps[map_id]["milestones"]
        for ident, dates in _reached(d.rng, route, since, d.health, taken):
            dates = [when for when in dates if when < end]
            if dates:
                taken.add(ident)
                listed.append((ident, dates))
    if listed:
        d.lines.append("milestones:")
        for ident, dates in listed:
            when = str(dates[0]) if len(dates) == 1 else "[" + ", ".join(map(str, dates)) + "]"
            d.lines.append(f"  - {{id: {ident}, reached: {when}}}")


def _signals(d: _Draft, metrics: list[str]) -> None:
    rng = d.rng
    pool = list(dict.fromkeys(sig for _, s in d.periods for sig in d.catalog.signals[s]))
    chosen = list(dict.fromkeys(metrics))
    rest = [p for p in pool if p not in chosen]
    chosen += rng.sample(rest, min(len(rest), rng.randint(4, 10 - len(chosen))))
    elapsed = max(1, (AS_OF - d.start).days)
    d.lines.append("signals:")
    for signal in chosen:
        count = rng.choice((1, 1, 1, 1, 1, 2, 2, 2, 3, 4, 5))
        recent = AS_OF - dt.timedelta(days=30)
        if rng.random() < 0.2 + 0.75 * d.health and d.start + dt.timedelta(days=40) < recent:
            # Engaged accounts report fresh figures: the last one is this month's.
            dates = _dates(rng, *d.days(5, recent - dt.timedelta(days=5)), count - 1)
            dates += _dates(rng, recent, AS_OF - dt.timedelta(days=1), 1)
        else:
            dates = _dates(rng, *d.days(5), count)
        obs = []
        for when in dates:
            value = _value(signal, d.segment, d.health * (when - d.start).days / elapsed, rng)
            obs.append(f"{{as_of: {when}, value: {value}}}")
        if len(obs) == 1 and rng.random() < 0.6:
            d.lines.append(f"  {signal}: {obs[0]}")
        else:
            d.lines.append(f"  {signal}:")
            d.lines += [f"    - {o}" for o in obs]


def _assessments(d: _Draft) -> None:
    rng = d.rng
    models = d.segments("engagement")
    questions = list(dict.fromkeys(q for m in models for q in d.catalog.questions[m]))
    picked = rng.sample(questions, rng.randint(len(questions) // 2, len(questions)))
    asked = sorted(
        {(when, q) for q in picked for when in _dates(rng, *d.days(3), rng.choice((1, 1, 1, 1, 2)))}
    )
    if asked:
        d.lines.append("assessments:")
        for when, q in asked:
            answer = rng.choices(("yes", "partial", "no"), weights=(d.health, 0.5, 1 - d.health))
            d.lines.append(f"  - {{question: {q}, answer: {answer[0]}, as_of: {when}}}")


def _notes_and_plan(d: _Draft) -> None:
    rng = d.rng
    d.lines.append("notes:")
    for when in _dates(rng, *d.days(10), rng.randint(1, 2)):
        text = rng.choice(words.NOTES).format(first=d.champion, month=f"{when:%B}")
        d.lines += [f"  - date: {when}", f"    text: {text}"]
    message = rng.choice(words.MESSAGES).format(first=d.champion)
    d.lines += ["plan:", "  message: >", *_wrap(message, "    "), "  next_steps:"]
    for action, owner in rng.sample(words.ACTIONS, rng.randint(2, 3)):
        due = AS_OF + dt.timedelta(days=rng.randint(7, 60))
        d.lines.append(f"    - {{action: {action}, owner: {owner}, due: {due}}}")


def _scale(signal: str, segment: str) -> tuple[float, float, int | None]:
    return SIGNALS[signal].get(segment, SIGNALS[signal]["*"])


def _wrap(text: str, indent: str, width: int = 76) -> list[str]:
    out, line = [], ""
    for word in text.split():
        if line and len(indent) + len(line) + 1 + len(word) > width:
            out.append(indent + line)
            line = word
        else:
            line = f"{line} {word}" if line else word
    return [*out, indent + line] if line else out


def _names(seed: int, count: int) -> list[tuple[str, str, str]]:
    """(id, name, segment) of every account, unique ids, in index order."""
    seen: set[str] = set()
    out = []
    for index in range(count):
        rng = random.Random(f"{seed}:{index}:name")
        segment = rng.choices(list(SEGMENT_WEIGHTS), weights=list(SEGMENT_WEIGHTS.values()))[0]
        first, second = rng.choice(words.COMPANY_FIRST), rng.choice(words.COMPANY_SECOND)
        name = f"{first.capitalize()}{second} {rng.choice(words.COMPANY_KIND[segment])}"
        ident = name.lower().replace(" ", "-")
        if ident in seen:
            ident = f"{ident}-{index}"
        seen.add(ident)
        out.append((ident, name, segment))
    return out


def generate(out: Path, accounts: int, seed: int = 1, force: bool = False) -> int:
    """Write the workspace to ``out``; returns the number of files written."""
    if out.exists() and any(out.iterdir()):
        if not force:
            raise SystemExit(f"{out} is not empty (pass --force to replace it)")
        if not (out / STAMP).exists():
            raise SystemExit(f"{out} was not written by bench/generate.py; refusing to delete it")
        shutil.rmtree(out)
    shutil.copytree(SKELETON, out)
    catalog = load_catalog()
    written = sum(1 for _ in SKELETON.rglob("*.yaml"))
    for index, (ident, name, segment) in enumerate(_names(seed, accounts)):
        folder = out / "accounts" / f"shard-{index // SHARD_SIZE:02d}"
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"{ident}.yaml").write_text(
            account(catalog, seed, index, ident, name, segment), encoding="utf-8"
        )
        written += 1
    (out / STAMP).write_text(json.dumps(stamp(accounts, seed)) + "\n", encoding="utf-8")
    return written


def stamp(accounts: int, seed: int) -> dict[str, Any]:
    """What a workspace was generated from; a change to the generator, its
    words or the skeleton changes ``source``, so stale workspaces are found."""
    digest = hashlib.sha256()
    here = Path(__file__).resolve().parent
    for path in [here / "generate.py", here / "words.py", *sorted(SKELETON.rglob("*.yaml"))]:
        digest.update(path.read_bytes())
    return {"accounts": accounts, "seed": seed, "source": digest.hexdigest()[:16]}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path, help="folder to write the workspace into")
    parser.add_argument("--accounts", type=int, default=10_000, help="number of accounts (10000)")
    parser.add_argument("--seed", type=int, default=1, help="random seed (1)")
    parser.add_argument("--force", action="store_true", help="replace a workspace written before")
    args = parser.parse_args(argv)
    files = generate(args.out, args.accounts, args.seed, args.force)
    print(f"wrote {files} files ({args.accounts} accounts, seed {args.seed}) to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
