"""``csplan render`` on the command line: arguments, exit codes, file naming,
and writes that are atomic and never touch an input."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from conftest import EXAMPLES
from test_render_support import AS_OF, sentinel_workspace

ACME = EXAMPLES / "acme-mail"


def test_renders_one_plan_per_account_and_audience(cli, tmp_path):
    out = tmp_path / "plans"
    result = cli("render", "northwind-events", "meridian-conferences", "northwind-events",
                 "-w", ACME, "--as-of", AS_OF, "-o", out)  # fmt: skip
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [
        str(out / "northwind-events.customer.html"),
        str(out / "meridian-conferences.customer.html"),
    ]
    assert result.stderr == ""
    assert sorted(p.name for p in out.iterdir()) == [
        "meridian-conferences.customer.html",
        "northwind-events.customer.html",
    ]


def test_default_output_folder_is_out_in_the_current_folder(cli, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = cli("render", "northwind-events", "-w", ACME, "--as-of", AS_OF, "-f", "md")
    assert result.exit_code == 0, result.output
    assert result.stdout == "out/northwind-events.customer.md\n"
    assert (tmp_path / "out" / "northwind-events.customer.md").is_file()


def test_unknown_account_suggests_the_closest(cli, tmp_path):
    result = cli("render", "northwind-event", "-w", ACME, "-o", tmp_path / "out")
    assert result.exit_code == 2
    assert result.stderr == (
        "csplan: no account 'northwind-event' in the workspace; did you mean 'northwind-events'?\n"
    )
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ((), "csplan: name the accounts to render, or pass --all\n"),
        (("northwind-events", "--all"), "csplan: give account ids or --all, not both\n"),
    ],
)
def test_accounts_or_all(cli, tmp_path, args, message):
    result = cli("render", *args, "-w", ACME, "-o", tmp_path / "out")
    assert result.exit_code == 2
    assert result.stderr == message


def test_bad_format_and_date_are_usage_errors(cli, tmp_path):
    assert cli("render", "--all", "-w", ACME, "-f", "pdf").exit_code == 2
    result = cli("render", "--all", "-w", ACME, "--as-of", "2026-13-01", "-o", tmp_path)
    assert result.exit_code == 2
    assert "'2026-13-01' is not a date written YYYY-MM-DD" in result.stderr


def test_workspace_with_errors_exits_1_with_findings(cli, make_workspace, tmp_path):
    root = make_workspace({"p.yaml": "kind: Persona\nid: x\nnmae: X\n"})
    result = cli("render", "--all", "-w", root, "-o", tmp_path / "out")
    assert result.exit_code == 1
    assert "CSP" in result.stderr
    assert not (tmp_path / "out").exists()


def test_no_workspace_exits_2(cli, tmp_path):
    result = cli("render", "--all", "-w", tmp_path, "-o", tmp_path / "out")
    assert result.exit_code == 2


# --- atomic, all or nothing --------------------------------------------------


@pytest.fixture
def three_accounts(make_workspace):
    """The sentinel workspace plus two more accounts, and a customer
    template override that breaks for the second account only."""
    files, _ = sentinel_workspace()
    account = files["accounts/northwind.yaml"]
    for other in ("alpha-events", "zeta-events"):
        files[f"accounts/{other}.yaml"] = account.replace("id: northwind-events", f"id: {other}")
    files["csplan.yaml"] += "templates: templates\n"
    files["templates/customer.md.j2"] = (
        '{% extends "csplan/customer.md.j2" %}\n'
        '{% block message %}{% if plan.account_id == "northwind-events" %}{{ plan.nothing }}'
        "{% endif %}{% endblock %}\n"
    )
    return make_workspace(files)


def test_error_midway_leaves_no_file(cli, three_accounts, tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    (out / "alpha-events.customer.md").write_text("yesterday's plan\n")
    result = cli("render", "--all", "-w", three_accounts, "--as-of", AS_OF, "-f", "md", "-o", out)
    assert result.exit_code == 1
    assert result.stderr.startswith("csplan: templates/customer.md.j2, line 2: ")
    assert result.stdout == ""
    assert [p.name for p in out.iterdir()] == ["alpha-events.customer.md"]
    assert (out / "alpha-events.customer.md").read_text() == "yesterday's plan\n"


def test_failure_while_moving_into_place_restores_the_old_files(
    three_accounts, tmp_path, monkeypatch
):
    """Every file is staged; if the second move into place fails, the first
    is rolled back and no temporary file is left."""
    from csplan.api import load_workspace
    from csplan.errors import RenderError
    from csplan.render import Output, writer

    ws = load_workspace(three_accounts).workspace
    out = tmp_path / "out"
    out.mkdir()
    (out / "a.customer.md").write_text("old a\n")
    real_replace = os.replace
    calls = []

    def flaky(src, dst):
        calls.append(dst)
        if len(calls) == 2:
            raise OSError(28, "No space left on device")
        return real_replace(src, dst)

    monkeypatch.setattr(writer.os, "replace", flaky)
    outputs = [Output("a.customer.md", "new a\n"), Output("b.customer.md", "new b\n")]
    with pytest.raises(RenderError, match="No space left on device"):
        writer.write_all(out, outputs, ws)
    assert sorted(p.name for p in out.iterdir()) == ["a.customer.md"]
    assert (out / "a.customer.md").read_text() == "old a\n"


def test_existing_file_is_replaced_not_rewritten(cli, tmp_path):
    """os.replace swaps in a new file: a hard link to the old output (say, a
    copy someone kept) keeps the old content, and no temporary file stays."""
    out = tmp_path / "out"
    out.mkdir()
    target = out / "northwind-events.customer.md"
    target.write_text("old plan\n")
    kept = tmp_path / "kept.md"
    os.link(target, kept)
    result = cli("render", "northwind-events", "-w", ACME, "--as-of", AS_OF, "-f", "md", "-o", out)
    assert result.exit_code == 0, result.output
    assert target.read_text().startswith("_Success plan · Acme Mail_\n\n# Northwind Events\n")
    assert kept.read_text() == "old plan\n"
    assert [p.name for p in out.iterdir()] == ["northwind-events.customer.md"]
    assert oct(target.stat().st_mode & 0o777) == oct(0o666 & ~_umask())


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


# --- never over an input -----------------------------------------------------


@pytest.fixture
def workspace(make_workspace):
    files, _ = sentinel_workspace()
    files["csplan.yaml"] += "templates: templates\n"
    files["templates/footer.txt"] = "a template\n"
    return make_workspace(files)


def test_output_over_a_workspace_yaml_is_refused(cli, workspace):
    """-o at the workspace, where the plan's name is a link to a YAML file."""
    yaml_file = workspace / "accounts" / "northwind.yaml"
    before = yaml_file.read_bytes()
    (workspace / "northwind-events.customer.md").symlink_to(yaml_file)
    result = cli("render", "northwind-events", "-w", workspace, "--as-of", AS_OF, "-f", "md",
                 "-o", workspace)  # fmt: skip
    assert result.exit_code == 2
    assert result.stderr == (
        f"csplan: refusing to overwrite {yaml_file}: it is an input file of the workspace\n"
    )
    assert yaml_file.read_bytes() == before
    assert (workspace / "northwind-events.customer.md").is_symlink()


