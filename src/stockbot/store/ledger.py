"""The one posting path. Every stock change in stockbot goes through `post()`.

In one transaction (the caller's), `post()`:
1. inserts the posting header; a repeated idempotency key inserts nothing and returns the first
   posting's result with `already_done=True` — a retried command or a redelivered event changes
   stock once;
2. applies the net change per balance row (item, location, batch) in a fixed order with
   `UPDATE … RETURNING` (a row lock on PostgreSQL; SQLite holds the write lock already), so
   concurrent postings serialise per balance and cannot deadlock;
3. refuses a result below zero, unless the item allows negative stock, with `InsufficientStock`
   naming the item, the place and the shortfall; the caller's transaction then rolls back, so a
   refusal writes nothing;
4. appends the movement rows and adds to the per-item daily totals in one upsert; the
   database adds each change of a day to its month (`item_monthly`, a trigger on `item_daily`:
   migration 0017), inside that same statement;
5. refuses, with `QuantityLimitExceeded`, a line, a resulting balance, or a resulting daily or
   monthly total beyond ±`MAX_QTY` (see `store/types.py`): SQLite would otherwise turn the sum
   into a float. Lines and balances are checked here on values the posting computes or reads
   back anyway; the totals by the trigger, which refuses the upsert (`store.refusals`);
6. emits `StockPosted` into the unit of work (`store.events`): shortage warnings and other
   reactions are subscribed there by the process wiring, never hooked in at import time.

It is SQLAlchemy Core on purpose: the ORM's unit of work costs several times more per movement,
and this is the hot path. Nothing here updates or deletes a movement; `reverse()` posts the
opposite movements instead.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from contextlib import nullcontext
from datetime import date, datetime
from decimal import Decimal
from functools import lru_cache
from typing import cast

from sqlalchemy import Connection, Table, bindparam, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import DBAPIError

from stockbot.store.db import DEFAULT_TIMEZONE
from stockbot.store.events import StockPosted, emit, net_moves, unit_of_work
from stockbot.store.models import (
    Balance,
    Batch,
    Item,
    ItemDaily,
    Location,
    Movement,
    MovementKind,
    Posting,
    Warehouse,
)
from stockbot.store.posting import (
    AlreadyReversed,
    BalanceKey,
    InsufficientStock,
    Line,
    Meta,
    PostingError,
    PostingResult,
    QuantityLimitExceeded,
    totals_refusal,
)
from stockbot.store.refusals import TOTALS
from stockbot.store.refusals import over_limit as _over_limit
from stockbot.store.refusals import totals as _totals_refusal
from stockbot.store.types import MAX_QTY, Qty, to_decimal
from stockbot.timeutil import local_date, utcnow

__all__ = [
    "AlreadyReversed",
    "InsufficientStock",
    "Line",
    "Meta",
    "PostingError",
    "PostingResult",
    "QuantityLimitExceeded",
    "business_day",
    "post",
    "reverse",
]

ZERO = Decimal(0)
_MIN_QTY = -MAX_QTY
BULK_THRESHOLD = 16
"""Postings touching more balance rows than this take the executemany path."""
# Declarative classes type `__table__` as a FromClause; ours are always Tables.
_postings = cast(Table, Posting.__table__)
_movements = cast(Table, Movement.__table__)
_balances = cast(Table, Balance.__table__)
_daily = cast(Table, ItemDaily.__table__)
_TRANSFERS = {MovementKind.TRANSFER_IN.value, MovementKind.TRANSFER_OUT.value}


def business_day(at: datetime, timezone: str) -> date:
    """The factory's calendar day for a timestamp (daily totals follow the factory's clock)."""
    return local_date(at, timezone)


def _insert(conn: Connection, table: Table) -> sqlite.Insert | postgresql.Insert:
    return (sqlite.insert if conn.dialect.name == "sqlite" else postgresql.insert)(table)


class _Statements:
    """The posting path's statements, built once per dialect with bind parameters: building
    and cache-keying a SQLAlchemy statement per call cost more than executing it."""

    def __init__(self, dialect: str) -> None:
        ins = sqlite.insert if dialect == "sqlite" else postgresql.insert
        c = _balances.c
        qty = bindparam("d", type_=Qty())
        self.posting = (
            ins(_postings)
            .values({col: bindparam(col) for col in (
                "idempotency_key", "kind", "actor_id", "created_at", "doc_type", "doc_id",
                "chat_platform", "chat_id", "message_id", "note",
            )})
            .on_conflict_do_nothing(index_elements=["idempotency_key"])
            .returning(_postings.c.id)
        )  # fmt: skip
        same = (c.item_id == bindparam("i")) & (c.location_id == bindparam("l"))
        change = {"qty": c.qty + qty, "updated_at": bindparam("now")}
        self.bump_unbatched = (
            _balances.update().where(same & c.batch_id.is_(None)).values(change).returning(c.qty)
        )
        self.bump_batched = (
            _balances.update()
            .where(same & (c.batch_id == bindparam("b")))
            .values(change)
            .returning(c.qty)
        )
        loc = select(Location.id, Location.warehouse_id)
        self.location_one = loc.where(Location.id == bindparam("loc"))
        self.location_many = loc.where(Location.id.in_(bindparam("locs", expanding=True)))
        # executemany cannot return rows from an UPDATE: the bulk path reads them back after
        self.bump_unbatched_many = (
            _balances.update().where(same & c.batch_id.is_(None)).values(change)
        )
        self.bump_batched_many = (
            _balances.update().where(same & (c.batch_id == bindparam("b"))).values(change)
        )
        self.new_balance = (
            ins(_balances)
            .values(
                item_id=bindparam("i"), warehouse_id=bindparam("w"), location_id=bindparam("l"),
                batch_id=bindparam("b"), qty=bindparam("zero", type_=Qty()),
                updated_at=bindparam("now"),
            )
            .on_conflict_do_nothing()
        )  # fmt: skip
        self.movements = _movements.insert().returning(
            _movements.c.id, sort_by_parameter_order=True
        )
        # SQLite cannot order a many-row RETURNING (SQLAlchemy sends it one INSERT per row):
        # there several lines go in as one executemany, their ids read back by line number
        self.movements_many = _movements.insert()
        # add (in, out, consumed) to the item's day, creating the row; the trigger does the
        # month and refuses either beyond the limit, so nothing needs reading back
        daily = ins(_daily).values(
            item_id=bindparam("i"), day=bindparam("day"), qty_in=bindparam("qin", type_=Qty()),
            qty_out=bindparam("qout", type_=Qty()), consumed=bindparam("used", type_=Qty()),
        )  # fmt: skip
        self.daily = daily.on_conflict_do_update(
            index_elements=["item_id", "day"],
            set_={k: _daily.c[k] + daily.excluded[k] for k in TOTALS},
        )


@lru_cache(maxsize=4)
def _stmts(dialect: str) -> _Statements:
    return _Statements(dialect)


def _warehouses_of(conn: Connection, location_ids: Iterable[int]) -> dict[int, int]:
    """location → warehouse, one indexed query with a prepared statement. (Not cached: SQLite
    reuses the id of a location whose creating transaction rolled back, so a cache could book
    stock to the wrong warehouse.)"""
    wanted = set(location_ids)
    st = _stmts(conn.dialect.name)
    if len(wanted) == 1:
        (only,) = wanted
        out = dict(conn.execute(st.location_one, {"loc": only}).all())
    else:
        out = dict(conn.execute(st.location_many, {"locs": sorted(wanted)}).all())
    if unknown := wanted - set(out):
        raise PostingError(f"unknown location id(s): {sorted(unknown)}")
    return out


def _existing(conn: Connection, key: str) -> PostingResult:
    pid = conn.execute(select(Posting.id).where(Posting.idempotency_key == key)).scalar_one()
    return PostingResult(pid, _movement_ids(conn, pid), already_done=True)


def _movement_ids(conn: Connection, pid: int) -> tuple[int, ...]:
    stmt = select(Movement.id).where(Movement.posting_id == pid).order_by(Movement.line_no)
    return tuple(conn.execute(stmt).scalars())


def post(conn: Connection, meta: Meta, lines: Sequence[Line]) -> PostingResult:
    """Post `lines` atomically within the caller's transaction (see module docstring).

    Raises `InsufficientStock` or `PostingError`; the caller must then roll back (the
    `Database.write()` unit of work does so when the exception leaves its block).
    """
    if not lines:
        raise PostingError("a posting needs at least one movement")
    if not meta.idempotency_key or len(meta.idempotency_key) > 200:
        raise PostingError("a posting needs an idempotency key of at most 200 characters")
    clean: list[Line] = []
    for ln in lines:
        qty = to_decimal(ln.qty)
        if qty == ZERO:
            raise PostingError("a movement of zero changes nothing")
        if qty > MAX_QTY or qty < _MIN_QTY:
            raise _over_limit(conn, ln.item_id, "line", qty)
        cost = None if ln.unit_cost is None else to_decimal(ln.unit_cost)
        if cost is not None and cost < ZERO:
            raise PostingError("unit cost cannot be negative")
        if cost is not None and cost > MAX_QTY:
            raise _over_limit(conn, ln.item_id, "unit cost", cost)
        clean.append(
            Line(
                ln.item_id,
                ln.location_id,
                qty,
                MovementKind(ln.kind),
                ln.batch_id,
                cost,
                ln.reverses_movement_id,
                ln.warehouse_id,
            )
        )

    now = utcnow()
    st = _stmts(conn.dialect.name)
    pid = conn.execute(
        st.posting,
        {
            "idempotency_key": meta.idempotency_key, "kind": meta.kind,
            "actor_id": meta.actor_id, "created_at": now, "doc_type": meta.doc_type,
            "doc_id": meta.doc_id, "chat_platform": meta.chat_platform,
            "chat_id": meta.chat_id, "message_id": meta.message_id, "note": meta.note,
        },
    ).scalar()  # fmt: skip
    if pid is None:
        return _existing(conn, meta.idempotency_key)

    wh_of = {ln.location_id: ln.warehouse_id for ln in clean if ln.warehouse_id is not None}
    if len(wh_of) < len({ln.location_id for ln in clean}):
        wh_of = _warehouses_of(conn, (ln.location_id for ln in clean))

    # Net change per balance row, applied in ONE global order (unbatched rows first, then by
    # item, location, batch) by both paths below, so two postings never deadlock.
    deltas: dict[BalanceKey, Decimal] = defaultdict(Decimal)
    for ln in clean:
        deltas[(ln.item_id, ln.location_id, ln.batch_id)] += ln.qty
    if len(deltas) < len(clean):  # several lines on one balance: their sum is one bind value
        for key, delta in deltas.items():
            if delta > MAX_QTY or delta < _MIN_QTY:
                raise _over_limit(conn, key[0], "line", delta, key)
    keys = sorted(deltas, key=lambda k: (k[2] is not None, k[0], k[1], k[2] or 0))
    if len(keys) <= BULK_THRESHOLD:
        after = {k: _apply(conn, st, k, wh_of[k[1]], deltas[k], now) for k in keys}
    else:
        after = _apply_many(conn, st, keys, wh_of, deltas, now)
    for key in keys:
        new_qty = after[key]
        if new_qty < ZERO and deltas[key] < ZERO:
            _refuse_unless_allowed(conn, key, new_qty, deltas[key])
        if new_qty > MAX_QTY or new_qty < _MIN_QTY:
            raise _over_limit(conn, key[0], "balance", new_qty, key)

    rows = [
        {
            "posting_id": pid,
            "line_no": n,
            "kind": ln.kind.value,
            "item_id": ln.item_id,
            "warehouse_id": wh_of[ln.location_id],
            "location_id": ln.location_id,
            "batch_id": ln.batch_id,
            "qty": ln.qty,
            "unit_cost": ln.unit_cost,
            "reverses_movement_id": ln.reverses_movement_id,
            "actor_id": meta.actor_id,
            "created_at": now,
        }
        for n, ln in enumerate(clean, start=1)
    ]
    if len(rows) > 1 and conn.dialect.name == "sqlite":
        conn.execute(st.movements_many, rows)
        movement_ids = _movement_ids(conn, pid)
    else:
        movement_ids = tuple(conn.execute(st.movements, rows).scalars())
    uow = unit_of_work(conn)
    _bump_daily(conn, st, clean, business_day(now, uow.timezone if uow else DEFAULT_TIMEZONE))
    down, up = net_moves(clean)
    if down or up:
        emit(conn, StockPosted(pid, meta.kind, down, up))
    return PostingResult(pid, movement_ids, already_done=False, balances=after)


def _apply(
    conn: Connection,
    st: _Statements,
    key: BalanceKey,
    warehouse_id: int,
    delta: Decimal,
    now: datetime,
) -> Decimal:
    """Add `delta` to one balance row (creating it at zero first) and return the new quantity."""
    item_id, location_id, batch_id = key
    params = {"i": item_id, "l": location_id, "d": delta, "now": now}
    stmt = st.bump_unbatched
    if batch_id is not None:
        stmt, params["b"] = st.bump_batched, batch_id
    new_qty = conn.execute(stmt, params).scalar()
    if new_qty is None:
        conn.execute(
            st.new_balance,
            {"i": item_id, "w": warehouse_id, "l": location_id, "b": batch_id, "zero": ZERO,
             "now": now},
        )  # fmt: skip
        new_qty = conn.execute(stmt, params).scalar_one()
    return new_qty


def _apply_many(
    conn: Connection,
    st: _Statements,
    keys: list[BalanceKey],
    wh_of: dict[int, int],
    deltas: dict[BalanceKey, Decimal],
    now: datetime,
) -> dict[BalanceKey, Decimal]:
    """The same as `_apply` per key, as a few executemany calls (an opening-stock import posts
    50,000 lines in one posting): create missing rows at zero, apply every delta in order,
    read the results back."""
    conn.execute(
        st.new_balance,
        [{"i": i, "w": wh_of[loc], "l": loc, "b": b, "zero": ZERO, "now": now}
         for i, loc, b in keys],
    )  # fmt: skip
    unbatched = [k for k in keys if k[2] is None]
    batched = [k for k in keys if k[2] is not None]
    if unbatched:
        conn.execute(
            st.bump_unbatched_many,
            [{"i": i, "l": loc, "d": deltas[(i, loc, b)], "now": now} for i, loc, b in unbatched],
        )
    if batched:
        conn.execute(
            st.bump_batched_many,
            [{"i": i, "l": loc, "b": b, "d": deltas[(i, loc, b)], "now": now}
             for i, loc, b in batched],
        )  # fmt: skip
    after: dict[BalanceKey, Decimal] = {}
    c = _balances.c
    items = sorted({k[0] for k in keys})
    for n in range(0, len(items), 5000):
        rows = conn.execute(
            select(c.item_id, c.location_id, c.batch_id, c.qty).where(
                c.item_id.in_(items[n : n + 5000])
            )
        )
        for i, loc, b, q in rows:
            if (i, loc, b) in deltas:
                after[(i, loc, b)] = q
    return after


def _refuse_unless_allowed(
    conn: Connection, key: BalanceKey, new_qty: Decimal, delta: Decimal
) -> None:
    item_id, location_id, batch_id = key
    code, allow = conn.execute(
        select(Item.code, Item.allow_negative).where(Item.id == item_id)
    ).one()
    if allow:
        return
    loc = conn.execute(
        select(Location.code, Location.warehouse_id).where(Location.id == location_id)
    ).one()
    wh_code = conn.execute(select(Warehouse.code).where(Warehouse.id == loc[1])).scalar_one()
    place = wh_code if loc[0] == "-" else f"{wh_code}/{loc[0]}"
    if batch_id is not None:
        lot = conn.execute(select(Batch.lot).where(Batch.id == batch_id)).scalar_one()
        place = f"{place} batch {lot}"
    raise InsufficientStock(item_id, code, place, on_hand=new_qty - delta, requested=-delta)


def _bump_daily(conn: Connection, st: _Statements, lines: Sequence[Line], day: date) -> None:
    """Keep per-item daily (and, through the trigger, monthly) in/out/consumed totals current:
    summaries and reports read these, not the ledger."""
    reversed_kinds: dict[int, str] = {}
    rev_ids = [ln.reverses_movement_id for ln in lines if ln.reverses_movement_id]
    if rev_ids:
        reversed_kinds = dict(
            conn.execute(select(Movement.id, Movement.kind).where(Movement.id.in_(rev_ids))).all()
        )
    totals: dict[int, list[Decimal]] = {}
    for ln in lines:
        kind = ln.kind.value
        if kind == MovementKind.REVERSAL.value and ln.reverses_movement_id:
            kind = reversed_kinds.get(ln.reverses_movement_id, kind)
        if kind in _TRANSFERS:
            continue
        t = totals.setdefault(ln.item_id, [ZERO, ZERO, ZERO])
        if ln.qty > ZERO:
            t[0] += ln.qty
        else:
            t[1] -= ln.qty
        if kind in (MovementKind.ISSUE.value, MovementKind.RETURN.value):
            t[2] -= ln.qty  # an issue (negative) adds to consumption, a return takes it back
    if not totals:
        return
    for i, t in totals.items():  # this posting's own contribution, before it is bound
        for v in t:
            if v > MAX_QTY or v < _MIN_QTY:
                raise _over_limit(conn, i, "daily total", v)
    params = [{"i": i, "day": day, "qin": t[0], "qout": t[1], "used": t[2]}
              for i, t in sorted(totals.items())]  # fmt: skip
    # SQLite undoes only the refused row of several; a savepoint undoes them all, so the
    # refusal can name the item exactly (`refusals.totals`). PostgreSQL's trigger names it.
    several = len(params) > 1 and conn.dialect.name == "sqlite"
    try:
        with conn.begin_nested() if several else nullcontext():
            conn.execute(st.daily, params)
    except DBAPIError as exc:
        what = totals_refusal(exc.orig)
        if what is None:
            raise
        raise _totals_refusal(conn, exc.orig, what, totals, day) from None


def reverse(conn: Connection, movement_ids: Sequence[int], meta: Meta) -> PostingResult:
    """Post the opposite of the given movements (kind `reversal`), refusing a second reversal.

    Refused like any posting if it would take stock below zero (e.g. undoing a receipt whose
    goods were already issued). Retrying with the same idempotency key returns the first result.
    """
    if conn.execute(
        select(Posting.id).where(Posting.idempotency_key == meta.idempotency_key)
    ).first():
        return _existing(conn, meta.idempotency_key)
    rows = conn.execute(
        select(Movement).where(Movement.id.in_(movement_ids)).order_by(Movement.id)
    ).all()
    found = {r.id for r in rows}
    if missing := set(movement_ids) - found:
        raise PostingError(f"no such movement: {', '.join(map(str, sorted(missing)))}")
    if any(r.kind == MovementKind.REVERSAL.value for r in rows):
        raise PostingError("a reversal cannot itself be reversed; post a new movement instead")
    already = (
        conn.execute(
            select(Movement.reverses_movement_id).where(
                Movement.reverses_movement_id.in_(movement_ids)
            )
        )
        .scalars()
        .all()
    )
    if already:
        raise AlreadyReversed(sorted({m for m in already if m is not None}))
    lines = [
        Line(
            r.item_id,
            r.location_id,
            -r.qty,
            MovementKind.REVERSAL,
            r.batch_id,
            r.unit_cost,
            reverses_movement_id=r.id,
        )
        for r in rows
    ]
    return post(conn, meta, lines)
