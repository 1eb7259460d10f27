"""Numbers in bulk *as stored*: SQLite keeps a `Qty` as integer millionths, and turning 50,000
of them into Decimals costs more than the query. Comparisons and sums work on the stored numbers
directly; only what is shown becomes a Decimal (`Raw.qty`, `Raw.money`)."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from sqlalchemy import BigInteger, Float, cast, func, type_coerce
from sqlalchemy.orm import Session

from stockbot.reports.rules import CENT, ZERO


class Raw:
    """Stored numbers: int millionths on SQLite, Decimal on PostgreSQL (see module docstring)."""

    def __init__(self, session: Session) -> None:
        self.sqlite = session.get_bind().dialect.name == "sqlite"

    def col(self, column: Any) -> Any:
        return type_coerce(column, BigInteger) if self.sqlite else column

    def sum(self, column: Any) -> Any:
        return func.sum(self.col(column))

    def real(self, column: Any) -> Any:
        """A float expression of a Qty column (for chart sums; scale with `real_scale`)."""
        return cast(self.col(column), Float)

    @property
    def real_scale(self) -> float:
        """Multiply a float sum of products of two Qty columns by this."""
        return 1e-12 if self.sqlite else 1.0

    def qty(self, v: Any) -> Decimal:
        if v is None:
            return ZERO
        return Decimal(v).scaleb(-6) if self.sqlite else Decimal(v)

    def money(self, v: Any) -> Decimal:
        """A product of two stored numbers (qty × unit cost) as money, to the cent."""
        if v is None:
            return ZERO
        d = Decimal(v).scaleb(-12) if self.sqlite else Decimal(v)
        return d.quantize(CENT, ROUND_HALF_UP)
