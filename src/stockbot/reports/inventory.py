"""Reports on the stock itself: turnover (库存周转), ageing (库龄) with the stale list (呆滞料),
ABC classes and days of cover (可用天数). Pure functions of a session and `Args`, returning a
`Report`; they read the balances and the per-item daily totals (`item_daily`), never the raw
ledger, through the aggregations they share with the morning summary (`levels`, `morning`).

Money is exact: quantities summed per item in SQL, multiplied by the item's unit cost as
Decimals. Stock is valued at the item's current unit cost.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from stockbot.reports.levels import Levels, Raw, load_levels, usage_totals
from stockbot.reports.morning import stale_report
from stockbot.reports.periods import Period
from stockbot.reports.rollup import range_sums
from stockbot.reports.rules import CENT, ZERO
from stockbot.reports.tables import Chart, Column, Report, Section, share
from stockbot.store.models import Balance, Batch, Item, ItemDaily, PurchaseOrder, PurchaseOrderLine

TOTAL = "Σ"
AGE_BUCKETS: tuple[tuple[str, int, int | None], ...] = (
    ("0_30", 0, 30),
    ("31_90", 31, 90),
    ("91_180", 91, 180),
    ("180_plus", 181, None),
)


@dataclass(slots=True)
class Args:
    """What every report may be asked: the period, the day it is, and the few settings."""

    today: date
    period: Period
    timezone: str = "Asia/Shanghai"
    stale_days: int = 180
    usage_window_days: int = 30
    abc_split: tuple[Decimal, Decimal, Decimal] = (Decimal(80), Decimal(15), Decimal(5))
    by: str = "day"
    options: dict[str, Any] = field(default_factory=dict)


@dataclass(slots=True)
class ItemFacts:
    code: str
    name: str
    unit: str
    category: str
    cost: Decimal


def item_facts(session: Session, ids: set[int] | None = None) -> dict[int, ItemFacts]:
    """Code, name, unit, category and unit cost of the items (all active ones by default)."""
    raw = Raw(session)
    stmt = select(
        Item.id, Item.code, Item.name, Item.unit, Item.category, raw.col(Item.unit_cost)
    ).where(Item.active.is_(True))
    if ids is not None:
        if not ids:
            return {}
        stmt = stmt.where(Item.id.in_(list(ids))) if len(ids) < 900 else stmt
    return {
        i: ItemFacts(code, name, unit, category or "", raw.qty(cost))
        for i, code, name, unit, category, cost in session.connection().execute(stmt)
        if ids is None or i in ids
    }


def period_totals(session: Session, first: date, last: date) -> dict[int, tuple[Any, Any, Any]]:
    """Per item over [first, last]: (in, out, consumed) as stored — the shared aggregation of
    turnover, ABC and the opening/closing stock."""
    rows = session.connection().execute(range_sums(session, first, last))
    return {i: (a or 0, b or 0, c or 0) for i, a, b, c in rows}


def money(qty: Decimal, cost: Decimal) -> Decimal:
    return (qty * cost).quantize(CENT, ROUND_HALF_UP)


# --- turnover ---------------------------------------------------------------------------------


def turnover(session: Session, args: Args) -> Report:
    """Per category and overall: average stock value (opening and closing of the period),
    value consumed, turnover (consumed ÷ average stock) and days of inventory
    (average stock ÷ consumed × days in the period)."""
    p = args.period
    raw = Raw(session)
    facts = item_facts(session)
    levels = load_levels(session, supply=False)
    after = period_totals(session, p.last + timedelta(days=1), args.today + timedelta(days=3650))
    within = period_totals(session, p.first, p.last)
    avg: dict[str, Decimal] = defaultdict(Decimal)
    used: dict[str, Decimal] = defaultdict(Decimal)
    for i, f in facts.items():
        now = levels.on_hand.get(i, 0)
        a_in, a_out, _ = after.get(i, (0, 0, 0))
        w_in, w_out, w_used = within.get(i, (0, 0, 0))
        closing = raw.qty(now - a_in + a_out)
        opening = closing - raw.qty(w_in - w_out)
        if closing or opening:
            avg[f.category] += (max(opening, ZERO) + max(closing, ZERO)) / 2 * f.cost
        if w_used:
            used[f.category] += raw.qty(w_used) * f.cost
    rows = [_turnover_row(c, avg[c], used[c], p.days) for c in sorted(set(avg) | set(used))]
    rows.sort(key=lambda r: r[2], reverse=True)
    rows.append(_turnover_row(TOTAL, sum(avg.values(), ZERO), sum(used.values(), ZERO), p.days))
    cols = (
        Column("category"),
        Column("avg_value", "money"),
        Column("used_value", "money"),
        Column("turnover", "ratio"),
        Column("days_of_inventory", "days"),
    )
    chart = Chart("bar", "category", ("days_of_inventory",))
    return Report("turnover", p, args.today, [Section("turnover", cols, rows, chart)])


def _turnover_row(category: str, avg: Decimal, used: Decimal, days: int) -> tuple[Any, ...]:
    turns = (used / avg).quantize(Decimal("0.01")) if avg else None
    doi = (avg / used * days).quantize(Decimal("0.1")) if used else None
    return (category or "-", avg.quantize(CENT, ROUND_HALF_UP), used.quantize(CENT), turns, doi)


# --- ageing -------------------------------------------------------------------------------------


def ageing(session: Session, args: Args) -> Report:
    """Stock value by age: a batch is as old as its receipt; stock without a batch is aged
    first-in-first-out against the item's daily receipts (what is left is the latest in).
    Stock no receipt in the last 180 days explains is 180+. Then the stale list."""
    today = args.today
    raw = Raw(session)
    facts = item_facts(session)
    by_bucket: dict[str, list[Any]] = {b: [set(), ZERO] for b, _, _ in AGE_BUCKETS}

    def add(item_id: int, qty: Decimal, received: date | None) -> None:
        f = facts.get(item_id)
        if f is None or qty <= 0:
            return
        age = (today - received).days if received else 10**6
        for name, low, high in AGE_BUCKETS:
            if age >= low and (high is None or age <= high):
                by_bucket[name][0].add(item_id)
                by_bucket[name][1] += qty * f.cost
                return
        by_bucket["0_30"][0].add(item_id)  # received "in the future": a clock skew
        by_bucket["0_30"][1] += qty * f.cost

    for item_id, received, qty in session.connection().execute(
        select(Batch.item_id, Batch.received_on, raw.sum(Balance.qty))
        .join(Balance, Balance.batch_id == Batch.id)
        .group_by(Batch.item_id, Batch.received_on)
    ):
        add(item_id, raw.qty(qty), received)
    loose = {
        i: q
        for i, q in session.connection().execute(
            select(Balance.item_id, raw.sum(Balance.qty))
            .where(Balance.batch_id.is_(None))
            .group_by(Balance.item_id)
        )
        if q is not None and q > 0
    }
    horizon = today - timedelta(days=AGE_BUCKETS[-1][1])
    receipts = session.connection().execute(
        select(ItemDaily.item_id, ItemDaily.day, raw.col(ItemDaily.qty_in)).where(
            ItemDaily.day >= horizon, ItemDaily.qty_in > ZERO
        )
    )  # read from the covering day index, sorted here: an ORDER BY made SQLite walk the table
    for item_id, day, qty_in in sorted(receipts, key=lambda r: (r[0], -r[1].toordinal())):
        left = loose.get(item_id)
        if not left:
            continue
        take = min(left, qty_in)
        loose[item_id] = left - take
        add(item_id, raw.qty(take), day)
    for item_id, left in loose.items():
        if left > 0:
            add(item_id, raw.qty(left), None)
    total = sum((v for _, v in by_bucket.values()), ZERO)
    rows = [
        (name, len(ids), value.quantize(CENT, ROUND_HALF_UP), share(value, total))
        for name, (ids, value) in by_bucket.items()
    ]
    cols = (Column("age", "key"), Column("items", "count"), Column("value", "money"),
            Column("share", "percent"))  # fmt: skip
    n, value, stale = stale_report(session, today, args.stale_days, limit=200)
    stale_rows = [(r.code, r.name, q, r.unit, v, last) for r, q, v, last in stale]
    stale_cols = (
        Column("item"), Column("name"), Column("on_hand", "qty"), Column("unit"),
        Column("value", "money"), Column("last_out", "date"),
    )  # fmt: skip
    return Report(
        "ageing",
        None,
        today,
        [
            Section("ageing", cols, rows, Chart("bar", "age", ("value",))),
            Section(
                "stale",
                stale_cols,
                stale_rows,
                None,
                {"days": args.stale_days, "n": n, "value": value},
            ),
        ],
    )


# --- ABC ----------------------------------------------------------------------------------------


def abc_classes(
    values: list[tuple[int, Decimal]], split: tuple[Decimal, Decimal, Decimal]
) -> dict[int, str]:
    """Pure: class per item by consumption value, most valuable first. An item is A while the
    share of value *before* it is under split[0] %, B under split[0] + split[1] %, else C (so
    the item that crosses 80 % is still A). Items with no value are C."""
    total = sum((v for _, v in values), ZERO)
    a, b = split[0] / 100, (split[0] + split[1]) / 100
    out: dict[int, str] = {}
    before = ZERO
    for item_id, v in sorted(values, key=lambda r: (-r[1], r[0])):
        frac = before / total if total else Decimal(1)
        out[item_id] = "A" if v > 0 and frac < a else "B" if v > 0 and frac < b else "C"
        before += v
    return out


def abc(session: Session, args: Args) -> Report:
    p = args.period
    raw = Raw(session)
    facts = item_facts(session)
    within = period_totals(session, p.first, p.last)
    values = [
        (i, money(raw.qty(within[i][2]), f.cost) if i in within and within[i][2] > 0 else ZERO)
        for i, f in facts.items()
    ]
    classes = abc_classes(values, args.abc_split)
    total = sum((v for _, v in values), ZERO)
    counts: dict[str, list[Any]] = {c: [0, ZERO] for c in "ABC"}
    for i, v in values:
        counts[classes[i]][0] += 1
        counts[classes[i]][1] += v
    n_items = len(values)
    rows = [
        (c, n, v, share(v, total), share(Decimal(n), Decimal(n_items)))
        for c, (n, v) in counts.items()
    ]
    cols = (Column("class"), Column("items", "count"), Column("used_value", "money"),
            Column("value_share", "percent"), Column("item_share", "percent"))  # fmt: skip
    ranked = sorted((r for r in values if r[1] > 0), key=lambda r: (-r[1], r[0]))
    running = ZERO
    item_rows = []
    for i, v in ranked:
        running += v
        f = facts[i]
        item_rows.append((f.code, f.name, classes[i], v, share(running, total)))
    item_cols = (Column("item"), Column("name"), Column("class"), Column("used_value", "money"),
                 Column("cumulative", "percent"))  # fmt: skip
    split = "/".join(f"{x.normalize():f}" for x in args.abc_split)
    return Report(
        "abc",
        p,
        args.today,
        [
            Section("abc", cols, rows, Chart("bar", "class", ("used_value",)), {"split": split}),
            Section("abc_items", item_cols, item_rows),
        ],
    )


# --- days of cover ------------------------------------------------------------------------------


def cover(session: Session, args: Args) -> Report:
    """Days of cover = available ÷ average daily usage over the window, shortest first, with
    what is on order and when the next of it is expected. Items nobody uses are left out."""
    window = args.period.days
    levels: Levels = load_levels(session)
    raw = levels.raw
    usage = usage_totals(session, args.today, window)
    facts = item_facts(session, set(usage))
    arrivals = next_arrivals(session)
    rows = []
    for i, used in usage.items():
        f = facts.get(i)
        if f is None:
            continue
        daily = raw.qty(used) / window
        avail = raw.qty(levels.available(i))
        days = (max(avail, ZERO) / daily).quantize(Decimal("0.1"))
        rows.append((f.code, f.name, avail, f.unit, daily.quantize(Decimal("0.01")), days,
                     raw.qty(levels.on_order.get(i, 0)), arrivals.get(i)))  # fmt: skip
    rows.sort(key=lambda r: (r[5], r[0]))
    cols = (
        Column("item"), Column("name"), Column("available", "qty"), Column("unit"),
        Column("daily_usage", "qty"), Column("cover_days", "days"),
        Column("on_order", "qty"), Column("next_arrival", "date"),
    )  # fmt: skip
    chart = Chart("barh", "item", ("cover_days",))
    return Report("cover", args.period, args.today,
                  [Section("cover", cols, rows, chart, {"window": window})])  # fmt: skip


def next_arrivals(session: Session) -> dict[int, date]:
    """Per item, the earliest expected date of an open purchase order line still to come."""
    out: dict[int, date] = {}
    for item_id, expected in session.connection().execute(
        select(PurchaseOrderLine.item_id, PurchaseOrder.expected_on)
        .join(PurchaseOrder, PurchaseOrder.id == PurchaseOrderLine.order_id)
        .where(
            PurchaseOrderLine.state == "open",
            PurchaseOrder.state == "open",
            PurchaseOrder.expected_on.is_not(None),
        )
    ):
        if expected is not None and (item_id not in out or expected < out[item_id]):
            out[item_id] = expected
    return out