def test_output_over_a_template_is_refused(cli, workspace):
    link = workspace / "northwind-events.customer.md"
    link.symlink_to(workspace / "templates" / "footer.txt")
    result = cli("render", "northwind-events", "-w", workspace, "--as-of", AS_OF, "-f", "md",
                 "-o", workspace)  # fmt: skip
    assert result.exit_code == 2
    assert result.stderr.startswith("csplan: refusing to overwrite the template ")
    assert (workspace / "templates" / "footer.txt").read_text() == "a template\n"


def test_output_into_the_templates_folder_is_refused(cli, workspace):
    result = cli("render", "northwind-events", "-w", workspace, "-o", workspace / "templates")
    assert result.exit_code == 2
    assert result.stderr == (
        f"csplan: refusing to write into the templates folder {workspace / 'templates'}\n"
    )
    assert sorted(p.name for p in (workspace / "templates").iterdir()) == ["footer.txt"]


def test_output_folder_that_is_a_file_is_refused(cli, workspace, tmp_path):
    not_a_folder = tmp_path / "plans.txt"
    not_a_folder.write_text("x")
    result = cli("render", "northwind-events", "-w", workspace, "-o", not_a_folder)
    assert result.exit_code == 2
    assert result.stderr == f"csplan: the output path {not_a_folder} is a file, not a folder\n"


