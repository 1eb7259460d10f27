"""What a product needs and whether the warehouse has it: BOMs from the store, the kitting
check (齐套检查), and the questions other flows ask about work orders.

The arithmetic is `flows.bom` (pure); here are the few grouped queries around it, so a
kitting check of 200 components costs the same handful of statements as one of 2:
- the BOM graph is loaded level by level (one `IN` query per level, not one per product);
- quantities for every component come from `store.quantities` in one call;
- the earliest expected arrival per component is one grouped query over open order lines.
Items and work order lines are read as plain rows (`ItemRow`, `LineRow`), not ORM entities: a
check reads ~400 of them and never changes an item; the steps that change lines write them back
in one grouped update (`save_lines`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import NamedTuple

from sqlalchemy import bindparam, func, insert, select, update
from sqlalchemy.orm import Session, defer

from stockbot.flows.bom import Edge, Need, decimals_for, explode
from stockbot.store.models import (
    BomLine,
    Item,
    PurchaseOrder,
    PurchaseOrderLine,
    Reservation,
    WorkOrder,
    WorkOrderLine,
)
from stockbot.store.quantities import quantities, requested_per_item
from stockbot.store.types import Qty
from stockbot.timeutil import utcnow

ZERO = Decimal(0)
WO = "wo"
OPEN_STATES = ("open", "released", "kitted")
"""Work orders still to be made: they appear in `/wo`, the summary and `/pending`."""
MAX_LEVELS = 50
"""Deeper than any real BOM; a safety stop for a cycle stored before cycles were refused."""


def load_graph(s: Session, product_id: int) -> dict[int, list[Edge[int]]]:
    """The BOM under `product_id`, every level, as `flows.bom` reads it."""
    graph: dict[int, list[Edge[int]]] = {}
    frontier = {product_id}
    for _ in range(MAX_LEVELS):
        if not frontier:
            break
        rows = s.execute(
            select(
                BomLine.product_id,
                BomLine.component_id,
                BomLine.qty_per,
                BomLine.scrap_pct,
                BomLine.backflush,
                BomLine.substitute_id,
            )
            .where(BomLine.product_id.in_(frontier))
            .order_by(BomLine.product_id, BomLine.component_id)
        ).all()
        for p, c, qty_per, scrap, backflush, sub in rows:
            graph.setdefault(p, []).append(Edge(c, qty_per, scrap or ZERO, bool(backflush), sub))
        frontier = {r[1] for r in rows} - set(graph)
    return graph


class ItemRow(NamedTuple):
    """What a kitting check, a kit's picks and its pick list read of an item."""

    id: int
    code: str
    name: str
    unit: str
    decimals: int | None
    order_multiple: Decimal


_ITEM_ROW = select(Item.id, Item.code, Item.name, Item.unit, Item.decimals, Item.order_multiple)


def item_rows(s: Session, ids: Iterable[int]) -> dict[int, ItemRow]:
    """`ItemRow`s by id, one query per 500 ids."""
    wanted = sorted(set(ids))
    out: dict[int, ItemRow] = {}
    for k in range(0, len(wanted), 500):
        rows = s.connection().execute(_ITEM_ROW.where(Item.id.in_(wanted[k : k + 500])))
        out.update((r[0], ItemRow(*r)) for r in rows)
    return out


def items_by_id(s: Session, ids: set[int]) -> dict[int, Item]:
    """Items by id; their search aliases (JSON, decoded per row) are left unloaded: a
    200-component check never reads them, and decoding them was a third of its time."""
    if not ids:
        return {}
    return {
        i.id: i
        for i in s.scalars(select(Item).where(Item.id.in_(ids)).options(defer(Item.aliases)))
    }


def requirement(
    s: Session, product_id: int, qty: Decimal
) -> tuple[dict[int, Need[int]], dict[int, ItemRow]]:
    """The leaf components `qty` of the product consumes, and those items (and the
    sub-assemblies') by id. Raises `flows.bom.BomCycle`."""
    graph = load_graph(s, product_id)
    ids = {e.component for edges in graph.values() for e in edges} | set(graph)
    ids |= {e.substitute for edges in graph.values() for e in edges if e.substitute}
    items = item_rows(s, ids)
    return explode(graph, product_id, qty, lambda i: decimals_for(items[i])), items


