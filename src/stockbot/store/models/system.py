"""Delivery, coordination and scheduling: outbox, leases, processed events, alerts, jobs."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    Unicode,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from stockbot.store.models.base import Base, BigId, ts

# --- delivery and coordination ------------------------------------------------------------------


class OutboxMessage(Base):
    """What a flow decided to say elsewhere, written in the flow's transaction; the dispatcher
    delivers it and marks it, so a crash after commit loses nothing and sends nothing twice."""

    __tablename__ = "outbox"
    __table_args__ = (Index("ix_outbox_state_next", "state", "next_attempt_at"),)
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    created_at: Mapped[datetime] = ts()
    platform: Mapped[str] = mapped_column(String(20))
    target: Mapped[str] = mapped_column(String(100))
    """Platform chat id, or `user:<platform user id>` for a direct message."""
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)
    dedupe_key: Mapped[str | None] = mapped_column(String(200), unique=True)
    state: Mapped[str] = mapped_column(String(20), default="pending")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = ts()
    delivered_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    last_error: Mapped[str | None] = mapped_column(Text)
    platform_message_id: Mapped[str | None] = mapped_column(String(200))
    """What the platform called the delivered post (Slack `ts`, Telegram message id), when known."""


class Lease(Base):
    """A named lease in the database: whoever holds `scheduler` runs the jobs."""

    __tablename__ = "leases"
    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    holder: Mapped[str] = mapped_column(String(200))
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class ProcessedEvent(Base):
    """Inbound platform events already handled, so a redelivery is recognised and ignored."""

    __tablename__ = "processed_events"
    platform: Mapped[str] = mapped_column(String(20), primary_key=True)
    event_id: Mapped[str] = mapped_column(String(200), primary_key=True)
    created_at: Mapped[datetime] = ts()


# --- proactive: alerts, notices sent once, the scheduler's job store (issue 5) ----------------


class Alert(Base):
    """A warning stockbot raised on its own (缺料预警): open → snoozed / acknowledged → closed.

    Reasons: `stockout`, `below_safety`, `below_reorder`, `cover` (days of cover < lead time),
    `expiring` (a batch; `ref` = batch id), `overdue_po` (`ref` = purchase order line id).
    At most one alert per (item, reason, ref) is not closed: the code path inserts with
    ON CONFLICT DO NOTHING against the partial unique index, so two postings racing to open the
    same alert open it once. `detail` keeps the numbers the alert was raised with."""

    __tablename__ = "alerts"
    __table_args__ = (
        Index(
            "uq_alerts_active",
            "item_id",
            "reason",
            "ref",
            unique=True,
            sqlite_where=text("closed_at IS NULL"),
            postgresql_where=text("closed_at IS NULL"),
        ),
        Index("ix_alerts_state", "state"),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("items.id"))
    reason: Mapped[str] = mapped_column(String(20))
    ref: Mapped[str] = mapped_column(String(64), default="")
    warehouse_id: Mapped[int | None] = mapped_column(ForeignKey("warehouses.id"))
    state: Mapped[str] = mapped_column(String(20), default="open")
    detail: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    opened_at: Mapped[datetime] = ts()
    updated_at: Mapped[datetime] = ts()
    notified_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    snoozed_until: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    snoozed_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    acknowledged_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    acknowledged_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    closed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    close_note: Mapped[str | None] = mapped_column(Text)


class SentNotice(Base):
    """A proactive message that goes out once per key: a reminder stage, a chat's summary for a
    day, a week's stale-stock report. Inserting the key is the claim (ON CONFLICT DO NOTHING)."""

    __tablename__ = "sent_notices"
    key: Mapped[str] = mapped_column(String(200), primary_key=True)
    created_at: Mapped[datetime] = ts()


class ConsoleButton(Base):
    """A console chat's button numbers (`[3] Approve`): kept here, not in the process, so a
    button shown yesterday is pressed by the same number after a restart. The number stands for
    an action id; what the action does is the action token's, as on every platform."""

    __tablename__ = "console_buttons"
    __table_args__ = (
        UniqueConstraint("chat_id", "action_id", name="uq_console_buttons_chat_action"),
    )
    chat_id: Mapped[str] = mapped_column(String(200), primary_key=True)
    number: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    action_id: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = ts()


class SchedulerJob(Base):
    """APScheduler's SQLAlchemyJobStore table (`tablename="scheduler_jobs"`), declared here so it
    is migrated like every other table; the job store only creates it when it is missing."""

    __tablename__ = "scheduler_jobs"
    id: Mapped[str] = mapped_column(Unicode(191), primary_key=True)
    next_run_time: Mapped[float | None] = mapped_column(Float(25), index=True)
    job_state: Mapped[bytes] = mapped_column(LargeBinary)


class BoardLink(Base):
    """A signed link to the live board (`/board` in chat): who it was made for and until when.
    The link carries the id and an HMAC of it; this row is what makes it revocable — a link
    whose row is revoked or expired opens nothing, however good its signature."""

    __tablename__ = "board_links"
    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    created_at: Mapped[datetime] = ts()
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
