"""The API's reads: plain queries on the store, paged by an opaque cursor (the last row id).

Movements are the feed an ERP follows, so their pages must never skip a row that commits late:
on PostgreSQL ids come from a sequence and can commit out of order, so a page first waits for
the inserts in flight (`LOCK … IN SHARE MODE` conflicts only with writers, for the instant of
the read); every id handed out after that is larger than any the page saw. SQLite has a single
writer, so ids already commit in order.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Sequence
from typing import Any

from sqlalchemy import bindparam, or_, select, text
from sqlalchemy.engine import Connection, Row
from sqlalchemy.orm import Session

from stockbot.api import schemas as out
from stockbot.lookup.service import ItemSearch
from stockbot.store.db import Database
from stockbot.store.models import (
    Balance,
    Batch,
    CountSession,
    GoodsReceipt,
    Item,
    Location,
    MaterialRequest,
    Movement,
    Posting,
    PurchaseOrder,
    PurchaseRequest,
    PurchaseRequestLine,
    User,
    Warehouse,
    WorkOrder,
)
from stockbot.store.quantities import item_quantities

MAX_LIMIT = 500


class BadCursor(ValueError):
    """A cursor this server did not hand out."""


def encode_cursor(last_id: int) -> str:
    return base64.urlsafe_b64encode(f"v1:{last_id}".encode()).decode().rstrip("=")


def decode_cursor(cursor: str | None) -> int:
    if not cursor:
        return 0
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
    except (binascii.Error, UnicodeDecodeError, ValueError):
        raise BadCursor(cursor) from None
    tag, _, number = raw.partition(":")
    if tag != "v1" or not number.isdigit() or int(number) >= 2**63:
        raise BadCursor(cursor)
    return int(number)


def _item_out(item: Item | Row) -> out.ItemOut:
    """An item as the API shows it, from the entity or from a Core row of the same columns."""
    return out.ItemOut(
        id=item.id,
        code=item.code,
        name=item.name,
        spec=item.spec or "",
        unit=item.unit,
        category=item.category or "",
        barcode=item.barcode,
    )


def _page(rows: Sequence[Any], limit: int) -> tuple[Sequence[Any], str | None]:
    """`limit + 1` rows were read: the extra one only says whether there is a next page."""
    if len(rows) > limit:
        return rows[:limit], encode_cursor(rows[limit - 1].id)
    return rows, None


def items(db: Database, q: str | None, cursor: str | None, limit: int) -> out.ItemPage:
    """The item master by id, or — with `q` — the chat's fuzzy lookup (best first, one page)."""
    with db.read() as s:
        if q:
            hits = ItemSearch.of(db).search(s, q, limit=limit)
            found = {
                i.id: i
                for i in s.scalars(select(Item).where(Item.id.in_([h.item_id for h in hits])))
            }
            return out.ItemPage(
                data=[_item_out(found[h.item_id]) for h in hits if h.item_id in found],
                next_cursor=None,
            )
        rows = s.scalars(
            select(Item)
            .where(Item.active.is_(True), Item.id > decode_cursor(cursor))
            .order_by(Item.id)
            .limit(limit + 1)
        ).all()
        page, nxt = _page(rows, limit)
        return out.ItemPage(data=[_item_out(i) for i in page], next_cursor=nxt)


_ITEM_COLUMNS = (Item.id, Item.code, Item.name, Item.spec, Item.unit, Item.category, Item.barcode)
_BY_CODE = (
    select(*_ITEM_COLUMNS)
    .where(Item.active.is_(True), or_(Item.code == bindparam("code"), Item.code == bindparam("up")))
    .limit(2)
)
_BY_BARCODE = (
    select(*_ITEM_COLUMNS).where(Item.active.is_(True), Item.barcode == bindparam("bc")).limit(2)
)
_WAREHOUSE = select(Warehouse.id).where(
    or_(Warehouse.code == bindparam("code"), Warehouse.code == bindparam("up"))
)
"""Built once and run on a Core connection: a GET of one item is the API's most frequent call,
and building, caching-keying and ORM-loading these per call cost more than running them."""


def find_item(conn: Connection, code: str | None = None, barcode: str | None = None) -> Row | None:
    """The active item with this code (as given or upper-cased) or barcode; None when there is
    none or more than one."""
    if code is not None:
        found = conn.execute(_BY_CODE, {"code": code, "up": code.upper()}).all()
    else:
        found = conn.execute(_BY_BARCODE, {"bc": barcode}).all()
    return found[0] if len(found) == 1 else None


def warehouse_id(conn: Connection, code: str | None) -> int | None:
    """The warehouse's id; -1 for a code no warehouse has (so nothing matches)."""
    if not code:
        return None
    wid = conn.execute(_WAREHOUSE, {"code": code, "up": code.upper()}).scalar()
    return -1 if wid is None else int(wid)


def item_stock(
    db: Database, code: str | None = None, barcode: str | None = None, warehouse: str | None = None
) -> out.ItemStock | None:
    with db.read_conn() as conn:
        item = find_item(conn, code, barcode)
        if item is None:
            return None
        q = item_quantities(conn, item.id, warehouse_id(conn, warehouse))
    return out.ItemStock(
        item=_item_out(item),
        quantities=out.Quantities(
            on_hand=q.on_hand,
            reserved=q.reserved,
            available=q.available,
            on_order=q.on_order,
            projected=q.projected,
        ),
    )


