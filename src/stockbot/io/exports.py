"""Give the factory its data back as a spreadsheet: balances (stock on hand), the ledger, BOMs.

Why it looks like this:
- **Streamed**: rows come from the database with `yield_per` and go straight into a CSV writer
  or an openpyxl `write_only` workbook, so a million-row ledger never sits in memory.
- **CSV is UTF-8 with a BOM**: without the BOM, Excel on a Chinese Windows reads UTF-8 as GBK
  and every 物料 turns into mojibake.
- **Exact numbers**: quantities are Decimals end to end. CSV gets plain digits
  (`format(d, "f")`, never `2E+1`); xlsx cells get the Decimal itself (a number cell).
- **Text stays text**: a name or chat note typed as `=HYPERLINK(...)` must not become a formula.
  xlsx cells are written as explicit string cells; in CSV a text that Excel would evaluate gets a
  leading `'` (the usual CSV-injection guard).
- **No half files**: we write `<name>.part` and rename it into place at the end.
"""

from __future__ import annotations

import csv
import os
import sys
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any, Literal

from sqlalchemy import Select, func, select
from sqlalchemy.orm import aliased
from tqdm import tqdm

from stockbot.store.db import Database
from stockbot.store.models import (
    Balance,
    Batch,
    BomLine,
    Item,
    ItemUnit,
    Location,
    Movement,
    Posting,
    Supplier,
    User,
    Warehouse,
)
from stockbot.timeutil import as_utc

__all__ = ["ExportCount", "export_balances", "export_boms", "export_items", "export_ledger"]

Format = Literal["csv", "xlsx"]
Progress = bool | Callable[[int], None]
"""False: quiet; True: a tqdm bar on a terminal; a callable: called with each batch's row count."""

XLSX_MAX_ROWS = 1_048_576
_BATCH = 2000

BALANCE_HEADERS = (
    "item code", "name", "warehouse", "location", "batch", "expiry", "on hand", "unit",
    "unit cost", "value",
)  # fmt: skip
"""Headers the stock importer also understands, so a balances export is a valid opening-stock
file for a new database (`item code`, `warehouse`, `location`, `batch`, `expiry`, `on hand`,
`unit cost`)."""

LEDGER_HEADERS = (
    "movement id", "time (UTC)", "kind", "item code", "warehouse", "location", "batch", "qty",
    "unit cost", "actor", "doc type", "doc id", "chat platform", "chat id", "message id", "note",
    "idempotency key",
)  # fmt: skip

ITEM_HEADERS = (
    "code", "name", "spec", "unit", "category", "safety stock", "reorder point", "reorder qty",
    "lead time days", "unit cost", "aliases", "barcode", "needs qc", "batch tracked",
    "supplier", "decimals", "unit conversions",
)  # fmt: skip
"""The items importer's own columns: an items export imported again changes nothing."""
BOM_HEADERS = ("product", "component", "qty_per", "scrap_pct", "backflush", "substitute")
"""The columns `stockbot import boms` reads: an export is a valid import file."""


class ExportCount(int):
    """Rows written (an int, as callers compare it), plus `summary()` for the CLI's last line."""

    kind: str
    path: Path
    seconds: float

    def __new__(cls, rows: int, kind: str, path: Path, seconds: float) -> ExportCount:
        obj = super().__new__(cls, rows)
        obj.kind, obj.path, obj.seconds = kind, path, seconds
        return obj

    @property
    def rows(self) -> int:
        return int(self)

    def summary(self) -> str:
        return (
            f"{self.kind}: {int(self):,} rows written to {self.path.name} in {self.seconds:.1f} s"
        )


def export_balances(
    db: Database, path: str | Path, fmt: str | None = None, *, progress: Progress = False
) -> ExportCount:
    """Every non-zero balance (item, warehouse, location, batch) with its value at unit cost."""
    started = time.perf_counter()
    path = Path(path)
    form = _format(path, fmt)
    stmt = (
        select(
            Item.code,
            Item.name,
            Warehouse.code,
            Location.code,
            Batch.lot,
            Batch.expiry,
            Balance.qty,
            Item.unit,
            Item.unit_cost,
        )
        .select_from(Balance)
        .join(Item, Item.id == Balance.item_id)
        .join(Warehouse, Warehouse.id == Balance.warehouse_id)
        .join(Location, Location.id == Balance.location_id)
        .outerjoin(Batch, Batch.id == Balance.batch_id)
        .where(Balance.qty != 0)
        .order_by(Item.code, Warehouse.code, Location.code, Batch.lot)
    )

    def shape(r: Any) -> list[Any]:
        code, name, wh, loc, lot, expiry, qty, unit, cost = r
        return [code, name, wh, loc, lot, expiry, qty, unit, cost, qty * cost]

    count = select(func.count()).select_from(Balance).where(Balance.qty != 0)
    n = _export(db, path, form, "balances", BALANCE_HEADERS, stmt, count, shape, progress)
    return ExportCount(n, "balances", path, time.perf_counter() - started)


