"""Reading the outbox: what flows decided to say elsewhere, not yet delivered.

Flows write inside their own transaction (`flows.routing.enqueue`); a row's payload is a
notice (message keys and parameters) that the deliverer renders for its reader
(`flows.notices.render_for`). Delivery marks a row
`delivered` with a conditional update, so two dispatchers never send the same row twice.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Sequence
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func, select, update

from stockbot.store.db import Database, rowcount
from stockbot.store.models import OutboxMessage
from stockbot.timeutil import as_utc, utcnow


@dataclass(slots=True)
class Delivery:
    """The outbox row an adapter's `send` is delivering right now (see `SENDING`).

    The adapter seam (`Adapter.send(target, reply)`) carries no outbox id; the dispatcher sets
    this around each send so an adapter can tag what it posts with the row (Slack `metadata`)
    and report the platform's ids of the posts back (`posted`), without a wider seam."""

    outbox_id: int
    attempts: int
    posted: list[str] = field(default_factory=list)


SENDING: ContextVar[Delivery | None] = ContextVar("stockbot_outbox_sending", default=None)


class RecentlySent:
    """Outbox ids this process saw delivered in the last few thousand sends.

    A send whose `delivered` mark then failed (database hiccup) leaves the row to be claimed
    again; this process remembers it and marks it without sending. A *crashed* process
    remembers nothing: that case is the at-least-once window, bounded by the claim time."""

    def __init__(self, keep: int = 5000) -> None:
        self.keep = keep
        self._ids: OrderedDict[int, str | None] = OrderedDict()

    def add(self, outbox_id: int, platform_id: str | None) -> None:
        self._ids[outbox_id] = platform_id
        self._ids.move_to_end(outbox_id)
        while len(self._ids) > self.keep:
            self._ids.popitem(last=False)

    def __contains__(self, outbox_id: int) -> bool:
        return outbox_id in self._ids

    def get(self, outbox_id: int) -> str | None:
        return self._ids.get(outbox_id)

    def forget(self, outbox_id: int) -> None:
        self._ids.pop(outbox_id, None)


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


@dataclass(frozen=True, slots=True)
class Backlog:
    """One platform's undelivered messages: waiting (pending or being sent), how old the
    oldest is, and how many were parked as failed (they need an operator)."""

    platform: str
    waiting: int
    oldest_age_seconds: float
    parked: int


def backlog(db: Database) -> list[Backlog]:
    """Per platform, for readiness and metrics: one grouped query over the outbox."""
    waiting_states = ("pending", "sending")
    with db.read() as s:
        rows = s.execute(
            select(
                OutboxMessage.platform,
                OutboxMessage.state,
                func.count(),
                func.min(OutboxMessage.created_at),
            )
            .where(OutboxMessage.state.in_((*waiting_states, "failed")))
            .group_by(OutboxMessage.platform, OutboxMessage.state)
        ).all()
    now = utcnow()
    out: dict[str, Backlog] = {}
    for platform, state, count, oldest in rows:
        was = out.get(platform, Backlog(platform, 0, 0.0, 0))
        if state in waiting_states:
            age = max(0.0, (now - as_utc(oldest)).total_seconds()) if oldest else 0.0
            out[platform] = Backlog(
                platform, was.waiting + count, max(age, was.oldest_age_seconds), was.parked
            )
        else:
            out[platform] = Backlog(platform, was.waiting, was.oldest_age_seconds, count)
    return sorted(out.values(), key=lambda b: b.platform)
