"""The lines of a purchase request (采购申请明细): what one request buys from its one supplier.

A request holds one or more lines — item, quantity, unit price and amount, optionally the
warehouse it is wanted in and the work order or shortage incident it is for. `/purchase` and a
shortage card make one line; a work order's "Request purchase for all shortages" and
`/suggest`'s "raise all" group what is short by each item's default supplier (`per_supplier`)
and make one request per supplier, the items without a supplier in one request of their own.
The request's `amount` is the lines' total, which the approval limits read.

Here are the pieces every reader of a request shares: loading its lines (`lines_of`, one query
for many requests), and saying them — one `pr.line` per line in a notice (`listed`, rendered
per reader), or one short plain text for a list row (`what`).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from stockbot.flows.common import fq
from stockbot.flows.notices import ItemLabel, L, Money, Notice, Q
from stockbot.store.models import Item, PurchaseRequest, PurchaseRequestLine, Supplier
from stockbot.text import clip

CENT = Decimal("0.01")
WHAT_CELLS = 80
"""How wide a request's lines may be in one row of a list (`/pending`, a reminder)."""

Row = tuple[PurchaseRequestLine, Item]


@dataclass(frozen=True, slots=True)
class Want:
    """One item to buy, and what for (both optional)."""

    item: Item
    qty: Decimal
    work_order_id: int | None = None
    incident_id: int | None = None
    warehouse_id: int | None = None

    @property
    def amount(self) -> Decimal:
        return (self.qty * self.item.unit_cost).quantize(CENT)


def per_supplier(s: Session, wants: list[Want]) -> list[tuple[Supplier | None, list[Want]]]:
    """The wants grouped by each item's default supplier, one group per request to raise:
    suppliers by code, then the items that have none (one request without a supplier)."""
    groups: dict[int | None, list[Want]] = {}
    for w in wants:
        groups.setdefault(w.item.default_supplier_id, []).append(w)
    found = {
        sup.id: sup
        for sup in s.scalars(select(Supplier).where(Supplier.id.in_(set(groups) - {None})))
    }
    named = sorted(
        ((found[k], v) for k, v in groups.items() if k is not None and k in found),
        key=lambda g: g[0].code,
    )
    loose = [w for k, v in groups.items() if k is None or k not in found for w in v]
    out: list[tuple[Supplier | None, list[Want]]] = list(named)
    if loose:
        out.append((None, loose))
    return out


def add_lines(s: Session, pr: PurchaseRequest, wants: list[Want]) -> list[Row]:
    """The request's lines, in the order given, priced at each item's unit cost."""
    rows: list[Row] = []
    for w in wants:
        line = PurchaseRequestLine(
            request_id=pr.id,
            item_id=w.item.id,
            qty=w.qty,
            unit_price=w.item.unit_cost,
            amount=w.amount,
            warehouse_id=w.warehouse_id,
            work_order_id=w.work_order_id,
            incident_id=w.incident_id,
        )
        s.add(line)
        rows.append((line, w.item))
    s.flush()
    return rows


def lines_of(s: Session, pr_ids: Iterable[int]) -> dict[int, list[Row]]:
    """The lines of each request (with their items), in the order they were written."""
    ids = set(pr_ids)
    out: dict[int, list[Row]] = {i: [] for i in ids}
    if not ids:
        return out
    for line, item in s.execute(
        select(PurchaseRequestLine, Item)
        .join(Item, Item.id == PurchaseRequestLine.item_id)
        .where(PurchaseRequestLine.request_id.in_(ids))
        .order_by(PurchaseRequestLine.request_id, PurchaseRequestLine.id)
    ):
        out[line.request_id].append((line, item))
    return out


def supplier_label(s: Session, supplier_id: int | None) -> object:
    """The supplier as a notice parameter: `CODE name`, or "(supplier to be chosen)"."""
    sup = s.get(Supplier, supplier_id) if supplier_id is not None else None
    if sup is None:
        return L("pr.no_default_supplier")
    return sup.code if sup.name in ("", sup.code) else f"{sup.code} {sup.name}"


def listed(notice: Notice, rows: list[Row]) -> Notice:
    """The notice with one line per request line: item, quantity with its unit, amount."""
    for line, item in rows:
        notice = notice.then(
            "pr.line",
            item=ItemLabel(item.code, item.name),
            qty=Q(line.qty, item.unit),
            amount=Money(line.amount),
        )
    return notice


def what(rows: list[Row], lang: str) -> str:
    """The lines as one short plain text for a list row: `BOLT 140 pcs, SEAT 20 pcs`."""
    text = ", ".join(f"{item.code} {fq(line.qty, item.unit, lang)}" for line, item in rows)
    return clip(text, WHAT_CELLS)