def export_items(
    db: Database, path: str | Path, fmt: str | None = None, *, progress: Progress = False
) -> ExportCount:
    """The item master as the items importer reads it, conversions as `box=100;箱=100`."""
    started = time.perf_counter()
    path = Path(path)
    form = _format(path, fmt)
    with db.read() as session:
        conversions: dict[int, list[str]] = {}
        for item_id, unit, factor in session.execute(
            select(ItemUnit.item_id, ItemUnit.unit, ItemUnit.factor).order_by(
                ItemUnit.item_id, ItemUnit.unit
            )
        ):
            conversions.setdefault(item_id, []).append(f"{unit}={_plain(factor)}")
    i = Item
    stmt = (
        select(
            i.id,
            i.code,
            i.name,
            i.spec,
            i.unit,
            i.category,
            i.safety_stock,
            i.reorder_point,
            i.reorder_qty,
            i.lead_time_days,
            i.unit_cost,
            i.aliases,
            i.barcode,
            i.needs_qc,
            i.batch_tracked,
            Supplier.code,
            i.decimals,
        )
        .outerjoin(Supplier, Supplier.id == Item.default_supplier_id)
        .order_by(Item.code)
    )

    def shape(r: Any) -> list[Any]:
        item_id, *cells = r
        cells[10] = ";".join(cells[10] or [])
        cells[12], cells[13] = int(cells[12]), int(cells[13])
        return [*cells, ";".join(conversions.get(item_id, []))]

    count = select(func.count()).select_from(Item)
    n = _export(db, path, form, "items", ITEM_HEADERS, stmt, count, shape, progress)
    return ExportCount(n, "items", path, time.perf_counter() - started)


def export_ledger(
    db: Database,
    path: str | Path,
    fmt: str | None = None,
    since: datetime | date | None = None,
    *,
    progress: Progress = False,
) -> ExportCount:
    """Movements in id order (optionally those created at or after `since`) with their audit."""
    started = time.perf_counter()
    path = Path(path)
    form = _format(path, fmt)
    actor = aliased(User)
    stmt = (
        select(
            Movement.id,
            Movement.created_at,
            Movement.kind,
            Item.code,
            Warehouse.code,
            Location.code,
            Batch.lot,
            Movement.qty,
            Movement.unit_cost,
            actor.display_name,
            Posting.doc_type,
            Posting.doc_id,
            Posting.chat_platform,
            Posting.chat_id,
            Posting.message_id,
            Posting.note,
            Posting.idempotency_key,
        )
        .select_from(Movement)
        .join(Posting, Posting.id == Movement.posting_id)
        .join(Item, Item.id == Movement.item_id)
        .join(Warehouse, Warehouse.id == Movement.warehouse_id)
        .join(Location, Location.id == Movement.location_id)
        .outerjoin(Batch, Batch.id == Movement.batch_id)
        .outerjoin(actor, actor.id == Movement.actor_id)
        .order_by(Movement.id)
    )
    count = select(func.count()).select_from(Movement)
    if since is not None:
        if not isinstance(since, datetime):
            since = datetime(since.year, since.month, since.day)
        since = as_utc(since)
        stmt = stmt.where(Movement.created_at >= since)
        count = count.where(Movement.created_at >= since)

    def shape(r: Any) -> list[Any]:
        row = list(r)
        row[1] = as_utc(row[1]).replace(tzinfo=None)  # Excel has no time zones: say UTC above
        return row

    n = _export(db, path, form, "ledger", LEDGER_HEADERS, stmt, count, shape, progress)
    return ExportCount(n, "ledger", path, time.perf_counter() - started)


def export_boms(
    db: Database, path: str | Path, fmt: str | None = None, *, progress: Progress = False
) -> ExportCount:
    """Every BOM line, by product and component code."""
    started = time.perf_counter()
    path = Path(path)
    form = _format(path, fmt)
    component, substitute = aliased(Item), aliased(Item)
    stmt = (
        select(
            Item.code,
            component.code,
            BomLine.qty_per,
            BomLine.scrap_pct,
            BomLine.backflush,
            substitute.code,
        )
        .select_from(BomLine)
        .join(Item, Item.id == BomLine.product_id)
        .join(component, component.id == BomLine.component_id)
        .outerjoin(substitute, substitute.id == BomLine.substitute_id)
        .order_by(Item.code, component.code)
    )

    def shape(r: Any) -> list[Any]:
        product, comp, qty_per, scrap, backflush, sub = r
        return [product, comp, qty_per, scrap, 1 if backflush else 0, sub]

    count = select(func.count()).select_from(BomLine)
    n = _export(db, path, form, "boms", BOM_HEADERS, stmt, count, shape, progress)
    return ExportCount(n, "boms", path, time.perf_counter() - started)


