"""Exact decimal columns for quantities and money on every backend.

SQLAlchemy's `Numeric` on SQLite is stored as REAL (a float): `0.1 + 0.2` kg would become
`0.30000000000000004`. A ledger cannot live with that, so `Qty` stores
- on PostgreSQL: `NUMERIC(24, 6)` (exact, readable by anyone with psql);
- on SQLite: a 64-bit INTEGER of millionths (exact, and SQLite's `sum()` stays integer).
Values with more than 6 decimal places are refused rather than silently rounded.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from sqlalchemy import BigInteger, Numeric
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator, TypeEngine

SCALE = 6
_QUANTUM = Decimal(1).scaleb(-SCALE)
_SQLITE_MAX = 2**63 - 1


class PrecisionError(ValueError):
    """A value has more decimal places than the store keeps exactly."""


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
        if dialect.name == "sqlite":
            scaled = int(d.scaleb(SCALE))
            if abs(scaled) > _SQLITE_MAX:
                raise ValueError(f"{value} is too large to store")
            return scaled
        return d

    def process_result_value(self, value: Any, dialect: Dialect) -> Decimal | None:
        if value is None:
            return None
        if dialect.name == "sqlite":
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
