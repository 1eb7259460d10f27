"""`Idempotency-Key`: the first answer to a write is kept and given again to every repeat.

The key is claimed (a row, status 0) in its own transaction *before* the flow runs, so two
concurrent repeats cannot both run it: the second sees the claim and is told to ask again.
A claim whose process died before finishing lapses after `STALE` and may run again — the
flows' own idempotency keys (derived from the same key) keep their postings single.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sqlalchemy import delete, select, update
from sqlalchemy.exc import IntegrityError

from stockbot.store.db import Database
from stockbot.store.models import ApiCall
from stockbot.timeutil import as_utc, utcnow

STALE = timedelta(seconds=60)


@dataclass(frozen=True, slots=True)
class Seen:
    """A key used before: its answer, or status 0 while the first call still runs; `same` is
    False when the repeat's body differs from the first's."""

    status: int
    response: dict[str, Any] | None
    same: bool


def request_hash(operation: str, data: dict[str, Any]) -> str:
    raw = json.dumps([operation, data], sort_keys=True, default=str, ensure_ascii=False)
    return hashlib.sha256(raw.encode()).hexdigest()


def claim(db: Database, key_id: int, idem: str, operation: str, digest: str) -> Seen | None:
    """None: this call owns the key and must `finish` (or `release`) it."""
    for _ in range(2):
        with db.read() as s:
            row = s.scalar(
                select(ApiCall).where(ApiCall.key_id == key_id, ApiCall.idempotency_key == idem)
            )
        if row is not None:
            stale = row.status == 0 and as_utc(row.created_at) < utcnow() - STALE
            if not stale:
                same = row.request_hash == digest and row.operation == operation
                return Seen(row.status, row.response, same)
            release(db, row.id)
        try:
            with db.write() as s:
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
        except IntegrityError:  # a concurrent repeat claimed it first: report that one
            continue
    return Seen(0, None, True)


def finish(db: Database, key_id: int, idem: str, status: int, response: dict[str, Any]) -> None:
    with db.write() as s:
        s.execute(
            update(ApiCall)
            .where(ApiCall.key_id == key_id, ApiCall.idempotency_key == idem)
            .values(status=status, response=response)
        )


def release(db: Database, call_id: int | None = None, key_id: int = 0, idem: str = "") -> None:
    """Forget a claim whose call failed unexpectedly, so the caller's retry runs it."""
    with db.write() as s:
        if call_id is not None:
            s.execute(delete(ApiCall).where(ApiCall.id == call_id))
        else:
            s.execute(
                delete(ApiCall).where(
                    ApiCall.key_id == key_id, ApiCall.idempotency_key == idem, ApiCall.status == 0
                )
            )
