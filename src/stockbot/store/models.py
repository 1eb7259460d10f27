"""The relational store: master data, the append-only ledger, balances, and the tables the
workflows, scheduler and adapters lean on (reservations, purchase documents, outbox, leases).

Rules the schema encodes:
- `movements` is append-only: nothing in the code base updates or deletes a row. A correction is
  a new posting whose movements reverse the old ones (`reverses_movement_id`).
- `balances` is a cache of `sum(movements.qty)` per (item, location, batch), maintained only by
  `stockbot.store.ledger.post` in the same transaction; `stockbot check` proves it.
- `item_daily` keeps per-item per-day in/out totals, also maintained by the posting path, so
  usage, days of cover and summaries never aggregate the raw ledger.
"""

from __future__ import annotations

import enum
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Text,
    Unicode,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from stockbot.store.types import Qty
from stockbot.timeutil import utcnow

# SQLite only auto-increments INTEGER PRIMARY KEY; BigInteger elsewhere for the ledger's size.
BigId = BigInteger().with_variant(Integer(), "sqlite")

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class MovementKind(enum.StrEnum):
    RECEIPT = "receipt"
    ISSUE = "issue"
    RETURN = "return"
    TRANSFER_OUT = "transfer_out"
    TRANSFER_IN = "transfer_in"
    ADJUSTMENT = "adjustment"
    REVERSAL = "reversal"


class Role(enum.StrEnum):
    STAFF = "staff"
    KEEPER = "keeper"
    PURCHASER = "purchaser"
    APPROVER = "approver"
    ADMIN = "admin"


def _ts() -> Mapped[datetime]:
    return mapped_column(DateTime(timezone=True), default=utcnow, nullable=False)


# --- people and chats -------------------------------------------------------------------------


class User(Base):
    __tablename__ = "users"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    display_name: Mapped[str] = mapped_column(String(200))
    language: Mapped[str | None] = mapped_column(String(10))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = _ts()
    identities: Mapped[list[UserIdentity]] = relationship(back_populates="user")
    roles: Mapped[list[UserRole]] = relationship(
        back_populates="user", foreign_keys="UserRole.user_id"
    )


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
    granted_at: Mapped[datetime] = _ts()
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
    created_at: Mapped[datetime] = _ts()


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
    created_at: Mapped[datetime] = _ts()
    updated_at: Mapped[datetime] = _ts()
    units: Mapped[list[ItemUnit]] = relationship(cascade="all, delete-orphan")


class ItemUnit(Base):
    """An alternative unit: 1 `unit` (箱) = `factor` base units (100 pcs)."""

    __tablename__ = "item_units"
    item_id: Mapped[int] = mapped_column(ForeignKey("items.id"), primary_key=True)
    unit: Mapped[str] = mapped_column(String(20), primary_key=True)
    factor: Mapped[Decimal] = mapped_column(Qty)


class ItemSubstitute(Base):
    __tablename__ = "item_substitutes"
    item_id: Mapped[int] = mapped_column(ForeignKey("items.id"), primary_key=True)
    substitute_id: Mapped[int] = mapped_column(ForeignKey("items.id"), primary_key=True)
    priority: Mapped[int] = mapped_column(Integer, default=1)


class BomLine(Base):
    """One component of a product's bill of materials (物料清单)."""

    __tablename__ = "bom_lines"
    product_id: Mapped[int] = mapped_column(ForeignKey("items.id"), primary_key=True)
    component_id: Mapped[int] = mapped_column(ForeignKey("items.id"), primary_key=True)
    qty_per: Mapped[Decimal] = mapped_column(Qty)


