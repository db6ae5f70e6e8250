"""Shared fixtures: a CLI runner, the example workspaces, and a builder for
throw-away workspaces written from a dict of files."""

from __future__ import annotations

import os
import tempfile
import textwrap
from collections.abc import Callable, Iterator
from pathlib import Path

import pg_cluster
import pytest
from typer.testing import CliRunner

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
EXAMPLE_WORKSPACES = sorted(p.parent for p in EXAMPLES.glob("*/csplan.yaml"))
AS_OF = "2026-11-01"

MINIMAL_SETTINGS = "kind: Workspace\nname: Test workspace\nvendor: Acme\n"


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


@pytest.fixture
def cli(runner: CliRunner) -> Callable[..., object]:
    """Invoke csplan in-process: ``cli("validate", "-w", path)``."""
    from csplan.cli import app

    def invoke(*args: str, **kwargs: object) -> object:
        return runner.invoke(app, [str(a) for a in args], catch_exceptions=False, **kwargs)

    return invoke


@pytest.fixture
def make_workspace(tmp_path: Path) -> Callable[[dict[str, str | bytes]], Path]:
    """Write ``{relative path: content}`` under a fresh folder and return it.
    Text is dedented; csplan.yaml gets minimal settings unless given."""

    def write(files: dict[str, str | bytes]) -> Path:
        root = tmp_path / "ws"
        root.mkdir(exist_ok=True)
        files = {"csplan.yaml": MINIMAL_SETTINGS, **files}
        for rel, content in files.items():
            path = root / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            if isinstance(content, bytes):
                path.write_bytes(content)
            else:
                path.write_text(textwrap.dedent(content), encoding="utf-8")
        return root

    return write


def read_only(path: Path | str) -> object:
    """The workspace as read, without the checks across documents: shape
    findings only, located as validate locates them."""
    from csplan.workspace.load import locate_findings, read_workspace

    result = read_workspace(path)
    locate_findings(result.workspace, result.findings)
    result.summary.errors = sum(1 for f in result.findings if f.severity == "error")
    result.summary.warnings = len(result.findings) - result.summary.errors
    return result


@pytest.fixture(scope="session")
def postgres() -> Iterator[pg_cluster.PgServer]:
    """A real PostgreSQL server (issue 11), as a ``pg_cluster.PgServer``:
    ``.admin_url`` (superuser ``csplan_admin``, no password: create fixtures
    with it), ``.reader_url`` (``csplan_reader``, with its password: SELECT only,
    on whatever csplan_admin creates), ``.reader_password``, ``.socket_dir``.

    URLs are SQLAlchemy 2 + psycopg 3:
    ``postgresql+psycopg://csplan_admin@/csplan_test?host=<socket dir>&port=5432``.
    `.ci/run` starts one server for both of its runs and hands it over in
    CSPLAN_TEST_PG_URL and CSPLAN_TEST_PG_READER_URL; otherwise one is started
    here (tests/pg_cluster.py) and stopped at the end of the session. So the
    database outlives a run and is shared: every test creates its own schema
    with a unique name (``f"t_{uuid.uuid4().hex[:12]}"``) and drops it.

    Without PostgreSQL the tests that use it skip, unless
    CSPLAN_REQUIRE_POSTGRES=1 (set by .ci/run), where they fail."""
    admin_url = os.environ.get("CSPLAN_TEST_PG_URL")
    if admin_url:
        from sqlalchemy.engine import make_url

        reader_url = os.environ.get("CSPLAN_TEST_PG_READER_URL")
        if not reader_url:
            pytest.fail("CSPLAN_TEST_PG_URL is set but CSPLAN_TEST_PG_READER_URL is not")
        yield pg_cluster.PgServer(
            admin_url=admin_url,
            reader_url=reader_url,
            reader_password=make_url(reader_url).password or "",
            socket_dir=str(make_url(admin_url).query.get("host", "")),
        )
        return
    if pg_cluster.find_bin_dir() is None:
        reason = (
            "no PostgreSQL server binaries (initdb, pg_ctl): `apt-get install postgresql` "
            "(Debian), or set CSPLAN_PG_BIN to their folder, or CSPLAN_TEST_PG_URL and "
            "CSPLAN_TEST_PG_READER_URL to a server of your own"
        )
        if os.environ.get("CSPLAN_REQUIRE_POSTGRES") == "1":
            pytest.fail(f"CSPLAN_REQUIRE_POSTGRES=1 but {reason}")
        pytest.skip(reason)
    # Under /tmp, not pytest's tmp_path: the socket path must stay short.
    directory = tempfile.mkdtemp(prefix="csplan-pg-", dir="/tmp")
    try:
        server = pg_cluster.start(directory)
    except pg_cluster.PgClusterError as exc:
        pytest.fail(f"could not start PostgreSQL: {exc}")
    try:
        yield server
    finally:
        pg_cluster.stop(directory)
