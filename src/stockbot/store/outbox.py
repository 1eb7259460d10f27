"""Reading the outbox: what flows decided to say elsewhere, not yet delivered.

Flows write with `flows.common.enqueue` inside their own transaction. Delivery marks a row
`delivered` with a conditional update, so two dispatchers never send the same row twice.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select, update

from stockbot.replies import Reply
from stockbot.store.db import Database, rowcount
from stockbot.store.models import OutboxMessage
from stockbot.timeutil import utcnow


@dataclass(frozen=True, slots=True)
class Outgoing:
    id: int
    platform: str
    target: str
    reply: Reply


def pending(db: Database, platform: str | None = None, limit: int = 100) -> list[Outgoing]:
    with db.read() as s:
        stmt = select(OutboxMessage).where(
            OutboxMessage.state == "pending", OutboxMessage.next_attempt_at <= utcnow()
        )
        if platform is not None:
            stmt = stmt.where(OutboxMessage.platform == platform)
        rows = s.scalars(stmt.order_by(OutboxMessage.id).limit(limit)).all()
        return [Outgoing(r.id, r.platform, r.target, Reply.model_validate(r.payload)) for r in rows]


def mark_delivered(db: Database, message_id: int) -> bool:
    """True for the one caller that marks it; a second marker gets False."""
    with db.write() as s:
        done = rowcount(
            s.execute(
                update(OutboxMessage)
                .where(OutboxMessage.id == message_id, OutboxMessage.state == "pending")
                .values(
                    state="delivered", delivered_at=utcnow(), attempts=OutboxMessage.attempts + 1
                )
            )
        )
    return done == 1


def deliver_console(db: Database) -> list[Outgoing]:
    """The console "platform": everything for console users is shown in the one terminal."""
    out = []
    for msg in pending(db, "console"):
        if mark_delivered(db, msg.id):
            out.append(msg)
    return out
