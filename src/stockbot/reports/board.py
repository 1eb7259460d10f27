"""The live board's numbers: the morning summary (stock-outs, below safety, what waits, POs due,
the 30-day trend, the total value), the supplier report, plus what only the board shows —
value by category and by warehouse, and the open shortage incidents. Read-only, no text.

The board reuses those functions rather than computing its own versions, so the board, the
morning post and `/report suppliers` never disagree. Value by category/warehouse is summed in
SQL as floating point (qty × unit cost) and rounded to the cent, like the movements report; the
total is the summary's exact one.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from stockbot.reports.activity import suppliers
from stockbot.reports.inventory import Args
from stockbot.reports.levels import Raw, inventory_value, load_levels
from stockbot.reports.morning import (
    ItemRef,
    Summary,
    daily_values,
    item_refs,
    purchase_orders_due,
    shortfalls,
    waiting_documents,
)
from stockbot.reports.periods import parse_period
from stockbot.reports.rules import ZERO, cents
from stockbot.store.models import (
    Balance,
    Decision,
    Item,
    Posting,
    ShortageIncident,
    Warehouse,
)

SUPPLIER_DAYS = 90
SHORTAGE_ROWS = 50
TREND_DAYS = 30


@dataclass(slots=True)
class Share:
    """A slice of the stock: a category or a warehouse, its value and how many items."""

    name: str
    value: Decimal
    items: int


@dataclass(slots=True)
class OpenShortage:
    item: ItemRef
    work_order: str
    requested: Decimal
    available: Decimal
    since: datetime


@dataclass(slots=True)
class Board:
    today: date
    version: str
    summary: Summary
    by_category: list[Share] = field(default_factory=list)
    by_warehouse: list[Share] = field(default_factory=list)
    shortages: list[OpenShortage] = field(default_factory=list)
    shortages_total: int = 0
    suppliers: list[tuple[Any, ...]] = field(default_factory=list)
    """(supplier, receipts, on time 0–1 or None, QC pass 0–1 or None, lead days)."""


_VERSION = select(
    select(func.max(Posting.id)).scalar_subquery(),
    select(func.max(Decision.id)).scalar_subquery(),
    select(func.max(ShortageIncident.id)).scalar_subquery(),
    select(func.count()).where(ShortageIncident.state != "open").scalar_subquery(),
)


def version(session: Session, today: date) -> str:
    """What the board shows, as a mark that changes whenever it does, in any replica: the
    newest posting (stock moved), the newest decision (a document was raised or moved on: a
    request waits for approval, was approved), the shortage incidents opened and closed, and
    the factory's day (a purchase order falls overdue at midnight). Opaque to the browser."""
    posting, decision, opened, closed = session.execute(_VERSION).one()
    return f"{posting or 0}.{decision or 0}.{opened or 0}.{closed}.{today.isoformat()}"


def _shares(session: Session, key: Any, join: Any = None) -> list[Share]:
    raw = Raw(session)
    value = func.sum(raw.real(Balance.qty) * raw.real(Item.unit_cost))
    stmt = (
        select(key, value, func.count(func.distinct(Balance.item_id)))
        .join(Item, Item.id == Balance.item_id)
        .where(Balance.qty > ZERO, Item.active.is_(True))
        .group_by(key)
    )
    if join is not None:
        stmt = stmt.join(*join)
    rows = [
        Share(name or "-", cents(v and v * raw.real_scale), int(n))
        for name, v, n in session.execute(stmt)
    ]
    rows.sort(key=lambda r: (-r.value, -r.items, r.name))
    return rows


def open_shortages(session: Session, limit: int = SHORTAGE_ROWS) -> tuple[list[OpenShortage], int]:
    """The open shortage incidents, oldest first (at most `limit`), and how many there are."""
    raw = Raw(session)
    where = ShortageIncident.state == "open"
    total = int(
        session.scalar(select(func.count()).select_from(ShortageIncident).where(where)) or 0
    )
    rows = session.execute(
        select(
            ShortageIncident.item_id,
            ShortageIncident.work_order,
            raw.col(ShortageIncident.qty_requested),
            raw.col(ShortageIncident.qty_available),
            ShortageIncident.created_at,
        )
        .where(where)
        .order_by(ShortageIncident.created_at, ShortageIncident.id)
        .limit(limit)
    ).all()
    refs = item_refs(session, {r[0] for r in rows})
    out = [
        OpenShortage(refs[i], wo or "", raw.qty(req), raw.qty(avail), at)
        for i, wo, req, avail, at in rows
        if i in refs
    ]
    return out, total


Trend = list[tuple[date, float, float]]


def trend(session: Session, today: date, days: int = TREND_DAYS) -> Trend:
    """Value in and out per day over the `days` before today — the morning summary's trend.
    It does not change during the day, so the board computes it once a day."""
    return daily_values(session, today - timedelta(days=days), today - timedelta(days=1))


def board(session: Session, today: date, timezone: str, *, daily: Trend | None = None) -> Board:
    """Everything the board shows, for the factory's business day `today`: the morning
    summary's parts that a board shows (not its stale list, top consumers or yesterday's
    totals), by the same functions. `daily`: the day's `trend`, when already known."""
    s = Summary(today=today, yesterday=today - timedelta(days=1))
    levels = load_levels(session, supply=False)
    s.stockouts, s.below_safety = shortfalls(session, levels)
    s.pending_approvals, s.open_requests, s.qc_pending = waiting_documents(session)
    s.po_due_today, s.po_overdue = purchase_orders_due(session, today)
    s.inventory_value = inventory_value(levels)
    s.trend = daily if daily is not None else trend(session, today)
    b = Board(today=today, version=version(session, today), summary=s)
    b.by_category = _shares(session, Item.category)
    b.by_warehouse = _shares(
        session, Warehouse.code, (Warehouse, Warehouse.id == Balance.warehouse_id)
    )
    b.shortages, b.shortages_total = open_shortages(session)
    args = Args(today=today, period=parse_period(None, today, SUPPLIER_DAYS), timezone=timezone)
    b.suppliers = suppliers(session, args).sections[0].rows
    return b
