"""A label (code or barcode) is found through the items' indexes, never by reading every item.

Every `/stock <name>` and every scanned photo asks `items_labelled` first. With the code, the
barcode and the extra barcodes as one `OR`, PostgreSQL filtered all 50,000 items of the bench
factory for each fuzzy lookup (15 ms of the server's CPU); as a `UNION` each part uses its own
index (0.4 ms)."""

from __future__ import annotations

from sqlalchemy import text

from stockbot.store.catalog import _LABELLED
from stockbot.store.db import Database


def plan(db: Database) -> str:
    with db.engine.connect() as conn:
        compiled = _LABELLED.compile(dialect=conn.dialect)
        params = {**compiled.params, "code": "gear motor", "upper": "GEAR MOTOR", "limit": 2}
        if db.is_sqlite:
            args = tuple(params[name] for name in compiled.positiontup or ())
            rows = conn.exec_driver_sql("EXPLAIN QUERY PLAN " + compiled.string, args)
            return "\n".join(str(row[-1]) for row in rows)
        conn.execute(text("SET LOCAL enable_seqscan = off"))  # as with a big table
        rows = conn.exec_driver_sql("EXPLAIN " + compiled.string, params)
        return "\n".join(str(row[0]) for row in rows)


def test_a_label_is_looked_up_by_code_and_barcode_each_on_its_own_index(db):
    shown = plan(db)
    if db.is_sqlite:
        assert "SCAN items" not in shown, shown
        assert "ix_items_barcode" in shown and "sqlite_autoindex_items_1" in shown, shown
    else:
        # the old plan: every item, through an index on id, filtered by the whole OR
        assert "ix_items_barcode" in shown and "uq_items_code" in shown, shown
