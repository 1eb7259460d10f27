"""Which stock leaves first: the one picking rule for issues and transfers.

Earliest expiry first (FEFO), then the oldest batch (FIFO), then unbatched stock, each by
location code — so what expires soonest is used before it spoils, whoever moves it.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from stockbot.flows.notices import Grid, ItemLabel, L, Q
from stockbot.store.models import Balance, Batch, Item, Location, MovementKind, Warehouse
from stockbot.store.posting import InsufficientStock, Line

ZERO = Decimal(0)


@dataclass(frozen=True, slots=True)
class Pick:
    location_id: int
    batch_id: int | None
    qty: Decimal
    lot: str | None


def in_pick_order(
    s: Session,
    item_id: int,
    warehouse_id: int,
    *,
    location_id: int | None = None,
    exclude_location_id: int | None = None,
) -> list[Pick]:
    """Every positive balance of the item in the warehouse (or one location), in pick order."""
    stmt = (
        select(Balance.location_id, Balance.batch_id, Balance.qty, Batch.lot, Batch.expiry,
               Batch.received_on, Location.code)
        .join(Location, Location.id == Balance.location_id)
        .outerjoin(Batch, Batch.id == Balance.batch_id)
        .where(Balance.item_id == item_id, Balance.warehouse_id == warehouse_id,
               Balance.qty > ZERO)
    )  # fmt: skip
    if location_id is not None:
        stmt = stmt.where(Balance.location_id == location_id)
    if exclude_location_id is not None:
        stmt = stmt.where(Balance.location_id != exclude_location_id)
    rows = list(s.execute(stmt).all())
    rows.sort(
        key=lambda r: (
            r.batch_id is None,
            r.expiry is None,
            r.expiry or r.received_on,
            r.received_on or r.expiry,
            r.code,
        )
    )
    return [Pick(r.location_id, r.batch_id, r.qty, r.lot) for r in rows]


def take(picks: list[Pick], qty: Decimal) -> tuple[list[Pick], Decimal]:
    """The first `qty` of `picks` (the last one partly), and how much was still missing."""
    out, need = [], qty
    for p in picks:
        if need <= 0:
            break
        got = min(need, p.qty)
        out.append(Pick(p.location_id, p.batch_id, got, p.lot))
        need -= got
    return out, max(need, ZERO)


def issue_lines(s: Session, item: Item, warehouse_id: int, qty: Decimal) -> list[Line]:
    """Issue lines for `qty` of `item` in pick order; a shortfall is refused in words first
    (the ledger would refuse it too)."""
    picks, missing = take(in_pick_order(s, item.id, warehouse_id), qty)
    if missing > 0:
        raise InsufficientStock(item.id, item.code, "", qty - missing, qty)
    return [Line(item.id, p.location_id, -p.qty, MovementKind.ISSUE, p.batch_id) for p in picks]


def pick_list(s: Session, item: Item, lines: list[Line]) -> Grid:
    """Where the keeper walks, in the order the lines were picked: `item · WH/LOC · batch ·
    qty` (a batch's expiry date beside it, so FEFO is visible on the slip; the item's name in
    the reader's script, its code as it is)."""
    headers = (L("pick.h.item"), L("pick.h.location"), L("pick.h.batch"), L("pick.h.qty"))
    return Grid(tuple(_rows(s, {item.id: item}, lines)), headers)


def kit_pick_list(s: Session, items: dict[int, Item], lines: list[Line]) -> Grid:
    """The pick list of a kit (many items), sorted by where the keeper walks."""
    rows = sorted(_rows(s, items, lines), key=lambda r: r[1])  # by place; stable per item
    headers = (L("pick.h.item"), L("pick.h.location"), L("pick.h.batch"), L("pick.h.qty"))
    return Grid(tuple(rows), headers)


def _rows(s: Session, items: dict[int, Item], lines: list[Line]) -> list[tuple[Any, ...]]:
    rows = []
    for line in lines:
        item = items[line.item_id]
        loc = s.get_one(Location, line.location_id)
        wh = s.get_one(Warehouse, loc.warehouse_id)
        batch = s.get(Batch, line.batch_id) if line.batch_id is not None else None
        lot = "-" if batch is None else batch.lot
        if batch is not None and batch.expiry is not None:
            lot = f"{lot} · {batch.expiry.isoformat()}"
        rows.append(
            (
                ItemLabel(item.code, item.name),
                f"{wh.code}/{loc.code}",
                lot,
                Q(abs(line.qty), item.unit),
            )
        )
    return rows
