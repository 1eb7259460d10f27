"""Generate a benchmark factory: N items and M movements, written with bulk Core inserts.

The history is written directly (not through the posting path) because the point is to have a
realistically *large* database to measure against; balances and daily totals are computed from
the same generated movements, so `stockbot check` passes on the result.
"""

from __future__ import annotations

import csv
import random
import time
import uuid
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

from sqlalchemy import insert

from stockbot.demo.catalog import generate_catalog
from stockbot.lookup.index import SearchDoc
from stockbot.store.catalog import default_location, ensure_warehouse
from stockbot.store.db import Database
from stockbot.store.ledger import business_day
from stockbot.store.models import Balance, Item, ItemDaily, Movement, Posting

CHUNK = 20_000


def generate(
    db: Database, n_items: int, n_movements: int, *, days: int = 180, seed: int = 1, log=print
) -> None:  # type: ignore[no-untyped-def]
    rng = random.Random(seed)
    t0 = time.perf_counter()
    with db.write() as s:
        wh = ensure_warehouse(s, "MAIN", "Main warehouse")
        loc = default_location(s, wh.id).id
        wh_id = wh.id
    docs = generate_catalog(n_items, seed=seed)
    now = datetime.now(UTC)
    start = now - timedelta(days=days)
    item_rows = []
    for n, d in enumerate(docs, start=1):
        daily = rng.choice([0, 1, 2, 5, 10, 20])
        item_rows.append(
            {
                "id": n,
                "code": d.code,
                "name": d.name,
                "aliases": list(d.aliases),
                "spec": d.spec,
                "category": d.category,
                "unit": "pcs",
                "barcode": d.barcode,
                "safety_stock": Decimal(daily * 3),
                "reorder_point": Decimal(daily * 10),
                "reorder_qty": Decimal(max(10, daily * 20)),
                "order_multiple": Decimal(1),
                "lead_time_days": 7,
                "unit_cost": Decimal(rng.randint(1, 50000)) / 100,
                "active": True,
                "needs_qc": False,
                "batch_tracked": False,
                "allow_negative": False,
                "needs_approval": False,
                "search_rev": n,
                "created_at": start,
                "updated_at": start,
            }
        )
    with db.write_conn() as conn:
        for i in range(0, len(item_rows), CHUNK):
            conn.execute(insert(Item), item_rows[i : i + CHUNK])
    log(f"  {n_items:,} items in {time.perf_counter() - t0:.1f} s")

    per_item = max(2, n_movements // n_items)
    balances: dict[int, Decimal] = defaultdict(Decimal)
    daily: dict[tuple[int, date], list[Decimal]] = {}
    mid = 0
    t1 = time.perf_counter()
    postings: list[dict] = []
    movements: list[dict] = []

    def flush(conn) -> None:  # type: ignore[no-untyped-def]
        if postings:
            conn.execute(insert(Posting), postings)
            conn.execute(insert(Movement), movements)
            postings.clear()
            movements.clear()

    with db.write_conn() as conn:
        for item_id in range(1, n_items + 1):
            if mid >= n_movements:
                break
            count = min(per_item, n_movements - mid)
            times = sorted(
                start + timedelta(seconds=rng.randint(0, days * 86400)) for _ in range(count)
            )
            for k, at in enumerate(times):
                mid += 1
                if k == 0 or balances[item_id] < 5:
                    kind, qty = "receipt", Decimal(rng.randint(100, 2000))
                else:
                    kind, qty = "issue", -Decimal(rng.randint(1, int(min(balances[item_id], 50))))
                balances[item_id] += qty
                day = business_day(at, db.timezone)
                d = daily.setdefault((item_id, day), [Decimal(0)] * 3)
                if qty > 0:
                    d[0] += qty
                else:
                    d[1] -= qty
                    d[2] -= qty
                postings.append(
                    {
                        "id": mid,
                        "idempotency_key": f"gen:{mid}",
                        "kind": kind,
                        "created_at": at,
                        "doc_type": "bench",
                    }
                )
                movements.append(
                    {
                        "id": mid,
                        "posting_id": mid,
                        "line_no": 1,
                        "kind": kind,
                        "item_id": item_id,
                        "warehouse_id": wh_id,
                        "location_id": loc,
                        "qty": qty,
                        "created_at": at,
                    }
                )
                if len(movements) >= CHUNK:
                    flush(conn)
        flush(conn)
        bal_rows = [
            {"item_id": i, "warehouse_id": wh_id, "location_id": loc, "qty": q, "updated_at": now}
            for i, q in balances.items()
        ]
        for i in range(0, len(bal_rows), CHUNK):
            conn.execute(insert(Balance), bal_rows[i : i + CHUNK])
        daily_rows = [
            {"item_id": i, "day": d, "qty_in": v[0], "qty_out": v[1], "consumed": v[2]}
            for (i, d), v in daily.items()
        ]
        for i in range(0, len(daily_rows), CHUNK):
            conn.execute(insert(ItemDaily), daily_rows[i : i + CHUNK])
        # item_monthly follows from these rows: the database's trigger adds each to its month
    if db.dialect == "postgresql":
        with db.engine.connect() as conn:
            for table in ("items", "postings", "movements", "balances"):
                seq = f"{table}_id_seq"
                conn.exec_driver_sql(f"SELECT setval('{seq}', (SELECT max(id) FROM {table}))")
            conn.exec_driver_sql("ANALYZE")
            conn.commit()
    log(
        f"  {mid:,} movements, {len(balances):,} balances, {len(daily):,} daily rows "
        f"in {time.perf_counter() - t1:.1f} s"
    )


def write_items_csv(docs: list[SearchDoc], path: Path) -> None:
    """The catalogue as an item-master sheet for `stockbot import items`."""
    header = ["code", "name", "spec", "unit", "category", "safety_stock", "reorder_point",
              "reorder_qty", "lead_time_days", "unit_cost", "aliases", "barcode"]  # fmt: skip
    with path.open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(header)
        for d in docs:
            w.writerow([d.code, d.name, d.spec, "pcs", d.category, 10, 20, 100, 7, "1.25",
                        ";".join(d.aliases), d.barcode or ""])  # fmt: skip


@contextmanager
def scratch_database(server_url: str) -> Iterator[str]:
    """A new, empty PostgreSQL database on the server `server_url` names, dropped afterwards:
    a bench run never measures what an earlier run left behind."""
    from sqlalchemy import create_engine
    from sqlalchemy.engine import make_url

    name = f"stockbot_bench_{uuid.uuid4().hex[:8]}"
    base = make_url(server_url)
    admin = create_engine(
        base.set(database="postgres").render_as_string(hide_password=False),
        isolation_level="AUTOCOMMIT",
    )
    with admin.connect() as conn:
        conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
    try:
        yield base.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.dispose()
