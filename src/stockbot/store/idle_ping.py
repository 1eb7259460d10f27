"""Ping a pooled PostgreSQL connection before use only when it has been idle a while.

SQLAlchemy's `pool_pre_ping` pings on every checkout: one round trip more for every request —
a lookup is 14 statements, so about 7 % of its database time under load (issue 13, 15), for a
connection that answered milliseconds ago. Here a connection idle for `idle_s` or longer (the
server restarted overnight, a firewall forgot the socket) is pinged as before and replaced when
it does not answer; one just checked in is handed out as it is.

A connection the server drops while the service is busy fails its next statement instead:
SQLAlchemy then recycles every pooled connection older than that failure, so that one request
is answered "try again in a moment" (`runtime.try_again`) and the next gets a fresh connection.
`pool_use_lifo` keeps the busy connections the recently used ones, so an idle spare is the one
that gets pinged."""

from __future__ import annotations

import time
import weakref
from dataclasses import dataclass
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import Dialect, Engine
from sqlalchemy.exc import DisconnectionError

IDLE_S = 2.0
"""Seconds idle after which a connection is pinged before use."""
_SINCE = "stockbot_idle_since"


@dataclass
class IdlePing:
    """The checkin/checkout listeners of one engine, and what they did (for tests and ops)."""

    dialect: Dialect
    idle_s: float = IDLE_S
    pings: int = 0
    replaced: int = 0

    def _checkin(self, _dbapi_conn: Any, record: Any) -> None:
        if record is not None:
            record.info[_SINCE] = time.monotonic()

    def _checkout(self, dbapi_conn: Any, record: Any, _proxy: Any) -> None:
        since = record.info.get(_SINCE)  # none: a connection made just now
        if since is None or time.monotonic() - since < self.idle_s:
            return
        self.pings += 1
        try:
            self.dialect.do_ping(dbapi_conn)
        except Exception as exc:  # dead, or not answering as it should: a fresh one
            self.replaced += 1
            raise DisconnectionError(f"idle connection did not answer a ping: {exc}") from exc


_PINGS: weakref.WeakKeyDictionary[Engine, IdlePing] = weakref.WeakKeyDictionary()


def ping_when_idle(engine: Engine, idle_s: float = IDLE_S) -> IdlePing:
    """Install the listeners on *engine* (created without `pool_pre_ping`)."""
    ping = IdlePing(engine.dialect, idle_s)
    event.listen(engine, "checkin", ping._checkin)
    event.listen(engine, "checkout", ping._checkout)
    _PINGS[engine] = ping
    return ping


def of(engine: Engine) -> IdlePing | None:
    """The listeners `ping_when_idle` installed on *engine*, if any."""
    return _PINGS.get(engine)
