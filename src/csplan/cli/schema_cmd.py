"""``csplan schema``."""

from __future__ import annotations

from pathlib import Path

import typer

from csplan.cli.common import fail

_INPUT_SUFFIXES = (".yaml", ".yml")


def schema(
    output: Path | None = typer.Option(
        None,
        "--output",
        "-o",
        help="Write the schema to this file instead of standard output.",
        show_default=False,
    ),
) -> None:
    """Print the JSON Schema of csplan documents, for editors.

    One JSON Schema (draft 2020-12) covers every kind, branching on 'kind',
    for editors (completion and checks as you type) and JSON Schema tools.
    It checks one document at a time; references between documents are
    checked by 'csplan validate'.

    Example:

        csplan schema -o csplan.schema.json

    then put this first line in a YAML file of the workspace:

        # yaml-language-server: $schema=csplan.schema.json
    """
    import json

    from csplan.workspace.jsonschema import document_schema

    text = json.dumps(document_schema(), indent=2, ensure_ascii=False) + "\n"
    if output is None:
        typer.echo(text, nl=False)
        return
    if output.suffix.lower() in _INPUT_SUFFIXES:
        fail(
            f"refusing to write the schema to {output}: YAML files are csplan's input "
            "(name it csplan.schema.json)",
            2,
        )
    if output.is_dir():
        fail(f"{output} is a folder; give a file name such as {output / 'csplan.schema.json'}", 2)
    try:
        write_atomic(output, text)
    except OSError as exc:
        fail(f"cannot write {output}: {exc.strerror or exc}", 2)
    typer.echo(f"wrote {output}", err=True)


def write_atomic(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` so that readers see the old file or the new
    one, never half of it: a temporary file beside it, then a rename."""
    import os
    import tempfile

    folder = path.parent if str(path.parent) else Path(".")
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
        # mkstemp makes the file private; give it the mode a plain write would.
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def register(app: typer.Typer) -> None:
    app.command()(schema)
