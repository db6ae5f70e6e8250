"""A data source's ``url`` (SPEC section 8): made of ``${NAME}`` environment
variable references, never a literal password, and never printed with one."""

from __future__ import annotations

import os
import re
from collections.abc import Mapping

_VARIABLE = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}")
# user:password@ in an URL's authority, the password written out.
_USERINFO = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://(?P<user>[^/@:?#]*):(?P<password>[^/@?#]*)@")
# password=... and friends in the query string (ODBC-style URLs, Snowflake).
_PASSWORD_PARAM = re.compile(r"[?&](?:password|passwd|pwd|private_key[a-z_]*|token)=([^&#]*)", re.I)


class MissingVariable(Exception):
    """An environment variable the url names is not set (or empty)."""

    def __init__(self, name: str) -> None:
        super().__init__(name)
        self.name = name


def literal_secret(url: str) -> str | None:
    """What is wrong when ``url`` writes a credential out instead of taking
    it from a variable (a password in ``user:password@`` or a
    ``password=`` parameter), else None."""
    found = _USERINFO.match(url)
    if found and found.group("password") and not _only_variables(found.group("password")):
        return "the url has a password written in it"
    for value in _PASSWORD_PARAM.findall(url):
        if value and not _only_variables(value):
            return "the url has a password parameter written in it"
    return None


def _only_variables(text: str) -> bool:
    return _VARIABLE.sub("", text) == ""


def variables(url: str) -> list[str]:
    """The names of the variables ``url`` refers to, in order."""
    return _VARIABLE.findall(url)


def expand(url: str, environ: Mapping[str, str] | None = None) -> str:
    """``url`` with every ``${NAME}`` replaced by its value. Raises
    :class:`MissingVariable` for the first variable not set or empty."""
    env = os.environ if environ is None else environ

    def value(match: re.Match[str]) -> str:
        name = match.group(1)
        found = env.get(name)
        if not found:
            raise MissingVariable(name)
        return found

    return _VARIABLE.sub(value, url)


def secrets(url: str) -> list[str]:
    """Every password-like part of an expanded ``url``, to be blotted out of
    any message (a database may quote the URL it was given)."""
    found: list[str] = []
    match = _USERINFO.match(url)
    if match and match.group("password"):
        found.append(match.group("password"))
        from urllib.parse import unquote

        found.append(unquote(match.group("password")))
    found.extend(v for v in _PASSWORD_PARAM.findall(url) if v)
    # Longest first, so that a password containing another is blotted whole.
    return sorted({s for s in found if len(s) >= 1}, key=len, reverse=True)


def redact(text: str, hidden: list[str]) -> str:
    """``text`` with each of ``hidden`` replaced by ``***``."""
    for secret in hidden:
        text = text.replace(secret, "***")
    return text
