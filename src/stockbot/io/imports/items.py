"""Import the item master (create or update by code)."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any, cast

from sqlalchemy import Connection, Table, bindparam, delete, insert, update
from sqlalchemy.orm import Session

from stockbot import units
from stockbot.io.imports.common import (
    Rollback,
    chunks,
    duplicates,
    finish,
    lookup_codes,
    parse_sheet,
)
from stockbot.io.imports.report import ImportReport, RowError
from stockbot.io.imports.rows import ITEM_COLUMNS, ItemRow
from stockbot.store.catalog import next_search_rev
from stockbot.store.db import Database
from stockbot.store.models import (
    Item,
    ItemBarcode,
    ItemUnit,
    Supplier,
)
from stockbot.timeutil import utcnow

# --- items --------------------------------------------------------------------------------------

_ITEMS = cast(Table, Item.__table__)
_ITEM_FIELDS = (
    "name", "spec", "unit", "category", "safety_stock", "reorder_point", "reorder_qty",
    "lead_time_days", "unit_cost", "aliases", "barcode", "needs_qc", "batch_tracked", "decimals",
)  # fmt: skip
_UNITS = cast(Table, ItemUnit.__table__)
_BARCODES = cast(Table, ItemBarcode.__table__)


def import_items(db: Database, path: str | Path, *, progress: bool = False) -> ImportReport:
    """Upsert the item master from a sheet (see `stockbot.io.imports`); all or nothing."""
    started = time.perf_counter()
    path = Path(path)
    report = ImportReport("items", path.name)
    rows, table = parse_sheet(path, ITEM_COLUMNS, ItemRow, report, progress)
    if table is None:
        return finish(report, started)
    duplicates(rows, lambda r: r.code, table.header_of("code"), lambda r: f"code {r.code}", report)
    present = [f for f in _ITEM_FIELDS if f in table.columns]
    has_supplier = "supplier" in table.columns
    has_units = "unit_conversions" in table.columns
    if has_units or "decimals" in table.columns:
        for n, r in rows:
            for problem in units.check(r.unit, r.unit_conversions, r.decimals):
                report.errors.append(RowError(n, table.header_of("unit_conversions"), problem))
    try:
        with db.write() as session:
            conn = session.connection()
            suppliers: dict[str, Any] = {}
            if has_supplier:
                suppliers = lookup_codes(
                    conn, Supplier.code, (r.supplier for _, r in rows if r.supplier), Supplier.id
                )
                for n, r in rows:
                    if r.supplier and r.supplier not in suppliers:
                        report.errors.append(
                            RowError(
                                n,
                                table.header_of("supplier"),
                                f"unknown supplier {r.supplier} (import suppliers first)",
                            )
                        )
            if report.errors:
                raise Rollback
            existing = lookup_codes(conn, Item.code, (r.code for _, r in rows), Item.id)
            _write_items(session, conn, rows, existing, suppliers, present, has_supplier, report)
            if has_units:
                _replace_children(
                    conn,
                    rows,
                    _UNITS,
                    lambda r: [{"unit": u, "factor": f} for u, f in r.unit_conversions.items()],
                )
            if "barcodes" in table.columns:
                _replace_children(
                    conn, rows, _BARCODES, lambda r: [{"code": c} for c in r.barcodes]
                )
    except Rollback:
        pass
    return finish(report, started)


def _write_items(
    session: Session,
    conn: Connection,
    rows: Sequence[tuple[int, ItemRow]],
    existing: dict[str, Any],
    suppliers: dict[str, Any],
    present: Sequence[str],
    has_supplier: bool,
    report: ImportReport,
) -> None:
    """Two executemany statements: INSERT the new codes, UPDATE the known ones.

    Every touched item gets its own fresh `search_rev` from one increasing range (the search
    cache catches up by revision, so a shared revision would be fine, but distinct ones keep
    `ORDER BY search_rev` meaningful).
    """
    now = utcnow()
    rev = next_search_rev(session)
    new: list[dict[str, Any]] = []
    changed: list[dict[str, Any]] = []
    for _, r in rows:
        values = {f: getattr(r, f) for f in _ITEM_FIELDS}
        supplier_id = suppliers[r.supplier][1] if r.supplier else None
        if r.code in existing:
            upd = {f"v_{f}": values[f] for f in present}
            if has_supplier:
                upd["v_default_supplier_id"] = supplier_id
            upd.update(b_id=existing[r.code][1], v_search_rev=rev, v_updated_at=now)
            changed.append(upd)
        else:
            new.append(
                {
                    **values,
                    "code": r.code,
                    "default_supplier_id": supplier_id,
                    "order_multiple": Decimal(1),
                    "active": True,
                    "allow_negative": False,
                    "needs_approval": False,
                    "search_rev": rev,
                    "created_at": now,
                    "updated_at": now,
                }
            )
        rev += 1
    if new:
        conn.execute(insert(_ITEMS), new)
    if changed:
        cols = [*present, *(["default_supplier_id"] if has_supplier else [])]
        stmt = (
            update(_ITEMS)
            .where(_ITEMS.c.id == bindparam("b_id"))
            .values(
                {c: bindparam(f"v_{c}", type_=_ITEMS.c[c].type) for c in cols}
                | {
                    "search_rev": bindparam("v_search_rev"),
                    "updated_at": bindparam("v_updated_at", type_=_ITEMS.c.updated_at.type),
                }
            )
        )
        conn.execute(stmt, changed)
    report.created, report.updated = len(new), len(changed)


def _replace_children(
    conn: Connection,
    rows: Sequence[tuple[int, ItemRow]],
    table: Table,
    children: Callable[[ItemRow], list[dict[str, Any]]],
) -> None:
    """The file's per-item rows (unit conversions, further barcodes) replace each listed item's
    own in *table* (an empty cell: none left)."""
    ids = {
        code: row[1]
        for code, row in lookup_codes(conn, Item.code, (r.code for _, r in rows), Item.id).items()
    }
    for chunk in chunks(list(ids.values())):
        conn.execute(delete(table).where(table.c.item_id.in_(chunk)))
    new = [{"item_id": ids[r.code], **child} for _, r in rows for child in children(r)]
    if new:
        conn.execute(insert(table), new)
