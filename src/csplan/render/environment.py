"""The Jinja environment every plan is rendered in.

- Sandboxed (:class:`jinja2.sandbox.SandboxedEnvironment`) for every
  template, ours and the workspace's: no ``__class__``, ``__globals__`` or
  other underscore attributes, so a template cannot reach Python.
- ``StrictUndefined``: a misspelt variable is an error, not an empty string.
- HTML escapes every printed value; Markdown escapes them with
  :func:`csplan.render.markdown.escape` (see that module for the rules).
- Templates are looked up in the workspace's ``templates:`` folder first,
  then in the templates shipped with csplan, so a workspace overrides any
  template by giving a file the same name; ``csplan/NAME`` always means the
  shipped one, for an override that extends what it replaces.

Every failure becomes a :class:`~csplan.errors.RenderError` naming the
template file and line.
"""

from __future__ import annotations

import re
import types
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import jinja2
from jinja2.exceptions import SecurityError
from jinja2.sandbox import SandboxedEnvironment
from markupsafe import Markup

from csplan.errors import RenderError
from csplan.render import labels, markdown
from csplan.wording import printable

if TYPE_CHECKING:
    from csplan.model import Workspace

PACKAGED = (Path(__file__).resolve().parent.parent / "templates").resolve()
FORMATS = ("html", "md")
# One page is a few hundred KiB; far beyond that a template is looping.
MAX_OUTPUT = 16 * 2**20
_PARAGRAPH = re.compile(r"\n\s*\n")


def template_folders(ws: Workspace | None) -> list[tuple[Path, str]]:
    """The folders templates come from, first match wins, each with the
    name used for it in error messages."""
    folders: list[tuple[Path, str]] = []
    if ws is not None and ws.settings.templates:
        own = (ws.root / ws.settings.templates).resolve()
        if not own.is_dir():
            raise RenderError(
                f"the templates folder '{ws.settings.templates}' set in csplan.yaml does not exist"
            )
        _refuse_data(ws, own)
        folders.append((own, ws.settings.templates.rstrip("/")))
    folders.append((PACKAGED, "csplan"))
    return folders


def _refuse_data(ws: Workspace, folder: Path) -> None:
    """A templates folder that holds the workspace's data would let a
    customer template include an account file, notes and all: refuse it."""
    root = ws.root.resolve()
    if folder == root or folder in root.parents:
        raise RenderError(
            f"the templates folder '{ws.settings.templates}' set in csplan.yaml holds the "
            "workspace itself (csplan.yaml and the accounts); give templates a folder of their own"
        )
    if root in folder.parents:
        inside = folder.relative_to(root).as_posix() + "/"
        for rel in ws.sources:
            if str(rel).replace("\\", "/").startswith(inside):
                raise RenderError(
                    f"the templates folder '{ws.settings.templates}' set in csplan.yaml holds "
                    f"the workspace file {rel}; keep templates and YAML data in separate folders"
                )


class _ConfinedLoader(jinja2.FileSystemLoader):
    """A FileSystemLoader that serves only regular files really below its
    folder: a symbolic link that leads elsewhere is refused, naming it."""

    def __init__(self, folder: Path, name: str) -> None:
        super().__init__(str(folder))
        self.name = name

    def get_source(
        self, environment: jinja2.Environment, template: str
    ) -> tuple[str, str, Callable[[], bool]]:
        source, filename, uptodate = super().get_source(environment, template)
        real = Path(filename).resolve()
        folders = (Path(path).resolve() for path in self.searchpath)
        if not any(_inside(str(real), folder) for folder in folders) or not real.is_file():
            raise RenderError(
                f"template {self.name}/{template} leads outside the templates folder "
                f"(to {real}); templates must be files inside the folder, not links out of it"
            )
        return source, filename, uptodate


