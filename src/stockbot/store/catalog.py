"""Master data writes: warehouses, locations, items, batches, suppliers, users.

Small functions the importer, the demo and the flows share, so every item change bumps the
search revision and every warehouse gets its default location, whoever creates it.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import bindparam, delete, func, literal_column, select, union, update
from sqlalchemy.orm import Session

from stockbot.store.models import (
    DEFAULT_LOCATION,
    Batch,
    Item,
    ItemBarcode,
    ItemUnit,
    Location,
    Role,
    Supplier,
    User,
    UserIdentity,
    UserRole,
    Warehouse,
)
from stockbot.timeutil import utcnow

ITEM_FIELDS = {
    "name", "aliases", "spec", "unit", "category", "barcode", "safety_stock", "reorder_point",
    "reorder_qty", "order_multiple", "lead_time_days", "unit_cost", "default_supplier_id",
    "active", "needs_qc", "batch_tracked", "allow_negative", "needs_approval", "decimals",
}  # fmt: skip


SEARCH_REV_LOCK = 0x53544B42  # "STKB": the advisory lock serialising item revisions


def next_search_rev(session: Session) -> int:
    """A fresh search revision: the search cache catches up by it, so revisions must commit in
    increasing order. SQLite writers are already serial; on PostgreSQL a transaction-scoped
    advisory lock makes item writers take revisions one transaction at a time."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(select(func.pg_advisory_xact_lock(SEARCH_REV_LOCK)))
    return (session.execute(select(func.max(Item.search_rev))).scalar() or 0) + 1


def ensure_warehouse(session: Session, code: str, name: str | None = None) -> Warehouse:
    wh = session.scalar(select(Warehouse).where(Warehouse.code == code))
    if wh is None:
        wh = Warehouse(code=code, name=name or code)
        session.add(wh)
        session.flush()
        session.add(Location(warehouse_id=wh.id, code=DEFAULT_LOCATION, name=None))
        session.flush()
    return wh


def ensure_location(session: Session, warehouse: Warehouse, code: str | None) -> Location:
    code = (code or "").strip() or DEFAULT_LOCATION
    loc = session.scalar(
        select(Location).where(Location.warehouse_id == warehouse.id, Location.code == code)
    )
    if loc is None:
        loc = Location(warehouse_id=warehouse.id, code=code)
        session.add(loc)
        session.flush()
    return loc


def default_location(session: Session, warehouse_id: int) -> Location:
    return session.scalars(
        select(Location).where(
            Location.warehouse_id == warehouse_id, Location.code == DEFAULT_LOCATION
        )
    ).one()


def upsert_item(session: Session, code: str, **fields: Any) -> Item:
    """Create or update an item by code; bumps its search revision."""
    unknown = set(fields) - ITEM_FIELDS - {"units", "barcodes"}
    if unknown:
        raise TypeError(f"unknown item field(s): {sorted(unknown)}")
    units: dict[str, Decimal] | None = fields.pop("units", None)
    barcodes: list[str] | None = fields.pop("barcodes", None)
    item = session.scalar(select(Item).where(Item.code == code))
    if item is None:
        item = Item(code=code, **fields)
        session.add(item)
    else:
        for k, v in fields.items():
            setattr(item, k, v)
        item.updated_at = utcnow()
    item.search_rev = next_search_rev(session)
    session.flush()
    if units is not None:
        existing = {u.unit: u for u in item.units}
        for unit, factor in units.items():
            if unit in existing:
                existing[unit].factor = factor
            else:
                item.units.append(ItemUnit(item_id=item.id, unit=unit, factor=factor))
        session.flush()
    if barcodes is not None:
        set_barcodes(session, item, barcodes)
    return item


def items_labelled(session: Session, label: str, limit: int = 10) -> list[int]:
    """Active items a label names, by the code printed on it: the item code (as typed or upper
    case), `items.barcode` or any of `item_barcodes`. One id is an answer; several (a barcode two
    items share) is a question for whoever scanned it. A code wins over barcodes.

    One statement, codes first: every lookup and stock command asks this before anything else,
    and a fuzzy name (most lookups) used to cost two (the code, then the barcodes)."""
    q = label.strip()
    if not q or len(q) > 64:
        return []
    rows = session.execute(_LABELLED, {"code": q, "upper": q.upper(), "limit": limit}).all()
    if rows and rows[0].by_code:
        return [rows[0].id]
    return [r.id for r in rows]


_items, _barcodes = Item.__table__.c, ItemBarcode.__table__.c
_named = union(  # each part on its own index: an OR across them made PostgreSQL scan all items
    select(_items.id, literal_column("1").label("by_code")).where(
        _items.active.is_(True), _items.code.in_([bindparam("code"), bindparam("upper")])
    ),
    select(_items.id, literal_column("0")).where(
        _items.active.is_(True), _items.barcode == bindparam("code")
    ),
    select(_items.id, literal_column("0"))
    .join(ItemBarcode.__table__, _barcodes.item_id == _items.id)
    .where(_items.active.is_(True), _barcodes.code == bindparam("code")),
).subquery()
_LABELLED = (  # built once
    select(_named.c.id, _named.c.by_code)
    .order_by(_named.c.by_code.desc(), _named.c.id)
    .limit(bindparam("limit"))
)