def arrivals(s: Session, item_ids: list[int]) -> dict[int, date]:
    """The earliest expected date of an open purchase order line, per item."""
    if not item_ids:
        return {}
    rows = s.execute(
        select(PurchaseOrderLine.item_id, func.min(PurchaseOrder.expected_on))
        .join(PurchaseOrder, PurchaseOrder.id == PurchaseOrderLine.order_id)
        .where(PurchaseOrderLine.item_id.in_(item_ids), PurchaseOrderLine.state == "open")
        .group_by(PurchaseOrderLine.item_id)
    ).all()
    return {i: d for i, d in rows if d is not None}


def requested(s: Session, item_ids: list[int]) -> dict[int, Decimal]:
    """Purchase requests not yet ordered (waiting for approval or approved), per item."""
    if not item_ids:
        return {}
    rows = s.execute(requested_per_item(item_ids, ("pending", "approved"))).all()
    return {i: q or ZERO for i, q in rows}


@dataclass(slots=True)
class LineRow:
    """A work order line as a plain row; a step that changes `qty_reserved` or `qty_issued`
    writes it back with `save_lines`."""

    id: int
    component_id: int
    qty_required: Decimal
    qty_reserved: Decimal
    qty_issued: Decimal
    backflush: bool
    substitute_id: int | None


@dataclass(slots=True)
class KitRow:
    """One component on the kitting check. `available` already counts back what this work
    order reserved itself, so a released order does not look short of its own stock."""

    line: LineRow
    item: ItemRow
    required: Decimal
    available: Decimal
    on_order: Decimal
    arrives: date | None
    substitute: ItemRow | None = None
    substitute_available: Decimal = ZERO

    @property
    def still_needed(self) -> Decimal:
        return self.required - self.line.qty_issued

    @property
    def short(self) -> Decimal:
        return max(ZERO, self.still_needed - max(self.available, ZERO))


def kit_rows(
    s: Session,
    wo: WorkOrder,
    lines: list[LineRow] | None = None,
    items: dict[int, ItemRow] | None = None,
) -> list[KitRow]:
    """The kitting check of a work order: per component required, available, short, on
    order and when the first order arrives (`items`: those `requirement` just loaded)."""
    lines = lines if lines is not None else wo_lines(s, wo.id)
    ids = [ln.component_id for ln in lines]
    subs = {ln.substitute_id for ln in lines if ln.substitute_id is not None}
    wanted = set(ids) | subs
    if items is None or not wanted <= items.keys():
        items = item_rows(s, wanted)
    q = quantities(s, list(wanted), wo.warehouse_id)
    mine = own_reserved(s, wo.id, ids)
    when = arrivals(s, ids)
    rows = []
    for ln in lines:
        qi = q[ln.component_id]
        sub = items.get(ln.substitute_id) if ln.substitute_id is not None else None
        rows.append(
            KitRow(
                ln,
                items[ln.component_id],
                ln.qty_required,
                qi.available + mine.get(ln.component_id, ZERO),
                qi.on_order,
                when.get(ln.component_id),
                sub,
                q[sub.id].available if sub is not None else ZERO,
            )
        )
    return rows


_W = WorkOrderLine
_LINES = select(_W.id, _W.component_id, _W.qty_required, _W.qty_reserved, _W.qty_issued,
                _W.backflush, _W.substitute_id)  # fmt: skip


def wo_lines(s: Session, wo_id: int) -> list[LineRow]:
    rows = s.connection().execute(_LINES.where(_W.work_order_id == wo_id).order_by(_W.id))
    return [LineRow(*r) for r in rows]


_SAVE = (
    update(WorkOrderLine)
    .where(_W.id == bindparam("line"))
    .values(qty_reserved=bindparam("reserved", type_=Qty()),
            qty_issued=bindparam("issued", type_=Qty()))
)  # fmt: skip


