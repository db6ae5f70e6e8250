"""Reporters for ``csplan backtest`` (SPEC section 9): one function per
format, one registry, like :mod:`csplan.report.scores`. Figures are rounded
here, never in the engine."""

from __future__ import annotations

import json as _json
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any, TextIO

from csplan.results import SCHEMA_VERSION
from csplan.wording import component_label, json_safe, printable

if TYPE_CHECKING:
    from csplan.model import Workspace
    from csplan.results import Backtest, BandRetention, LeadResult, Retention

NONE = "-"

Reporter = Callable[["Backtest", "Workspace", TextIO], None]


# --- json -------------------------------------------------------------------


def document(result: Backtest) -> dict[str, Any]:
    """SPEC section 9's JSON document: unrounded, null for a missing rate."""
    return {
        "schema_version": SCHEMA_VERSION,
        "from": result.from_date.isoformat() if result.from_date else None,
        "to": result.to_date.isoformat() if result.to_date else None,
        "retention": _retention(result.retention),
        "leads": [_lead(lead) for lead in result.leads],
    }


def _retention(r: Retention) -> dict[str, Any]:
    return {
        "renewals": r.renewals,
        "churned": r.churned,
        "contracted": r.contracted,
        "renewed": r.renewed,
        "expanded": r.expanded,
        "arr_before": r.arr_before,
        "arr_after": r.arr_after,
        "nrr": r.nrr,
        "grr": r.grr,
    }


def _lead(lead: LeadResult) -> dict[str, Any]:
    return {
        "lead_days": lead.lead_days,
        "auc": lead.auc,
        "enough_data": lead.enough_data,
        "components": [{"name": c.name, "auc": c.auc} for c in lead.components],
        "bands": [_band(b) for b in lead.bands],
        "renewals": [
            {
                "account": r.account,
                "date": r.renewal_date.isoformat(),
                "scored_at": r.scored_at.isoformat(),
                "attainment": r.attainment,
                "band": r.band,
                "arr_before": r.arr_before,
                "arr_after": r.arr_after,
                "outcome": r.outcome,
                "started": r.started,
            }
            for r in lead.renewals
        ],
    }


def _band(b: BandRetention) -> dict[str, Any]:
    return {
        "band": b.band,
        "renewals": b.renewals,
        "churned": b.churned,
        "churn_rate": b.churn_rate,
        "arr_before": b.arr_before,
        "arr_after": b.arr_after,
        "nrr": b.nrr,
        "grr": b.grr,
    }


def json(result: Backtest, ws: Workspace, out: TextIO) -> None:
    """SPEC section 9's JSON, indented."""
    # allow_nan=False: NaN is not JSON; should one arise it is an internal
    # error, not a file other tools cannot parse.
    text = _json.dumps(document(result), indent=2, ensure_ascii=False, allow_nan=False)
    out.write(json_safe(text) + "\n")


# --- wording shared by table and html ----------------------------------------


def percent(value: float | None, digits: int = 0) -> str:
    return NONE if value is None else f"{100 * value:.{digits}f}%"


def ratio(value: float | None) -> str:
    return NONE if value is None else f"{value:.2f}"


def money(value: float | int) -> str:
    return f"{value:,.0f}"


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def reading(lead: LeadResult) -> str:
    """The one sentence that says what the lead's AUC means."""
    at = f"At {lead.lead_days} days"
    if lead.auc is None or not lead.enough_data:
        needed = (
            f"{_plural(lead.retained, 'renewing account')} and "
            f"{_plural(lead.churned, 'churned one')}; 5 of each are needed"
        )
        return f"{at}, there are not enough renewals to say ({needed})."
    return (
        f"{at}, a renewing account scored higher than a churning one "
        f"{percent(lead.auc)} of the time."
    )


def not_started(lead: LeadResult) -> int:
    return sum(1 for r in lead.renewals if not r.started)


def period(result: Backtest) -> str:
    if result.from_date is None and result.to_date is None:
        return "all renewals"
    start = result.from_date.isoformat() if result.from_date else "the first"
    end = result.to_date.isoformat() if result.to_date else "the last"
    return f"renewals from {start} to {end}"


BAND_HEADERS = [
    "Band",
    "Renewals",
    "Churned",
    "Churn rate",
    "ARR before",
    "ARR after",
    "NRR",
    "GRR",
]


def band_cells(b: BandRetention) -> list[str]:
    return [
        printable(b.band),
        str(b.renewals),
        str(b.churned),
        percent(b.churn_rate),
        money(b.arr_before),
        money(b.arr_after),
        percent(b.nrr, 1),
        percent(b.grr, 1),
    ]


# --- table ------------------------------------------------------------------


def table(result: Backtest, ws: Workspace, out: TextIO) -> None:
    """Per lead: the reading, the band table, the component AUCs; then the
    period's retention."""
    out.write("".join(_table(result)))


