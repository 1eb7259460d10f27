"""Stock levels as stored, and the shortage scan's follow-up queries.

Numbers in bulk are read *as stored* (`Raw`): SQLite keeps a `Qty` as integer millionths, and
turning 50,000 of them into Decimals costs more than the query. Comparisons and sums work on the
stored numbers directly; only what is shown becomes a Decimal (`Raw.qty`, `Raw.money`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from stockbot.reports.raw import Raw
from stockbot.reports.rollup import range_sums
from stockbot.reports.rules import ZERO
from stockbot.store.models import (
    Balance,
    Batch,
    Item,
    PurchaseOrder,
    PurchaseOrderLine,
    PurchaseRequest,
    PurchaseRequestLine,
    Reservation,
)

# --- stock levels ----------------------------------------------------------------------------


@dataclass(slots=True)
class Levels:
    """Per item, as stored: thresholds and cost, on hand, reserved, on order, requested."""

    raw: Raw
    items: dict[int, tuple[Any, Any, Any, Any, int, Any]] = field(default_factory=dict)
    """id → (safety stock, reorder point, reorder qty, order multiple, lead days, unit cost)."""
    on_hand: dict[int, Any] = field(default_factory=dict)
    warehouse: dict[int, int] = field(default_factory=dict)
    """The warehouse holding most of the item (where its warnings go)."""
    reserved: dict[int, Any] = field(default_factory=dict)
    on_order: dict[int, Any] = field(default_factory=dict)
    requested: dict[int, Any] = field(default_factory=dict)

    def available(self, item_id: int) -> Any:
        return self.on_hand.get(item_id, 0) - self.reserved.get(item_id, 0)

    def projected(self, item_id: int) -> Any:
        return (
            self.available(item_id) + self.on_order.get(item_id, 0) + self.requested.get(item_id, 0)
        )


def load_levels(session: Session, *, thresholds_only: bool = False, supply: bool = True) -> Levels:
    """Every active item's levels in five grouped queries. Bulk reads here and in the reports go
    through the session's connection: the ORM's result handling costs more than the query on
    50,000 plain rows."""
    raw = Raw(session)
    lv = Levels(raw)
    stmt = select(
        Item.id,
        raw.col(Item.safety_stock),
        raw.col(Item.reorder_point),
        raw.col(Item.reorder_qty),
        raw.col(Item.order_multiple),
        Item.lead_time_days,
        raw.col(Item.unit_cost),
    ).where(Item.active.is_(True))
    if thresholds_only:
        stmt = stmt.where((Item.safety_stock > ZERO) | (Item.reorder_point > ZERO))
    lv.items = {r[0]: tuple(r[1:]) for r in session.connection().execute(stmt)}
    best: dict[int, Any] = {}
    for item_id, wh_id, qty in session.connection().execute(
        select(Balance.item_id, Balance.warehouse_id, raw.sum(Balance.qty)).group_by(
            Balance.item_id, Balance.warehouse_id
        )
    ):
        if item_id not in lv.items or qty is None:
            continue
        lv.on_hand[item_id] = lv.on_hand.get(item_id, 0) + qty
        if item_id not in best or qty > best[item_id]:
            best[item_id], lv.warehouse[item_id] = qty, wh_id
    lv.reserved = {
        i: q
        for i, q in session.connection().execute(
            select(Reservation.item_id, raw.sum(Reservation.qty))
            .where(Reservation.state == "open")
            .group_by(Reservation.item_id)
        )
        if q is not None
    }
    if supply:
        for i, ordered, received in session.connection().execute(
            select(
                PurchaseOrderLine.item_id,
                raw.sum(PurchaseOrderLine.qty_ordered),
                raw.sum(PurchaseOrderLine.qty_received),
            )
            .where(PurchaseOrderLine.state == "open")
            .group_by(PurchaseOrderLine.item_id)
        ):
            left = (ordered or 0) - (received or 0)
            if left > 0:
                lv.on_order[i] = left
        lv.requested = {
            i: q
            for i, q in session.connection().execute(
                select(PurchaseRequestLine.item_id, raw.sum(PurchaseRequestLine.qty))
                .join(PurchaseRequest, PurchaseRequest.id == PurchaseRequestLine.request_id)
                .where(PurchaseRequest.state == "approved")
                .group_by(PurchaseRequestLine.item_id)
            )
            if q is not None
        }
    return lv


def usage_totals(session: Session, today: date, window_days: int) -> dict[int, Any]:
    """Net consumption per item over the window ending today (stored numbers, > 0 only)."""
    first = today - timedelta(days=window_days - 1)
    return {
        i: q
        for i, q in session.connection().execute(range_sums(session, first, today, ("consumed",)))
        if q is not None and q > 0
    }


# --- follow-ups the scan raises ---------------------------------------------------------------


def expiring_batches(
    session: Session, today: date, within_days: int
) -> list[tuple[int, int, int, Any]]:
    """(batch id, item id, warehouse id, on hand) of batches in stock expiring by the date."""
    raw = Raw(session)
    rows = (
        session.connection()
        .execute(
            select(Batch.id, Batch.item_id, Balance.warehouse_id, raw.sum(Balance.qty))
            .join(Balance, Balance.batch_id == Batch.id)
            .where(Batch.expiry.is_not(None), Batch.expiry <= today + timedelta(days=within_days))
            .group_by(Batch.id, Batch.item_id, Balance.warehouse_id)
        )
        .all()
    )
    return [(b, i, w, q) for b, i, w, q in rows if q is not None and q > 0]


def overdue_po_lines(session: Session, today: date) -> list[tuple[int, int, int | None]]:
    """(PO line id, item id, warehouse id) of open lines whose order was expected before today."""
    rows = (
        session.connection()
        .execute(
            select(PurchaseOrderLine.id, PurchaseOrderLine.item_id, PurchaseOrderLine.warehouse_id)
            .join(PurchaseOrder, PurchaseOrder.id == PurchaseOrderLine.order_id)
            .where(
                PurchaseOrderLine.state == "open",
                PurchaseOrder.state == "open",
                PurchaseOrder.expected_on.is_not(None),
                PurchaseOrder.expected_on < today,
            )
        )
        .all()
    )
    return [(r[0], r[1], r[2]) for r in rows]


def inventory_value(levels: Levels) -> Decimal:
    total = sum(
        (q * levels.items[i][5] for i, q in levels.on_hand.items() if q > 0 and i in levels.items),
        0,
    )
    return levels.raw.money(total)
