"""Engines, connections and units of work for SQLite and PostgreSQL.

SQLite gets the settings a ledger deserves, on every connection:
- `journal_mode=WAL`: readers never block the writer and vice versa;
- `synchronous=FULL` (configurable): a committed movement survives a power cut;
- `foreign_keys=ON`: SQLite's default is OFF;
- `busy_timeout`: a second process waits for the write lock instead of failing at once;
- write transactions start with `BEGIN IMMEDIATE`, so the write lock is taken at the start and a
  transaction never fails half-way with "database is locked" after it has read stale data.
SQLite's busy handler is not fair (one writer can starve for over a second), so writers inside
one process queue on a FIFO ticket lock and only one of them contends for the file lock.

PostgreSQL runs at READ COMMITTED; the posting path locks balance rows with `UPDATE` (a row
lock, as `SELECT … FOR UPDATE` takes) in a fixed order, so concurrent postings serialise per
balance and never deadlock. Its pool size and its connect, statement and lock timeouts come
from the settings (`PoolOptions`): a database that stops answering costs a request seconds,
not the process its threads; a connection idle for a while is pinged before use and replaced
when the server dropped it (`idle_ping`), so the service recovers by itself when the database
is back.
"""

from __future__ import annotations

import logging
import os
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast
from urllib.parse import quote

from sqlalchemy import create_engine, event, make_url
from sqlalchemy.engine import Connection, CursorResult, Engine, Result
from sqlalchemy.exc import DBAPIError, SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from stockbot.store.events import EventBus, UnitOfWork, attach, detach
from stockbot.store.fairlock import FairLock
from stockbot.store.idle_ping import ping_when_idle

if TYPE_CHECKING:
    from stockbot.config import Settings

log = logging.getLogger(__name__)

DEFAULT_TIMEZONE = "Asia/Shanghai"
"""The factory clock when none is configured (`Settings.timezone` has the same default)."""


READ_ONLY_SQLSTATE = "25006"
"""PostgreSQL's `read_only_sql_transaction`: `default_transaction_read_only` set for the role or
database, a hot standby, or `SET TRANSACTION READ ONLY`."""
BUSY_TIMEOUT_MS = 30000
"""SQLite: how long a writer waits for another's lock before giving up."""
_PROBE_BUSY_MS = 250
"""How long `writable()` waits for SQLite's write lock: a probe must answer fast, and a lock
held by a writer proves the file takes writes anyway."""


def is_read_only(exc: BaseException) -> bool:
    """Did the database refuse a write because it is read-only (not because of our statement)?
    SQLite says SQLITE_READONLY ("attempt to write a readonly database": a read-only file,
    directory or mount, or `mode=ro`); PostgreSQL says SQLSTATE 25006. Retrying will not help;
    an operator must make it writable again."""
    orig = exc.orig if isinstance(exc, DBAPIError) else exc
    return getattr(orig, "sqlstate", None) == READ_ONLY_SQLSTATE or "readonly database" in str(orig)


def is_sqlite_url(url: str) -> bool:
    return url.startswith("sqlite")


@dataclass(frozen=True)
class PoolOptions:
    """PostgreSQL's connection pool and timeouts (`STOCKBOT_DB_*`; SQLite keeps its own)."""

    size: int = 10
    max_overflow: int = 20
    timeout: float = 10.0
    """Seconds a request waits for a free connection before it is told to try again."""
    connect_timeout: int = 5
    """Seconds to reach the server: an unreachable database fails fast instead of hanging."""
    statement_timeout_ms: int = 60_000
    lock_timeout_ms: int = 15_000
    """Server-side limits per statement and per lock wait (0: none)."""


def make_engine(
    url: str, *, synchronous: str = "FULL", echo: bool = False, pool: PoolOptions | None = None
) -> Engine:
    """Create an engine with the per-backend settings described in the module docstring."""
    if is_sqlite_url(url):
        engine = create_engine(
            url,
            echo=echo,
            connect_args={"check_same_thread": False, "timeout": 30},
            pool_size=8,
            max_overflow=16,
        )
        _configure_sqlite(engine, synchronous)
        return engine
    pool = pool or PoolOptions()
    options = (
        f"-c statement_timeout={pool.statement_timeout_ms} -c lock_timeout={pool.lock_timeout_ms}"
    )
    # connect_args win over the URL's own query: keep an `options` the URL carries (an
    # operator's `-c default_transaction_read_only=on`, a search_path) and add ours after it
    given = make_url(url).query.get("options")
    if given:
        options = f"{given if isinstance(given, str) else ' '.join(given)} {options}"
    engine = create_engine(
        url,
        echo=echo,
        pool_size=pool.size,
        max_overflow=pool.max_overflow,
        pool_timeout=pool.timeout,
        pool_use_lifo=True,  # the busy connections stay the warm ones; spares idle, are pinged
        connect_args={"connect_timeout": pool.connect_timeout, "options": options},
    )
    ping_when_idle(engine)
    return engine


