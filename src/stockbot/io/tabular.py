"""Read the spreadsheets factories actually have: `.xlsx` workbooks and CSV files from Excel.

Why this layer exists: an importer should see "row 7, column 数量: value" and nothing else. The
mess of real files stays here:

- **Encodings.** Excel on a Chinese Windows saves "CSV" in GBK, elsewhere in UTF-8 (often with
  a BOM); "Unicode text" is UTF-16 with a BOM. We try strict UTF-8 first, then GB18030 (a
  superset of GBK). UTF-8 is tried first because GBK would happily "decode" most UTF-8 bytes
  into nonsense, while real GBK text is almost never valid UTF-8. A file that is neither — or a
  binary file wearing a `.csv` name — is a `TableError` with a sentence, not a traceback.
- **Headers.** People write `物料编码`, `料號`, `Item Code` or `item_code*` for the same column.
  `fold_header` reduces a header to a comparable key (full-width → ASCII, traditional →
  simplified via OpenCC `t2s`, lower case, punctuation and spaces dropped), and a `Vocabulary`
  maps folded synonyms to one canonical field name.
- **Cell values.** xlsx numbers arrive as binary floats. Excel shows 15 significant digits, so
  `0.30000000000000004` (the cached result of `=0.1+0.2`) becomes `Decimal("0.3")` — what the
  user saw — and never a float past this module.
- **Row numbers** are the ones Excel shows: the header is row 1, a quoted multi-line CSV cell
  is still one row.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
import unicodedata
import zipfile
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import Any

Cell = str | int | Decimal | date | datetime | time | bool | None
"""A cell as importers see it: stripped text, an exact number, a date, or None when empty."""

NOT_TEXT = "file is not UTF-8 or GBK text"


class TableError(Exception):
    """The file cannot be read as a table at all (one file-level message for the user)."""


# --- headers ------------------------------------------------------------------------------------


@lru_cache(maxsize=1)
def _t2s() -> Any:
    from opencc import OpenCC

    return OpenCC("t2s")


_BRACKETED = re.compile(r"[(\[（【<《].*?[)\]）】>》]")


@lru_cache(maxsize=4096)
def fold_header(text: str) -> str:
    """A header reduced to what matters: `"料號 (Item Code)*"` and `"料号"` fold alike.

    NFKC turns full-width letters and brackets into ASCII, OpenCC folds traditional characters to
    simplified, and everything that is not a letter or digit (spaces, `_`, `-`, `*`, brackets)
    is dropped, so `lead_time_days`, `Lead time (days)` and `LEAD-TIME DAYS` compare equal.
    """
    s = unicodedata.normalize("NFKC", text).strip().lower()
    s = _t2s().convert(s)
    return "".join(ch for ch in s if ch.isalnum())


def _fold_without_brackets(text: str) -> str:
    """`数量(件)` → `数量`: a fallback when the full header is not a known synonym."""
    return fold_header(_BRACKETED.sub("", unicodedata.normalize("NFKC", text)))


SYNONYMS: dict[str, tuple[str, ...]] = {
    "code": (
        "code", "item code", "item no", "item number", "part no", "part number", "pn", "sku",
        "material code", "物料编码", "物料代码", "物料号", "物料编号", "料号", "编码", "编號",
        "編碼", "代码", "品号", "货号", "存货编码", "商品编码", "产品编码", "编号",
    ),
    "name": (
        "name", "item name", "description", "名称", "物料名称", "品名", "存货名称", "商品名称",
        "产品名称",
    ),
    "spec": ("spec", "specification", "size", "model", "规格", "規格", "规格型号", "型号"),
    "unit": ("unit", "uom", "units", "单位", "計量單位", "计量单位", "基本单位"),
    "category": (
        "category", "class", "type", "group", "类别", "分类", "類別", "类型", "物料类别", "大类",
    ),
    "safety_stock": ("safety stock", "min stock", "安全库存", "安全庫存", "最低库存", "最小库存"),
    "reorder_point": ("reorder point", "rop", "再订货点", "再訂貨點", "订货点", "补货点"),
    "reorder_qty": (
        "reorder qty", "reorder quantity", "order qty", "订货量", "訂貨量", "订购量", "补货量",
        "经济订货量", "采购批量",
    ),
    "lead_time_days": (
        "lead time", "lead time days", "lead days", "交期", "交期(天)", "采购周期",
        "采购周期(天)", "採購週期", "提前期", "供货周期",
    ),
    "unit_cost": (
        "unit cost", "cost", "price", "unit price", "单价", "單價", "成本", "单位成本", "价格",
        "成本价",
    ),
    "aliases": ("aliases", "alias", "other names", "别名", "別名", "俗称"),
    "decimals": (
        "decimals", "decimal places", "小数位", "小數位", "小数位数", "小數位數", "精度",
    ),
    "unit_conversions": (
        "unit conversions", "conversions", "units of measure", "单位换算", "單位換算", "换算",
        "包装单位", "换算单位",
    ),
    "barcode": ("barcode", "bar code", "ean", "upc", "条码", "條碼", "条形码"),
    "barcodes": ("barcodes", "more barcodes", "other barcodes", "其他条码", "其他條碼", "多条码"),
    "needs_qc": ("needs qc", "qc", "inspection", "需检验", "检验", "质检", "需质检"),
    "batch_tracked": ("batch tracked", "lot tracked", "批次管理", "批号管理"),
    "supplier": (
        "supplier", "supplier code", "vendor", "vendor code", "供应商", "供應商", "供应商编码",
        "供应商代码", "默认供应商",
    ),
    "warehouse": ("warehouse", "wh", "warehouse code", "仓库", "倉庫", "仓库编码", "仓库代码"),
    "location": ("location", "bin", "loc", "库位", "庫位", "货位", "储位", "仓位"),
    "batch": ("batch", "lot", "batch no", "lot no", "批次", "批号", "批號", "批次号"),
    "qty": (
        "qty", "quantity", "on hand", "stock", "opening qty", "数量", "數量", "库存", "库存数量",
        "期初数量", "期初库存", "结存数量", "现存量", "在库数量",
    ),
    "expiry": (
        "expiry", "expiry date", "exp", "expires", "best before", "有效期", "保质期", "有效期至",
        "失效日期", "到期日", "过期日期",
    ),
    "contact": ("contact", "contact person", "联系人", "聯繫人"),
    "phone": ("phone", "tel", "telephone", "mobile", "电话", "電話", "联系电话", "手机"),
    "email": ("email", "e-mail", "mail", "邮箱", "郵箱", "电子邮件"),
}  # fmt: skip
"""Canonical field → headers people write for it (folded before comparing, so traditional
spellings and `Item_Code*` come free; a few traditional forms are listed for the reader)."""


class Vocabulary:
    """The columns one kind of file may have: folded synonym → canonical field name."""

    def __init__(
        self,
        fields: Sequence[str],
        *,
        required: Sequence[str] = (),
        overrides: Mapping[str, Sequence[str]] | None = None,
    ) -> None:
        self.fields = tuple(fields)
        self.required = tuple(required)
        self._by_fold: dict[str, str] = {}
        for name in self.fields:
            words = (overrides or {}).get(name, SYNONYMS.get(name, ()))
            for word in (name, *words):
                key = fold_header(word)
                other = self._by_fold.setdefault(key, name)
                if other != name:
                    raise ValueError(f"header {word!r} would mean both {other} and {name}")

    def match(self, header: str) -> str | None:
        """The canonical field a header means, or None when it is not one of ours."""
        return self._by_fold.get(fold_header(header)) or self._by_fold.get(
            _fold_without_brackets(header)
        )


# --- tables -------------------------------------------------------------------------------------


@dataclass
class Table:
    """An open table: its header, which column is which field, and an iterator over rows."""

    path: Path
    headers: list[str]
    columns: dict[str, int]
    """Canonical field → column index (first column that means it)."""
    header_row: int = 1
    duplicates: dict[str, list[str]] = field(default_factory=dict)
    """Canonical field → every header that meant it, when more than one column did."""
    ignored: list[str] = field(default_factory=list)
    """Headers that are none of our fields (kept so the report can say so)."""
    total_rows: int | None = None
    """Data rows, when known cheaply (for a progress bar); None otherwise."""
    rows: Iterator[tuple[int, dict[str, Cell]]] = field(default_factory=lambda: iter(()))
    """(Excel row number, {field: cell}) for every non-empty data row."""

    def header_of(self, name: str) -> str:
        """The header as the user wrote it, for messages (`数量`, not `qty`)."""
        idx = self.columns.get(name)
        return self.headers[idx] if idx is not None else name

    def missing(self, required: Sequence[str]) -> list[str]:
        return [f for f in required if f not in self.columns]


@contextmanager
def open_table(path: str | Path, vocabulary: Vocabulary) -> Iterator[Table]:
    """Open a `.csv` or `.xlsx` file and map its header row (first non-empty row) to fields.

    Raises `TableError` for anything that is not a readable table; closes the workbook after.
    """
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix == ".xlsx" or suffix == ".xlsm":
        with _xlsx_rows(path) as (raw, total):
            yield _table(path, raw, vocabulary, total)
    elif suffix in (".csv", ".txt", ".tsv"):
        text = decode_text(_read_bytes(path))
        records = _csv_records(text)
        yield _table(path, iter(records), vocabulary, max(0, len(records) - 1))
    elif suffix == ".xls":
        raise TableError("old .xls workbooks are not supported: save it as .xlsx or .csv")
    else:
        raise TableError(f"cannot read {path.name}: use a .xlsx or .csv file")


def _read_bytes(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:
        raise TableError(f"cannot read {path.name}: {exc.strerror or exc}") from exc


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")


def decode_text(data: bytes) -> str:
    """Bytes of a CSV → text: UTF-8 (BOM or not), UTF-16 with BOM, else GB18030; else an error."""
    if data.startswith(b"PK\x03\x04"):
        raise TableError(f"{NOT_TEXT}: it looks like an Excel workbook; name it .xlsx")
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        candidates: tuple[str, ...] = ("utf-16",)
    else:
        candidates = ("utf-8-sig", "gb18030")
    for encoding in candidates:
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if _CONTROL.search(text):
            break  # binary content that happens to decode
        return text
    raise TableError(NOT_TEXT)


def _csv_records(text: str) -> list[list[str]]:
    first = text.split("\n", 1)[0]
    delimiter = max((",", "\t", ";"), key=first.count) if first else ","
    try:
        return list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    except csv.Error as exc:
        raise TableError(f"not a readable CSV file: {exc}") from exc


@contextmanager
def _xlsx_rows(path: Path) -> Iterator[tuple[Iterator[Sequence[Any]], int | None]]:
    from openpyxl import load_workbook

    try:
        wb = load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise TableError(f"{path.name} is not a readable .xlsx workbook") from exc
    except Exception as exc:  # openpyxl raises its own InvalidFileException and friends
        raise TableError(f"{path.name} is not a readable .xlsx workbook: {exc}") from exc
    try:
        ws = wb.worksheets[0] if wb.worksheets else None
        if ws is None:
            raise TableError(f"{path.name} has no worksheet")
        total = ws.max_row - 1 if ws.max_row else None
        yield ws.iter_rows(min_row=1, values_only=True), total
    finally:
        wb.close()


def _table(
    path: Path, raw: Iterator[Sequence[Any]], vocabulary: Vocabulary, total: int | None
) -> Table:
    header_row = 0
    headers: list[str] = []
    for n, values in enumerate(raw, start=1):
        cells = [_header_text(v) for v in values]
        if any(cells):
            header_row, headers = n, cells
            break
    if not headers:
        raise TableError(f"{path.name} is empty: the first row should name the columns")
    columns: dict[str, int] = {}
    seen: dict[str, list[str]] = {}
    ignored: list[str] = []
    for idx, header in enumerate(headers):
        if not header:
            continue
        name = vocabulary.match(header)
        if name is None:
            ignored.append(header)
            continue
        seen.setdefault(name, []).append(header)
        columns.setdefault(name, idx)
    duplicates = {k: v for k, v in seen.items() if len(v) > 1}
    return Table(
        path=path,
        headers=headers,
        columns=columns,
        header_row=header_row,
        duplicates=duplicates,
        ignored=ignored,
        total_rows=total,
        rows=_data_rows(raw, columns, header_row),
    )


def _header_text(value: Any) -> str:
    if value is None:
        return ""
    return str(value).replace("\ufeff", "").strip()


def _data_rows(
    raw: Iterator[Sequence[Any]], columns: dict[str, int], header_row: int
) -> Iterator[tuple[int, dict[str, Cell]]]:
    items = list(columns.items())
    for n, values in enumerate(raw, start=header_row + 1):
        width = len(values)
        row = {name: (cell(values[idx]) if idx < width else None) for name, idx in items}
        if any(v is not None for v in row.values()):
            yield n, row


def cell(value: Any) -> Cell:
    """One raw value (CSV text or an openpyxl value) → a `Cell` (see module docstring)."""
    if value is None:
        return None
    if isinstance(value, str):
        s = value.strip()
        return s or None
    if isinstance(value, bool | int | Decimal | date | time):
        return value  # datetime is a date subclass
    if isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            return Decimal("NaN")
        d = Decimal(format(value, ".15g"))
        return int(d) if d == d.to_integral_value() and abs(d) < 10**15 else d
    return str(value).strip() or None
