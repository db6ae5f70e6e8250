"""A throwaway PostgreSQL cluster for the data-source tests (issue 11).

Standard library only, because `.ci/run` starts the server with the system
``python3`` before any virtual environment exists:

    python3 tests/pg_cluster.py start DIR   # prints the admin URL, then the reader URL
    python3 tests/pg_cluster.py stop DIR    # stops the server and removes DIR

The cluster listens on a Unix socket in DIR only (no TCP port, so parallel runs
and a developer's own server never collide), runs as the ``postgres`` user when
we are root (PostgreSQL refuses to run as root), and trades durability for
speed (fsync off): it lives for one test session.

Two roles, both printed as SQLAlchemy 2 + psycopg 3 URLs:

- ``csplan_admin``, superuser, no password (``trust`` on the socket): fixtures
  create their schemas and tables with it;
- ``csplan_reader`` with a random password (``scram-sha-256``, so the password
  really is checked): CONNECT and SELECT only, on what csplan_admin creates.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import pwd
import re
import secrets
import shlex
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

ADMIN = "csplan_admin"
READER = "csplan_reader"
DATABASE = "csplan_test"
# Only the socket's file name depends on it (listen_addresses is empty); fixed
# and written into the URLs so that a PGPORT in the caller's environment cannot
# make libpq look for another socket.
PORT = 5432
# The socket path (DIR/.s.PGSQL.5432) must fit in sun_path (107 bytes on Linux).
MAX_SOCKET_DIR = 90
TIMEOUT = 120


class PgClusterError(Exception):
    """Starting or stopping the cluster failed; the message says why."""


@dataclass(frozen=True)
class PgServer:
    """How a test reaches the server. Tests create their own schemas and tables,
    with unique names, because one server may serve several runs."""

    admin_url: str
    reader_url: str
    reader_password: str
    socket_dir: str


def find_bin_dir() -> Path | None:
    """Where initdb and pg_ctl are: $CSPLAN_PG_BIN, else the newest Debian
    /usr/lib/postgresql/<version>/bin (not on PATH there), else PATH."""
    explicit = os.environ.get("CSPLAN_PG_BIN")
    if explicit:
        path = Path(explicit)
        return path if (path / "initdb").is_file() and (path / "pg_ctl").is_file() else None
    candidates = [
        p.parent
        for p in Path("/usr/lib/postgresql").glob("*/bin/initdb")
        if (p.parent / "pg_ctl").is_file()
    ]
    if candidates:
        # Numeric, so that 10 sorts after 9.6.
        return max(candidates, key=lambda d: [int(x) for x in re.findall(r"\d+", d.parent.name)])
    initdb, pg_ctl = shutil.which("initdb"), shutil.which("pg_ctl")
    if initdb and pg_ctl and Path(initdb).parent == Path(pg_ctl).parent:
        return Path(initdb).parent
    return None


def _clean_env() -> dict[str, str]:
    # PGPORT, PGHOST, PGDATA, PGUSER, ... in the caller's environment would
    # redirect initdb, pg_ctl and psql; every setting here is explicit.
    env = {k: v for k, v in os.environ.items() if not k.startswith("PG")}
    env["LC_ALL"] = "C"
    return env


def _as_server_user(argv: Sequence[str]) -> list[str]:
    if os.geteuid() != 0:
        return list(argv)
    try:
        pwd.getpwnam("postgres")
    except KeyError:
        raise PgClusterError(
            "running as root, PostgreSQL must run as another user, and there is no "
            "`postgres` user (Debian's postgresql package creates it)"
        ) from None
    if shutil.which("runuser"):
        return ["runuser", "-u", "postgres", "--", *argv]
    return ["su", "postgres", "-s", "/bin/sh", "-c", shlex.join(argv)]


def _run(argv: Sequence[str], *, cwd: Path, stdin: str | None = None) -> None:
    try:
        done = subprocess.run(
            argv,
            cwd=cwd,  # root's home is not readable by postgres
            env=_clean_env(),
            input=stdin,
            stdin=None if stdin is not None else subprocess.DEVNULL,
            capture_output=True,
            text=True,
            timeout=TIMEOUT,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise PgClusterError(f"{Path(argv[0]).name}: {exc}") from None
    if done.returncode != 0:
        output = (done.stderr or done.stdout).strip()
        raise PgClusterError(f"{' '.join(argv[:6])} failed ({done.returncode}): {output}")


def _log_tail(directory: Path) -> str:
    try:
        lines = (directory / "log").read_text(errors="replace").splitlines()
    except OSError:
        return ""
    return "\n".join(lines[-20:])


def start(directory: Path | str) -> PgServer:
    """initdb a cluster in DIR/data, start it on a socket in DIR, create the
    database and roles. DIR may exist (empty) or not. On failure the server is
    stopped and DIR removed before PgClusterError is raised."""
    directory = Path(directory).absolute()
    if len(str(directory)) > MAX_SOCKET_DIR:
        raise PgClusterError(
            f"{directory} is too long for a Unix socket path: use a folder under /tmp"
        )
    bin_dir = find_bin_dir()
    if bin_dir is None:
        raise PgClusterError(
            "PostgreSQL server binaries (initdb, pg_ctl) not found: install Debian's "
            "`postgresql` package, or set CSPLAN_PG_BIN to the folder that holds them"
        )
    directory.mkdir(mode=0o700, parents=True, exist_ok=True)
    try:
        return _start(directory, bin_dir)
    except BaseException as exc:  # KeyboardInterrupt too: never leave a server behind
        tail = _log_tail(directory)
        # The first error is the one worth reading.
        with contextlib.suppress(PgClusterError):
            stop(directory)
        if isinstance(exc, PgClusterError) and tail:
            raise PgClusterError(f"{exc}\nserver log:\n{tail}") from None
        raise


def _start(directory: Path, bin_dir: Path) -> PgServer:
    if os.geteuid() == 0:
        entry = pwd.getpwnam("postgres")
        os.chown(directory, entry.pw_uid, entry.pw_gid)
    data = directory / "data"
    _run(
        _as_server_user(
            [
                str(bin_dir / "initdb"),
                "-D",
                str(data),
                "-U",
                ADMIN,
                "--auth=trust",
                "--encoding=UTF8",
                "--locale=C",
                "--no-sync",
            ]
        ),
        cwd=directory,
    )
    # Settings go into the files rather than `initdb -c`, which PostgreSQL 15
    # (Debian 12) does not have. The files belong to postgres; appending and
    # rewriting in place keeps their owner.
    with (data / "postgresql.conf").open("a", encoding="utf-8") as conf:
        conf.write(
            "\n# csplan test cluster (tests/pg_cluster.py)\n"
            "listen_addresses = ''\n"
            f"unix_socket_directories = '{directory}'\n"
            f"port = {PORT}\n"
            "fsync = off\n"
            "synchronous_commit = off\n"
            "full_page_writes = off\n"
            "password_encryption = 'scram-sha-256'\n"
        )
    # The admin needs no password; every other role must give one, so a test
    # can tell that a reader URL's password is used (and never printed).
    (data / "pg_hba.conf").write_text(
        f"local all {ADMIN} trust\nlocal all all scram-sha-256\n", encoding="utf-8"
    )
    _run(
        _as_server_user(
            [
                str(bin_dir / "pg_ctl"),
                "-D",
                str(data),
                "-l",
                str(directory / "log"),
                "-w",
                "-t",
                "60",
                "start",
            ]
        ),
        cwd=directory,
    )
    password = "csplan-secret-" + secrets.token_hex(12)
    psql = bin_dir / "psql"
    client = str(psql) if psql.is_file() else (shutil.which("psql") or "psql")

    def sql(database: str, script: str) -> None:
        # On stdin, so that the password is not on a command line.
        _run(
            [
                client,
                "-X",
                "-q",
                "-v",
                "ON_ERROR_STOP=1",
                "-h",
                str(directory),
                "-p",
                str(PORT),
                "-U",
                ADMIN,
                "-d",
                database,
            ],
            cwd=directory,
            stdin=script,
        )

    sql(
        "postgres",
        f"CREATE DATABASE {DATABASE};\n"
        f"CREATE ROLE {READER} LOGIN PASSWORD '{password}';\n"
        # Only CONNECT: no temporary tables, no schemas of its own.
        f"REVOKE ALL ON DATABASE {DATABASE} FROM PUBLIC;\n"
        f"GRANT CONNECT ON DATABASE {DATABASE} TO {READER};\n",
    )
    sql(
        DATABASE,
        "REVOKE ALL ON SCHEMA public FROM PUBLIC;\n"
        f"GRANT USAGE ON SCHEMA public TO {READER};\n"
        # Whatever the admin creates later (each test's own schema and tables)
        # is readable, and only readable, by the reader.
        f"ALTER DEFAULT PRIVILEGES FOR ROLE {ADMIN} GRANT USAGE ON SCHEMAS TO {READER};\n"
        f"ALTER DEFAULT PRIVILEGES FOR ROLE {ADMIN} GRANT SELECT ON TABLES TO {READER};\n",
    )
    host = f"?host={quote(str(directory), safe='/')}&port={PORT}"
    return PgServer(
        admin_url=f"postgresql+psycopg://{ADMIN}@/{DATABASE}{host}",
        reader_url=f"postgresql+psycopg://{READER}:{quote(password, safe='')}@/{DATABASE}{host}",
        reader_password=password,
        socket_dir=str(directory),
    )


def stop(directory: Path | str) -> None:
    """Stop the server in DIR (immediately: its data is thrown away) and remove
    DIR. Safe to call when the server is not running or DIR is gone."""
    directory = Path(directory).absolute()
    data = directory / "data"
    bin_dir = find_bin_dir()
    try:
        if bin_dir is not None and (data / "postmaster.pid").exists():
            _run(
                _as_server_user(
                    [str(bin_dir / "pg_ctl"), "-D", str(data), "-m", "immediate", "-w", "stop"]
                ),
                cwd=directory,
            )
    finally:
        shutil.rmtree(directory, ignore_errors=True)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("action", choices=["start", "stop"])
    parser.add_argument(
        "directory",
        nargs="?",
        help="the cluster's folder, short and under /tmp (default for start: a new one)",
    )
    args = parser.parse_args(argv)
    try:
        if args.action == "start":
            directory = args.directory or tempfile.mkdtemp(prefix="csplan-pg-", dir="/tmp")
            server = start(directory)
            print(server.admin_url)
            print(server.reader_url)
        else:
            if not args.directory:
                parser.error("stop needs the cluster's folder")
            stop(args.directory)
    except PgClusterError as exc:
        print(f"pg_cluster {args.action}: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