def _table(result: Backtest) -> Iterator[str]:
    r = result.retention
    yield f"Does the score predict renewal? {_plural(r.renewals, 'renewal')} ({period(result)}).\n"
    for lead in result.leads:
        yield "\n"
        yield f"{lead.lead_days} days before renewal\n"
        yield f"  {reading(lead)}\n"
        left_out = not_started(lead)
        extra = f"; {left_out} before the account's start, left out" if left_out else ""
        yield (
            f"  AUC {ratio(lead.auc)} over {_plural(lead.retained, 'renewing account')} and "
            f"{lead.churned} churned{extra}\n"
        )
        rows = [BAND_HEADERS, *(band_cells(b) for b in lead.bands)]
        widths = [max(len(row[i]) for row in rows) for i in range(len(BAND_HEADERS))]
        for row in rows:
            cells = [row[0].ljust(widths[0])] + [
                c.rjust(w) for c, w in zip(row[1:], widths[1:], strict=True)
            ]
            yield "  " + "  ".join(cells) + "\n"
        if lead.components:
            parts = ", ".join(f"{component_label(c.name)} {ratio(c.auc)}" for c in lead.components)
            yield f"  Components (AUC): {parts}\n"
    yield "\n"
    yield (
        f"Retention: {r.churned} churned, {r.contracted} contracted, {r.renewed} renewed, "
        f"{r.expanded} expanded; ARR {money(r.arr_before)} -> {money(r.arr_after)}, "
        f"NRR {percent(r.nrr, 1)}, GRR {percent(r.grr, 1)}\n"
    )


# --- html -------------------------------------------------------------------

# Chart geometry (SVG user units): the page scales each chart to its width.
ROC_SIZE = 300
ROC_PAD = 44
BAR_WIDTH = 360
BAR_LABEL = 150
BAR_ROW = 30


def _roc_points(lead: LeadResult) -> list[tuple[float, float]]:
    """The ROC curve of attainment, renewing accounts the positives: from
    (0, 0) to (1, 1), one point per distinct attainment, highest first
    (attainments compared rounded to 9 decimals, as the AUC compares them)."""
    from csplan.engine.engagement import PRECISION

    counted = [r for r in lead.renewals if r.started]
    retained = sum(1 for r in counted if r.retained)
    churned = len(counted) - retained
    if not retained or not churned:
        return []
    groups: dict[float, list[int]] = {}
    for r in counted:
        group = groups.setdefault(round(r.attainment, PRECISION), [0, 0])
        group[0 if r.retained else 1] += 1
    points = [(0.0, 0.0)]
    tp = fp = 0
    for value in sorted(groups, reverse=True):
        tp += groups[value][0]
        fp += groups[value][1]
        points.append((fp / churned, tp / retained))
    return points


def _lead_view(lead: LeadResult) -> dict[str, Any]:
    size, pad = ROC_SIZE, ROC_PAD
    span = size - 2 * pad
    roc = [
        (round(pad + x * span, 2), round(size - pad - y * span, 2)) for x, y in _roc_points(lead)
    ]
    span_bar = BAR_WIDTH - BAR_LABEL - 50
    bands = [
        {
            "band": b.band,
            "cells": band_cells(b),
            "width": round((b.churn_rate or 0) * span_bar, 2),
            "label": percent(b.churn_rate) if b.churn_rate is not None else "no renewals",
            "y": 10 + i * BAR_ROW,
        }
        for i, b in enumerate(lead.bands)
    ]
    components = [
        {
            "label": component_label(c.name),
            "auc": ratio(c.auc),
            "width": round((c.auc or 0) * span_bar, 2),
            "y": 10 + i * BAR_ROW,
        }
        for i, c in enumerate(lead.components)
    ]
    return {
        "lead": lead,
        "reading": reading(lead),
        "auc": ratio(lead.auc),
        "not_started": not_started(lead),
        "roc": roc,
        "roc_points": " ".join(f"{x},{y}" for x, y in roc),
        "bands": bands,
        "bands_height": 20 + len(bands) * BAR_ROW,
        "components": components,
        "components_height": 20 + len(components) * BAR_ROW,
        "half_x": BAR_LABEL + round(0.5 * span_bar, 2),
    }


def page_context(result: Backtest, ws: Workspace) -> dict[str, Any]:
    r = result.retention
    # One row per renewal, with its score at each lead side by side.
    rows = []
    for i, first in enumerate(result.leads[0].renewals if result.leads else ()):
        scores = []
        for lead in result.leads:
            s = lead.renewals[i]
            scores.append(f"{s.attainment:.1f} ({s.band})" if s.started else "not started")
        rows.append(
            {
                "account": first.account,
                "date": first.renewal_date.isoformat(),
                "outcome": first.outcome,
                "arr_before": money(first.arr_before),
                "arr_after": money(first.arr_after),
                "scores": scores,
            }
        )
    return {
        "vendor": ws.settings.vendor,
        "period": period(result),
        "retention": {
            "renewals": r.renewals,
            "counts": [
                ("Churned", r.churned),
                ("Contracted", r.contracted),
                ("Renewed", r.renewed),
                ("Expanded", r.expanded),
            ],
            "arr_before": money(r.arr_before),
            "arr_after": money(r.arr_after),
            "nrr": percent(r.nrr, 1),
            "grr": percent(r.grr, 1),
        },
        "leads": [_lead_view(lead) for lead in result.leads],
        "lead_days": [lead.lead_days for lead in result.leads],
        "band_headers": BAND_HEADERS,
        "rows": rows,
        "roc": {"size": ROC_SIZE, "pad": ROC_PAD, "far": ROC_SIZE - ROC_PAD},
        "bar": {"width": BAR_WIDTH, "label": BAR_LABEL},
    }


def html(result: Backtest, ws: Workspace, out: TextIO) -> None:
    """A self-contained page (inline CSS and SVG, no script, no network),
    rendered through the sandboxed template environment like the plans."""
    from csplan.render.environment import build_environment

    templates = build_environment(ws, "html")
    out.write(templates.render("backtest.html.j2", report=page_context(result, ws)))


REPORTERS: dict[str, Reporter] = {"table": table, "json": json, "html": html}
