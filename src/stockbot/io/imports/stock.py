"""Import opening stock: one idempotent `receipt` posting through `ledger.post`."""

from __future__ import annotations

import hashlib
import time
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import Any, cast

from sqlalchemy import Connection, Table, insert, select
from sqlalchemy.orm import Session

from stockbot.io.imports.common import (
    Rollback,
    chunks,
    duplicates,
    finish,
    lookup_codes,
    parse_sheet,
)
from stockbot.io.imports.report import ImportReport, RowError
from stockbot.io.imports.rows import STOCK_COLUMNS, StockRow
from stockbot.store import ledger
from stockbot.store.catalog import ensure_location, ensure_warehouse
from stockbot.store.db import Database
from stockbot.store.models import (
    Batch,
    Item,
    MovementKind,
    Posting,
    Warehouse,
)
from stockbot.timeutil import local_date, utcnow

# --- opening stock ------------------------------------------------------------------------------

_BATCHES = cast(Table, Batch.__table__)


def stock_idempotency_key(data: bytes) -> str:
    """The posting key of a stock file: the same bytes are the same opening stock."""
    return f"import:stock:{hashlib.sha256(data).hexdigest()}"


def import_stock(
    db: Database,
    path: str | Path,
    *,
    actor_id: int | None = None,
    progress: bool = False,
    create_warehouses: bool = False,
) -> ImportReport:
    """Post opening stock as one `ledger.post` of receipt lines; all or nothing, at most once.

    A warehouse the file names that does not exist is a typo until the user says otherwise:
    new warehouses are listed and created only with `create_warehouses` (the configured
    default warehouse excepted). Locations are created if new; a row's batch is created
    (received today, expiry from the file) unless the item already has that lot. A batch-tracked
    item needs a batch, and an expiry needs a batch to belong to.
    """
    from stockbot.config import get_settings

    started = time.perf_counter()
    path = Path(path)
    report = ImportReport("stock", path.name)
    try:
        data = path.read_bytes()
    except OSError as exc:
        report.errors.append(RowError(None, None, f"cannot read {path.name}: {exc}"))
        return finish(report, started)
    key = stock_idempotency_key(data)
    default_wh = get_settings().default_warehouse
    rows, table = parse_sheet(
        path, STOCK_COLUMNS, StockRow, report, progress, defaults={"warehouse": default_wh}
    )
    if table is None:
        return finish(report, started)
    report.skipped_zero = sum(1 for _, r in rows if r.qty == 0)
    rows = [(n, r) for n, r in rows if r.qty != 0]  # listed with nothing on hand: nothing to post
    if "warehouse" not in table.columns:
        report.notes.append(f"no warehouse column: all stock goes to {default_wh}")
    col = table.header_of
    duplicates(
        rows,
        lambda r: (r.code, r.warehouse, r.location or "-", r.batch),
        col("code"),
        lambda r: (
            f"{r.code} at {r.warehouse}/{r.location or '-'}"
            + (f" batch {r.batch}" if r.batch else "")
        ),
        report,
    )
    if report.rows_read == 0:
        report.errors.append(RowError(None, None, "no stock rows below the header"))
    lot_expiry: dict[tuple[str, str], tuple[int, date | None]] = {}
    for n, r in rows:
        if r.expiry is not None and r.batch is None:
            report.errors.append(
                RowError(n, col("expiry"), "an expiry date needs a batch to belong to")
            )
        if r.batch is not None:
            first, expiry = lot_expiry.setdefault((r.code, r.batch), (n, r.expiry))
            if expiry != r.expiry:
                report.errors.append(
                    RowError(n, col("expiry"), f"batch {r.batch} has another expiry on row {first}")
                )
    try:
        with db.write() as session:
            conn = session.connection()
            done = conn.execute(select(Posting.id).where(Posting.idempotency_key == key)).scalar()
            if done is not None:
                report.errors.clear()
                report.already_done, report.posting_id = True, done
                report.notes.append(f"this file was already imported as posting #{done}")
                raise Rollback
            items = lookup_codes(
                conn, Item.code, (r.code for _, r in rows), Item.id, Item.batch_tracked
            )
            batches = _existing_batches(conn, items, rows)
            _new_warehouses(conn, rows, default_wh, create_warehouses, col("warehouse"), report)
            for n, r in rows:
                item = items.get(r.code)
                if item is None:
                    report.errors.append(RowError(n, col("code"), f"unknown item code {r.code}"))
                    continue
                if item.batch_tracked and r.batch is None:
                    report.errors.append(
                        RowError(n, col("batch"), f"{r.code} is batch-tracked: give a batch")
                    )
                have = batches.get((item.id, r.batch)) if r.batch else None
                if have and r.expiry and have.expiry and have.expiry != r.expiry:
                    report.errors.append(
                        RowError(
                            n,
                            col("expiry"),
                            f"batch {r.batch} of {r.code} already exists with expiry "
                            f"{have.expiry.isoformat()}",
                        )
                    )
            if report.errors or not rows:  # errors, or every row had zero quantity
                raise Rollback
            received = local_date(utcnow(), db.timezone)  # the factory's day, as /history shows
            lines = _stock_lines(session, conn, rows, items, batches, report, received)
            meta = ledger.Meta(
                idempotency_key=key,
                kind="opening",
                actor_id=actor_id,
                doc_type="import",
                doc_id=path.name[:64],
                note=f"opening stock from {path.name}",
            )
            result = ledger.post(conn, meta, lines)
            report.posting_id = result.posting_id
            if result.already_done:  # a concurrent import of the same file won the race
                report.already_done = True
                report.created = 0
                raise Rollback
            report.posted_lines = len(result.movement_ids)
    except Rollback:
        pass
    except ledger.PostingError as exc:
        report.errors.append(RowError(None, None, f"posting refused: {exc}"))
    return finish(report, started)


