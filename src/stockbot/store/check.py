"""`stockbot check`: prove that every balance equals the sum of its ledger.

Like a beancount balance assertion, differences come back as values, not exceptions, so the
command can list them all and the scheduler can report them. So do stored quantities that cannot
be read exactly — a float where SQLite keeps integer millionths (what an overflowing sum turns
into), or a value beyond ±`MAX_QTY` — and ledger sums beyond the limit: the check reads the raw
column values and sums them without overflowing, so a damaged store is reported, not a traceback.
A balance whose row or ledger holds such a value is reported as unreadable, not compared.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    BigInteger,
    ColumnElement,
    Numeric,
    and_,
    func,
    literal,
    or_,
    select,
    type_coerce,
)
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session
from sqlalchemy.types import NullType

from stockbot.store.models import (
    Balance,
    Item,
    ItemDaily,
    ItemMonthly,
    Location,
    Movement,
    Warehouse,
)
from stockbot.store.types import MAX_QTY, MAX_RAW, SCALE, fmt_qty, in_range

ZERO = Decimal(0)
Key = tuple[int, int, int | None]


@dataclass(frozen=True, slots=True)
class Difference:
    item_code: str
    place: str
    batch_id: int | None
    balance: Decimal
    ledger: Decimal


@dataclass(frozen=True, slots=True)
class BadValue:
    """A stored quantity (or a ledger sum) that cannot be read exactly or exceeds ±MAX_QTY."""

    table: str
    column: str
    item_code: str
    where: str
    """The place (and batch) of a balance or movement, or the day (month) of a daily (monthly)
    total."""
    raw: str
    """The value as the database returned it."""
    reason: str

    def __str__(self) -> str:
        return (
            f"UNREADABLE {self.table}.{self.column} {self.item_code} @ {self.where}: "
            f"{self.raw} ({self.reason})"
        )


Finding = Difference | BadValue


def _raw(col: Any) -> ColumnElement[Any]:
    """The column as the driver returns it: no `Qty` result processing (which refuses floats)."""
    return type_coerce(col, NullType())


def _bad(col: Any, sqlite: bool) -> ColumnElement[bool]:
    raw = _raw(col)
    if sqlite:
        limit = literal(MAX_RAW, BigInteger())
        return and_(
            col.is_not(None),
            or_(func.typeof(col) != "integer", raw > limit, raw < -limit),
        )
    limit = literal(MAX_QTY, Numeric(24, SCALE))
    return or_(raw > limit, raw < -limit)


def _why(raw: Any, sqlite: bool) -> str:
    if sqlite and type(raw) is not int:
        return f"stored as {type(raw).__name__}, not exact millionths"
    return f"beyond ±{fmt_qty(MAX_QTY)}"


def _decode(raw: Any, sqlite: bool) -> Decimal | None:
    """Exact value of a raw column value or sum; None when it is not exact (a float)."""
    if sqlite:
        return Decimal(raw).scaleb(-SCALE) if type(raw) is int else None
    return Decimal(raw)


def _ledger_sums(session: Session, sqlite: bool) -> dict[Key, Any]:
    """Raw sum of movements per balance key. SQLite's sum() raises on a 64-bit overflow: then
    sum in Python (exact, unbounded integers), skipping the non-integer rows reported anyway."""
    cols = (Movement.item_id, Movement.location_id, Movement.batch_id)
    try:
        return {
            (i, loc, b): q
            for i, loc, b, q in session.execute(
                select(*cols, func.sum(_raw(Movement.qty))).group_by(*cols)
            )
        }
    except OperationalError:
        if not sqlite:
            raise
    sums: dict[Key, int] = {}
    for i, loc, b, q in session.execute(select(*cols, _raw(Movement.qty))):
        if type(q) is int:
            sums[(i, loc, b)] = sums.get((i, loc, b), 0) + q
    return sums


def check_balances(session: Session) -> list[Finding]:
    """Unreadable or out-of-range stored quantities, then every (item, location, batch) whose
    balance row differs from sum(movements)."""
    sqlite = session.get_bind().dialect.name == "sqlite"
    found: list[tuple[str, str, int, Key | None, str, Any]] = []
    """(table, column, item_id, balance key or None, day, raw value)"""
    for table, key_cols, columns in (
        ("balances", (Balance.location_id, Balance.batch_id), (Balance.qty,)),
        ("movements", (Movement.location_id, Movement.batch_id),
         (Movement.qty, Movement.unit_cost)),
        ("item_daily", (ItemDaily.day,), (ItemDaily.qty_in, ItemDaily.qty_out,
                                           ItemDaily.consumed)),
        ("item_monthly", (ItemMonthly.month,), (ItemMonthly.qty_in, ItemMonthly.qty_out,
                                                 ItemMonthly.consumed)),
    ):  # fmt: skip
        item_col = key_cols[0].table.c.item_id
        for col in columns:
            for item_id, *rest, raw in session.execute(
                select(item_col, *key_cols, _raw(col)).where(_bad(col, sqlite))
            ):
                key: Key | None = None
                day = ""
                if table.startswith("item_"):
                    day = str(rest[0])
                else:
                    key = (item_id, rest[0], rest[1])
                found.append((table, col.key, item_id, key, day, raw))
    unreadable = {f[3] for f in found if f[3] is not None and f[1] == "qty"}

    ledger: dict[Key, Decimal] = {}
    for k, raw in _ledger_sums(session, sqlite).items():
        if k not in unreadable and (q := _decode(raw, sqlite)) is not None:
            ledger[k] = q
            if not in_range(q):
                found.append(("movements", "sum(qty)", k[0], k, "", raw))
    balances: dict[Key, Decimal] = {}
    for i, loc, b, raw in session.execute(
        select(Balance.item_id, Balance.location_id, Balance.batch_id, _raw(Balance.qty))
    ):
        k = (i, loc, b)
        if k not in unreadable and (q := _decode(raw, sqlite)) is not None:
            balances[k] = balances.get(k, ZERO) + q
    bad = [
        k for k in ledger.keys() | balances.keys() if ledger.get(k, ZERO) != balances.get(k, ZERO)
    ]
    if not bad and not found:
        return []
    codes = _codes(session, {k[0] for k in bad} | {f[2] for f in found})
    places = {
        loc_id: (wh if code == "-" else f"{wh}/{code}")
        for loc_id, code, wh in session.execute(
            select(Location.id, Location.code, Warehouse.code).join(Warehouse)
        )
    }

    def where(key: Key | None, day: str) -> str:
        if key is None:
            return day
        place = places.get(key[1], str(key[1]))
        return place if key[2] is None else f"{place} batch#{key[2]}"

    values: list[BadValue] = sorted(
        (
            BadValue(
                table,
                column,
                codes.get(item_id, str(item_id)),
                where(key, day),
                str(raw),
                f"ledger sum beyond ±{fmt_qty(MAX_QTY)}"
                if column == "sum(qty)"
                else _why(raw, sqlite),
            )
            for table, column, item_id, key, day, raw in found
        ),
        key=lambda v: (v.table, v.column, v.item_code, v.where),
    )
    differences: list[Difference] = sorted(
        (
            Difference(
                codes.get(k[0], str(k[0])),
                places.get(k[1], str(k[1])),
                k[2],
                balances.get(k, ZERO),
                ledger.get(k, ZERO),
            )
            for k in bad
        ),
        key=lambda d: (d.item_code, d.place),
    )
    return [*values, *differences]


def _codes(session: Session, item_ids: Iterable[int]) -> dict[int, str]:
    wanted = sorted(set(item_ids))
    out: dict[int, str] = {}
    for n in range(0, len(wanted), 5000):
        for item_id, code in session.execute(
            select(Item.id, Item.code).where(Item.id.in_(wanted[n : n + 5000]))
        ):
            out[item_id] = code
    return out
