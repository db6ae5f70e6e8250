"""The starter workspace ``csplan init`` writes: a small, valid example of
every kind, with the workspace name and vendor filled in."""

from __future__ import annotations

SCHEMA_FILE = "csplan.schema.json"


def scaffold(name: str, vendor: str) -> dict[str, str]:
    """The starter files, by path relative to the workspace root, with the
    workspace name and vendor filled in."""
    from importlib.resources import files

    root = files("csplan").joinpath("data", "init")
    out: dict[str, str] = {}
    stack = [("", root)]
    while stack:
        prefix, folder = stack.pop()
        for entry in folder.iterdir():
            rel = f"{prefix}{entry.name}"
            if entry.is_dir():
                stack.append((f"{rel}/", entry))
            elif entry.name.endswith(".yaml"):
                out[rel] = entry.read_text(encoding="utf-8")
    out["csplan.yaml"] = (
        out["csplan.yaml"]
        .replace("__NAME__", yaml_scalar(name))
        .replace("__VENDOR__", yaml_scalar(vendor))
    )
    # csplan.yaml first, then the rest in path order: the order init lists them.
    return dict(sorted(out.items(), key=lambda item: (item[0] != "csplan.yaml", item[0])))


def yaml_scalar(value: str) -> str:
    """``value`` as a YAML 1.2 scalar that reads back as the same string:
    plain when that is safe, double-quoted (JSON syntax) otherwise."""
    import contextlib
    import json

    import yaml_rs

    plain = value == value.strip() and "#" not in value and "\n" not in value
    # Any parse failure means the plain form is not safe: quote it.
    with contextlib.suppress(Exception):
        if plain and yaml_rs.loads(f"k: {value}", parse_datetime=False) == {"k": value}:
            return value
    return json.dumps(value, ensure_ascii=False)
