"""Dynamic reorder policy: safety stock and reorder point from real usage and lead times.

    safety stock  = max daily usage × max lead time − average daily usage × average lead time
    reorder point = average daily usage × average lead time + safety stock

Daily usage is the item's net consumption (issues less returns, `item_daily.consumed`) on each
of the `window` complete days before today — a day without issues counts as 0. Lead times are
whole days from a purchase order's date to each receipt against it (factory calendar), the
latest `samples` of them. Both results are rounded *up* to a whole unit: a safety stock is a
floor, and 37.2 pcs cannot be counted.

`levels` is pure (tested with hand-computed numbers); `history` reads what it needs for many
items in two grouped queries, so the weekly recompute of 50,000 items stays in seconds.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import ROUND_CEILING, Decimal
from typing import Any

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from stockbot.reports.levels import Raw
from stockbot.reports.rules import ZERO
from stockbot.store.models import GoodsReceipt, ItemDaily, PurchaseOrder, PurchaseOrderLine
from stockbot.timeutil import local_date

ONE = Decimal(1)


@dataclass(slots=True)
class Basis:
    """The history one item's numbers come from."""

    window: int
    usage_days: int = 0
    total: Decimal = ZERO
    max_daily: Decimal = ZERO
    leads: list[int] = field(default_factory=list)

    @property
    def avg_daily(self) -> Decimal:
        return self.total / self.window if self.window else ZERO

    def as_json(self) -> dict[str, Any]:
        avg_lead = Decimal(sum(self.leads)) / len(self.leads) if self.leads else ZERO
        return {
            "window": self.window,
            "usage_days": self.usage_days,
            "avg": f"{self.avg_daily.quantize(Decimal('0.01')).normalize():f}",
            "max": f"{self.max_daily.normalize():f}",
            "receipts": len(self.leads),
            "avg_lead": f"{avg_lead.quantize(Decimal('0.1')).normalize():f}",
            "max_lead": max(self.leads, default=0),
        }


def levels(daily: Sequence[Decimal], leads: Sequence[int]) -> tuple[Decimal, Decimal]:
    """Pure: (safety stock, reorder point) from per-day usage over the window (zeros included)
    and lead times in days; see the module docstring."""
    if not daily or not leads:
        raise ValueError("needs at least one day of usage and one lead time")
    avg_u = sum(daily, ZERO) / len(daily)
    max_u = max(daily)
    avg_l = Decimal(sum(leads)) / len(leads)
    max_l = Decimal(max(leads))
    safety = max(max_u * max_l - avg_u * avg_l, ZERO)
    rop = avg_u * avg_l + safety
    return _up(safety), _up(rop)


def levels_from(basis: Basis) -> tuple[Decimal, Decimal]:
    """`levels` from a Basis (sum and max stand in for the whole day list)."""
    avg_l = Decimal(sum(basis.leads)) / len(basis.leads)
    max_l = Decimal(max(basis.leads))
    safety = max(basis.max_daily * max_l - basis.avg_daily * avg_l, ZERO)
    return _up(safety), _up(basis.avg_daily * avg_l + safety)


def _up(q: Decimal) -> Decimal:
    return q.to_integral_value(rounding=ROUND_CEILING)


def status(basis: Basis, min_usage_days: int, min_leads: int) -> str:
    """`ok`, or why the history is too little: `little_usage`, `few_receipts`."""
    if basis.usage_days < min_usage_days:
        return "little_usage"
    if len(basis.leads) < min_leads:
        return "few_receipts"
    return "ok"


def history(
    session: Session,
    item_ids: Iterable[int] | None,
    today: date,
    *,
    window: int,
    samples: int,
    timezone: str,
) -> dict[int, Basis]:
    """Per item: usage over the `window` complete days before today, and its latest `samples`
    lead times. `item_ids` None: every item with history."""
    raw = Raw(session)
    ids = None if item_ids is None else list(item_ids)
    out: dict[int, Basis] = defaultdict(lambda: Basis(window))
    first, last = today - timedelta(days=window), today - timedelta(days=1)
    used = raw.col(ItemDaily.consumed)
    stmt = (
        select(
            ItemDaily.item_id,
            func.sum(case((ItemDaily.consumed > ZERO, used), else_=0)),
            func.max(used),
            func.sum(case((ItemDaily.consumed > ZERO, 1), else_=0)),
        )
        .where(ItemDaily.day >= first, ItemDaily.day <= last)
        .group_by(ItemDaily.item_id)
    )
    leads_stmt = (
        select(PurchaseOrderLine.item_id, PurchaseOrder.created_at, GoodsReceipt.created_at)
        .join(PurchaseOrderLine, PurchaseOrderLine.id == GoodsReceipt.po_line_id)
        .join(PurchaseOrder, PurchaseOrder.id == PurchaseOrderLine.order_id)
        .where(GoodsReceipt.state != "rejected")
        .order_by(PurchaseOrderLine.item_id, GoodsReceipt.created_at.desc(), GoodsReceipt.id.desc())
    )
    for chunk in _chunks(ids):
        s1 = stmt if chunk is None else stmt.where(ItemDaily.item_id.in_(chunk))
        for i, total, peak, n in session.execute(s1):
            b = out[i]
            b.total, b.max_daily = raw.qty(total), max(raw.qty(peak), ZERO)
            b.usage_days = int(n or 0)
        s2 = leads_stmt if chunk is None else leads_stmt.where(PurchaseOrderLine.item_id.in_(chunk))
        for i, ordered, received in session.execute(s2):
            b = out[i]
            if len(b.leads) < samples:
                b.leads.append(
                    max(0, (local_date(received, timezone) - local_date(ordered, timezone)).days)
                )
    return dict(out)


def _chunks(ids: list[int] | None, size: int = 900) -> Iterable[list[int] | None]:
    if ids is None or len(ids) > 20 * size:
        yield None  # many items: one pass over everything is cheaper than IN lists
        return
    for k in range(0, len(ids), size):
        yield ids[k : k + size]