def save_lines(s: Session, lines: Iterable[LineRow]) -> None:
    """Write the lines' reserved and issued quantities back: one executemany on the session's
    connection (the ORM's bulk update by primary key took twice as long for 200 lines)."""
    rows = [{"line": ln.id, "reserved": ln.qty_reserved, "issued": ln.qty_issued}
            for ln in lines]  # fmt: skip
    if rows:
        s.connection().execute(_SAVE, rows)


def own_reserved(s: Session, wo_id: int, item_ids: list[int]) -> dict[int, Decimal]:
    """What this work order holds reserved, per component (of `item_ids`: the reservations
    are found through their item index, not by walking every reservation's document)."""
    if not item_ids:
        return {}
    return {
        i: q or ZERO
        for i, q in s.execute(
            select(Reservation.item_id, func.sum(Reservation.qty))
            .where(
                Reservation.item_id.in_(item_ids),
                Reservation.state == "open",
                Reservation.doc_type == WO,
                Reservation.doc_id == str(wo_id),
            )
            .group_by(Reservation.item_id)
        )
    }


def find_wo(s: Session, text: str | None) -> WorkOrder | None:
    """The work order a free-text reference names (`WO-00012`, `wo12`), if it exists."""
    m = re.fullmatch(r"\s*WO[-#]?0*(\d{1,9})\s*", text or "", re.IGNORECASE)
    return s.get(WorkOrder, int(m.group(1))) if m else None


def bom_left(s: Session, wo: WorkOrder, item_id: int) -> Decimal:
    """How much of `item_id` the work order's BOM still allows: required − issued (0 for an
    item not on it). A material request beyond this is over-issue (超领) and needs approval."""
    line = s.scalar(
        select(WorkOrderLine).where(
            WorkOrderLine.work_order_id == wo.id, WorkOrderLine.component_id == item_id
        )
    )
    return ZERO if line is None else max(ZERO, line.qty_required - line.qty_issued)


# --- reservations held by a work order --------------------------------------------------------


def reserve(s: Session, wo: WorkOrder, qty: dict[int, Decimal]) -> None:
    """Reserve `qty` per component for the work order: one multi-row insert (the caller holds
    the item locks, `flows.common.lock_items`)."""
    rows = [
        {"item_id": i, "warehouse_id": wo.warehouse_id, "qty": q, "doc_type": WO,
         "doc_id": str(wo.id), "state": "open", "created_at": utcnow()}
        for i, q in qty.items()
        if q > 0
    ]  # fmt: skip
    if rows:
        s.connection().execute(insert(Reservation), rows)  # Core executemany, not the ORM's


def consume(s: Session, wo_id: int, qty: dict[int, Decimal]) -> None:
    """Close `qty` per component of the work order's open reservations, oldest first: those
    used up in one grouped update; a reservation used in part keeps the rest open."""
    left = {i: q for i, q in qty.items() if q > 0}
    if not left:
        return
    used, partly = [], []
    for res_id, item_id, res_qty in s.execute(
        select(Reservation.id, Reservation.item_id, Reservation.qty)
        .where(Reservation.doc_type == WO, Reservation.doc_id == str(wo_id),
               Reservation.item_id.in_(list(left)), Reservation.state == "open")
        .order_by(Reservation.id)
    ):  # fmt: skip
        need = left.get(item_id, ZERO)
        if need <= 0:
            continue
        if res_qty <= need:
            used.append(res_id)
            left[item_id] = need - res_qty
        else:
            partly.append({"id": res_id, "qty": res_qty - need})
            left[item_id] = ZERO
    for k in range(0, len(used), 500):
        s.execute(
            update(Reservation)
            .where(Reservation.id.in_(used[k : k + 500]))
            .values(state="consumed", closed_at=utcnow())
        )
    if partly:
        s.execute(update(Reservation), partly)  # ORM bulk update by primary key


def release_all(s: Session, wo_id: int) -> None:
    """Release every open reservation of the work order (cancel, final completion)."""
    s.execute(
        update(Reservation)
        .where(Reservation.doc_type == WO, Reservation.doc_id == str(wo_id),
               Reservation.state == "open")
        .values(state="released", closed_at=utcnow())
    )  # fmt: skip
    s.execute(
        update(WorkOrderLine).where(WorkOrderLine.work_order_id == wo_id).values(qty_reserved=ZERO)
    )