def balances(
    db: Database,
    item: str | None,
    warehouse: str | None,
    location: str | None,
    cursor: str | None,
    limit: int,
) -> out.BalancePage:
    """On hand per (item, location, batch), non-zero rows only."""
    with db.read() as s:
        stmt = (
            select(Balance, Item.code, Warehouse.code, Location.code, Batch.lot, Batch.expiry)
            .join(Item, Item.id == Balance.item_id)
            .join(Warehouse, Warehouse.id == Balance.warehouse_id)
            .join(Location, Location.id == Balance.location_id)
            .outerjoin(Batch, Batch.id == Balance.batch_id)
            .where(Balance.id > decode_cursor(cursor), Balance.qty != 0)
        )
        if item:
            stmt = stmt.where(Item.code.in_({item, item.upper()}))
        if warehouse:
            stmt = stmt.where(Warehouse.code.in_({warehouse, warehouse.upper()}))
        if location:
            stmt = stmt.where(Location.code.in_({location, location.upper()}))
        rows = s.execute(stmt.order_by(Balance.id).limit(limit + 1)).all()
        page, nxt = _page([r[0] for r in rows], limit)
        data = [
            out.BalanceOut(
                item=r[1], warehouse=r[2], location=r[3], batch=r[4], expiry=r[5], on_hand=r[0].qty
            )
            for r in rows[: len(page)]
        ]
        return out.BalancePage(data=data, next_cursor=nxt)


def movements(db: Database, item: str | None, cursor: str | None, limit: int) -> out.MovementPage:
    after = decode_cursor(cursor)
    with db.read() as s:
        if s.get_bind().dialect.name == "postgresql":
            s.execute(text("LOCK TABLE movements IN SHARE MODE"))
        stmt = (
            select(
                Movement,
                Item.code,
                Warehouse.code,
                Location.code,
                Batch.lot,
                User.display_name,
                Posting.doc_type,
                Posting.doc_id,
            )
            .join(Item, Item.id == Movement.item_id)
            .join(Warehouse, Warehouse.id == Movement.warehouse_id)
            .join(Location, Location.id == Movement.location_id)
            .join(Posting, Posting.id == Movement.posting_id)
            .outerjoin(Batch, Batch.id == Movement.batch_id)
            .outerjoin(User, User.id == Movement.actor_id)
            .where(Movement.id > after)
        )
        if item:
            stmt = stmt.where(Item.code.in_({item, item.upper()}))
        rows = s.execute(stmt.order_by(Movement.id).limit(limit)).all()
    data = [
        out.MovementOut(
            id=m.id,
            posting_id=m.posting_id,
            kind=m.kind,
            item=code,
            warehouse=wh,
            location=loc,
            batch=lot,
            qty=m.qty,
            created_at=m.created_at,
            actor=actor,
            document=f"{doc_type}:{doc_id}" if doc_type else None,
        )
        for m, code, wh, loc, lot, actor, doc_type, doc_id in rows
    ]
    return out.MovementPage(data=data, next_cursor=encode_cursor(data[-1].id if data else after))


DOCUMENTS: dict[str, tuple[Any, str]] = {
    "mr": (MaterialRequest, "MR"),
    "pr": (PurchaseRequest, "PR"),
    "po": (PurchaseOrder, "PO"),
    "gr": (GoodsReceipt, "GR"),
    "count": (CountSession, "CNT"),
    "wo": (WorkOrder, "WO"),
}


def _item_of(doc: Any) -> int | None:
    """The item a document is about (a work order's product); a count or a PO has none."""
    found = getattr(doc, "item_id", None) or getattr(doc, "product_id", None)
    return int(found) if found is not None else None


def documents(
    db: Database, doc_type: str, state: str | None, cursor: str | None, limit: int
) -> out.DocumentPage:
    model, prefix = DOCUMENTS[doc_type]
    with db.read() as s:
        stmt = select(model).where(model.id > decode_cursor(cursor))
        if state:
            stmt = stmt.where(model.state == state)
        rows = s.scalars(stmt.order_by(model.id).limit(limit + 1)).all()
        page, nxt = _page(rows, limit)
        lines = _request_lines(s, [d.id for d in page]) if doc_type == "pr" else {}
        item_ids = {_item_of(d) for d in page}
        codes: dict[int | None, str] = {
            r.id: r.code for r in s.execute(select(Item.id, Item.code).where(Item.id.in_(item_ids)))
        }
        data = []
        for d in page:
            item, qty = codes.get(_item_of(d)), getattr(d, "qty", None)
            mine = lines.get(d.id)
            if mine is not None and len(mine) == 1:  # a one-item request reads as before
                item, qty = mine[0].item, mine[0].qty
            data.append(
                out.DocumentOut(
                    type=doc_type,  # type: ignore[arg-type]
                    number=getattr(d, "number", None) or f"{prefix}-{d.id:05d}",
                    state=d.state,
                    item=item,
                    qty=qty,
                    created_at=getattr(d, "created_at", None),
                    amount=d.amount if doc_type == "pr" else None,
                    lines=mine,
                )
            )
        return out.DocumentPage(data=data, next_cursor=nxt)


def _request_lines(s: Session, pr_ids: list[int]) -> dict[int, list[out.DocumentLineOut]]:
    """The lines of these purchase requests, in order, for the document read."""
    found: dict[int, list[out.DocumentLineOut]] = {i: [] for i in pr_ids}
    for request_id, code, qty, amount in s.execute(
        select(
            PurchaseRequestLine.request_id,
            Item.code,
            PurchaseRequestLine.qty,
            PurchaseRequestLine.amount,
        )
        .join(Item, Item.id == PurchaseRequestLine.item_id)
        .where(PurchaseRequestLine.request_id.in_(pr_ids))
        .order_by(PurchaseRequestLine.request_id, PurchaseRequestLine.id)
    ):
        found[request_id].append(out.DocumentLineOut(item=code, qty=qty, amount=amount))
    return found
