"""Reports on what happened over a period: supplier reliability, shortage incidents (the
review, 复盘, the articles ask for) and movements in/out by day, category or warehouse.

Values of movements are summed in SQL as floating point (qty × unit cost, like the summary's
trend) and rounded to the cent; counts and quantities are exact.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from stockbot.reports.inventory import Args, item_facts
from stockbot.reports.levels import Raw
from stockbot.reports.morning import daily_values
from stockbot.reports.periods import Period
from stockbot.reports.rules import ZERO, cents
from stockbot.reports.tables import Chart, Column, Report, Section, share
from stockbot.store.models import (
    GoodsReceipt,
    Item,
    ItemDaily,
    Movement,
    PurchaseOrder,
    PurchaseOrderLine,
    ShortageIncident,
    Supplier,
    Warehouse,
)
from stockbot.timeutil import local_date, zone

DECIDED = ("accepted", "partially_accepted", "rejected")


def bounds(period: Period, timezone: str) -> tuple[datetime, datetime]:
    """The period as [start, end) instants in the factory's timezone."""
    tz = zone(timezone)
    start = datetime.combine(period.first, time(), tzinfo=tz)
    return start, datetime.combine(period.last + timedelta(days=1), time(), tzinfo=tz)


# --- suppliers ----------------------------------------------------------------------------------


def suppliers(session: Session, args: Args) -> Report:
    """Per supplier, over receipts against its purchase orders in the period: on time (received
    on or before the PO's expected date), QC pass rate (accepted ÷ decided quantity) and the
    average lead time (PO date → receipt)."""
    start, end = bounds(args.period, args.timezone)
    raw = Raw(session)
    got = session.execute(
        select(
            Supplier.name,
            PurchaseOrder.created_at,
            PurchaseOrder.expected_on,
            GoodsReceipt.created_at,
            GoodsReceipt.state,
            raw.col(GoodsReceipt.qty_accepted),
            raw.col(GoodsReceipt.qty_rejected),
        )
        .join(PurchaseOrderLine, PurchaseOrderLine.id == GoodsReceipt.po_line_id)
        .join(PurchaseOrder, PurchaseOrder.id == PurchaseOrderLine.order_id)
        .join(Supplier, Supplier.id == PurchaseOrder.supplier_id)
        .where(GoodsReceipt.created_at >= start, GoodsReceipt.created_at < end)
    ).all()
    per: dict[str, list[Any]] = defaultdict(lambda: [0, 0, 0, 0, 0, 0, 0])
    # receipts, with due date, on time, accepted qty, decided qty, lead days sum, lead n
    for name, ordered_at, due, received_at, state, accepted, rejected in got:
        p = per[name]
        p[0] += 1
        day = local_date(received_at, args.timezone)
        if due is not None:
            p[1] += 1
            p[2] += day <= due
        if state in DECIDED:
            p[3] += accepted or 0
            p[4] += (accepted or 0) + (rejected or 0)
        p[5] += (day - local_date(ordered_at, args.timezone)).days
        p[6] += 1
    rows = [
        (
            name,
            n,
            share(Decimal(on_time), Decimal(due_n)) if due_n else None,
            share(Decimal(acc), Decimal(dec)) if dec else None,
            (Decimal(lead) / lead_n).quantize(Decimal("0.1")) if lead_n else None,
        )
        for name, (n, due_n, on_time, acc, dec, lead, lead_n) in per.items()
    ]
    rows.sort(key=lambda r: (-r[1], r[0]))
    cols = (Column("supplier"), Column("receipts", "count"), Column("on_time", "percent"),
            Column("qc_pass", "percent"), Column("lead_days", "days"))  # fmt: skip
    chart = Chart("bar", "supplier", ("on_time", "qc_pass"))
    return Report("suppliers", args.period, args.today, [Section("suppliers", cols, rows, chart)])


# --- shortages ----------------------------------------------------------------------------------


def shortage_cause(
    thresholds: bool,
    orders: list[tuple[datetime, date | None, datetime | None]],
    at: datetime,
    day: date,
) -> str:
    """Pure: why an item ran short, from what was known when it did. `orders`: (ordered at,
    expected on, fully received at — None while open) of its purchase order lines; one was
    outstanding if ordered before `at` and not fully received by then. late_supply: an
    outstanding one was due before the day; on_order: outstanding, not due yet; no_policy: the
    item had no safety stock or reorder point; not_ordered: it had, and nothing was on order."""
    outstanding = [
        due for ordered, due, done in orders if ordered <= at and (done is None or done > at)
    ]
    if any(due is not None and due < day for due in outstanding):
        return "late_supply"
    if outstanding:
        return "on_order"
    return "not_ordered" if thresholds else "no_policy"


