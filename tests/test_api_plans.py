"""What a write's answer reads is found through indexes, never by scanning a table that grows
with every document the factory raises (issue 15: a receipt cost more the bigger the factory)."""

from __future__ import annotations

from decimal import Decimal as D

from sqlalchemy import inspect, select

from api_server import serving
from stockbot.api import writes
from stockbot.store.models import (
    PurchaseOrder,
    PurchaseOrderLine,
    PurchaseRequest,
    PurchaseRequestLine,
    Reservation,
    Warehouse,
)
from stockbot.store.quantities import item_quantities, quantities

from transcript import Floor

MAIN_WH2 = ("MAIN", "WH2")


def test_the_documents_a_call_made_are_found_by_an_index_on_their_origin(db):
    tables = ("goods_receipts", "material_requests", "purchase_requests", "count_sessions")
    for table in tables:
        indexed = {tuple(ix["column_names"]) for ix in inspect(db.engine).get_indexes(table)}
        assert ("message_id",) in indexed, table
    if not db.is_sqlite:
        return  # PostgreSQL's planner picks by statistics: an empty table may well be scanned
    params = ("api", "key:erp", "k-1")  # platform, chat, message: the statements' order
    with db.engine.connect() as conn:
        for stmt, _number in writes._DOCUMENTS:
            sql = str(stmt.compile(conn, compile_kwargs={"render_postcompile": True}))
            plan = " ".join(
                row[-1] for row in conn.exec_driver_sql("EXPLAIN QUERY PLAN " + sql, params)
            )
            assert "SCAN" not in plan and "_origin" in plan, plan


def test_one_items_five_quantities_in_one_statement_are_the_grouped_reads_figures(db):
    """`GET /items/{code}` reads one item's quantities in one statement (`item_quantities`);
    it must say what `quantities()` says — reserved, on order, requested, in and per warehouse,
    closed and unapproved rows ignored."""
    floor = Floor(db).people()
    m8 = floor.item("M8", stock=100)
    floor.item("M8", stock=20, warehouse="WH2")
    with db.write() as s:
        main, wh2 = (s.scalar(select(Warehouse.id).where(Warehouse.code == c)) for c in MAIN_WH2)
        s.add_all(
            [
                Reservation(item_id=m8, warehouse_id=main, qty=D(10), doc_type="mr", doc_id="1"),
                Reservation(item_id=m8, warehouse_id=wh2, qty=D(3), doc_type="mr", doc_id="2"),
                Reservation(
                    item_id=m8, warehouse_id=main, qty=D(99), doc_type="mr", doc_id="3",
                    state="released",
                ),
            ]
        )  # fmt: skip
        po = PurchaseOrder(number="PO-T1")
        approved, pending = (
            PurchaseRequest(number="PR-T1", state="approved"),
            PurchaseRequest(number="PR-T2", state="pending"),
        )
        s.add_all([po, approved, pending])
        s.flush()
        s.add_all(
            [
                PurchaseOrderLine(order_id=po.id, item_id=m8, warehouse_id=main,
                                  qty_ordered=D(50), qty_received=D(20)),
                PurchaseOrderLine(order_id=po.id, item_id=m8, warehouse_id=wh2,
                                  qty_ordered=D(5), qty_received=D(0)),
                PurchaseOrderLine(order_id=po.id, item_id=m8, warehouse_id=main,
                                  qty_ordered=D(500), state="closed"),
                PurchaseRequestLine(request_id=approved.id, item_id=m8, qty=D(7)),
                PurchaseRequestLine(request_id=pending.id, item_id=m8, qty=D(100)),
            ]
        )  # fmt: skip
    with db.read() as s:
        every = item_quantities(s.connection(), m8)
        assert every == quantities(s, [m8])[m8]
        assert (every.on_hand, every.reserved, every.on_order, every.requested) == (120, 13, 35, 7)
        assert every.projected == 120 - 13 + 35 + 7
        for wh, expected in ((main, (100, 10, 30)), (wh2, (20, 3, 5))):
            one = item_quantities(s.connection(), m8, wh)
            assert one == quantities(s, [m8], wh)[m8]
            assert (one.on_hand, one.reserved, one.on_order, one.requested) == (*expected, 0)
    with serving(db, floor.runtime) as srv:
        body = srv.client("read").get("/items/m8", params={"warehouse": "wh2"}).json()
    assert body["item"]["code"] == "M8"
    assert body["quantities"] == {
        "on_hand": "20", "reserved": "3", "available": "17", "on_order": "5", "projected": "22"
    }  # fmt: skip
