"""Bring a factory's Excel into stockbot: item master, opening stock, suppliers.

The contract, because people import a spreadsheet they have kept for years and it is never clean:
- every row is validated into a typed row (pydantic) and **all** problems are collected with
  the row number Excel shows, the column as the user named it, and a sentence;
- if there is any problem, **nothing** is written: a half-imported item master is worse than
  none, and the user fixes the sheet and runs the same command again;
- otherwise everything is applied in **one** transaction. Stock goes through `ledger.post` like
  every other stock change: one posting of `receipt` lines whose idempotency key is the file's
  sha256, so importing the same file twice posts once.

Speed: 50,000 items must load in seconds, so items and batches are written with Core
`executemany` statements (the ORM unit of work costs ~1 ms per row), and codes are resolved with a
handful of `IN` queries, never one query per row. Parsing happens before the write transaction
so the SQLite write lock is held only while writing.

Column semantics for an update: a column present in the file is the truth, and an empty cell
means the field's default (empty text, 0, no barcode); a column absent from the file leaves that
field of an existing item untouched.
"""

from __future__ import annotations

import hashlib
import re
import sys
import time
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Annotated, Any, TypeVar

from pydantic import BaseModel, BeforeValidator, ConfigDict, ValidationError
from sqlalchemy import Connection, bindparam, insert, select, update
from sqlalchemy.orm import Session
from tqdm import tqdm

from stockbot.io.tabular import Cell, Table, TableError, Vocabulary, open_table
from stockbot.store import ledger
from stockbot.store.catalog import ensure_location, ensure_warehouse, next_search_rev
from stockbot.store.db import Database
from stockbot.store.models import (
    Batch,
    Item,
    Location,
    MovementKind,
    Posting,
    Supplier,
    Warehouse,
)
from stockbot.store.types import MAX_INTEGER_DIGITS, MAX_QTY, SCALE
from stockbot.timeutil import today, utcnow

__all__ = [
    "ImportReport",
    "ItemRow",
    "RowError",
    "StockRow",
    "SupplierRow",
    "import_items",
    "import_stock",
    "import_suppliers",
    "stock_idempotency_key",
]

_QUANTUM = Decimal(1).scaleb(-SCALE)
_CHUNK = 5000
"""Codes per `IN (...)` query: well under SQLite's 32,766 and PostgreSQL's 65,535 parameters."""


# --- the report ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class RowError:
    """One problem: Excel row number (header = 1; None for the whole file), column, sentence."""

    row: int | None
    column: str | None
    message: str


@dataclass
class ImportReport:
    """What an import did, or why it did nothing. `summary()` is the CLI's last line."""

    kind: str
    source: str = ""
    ok: bool = True
    rows_read: int = 0
    """Non-empty data rows in the file."""
    created: int = 0
    """Items or suppliers inserted; for a stock import, the batches it created."""
    updated: int = 0
    posted_lines: int = 0
    errors: list[RowError] = field(default_factory=list)
    already_done: bool = False
    seconds: float = 0.0
    posting_id: int | None = None
    notes: list[str] = field(default_factory=list)
    """Things worth knowing that are not errors (ignored columns, already imported …)."""

    def summary(self) -> str:
        head = f"{self.kind}: {self.rows_read:,} rows"
        took = f"{self.seconds:.1f} s"
        if not self.ok:
            n = len(self.errors)
            return f"{head}, {n:,} error{'s' if n != 1 else ''}, nothing written ({took})"
        if self.already_done:
            ref = f" as posting #{self.posting_id}" if self.posting_id else ""
            return f"{head}, already imported{ref}, nothing posted ({took})"
        if self.kind == "stock":
            lines, batches = self.posted_lines, self.created
            return f"{head}, {lines:,} lines posted, {batches:,} new batches in {took}"
        return f"{head}, {self.created:,} created, {self.updated:,} updated in {took}"

    def error_table(self, limit: int = 50) -> str:
        """The problems as an aligned text table (CJK counted double-width), first `limit`."""
        if not self.errors:
            return ""
        rows = [("row", "column", "problem")] + [
            ("-" if e.row is None else str(e.row), e.column or "-", e.message)
            for e in self.errors[:limit]
        ]
        w0 = max(_width(r[0]) for r in rows)
        w1 = max(_width(r[1]) for r in rows)
        lines = [f"{_pad(a, w0)}  {_pad(b, w1)}  {c}" for a, b, c in rows]
        if len(self.errors) > limit:
            lines.append(f"… and {len(self.errors) - limit:,} more")
        return "\n".join(lines)