def shortages(session: Session, args: Args) -> Report:
    start, end = bounds(args.period, args.timezone)
    raw = Raw(session)
    incidents = session.execute(
        select(
            ShortageIncident.item_id,
            ShortageIncident.work_order,
            ShortageIncident.created_at,
            ShortageIncident.state,
            raw.col(ShortageIncident.qty_requested),
            raw.col(ShortageIncident.qty_available),
        ).where(ShortageIncident.created_at >= start, ShortageIncident.created_at < end)
    ).all()
    ids = {r[0] for r in incidents}
    facts = item_facts(session, ids)
    thresholds = {
        i: bool(s or r)
        for i, s, r in session.execute(
            select(Item.id, raw.col(Item.safety_stock), raw.col(Item.reorder_point)).where(
                Item.id.in_(list(ids))
            )
        )
    } if ids else {}  # fmt: skip
    pos: dict[int, list[tuple[datetime, date | None, datetime | None]]] = defaultdict(list)
    if ids:
        last_receipt = (
            select(GoodsReceipt.po_line_id, func.max(GoodsReceipt.created_at).label("at"))
            .group_by(GoodsReceipt.po_line_id)
            .subquery()
        )
        for item_id, ordered, due, state, done in session.execute(
            select(
                PurchaseOrderLine.item_id,
                PurchaseOrder.created_at,
                PurchaseOrder.expected_on,
                PurchaseOrderLine.state,
                last_receipt.c.at,
            )
            .join(PurchaseOrder, PurchaseOrder.id == PurchaseOrderLine.order_id)
            .outerjoin(last_receipt, last_receipt.c.po_line_id == PurchaseOrderLine.id)
            .where(PurchaseOrderLine.item_id.in_(list(ids)), PurchaseOrder.created_at < end)
        ):
            pos[item_id].append((ordered, due, None if state == "open" else done or ordered))
    groups: dict[tuple[int, str, str], list[Any]] = defaultdict(lambda: [0, ZERO, 0])
    causes: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for item_id, wo, at, state, req, avail in incidents:
        day = local_date(at, args.timezone)
        cause = shortage_cause(thresholds.get(item_id, False), pos[item_id], at, day)
        g = groups[(item_id, wo or "", cause)]
        g[0] += 1
        g[1] += raw.qty(req) - max(raw.qty(avail), ZERO)
        g[2] += state == "open"
        causes[cause][0] += 1
        causes[cause][1] += state == "open"
    rows = [
        (facts[i].code if i in facts else f"#{i}", facts[i].name if i in facts else "", wo,
         cause, n, short, facts[i].unit if i in facts else "", still)
        for (i, wo, cause), (n, short, still) in groups.items()
    ]  # fmt: skip
    rows.sort(key=lambda r: (-r[4], r[0], r[2]))
    order = ("late_supply", "on_order", "not_ordered", "no_policy")
    cause_rows = [(c, causes[c][0], causes[c][1]) for c in order if c in causes]
    return Report(
        "shortages",
        args.period,
        args.today,
        [
            Section("shortage_causes",
                    (Column("cause", "key"), Column("incidents", "count"), Column("open", "count")),
                    cause_rows, Chart("bar", "cause", ("incidents",)), {"n": len(incidents)}),
            Section("shortage_items",
                    (Column("item"), Column("name"), Column("work_order"), Column("cause", "key"),
                     Column("incidents", "count"), Column("short_qty", "qty"), Column("unit"),
                     Column("open", "count")),
                    rows),
        ],
    )  # fmt: skip


# --- movements ----------------------------------------------------------------------------------


def movements(session: Session, args: Args) -> Report:
    """Value in and out by day (every day of the period), category or warehouse. Transfers
    count by warehouse (they move stock between them) and not otherwise."""
    p = args.period
    raw = Raw(session)
    rows: list[tuple[Any, ...]]
    if args.by == "warehouse":
        start, end = bounds(p, args.timezone)
        value = raw.real(Movement.qty) * raw.real(Item.unit_cost)
        got = session.execute(
            select(
                Warehouse.code,
                func.sum(case((Movement.qty > ZERO, value), else_=0.0)),
                func.sum(case((Movement.qty < ZERO, -value), else_=0.0)),
                func.count(Movement.id),
            )
            .join(Item, Item.id == Movement.item_id)
            .join(Warehouse, Warehouse.id == Movement.warehouse_id)
            .where(Movement.created_at >= start, Movement.created_at < end)
            .group_by(Warehouse.code)
            .order_by(Warehouse.code)
        ).all()
        rows = [(w, cents(a and a * raw.real_scale), cents(b and b * raw.real_scale), n)
                for w, a, b, n in got]  # fmt: skip
        key, chart = "warehouse", Chart("bar", "warehouse", ("value_in", "value_out"))
    elif args.by == "category":
        got = session.execute(
            select(
                Item.category,
                func.sum(raw.real(ItemDaily.qty_in) * raw.real(Item.unit_cost)),
                func.sum(raw.real(ItemDaily.qty_out) * raw.real(Item.unit_cost)),
                func.count(func.distinct(ItemDaily.item_id)),
            )
            .join(Item, Item.id == ItemDaily.item_id)
            .where(ItemDaily.day >= p.first, ItemDaily.day <= p.last)
            .group_by(Item.category)
        ).all()
        rows = [(c or "-", cents(a and a * raw.real_scale), cents(b and b * raw.real_scale), n)
                for c, a, b, n in got]  # fmt: skip
        rows.sort(key=lambda r: -(r[1] + r[2]))
        key, chart = "category", Chart("bar", "category", ("value_in", "value_out"))
    else:
        rows = [(d, cents(a), cents(b)) for d, a, b in daily_values(session, p.first, p.last)]
        key, chart = "day", Chart("line", "day", ("value_in", "value_out"), limit=400)
    cols: tuple[Column, ...] = (
        Column(key, "date" if key == "day" else "text"),
        Column("value_in", "money"),
        Column("value_out", "money"),
    )
    if key != "day":
        cols += (Column("items" if key == "category" else "lines", "count"),)
    return Report("movements", p, args.today,
                  [Section("movements", cols, rows, chart, {"by": key})])  # fmt: skip