def set_barcodes(session: Session, item: Item, codes: list[str]) -> None:
    """The item's further barcodes become exactly *codes* (`items.barcode` is left alone)."""
    session.execute(delete(ItemBarcode).where(ItemBarcode.item_id == item.id))
    session.add_all(ItemBarcode(item_id=item.id, code=c) for c in dict.fromkeys(codes))
    session.flush()


def ensure_batch(
    session: Session,
    item_id: int,
    lot: str,
    received_on: date,
    expiry: date | None = None,
    supplier_id: int | None = None,
) -> Batch:
    batch = session.scalar(select(Batch).where(Batch.item_id == item_id, Batch.lot == lot))
    if batch is None:
        batch = Batch(
            item_id=item_id,
            lot=lot,
            received_on=received_on,
            expiry=expiry,
            supplier_id=supplier_id,
        )
        session.add(batch)
        session.flush()
    return batch


def upsert_supplier(session: Session, code: str, **fields: Any) -> Supplier:
    sup = session.scalar(select(Supplier).where(Supplier.code == code))
    if sup is None:
        sup = Supplier(code=code, **fields)
        session.add(sup)
    else:
        for k, v in fields.items():
            setattr(sup, k, v)
    session.flush()
    return sup


def find_user(session: Session, platform: str, platform_user_id: str) -> User | None:
    return session.scalar(
        select(User)
        .join(UserIdentity)
        .where(UserIdentity.platform == platform, UserIdentity.platform_user_id == platform_user_id)
    )


def ensure_user(
    session: Session,
    platform: str,
    platform_user_id: str,
    display_name: str | None = None,
    *,
    admins: set[tuple[str, str]] | None = None,
    handle: str | None = None,
    wrote_language: str | None = None,
) -> User:
    """The user behind a platform identity, created on first sight with the staff role.

    Identities listed in `admins` (STOCKBOT_ADMINS) are granted admin on first sight. `handle`
    is the platform's username as the platform reported it for this identity (never a name
    someone typed): it is what a later `@username` mention is matched against.
    """
    user = find_user(session, platform, platform_user_id)
    if user is None:
        user = User(display_name=display_name or platform_user_id, wrote_language=wrote_language)
        session.add(user)
        session.flush()
        session.add(
            UserIdentity(user_id=user.id, platform=platform, platform_user_id=platform_user_id)
        )
        session.add(UserRole(user_id=user.id, role=Role.STAFF.value))
        session.flush()
    if admins and (platform, platform_user_id) in admins:
        grant_role(session, user, Role.ADMIN)
    elif wrote_language and user.wrote_language != wrote_language:
        user.wrote_language = wrote_language
    if handle:
        remember_handle(session, platform, platform_user_id, handle)
    return user


def remember_wrote_language(session: Session, user_id: int, lang: str) -> None:
    """Record the language a person's text just showed: their notices, rendered later and
    elsewhere, follow it unless they chose one with `/lang`. One UPDATE, asked for only when
    the language changed."""
    session.execute(update(User).where(User.id == user_id).values(wrote_language=lang))


def remember_handle(session: Session, platform: str, platform_user_id: str, handle: str) -> None:
    """Record the username the platform just reported for this identity. A username belongs to
    one account at a time, so any other identity that still carries it loses it (the name was
    given up and taken by someone else): `@name` never points at two people."""
    handle = handle.strip()[:200]
    ident = session.scalar(
        select(UserIdentity).where(
            UserIdentity.platform == platform, UserIdentity.platform_user_id == platform_user_id
        )
    )
    if ident is None or ident.handle == handle:
        return
    for other in session.scalars(
        select(UserIdentity).where(
            UserIdentity.platform == platform,
            func.lower(UserIdentity.handle) == handle.lower(),
            UserIdentity.id != ident.id,
        )
    ):
        other.handle = None
    ident.handle = handle
    session.flush()


def user_roles(session: Session, user_id: int) -> set[str]:
    return set(session.scalars(select(UserRole.role).where(UserRole.user_id == user_id)))


def grant_role(
    session: Session,
    user: User,
    role: Role,
    amount_limit: Decimal | None = None,
    granted_by: int | None = None,
) -> None:
    existing = session.get(UserRole, (user.id, role.value))
    if existing is None:
        session.add(
            UserRole(
                user_id=user.id, role=role.value, amount_limit=amount_limit, granted_by=granted_by
            )
        )
    elif amount_limit is not None:
        existing.amount_limit = amount_limit
    session.flush()
