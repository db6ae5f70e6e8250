"""The real PostgreSQL server of the data-source tests (issue 11) works through
SQLAlchemy 2 + psycopg 3, the way `engine: sql` reaches it: the admin writes
fixtures, the reader reads them in a read-only transaction and can write
nothing, and the reader's password is really checked."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

import pg_cluster
import psycopg
import pytest
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError, ProgrammingError


@pytest.fixture
def schema(postgres: pg_cluster.PgServer) -> Iterator[str]:
    """A schema of this test's own, with a table of two accounts: the server
    may be shared by several runs (see the `postgres` fixture)."""
    name = f"t_{uuid.uuid4().hex[:12]}"
    admin = create_engine(postgres.admin_url)
    try:
        with admin.begin() as conn:
            conn.execute(text(f"CREATE SCHEMA {name}"))
            conn.execute(
                text(f"CREATE TABLE {name}.accounts (id text PRIMARY KEY, arr numeric, start date)")
            )
            conn.execute(
                text(
                    f"INSERT INTO {name}.accounts VALUES "
                    "('acme', 120000, '2025-01-15'), ('globex', 45000.5, '2025-06-01')"
                )
            )
        yield name
    finally:
        with admin.begin() as conn:
            conn.execute(text(f"DROP SCHEMA IF EXISTS {name} CASCADE"))
        admin.dispose()


@pytest.fixture
def reader(postgres: pg_cluster.PgServer) -> Iterator[Engine]:
    engine = create_engine(postgres.reader_url)
    yield engine
    engine.dispose()


def test_reader_reads_admin_fixtures_in_a_read_only_transaction(
    schema: str, reader: Engine
) -> None:
    with reader.connect() as conn:
        # The first statement of the transaction SQLAlchemy begins, as
        # `engine: sql` does it.
        conn.execute(text("SET TRANSACTION READ ONLY"))
        assert conn.execute(text("SHOW transaction_read_only")).scalar_one() == "on"
        assert conn.execute(text("SELECT current_user")).scalar_one() == pg_cluster.READER
        rows = conn.execute(text(f"SELECT id, arr, start FROM {schema}.accounts ORDER BY id")).all()
    assert [(r.id, float(r.arr), r.start.isoformat()) for r in rows] == [
        ("acme", 120000.0, "2025-01-15"),
        ("globex", 45000.5, "2025-06-01"),
    ]


@pytest.mark.parametrize(
    "statement",
    [
        "INSERT INTO {schema}.accounts VALUES ('initech', 1, '2025-01-01')",
        "UPDATE {schema}.accounts SET arr = 0",
        "DELETE FROM {schema}.accounts",
        "CREATE TABLE {schema}.mine (x int)",
        "CREATE TABLE public.mine (x int)",
        "CREATE TEMPORARY TABLE mine (x int)",
        "CREATE SCHEMA mine_{schema}",
    ],
)
def test_reader_can_write_nothing(schema: str, reader: Engine, statement: str) -> None:
    # Privileges, not a read-only transaction: csplan's own read-only
    # transaction must be tested separately, against the admin URL.
    with reader.connect() as conn, pytest.raises(ProgrammingError) as caught:
        conn.execute(text(statement.format(schema=schema)))
    assert isinstance(caught.value.orig, psycopg.errors.InsufficientPrivilege)


def test_reader_password_is_checked(postgres: pg_cluster.PgServer) -> None:
    url = make_url(postgres.reader_url)
    assert url.password == postgres.reader_password
    assert url.query["host"] == postgres.socket_dir
    wrong = create_engine(url.set(password="not-the-password"))
    try:
        with pytest.raises(OperationalError, match="password authentication failed"):
            wrong.connect().close()
    finally:
        wrong.dispose()


def test_admin_url_is_a_superuser_without_password(postgres: pg_cluster.PgServer) -> None:
    assert make_url(postgres.admin_url).password is None
    admin = create_engine(postgres.admin_url)
    try:
        with admin.connect() as conn:
            assert conn.execute(text("SELECT current_database()")).scalar_one() == "csplan_test"
            assert conn.execute(text("SHOW is_superuser")).scalar_one() == "on"
    finally:
        admin.dispose()


def test_cluster_starts_and_stops_from_the_command_line() -> None:
    """The path .ci/run takes: `start DIR` prints two working URLs, `stop DIR`
    leaves no server and no folder behind."""
    if pg_cluster.find_bin_dir() is None:
        reason = "no PostgreSQL server binaries (see the `postgres` fixture)"
        if os.environ.get("CSPLAN_REQUIRE_POSTGRES") == "1":
            pytest.fail(f"CSPLAN_REQUIRE_POSTGRES=1 but {reason}")
        pytest.skip(reason)
    script = str(Path(pg_cluster.__file__))
    # Under /tmp, short: pytest's tmp_path may be too long for a socket path.
    directory = Path(f"/tmp/csplan-pg-{uuid.uuid4().hex[:8]}")
    try:
        started = subprocess.run(
            [sys.executable, script, "start", str(directory)],
            capture_output=True,
            text=True,
            timeout=180,
            check=False,
        )
        assert started.returncode == 0, started.stderr
        admin_url, reader_url = started.stdout.split()
        assert make_url(admin_url).query["host"] == str(directory)
        engine = create_engine(reader_url)
        try:
            with engine.connect() as conn:
                assert conn.execute(text("SELECT 1")).scalar_one() == 1
        finally:
            engine.dispose()
        pid = int((directory / "data" / "postmaster.pid").read_text().split()[0])
    finally:
        stopped = subprocess.run(
            [sys.executable, script, "stop", str(directory)],
            capture_output=True,
            text=True,
            timeout=180,
            check=False,
        )
    assert stopped.returncode == 0, stopped.stderr
    assert not directory.exists()
    # The postmaster is gone (a zombie waiting for init to reap it counts as gone).
    try:
        state = Path(f"/proc/{pid}/status").read_text()
    except FileNotFoundError:
        state = "State:\tZ"
    assert "State:\tZ" in state


def test_fixture_uses_the_server_handed_over(postgres: pg_cluster.PgServer) -> None:
    """.ci/run starts one server for both runs: the fixture must use it, not a
    second one of its own."""
    handed_over = os.environ.get("CSPLAN_TEST_PG_URL")
    if handed_over:
        assert postgres.admin_url == handed_over
        assert postgres.reader_url == os.environ["CSPLAN_TEST_PG_READER_URL"]
    assert Path(postgres.socket_dir, ".s.PGSQL.5432").is_socket()