# --- writers ------------------------------------------------------------------------------------


def _format(path: Path, fmt: str | None) -> Format:
    """`csv` or `xlsx`: as given, else from the file's suffix; anything else is refused."""
    name = (fmt or path.suffix.lstrip(".")).lower()
    if name == "csv":
        return "csv"
    if name == "xlsx":
        return "xlsx"
    raise ValueError(f"unknown export format {name!r}: use csv or xlsx")


def _export(
    db: Database,
    path: Path,
    fmt: Format,
    sheet: str,
    headers: Sequence[str],
    stmt: Select,  # bare: Select's type parameters differ between SQLAlchemy 2.0 and 2.1
    count: Select,
    shape: Callable[[Any], list[Any]],
    progress: Progress,
) -> int:
    written = 0
    with db.read() as session:
        total = session.execute(count).scalar_one()
        if fmt == "xlsx" and total >= XLSX_MAX_ROWS:
            raise ValueError(
                f"{total:,} rows do not fit in one Excel sheet (at most {XLSX_MAX_ROWS - 1:,}); "
                "export csv, or a shorter period with `since`"
            )
        result = session.execute(stmt.execution_options(yield_per=_BATCH))
        with _progress(progress, total, f"exporting {sheet}") as tick, _atomic(path) as tmp:
            write = _write_csv if fmt == "csv" else _write_xlsx
            for n in write(tmp, sheet, headers, (shape(r) for r in result)):
                written += n
                tick(n)
    return written


@contextmanager
def _atomic(path: Path) -> Iterator[Path]:
    tmp = path.with_name(path.name + ".part")
    try:
        yield tmp
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


@contextmanager
def _progress(progress: Progress, total: int, desc: str) -> Iterator[Callable[[int], None]]:
    if callable(progress):
        yield progress
        return
    with tqdm(
        total=total,
        desc=desc,
        unit=" rows",
        file=sys.stderr,
        disable=None if progress else True,
        leave=False,
    ) as bar:
        yield bar.update


def _plain(d: Decimal) -> str:
    """`Decimal("20.000000")` → `20`, `0.500000` → `0.5`; never exponent notation."""
    s = format(d, "f")
    if "." in s:
        s = s.rstrip("0").rstrip(".")
    return "0" if s in ("-0", "") else s


_FORMULA_START = ("=", "+", "@", "\t", "\r")


def _csv_text(s: str) -> str:
    """Keep Excel from evaluating user text (`=cmd|…`, `+1+1`, `-2+3`, `@SUM(…)`)."""
    if s.startswith(_FORMULA_START) or (len(s) > 1 and s[0] == "-" and not _is_number(s)):
        return "'" + s
    return s


def _is_number(s: str) -> bool:
    try:
        Decimal(s)
    except ArithmeticError:
        return False
    return True


def _csv_value(v: Any) -> str:
    if v is None:
        return ""
    if isinstance(v, Decimal):
        return _plain(v)
    if isinstance(v, datetime):
        return v.isoformat(sep=" ", timespec="seconds")
    if isinstance(v, date):
        return v.isoformat()
    if isinstance(v, str):
        return _csv_text(v)
    return str(v)


def _write_csv(
    path: Path, _sheet: str, headers: Sequence[str], rows: Iterable[list[Any]]
) -> Iterator[int]:
    with open(path, "w", encoding="utf-8-sig", newline="") as f:
        out = csv.writer(f)
        out.writerow(headers)
        batch: list[list[str]] = []
        for row in rows:
            batch.append([_csv_value(v) for v in row])
            if len(batch) >= _BATCH:
                out.writerows(batch)
                yield len(batch)
                batch.clear()
        if batch:
            out.writerows(batch)
            yield len(batch)


def _write_xlsx(
    path: Path, sheet: str, headers: Sequence[str], rows: Iterable[list[Any]]
) -> Iterator[int]:
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell

    wb = Workbook(write_only=True)
    ws = wb.create_sheet(sheet)
    ws.freeze_panes = "A2"
    ws.append(list(headers))

    def text_cell(s: str) -> WriteOnlyCell:
        c = WriteOnlyCell(ws, value=s)
        c.data_type = "s"  # openpyxl would store "=…" as a formula; keep it a literal string
        return c

    n = 0
    for row in rows:
        ws.append([text_cell(v) if isinstance(v, str) and v[:1] == "=" else v for v in row])
        n += 1
        if n == _BATCH:
            yield n
            n = 0
    wb.save(path)
    if n:
        yield n
