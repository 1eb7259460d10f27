"""PostgreSQL's pooled connections are pinged before use only after they idled (issues 13 and
15: `pool_pre_ping` cost every request one round trip more); one the server dropped while it
idled is replaced before anyone sees it, one dropped while busy fails one request only."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import create_engine
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DBAPIError

from stockbot.store import idle_ping
from stockbot.store.db import Database, PoolOptions, make_engine


@pytest.fixture
def pg(db: Database) -> Iterator[tuple[Engine, idle_ping.IdlePing]]:
    if db.is_sqlite:
        pytest.skip("SQLite has no server to drop a connection")
    engine = make_engine(db.url, pool=PoolOptions(size=1, max_overflow=0))
    ping = idle_ping.of(engine)
    assert ping is not None
    yield engine, ping
    engine.dispose()


def backend(engine: Engine) -> int:
    with engine.connect() as conn:
        return int(conn.exec_driver_sql("SELECT pg_backend_pid()").scalar_one())


def drop(db: Database, pid: int) -> None:
    """What a server restart or a firewall does to one connection."""
    killer = create_engine(db.url, isolation_level="AUTOCOMMIT")
    with killer.connect() as other:
        assert other.exec_driver_sql(f"SELECT pg_terminate_backend({pid})").scalar_one()
    killer.dispose()


def test_a_connection_used_moments_ago_is_handed_out_without_a_ping(pg):
    engine, ping = pg
    ping.idle_s = 60
    pids = {backend(engine) for _ in range(5)}
    assert len(pids) == 1  # the same connection each time
    assert ping.pings == 0


def test_a_connection_dropped_while_it_idled_is_pinged_and_replaced_unseen(db, pg):
    engine, ping = pg
    first = backend(engine)
    drop(db, first)
    ping.idle_s = 0  # every connection counts as idle now: no sleeping for it
    assert backend(engine) != first  # answered, on a new connection
    assert (ping.pings, ping.replaced) == (1, 1)


def test_a_connection_dropped_while_busy_fails_one_request_and_the_pool_recovers(db, pg):
    """The trade for the round trip: no ping within `idle_s`, so the request that meets the
    dropped connection fails (users see `runtime.try_again`); the next one works."""
    engine, ping = pg
    ping.idle_s = 60
    first = backend(engine)
    drop(db, first)
    with pytest.raises(DBAPIError) as failed:
        backend(engine)
    assert failed.value.connection_invalidated
    assert backend(engine) != first
    assert ping.pings == 0
