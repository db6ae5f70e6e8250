"""``csplan schema``."""

from __future__ import annotations

from pathlib import Path

import typer

from csplan.cli.common import fail, write_output

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

    from csplan.api import schema as document_schema

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
    write_output(output, text, "csplan.schema.json")
    typer.echo(f"wrote {output}", err=True)


def register(app: typer.Typer) -> None:
    app.command()(schema)
