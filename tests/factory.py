"""Small builders for tests: a warehouse, an item, a receipt — each one line in a test."""

from __future__ import annotations

import itertools
from decimal import Decimal

from stockbot.store import ledger
from stockbot.store.catalog import default_location, ensure_warehouse, upsert_item
from stockbot.store.db import Database
from stockbot.store.models import MovementKind

_keys = itertools.count(1)


def make_item(
    db: Database, code: str = "BOLT-M8", warehouse: str = "MAIN", **fields
) -> tuple[int, int]:
    """Create an item and a warehouse; returns (item_id, default location id)."""
    fields.setdefault("name", code)
    with db.write() as s:
        wh = ensure_warehouse(s, warehouse)
        item = upsert_item(s, code, **fields)
        return item.id, default_location(s, wh.id).id


def post(
    db: Database,
    item_id: int,
    location_id: int,
    qty: str | Decimal,
    kind: MovementKind = MovementKind.RECEIPT,
    key: str | None = None,
    batch_id: int | None = None,
) -> ledger.PostingResult:
    meta = ledger.Meta(idempotency_key=key or f"test-{next(_keys)}", kind=kind.value)
    with db.write() as s:
        return ledger.post(
            s.connection(),
            meta,
            [ledger.Line(item_id, location_id, Decimal(qty), kind, batch_id=batch_id)],
        )


def move_at(db: Database, item_id: int, qty: int | str, when) -> None:  # type: ignore[no-untyped-def]
    """Receive (qty > 0) or issue (qty < 0) in MAIN at `when`: the clock is set there first,
    so the movement lands on that business day (and the clock stays there)."""
    from stockbot.timeutil import set_clock

    set_clock(lambda: when)
    kind = MovementKind.RECEIPT if Decimal(qty) > 0 else MovementKind.ISSUE
    with db.write() as s:
        loc = default_location(s, ensure_warehouse(s, "MAIN").id).id
    post(db, item_id, loc, Decimal(qty), kind, key=f"at:{item_id}:{when.isoformat()}:{qty}")


def hand_edit(db: Database, sql_sqlite: str, sql_pg: str | None = None) -> None:
    """Change rows behind stockbot's back, as a hand edit or a half-restored file would: with
    the totals triggers (migration 0017) off, so `item_daily` can disagree with `item_monthly`.
    SQLite has no switch for triggers: they are dropped and created again in the same
    transaction; PostgreSQL skips them for the transaction (`session_replication_role`)."""
    from sqlalchemy import text

    with db.write() as s:
        if s.get_bind().dialect.name != "sqlite":
            s.execute(text("SET LOCAL session_replication_role = replica"))
            s.execute(text(sql_pg or sql_sqlite))
            return
        triggers = s.execute(
            text("SELECT name, sql FROM sqlite_master WHERE type = 'trigger'")
        ).all()
        for name, _ in triggers:
            s.execute(text(f"DROP TRIGGER {name}"))
        s.execute(text(sql_sqlite))
        for _, sql in triggers:
            s.execute(text(sql))
