"""Cell validators and the typed rows (one pydantic model per sheet) with their columns."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Annotated, Any, cast

from pydantic import BaseModel, BeforeValidator, ConfigDict

from stockbot.io.tabular import Cell, Vocabulary
from stockbot.store.models import (
    Batch,
    Item,
    ItemUnit,
    Location,
    Supplier,
    Warehouse,
)
from stockbot.store.types import MAX_INTEGER_DIGITS, MAX_QTY, SCALE
from stockbot.text import disguise

_QUANTUM = Decimal(1).scaleb(-SCALE)


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


def _visible(s: str) -> str:
    """*s*, or ValueError when it hides an invisible control (`stockbot.text`, the rule chat
    commands follow too): a code or name that displays as something else is refused."""
    mark = disguise(s)
    if mark is not None:
        raise ValueError(
            f"contains an invisible control character ({mark}) that makes text display as "
            "something else; retype the cell"
        )
    return s


_WAREHOUSE_CODE = re.compile(r"[\w-][\w.-]*")
"""Letters, digits, `-_.`; no `/`, no space, no leading dot: a code also names files and
reports, so `../../etc` is not one."""


def _warehouse_code(max_len: int) -> BeforeValidator:
    text = cast(Callable[[Cell], str | None], _text(max_len, required=True).func)

    def check(v: Cell) -> str | None:
        s = text(v)
        if s is not None and not _WAREHOUSE_CODE.fullmatch(s):
            raise ValueError(f"{s[:40]!r} is not a warehouse code (letters, digits, - _ . only)")
        return s

    return BeforeValidator(check)


def _text(max_len: int, *, required: bool = False, default: str | None = "") -> BeforeValidator:
    def check(v: Cell) -> str | None:
        s = _as_text(v)
        if s is None:
            if required:
                raise ValueError("is empty; a value is required")
            return default
        if len(s) > max_len:
            raise ValueError(f"text is {len(s)} characters long; at most {max_len} fit")
        return _visible(s)

    return BeforeValidator(check)


_THOUSANDS = re.compile(r"[+-]?\d{1,3}(,\d{3})+(\.\d*)?")
_PLAIN = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)")
"""The chat's number grammar (`commands/quantity.py`): digits and one point, no exponent, so
`1e5` in a sheet is refused exactly as it is when typed in a chat."""


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
        if not _PLAIN.fullmatch(s):
            raise ValueError(f"{_as_text(v)!r} is not a number (write digits, e.g. 100000)")
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


def _number(
    *, required: bool = False, positive: bool = False, default: Decimal | None = Decimal(0)
) -> BeforeValidator:
    """A number, 0 or more; *required*: a cell left empty is an error, not *default*;
    *positive*: required and more than 0 (a BOM's quantity per unit)."""

    def check(v: Cell) -> Decimal | None:
        if v is None:
            if required or positive:
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


def _aliases(longest: int = 100, what: str = "alias") -> BeforeValidator:
    """A `;`-separated list (aliases, further barcodes), each part at most *longest*."""

    def check(v: Cell) -> list[str]:
        s = _as_text(v)
        if s is None:
            return []
        out: list[str] = []
        for part in _ALIAS_SPLIT.split(_visible(s)):
            part = part.strip()
            if len(part) > longest:
                raise ValueError(f"{what} {part[:20]!r}… is over {longest} characters")
            if part and part not in out:
                out.append(part)
        return out

    return BeforeValidator(check)


_PAIR_SPLIT = re.compile(r"[;；|｜、\n]")


def _conversions() -> BeforeValidator:
    """`box=100;箱=100` (also `箱:100`, full-width `＝`/`：`, `；` or `,` between pairs) →
    {unit: factor}; a unit named twice with two factors is refused here, the rest of the rules
    (not the base unit itself, a factor the base unit's decimals can hold) in `units.check`."""

    def check(v: Cell) -> dict[str, Decimal]:
        s = _as_text(v)
        out: dict[str, Decimal] = {}
        for part in _PAIR_SPLIT.split(unicodedata.normalize("NFKC", s or "")):
            part = part.strip()
            if not part:
                continue
            pair = re.fullmatch(r"(.+?)\s*[=:]\s*(.+)", part)
            if pair is None:
                raise ValueError(f"{part[:40]!r} is not unit=factor (e.g. box=100;箱=100)")
            unit, factor = pair.groups()
            if len(unit) > _col_len(ItemUnit.unit) or not re.fullmatch(r"[^\W\d_]+\d?", unit):
                raise ValueError(f"{unit[:40]!r} is not a unit word (letters, e.g. box or 箱)")
            amount = parse_decimal(factor)
            if amount <= 0:
                raise ValueError(f"1 {unit} must be more than 0, not {factor}")
            if unit in out and out[unit] != amount:
                raise ValueError(f"{unit} is given twice ({out[unit]} and {factor})")
            out[unit] = amount
        return out

    return BeforeValidator(check)


def _decimals() -> BeforeValidator:
    def check(v: Cell) -> int | None:
        if v is None:
            return None
        d = parse_decimal(v)
        if d != d.to_integral_value() or not 0 <= d <= SCALE:
            raise ValueError(f"{_as_text(v)} is not a number of decimal places (0 to {SCALE})")
        return int(d)

    return BeforeValidator(check)


def _email() -> BeforeValidator:
    def check(v: Cell) -> str | None:
        s = _as_text(v)
        if s is None:
            return None
        if len(_visible(s)) > _col_len(Supplier.email) or not re.fullmatch(
            r"[^@\s]+@[^@\s]+\.[^@\s]+", s
        ):
            raise ValueError(f"{s!r} is not an email address")
        return s

    return BeforeValidator(check)


# --- typed rows ---------------------------------------------------------------------------------

_CODE = _col_len(Item.code)


class Row(BaseModel):
    model_config = ConfigDict(frozen=True, extra="ignore")


class ItemRow(Row):
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
    barcodes: Annotated[list[str], _aliases(_col_len(Item.barcode), "barcode")] = []
    needs_qc: Annotated[bool, _flag()] = False
    batch_tracked: Annotated[bool, _flag()] = False
    supplier: Annotated[str | None, _text(_col_len(Supplier.code), default=None)] = None
    decimals: Annotated[int | None, _decimals()] = None
    unit_conversions: Annotated[dict[str, Decimal], _conversions()] = {}


class StockRow(Row):
    code: Annotated[str, _text(_CODE, required=True)]
    warehouse: Annotated[str, _warehouse_code(_col_len(Warehouse.code))]
    location: Annotated[str | None, _text(_col_len(Location.code), default=None)] = None
    batch: Annotated[str | None, _text(_col_len(Batch.lot), default=None)] = None
    qty: Annotated[Decimal, _number(required=True)]
    """Zero is allowed here: a stock sheet lists items with nothing on hand; the import skips
    those rows and counts them."""
    unit_cost: Annotated[Decimal | None, _number(default=None)] = None
    expiry: Annotated[date | None, _date()] = None


class SupplierRow(Row):
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


class BomRow(Row):
    """One BOM line: `product` needs `qty_per` of `component` (+ `scrap_pct` %)."""

    product: Annotated[str, _text(_CODE, required=True)]
    component: Annotated[str, _text(_CODE, required=True)]
    qty_per: Annotated[Decimal, _number(positive=True)]
    scrap_pct: Annotated[Decimal, _number()] = Decimal(0)
    backflush: Annotated[bool, _flag()] = False
    substitute: Annotated[str | None, _text(_CODE, default=None)] = None


BOM_COLUMNS = Vocabulary(
    (*BomRow.model_fields,),
    required=("product", "component", "qty_per"),
    overrides={
        "product": ("product", "product code", "parent", "产品", "产品编码", "成品", "父件"),
        "component": ("component", "component code", "child", "组件", "子件", "物料", "材料"),
        "qty_per": ("qty per", "quantity per", "usage", "用量", "单位用量", "单耗"),
        "scrap_pct": ("scrap", "scrap %", "scrap pct", "损耗率", "损耗", "损耗%"),
        "backflush": ("backflush", "倒冲", "倒扣"),
        "substitute": ("substitute", "alternative", "替代料", "替代", "替代物料"),
    },
)  # fmt: skip
