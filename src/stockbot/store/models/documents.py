"""Workflow documents: action tokens, decisions, requests, receipts, counts, conversations."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    JSON,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from stockbot.store.models.base import Base, BigId, ts
from stockbot.store.types import Qty

# --- workflow documents (issue 3) ---------------------------------------------------------------


class ActionToken(Base):
    """What a button means. Buttons carry only `a:<token>` (≤ 64 bytes, Telegram's limit);
    the document, the action and any pre-filled values live here, so a button can neither be
    forged into another action nor outgrow the platform's limit."""

    __tablename__ = "action_tokens"
    token: Mapped[str] = mapped_column(String(32), primary_key=True)
    doc_type: Mapped[str] = mapped_column(String(30))
    doc_id: Mapped[int] = mapped_column(BigId)
    action: Mapped[str] = mapped_column(String(30))
    payload: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = ts()


class Decision(Base):
    """The audit trail of workflow decisions: who approved/rejected/issued what, when, where."""

    __tablename__ = "decisions"
    __table_args__ = (Index("ix_decisions_doc", "doc_type", "doc_id"),)
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    doc_type: Mapped[str] = mapped_column(String(30))
    doc_id: Mapped[int] = mapped_column(BigId)
    action: Mapped[str] = mapped_column(String(30))
    level: Mapped[int] = mapped_column(Integer, default=1)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    qty: Mapped[Decimal | None] = mapped_column(Qty)
    reason: Mapped[str | None] = mapped_column(Text)
    chat_platform: Mapped[str | None] = mapped_column(String(20))
    chat_id: Mapped[str | None] = mapped_column(String(100))
    message_id: Mapped[str | None] = mapped_column(String(100))
    created_at: Mapped[datetime] = ts()


class _Origin:
    """Where a document was raised: the chat message it came from (each table indexes
    `message_id`, `ix_<table>_origin`: the API finds what a call made by it)."""

    chat_platform: Mapped[str | None] = mapped_column(String(20))
    chat_id: Mapped[str | None] = mapped_column(String(100))
    message_id: Mapped[str | None] = mapped_column(String(100))


class MaterialRequest(_Origin, Base):
    """领料申请: pending_approval → approved (reserved) → issued → received; or rejected,
    cancelled. Partial issues keep it `approved` with `qty_issued` < `qty`."""

    __tablename__ = "material_requests"
    __table_args__ = (
        Index("ix_material_requests_state", "state"),
        Index("ix_material_requests_origin", "message_id"),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    requester_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    item_id: Mapped[int] = mapped_column(ForeignKey("items.id"))
    warehouse_id: Mapped[int] = mapped_column(ForeignKey("warehouses.id"))
    qty: Mapped[Decimal] = mapped_column(Qty)
    qty_issued: Mapped[Decimal] = mapped_column(Qty, default=Decimal(0))
    work_order: Mapped[str | None] = mapped_column(String(64))
    note: Mapped[str | None] = mapped_column(Text)
    amount: Mapped[Decimal] = mapped_column(Qty, default=Decimal(0))
    state: Mapped[str] = mapped_column(String(20))
    created_at: Mapped[datetime] = ts()
    updated_at: Mapped[datetime] = ts()
    issued_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class ShortageIncident(_Origin, Base):
    """A request that met too little stock: the record a planner reviews later."""

    __tablename__ = "shortage_incidents"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("items.id"), index=True)
    warehouse_id: Mapped[int] = mapped_column(ForeignKey("warehouses.id"))
    qty_requested: Mapped[Decimal] = mapped_column(Qty)
    qty_available: Mapped[Decimal] = mapped_column(Qty)
    requester_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    work_order: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = ts()
    state: Mapped[str] = mapped_column(
        String(20), default="open", server_default="open", index=True
    )
    """open until the stock is there again (`closed_how`: stock_back, cancelled)."""
    purchase_request_id: Mapped[int | None] = mapped_column(ForeignKey("purchase_requests.id"))
    """The purchase raised from the shortage card, which should resolve it."""
    closed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    closed_how: Mapped[str | None] = mapped_column(String(30))


class GoodsReceipt(_Origin, Base):
    """入库: qc_pending → accepted / partially accepted / rejected, or posted directly."""

    __tablename__ = "goods_receipts"
    __table_args__ = (
        Index("ix_goods_receipts_state", "state"),
        Index("ix_goods_receipts_origin", "message_id"),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("items.id"))
    warehouse_id: Mapped[int] = mapped_column(ForeignKey("warehouses.id"))
    location_id: Mapped[int] = mapped_column(ForeignKey("locations.id"))
    po_line_id: Mapped[int | None] = mapped_column(ForeignKey("purchase_order_lines.id"))
    lot: Mapped[str | None] = mapped_column(String(64))
    expiry: Mapped[date | None] = mapped_column(Date)
    qty: Mapped[Decimal] = mapped_column(Qty)
    qty_accepted: Mapped[Decimal] = mapped_column(Qty, default=Decimal(0))
    qty_rejected: Mapped[Decimal] = mapped_column(Qty, default=Decimal(0))
    reject_reason: Mapped[str | None] = mapped_column(Text)
    state: Mapped[str] = mapped_column(String(20))
    received_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = ts()
    updated_at: Mapped[datetime] = ts()


class CountSession(_Origin, Base):
    """盘点: counting → submitted → approved (adjusted) / rejected. Finalised once."""

    __tablename__ = "count_sessions"
    __table_args__ = (Index("ix_count_sessions_origin", "message_id"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    scope: Mapped[str] = mapped_column(String(200))
    warehouse_id: Mapped[int | None] = mapped_column(ForeignKey("warehouses.id"))
    state: Mapped[str] = mapped_column(String(20))
    opened_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = ts()
    updated_at: Mapped[datetime] = ts()


class CountLine(Base):
    """One (item, location, batch) to count. `book_qty` is the snapshot at opening, never
    shown to counters (blind count)."""

    __tablename__ = "count_lines"
    __table_args__ = (UniqueConstraint("session_id", "line_no"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("count_sessions.id"), index=True)
    line_no: Mapped[int] = mapped_column(Integer)
    item_id: Mapped[int] = mapped_column(ForeignKey("items.id"))
    location_id: Mapped[int] = mapped_column(ForeignKey("locations.id"))
    batch_id: Mapped[int | None] = mapped_column(ForeignKey("batches.id"))
    book_qty: Mapped[Decimal] = mapped_column(Qty)
    counted_qty: Mapped[Decimal | None] = mapped_column(Qty)
    counted_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    counted_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class Conversation(Base):
    """What a user's next bare answer in a chat means (e.g. the count line being asked), so a
    conversation survives a restart like every other state."""

    __tablename__ = "conversations"
    platform: Mapped[str] = mapped_column(String(20), primary_key=True)
    chat_id: Mapped[str] = mapped_column(String(100), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True)
    kind: Mapped[str] = mapped_column(String(30))
    doc_id: Mapped[int] = mapped_column(BigId)
    payload: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    updated_at: Mapped[datetime] = ts()
