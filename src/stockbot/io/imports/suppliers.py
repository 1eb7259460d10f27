"""Import suppliers (create or update by code)."""

from __future__ import annotations

import time
from pathlib import Path
from typing import cast

from sqlalchemy import Table, bindparam, insert, update

from stockbot.io.imports.common import duplicates, finish, lookup_codes, parse_sheet
from stockbot.io.imports.report import ImportReport
from stockbot.io.imports.rows import SUPPLIER_COLUMNS, SupplierRow
from stockbot.store.db import Database
from stockbot.store.models import (
    Supplier,
)

# --- suppliers ----------------------------------------------------------------------------------

_SUPPLIERS = cast(Table, Supplier.__table__)
_SUPPLIER_FIELDS = ("name", "contact", "phone", "email", "lead_time_days")


def import_suppliers(db: Database, path: str | Path, *, progress: bool = False) -> ImportReport:
    """Upsert suppliers by code; all or nothing. Absent columns leave existing values alone."""
    started = time.perf_counter()
    path = Path(path)
    report = ImportReport("suppliers", path.name)
    rows, table = parse_sheet(path, SUPPLIER_COLUMNS, SupplierRow, report, progress)
    if table is None:
        return finish(report, started)
    duplicates(rows, lambda r: r.code, table.header_of("code"), lambda r: f"code {r.code}", report)
    if report.errors:
        return finish(report, started)
    present = [f for f in _SUPPLIER_FIELDS if f in table.columns]
    with db.write() as session:
        conn = session.connection()
        existing = lookup_codes(conn, Supplier.code, (r.code for _, r in rows), Supplier.id)
        new = [
            {"code": r.code, "active": True, **{f: getattr(r, f) for f in _SUPPLIER_FIELDS}}
            for _, r in rows
            if r.code not in existing
        ]
        changed = [
            {"b_id": existing[r.code][1], **{f"v_{f}": getattr(r, f) for f in present}}
            for _, r in rows
            if r.code in existing
        ]
        if new:
            conn.execute(insert(_SUPPLIERS), new)
        if changed:
            conn.execute(
                update(_SUPPLIERS)
                .where(_SUPPLIERS.c.id == bindparam("b_id"))
                .values({f: bindparam(f"v_{f}") for f in present}),
                changed,
            )
    report.created, report.updated = len(new), len(changed)
    return finish(report, started)