_warned: set[str] = set()


class ReadOnlyFile(sqlite3.Connection):
    """A connection to a SQLite file this process cannot write (see `_open_sqlite`)."""

    read_only = True


def _open_sqlite(cargs: list[Any], cparams: dict[str, Any]) -> sqlite3.Connection:
    """Open the file as usual; when it cannot be written, open it for lookups only.

    A WAL database whose file and directory are read-only (chmod 0444, a read-only mount)
    cannot even be *read* the usual way: SQLite must create its `-shm` file first and fails
    with SQLITE_READONLY. Opened `mode=ro&immutable=1` it reads without one, so lookups still
    answer while every write gets SQLITE_READONLY (`runtime.read_only`). Immutable means
    SQLite assumes nobody writes meanwhile, so such connections are never pooled: each use
    opens the file afresh and notices as soon as it is writable again."""
    conn = sqlite3.connect(*cargs, **cparams)
    try:
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        return conn
    except sqlite3.OperationalError as exc:
        conn.close()
        if "readonly database" not in str(exc):
            raise
    name = str(cargs[0] if cargs else cparams.pop("database"))
    rest = {k: v for k, v in cparams.items() if k not in ("uri", "database", "factory")}
    if not (cparams.get("uri") and name.startswith("file:")):
        name = f"file:{quote(os.path.abspath(name))}"
    sep = "&" if "?" in name else "?"
    uri = name + sep + ("immutable=1" if "mode=ro" in name else "mode=ro&immutable=1")
    if name not in _warned:  # once: every lookup opens the file again
        _warned.add(name)
        log.warning("%s cannot be written: opened read-only for lookups", name)
    return sqlite3.connect(uri, uri=True, factory=ReadOnlyFile, **rest)


def _configure_sqlite(engine: Engine, synchronous: str) -> None:
    @event.listens_for(engine, "do_connect")
    def _on_do_connect(
        _dialect: Any, _record: Any, cargs: list[Any], cparams: dict[str, Any]
    ) -> sqlite3.Connection:
        return _open_sqlite(cargs, cparams)

    @event.listens_for(engine, "checkin")
    def _on_checkin(dbapi_conn: Any, record: Any) -> None:
        if isinstance(dbapi_conn, ReadOnlyFile):
            record.invalidate()  # immutable: never reused (see `_open_sqlite`)

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        # Take transaction control from pysqlite so we can say BEGIN IMMEDIATE ourselves.
        dbapi_conn.isolation_level = None
        cur = dbapi_conn.cursor()
        if not isinstance(dbapi_conn, ReadOnlyFile):
            try:
                cur.execute("PRAGMA journal_mode=WAL")
            except sqlite3.OperationalError as exc:
                # a read-only file not yet in WAL mode still reads; its writes say read-only
                if "readonly" not in str(exc):
                    raise
        cur.execute(f"PRAGMA synchronous={synchronous}")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        cur.execute("PRAGMA temp_store=MEMORY")
        cur.execute("PRAGMA cache_size=-65536")
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        mode = conn.get_execution_options().get("sqlite_begin", "DEFERRED")
        conn.exec_driver_sql(f"BEGIN {mode}")


@dataclass
class _Joined:
    """The transaction `Database.one_transaction()` runs this thread's units of work in."""

    conn: Connection
    after: list[Any] = field(default_factory=list)
    """Events whose after-commit handlers run once the one transaction has committed."""


