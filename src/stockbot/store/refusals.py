"""The words of the ledger's refusals beyond ±`MAX_QTY`: which item, where, what value. Looked
up only when refusing, so none of this is on the posting path (`store.ledger`)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import cast

from sqlalchemy import Connection, Table, select, tuple_

from stockbot.store.models import Batch, Item, ItemDaily, ItemMonthly, Location, Warehouse
from stockbot.store.posting import BalanceKey, QuantityLimitExceeded
from stockbot.store.types import MAX_QTY

ZERO = Decimal(0)
_MIN_QTY = -MAX_QTY
_daily = cast(Table, ItemDaily.__table__)
_monthly = cast(Table, ItemMonthly.__table__)
TOTALS = ("qty_in", "qty_out", "consumed")


def over_limit(
    conn: Connection, item_id: int, what: str, value: Decimal, key: BalanceKey | None = None
) -> QuantityLimitExceeded:
    """The refusal for a value beyond ±MAX_QTY (looked up only when refusing)."""
    code = conn.execute(select(Item.code).where(Item.id == item_id)).scalar()
    place = ""
    if key is not None:
        loc = conn.execute(
            select(Location.code, Warehouse.code)
            .join(Warehouse, Warehouse.id == Location.warehouse_id)
            .where(Location.id == key[1])
        ).first()
        if loc is not None:
            place = loc[1] if loc[0] == "-" else f"{loc[1]}/{loc[0]}"
        if key[2] is not None:
            lot = conn.execute(select(Batch.lot).where(Batch.id == key[2])).scalar()
            place = f"{place} batch {lot}"
    return QuantityLimitExceeded(item_id, code or f"#{item_id}", what, value, place)


def totals(
    conn: Connection,
    orig: BaseException | None,
    what: str,
    totals: dict[int, list[Decimal]],
    day: date,
) -> QuantityLimitExceeded:
    """The refusal for a daily or monthly total the trigger found beyond the limit. PostgreSQL
    has aborted the transaction, so its trigger names the item, value and code in the error's
    detail; SQLite undid the statement (the savepoint, for several items) and the transaction
    goes on, so the totals are read as they were and this posting's contribution added: the
    first item, in the order the rows were written, whose total crosses is the one refused."""
    detail = getattr(getattr(orig, "diag", None), "message_detail", None)
    if detail:
        item_id, value, code = [*detail.split(" ", 2), "", ""][:3]
        return QuantityLimitExceeded(int(item_id), code or f"#{item_id}", what, Decimal(value))
    table, key = (_daily, day) if what == "daily total" else (_monthly, day.replace(day=1))
    period = table.c.day if table is _daily else table.c.month
    stored = {
        i: (a, b, c)
        for i, a, b, c in conn.execute(
            select(table.c.item_id, *(table.c[k] for k in TOTALS)).where(
                tuple_(table.c.item_id, period).in_([(i, key) for i in sorted(totals)])
            )
        )
    }
    worst: tuple[Decimal, int] = (ZERO, min(totals))  # (not reached: the trigger refused one)
    for i, add in sorted(totals.items()):
        for before, more in zip(stored.get(i, (ZERO, ZERO, ZERO)), add, strict=True):
            v = before + more
            if v > MAX_QTY or v < _MIN_QTY:
                return over_limit(conn, i, what, v)
            worst = max(worst, (abs(v), i))
    return over_limit(conn, worst[1], what, worst[0])