def _width(s: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in s)


def _pad(s: str, width: int) -> str:
    return s + " " * (width - _width(s))


# --- cell validators (each raises ValueError with the sentence the user will read) -------------


def _col_len(column: Any) -> int:
    return int(column.type.length)


def _as_text(v: Cell) -> str | None:
    if v is None:
        return None
    if isinstance(v, bool):
        return "1" if v else "0"
    if isinstance(v, Decimal):
        return format(v, "f")
    if isinstance(v, datetime):
        return v.isoformat(sep=" ")
    if isinstance(v, date):
        return v.isoformat()
    s = str(v).strip()
    return s or None


def _text(max_len: int, *, required: bool = False, default: str | None = "") -> BeforeValidator:
    def check(v: Cell) -> str | None:
        s = _as_text(v)
        if s is None:
            if required:
                raise ValueError("is empty; a value is required")
            return default
        if len(s) > max_len:
            raise ValueError(f"text is {len(s)} characters long; at most {max_len} fit")
        return s

    return BeforeValidator(check)


_THOUSANDS = re.compile(r"[+-]?\d{1,3}(,\d{3})+(\.\d*)?")


def parse_decimal(v: Cell) -> Decimal:
    """A cell → an exact Decimal, or ValueError saying why not (`abc`, `NaN`, `1e309`, 7 places)."""
    if isinstance(v, bool | date):
        raise ValueError(f"{_as_text(v)!r} is not a number")
    if isinstance(v, int):
        d = Decimal(v)
    elif isinstance(v, Decimal):
        d = v
    else:
        s = unicodedata.normalize("NFKC", str(v)).strip().replace(" ", "")
        if _THOUSANDS.fullmatch(s):
            s = s.replace(",", "")
        try:
            d = Decimal(s)
        except InvalidOperation:
            raise ValueError(f"{v!r} is not a number") from None
    if d.is_nan():
        raise ValueError(f"{_as_text(v)!r} is not a number")
    if not d.is_finite():
        raise ValueError(f"{_as_text(v)!r} is not a finite number")
    if abs(d) > MAX_QTY:  # the store's limit (store/types.py): a line that can be posted
        raise ValueError(f"{_as_text(v)} is too large (at most {MAX_INTEGER_DIGITS} digits)")
    if d != d.quantize(_QUANTUM):
        raise ValueError(f"{_as_text(v)} has more than {SCALE} decimal places")
    return d + 0  # drops a negative zero's sign


def _number(*, positive: bool = False, default: Decimal | None = Decimal(0)) -> BeforeValidator:
    def check(v: Cell) -> Decimal | None:
        if v is None:
            if positive:
                raise ValueError("is empty; a quantity is required")
            return default
        d = parse_decimal(v)
        if positive and d <= 0:
            raise ValueError(f"must be more than 0, not {_as_text(v)}")
        if d < 0:
            raise ValueError(f"cannot be negative ({_as_text(v)})")
        return d

    return BeforeValidator(check)


def _days(default: int | None) -> BeforeValidator:
    def check(v: Cell) -> int | None:
        if v is None:
            return default
        d = parse_decimal(v)
        if d != d.to_integral_value():
            raise ValueError(f"{_as_text(v)} is not a whole number of days")
        if not 0 <= d <= 3650:
            raise ValueError(f"{_as_text(v)} days is out of range (0 to 3650)")
        return int(d)

    return BeforeValidator(check)


_DATE = re.compile(
    r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?"
    r"(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?"  # Excel's CSV may append 00:00:00
)


def parse_date(v: Cell) -> date:
    """`2025-12-31`, `2025/12/31`, `2025.12.31`, `20251231`, `2025年12月31日` or a date cell."""
    if isinstance(v, datetime):
        return v.date()
    if isinstance(v, date):
        return v
    s = unicodedata.normalize("NFKC", str(v)).strip()
    if m := _DATE.fullmatch(s):
        y, mo, d = (int(g) for g in m.groups())
    elif re.fullmatch(r"\d{8}", s):
        y, mo, d = int(s[:4]), int(s[4:6]), int(s[6:])
    else:
        raise ValueError(f"{s!r} is not a date (write it as YYYY-MM-DD)")
    try:
        return date(y, mo, d)
    except ValueError:
        raise ValueError(f"{s!r} is not a real date") from None


def _date() -> BeforeValidator:
    return BeforeValidator(lambda v: None if v is None else parse_date(v))