class _BoundedEnvironment(SandboxedEnvironment):
    """The sandbox, with ``*`` and ``**`` refused where one expression alone
    would build a huge value (``"x" * 10**10``) before the output cap sees it."""

    intercepted_binops = frozenset({"*", "**"})

    def call_binop(self, context: Any, operator: str, left: Any, right: Any) -> Any:
        if operator == "**" and isinstance(right, int) and abs(right) > 1024:
            raise SecurityError(f"the power {right} is too large")
        if operator == "*":
            for seq, times in ((left, right), (right, left)):
                if (
                    isinstance(seq, str | list | tuple)
                    and isinstance(times, int)
                    and len(seq) * times > MAX_OUTPUT
                ):
                    raise SecurityError(f"repeating a value {times} times is too large")
        return super().call_binop(context, operator, left, right)


class Templates:
    """A sandboxed environment and the folders its templates come from."""

    def __init__(self, env: SandboxedEnvironment, folders: list[tuple[Path, str]]) -> None:
        self.env = env
        self.folders = folders

    def render(self, name: str, **context: Any) -> str:
        """Render template ``name``; any failure is a RenderError naming the
        template file and line."""
        try:
            return self._capped(name, self.env.get_template(name).generate(**context))
        except RenderError:
            raise
        except jinja2.TemplateSyntaxError as exc:
            raise RenderError(
                f"{self._describe(exc.filename, exc.lineno)}: {exc.message}"
            ) from None
        except jinja2.TemplateNotFound as exc:
            needed = f" (needed by {name})" if exc.name != name else ""
            raise RenderError(f"template '{exc.name}' not found{needed}") from None
        except (
            Exception
        ) as exc:  # a template may raise anything; the user needs where, not a traceback
            where = self._locate(exc.__traceback__) or f"template {name}"
            message = str(exc) or type(exc).__name__
            if isinstance(exc, SecurityError):
                message = f"not allowed in a template: {message}"
            raise RenderError(f"{where}: {message}") from None

    @staticmethod
    def _capped(name: str, chunks: Iterator[str]) -> str:
        """The template's output, stopped at :data:`MAX_OUTPUT` characters so
        that a template looping without end cannot fill memory or disk."""
        parts: list[str] = []
        size = 0
        for chunk in chunks:
            size += len(chunk)
            if size > MAX_OUTPUT:
                raise RenderError(
                    f"template {name} produced more than {MAX_OUTPUT // 2**20} MiB for one "
                    "page; look for a loop that does not end"
                )
            parts.append(chunk)
        return "".join(parts)

    def _locate(self, tb: types.TracebackType | None) -> str | None:
        """The innermost traceback frame that is a template line."""
        found: tuple[str, int] | None = None
        while tb is not None:
            filename = tb.tb_frame.f_code.co_filename
            if any(_inside(filename, folder) for folder, _ in self.folders):
                found = (filename, tb.tb_lineno)
            tb = tb.tb_next
        return self._describe(*found) if found is not None else None

    def _describe(self, filename: str | None, line: int | None) -> str:
        where = filename or "template"
        for folder, name in self.folders:
            if filename and _inside(filename, folder):
                rel = Path(filename).resolve().relative_to(folder).as_posix()
                where = f"{name}/{rel}" if folder != PACKAGED else f"{rel} (csplan's own template)"
                break
        return f"{where}, line {line}" if line else where


