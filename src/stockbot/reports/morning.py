"""The morning summary's numbers and the stale-stock report."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import exists, func, select
from sqlalchemy.orm import Session

from stockbot.reports.levels import Levels, Raw, inventory_value, load_levels
from stockbot.reports.rollup import range_sums
from stockbot.reports.rules import ZERO
from stockbot.store.models import (
    GoodsReceipt,
    Item,
    ItemDaily,
    MaterialRequest,
    PurchaseOrder,
    PurchaseRequest,
    PurchaseRequestLine,
    Supplier,
)
from stockbot.timeutil import as_utc

# --- the morning summary ----------------------------------------------------------------------


@dataclass(slots=True)
class ItemRef:
    id: int
    code: str
    name: str
    unit: str


@dataclass(slots=True)
class Waiting:
    """A document waiting for someone: what, since when."""

    doc: str
    item: ItemRef
    qty: Decimal
    since: datetime
    amount: Decimal = ZERO
    more: int = 0
    """Further lines of the document (a purchase request of several items) beyond `item`."""


@dataclass(slots=True)
class DuePO:
    number: str
    supplier: str
    expected_on: date


@dataclass(slots=True)
class BelowSafety:
    item: ItemRef
    available: Decimal
    safety: Decimal
    reorder_point: Decimal


@dataclass(slots=True)
class Summary:
    today: date
    yesterday: date
    stockouts: list[ItemRef] = field(default_factory=list)
    below_safety: list[BelowSafety] = field(default_factory=list)
    pending_approvals: list[Waiting] = field(default_factory=list)
    open_requests: list[Waiting] = field(default_factory=list)
    qc_pending: int = 0
    po_due_today: list[DuePO] = field(default_factory=list)
    po_overdue: list[DuePO] = field(default_factory=list)
    received_items: int = 0
    received_value: Decimal = ZERO
    issued_items: int = 0
    issued_value: Decimal = ZERO
    top_consumed: list[tuple[ItemRef, Decimal]] = field(default_factory=list)
    inventory_value: Decimal = ZERO
    stale_count: int = 0
    stale_value: Decimal = ZERO
    trend: list[tuple[date, float, float]] = field(default_factory=list)
    """(day, value in, value out) for the last 30 days, oldest first, every day present."""


def item_refs(session: Session, ids: set[int] | list[int]) -> dict[int, ItemRef]:
    ids = list(set(ids))
    if not ids:
        return {}
    out: dict[int, ItemRef] = {}
    for k in range(0, len(ids), 900):
        for i, code, name, unit in session.execute(
            select(Item.id, Item.code, Item.name, Item.unit).where(Item.id.in_(ids[k : k + 900]))
        ):
            out[i] = ItemRef(i, code, name, unit)
    return out


def stale_items(
    session: Session, levels: Levels, today: date, stale_days: int
) -> list[tuple[int, Any, Decimal]]:
    """Items in stock with no outbound for `stale_days` (and older than that): (id, on hand
    as stored, value), most valuable first."""
    cutoff = today - timedelta(days=stale_days)
    cutoff_at = datetime.combine(cutoff, time(), tzinfo=UTC)
    quiet = session.scalars(
        select(Item.id).where(
            Item.active.is_(True),
            Item.created_at < cutoff_at,
            ~exists().where(
                ItemDaily.item_id == Item.id,
                ItemDaily.day > cutoff,
                ItemDaily.qty_out > ZERO,
            ),
        )
    ).all()
    raw = levels.raw
    out = []
    for i in quiet:
        q = levels.on_hand.get(i, 0)
        if q > 0 and i in levels.items:
            out.append((i, q, raw.money(q * levels.items[i][5])))
    out.sort(key=lambda r: r[2], reverse=True)
    return out


def daily_values(session: Session, first: date, last: date) -> list[tuple[date, float, float]]:
    """Value received and issued per day (qty × unit cost), every day from first to last."""
    raw = Raw(session)
    rows = session.execute(
        select(
            ItemDaily.day,
            func.sum(raw.real(ItemDaily.qty_in) * raw.real(Item.unit_cost)),
            func.sum(raw.real(ItemDaily.qty_out) * raw.real(Item.unit_cost)),
        )
        .join(Item, Item.id == ItemDaily.item_id)
        .where(ItemDaily.day >= first, ItemDaily.day <= last)
        .group_by(ItemDaily.day)
    ).all()
    got = {d: ((a or 0.0) * raw.real_scale, (b or 0.0) * raw.real_scale) for d, a, b in rows}
    out = []
    d = first
    while d <= last:
        a, b = got.get(d, (0.0, 0.0))
        out.append((d, a, b))
        d += timedelta(days=1)
    return out


def day_totals(session: Session, day: date) -> tuple[int, Decimal, int, Decimal]:
    """(items received, value received, items issued, value issued) on one day, exactly."""
    raw = Raw(session)
    rows = session.execute(
        select(raw.col(ItemDaily.qty_in), raw.col(ItemDaily.qty_out), raw.col(Item.unit_cost))
        .join(Item, Item.id == ItemDaily.item_id)
        .where(ItemDaily.day == day)
    ).all()
    n_in = sum(1 for r in rows if r[0] > 0)
    n_out = sum(1 for r in rows if r[1] > 0)
    v_in = sum((r[0] * r[2] for r in rows), 0)
    v_out = sum((r[1] * r[2] for r in rows), 0)
    return n_in, raw.money(v_in), n_out, raw.money(v_out)


def top_consumed(
    session: Session, first: date, last: date, limit: int = 5
) -> list[tuple[int, Decimal]]:
    raw = Raw(session)
    sums = range_sums(session, first, last, ("consumed",))
    total = sums.selected_columns.consumed
    item = sums.selected_columns.item_id
    rows = session.execute(sums.having(total > 0).order_by(total.desc(), item).limit(limit)).all()
    return [(i, raw.qty(q)) for i, q in rows]


def waiting_documents(session: Session) -> tuple[list[Waiting], list[Waiting], int]:
    """(approvals pending — material and purchase requests —, material requests approved and
    waiting to be issued, QC-pending receipts), oldest first."""
    mrs = session.execute(
        select(
            MaterialRequest.id,
            MaterialRequest.item_id,
            MaterialRequest.qty,
            MaterialRequest.qty_issued,
            MaterialRequest.amount,
            MaterialRequest.state,
            MaterialRequest.created_at,
            MaterialRequest.updated_at,
        ).where(MaterialRequest.state.in_(("pending_approval", "approved")))
    ).all()
    prs = session.execute(
        select(
            PurchaseRequest.id,
            PurchaseRequest.number,
            PurchaseRequest.amount,
            PurchaseRequest.created_at,
            PurchaseRequest.updated_at,
        ).where(PurchaseRequest.state == "pending")
    ).all()
    pr_lines: dict[int, list[tuple[int, Decimal]]] = defaultdict(list)
    if prs:
        for request_id, item_id, qty in session.execute(
            select(
                PurchaseRequestLine.request_id, PurchaseRequestLine.item_id, PurchaseRequestLine.qty
            )
            .where(PurchaseRequestLine.request_id.in_([r.id for r in prs]))
            .order_by(PurchaseRequestLine.request_id, PurchaseRequestLine.id)
        ):
            pr_lines[request_id].append((item_id, qty))
    line_items = {i for lines in pr_lines.values() for i, _ in lines}
    refs = item_refs(session, {r.item_id for r in mrs} | line_items)
    approvals: list[Waiting] = []
    open_mrs: list[Waiting] = []
    for r in mrs:
        doc = f"MR-{r.id:05d}"
        if r.state == "pending_approval":
            approvals.append(Waiting(doc, refs[r.item_id], r.qty, r.created_at, r.amount))
        else:
            open_mrs.append(
                Waiting(doc, refs[r.item_id], r.qty - r.qty_issued, r.updated_at, r.amount)
            )
    for pr in prs:
        since = pr.updated_at or pr.created_at
        lines = pr_lines.get(pr.id)
        if not lines:
            continue  # (a request is written with its lines in one unit of work)
        item_id, qty = lines[0]
        approvals.append(
            Waiting(pr.number, refs[item_id], qty, since, pr.amount, more=len(lines) - 1)
        )
    approvals.sort(key=lambda w: (as_utc(w.since), w.doc))
    open_mrs.sort(key=lambda w: (as_utc(w.since), w.doc))
    qc = session.scalar(
        select(func.count()).select_from(GoodsReceipt).where(GoodsReceipt.state == "qc_pending")
    )
    return approvals, open_mrs, int(qc or 0)


def purchase_orders_due(session: Session, today: date) -> tuple[list[DuePO], list[DuePO]]:
    """Open purchase orders expected today, and those expected before today (oldest first)."""
    rows = session.execute(
        select(PurchaseOrder.number, Supplier.name, PurchaseOrder.expected_on)
        .outerjoin(Supplier, Supplier.id == PurchaseOrder.supplier_id)
        .where(
            PurchaseOrder.state == "open",
            PurchaseOrder.expected_on.is_not(None),
            PurchaseOrder.expected_on <= today,
        )
        .order_by(PurchaseOrder.expected_on, PurchaseOrder.number)
    ).all()
    due = [DuePO(n, s or "-", d) for n, s, d in rows if d is not None and d == today]
    late = [DuePO(n, s or "-", d) for n, s, d in rows if d is not None and d < today]
    return due, late


def shortfalls(session: Session, levels: Levels) -> tuple[list[ItemRef], list[BelowSafety]]:
    """Items with a safety stock or reorder point that are out of stock (available ≤ 0, by
    code), and those below their safety stock (the emptiest first)."""
    raw = levels.raw
    stockouts: list[int] = []
    below: list[tuple[Any, int]] = []
    for i, (safety, rop, *_rest) in levels.items.items():
        if safety <= 0 and rop <= 0:
            continue
        avail = levels.available(i)
        if avail <= 0:
            stockouts.append(i)
        elif safety > 0 and avail < safety:
            below.append((avail / safety if safety else 0, i))
    below.sort()
    refs = item_refs(session, set(stockouts) | {i for _, i in below})
    return sorted((refs[i] for i in stockouts), key=lambda r: r.code), [
        BelowSafety(
            refs[i],
            raw.qty(levels.available(i)),
            raw.qty(levels.items[i][0]),
            raw.qty(levels.items[i][1]),
        )
        for _, i in below
    ]


def summary(
    session: Session, today: date, *, stale_days: int = 180, trend_days: int = 30
) -> Summary:
    """Everything the morning summary says, for the factory's business day `today`."""
    yesterday = today - timedelta(days=1)
    out = Summary(today=today, yesterday=yesterday)
    levels = load_levels(session, supply=False)
    out.stockouts, out.below_safety = shortfalls(session, levels)
    out.pending_approvals, out.open_requests, out.qc_pending = waiting_documents(session)
    out.po_due_today, out.po_overdue = purchase_orders_due(session, today)
    n_in, v_in, n_out, v_out = day_totals(session, yesterday)
    out.received_items, out.received_value, out.issued_items, out.issued_value = (
        n_in,
        v_in,
        n_out,
        v_out,
    )
    top = top_consumed(session, today - timedelta(days=7), yesterday)
    top_refs = item_refs(session, [i for i, _ in top])
    out.top_consumed = [(top_refs[i], q) for i, q in top]
    out.inventory_value = inventory_value(levels)
    stale = stale_items(session, levels, today, stale_days)
    out.stale_count = len(stale)
    out.stale_value = sum((v for _, _, v in stale), ZERO)
    out.trend = daily_values(session, today - timedelta(days=trend_days), yesterday)
    return out


def stale_report(
    session: Session, today: date, stale_days: int = 180, limit: int = 15
) -> tuple[int, Decimal, list[tuple[ItemRef, Decimal, Decimal, date | None]]]:
    """(count, value, the most valuable: (item, on hand, value, last outbound day))."""
    levels = load_levels(session, supply=False)
    stale = stale_items(session, levels, today, stale_days)
    top = stale[:limit]
    refs = item_refs(session, [i for i, _, _ in top])
    last_out: dict[int, date | None] = defaultdict(lambda: None)
    if top:
        last_out.update(
            dict(
                session.execute(
                    select(ItemDaily.item_id, func.max(ItemDaily.day))
                    .where(
                        ItemDaily.item_id.in_([i for i, _, _ in top]),
                        ItemDaily.qty_out > ZERO,
                    )
                    .group_by(ItemDaily.item_id)
                ).all()
            )
        )
    rows = [(refs[i], levels.raw.qty(q), v, last_out[i]) for i, q, v in top]
    return len(stale), sum((v for _, _, v in stale), ZERO), rows
