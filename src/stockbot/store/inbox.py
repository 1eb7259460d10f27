"""The inbox guard: every inbound delivery is acted on once, whatever the platform.

Platforms deliver at least once: Slack retries an event it thinks we missed
(``X-Slack-Retry-Num``) and a signed slash-command body can be replayed within its 5-minute
signature window; Telegram re-sends a webhook update until it gets a 200 and re-fetches updates
after a restart. Each adapter names a delivery by the platform's own identity (Slack
``trigger_id`` / event id / ``msg:<channel>:<ts>``, Telegram ``<chat>:<message>`` /
``cb:<query>``, console message id) in ``Inbound.event_id``; the service records it here before
the flows run, so a second delivery changes nothing.

The row is written in the SAME transaction as the flow's work (`record` on the connection of
`Database.one_transaction`, the flows' units of work savepoints in it): one commit, one fsync
per write instead of two. It is still written first, and a flow that refuses or fails inside
(its savepoint rolled back, the runtime's apology as the answer) still commits it, so such a
delivery is not re-run by a retry (at most once), which is what a user who saw "something went
wrong" expects — they send it again, with a new id. Only a process that dies before the commit
leaves no row; nothing of the flow committed either, so the platform's retry runs it once.
Two copies arriving together: SQLite's writers are serial, so the second finds the row;
PostgreSQL's second insert waits on the key for the first transaction, then does nothing.

Rows are only useful while a replay can still arrive, so they are pruned after
``KEEP`` — longer than Slack's 5-minute window and Telegram's 24 h update retention. Pruning
runs from the guard itself at most every ``PRUNE_EVERY`` per process: one indexed DELETE, no
scheduler (and no leader lease) needed.
"""

from __future__ import annotations

import threading
import time
from datetime import datetime, timedelta
from typing import cast

from sqlalchemy import Table, bindparam, delete, insert, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection
from sqlalchemy.exc import IntegrityError

from stockbot.store.db import Database, rowcount
from stockbot.store.models import ProcessedEvent
from stockbot.timeutil import utcnow

__all__ = ["KEEP", "PRUNE_EVERY", "delivered", "first_delivery", "maybe_prune", "prune", "record"]

KEEP = timedelta(hours=48)
"""Longest replay window we honour: Slack 5 min (signature), Telegram 24 h (+ margin)."""
PRUNE_EVERY = 600.0
"""Seconds between prunes in one process."""
MAX_ID = 200
"""The ``processed_events.event_id`` column width."""

_TABLE = cast(Table, ProcessedEvent.__table__)
_RECORD = insert(_TABLE)
"""Built once: every inbound delivery runs it (created_at comes from the column default)."""
_RECORD_ONCE = {
    "sqlite": sqlite.insert(_TABLE).on_conflict_do_nothing().returning(_TABLE.c.platform),
    "postgresql": postgresql.insert(_TABLE).on_conflict_do_nothing().returning(_TABLE.c.platform),
}
"""Inside a transaction that must stay usable after a duplicate (PostgreSQL aborts one on an
IntegrityError): an insert that does nothing on a conflict, told apart by the row it returns
(psycopg reports no row count for it)."""
_lock = threading.Lock()
_last_prune = -PRUNE_EVERY


_DELIVERED = select(_TABLE.c.platform).where(
    _TABLE.c.platform == bindparam("platform"), _TABLE.c.event_id == bindparam("event_id")
)


def delivered(db: Database, platform: str, event_id: str) -> bool:
    """Whether this delivery was recorded already: a read, for an adapter to skip costly work
    (fetching a photo) for a redelivery. Only a hint — the recording itself decides."""
    with db.read_conn() as conn:
        found = conn.execute(_DELIVERED, {"platform": platform, "event_id": event_id[:MAX_ID]})
        return found.first() is not None


def first_delivery(db: Database, platform: str, event_id: str) -> bool:
    """Record one delivery; True the first time, False for a replay or redelivery."""
    try:
        with db.write_conn() as conn:  # a Core insert: no ORM unit of work for one row
            conn.execute(_RECORD, {"platform": platform, "event_id": event_id[:MAX_ID]})
    except IntegrityError:
        return False
    maybe_prune(db)
    return True


def record(conn: Connection, platform: str, event_id: str) -> bool:
    """Record one delivery on *conn*, in the caller's transaction (`Database.one_transaction`):
    True the first time, False for a replay or redelivery. Call `maybe_prune` after the
    commit."""
    stmt = _RECORD_ONCE[conn.dialect.name]
    row = conn.execute(stmt, {"platform": platform, "event_id": event_id[:MAX_ID]}).first()
    return row is not None


def prune(db: Database, now: datetime | None = None, keep: timedelta = KEEP) -> int:
    """Forget deliveries older than *keep* (no replay can carry them any more); how many."""
    with db.write() as s:
        return rowcount(
            s.execute(
                delete(ProcessedEvent).where(ProcessedEvent.created_at < (now or utcnow()) - keep)
            )
        )


def maybe_prune(db: Database) -> None:
    global _last_prune
    with _lock:
        if time.monotonic() - _last_prune < PRUNE_EVERY:
            return
        _last_prune = time.monotonic()
    prune(db)
