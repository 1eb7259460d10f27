"""Reading the outbox: what flows decided to say elsewhere, not yet delivered.

Flows write inside their own transaction (`flows.routing.enqueue`); a row's payload is a
notice (message keys and parameters) that the deliverer renders for its reader
(`flows.notices.render_for`). Delivery marks a row
`delivered` with a conditional update, so two dispatchers never send the same row twice.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select, update

from stockbot.store.db import Database, rowcount
from stockbot.store.models import OutboxMessage
from stockbot.timeutil import utcnow


@dataclass(frozen=True, slots=True)
class Outgoing:
    id: int
    platform: str
    target: str
    payload: dict[str, Any]


def pending(
    db: Database, platform: str | None = None, limit: int = 100, targets: Sequence[str] = ()
) -> list[Outgoing]:
    with db.read() as s:
        stmt = select(OutboxMessage).where(
            OutboxMessage.state == "pending", OutboxMessage.next_attempt_at <= utcnow()
        )
        if platform is not None:
            stmt = stmt.where(OutboxMessage.platform == platform)
        if targets:
            stmt = stmt.where(OutboxMessage.target.in_(targets))
        rows = s.scalars(stmt.order_by(OutboxMessage.id).limit(limit)).all()
        return [Outgoing(r.id, r.platform, r.target, dict(r.payload)) for r in rows]


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


def deliver_console(db: Database, targets: Sequence[str] = ()) -> list[Outgoing]:
    """The console "platform": what waits for `targets` (a user, `user:<name>`, and the chat
    they type in), or for everyone when none are named; marked delivered as it is taken."""
    out = []
    for msg in pending(db, "console", targets=targets):
        if mark_delivered(db, msg.id):
            out.append(msg)
    return out
