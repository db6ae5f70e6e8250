"""Workspace template overrides: they work, they run sandboxed, and every
template failure names the file and line (exit 1, no traceback)."""

from __future__ import annotations

import pytest
from test_render_support import AS_OF, sentinel_workspace


@pytest.fixture
def with_templates(make_workspace):
    """A valid workspace whose csplan.yaml sets ``templates: templates``,
    plus the given template files."""

    def build(templates: dict[str, str]):
        files, _ = sentinel_workspace()
        files["csplan.yaml"] += "templates: templates\n"
        files.update({f"templates/{name}": text for name, text in templates.items()})
        return make_workspace(files)

    return build


def _render(cli, root, out, fmt="md", audience="customer"):
    return cli(
        "render", "northwind-events", "-w", root, "--as-of", AS_OF,
        "--format", fmt, "--audience", audience, "-o", out,
    )  # fmt: skip


ESCAPES = [
    "{{ ''.__class__.__mro__ }}",
    "{{ cycler.__init__.__globals__ }}",
    "{{ self._TemplateReference__context }}",
    "{{ plan.__class__.__init__.__globals__['os'] }}",
    "{{ lipsum.__globals__['os'].system('touch PWNED') }}",
    "{% for c in [].__class__.__base__.__subclasses__() %}{{ c }}{% endfor %}",
    "{{ '{0.__class__}'.format(plan) }}",
    "{{ plan.as_of.__class__.__subclasses__() }}",
    "{{ range.__self__ }}",
]


@pytest.mark.parametrize("attack", ESCAPES)
def test_template_cannot_reach_python(cli, with_templates, tmp_path, attack, monkeypatch):
    root = with_templates({"customer.md.j2": "Plan for {{ plan.account_name }}\n" + attack + "\n"})
    monkeypatch.chdir(tmp_path)
    out = tmp_path / "out"
    result = _render(cli, root, out)
    assert result.exit_code == 1
    assert result.stderr.startswith("csplan: templates/customer.md.j2, line 2: ")
    assert "Traceback" not in result.output
    assert not out.exists()
    assert not (tmp_path / "PWNED").exists()


def test_unsafe_attribute_error_says_so(cli, with_templates, tmp_path):
    root = with_templates({"customer.md.j2": "{{ ''.__class__ }}\n"})
    result = _render(cli, root, tmp_path / "out")
    assert result.stderr == (
        "csplan: templates/customer.md.j2, line 1: not allowed in a template: "
        "access to attribute '__class__' of 'str' object is unsafe.\n"
    )


def test_customer_template_cannot_read_the_review(cli, with_templates, tmp_path):
    root = with_templates({"customer.md.j2": "ok\n{{ plan.review.notes }}\n"})
    result = _render(cli, root, tmp_path / "out")
    assert result.exit_code == 1
    assert result.stderr == (
        "csplan: templates/customer.md.j2, line 2: "
        "'csplan.render.customer.CustomerPlan object' has no attribute 'review'\n"
    )


def test_typo_names_file_and_line(cli, with_templates, tmp_path):
    root = with_templates({"customer.html.j2": "<p>\n{{ plan.acount_name }}</p>\n"})
    result = _render(cli, root, tmp_path / "out", fmt="html")
    assert result.exit_code == 1
    assert result.stderr == (
        "csplan: templates/customer.html.j2, line 2: "
        "'csplan.render.customer.CustomerPlan object' has no attribute 'acount_name'\n"
    )


def test_syntax_error_names_file_and_line(cli, with_templates, tmp_path):
    root = with_templates({"macros.md.j2": "{% macro x() %}\n\n{% if %}\n{% endmacro %}\n"})
    result = _render(cli, root, tmp_path / "out")
    assert result.exit_code == 1
    assert result.stderr == (
        "csplan: templates/macros.md.j2, line 3: "
        "Expected an expression, got 'end of statement block'\n"
    )


def test_benign_override_extends_the_packaged_template(cli, with_templates, tmp_path):
    root = with_templates(
        {
            "customer.md.j2": (
                '{% extends "csplan/customer.md.j2" %}\n'
                "{% block footer %}_Yours, the {{ plan.vendor }} team ({{ plan.account_name }})._"
                "{% endblock %}\n"
            )
        }
    )
    out = tmp_path / "out"
    result = _render(cli, root, out)
    assert result.exit_code == 0, result.output
    text = (out / "northwind-events.customer.md").read_text()
    assert text.endswith("---\n\n_Yours, the Acme Mail team (Northwind Events)._\n")
    assert "## The road ahead\n" in text
    assert "This plan moves with you" not in text


def test_override_of_a_partial_is_used_by_the_packaged_templates(cli, with_templates, tmp_path):
    root = with_templates({"style.css.j2": "body { color: #000000; }\n"})
    out = tmp_path / "out"
    for audience in ("customer", "internal"):
        result = _render(cli, root, out, fmt="html", audience=audience)
        assert result.exit_code == 0, result.output
        text = (out / f"northwind-events.{audience}.html").read_text()
        assert "<style>\nbody { color: #000000; }\n</style>" in text
        assert "--ink" not in text


def test_missing_templates_folder_is_an_error(cli, make_workspace, tmp_path):
    files, _ = sentinel_workspace()
    files["csplan.yaml"] += "templates: my-templates\n"
    result = _render(cli, make_workspace(files), tmp_path / "out")
    assert result.exit_code == 1
    assert result.stderr == (
        "csplan: the templates folder 'my-templates' set in csplan.yaml does not exist\n"
    )


def test_error_in_a_packaged_template_names_it(tmp_path):
    """An error raised inside one of csplan's own templates (here, a macro
    given a value it cannot format) points at that template."""
    from csplan.render.environment import build_environment

    templates = build_environment(None, "md")
    from csplan.errors import RenderError

    source = '{% import "macros.md.j2" as m %}{{ m.dates([1]) }}'
    templates.env.loader.loaders[0].searchpath.append(str(tmp_path))  # type: ignore[union-attr]
    (tmp_path / "probe.md.j2").write_text(source)
    with pytest.raises(RenderError) as caught:
        templates.render("probe.md.j2")
    assert str(caught.value).startswith("macros.md.j2 (csplan's own template), line ")
