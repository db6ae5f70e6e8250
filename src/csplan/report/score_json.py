"""``csplan score --format json``: the shape of SPEC section 5.

Figures are unrounded, dates ISO strings, file paths relative to the
workspace root, lists in the SPEC's orders. :func:`to_dict` is the one place
that shape is defined; the renderer and notebooks import it too.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from datetime import date
from typing import TYPE_CHECKING, Any, TextIO

from csplan.findings import RowRef
from csplan.results import (
    SCHEMA_VERSION,
    AccountScore,
    ComponentScore,
    MeasureScore,
    Play,
)
from csplan.wording import evidence_source, json_safe

if TYPE_CHECKING:
    from csplan.model import Workspace


def document(scores: Sequence[AccountScore], ws: Workspace, as_of: date) -> dict[str, Any]:
    """The whole JSON document: schema version, date and accounts in id order."""
    ordered = sorted(scores, key=lambda s: s.id)
    return {
        "schema_version": SCHEMA_VERSION,
        "as_of": as_of.isoformat(),
        "accounts": [to_dict(s, ws) for s in ordered],
    }


def write(
    scores: Iterable[AccountScore],
    ws: Workspace,
    as_of: date,
    stream: TextIO,
    *,
    compact: bool = False,
) -> None:
    """Write the JSON document for ``scores`` (given in account id order).

    Indented for people by default. ``compact`` streams one account at a time
    without indentation: for a portfolio of thousands, indenting forces
    Python's slow pure-Python encoder and holding every score costs memory.
    Both give the same data in the same order."""
    if not compact:
        # allow_nan=False: NaN and Infinity are not JSON. The model refuses them
        # on input; should one still arise, this is an internal error, not a
        # file other tools cannot parse.
        text = json.dumps(
            document(list(scores), ws, as_of), indent=2, ensure_ascii=False, allow_nan=False
        )
        stream.write(json_safe(text) + "\n")
        return
    write_fragments((fragment(score, ws) for score in scores), as_of, stream)


# The data is a tree: no need for the encoder's cycle check.
_COMPACT = json.JSONEncoder(
    ensure_ascii=False, separators=(",", ":"), check_circular=False, allow_nan=False
)


def fragment(score: AccountScore, ws: Workspace) -> str:
    """One account's compact JSON, as :func:`write_fragments` writes it."""
    return json_safe(_COMPACT.encode(to_dict(score, ws)))


def write_fragments(fragments: Iterable[str], as_of: date, stream: TextIO) -> None:
    """The compact document from accounts already encoded (:func:`fragment`),
    one write each, as they come."""
    head = {"schema_version": SCHEMA_VERSION, "as_of": as_of.isoformat()}
    stream.write(_COMPACT.encode(head)[:-1] + ',"accounts":[')
    for i, text in enumerate(fragments):
        if i:
            stream.write(",")
        stream.write(text)
    stream.write("]}\n")


def to_dict(score: AccountScore, ws: Workspace) -> dict[str, Any]:
    """One account's score as JSON-ready data (SPEC section 5). ``ws`` is the
    workspace it was scored from, used to put line numbers on evidence."""
    e = score.engagement
    m = score.milestones
    out: dict[str, Any] = {
        "id": score.id,
        "name": score.name,
        "segment": score.segment,
        "started": score.started,
        "arr": score.arr,
        "renewal": score.renewal.isoformat() if score.renewal is not None else None,
        "engagement": {
            "attainment": e.attainment,
            "gap": e.gap,
            "band": e.band,
            "components": [_component(c, ws) for c in e.components],
            "biggest_gaps": list(e.biggest_gaps),
        },
        "milestones": {
            "functional_progress": m.functional_progress,
            "customer_progress": m.customer_progress,
            "success_gap": m.success_gap,
            "route": m.route,
            "reached": list(m.reached),
            "next": list(m.next),
            "overdue": [
                {
                    "id": o.id,
                    "due": o.due.isoformat(),
                    "days_late": o.days_late,
                    "original_due": _iso(o.original_due),
                }
                for o in m.overdue
            ],
        },
        "outcome": None,
        "experience": {
            "coverage": score.experience.coverage,
            "missing_required": list(score.experience.missing_required),
            "mismatched": list(score.experience.mismatched),
        },
        "icp": None,
        "plays": [play_dict(p) for p in score.plays],
        "expired_overrides": [
            {
                "component": x.component,
                "expires": x.expires.isoformat(),
                "by": x.by,
                "reason": x.reason,
            }
            for x in score.expired_overrides
        ],
    }
    o = score.outcome
    if o is not None:
        out["outcome"] = {
            "id": o.id,
            "baseline": o.baseline,
            "target": o.target,
            "current": o.current,
            "progress": o.progress,
            "by": o.by.isoformat() if o.by else None,
            "since": o.since.isoformat(),
        }
    if score.icp is not None:
        out["icp"] = {
            "id": score.icp.id,
            "fit": score.icp.fit,
            "ideal": score.icp.ideal,
            "missing_attributes": list(score.icp.missing_attributes),
        }
    if score.trend:
        out["trend"] = [
            {
                "as_of": p.as_of.isoformat(),
                "attainment": p.attainment,
                "band": p.band,
                "success_gap": p.success_gap,
            }
            for p in score.trend
        ]
    return out


def play_dict(play: Play) -> dict[str, Any]:
    """A play as SPEC section 5 writes it: triggers name their milestone,
    risk plays their reason and ref."""
    if play.type == "risk":
        return {"type": "risk", "reason": play.reason, "ref": play.ref, "play": play.play}
    return {"type": play.type, "play": play.play, "milestone": play.milestone}


def _component(c: ComponentScore, ws: Workspace) -> dict[str, Any]:
    return {
        "name": c.name,
        "weight": _as_written(c.weight),
        "desired": c.desired,
        "actual": c.actual,
        "rule_actual": c.rule_actual,
        "override": None
        if c.override is None
        else {
            "actual": c.override.actual,
            "by": c.override.by,
            "reason": c.override.reason,
            "since": c.override.since.isoformat(),
            "expires": c.override.expires.isoformat(),
        },
        "gap": c.gap,
        "measures": [_measure(m, ws) for m in c.measures],
    }


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day is not None else None


def _measure(m: MeasureScore, ws: Workspace) -> dict[str, Any]:
    where = ws.evidence_location(m.source)
    found = {
        "kind": m.kind,
        "ref": m.ref,
        "score": m.score,
        "evidence": m.evidence,
        "file": where[0] if where else None,
        "line": where[1] if where else None,
    }
    if isinstance(m.source, RowRef):  # evidence from a data source's row
        found.update(evidence_source(m.source))
    return found


def _as_written(weight: float) -> float | int:
    # Weights are read as floats; 1 reads better than 1.0 and is the same number.
    return int(weight) if weight.is_integer() else weight
