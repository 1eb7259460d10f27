"""Pure stock rules: which warnings hold, whether cover is short, what to reorder."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

ZERO = Decimal(0)
CENT = Decimal("0.01")


def cents(v: float | None) -> Decimal:
    """A float sum from SQL (value by category, by warehouse, per day) as money to the cent:
    rounded as a float first (`repr` keeps `0.1 + 0.2` from becoming 0.30000000000000004)."""
    return Decimal(repr(round(v or 0.0, 2))).quantize(CENT)


def stock_reasons(available: Any, projected: Any, safety: Any, rop: Any) -> list[str]:
    """The stock-level reasons that hold now, most severe first (any consistent numbers)."""
    if safety <= 0 and rop <= 0:
        return []
    out = []
    if available <= 0:
        out.append("stockout")
    if safety > 0 and available < safety:
        out.append("below_safety")
    if rop > 0 and projected <= rop:
        out.append("below_reorder")
    return out


def short_on_cover(projected: Any, usage_total: Any, window_days: int, lead_days: int) -> bool:
    """Days of cover (projected ÷ daily usage) shorter than the lead time."""
    if not usage_total or usage_total <= 0 or lead_days <= 0:
        return False
    return max(projected, 0) * window_days < lead_days * usage_total


def suggested_qty(
    projected: Decimal, reorder_point: Decimal, reorder_qty: Decimal, multiple: Decimal
) -> Decimal:
    """`max(reorder_qty, reorder_point − projected)`, rounded up to the order multiple."""
    qty = max(reorder_qty, reorder_point - projected, ZERO)
    if multiple > 0 and qty > 0:
        steps = (qty / multiple).to_integral_value(rounding="ROUND_CEILING")
        qty = steps * multiple
    return qty
