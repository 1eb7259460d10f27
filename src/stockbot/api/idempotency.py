"""`Idempotency-Key`: the first answer to a write is kept and given again to every repeat.

The key, the request's hash and the answer are written in the SAME transaction as the flow's
work (`Database.one_transaction`): one commit per write, and a process that dies half-way
leaves nothing behind — the caller's retry simply runs it. The row is inserted (`reserve`)
before the flow runs, so the unique (key_id, idempotency_key) index decides between two
concurrent calls with the same key: on PostgreSQL the second insert waits for the first
transaction and then fails on the constraint, after which the first's answer is committed and
read; on SQLite writers are serial, so the second finds the row. Either way the flow runs once
and both callers get the same answer. Refusals (409/422) are answers too, kept like successes.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Any

from sqlalchemy import delete, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from stockbot.store.db import Database
from stockbot.store.models import ApiCall


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


def _row(s: Session, key_id: int, idem: str) -> ApiCall | None:
    return s.scalar(
        select(ApiCall).where(ApiCall.key_id == key_id, ApiCall.idempotency_key == idem)
    )


def _seen(row: ApiCall, operation: str, digest: str) -> Seen:
    same = row.request_hash == digest and row.operation == operation
    return Seen(row.status, row.response, same)


def reserve(db: Database, key_id: int, idem: str, operation: str, digest: str) -> Seen | None:
    """Inside `db.one_transaction()`: None when this call is the first with the key (its row
    is written, to be `finish`ed in the same transaction), else what the first call answered.

    A row with status 0 is a claim left by a version that committed claims separately and
    died before finishing: it proves nothing was answered, so it is taken over."""
    try:
        with db.write() as s:
            row = _row(s, key_id, idem)
            if row is not None and row.status != 0:
                return _seen(row, operation, digest)
            if row is not None:
                s.execute(delete(ApiCall).where(ApiCall.id == row.id))
            s.add(
                ApiCall(
                    key_id=key_id,
                    idempotency_key=idem,
                    operation=operation,
                    request_hash=digest,
                    status=0,
                )
            )
        return None
    except IntegrityError:
        pass  # a concurrent call with this key committed first (we waited for it): read it
    with db.read() as s:
        row = _row(s, key_id, idem)
        assert row is not None and row.status != 0, "the unique index said it was there"
        return _seen(row, operation, digest)


def finish(db: Database, key_id: int, idem: str, status: int, response: dict[str, Any]) -> None:
    """The answer, in the transaction `reserve` wrote the row in."""
    with db.write() as s:
        s.execute(
            update(ApiCall)
            .where(ApiCall.key_id == key_id, ApiCall.idempotency_key == idem)
            .values(status=status, response=response)
        )