def _new_warehouses(
    conn: Connection,
    rows: Sequence[tuple[int, StockRow]],
    default_wh: str,
    create: bool,
    column: str | None,
    report: ImportReport,
) -> None:
    """List the warehouses the file would create; without `create` that is an error."""
    named = {r.warehouse for _, r in rows} - {default_wh}
    known = set(conn.execute(select(Warehouse.code).where(Warehouse.code.in_(named))).scalars())
    new = sorted(named - known)
    if not new:
        return
    listed = ", ".join(new[:20]) + (f" … ({len(new)} in all)" if len(new) > 20 else "")
    if create:
        report.notes.append(f"new warehouses created: {listed}")
    else:
        why = f"new warehouses {listed}: check the codes, then import again with "
        report.errors.append(RowError(None, column, why + "--create-warehouses"))


def _existing_batches(
    conn: Connection, items: dict[str, Any], rows: Sequence[tuple[int, StockRow]]
) -> dict[tuple[int, str], Any]:
    """(item_id, lot) → existing batch row, for the lots the file names."""
    wanted = {(items[r.code].id, r.batch) for _, r in rows if r.batch and r.code in items}
    ids = sorted({i for i, _ in wanted})
    out: dict[tuple[int, str], Any] = {}
    c = _BATCHES.c
    for chunk in chunks(ids):
        for b in conn.execute(select(c.id, c.item_id, c.lot, c.expiry).where(c.item_id.in_(chunk))):
            if (b.item_id, b.lot) in wanted:
                out[(b.item_id, b.lot)] = b
    return out


def _stock_lines(
    session: Session,
    conn: Connection,
    rows: Sequence[tuple[int, StockRow]],
    items: dict[str, Any],
    batches: dict[tuple[int, str], Any],
    report: ImportReport,
    received: date,
) -> list[ledger.Line]:
    """Places via `ensure_warehouse`/`ensure_location` (few), new batches in one executemany;
    a new batch is received on *received*, the factory's date."""
    places: dict[tuple[str, str | None], int] = {}
    for wh_code in sorted({r.warehouse for _, r in rows}):
        wh = ensure_warehouse(session, wh_code)
        for loc_code in sorted({r.location for _, r in rows if r.warehouse == wh_code}, key=str):
            places[(wh_code, loc_code)] = ensure_location(session, wh, loc_code).id
    new: dict[tuple[int, str], date | None] = {}
    for _, r in rows:
        if r.batch:
            k = (items[r.code].id, r.batch)
            if k not in batches and (k not in new or new[k] is None):
                new[k] = r.expiry
    batch_ids = {k: b.id for k, b in batches.items()}
    if new:
        keys = list(new)
        ids = conn.execute(
            insert(_BATCHES).returning(_BATCHES.c.id, sort_by_parameter_order=True),
            [
                {"item_id": i, "lot": lot, "received_on": received, "expiry": new[(i, lot)]}
                for i, lot in keys
            ],
        ).scalars()
        batch_ids.update(zip(keys, ids, strict=True))
    report.created = len(new)
    receipt = MovementKind.RECEIPT
    return [
        ledger.Line(
            item_id=items[r.code].id,
            location_id=places[(r.warehouse, r.location)],
            qty=r.qty,
            kind=receipt,
            batch_id=batch_ids[(items[r.code].id, r.batch)] if r.batch else None,
            unit_cost=r.unit_cost,
        )
        for _, r in rows
    ]
