"""Demand and supply that are not yet stock: reservations, purchase requests and orders."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import (
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
)
from sqlalchemy.orm import Mapped, mapped_column

from stockbot.store.models.base import Base, BigId, ts
from stockbot.store.types import Qty

# --- demand and supply that are not yet stock -----------------------------------------------


class Reservation(Base):
    """A hard reservation: approved requests and released work orders not yet issued."""

    __tablename__ = "reservations"
    __table_args__ = (Index("ix_reservations_item_state", "item_id", "state"),)
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("items.id"))
    warehouse_id: Mapped[int] = mapped_column(ForeignKey("warehouses.id"))
    qty: Mapped[Decimal] = mapped_column(Qty)
    doc_type: Mapped[str] = mapped_column(String(30))
    doc_id: Mapped[str] = mapped_column(String(64))
    state: Mapped[str] = mapped_column(String(20), default="open")
    created_at: Mapped[datetime] = ts()
    closed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class PurchaseRequest(Base):
    """采购申请: pending → (approved level 1 →) approved → ordered; or rejected.

    What is bought is its lines (`PurchaseRequestLine`, one or more, one supplier for all);
    `amount` is their total, kept here because the approval limits read it."""

    __tablename__ = "purchase_requests"
    __table_args__ = (
        Index("ix_purchase_requests_state", "state"),
        Index("ix_purchase_requests_origin", "message_id"),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    number: Mapped[str] = mapped_column(String(32), unique=True)
    supplier_id: Mapped[int | None] = mapped_column(ForeignKey("suppliers.id"))
    amount: Mapped[Decimal] = mapped_column(Qty, default=Decimal(0))
    state: Mapped[str] = mapped_column(String(20), default="pending")
    requested_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = ts()
    levels_required: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    levels_done: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    note: Mapped[str | None] = mapped_column(Text)
    chat_platform: Mapped[str | None] = mapped_column(String(20))
    chat_id: Mapped[str | None] = mapped_column(String(100))
    message_id: Mapped[str | None] = mapped_column(String(100))
    updated_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class PurchaseRequestLine(Base):
    """One item of a purchase request: how much, at what price, and optionally where it is
    wanted and what it is for (a work order's shortage, a shortage incident). The ordered PO
    gets one line per request line."""

    __tablename__ = "purchase_request_lines"
    __table_args__ = (Index("ix_pr_lines_item_request", "item_id", "request_id"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("purchase_requests.id"), index=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("items.id"))
    qty: Mapped[Decimal] = mapped_column(Qty)
    unit_price: Mapped[Decimal] = mapped_column(Qty, default=Decimal(0))
    amount: Mapped[Decimal] = mapped_column(Qty, default=Decimal(0))
    warehouse_id: Mapped[int | None] = mapped_column(ForeignKey("warehouses.id"))
    work_order_id: Mapped[int | None] = mapped_column(ForeignKey("work_orders.id"))
    incident_id: Mapped[int | None] = mapped_column(ForeignKey("shortage_incidents.id"))


class PurchaseOrder(Base):
    __tablename__ = "purchase_orders"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    number: Mapped[str] = mapped_column(String(32), unique=True)
    supplier_id: Mapped[int | None] = mapped_column(ForeignKey("suppliers.id"))
    state: Mapped[str] = mapped_column(String(20), default="open")
    expected_on: Mapped[date | None] = mapped_column(Date)
    request_id: Mapped[int | None] = mapped_column(ForeignKey("purchase_requests.id"))
    created_at: Mapped[datetime] = ts()


class PurchaseOrderLine(Base):
    __tablename__ = "purchase_order_lines"
    __table_args__ = (Index("ix_po_lines_item_state", "item_id", "state"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("purchase_orders.id"), index=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("items.id"))
    warehouse_id: Mapped[int | None] = mapped_column(ForeignKey("warehouses.id"))
    qty_ordered: Mapped[Decimal] = mapped_column(Qty)
    qty_received: Mapped[Decimal] = mapped_column(Qty, default=Decimal(0))
    unit_price: Mapped[Decimal] = mapped_column(Qty, default=Decimal(0))
    state: Mapped[str] = mapped_column(String(20), default="open")
