"""Reorder policy: whether an item's safety stock and reorder point are typed once (fixed) or
follow real usage and lead times (dynamic, recomputed weekly), and every change to them.

The effective numbers stay on `items.safety_stock` / `items.reorder_point`: the shortage scan,
the summary and the alert hook read them there and need not know where they came from. This
table says how they are kept; `policy_changes` says who changed them, when, from what to what.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import JSON, DateTime, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from stockbot.store.models.base import Base, BigId, ts
from stockbot.store.types import Qty

FIXED = "fixed"
DYNAMIC = "dynamic"


class ItemPolicy(Base):
    """One item's reorder policy. No row: fixed (the values typed on the item)."""

    __tablename__ = "item_policies"
    item_id: Mapped[int] = mapped_column(ForeignKey("items.id"), primary_key=True)
    mode: Mapped[str] = mapped_column(String(10), default=FIXED)
    pinned_safety: Mapped[Decimal | None] = mapped_column(Qty)
    """An admin's pinned safety stock: the weekly recompute leaves it alone."""
    pinned_rop: Mapped[Decimal | None] = mapped_column(Qty)
    recomputed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    status: Mapped[str | None] = mapped_column(String(30))
    """The last recompute's outcome: `ok`, `little_usage`, `few_receipts`."""
    basis: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    """The history the numbers came from: window, usage days, avg/max usage, lead times."""
    updated_at: Mapped[datetime] = ts()


class PolicyChange(Base):
    """Who changed what, when: `field` is `safety`, `rop` or `mode`; old → new as text."""

    __tablename__ = "policy_changes"
    __table_args__ = (Index("ix_policy_changes_item_at", "item_id", "created_at"),)
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("items.id"))
    field: Mapped[str] = mapped_column(String(10))
    old: Mapped[str | None] = mapped_column(String(40))
    new: Mapped[str | None] = mapped_column(String(40))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    """None: the weekly recompute."""
    created_at: Mapped[datetime] = ts()
