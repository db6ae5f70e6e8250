"""SARIF 2.1.0 for ``csplan validate --format sarif``.

The log is shaped for GitHub code scanning (``github/codeql-action/upload-sarif``),
which is stricter than the SARIF schema: every result has a location, URIs are
relative to the repository checkout (the current folder in CI), lines start at
1. Each result carries a fingerprint built from what the finding *is* (rule,
file, path inside the document, message) rather than where it sits, so an
alert survives lines being added above it and closes when the problem is fixed.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from csplan._version import __version__
from csplan.findings import RULES, Finding, Rule

if TYPE_CHECKING:
    from csplan.results import LoadResult

SARIF_SCHEMA = (
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
)
SARIF_VERSION = "2.1.0"
INFORMATION_URI = "https://pypi.org/project/csplan/"
# A versioned key: changing how the hash is computed means a new key, so code
# scanning does not match old alerts against incompatible fingerprints.
FINGERPRINT_KEY = "csplanFinding/v1"

CiPath = Callable[["LoadResult", Finding], str]


def sarif_log(result: LoadResult, ci_path: CiPath) -> dict[str, Any]:
    """One SARIF run describing every finding of ``result``.

    ``ci_path(result, finding)`` gives the finding's file relative to the
    current folder with ``/`` separators (see :mod:`csplan.report.findings`)."""
    codes = list(RULES)
    index = {code: i for i, code in enumerate(codes)}
    seen: dict[str, int] = {}
    results = []
    for finding in result.findings:
        # Two findings alike in everything but their line (a key duplicated
        # twice in one file) get an ordinal so their fingerprints differ.
        base = fingerprint(finding)
        seen[base] = seen.get(base, 0) + 1
        key = base if seen[base] == 1 else f"{base}:{seen[base]}"
        results.append(_result(result, finding, ci_path, index, key))
    return {
        "$schema": SARIF_SCHEMA,
        "version": SARIF_VERSION,
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "csplan",
                        "version": __version__,
                        "semanticVersion": __version__,
                        "informationUri": INFORMATION_URI,
                        "rules": [_rule(RULES[code]) for code in codes],
                    }
                },
                # libyaml counts columns in characters, not UTF-16 units.
                "columnKind": "unicodeCodePoints",
                "results": results,
            }
        ],
    }


def _rule(rule: Rule) -> dict[str, Any]:
    level = "error" if rule.severity == "error" else "warning"
    help_text = f"csplan {rule.severity} {rule.code}: {rule.title}. For example: {rule.example}."
    help_markdown = (
        f"**{rule.code}: {rule.title}** (csplan {rule.severity})\n\nFor example: {rule.example}."
    )
    return {
        "id": rule.code,
        "name": _pascal(rule.title),
        "shortDescription": {"text": rule.title},
        "defaultConfiguration": {"level": level},
        "help": {"text": help_text, "markdown": help_markdown},
        "properties": {"tags": ["csplan", _category(rule.code)]},
    }


def _category(code: str) -> str:
    return {"0": "file", "1": "document", "2": "workspace", "3": "advice"}.get(code[3:4], "other")


def _pascal(title: str) -> str:
    words = "".join(c if c.isalnum() else " " for c in title).split()
    return "".join(w[:1].upper() + w[1:] for w in words)


def _result(
    result: LoadResult, finding: Finding, ci_path: CiPath, index: dict[str, int], key: str
) -> dict[str, Any]:
    message = finding.message + (f" ({finding.hint})" if finding.hint else "")
    entry: dict[str, Any] = {"ruleId": finding.code}
    if finding.code in index:
        entry["ruleIndex"] = index[finding.code]
    entry |= {
        "level": "error" if finding.severity == "error" else "warning",
        "message": {"text": message},
        "locations": [
            {
                "physicalLocation": {
                    "artifactLocation": {"uri": artifact_uri(result, finding, ci_path)},
                    "region": {
                        "startLine": max(finding.line, 1),
                        "startColumn": max(finding.column, 1),
                    },
                }
            }
        ],
        "partialFingerprints": {FINGERPRINT_KEY: key},
    }
    return entry


def artifact_uri(result: LoadResult, finding: Finding, ci_path: CiPath) -> str:
    """A URI reference for the finding's file: relative to the current folder
    when the file is below it (what code scanning resolves against the
    checkout), an absolute ``file:`` URI otherwise; percent-encoded."""
    rel = ci_path(result, finding)
    if rel.startswith("../") or rel == ".." or os.path.isabs(rel):
        return (result.workspace.root / finding.file).resolve().as_uri()
    # The file name's own bytes, percent-encoded, even when they are not UTF-8.
    return quote(os.fsencode(Path(rel).as_posix()), safe="/")


def fingerprint(finding: Finding) -> str:
    """A stable hash of what the finding is, independent of its line."""
    ref = finding.ref
    where = "/".join(str(p) for p in ref.path) if ref is not None else ""
    doc = ref.doc if ref is not None else 0
    raw = "\x1f".join([finding.code, finding.file, str(doc), where, finding.message])
    # surrogateescape: a file name that is not UTF-8 hashes as its bytes.
    return hashlib.sha256(raw.encode("utf-8", "surrogateescape")).hexdigest()
