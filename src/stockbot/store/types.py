"""Exact decimal columns for quantities and money on every backend.

SQLAlchemy's `Numeric` on SQLite is stored as REAL (a float): `0.1 + 0.2` kg would become
`0.30000000000000004`. A ledger cannot live with that, so `Qty` stores
- on PostgreSQL: `NUMERIC(24, 6)` (exact, readable by anyone with psql);
- on SQLite: a 64-bit INTEGER of millionths (exact, and SQLite's `sum()` stays integer).
Values with more than 6 decimal places are refused rather than silently rounded.

Range: every `Qty` value — a line, a balance, a daily total, a cost or an amount — is bounded by
`MAX_QTY` = 10^12 − 10^-6 (at most 12 digits before the decimal point) on BOTH backends, so
SQLite and PostgreSQL accept and refuse the same values. In millionths that is 10^18 − 1, under
half of SQLite's 2^63 − 1 (≈ 9.22·10^18): a balance plus a delta, each within the limit, cannot
overflow in SQL (where SQLite would silently turn the sum into a float) before the posting path
reads the result back and refuses it. The chat parser and the importers use the same limit.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from sqlalchemy import BigInteger, Numeric
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator, TypeEngine

from stockbot.limits import MAX_INTEGER_DIGITS, MAX_QTY, SCALE

__all__ = [
    "MAX_INTEGER_DIGITS",
    "MAX_QTY",
    "MAX_RAW",
    "SCALE",
    "PrecisionError",
    "Qty",
    "QtyRangeError",
    "StoredValueError",
    "fmt_qty",
    "in_range",
    "to_decimal",
]

_QUANTUM = Decimal(1).scaleb(-SCALE)
MAX_RAW = int(MAX_QTY.scaleb(SCALE))
"""`MAX_QTY` in the SQLite representation (millionths): 10^18 − 1."""
_MIN_QTY = -MAX_QTY
_FLOAT_EXACT = 2.0**53


class PrecisionError(ValueError):
    """A value has more decimal places than the store keeps exactly."""


class QtyRangeError(ValueError):
    """A value beyond ±`MAX_QTY`: too large for a quantity column on any backend."""


class StoredValueError(ValueError):
    """A stored quantity that cannot be read exactly (a float where millionths belong)."""


def in_range(value: Decimal) -> bool:
    """True when `value` fits every `Qty` column (|value| ≤ `MAX_QTY`)."""
    return _MIN_QTY <= value <= MAX_QTY


def to_decimal(value: Any) -> Decimal:
    """Coerce int/str/Decimal to an exact Decimal; floats are a bug, not an input."""
    if isinstance(value, Decimal):
        d = value
    elif isinstance(value, bool):
        raise TypeError("bool is not a quantity")
    elif isinstance(value, int | str):
        try:
            d = Decimal(value)
        except InvalidOperation as exc:
            raise ValueError(f"not a number: {value!r}") from exc
    else:
        raise TypeError(f"quantities must be Decimal/int/str, not {type(value).__name__}")
    if not d.is_finite():
        raise ValueError(f"not a finite number: {value!r}")
    if d != d.quantize(_QUANTUM):
        raise PrecisionError(f"{value} has more than {SCALE} decimal places")
    return d


def _exact_float(value: Any) -> bool:
    """A float that is exactly a whole number of millionths: `coalesce(sum(qty), 0.0)` on no
    rows, say. (SQLite stores an integral REAL in an INTEGER column as an integer, so a REAL read
    from the column itself is fractional or beyond 2^63 and fails this.)"""
    return type(value) is float and value.is_integer() and abs(value) <= _FLOAT_EXACT


class Qty(TypeDecorator[Decimal]):
    """Exact signed decimal with 6 places (see module docstring)."""

    impl = Numeric(24, SCALE)
    cache_ok = True

    def load_dialect_impl(self, dialect: Dialect) -> TypeEngine[Any]:
        if dialect.name == "sqlite":
            return dialect.type_descriptor(BigInteger())
        return dialect.type_descriptor(Numeric(24, SCALE, asdecimal=True))

    def process_bind_param(self, value: Any, dialect: Dialect) -> Any:
        if value is None:
            return None
        d = to_decimal(value)
        if not _MIN_QTY <= d <= MAX_QTY:
            raise QtyRangeError(f"{value} is beyond the largest storable quantity ±{MAX_QTY}")
        if dialect.name == "sqlite":
            return int(d.scaleb(SCALE))
        return d

    def process_result_value(self, value: Any, dialect: Dialect) -> Decimal | None:
        if value is None:
            return None
        if dialect.name == "sqlite":
            if type(value) is not int and not _exact_float(value):
                # REAL in an INTEGER column: an overflowed sum. Never truncate it silently.
                raise StoredValueError(f"stored quantity {value!r} is not exact millionths")
            return Decimal(int(value)).scaleb(-SCALE)
        return Decimal(value)

    @property
    def python_type(self) -> type[Decimal]:
        return Decimal


def fmt_qty(value: Decimal | None) -> str:
    """`Decimal('20.000000')` → `20`, `Decimal('0.300000')` → `0.3`; never scientific."""
    if value is None:
        return "-"
    d = value.normalize()
    if d == d.to_integral_value():
        return f"{d.quantize(Decimal(1)):,}" if abs(d) >= 10000 else str(d.quantize(Decimal(1)))
    return format(d, "f")


def decimal_text(value: Decimal) -> str:
    """An exact quantity for machines (the API, webhooks): `20`, `0.3`, `-1.25`; no grouping,
    no exponent, no trailing zeros."""
    return format(value.normalize(), "f")
