"""Library exceptions. The CLI turns them into messages and exit codes; the
library never prints."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from csplan.findings import Finding


class CsplanError(Exception):
    """Base of every error csplan raises on purpose."""


class WorkspaceNotFound(CsplanError):
    """No csplan.yaml where one was expected (CLI exit code 2)."""


class WorkspaceInvalid(CsplanError):
    """The workspace has errors, so it cannot be scored or rendered."""

    def __init__(self, result: object) -> None:
        super().__init__("the workspace has errors; run 'csplan validate'")
        self.result = result


class SideInvalid(WorkspaceInvalid):
    """One side of a diff has errors: ``side`` says which ("base HEAD~1",
    "working tree")."""

    def __init__(self, side: str, result: object) -> None:
        super().__init__(result)
        self.side = side


class DiffUsageError(CsplanError):
    """Dates of a diff that do not make sense (CLI exit code 2)."""


class UnknownAccount(CsplanError):
    """An account id on the command line that the workspace does not hold."""


class SignalsFileError(CsplanError):
    """A --signals CSV file that cannot be read at all."""


class RenderError(CsplanError):
    """A template failed, or output could not be written."""


class RevisionError(CsplanError):
    """A git revision that cannot be read: no repository, an unknown
    revision, no git (CLI exit code 2)."""


class SourceRowsError(CsplanError):
    """Rows fetched from a data source to score with are wrong, or the
    source cannot be read (SPEC section 8): ``findings`` says which (CLI
    exit code 1)."""

    def __init__(self, findings: Sequence[Finding]) -> None:
        super().__init__("\n".join(str(f) for f in findings))
        self.findings = list(findings)