def test_plans_may_be_written_inside_the_workspace(cli, workspace):
    """A plans folder inside the workspace is fine: only inputs are refused."""
    result = cli(
        "render", "northwind-events", "-w", workspace, "--as-of", AS_OF, "-o", workspace / "plans"
    )
    assert result.exit_code == 0, result.output
    assert (workspace / "plans" / "northwind-events.customer.html").is_file()


def test_account_named_index_still_gets_its_plan(cli, make_workspace, tmp_path):
    """The index page is written with --all; an account may be called
    'index' and its plan keeps its own name."""
    files, _ = sentinel_workspace()
    files["accounts/northwind.yaml"] = files["accounts/northwind.yaml"].replace(
        "id: northwind-events", "id: index"
    )
    out = tmp_path / "out"
    result = cli("render", "index", "-w", make_workspace(files), "--as-of", AS_OF, "-o", out)
    assert result.exit_code == 0, result.output
    assert [p.name for p in out.iterdir()] == ["index.customer.html"]


def test_index_pages(cli, tmp_path):
    out = tmp_path / "out"
    for audience in ("customer", "internal"):
        result = cli("render", "--all", "-w", ACME, "--as-of", AS_OF, "-f", "md",
                     "--audience", audience, "-o", out)  # fmt: skip
        assert result.exit_code == 0, result.output
    customer = (out / "index.customer.md").read_text()
    assert "- [Brightpath Dental Group](<brightpath-dental.customer.md>)\n" in customer
    assert "ARR" not in customer
    internal = (out / "index.internal.md").read_text()
    rows = [line for line in internal.splitlines() if line.startswith("| [")]
    gaps = [100 - float(row.split(" | ")[2]) for row in rows]
    assert gaps == sorted(gaps, reverse=True)
    assert len(rows) == 8


def test_help_documents_the_command(cli):
    result = cli("render", "--help")
    assert result.exit_code == 0
    for option in ("--all", "--format", "--audience", "--as-of", "--output", "--workspace"):
        assert option in result.stdout
    assert "ACCOUNT.AUDIENCE.FORMAT" in result.stdout


def test_progress_bar_stays_off_when_stderr_is_not_a_terminal(cli, tmp_path):
    result = cli("render", "--all", "-w", ACME, "--as-of", AS_OF, "-o", tmp_path / "out")
    assert result.exit_code == 0
    assert result.stderr == ""


def test_progress_bar_shows_on_a_terminal(monkeypatch):
    """On a terminal and with enough accounts, the bar advances once per
    account (rich draws it; transient, so nothing stays on screen)."""
    import io

    from csplan.cli import render_cmd

    class Tty(io.StringIO):
        def isatty(self) -> bool:
            return True

    fake = Tty()
    monkeypatch.setattr(render_cmd.sys, "stderr", fake)
    with render_cmd._progress(12) as advance:
        for _ in range(12):
            advance()
    with render_cmd._progress(3) as advance:
        advance()
    assert "rendering" in fake.getvalue()


def test_paths_are_printed_as_given(cli, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = cli("render", "--all", "-w", ACME, "--as-of", AS_OF, "-o", Path("a") / "b")
    assert result.stdout.splitlines()[-1] == "a/b/index.customer.html"


def _readme_section(title: str) -> str:
    readme = Path(__file__).resolve().parent.parent / "README.md"
    text = readme.read_text(encoding="utf-8")
    assert title in text, f"README.md lost its '{title}' section"
    return text.split(title, 1)[1].split("\n## ", 1)[0]


def test_readme_documents_every_context_field():
    import dataclasses

    from csplan.render import customer, internal, portfolio

    section = _readme_section("### Template context")
    missing = []
    for module in (customer, internal, portfolio):
        for obj in vars(module).values():
            if (
                isinstance(obj, type)
                and dataclasses.is_dataclass(obj)
                and obj.__module__ == module.__name__
            ):
                missing += [
                    f"{obj.__name__}.{f.name}"
                    for f in dataclasses.fields(obj)
                    if f"`{f.name}`" not in section
                ]
    assert missing == []


def test_readme_documents_every_template():
    section = _readme_section("### Templates and overrides")
    templates = Path(__file__).resolve().parent.parent / "templates"
    assert [p.name for p in sorted(templates.glob("*.j2")) if f"`{p.name}`" not in section] == []
