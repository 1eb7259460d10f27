"""Bring a factory's Excel into stockbot: item master, opening stock, suppliers, BOMs.

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

from stockbot.io.imports.boms import import_boms
from stockbot.io.imports.items import import_items
from stockbot.io.imports.report import ImportReport, RowError
from stockbot.io.imports.rows import (
    BOM_COLUMNS,
    ITEM_COLUMNS,
    MAX_INTEGER_DIGITS,
    STOCK_COLUMNS,
    SUPPLIER_COLUMNS,
    BomRow,
    ItemRow,
    StockRow,
    SupplierRow,
    parse_date,
    parse_decimal,
)
from stockbot.io.imports.stock import import_stock, stock_idempotency_key
from stockbot.io.imports.suppliers import import_suppliers

__all__ = [
    "BOM_COLUMNS",
    "ITEM_COLUMNS",
    "MAX_INTEGER_DIGITS",
    "STOCK_COLUMNS",
    "SUPPLIER_COLUMNS",
    "BomRow",
    "ImportReport",
    "ItemRow",
    "RowError",
    "StockRow",
    "SupplierRow",
    "import_boms",
    "import_items",
    "import_stock",
    "import_suppliers",
    "parse_date",
    "parse_decimal",
    "stock_idempotency_key",
]
