"""Per-item sums of the daily totals over any range of days, read from the monthly roll-up.

`item_daily` has a row per item and day it moved; summing ninety days of them for 50,000 items
was most of what turnover, ABC, cover and the shortage scan cost. The posting path also keeps
`item_monthly` (the same totals per calendar month), so a range is answered as: the whole months
inside it from `item_monthly`, and each month it only partly covers either from its days in
`item_daily` or — when the range covers most of that month — as the month's row *minus* the few
days left out. Sums are exact either way (integer millionths on SQLite, numerics on PostgreSQL),
so every figure equals the plain daily sum.
"""

from __future__ import annotations

import calendar
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sqlalchemy import Select, select, union_all
from sqlalchemy.orm import Session

from stockbot.reports.raw import Raw
from stockbot.store.models import ItemDaily, ItemMonthly

COLUMNS = ("qty_in", "qty_out", "consumed")
MONTH_ROW_COST = 3
"""A month's row costs about as much to read as this many days of daily rows (an item moves on
a few days of each month); a partial month is read as month − left-out days when that is fewer."""


@dataclass(frozen=True, slots=True)
class Piece:
    table: str  # "daily" or "monthly"
    first: date
    last: date
    sign: int


def _month_end(d: date) -> date:
    return d.replace(day=calendar.monthrange(d.year, d.month)[1])


def plan(first: date, last: date) -> list[Piece]:
    """The pieces whose signed sum is the sum over [first, last] (pure; adjacent pieces of the
    same kind and sign merged, so a range is rarely more than four index range scans)."""
    pieces: list[Piece] = []
    m0 = first.replace(day=1)
    while m0 <= last:
        m1 = _month_end(m0)
        lo, hi = max(first, m0), min(last, m1)
        inside = (hi - lo).days + 1
        outside = (m1 - m0).days + 1 - inside
        if outside == 0:
            pieces.append(Piece("monthly", m0, m0, 1))
        elif outside + MONTH_ROW_COST < inside:
            pieces.append(Piece("monthly", m0, m0, 1))
            if lo > m0:
                pieces.append(Piece("daily", m0, lo - timedelta(days=1), -1))
            if hi < m1:
                pieces.append(Piece("daily", hi + timedelta(days=1), m1, -1))
        else:
            pieces.append(Piece("daily", lo, hi, 1))
        m0 = m1 + timedelta(days=1)
    if not pieces:  # an empty range: one daily piece that matches nothing
        return [Piece("daily", first, last, 1)]
    merged: list[Piece] = []
    for p in sorted(pieces, key=lambda p: (p.table, p.sign, p.first)):
        prev = merged[-1] if merged else None
        adjacent = prev is not None and (
            prev.last + timedelta(days=1) == p.first
            if p.table == "daily"
            else _month_end(prev.last) + timedelta(days=1) == p.first
        )
        if prev is not None and prev.table == p.table and prev.sign == p.sign and adjacent:
            merged[-1] = Piece(p.table, prev.first, p.last, p.sign)
        else:
            merged.append(p)
    return merged


def range_sums(
    session: Session, first: date, last: date, columns: Sequence[str] = COLUMNS
) -> Select[Any]:
    """`SELECT item_id, sum(col)… GROUP BY item_id` over the days [first, last], as stored
    (see `levels.Raw`); callers may add `.having(...)`, `.order_by(...)`, `.limit(...)`.
    The sums are labelled by column name; an item may come back with zero sums."""
    raw = Raw(session)
    parts = []
    for p in plan(first, last):
        t: Any = ItemDaily if p.table == "daily" else ItemMonthly
        key = t.day if p.table == "daily" else t.month
        cols = [raw.col(getattr(t, c)) for c in columns]
        signed = [(c if p.sign > 0 else -c).label(n) for c, n in zip(cols, columns, strict=True)]
        parts.append(select(t.item_id, *signed).where(key >= p.first, key <= p.last))
    rows = union_all(*parts).subquery("d") if len(parts) > 1 else parts[0].subquery("d")
    return select(rows.c.item_id, *(raw.sum(rows.c[c]).label(c) for c in columns)).group_by(
        rows.c.item_id
    )