class Batch(Base):
    __tablename__ = "batches"
    __table_args__ = (UniqueConstraint("item_id", "lot"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("items.id"), index=True)
    lot: Mapped[str] = mapped_column(String(64))
    supplier_id: Mapped[int | None] = mapped_column(ForeignKey("suppliers.id"))
    received_on: Mapped[date] = mapped_column(Date)
    expiry: Mapped[date | None] = mapped_column(Date)


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
    created_at: Mapped[datetime] = _ts()
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
    created_at: Mapped[datetime] = _ts()


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
    updated_at: Mapped[datetime] = _ts()


class ItemDaily(Base):
    """Per item and UTC day: gross in, gross out (transfers excluded) and net consumption."""

    __tablename__ = "item_daily"
    item_id: Mapped[int] = mapped_column(ForeignKey("items.id"), primary_key=True)
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    qty_in: Mapped[Decimal] = mapped_column(Qty, default=Decimal(0))
    qty_out: Mapped[Decimal] = mapped_column(Qty, default=Decimal(0))
    consumed: Mapped[Decimal] = mapped_column(Qty, default=Decimal(0))
    __table_args__ = (Index("ix_item_daily_day", "day"),)


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
    created_at: Mapped[datetime] = _ts()
    closed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class PurchaseRequest(Base):
    """采购申请: pending → (approved level 1 →) approved → ordered; or rejected."""

    __tablename__ = "purchase_requests"
    __table_args__ = (Index("ix_purchase_requests_item_state", "item_id", "state"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    number: Mapped[str] = mapped_column(String(32), unique=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("items.id"))
    qty: Mapped[Decimal] = mapped_column(Qty)
    supplier_id: Mapped[int | None] = mapped_column(ForeignKey("suppliers.id"))
    amount: Mapped[Decimal] = mapped_column(Qty, default=Decimal(0))
    state: Mapped[str] = mapped_column(String(20), default="pending")
    requested_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = _ts()
    levels_required: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    levels_done: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    note: Mapped[str | None] = mapped_column(Text)
    chat_platform: Mapped[str | None] = mapped_column(String(20))
    chat_id: Mapped[str | None] = mapped_column(String(100))
    message_id: Mapped[str | None] = mapped_column(String(100))
    updated_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class PurchaseOrder(Base):
    __tablename__ = "purchase_orders"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    number: Mapped[str] = mapped_column(String(32), unique=True)
    supplier_id: Mapped[int | None] = mapped_column(ForeignKey("suppliers.id"))
    state: Mapped[str] = mapped_column(String(20), default="open")
    expected_on: Mapped[date | None] = mapped_column(Date)
    request_id: Mapped[int | None] = mapped_column(ForeignKey("purchase_requests.id"))
    created_at: Mapped[datetime] = _ts()


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


# --- delivery and coordination ------------------------------------------------------------------


class OutboxMessage(Base):
    """What a flow decided to say elsewhere, written in the flow's transaction; the dispatcher
    delivers it and marks it, so a crash after commit loses nothing and sends nothing twice."""

    __tablename__ = "outbox"
    __table_args__ = (Index("ix_outbox_state_next", "state", "next_attempt_at"),)
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    created_at: Mapped[datetime] = _ts()
    platform: Mapped[str] = mapped_column(String(20))
    target: Mapped[str] = mapped_column(String(100))
    """Platform chat id, or `user:<platform user id>` for a direct message."""
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)
    dedupe_key: Mapped[str | None] = mapped_column(String(200), unique=True)
    state: Mapped[str] = mapped_column(String(20), default="pending")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = _ts()
    delivered_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    last_error: Mapped[str | None] = mapped_column(Text)


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
    created_at: Mapped[datetime] = _ts()


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
    created_at: Mapped[datetime] = _ts()


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
    created_at: Mapped[datetime] = _ts()


class _Origin:
    """Where a document was raised: the chat message it came from."""

    chat_platform: Mapped[str | None] = mapped_column(String(20))
    chat_id: Mapped[str | None] = mapped_column(String(100))
    message_id: Mapped[str | None] = mapped_column(String(100))


class MaterialRequest(_Origin, Base):
    """领料申请: pending_approval → approved (reserved) → issued → received; or rejected,
    cancelled. Partial issues keep it `approved` with `qty_issued` < `qty`."""

    __tablename__ = "material_requests"
    __table_args__ = (Index("ix_material_requests_state", "state"),)
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
    created_at: Mapped[datetime] = _ts()
    updated_at: Mapped[datetime] = _ts()
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
    created_at: Mapped[datetime] = _ts()
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
    __table_args__ = (Index("ix_goods_receipts_state", "state"),)
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
    created_at: Mapped[datetime] = _ts()
    updated_at: Mapped[datetime] = _ts()


class CountSession(_Origin, Base):
    """盘点: counting → submitted → approved (adjusted) / rejected. Finalised once."""

    __tablename__ = "count_sessions"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    scope: Mapped[str] = mapped_column(String(200))
    warehouse_id: Mapped[int | None] = mapped_column(ForeignKey("warehouses.id"))
    state: Mapped[str] = mapped_column(String(20))
    opened_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = _ts()
    updated_at: Mapped[datetime] = _ts()


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
    updated_at: Mapped[datetime] = _ts()


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
    opened_at: Mapped[datetime] = _ts()
    updated_at: Mapped[datetime] = _ts()
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
    created_at: Mapped[datetime] = _ts()


class SchedulerJob(Base):
    """APScheduler's SQLAlchemyJobStore table (`tablename="scheduler_jobs"`), declared here so it
    is migrated like every other table; the job store only creates it when it is missing."""

    __tablename__ = "scheduler_jobs"
    id: Mapped[str] = mapped_column(Unicode(191), primary_key=True)
    next_run_time: Mapped[float | None] = mapped_column(Float(25), index=True)
    job_state: Mapped[bytes] = mapped_column(LargeBinary)
