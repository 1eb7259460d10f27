"""`Idempotency-Key`: the first answer to a write is kept and given again to every repeat.

The key, the request's hash and the answer are written in the SAME transaction as the flow's
work (`Database.one_transaction`): one commit per write, and a process that dies half-way
leaves nothing behind — the caller's retry simply runs it. The row is inserted (`reserve`)
before the flow runs, so the unique (key_id, idempotency_key) index decides between two
concurrent calls with the same key: on PostgreSQL the second insert waits for the first
transaction, then does nothing (`ON CONFLICT DO NOTHING`) and reads the committed answer; on
SQLite writers are serial, so the second finds the row. Either way the flow runs once and both
callers get the same answer. Refusals (409/422) are answers too, kept like successes.

The stored answer is read only when the insert conflicted: a new key (nearly every call) costs
the one insert, no read before it. A repeat therefore takes the write lock for a moment (on
SQLite, it queues behind the writers) — repeats are rare (a retry after a timeout), and the
earlier read-first design cost every new key two statements and a transaction of its own.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Any

from sqlalchemy import bindparam, delete, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection

from stockbot.store.models import ApiCall
from stockbot.timeutil import utcnow


@dataclass(frozen=True, slots=True)
class Seen:
    """A key used before: its answer; `same` is False when the repeat's body (or operation)
    differs from the first's."""

    status: int
    response: dict[str, Any] | None
    same: bool


def request_hash(operation: str, data: dict[str, Any]) -> str:
    raw = json.dumps([operation, data], sort_keys=True, default=str, ensure_ascii=False)
    return hashlib.sha256(raw.encode()).hexdigest()


def _row(conn: Connection, key_id: int, idem: str) -> Any:
    return conn.execute(
        select(
            ApiCall.id, ApiCall.operation, ApiCall.request_hash, ApiCall.status, ApiCall.response
        ).where(ApiCall.key_id == key_id, ApiCall.idempotency_key == idem)
    ).first()


def _seen(row: Any, operation: str, digest: str) -> Seen:
    same = (row.operation, row.request_hash) == (operation, digest)
    return Seen(row.status, row.response, same)


def reserve(conn: Connection, key_id: int, idem: str, operation: str, digest: str) -> Seen | None:
    """On the connection of `Database.one_transaction()`: None when this call is the first
    with the key (its row is written, to be `finish`ed in the same transaction), else what
    the first call answered. One statement in the usual case: an insert that does nothing on
    a conflict (waiting, on PostgreSQL, for a concurrent first call to commit).

    A row with status 0 is a claim left by a version that committed claims separately and
    died before finishing: it proves nothing was answered, so it is taken over."""
    ins = sqlite.insert if conn.dialect.name == "sqlite" else postgresql.insert
    stmt = (
        ins(ApiCall)
        .values(
            key_id=key_id,
            idempotency_key=idem,
            operation=operation,
            request_hash=digest,
            status=0,
            created_at=utcnow(),
        )
        .on_conflict_do_nothing(index_elements=["key_id", "idempotency_key"])
        .returning(ApiCall.id)
    )
    for _ in range(2):
        if conn.execute(stmt).first() is not None:
            return None
        row = _row(conn, key_id, idem)
        if row.status != 0:
            return _seen(row, operation, digest)
        conn.execute(delete(ApiCall).where(ApiCall.id == row.id))
    raise AssertionError("unreachable: the claim was deleted in this transaction")


_FINISH = (
    update(ApiCall)
    .where(ApiCall.key_id == bindparam("k"), ApiCall.idempotency_key == bindparam("i"))
    .values(status=bindparam("status"), response=bindparam("response"))
)


def finish(conn: Connection, key_id: int, idem: str, status: int, response: dict[str, Any]) -> None:
    """The answer, in the transaction `reserve` wrote the row in."""
    conn.execute(_FINISH, {"k": key_id, "i": idem, "status": status, "response": response})
