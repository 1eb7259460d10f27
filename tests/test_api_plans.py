"""What a write's answer reads is found through indexes, never by scanning a table that grows
with every document the factory raises (issue 15: a receipt cost more the bigger the factory)."""

from __future__ import annotations

from sqlalchemy import inspect

from stockbot.api import writes


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
