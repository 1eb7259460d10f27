"""The ledger: postings, their append-only movements, balances and per-day totals."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import (
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from stockbot.store.models.base import Base, BigId, ts
from stockbot.store.types import Qty

# --- the ledger ---------------------------------------------------------------------------------


class Posting(Base):
    """One atomic business event (a receipt, an issue…): the audit header of its movements.

    `idempotency_key` is unique: posting the same key twice is answered with the first result.
    """

    __tablename__ = "postings"
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    idempotency_key: Mapped[str] = mapped_column(String(200), unique=True)
    kind: Mapped[str] = mapped_column(String(20))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = ts()
    doc_type: Mapped[str | None] = mapped_column(String(30))
    doc_id: Mapped[str | None] = mapped_column(String(64))
    chat_platform: Mapped[str | None] = mapped_column(String(20))
    chat_id: Mapped[str | None] = mapped_column(String(100))
    message_id: Mapped[str | None] = mapped_column(String(100))
    note: Mapped[str | None] = mapped_column(Text)
    __table_args__ = (Index("ix_postings_doc", "doc_type", "doc_id"),)


class Movement(Base):
    """One append-only ledger line. Never updated, never deleted."""

    __tablename__ = "movements"
    __table_args__ = (
        UniqueConstraint("posting_id", "line_no"),
        Index("ix_movements_item_id_id", "item_id", "id"),
    )
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    posting_id: Mapped[int] = mapped_column(ForeignKey("postings.id"))
    line_no: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(20))
    item_id: Mapped[int] = mapped_column(ForeignKey("items.id"))
    warehouse_id: Mapped[int] = mapped_column(ForeignKey("warehouses.id"))
    location_id: Mapped[int] = mapped_column(ForeignKey("locations.id"))
    batch_id: Mapped[int | None] = mapped_column(ForeignKey("batches.id"))
    qty: Mapped[Decimal] = mapped_column(Qty)
    unit_cost: Mapped[Decimal | None] = mapped_column(Qty)
    reverses_movement_id: Mapped[int | None] = mapped_column(ForeignKey("movements.id"))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = ts()


class Balance(Base):
    """On-hand quantity per (item, location, batch): a cache of the ledger, kept in step."""

    __tablename__ = "balances"
    __table_args__ = (
        Index(
            "uq_balances_item_loc_batch",
            "item_id",
            "location_id",
            "batch_id",
            unique=True,
            sqlite_where=text("batch_id IS NOT NULL"),
            postgresql_where=text("batch_id IS NOT NULL"),
        ),
        Index("ix_balances_item_id", "item_id"),
        Index(
            "uq_balances_item_loc_nobatch",
            "item_id",
            "location_id",
            unique=True,
            sqlite_where=text("batch_id IS NULL"),
            postgresql_where=text("batch_id IS NULL"),
        ),
    )
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("items.id"))
    warehouse_id: Mapped[int] = mapped_column(ForeignKey("warehouses.id"), index=True)
    location_id: Mapped[int] = mapped_column(ForeignKey("locations.id"))
    batch_id: Mapped[int | None] = mapped_column(ForeignKey("batches.id"))
    qty: Mapped[Decimal] = mapped_column(Qty, default=Decimal(0))
    updated_at: Mapped[datetime] = ts()


class ItemDaily(Base):
    """Per item and UTC day: gross in, gross out (transfers excluded) and net consumption."""

    __tablename__ = "item_daily"
    item_id: Mapped[int] = mapped_column(ForeignKey("items.id"), primary_key=True)
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    qty_in: Mapped[Decimal] = mapped_column(Qty, default=Decimal(0))
    qty_out: Mapped[Decimal] = mapped_column(Qty, default=Decimal(0))
    consumed: Mapped[Decimal] = mapped_column(Qty, default=Decimal(0))
    # covering: range reads by day never fetch a table row (migration 0012)
    __table_args__ = (
        Index("ix_item_daily_day", "day", "item_id", "qty_in", "qty_out", "consumed"),
    )


class ItemMonthly(Base):
    """Per item and calendar month (`month` is its first day): the sums of that month's
    `item_daily` rows, kept by the database — a trigger on `item_daily` (migration 0017) adds
    every change of a day to its month in the same statement, and refuses a month beyond
    ±MAX_QTY. A report over 90 days reads three of these per item and the few days at the edges
    instead of ninety daily rows (`reports.rollup`)."""

    __tablename__ = "item_monthly"
    item_id: Mapped[int] = mapped_column(ForeignKey("items.id"), primary_key=True)
    month: Mapped[date] = mapped_column(Date, primary_key=True)
    qty_in: Mapped[Decimal] = mapped_column(Qty, default=Decimal(0))
    qty_out: Mapped[Decimal] = mapped_column(Qty, default=Decimal(0))
    consumed: Mapped[Decimal] = mapped_column(Qty, default=Decimal(0))
    __table_args__ = (
        Index("ix_item_monthly_month", "month", "item_id", "qty_in", "qty_out", "consumed"),
    )
