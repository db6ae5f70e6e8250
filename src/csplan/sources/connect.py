"""Running a data source's SQL (SPEC section 8): DuckDB in memory with paths
relative to the workspace, or any database SQLAlchemy reaches, read-only,
with a time limit, and without ever showing a password.

DuckDB and SQLAlchemy are imported here only, when a workspace has a data
source: a YAML-only workspace never pays for them.
"""

from __future__ import annotations

import contextlib
import shutil
import tempfile
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn, Protocol, TypeVar

from csplan.sources import statement
from csplan.sources.url import MissingVariable, expand, literal_secret, redact, secrets

if TYPE_CHECKING:
    from csplan.model import DataSource

T = TypeVar("T")
BATCH = 50_000


class SourceFailure(Exception):
    """The source cannot be read: a missing variable, a connection refused,
    a query error, a time-out. The message is safe to print (no password)
    and says what happened; ``field`` names the DataSource key at fault."""

    def __init__(
        self,
        message: str,
        *,
        field: str = "query",
        code: str = "CSP501",
        hint: str | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.field = field
        self.code = code
        self.hint = hint


class Runner(Protocol):
    """An open data source: runs SELECTs built around the user's query."""

    engine: str

    def quote(self, name: str) -> str:
        """``name`` as a quoted identifier of this database."""
        ...

    def columns(self, sql: str) -> list[tuple[str, str]]:
        """(name, type) of each column ``sql`` returns, in order."""
        ...

    def batches(self, sql: str) -> Iterator[Sequence[tuple[Any, ...]]]:
        """The rows of ``sql``, a batch at a time."""
        ...

    def first(self, sql: str) -> tuple[Any, ...] | None:
        """The first row of ``sql`` (None: no rows), without fetching the rest."""
        ...

    def close(self) -> None: ...


def open_source(ds: DataSource, root: Path) -> Runner:
    """Connect to ``ds``'s database. Raises :class:`SourceFailure`."""
    said = statement.problem(ds.query)
    if said is not None:
        raise SourceFailure(said, code="CSP503")
    if ds.engine == "duckdb":
        return _DuckDB(ds, root)
    return _SQL(ds)


class _Guard:
    """Runs database calls under the source's time limit: a call that
    outlives it is cancelled where the driver can, and reported, so that a
    stuck server never hangs a CI job. Each call runs in a daemon thread:
    one still stuck after the limit neither holds up the command nor its
    process's exit."""

    def __init__(self, seconds: int, cancel: Callable[[], None]) -> None:
        self.seconds = seconds
        self.deadline = time.monotonic() + seconds
        self.cancel = cancel
        self.expired = False

    def __call__(self, call: Callable[[], T]) -> T:
        left = self.deadline - time.monotonic()
        if left <= 0:
            self._timed_out()
        outcome: list[Any] = []

        def run() -> None:
            try:
                outcome.append((True, call()))
            except BaseException as exc:  # handed to the caller's thread
                outcome.append((False, exc))

        worker = threading.Thread(target=run, name="csplan-source", daemon=True)
        worker.start()
        worker.join(left)
        if worker.is_alive():
            with contextlib.suppress(Exception):
                self.cancel()
            self._timed_out()
        ok, value = outcome[0]
        if not ok:
            raise value
        result: T = value
        return result

    def _timed_out(self) -> NoReturn:
        self.expired = True
        raise SourceFailure(
            f"the data source did not answer within {self.seconds} seconds (timeout_seconds)",
            hint="make the query cheaper, or raise timeout_seconds",
        )


class _DuckDB:
    engine = "duckdb"

    def __init__(self, ds: DataSource, root: Path) -> None:
        try:
            import duckdb
        except ImportError as exc:  # pragma: no cover - a dependency of csplan
            raise SourceFailure(f"DuckDB is not installed ({exc}): pip install duckdb") from None
        self._duckdb = duckdb
        self._spill = tempfile.mkdtemp(prefix="csplan-duckdb-")
        try:
            self._open(ds, root)
        except BaseException:
            shutil.rmtree(self._spill, ignore_errors=True)
            raise

    def _open(self, ds: DataSource, root: Path) -> None:
        duckdb = self._duckdb
        try:
            # In memory: nothing is written anywhere. No extension is ever
            # downloaded (a query naming s3:// must not reach the network
            # on its own); those installed locally still load.
            con = duckdb.connect(":memory:", config={"autoinstall_known_extensions": False})
            con.execute("SET enable_progress_bar = false")
            # Relative paths in the query resolve from the workspace root,
            # wherever csplan runs from.
            con.execute(f"SET file_search_path = {_quote(str(root))}")
            # DuckDB spills a large aggregate to disk, by default into .tmp
            # in the current folder: the user's. A private temporary folder
            # instead, removed on close.
            con.execute(f"SET temp_directory = {_quote(self._spill)}")
            if ds.url:
                database = Path(ds.url)
                path = database if database.is_absolute() else root / database
                if not path.is_file():
                    raise SourceFailure(
                        f"no DuckDB database file at {ds.url}",
                        field="url",
                        hint="url is the path of a .duckdb file from the workspace root",
                    )
                con.execute(f"ATTACH {_quote(str(path))} AS csplan_data (READ_ONLY)")
                con.execute("USE csplan_data")
            # The query itself cannot change any of this.
            con.execute("SET lock_configuration = true")
        except duckdb.Error as exc:
            raise SourceFailure(_first_line(str(exc))) from None
        self._con = con
        self._guard = _Guard(ds.timeout_seconds, con.interrupt)
        try:
            found = con.extract_statements(ds.query)
        except duckdb.Error as exc:
            raise SourceFailure(_duck_message(exc)) from None
        if len(found) != 1 or found[0].type != duckdb.StatementType.SELECT:
            kind = found[0].type.name if found else "empty"
            raise SourceFailure(f"the query is a {kind} statement, not one SELECT", code="CSP503")

    def columns(self, sql: str) -> list[tuple[str, str]]:
        def describe() -> list[tuple[str, str]]:
            relation = self._con.sql(sql)
            return [(n, str(t)) for n, t in zip(relation.columns, relation.types, strict=True)]

        return self._run(describe)

    def batches(self, sql: str) -> Iterator[Sequence[tuple[Any, ...]]]:
        cursor = self._run(lambda: self._con.execute(sql))
        while True:
            rows = self._run(lambda: cursor.fetchmany(BATCH))
            if not rows:
                return
            yield rows

    def _run(self, call: Callable[[], T]) -> T:
        try:
            return self._guard(call)
        except self._duckdb.Error as exc:
            raise SourceFailure(_duck_message(exc)) from None

    def quote(self, name: str) -> str:
        return '"' + name.replace('"', '""') + '"'

    def first(self, sql: str) -> tuple[Any, ...] | None:
        found: tuple[Any, ...] | None = self._run(lambda: self._con.execute(sql).fetchone())
        return found

    def close(self) -> None:
        if not self._guard.expired:
            # Interrupted past its limit, DuckDB may still be unwinding the
            # query in its thread: closing would wait for it.
            self._con.close()
        shutil.rmtree(self._spill, ignore_errors=True)


def _quote(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _first_line(text: str) -> str:
    return text.strip().splitlines()[0] if text.strip() else "unknown error"


def _duck_message(exc: Exception) -> str:
    # DuckDB points at the error inside csplan's wrapping query with LINE n:
    # and a caret; the first line says what went wrong in the user's terms.
    return _first_line(str(exc))


class _SQL:
    engine = "sql"

    def __init__(self, ds: DataSource) -> None:
        written = ds.url or ""
        leak = literal_secret(written)
        if leak is not None:
            raise SourceFailure(
                f"{leak}; put credentials in an environment variable", field="url", code="CSP502"
            )
        try:
            url = expand(written)
        except MissingVariable as exc:
            raise SourceFailure(
                f"environment variable {exc.name} is not set (the url needs it)",
                field="url",
                hint=f"set {exc.name} where csplan runs, or run validate --no-sources"
                " where the database cannot be reached",
            ) from None
        self._hidden = secrets(url)
        try:
            import sqlalchemy
            from sqlalchemy.pool import NullPool
        except ImportError as exc:  # pragma: no cover - a dependency of csplan
            raise SourceFailure(f"SQLAlchemy is not installed ({exc})") from None
        self._sa = sqlalchemy
        try:
            parsed = sqlalchemy.engine.make_url(url)
        except Exception as exc:
            raise SourceFailure(
                self._safe(f"the url is not an SQLAlchemy URL: {exc}"), field="url"
            ) from None
        self._hidden = sorted(
            {*self._hidden, *([parsed.password] if parsed.password else [])}, key=len, reverse=True
        )
        self.shown = parsed.render_as_string(hide_password=True)
        args: dict[str, Any] = {}
        backend = parsed.get_backend_name()
        if backend in {"postgresql", "redshift", "cockroachdb"}:
            args["connect_timeout"] = min(ds.timeout_seconds, 2_147_483)
        try:
            engine = sqlalchemy.create_engine(parsed, poolclass=NullPool, connect_args=args)
        except Exception as exc:
            raise SourceFailure(self._safe(_driver_message(parsed.drivername, exc))) from None
        self._engine = engine
        self._backend = backend
        self._conn: Any = None
        self._guard = _Guard(ds.timeout_seconds, self._cancel)
        try:
            conn = self._run(engine.connect)
        except SourceFailure as exc:
            exc.field = "url"  # refused, unknown host, wrong password: the url's line
            exc.hint = exc.hint or (
                "check that the server can be reached from here and that the url's"
                " variables hold the right host, user and password"
            )
            raise
        self._conn = conn
        if backend in {"postgresql", "redshift", "cockroachdb"}:
            ms = ds.timeout_seconds * 1000
            self._run(lambda: conn.exec_driver_sql("SET TRANSACTION READ ONLY"))
            self._run(lambda: conn.exec_driver_sql(f"SET LOCAL statement_timeout = {ms}"))
            # A timestamp's date counts in UTC (SPEC section 8).
            self._run(lambda: conn.exec_driver_sql("SET LOCAL TIME ZONE 'UTC'"))

    def _cancel(self) -> None:
        raw = getattr(self._conn, "connection", None)
        driver = getattr(raw, "driver_connection", None)
        cancel = getattr(driver, "cancel", None)
        if callable(cancel):
            cancel()

    def _safe(self, text: str) -> str:
        return redact(text, self._hidden)

    def _run(self, call: Callable[[], T]) -> T:
        try:
            return self._guard(call)
        except self._sa.exc.SQLAlchemyError as exc:
            orig = getattr(exc, "orig", None)
            said = str(orig) if orig is not None else str(exc).split("\n(Background")[0]
            raise SourceFailure(self._safe(_first_line(said) or type(exc).__name__)) from None
        except SourceFailure:
            raise
        except Exception as exc:
            raise SourceFailure(self._safe(_first_line(str(exc)) or type(exc).__name__)) from None

    def quote(self, name: str) -> str:
        # The dialect's own quoting: backticks on MySQL and BigQuery, double
        # quotes elsewhere.
        quoted: str = self._engine.dialect.identifier_preparer.quote_identifier(name)
        return quoted

    def columns(self, sql: str) -> list[tuple[str, str]]:
        result = self._run(lambda: self._conn.exec_driver_sql(sql))
        names = list(result.keys())
        result.close()
        return [(n, "") for n in names]

    def first(self, sql: str) -> tuple[Any, ...] | None:
        conn = self._conn.execution_options(stream_results=True)
        result = self._run(lambda: conn.exec_driver_sql(sql))
        row = self._run(result.fetchone)
        result.close()
        return tuple(row) if row is not None else None

    def batches(self, sql: str) -> Iterator[Sequence[tuple[Any, ...]]]:
        conn = self._conn.execution_options(stream_results=True)
        result = self._run(lambda: conn.exec_driver_sql(sql))
        while True:
            rows = self._run(lambda: result.fetchmany(BATCH))
            if not rows:
                result.close()
                return
            yield [tuple(r) for r in rows]

    def close(self) -> None:
        if self._guard.expired:
            # A connection stuck in a call: rolling it back would wait for
            # the server too. The process ends soon and takes it along.
            return
        if self._conn is not None:
            try:
                self._conn.rollback()
                self._conn.close()
            except Exception:
                pass
        self._engine.dispose()


def _driver_message(driver: str, exc: Exception) -> str:
    name = driver.split("+")[0]
    if isinstance(exc, ImportError) or type(exc).__name__ == "NoSuchModuleError":
        hint = (
            "pip install 'csplan[postgres]'"
            if name == "postgresql"
            else f"install the SQLAlchemy dialect for {name} (e.g. pip install {name}-sqlalchemy)"
        )
        return f"no database driver for '{driver}' is installed: {hint}"
    return f"cannot use the url: {_first_line(str(exc))}"
