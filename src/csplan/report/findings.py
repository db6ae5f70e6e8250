"""Reporters for ``csplan validate``: one function per format, one registry.

Paths: text and json show paths relative to the workspace root (as SPEC
section 5 says); github and sarif show them relative to the current folder,
because CI systems resolve annotations against the repository checkout, where
the workspace may be a subfolder.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING, TextIO

from csplan.wording import json_safe, printable

if TYPE_CHECKING:
    from csplan.findings import Finding
    from csplan.results import LoadResult

Reporter = Callable[["LoadResult", TextIO], None]


def report_findings(result: LoadResult, fmt: str, stream: TextIO | None = None) -> None:
    REPORTERS[fmt](result, stream or sys.stdout)


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def text(result: LoadResult, stream: TextIO) -> None:
    from rich.console import Console
    from rich.text import Text

    console = Console(file=stream, highlight=False, soft_wrap=True)
    current = None
    for f in result.findings:
        if f.file != current:
            if current is not None:
                console.print()
            console.print(Text(printable(f.file), style="bold underline"))
            current = f.file
        style = "red" if f.severity == "error" else "yellow"
        line = Text("  ")
        line.append(f"{f.line}:{f.column}".ljust(8), style="dim")
        line.append(f.severity.ljust(8), style=style)
        line.append(f.code.ljust(8), style="dim")
        line.append(printable(f.message))
        console.print(line)
        if f.hint:
            console.print(Text("                          " + printable(f.hint), style="cyan"))
    s = result.summary
    if result.findings:
        console.print()
    counts = f"{_plural(s.errors, 'error')}, {_plural(s.warnings, 'warning')}"
    scope = f"{_plural(s.files, 'file')}, {_plural(s.documents, 'document')}"
    if s.errors:
        console.print(Text(f"✗ {counts} in {scope}", style="bold red"))
    elif s.warnings:
        console.print(Text(f"✓ valid with {counts} in {scope}", style="bold yellow"))
    else:
        console.print(Text(f"✓ valid: {scope}, no findings", style="bold green"))


def json_(result: LoadResult, stream: TextIO) -> None:
    from csplan.results import SCHEMA_VERSION

    # Every JSON output of csplan carries the schema version (SPEC, v1.2).
    payload = {
        "schema_version": SCHEMA_VERSION,
        "findings": [f.as_dict() for f in result.findings],
        "summary": result.summary.as_dict(),
    }
    stream.write(json_safe(json.dumps(payload, indent=2, ensure_ascii=False)) + "\n")


def ci_path(result: LoadResult, finding: Finding) -> str:
    """The finding's file relative to the current folder, with / separators."""
    absolute = result.workspace.root / finding.file
    try:
        rel = os.path.relpath(absolute, os.getcwd())
    except ValueError:  # another drive on Windows
        rel = str(absolute)
    return rel.replace(os.sep, "/")


def _escape_data(value: str) -> str:
    # Workflow commands end at a line break; other controls would reach the
    # log, which is a terminal too.
    return printable(value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A"))


def _escape_property(value: str) -> str:
    return _escape_data(value).replace(":", "%3A").replace(",", "%2C")


def github(result: LoadResult, stream: TextIO) -> None:
    """GitHub Actions workflow commands: one ``::error``/``::warning`` each."""
    for f in result.findings:
        message = f.message + (f" ({f.hint})" if f.hint else "")
        props = ",".join(
            [
                f"file={_escape_property(ci_path(result, f))}",
                f"line={f.line}",
                f"col={f.column}",
                f"title={_escape_property(f'{f.code} ' + _title(f.code))}",
            ]
        )
        stream.write(f"::{f.severity} {props}::{_escape_data(message)}\n")
    s = result.summary
    stream.write(
        f"csplan: {_plural(s.errors, 'error')}, {_plural(s.warnings, 'warning')} "
        f"in {_plural(s.files, 'file')}\n"
    )


def _title(code: str) -> str:
    from csplan.findings import RULES

    rule = RULES.get(code)
    return rule.title if rule else code


def sarif(result: LoadResult, stream: TextIO) -> None:
    from csplan.report.sarif import sarif_log

    text = json.dumps(sarif_log(result, ci_path), indent=2, ensure_ascii=False)
    stream.write(json_safe(text) + "\n")


REPORTERS: dict[str, Reporter] = {"text": text, "json": json_, "github": github, "sarif": sarif}