class Database:
    """The one handle flows and commands get: engine, sessions, and write transactions."""

    def __init__(
        self,
        url: str,
        *,
        synchronous: str = "FULL",
        echo: bool = False,
        timezone: str = DEFAULT_TIMEZONE,
        pool: PoolOptions | None = None,
    ) -> None:
        self.url = url
        self.timezone = timezone
        """The factory's clock: which calendar day a posting's daily totals belong to."""
        self.engine = make_engine(url, synchronous=synchronous, echo=echo, pool=pool)
        self.is_sqlite = self.engine.dialect.name == "sqlite"
        self._write_engine = (
            self.engine.execution_options(sqlite_begin="IMMEDIATE")
            if self.is_sqlite
            else self.engine
        )
        self._read_sessions = sessionmaker(self.engine, expire_on_commit=False)
        self._write_sessions = sessionmaker(self._write_engine, expire_on_commit=False)
        self._writer_queue = FairLock() if self.is_sqlite else None
        self._joined = threading.local()
        self.events = EventBus()
        self.search: Any = None  # the item search cache (stockbot.lookup.service) sets itself

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    @property
    def where(self) -> str:
        """Where this database is, to tell a person: a SQLite file's absolute path, else the
        URL with its password hidden (a command's output may be pasted into a ticket)."""
        url = self.engine.url
        if self.is_sqlite:
            name = url.database or ""
            return str(Path(name).resolve()) if name and name != ":memory:" else ":memory:"
        return url.render_as_string(hide_password=True)

    @contextmanager
    def read(self) -> Iterator[Session]:
        """A read-only session (SQLite: a deferred transaction; sees one consistent snapshot).

        Closing (not rolling back) ends it: objects loaded here stay readable afterwards.
        Inside `one_transaction()` it reads that transaction (its own uncommitted writes too)."""
        joined = self._joined_tx()
        if joined is not None:
            with Session(
                joined.conn, expire_on_commit=False, join_transaction_mode="rollback_only"
            ) as session:
                yield session
            return
        with self._read_sessions() as session:
            yield session

    @contextmanager
    def read_conn(self) -> Iterator[Connection]:
        """A read-only Core connection (SQLite: a deferred transaction, one snapshot), for the
        few statements every request runs (who is asking, where): no ORM session to build and
        tear down, no objects to load when three columns answer the question."""
        with self.engine.connect() as conn:
            yield conn

    @contextmanager
    def write(self) -> Iterator[Session]:
        """One unit of work: commits if the block finishes, rolls back on any exception.

        Events emitted inside (`store.events.emit`) are handled at the end: `commit`-phase
        handlers in the same transaction, `after`-phase handlers once it has committed (outside
        the SQLite writer queue, so they may open a unit of work of their own)."""
        uow = UnitOfWork(self.timezone, quiet=self.events.quiet)
        joined = self._joined_tx()
        if joined is not None:  # a savepoint in the one transaction: see `one_transaction`
            with (
                Session(
                    joined.conn, expire_on_commit=False, join_transaction_mode="create_savepoint"
                ) as session,
                session.begin(),
            ):
                before = attach(joined.conn, uow)
                try:
                    yield session
                    if uow.events:
                        self.events.run_commit_phase(session, uow.events)
                finally:
                    detach(joined.conn, before)
            joined.after.extend(uow.events)
            return
        with self._writer_slot(), self._write_sessions() as session, session.begin():
            conn = session.connection()
            attach(conn, uow)
            try:
                yield session
                if uow.events:
                    self.events.run_commit_phase(session, uow.events)
            finally:
                detach(conn)
        if uow.events:
            self.events.run_after_phase(uow.events)

    @contextmanager
    def write_conn(self) -> Iterator[Connection]:
        """A Core connection in a write transaction: the fast path for bulk work and benches.
        Events emitted here are handled like those of `write()`."""
        uow = UnitOfWork(self.timezone, quiet=self.events.quiet)
        joined = self._joined_tx()
        if joined is not None:
            with joined.conn.begin_nested():
                before = attach(joined.conn, uow)
                try:
                    yield joined.conn
                    if uow.events:
                        with (
                            Session(
                                bind=joined.conn, join_transaction_mode="create_savepoint"
                            ) as session,
                            session.begin(),
                        ):
                            self.events.run_commit_phase(session, uow.events)
                finally:
                    detach(joined.conn, before)
            joined.after.extend(uow.events)
            return
        with self._writer_slot(), self._write_engine.begin() as conn:
            attach(conn, uow)
            try:
                yield conn
                if uow.events:
                    with Session(bind=conn) as session:
                        self.events.run_commit_phase(session, uow.events)
                        session.flush()
            finally:
                detach(conn)
        if uow.events:
            self.events.run_after_phase(uow.events)

    @contextmanager
    def one_transaction(self) -> Iterator[Connection]:
        """Everything this thread does through `read()`, `write()` and `write_conn()` inside the
        block is ONE database transaction, committed when the block ends (rolled back on any
        exception): each `write()` becomes a savepoint in it — it still rolls back alone when
        a flow refuses half-way, exactly as its own transaction would — and each `read()` sees
        what the block wrote so far. After-commit event handlers wait for the real commit.

        Why: an API write must record its idempotency key and its answer in the same commit
        as the flow's posting (one fsync instead of three, and no claim to clean up when the
        process dies); the flows keep opening their own units of work, unchanged. SQLite takes
        the write lock for the whole block (`BEGIN IMMEDIATE`), so keep the block to the write
        itself. Not reentrant: a block inside a block is a programming error."""
        if self._joined_tx() is not None:
            raise RuntimeError("one_transaction() does not nest")
        with self._writer_slot(), self._write_engine.connect() as conn, conn.begin():
            joined = _Joined(conn)
            self._joined.tx = joined
            try:
                yield conn
            finally:
                self._joined.tx = None
        if joined.after:
            self.events.run_after_phase(joined.after)

    def _joined_tx(self) -> _Joined | None:
        return getattr(self._joined, "tx", None)

    @contextmanager
    def quiet(self) -> Iterator[None]:
        """No events from units of work on this thread in this block (bulk loads, the demo's
        invented history): the next shortage scan still sees everything."""
        before = self.events.set_quiet(True)
        try:
            yield
        finally:
            self.events.set_quiet(before)

    def writable(self) -> bool | str:
        """True when a write would be accepted now, else why not (for `/readyz` and operators).

        Cheap and side-effect free: SQLite runs a write that matches no row
        (`UPDATE alembic_version … WHERE 0`) and rolls back — it needs the write lock, so it
        waits at most `_PROBE_BUSY_MS` and counts a busy lock as writable (someone is writing);
        PostgreSQL only asks `SHOW transaction_read_only`, which takes no lock at all."""
        try:
            with self.engine.connect() as conn:
                if not self.is_sqlite:
                    if conn.exec_driver_sql("SHOW transaction_read_only").scalar() == "on":
                        return "read-only: PostgreSQL transaction_read_only is on"
                    return True
                conn.exec_driver_sql(f"PRAGMA busy_timeout={_PROBE_BUSY_MS}")
                try:
                    conn.exec_driver_sql(
                        "UPDATE alembic_version SET version_num = version_num WHERE 0"
                    )
                finally:
                    conn.rollback()
                    conn.exec_driver_sql(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
                return True
        except DBAPIError as exc:
            if is_read_only(exc):
                return f"read-only: {exc.orig}"
            if "database is locked" in str(exc.orig):
                return True
            return database_problem(exc)
        except SQLAlchemyError as exc:  # the pool timed out, or similar
            return f"database error: {_first_line(exc)}"

    def _writer_slot(self) -> Any:
        return self._writer_queue if self._writer_queue is not None else nullcontext()

    def dispose(self) -> None:
        self.engine.dispose()


def database_problem(exc: DBAPIError) -> str:
    """A database failure in operator's words: read-only, unreachable, or the driver's line."""
    reason = _first_line(exc.orig)
    lowered = reason.lower()
    if "readonly" in lowered or "read-only" in lowered:
        return f"read-only: {reason}"
    if "unable to open database file" in lowered:
        return f"cannot open the database file: {reason}"
    if exc.connection_invalidated or "connect" in lowered or "server closed" in lowered:
        return f"unreachable: {reason}"
    return reason


def _first_line(exc: object) -> str:
    lines = str(exc).strip().splitlines()
    return lines[0] if lines else type(exc).__name__


def open_database(settings: Settings, url: str | None = None, *, upgrade: bool = True) -> Database:
    """Open the configured database (`url` overrides the settings' own), bringing its schema up
    to date first when asked."""
    url = url or settings.database_url
    if upgrade:
        from stockbot.store.migrate import upgrade as run_upgrade

        run_upgrade(url)
    return Database(
        url,
        synchronous=settings.sqlite_synchronous,
        timezone=settings.timezone,
        pool=settings.pool_options(),
    )


def rowcount(result: Result) -> int:  # bare: Result takes a different arity in SA 2.0 and 2.1
    """Rows an UPDATE/DELETE matched. `Session.execute` is typed as returning `Result`, but a
    DML statement's result is always a `CursorResult`, which has the count."""
    return cast(CursorResult, result).rowcount
