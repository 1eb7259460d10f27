"""People, chats and master data: users, roles, suppliers, warehouses, items, batches."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    UniqueConstraint,
)
from sqlalchemy import false as sa_false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from stockbot.store.models.base import Base, BigId, ts
from stockbot.store.types import Qty

# --- people and chats -------------------------------------------------------------------------


class User(Base):
    __tablename__ = "users"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    display_name: Mapped[str] = mapped_column(String(200))
    language: Mapped[str | None] = mapped_column(String(10))
    """What they chose with `/lang`: wins over everything else."""
    wrote_language: Mapped[str | None] = mapped_column(String(10))
    """The language their text last showed (only Chinese, Simplified or Traditional, is told
    apart from the rest): their notices' language when they never ran `/lang`."""
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = ts()
    identities: Mapped[list[UserIdentity]] = relationship(back_populates="user")
    roles: Mapped[list[UserRole]] = relationship(
        back_populates="user", foreign_keys="UserRole.user_id"
    )

    @property
    def reads_in(self) -> str | None:
        """The language to write to them in: their `/lang`, else the one they write in; None
        when neither is known (the caller's default applies)."""
        return self.language or self.wrote_language


class UserIdentity(Base):
    """A user as a platform knows them; one person may have a Slack and a Telegram identity."""

    __tablename__ = "user_identities"
    __table_args__ = (UniqueConstraint("platform", "platform_user_id"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    platform: Mapped[str] = mapped_column(String(20))
    platform_user_id: Mapped[str] = mapped_column(String(100))
    handle: Mapped[str | None] = mapped_column(String(200))
    user: Mapped[User] = relationship(back_populates="identities")


class UserRole(Base):
    __tablename__ = "user_roles"
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True)
    role: Mapped[str] = mapped_column(String(20), primary_key=True)
    amount_limit: Mapped[Decimal | None] = mapped_column(Qty)
    granted_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    granted_at: Mapped[datetime] = ts()
    user: Mapped[User] = relationship(back_populates="roles", foreign_keys=[user_id])


class Chat(Base):
    """A group or private chat, bound to a warehouse/team, with its language and timezone."""

    __tablename__ = "chats"
    __table_args__ = (UniqueConstraint("platform", "platform_chat_id"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    platform: Mapped[str] = mapped_column(String(20))
    platform_chat_id: Mapped[str] = mapped_column(String(100))
    title: Mapped[str | None] = mapped_column(String(200))
    language: Mapped[str] = mapped_column(String(10), default="en")
    timezone: Mapped[str] = mapped_column(String(64), default="Asia/Shanghai")
    warehouse_id: Mapped[int | None] = mapped_column(ForeignKey("warehouses.id"))
    team: Mapped[str | None] = mapped_column(String(100))
    created_at: Mapped[datetime] = ts()


# --- master data --------------------------------------------------------------------------------


class Supplier(Base):
    __tablename__ = "suppliers"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    contact: Mapped[str | None] = mapped_column(String(200))
    phone: Mapped[str | None] = mapped_column(String(64))
    email: Mapped[str | None] = mapped_column(String(200))
    lead_time_days: Mapped[int | None] = mapped_column(Integer)
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class Warehouse(Base):
    __tablename__ = "warehouses"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    locations: Mapped[list[Location]] = relationship(back_populates="warehouse")


DEFAULT_LOCATION = "-"
"""Every warehouse has a location with this code, so a balance always has a location."""


class Location(Base):
    __tablename__ = "locations"
    __table_args__ = (UniqueConstraint("warehouse_id", "code"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    warehouse_id: Mapped[int] = mapped_column(ForeignKey("warehouses.id"), index=True)
    code: Mapped[str] = mapped_column(String(64))
    name: Mapped[str | None] = mapped_column(String(200))
    warehouse: Mapped[Warehouse] = relationship(back_populates="locations")


class Item(Base):
    __tablename__ = "items"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    aliases: Mapped[list[str]] = mapped_column(JSON, default=list)
    spec: Mapped[str] = mapped_column(String(300), default="")
    unit: Mapped[str] = mapped_column(String(20), default="pcs")
    decimals: Mapped[int | None] = mapped_column(Integer)
    """Decimal places a quantity of this item may carry; None = its unit's rule (`units`)."""
    category: Mapped[str] = mapped_column(String(100), default="")
    barcode: Mapped[str | None] = mapped_column(String(64), index=True)
    safety_stock: Mapped[Decimal] = mapped_column(Qty, default=Decimal(0))
    reorder_point: Mapped[Decimal] = mapped_column(Qty, default=Decimal(0))
    reorder_qty: Mapped[Decimal] = mapped_column(Qty, default=Decimal(0))
    order_multiple: Mapped[Decimal] = mapped_column(Qty, default=Decimal(1))
    lead_time_days: Mapped[int] = mapped_column(Integer, default=7)
    unit_cost: Mapped[Decimal] = mapped_column(Qty, default=Decimal(0))
    default_supplier_id: Mapped[int | None] = mapped_column(ForeignKey("suppliers.id"))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    needs_qc: Mapped[bool] = mapped_column(Boolean, default=False)
    batch_tracked: Mapped[bool] = mapped_column(Boolean, default=False)
    allow_negative: Mapped[bool] = mapped_column(Boolean, default=False)
    needs_approval: Mapped[bool] = mapped_column(Boolean, default=False)
    search_rev: Mapped[int] = mapped_column(BigId, default=0, index=True)
    """Bumped on every change so every process's search index can catch up incrementally."""
    created_at: Mapped[datetime] = ts()
    updated_at: Mapped[datetime] = ts()
    units: Mapped[list[ItemUnit]] = relationship(cascade="all, delete-orphan")
    # the reports join 50,000 items' unit cost: from this index, not the wide rows (0012)
    __table_args__ = (Index("ix_items_id_cost", "id", "unit_cost"),)


class ItemUnit(Base):
    """An alternative unit: 1 `unit` (箱) = `factor` base units (100 pcs)."""

    __tablename__ = "item_units"
    item_id: Mapped[int] = mapped_column(ForeignKey("items.id"), primary_key=True)
    unit: Mapped[str] = mapped_column(String(20), primary_key=True)
    factor: Mapped[Decimal] = mapped_column(Qty)


class ItemBarcode(Base):
    """One more barcode an item carries (a supplier's EAN, the carton's GTIN-14, an old label):
    a scanned or photographed code finds the item by any of them, as by `Item.barcode`."""

    __tablename__ = "item_barcodes"
    item_id: Mapped[int] = mapped_column(ForeignKey("items.id"), primary_key=True)
    code: Mapped[str] = mapped_column(String(64), primary_key=True, index=True)


class ItemSubstitute(Base):
    __tablename__ = "item_substitutes"
    item_id: Mapped[int] = mapped_column(ForeignKey("items.id"), primary_key=True)
    substitute_id: Mapped[int] = mapped_column(ForeignKey("items.id"), primary_key=True)
    priority: Mapped[int] = mapped_column(Integer, default=1)


class BomLine(Base):
    """One component of a product's bill of materials (物料清单). A component that has BOM
    lines of its own is a sub-assembly: explosion goes through it (`flows.bom`)."""

    __tablename__ = "bom_lines"
    product_id: Mapped[int] = mapped_column(ForeignKey("items.id"), primary_key=True)
    component_id: Mapped[int] = mapped_column(ForeignKey("items.id"), primary_key=True)
    qty_per: Mapped[Decimal] = mapped_column(Qty)
    scrap_pct: Mapped[Decimal] = mapped_column(Qty, default=Decimal(0), server_default="0")
    """Extra consumed at this level, in percent of `qty_per` (2.5 = 2.5 %)."""
    backflush: Mapped[bool] = mapped_column(Boolean, default=False, server_default=sa_false())
    """Consumed when finished goods are completed, not issued with the kit (倒冲)."""
    substitute_id: Mapped[int | None] = mapped_column(ForeignKey("items.id"))
    """An item the floor may use instead (替代料); shown on the kitting check."""


class Batch(Base):
    __tablename__ = "batches"
    __table_args__ = (UniqueConstraint("item_id", "lot"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("items.id"), index=True)
    lot: Mapped[str] = mapped_column(String(64))
    supplier_id: Mapped[int | None] = mapped_column(ForeignKey("suppliers.id"))
    received_on: Mapped[date] = mapped_column(Date)
    expiry: Mapped[date | None] = mapped_column(Date)