_TRUE = {"1", "y", "yes", "true", "t", "x", "√", "✓", "是", "要", "需要", "对", "on"}
_FALSE = {"0", "n", "no", "false", "f", "否", "不", "不需要", "不要", "错", "off", "-", "×"}


def _flag() -> BeforeValidator:
    def check(v: Cell) -> bool:
        if v is None:
            return False
        if isinstance(v, bool):
            return v
        s = unicodedata.normalize("NFKC", str(v)).strip().lower()
        if s in _TRUE:
            return True
        if s in _FALSE:
            return False
        raise ValueError(f"{s!r} is not yes/no (use 1/0, yes/no or 是/否)")

    return BeforeValidator(check)


_ALIAS_SPLIT = re.compile(r"[;；|｜]")


def _aliases() -> BeforeValidator:
    def check(v: Cell) -> list[str]:
        s = _as_text(v)
        if s is None:
            return []
        out: list[str] = []
        for part in _ALIAS_SPLIT.split(s):
            part = part.strip()
            if len(part) > 100:
                raise ValueError(f"alias {part[:20]!r}… is over 100 characters")
            if part and part not in out:
                out.append(part)
        return out

    return BeforeValidator(check)


def _email() -> BeforeValidator:
    def check(v: Cell) -> str | None:
        s = _as_text(v)
        if s is None:
            return None
        if len(s) > _col_len(Supplier.email) or not re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+", s):
            raise ValueError(f"{s!r} is not an email address")
        return s

    return BeforeValidator(check)


# --- typed rows ---------------------------------------------------------------------------------

_CODE = _col_len(Item.code)


class _Row(BaseModel):
    model_config = ConfigDict(frozen=True, extra="ignore")


class ItemRow(_Row):
    code: Annotated[str, _text(_CODE, required=True)]
    name: Annotated[str, _text(_col_len(Item.name), required=True)]
    spec: Annotated[str, _text(_col_len(Item.spec))] = ""
    unit: Annotated[str, _text(_col_len(Item.unit), default="pcs")] = "pcs"
    category: Annotated[str, _text(_col_len(Item.category))] = ""
    safety_stock: Annotated[Decimal, _number()] = Decimal(0)
    reorder_point: Annotated[Decimal, _number()] = Decimal(0)
    reorder_qty: Annotated[Decimal, _number()] = Decimal(0)
    lead_time_days: Annotated[int, _days(7)] = 7
    unit_cost: Annotated[Decimal, _number()] = Decimal(0)
    aliases: Annotated[list[str], _aliases()] = []
    barcode: Annotated[str | None, _text(_col_len(Item.barcode), default=None)] = None
    needs_qc: Annotated[bool, _flag()] = False
    batch_tracked: Annotated[bool, _flag()] = False
    supplier: Annotated[str | None, _text(_col_len(Supplier.code), default=None)] = None


class StockRow(_Row):
    code: Annotated[str, _text(_CODE, required=True)]
    warehouse: Annotated[str, _text(_col_len(Warehouse.code), required=True)]
    location: Annotated[str | None, _text(_col_len(Location.code), default=None)] = None
    batch: Annotated[str | None, _text(_col_len(Batch.lot), default=None)] = None
    qty: Annotated[Decimal, _number(positive=True)]
    unit_cost: Annotated[Decimal | None, _number(default=None)] = None
    expiry: Annotated[date | None, _date()] = None


class SupplierRow(_Row):
    code: Annotated[str, _text(_col_len(Supplier.code), required=True)]
    name: Annotated[str, _text(_col_len(Supplier.name), required=True)]
    contact: Annotated[str | None, _text(_col_len(Supplier.contact), default=None)] = None
    phone: Annotated[str | None, _text(_col_len(Supplier.phone), default=None)] = None
    email: Annotated[str | None, _email()] = None
    lead_time_days: Annotated[int | None, _days(None)] = None


ITEM_COLUMNS = Vocabulary((*ItemRow.model_fields,), required=("code", "name"))
STOCK_COLUMNS = Vocabulary((*StockRow.model_fields,), required=("code", "qty"))
SUPPLIER_COLUMNS = Vocabulary(
    (*SupplierRow.model_fields,),
    required=("code", "name"),
    overrides={
        "code": (
            "code", "supplier code", "vendor code", "供应商编码", "供应商代码", "供应商编号",
            "编码", "代码", "编号",
        ),
        "name": (
            "name", "supplier", "supplier name", "vendor", "vendor name", "供应商",
            "供应商名称", "名称", "单位名称",
        ),
    },
)  # fmt: skip