def build_environment(ws: Workspace | None, fmt: str) -> Templates:
    """The sandboxed environment for ``fmt`` (``html`` or ``md``)."""
    if fmt not in FORMATS:
        raise RenderError(f"unknown format '{fmt}' (use html or md)")
    folders = template_folders(ws)
    # "csplan/NAME" always names the packaged template, so an override can
    # extend the template it replaces: {% extends "csplan/customer.html.j2" %}.
    loader = jinja2.ChoiceLoader(
        [_ConfinedLoader(path, name) for path, name in folders]
        + [jinja2.PrefixLoader({"csplan": _ConfinedLoader(PACKAGED, "csplan")})]
    )
    options: dict[str, Any] = {
        "loader": loader,
        "undefined": jinja2.StrictUndefined,
        "trim_blocks": True,
        "lstrip_blocks": True,
        "keep_trailing_newline": True,
        "auto_reload": False,
        # Markdown also runs with autoescape on, so that macro output comes
        # back as Markup and finalize does not escape it a second time.
        "autoescape": True,
    }
    # Every printed value passes a finalize: Markdown's escapes it; HTML's
    # writes control characters (NUL, ESC) as visible escapes, as autoescape
    # leaves them alone.
    options["finalize"] = markdown.finalize if fmt == "md" else _html_finalize
    env = _BoundedEnvironment(**options)
    env.filters.update(_filters(fmt))
    return Templates(env, folders)


def _filters(fmt: str) -> dict[str, Callable[..., Any]]:
    common: dict[str, Callable[..., Any]] = {
        "date": labels.long_date,
        "shortdate": labels.short_date,
        "iso": lambda d: d.isoformat() if d is not None else "",
        "number": labels.number,
        "value": labels.value,
        "percent": _percent,
        "points": _points,
        "paragraphs": _paragraphs,
        "sentence": _sentence,
        "bar": _bar,
        "spark": _spark,
    }
    if fmt == "md":
        common.update(
            {
                "md": lambda v: Markup(markdown.escape(v)),
                "mdurl": markdown.url,
                "cell": markdown.cell,
                "code": markdown.code,
                # Jinja's own join and replace HTML-escape under autoescape;
                # in Markdown each part is escaped as Markdown instead.
                "join": _md_join,
                "escape": lambda v: Markup(markdown.escape(v)),
                "e": lambda v: Markup(markdown.escape(v)),
            }
        )
    return common


def _html_finalize(value: object) -> object:
    if isinstance(value, str) and not isinstance(value, Markup):
        return printable(value)
    return value


def _md_join(values: Any, separator: str = "", attribute: str | None = None) -> Markup:
    items = [getattr(v, attribute) if attribute else v for v in values]
    # The separator is template text, so it is printed as written.
    return Markup(str(separator).join(str(markdown.finalize(i)) for i in items))


def _percent(value: float | None, digits: int = 0) -> str:
    """A fraction 0..1 as a percentage: ``0.85`` -> ``85%``."""
    if value is None:
        return "no evidence"
    return f"{value * 100:.{digits}f}%"


def _points(value: float | None, digits: int = 1) -> str:
    """Points on a 0..100 scale: ``71.4``."""
    if value is None:
        return ""
    return f"{value:.{digits}f}"


def _sentence(text: str | None) -> str:
    """Text ending with a full stop unless it already ends a sentence."""
    if not text:
        return ""
    text = text.strip()
    return text if text[-1] in ".!?…)\"'”’" else text + "."


def _bar(actual: float, desired: float = 1.0, width: int = 10) -> str:
    """A text bar on a 0..1 scale: ``█`` up to the actual value, ``░`` from
    there to the desired level, ``·`` for the rest."""
    filled = round(min(1.0, max(0.0, actual)) * width)
    target = max(filled, round(min(1.0, max(0.0, desired)) * width))
    return "█" * filled + "░" * (target - filled) + "·" * (width - target)


def _spark(values: list[float], top: float = 100.0) -> str:
    """A sparkline of values on a 0..top scale."""
    ticks = "▁▂▃▄▅▆▇█"
    return "".join(ticks[min(7, max(0, int(v / top * 8)))] for v in values)


def _paragraphs(text: str | None) -> list[str]:
    """Split text on blank lines; line breaks inside a paragraph are spaces."""
    if not text:
        return []
    return [" ".join(p.split()) for p in _PARAGRAPH.split(text.strip()) if p.strip()]


def _inside(filename: str, folder: Path) -> bool:
    try:
        Path(filename).resolve().relative_to(folder)
    except (ValueError, OSError):
        return False
    return True
