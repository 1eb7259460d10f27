"""Work orders (工单): make N of a product; their lines are the exploded BOM."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import Boolean, Date, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from stockbot.store.models.base import Base, ts
from stockbot.store.models.documents import _Origin
from stockbot.store.types import Qty


class WorkOrder(_Origin, Base):
    """工单: open (kitting checked) → released (reserved; partly when `partial`) → kitted (the
    kit issued) → completed; or cancelled. `rev` grows with every step, so a step that keeps
    the state (a second release, a partial completion) is still a conditional update that a
    double press wins once."""

    __tablename__ = "work_orders"
    __table_args__ = (Index("ix_work_orders_state", "state"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    product_id: Mapped[int] = mapped_column(ForeignKey("items.id"))
    warehouse_id: Mapped[int] = mapped_column(ForeignKey("warehouses.id"))
    qty: Mapped[Decimal] = mapped_column(Qty)
    qty_completed: Mapped[Decimal] = mapped_column(Qty, default=Decimal(0))
    due_on: Mapped[date | None] = mapped_column(Date)
    state: Mapped[str] = mapped_column(String(20))
    partial: Mapped[bool] = mapped_column(Boolean, default=False)
    rev: Mapped[int] = mapped_column(Integer, default=0)
    requester_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    note: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = ts()
    updated_at: Mapped[datetime] = ts()


class WorkOrderLine(Base):
    """One component the work order consumes: required (exploded, rounded up), how much of it
    is reserved, issued with the kit, and backflushed at completion."""

    __tablename__ = "work_order_lines"
    __table_args__ = (UniqueConstraint("work_order_id", "component_id"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    work_order_id: Mapped[int] = mapped_column(ForeignKey("work_orders.id"), index=True)
    component_id: Mapped[int] = mapped_column(ForeignKey("items.id"), index=True)
    qty_required: Mapped[Decimal] = mapped_column(Qty)
    qty_reserved: Mapped[Decimal] = mapped_column(Qty, default=Decimal(0))
    qty_issued: Mapped[Decimal] = mapped_column(Qty, default=Decimal(0))
    backflush: Mapped[bool] = mapped_column(Boolean, default=False)
    substitute_id: Mapped[int | None] = mapped_column(ForeignKey("items.id"))