# --- shared machinery ---------------------------------------------------------------------------

R = TypeVar("R", bound=_Row)


class _Rollback(Exception):
    """Leaves a write block so the unit of work rolls back (the report is already filled in)."""


def _bar(progress: bool, total: int | None, desc: str) -> tqdm[Any]:
    """A tqdm bar only when asked for and stderr is a terminal (`disable=None`)."""
    return tqdm(
        total=total,
        desc=desc,
        unit=" rows",
        file=sys.stderr,
        disable=None if progress else True,
        leave=False,
    )


def _parse(
    path: Path,
    vocabulary: Vocabulary,
    model: type[R],
    report: ImportReport,
    progress: bool,
    defaults: dict[str, Cell] | None = None,
) -> tuple[list[tuple[int, R]], Table | None]:
    """Read and validate every row; problems go to `report.errors`, good rows are returned.

    The table comes back as None when the file as a whole is unusable (unreadable, a required
    column missing, two columns meaning one field): then row-by-row messages would be noise.
    """
    good: list[tuple[int, R]] = []
    try:
        with open_table(path, vocabulary) as table:
            for name, headers in table.duplicates.items():
                report.errors.append(
                    RowError(
                        table.header_row,
                        headers[1],
                        f"{' and '.join(repr(h) for h in headers)} both mean {name}; keep one",
                    )
                )
            for name in table.missing(vocabulary.required):
                if defaults and name in defaults:
                    continue
                report.errors.append(
                    RowError(
                        None,
                        name,
                        f"required column {name!r} is missing (found: {', '.join(table.headers)})",
                    )
                )
            if report.errors:  # a file-level problem: row messages would only be noise
                return good, None
            if table.ignored:
                report.notes.append(f"ignored columns: {', '.join(table.ignored)}")
            header_of = {name: table.header_of(name) for name in vocabulary.fields}
            with _bar(progress, table.total_rows, f"reading {path.name}") as bar:
                for n, cells in table.rows:
                    report.rows_read += 1
                    if defaults:
                        cells = {**defaults, **cells}
                    try:
                        good.append((n, model.model_validate(cells)))
                    except ValidationError as exc:
                        report.errors.extend(_row_errors(n, exc, header_of))
                    bar.update()
            return good, table
    except TableError as exc:
        report.errors.append(RowError(None, None, str(exc)))
        return good, None


def _row_errors(row: int, exc: ValidationError, header_of: dict[str, str]) -> Iterator[RowError]:
    for err in exc.errors(include_url=False, include_input=False):
        name = str(err["loc"][0]) if err["loc"] else ""
        msg = err["msg"].removeprefix("Value error, ")
        if err["type"] == "missing":
            msg = "is empty; a value is required"
        yield RowError(row, header_of.get(name, name) or None, msg)


def _duplicates(
    rows: Sequence[tuple[int, Any]],
    key: Callable[[Any], Any],
    column: str,
    what: Callable[[Any], str],
    report: ImportReport,
) -> None:
    first: dict[Any, int] = {}
    for n, row in rows:
        k = key(row)
        if k in first:
            report.errors.append(RowError(n, column, f"{what(row)} is also on row {first[k]}"))
        else:
            first[k] = n


def _chunks(values: Sequence[Any], size: int = _CHUNK) -> Iterator[Sequence[Any]]:
    for i in range(0, len(values), size):
        yield values[i : i + size]


def _lookup(conn: Connection, column: Any, wanted: Iterable[str], *cols: Any) -> dict[str, Any]:
    """{code: row} for the codes that exist, in a few `IN` queries (not one per row)."""
    codes = sorted(set(wanted))
    out: dict[str, Any] = {}
    for chunk in _chunks(codes):
        for row in conn.execute(select(column, *cols).where(column.in_(chunk))):
            out[row[0]] = row
    return out


def _finish(report: ImportReport, started: float) -> ImportReport:
    report.ok = not report.errors
    report.seconds = time.perf_counter() - started
    return report


# --- items --------------------------------------------------------------------------------------

_ITEMS = Item.__table__
_ITEM_FIELDS = (
    "name", "spec", "unit", "category", "safety_stock", "reorder_point", "reorder_qty",
    "lead_time_days", "unit_cost", "aliases", "barcode", "needs_qc", "batch_tracked",
)  # fmt: skip


def import_items(db: Database, path: str | Path, *, progress: bool = False) -> ImportReport:
    """Upsert the item master from a sheet (see module docstring); all or nothing."""
    started = time.perf_counter()
    path = Path(path)
    report = ImportReport("items", path.name)
    rows, table = _parse(path, ITEM_COLUMNS, ItemRow, report, progress)
    if table is None:
        return _finish(report, started)
    _duplicates(rows, lambda r: r.code, table.header_of("code"), lambda r: f"code {r.code}", report)
    present = [f for f in _ITEM_FIELDS if f in table.columns]
    has_supplier = "supplier" in table.columns
    try:
        with db.write() as session:
            conn = session.connection()
            suppliers: dict[str, Any] = {}
            if has_supplier:
                suppliers = _lookup(
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
                raise _Rollback
            existing = _lookup(conn, Item.code, (r.code for _, r in rows), Item.id)
            _write_items(session, conn, rows, existing, suppliers, present, has_supplier, report)
    except _Rollback:
        pass
    return _finish(report, started)


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


# --- suppliers ----------------------------------------------------------------------------------

_SUPPLIERS = Supplier.__table__
_SUPPLIER_FIELDS = ("name", "contact", "phone", "email", "lead_time_days")


def import_suppliers(db: Database, path: str | Path, *, progress: bool = False) -> ImportReport:
    """Upsert suppliers by code; all or nothing. Absent columns leave existing values alone."""
    started = time.perf_counter()
    path = Path(path)
    report = ImportReport("suppliers", path.name)
    rows, table = _parse(path, SUPPLIER_COLUMNS, SupplierRow, report, progress)
    if table is None:
        return _finish(report, started)
    _duplicates(rows, lambda r: r.code, table.header_of("code"), lambda r: f"code {r.code}", report)
    if report.errors:
        return _finish(report, started)
    present = [f for f in _SUPPLIER_FIELDS if f in table.columns]
    with db.write() as session:
        conn = session.connection()
        existing = _lookup(conn, Supplier.code, (r.code for _, r in rows), Supplier.id)
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
    return _finish(report, started)


# --- opening stock ------------------------------------------------------------------------------

_BATCHES = Batch.__table__


def stock_idempotency_key(data: bytes) -> str:
    """The posting key of a stock file: the same bytes are the same opening stock."""
    return f"import:stock:{hashlib.sha256(data).hexdigest()}"


def import_stock(
    db: Database, path: str | Path, *, actor_id: int | None = None, progress: bool = False
) -> ImportReport:
    """Post opening stock as one `ledger.post` of receipt lines; all or nothing, at most once.

    Warehouses and locations named in the file are created if new; a row's batch is created
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
        return _finish(report, started)
    key = stock_idempotency_key(data)
    default_wh = get_settings().default_warehouse
    rows, table = _parse(
        path, STOCK_COLUMNS, StockRow, report, progress, defaults={"warehouse": default_wh}
    )
    if table is None:
        return _finish(report, started)
    if "warehouse" not in table.columns:
        report.notes.append(f"no warehouse column: all stock goes to {default_wh}")
    col = table.header_of
    _duplicates(
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
                raise _Rollback
            items = _lookup(conn, Item.code, (r.code for _, r in rows), Item.id, Item.batch_tracked)
            batches = _existing_batches(conn, items, rows)
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
            if report.errors:
                raise _Rollback
            lines = _stock_lines(session, conn, rows, items, batches, report)
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
                raise _Rollback
            report.posted_lines = len(result.movement_ids)
    except _Rollback:
        pass
    except ledger.PostingError as exc:
        report.errors.append(RowError(None, None, f"posting refused: {exc}"))
    return _finish(report, started)


def _existing_batches(
    conn: Connection, items: dict[str, Any], rows: Sequence[tuple[int, StockRow]]
) -> dict[tuple[int, str], Any]:
    """(item_id, lot) → existing batch row, for the lots the file names."""
    wanted = {(items[r.code].id, r.batch) for _, r in rows if r.batch and r.code in items}
    ids = sorted({i for i, _ in wanted})
    out: dict[tuple[int, str], Any] = {}
    c = _BATCHES.c
    for chunk in _chunks(ids):
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
) -> list[ledger.Line]:
    """Places via `ensure_warehouse`/`ensure_location` (few), new batches in one executemany."""
    places: dict[tuple[str, str | None], int] = {}
    for wh_code in sorted({r.warehouse for _, r in rows}):
        wh = ensure_warehouse(session, wh_code)
        for loc_code in sorted({r.location for _, r in rows if r.warehouse == wh_code}, key=str):
            places[(wh_code, loc_code)] = ensure_location(session, wh, loc_code).id
    received = today()
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
