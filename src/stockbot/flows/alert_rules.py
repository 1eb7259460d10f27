"""The rules of shortage warnings, pure: numbers in, findings out (no session, no clock).

A *finding* is one (item, reason, ref) that should have an open alert now. Stock reasons come
from an item's thresholds (`reports.stock_reasons`); the scan adds days of cover, expiring
batches and overdue purchase orders. `must_reevaluate` is the test the posting path runs on one
query's numbers to decide whether an item's alerts change at all (the usual posting: no).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from stockbot import reports
from stockbot.flows.notices import ItemLabel, L

STOCK = ("stockout", "below_safety", "below_reorder")
REASONS = (*STOCK, "cover", "expiring", "overdue_po")
"""Most severe first."""
ZERO = Decimal(0)
BITS = {"stockout": 1, "below_safety": 2, "below_reorder": 4}
"""The stock reasons as bits, to compare what holds with what is open in one integer."""

Key = tuple[int, str, str]  # item id, reason, ref


@dataclass(frozen=True, slots=True)
class Finding:
    item_id: int
    reason: str
    ref: str = ""
    warehouse_id: int | None = None

    @property
    def key(self) -> Key:
        return (self.item_id, self.reason, self.ref)


@dataclass(slots=True)
class AlertRow:
    id: int
    item_id: int
    reason: str
    ref: str
    warehouse_id: int | None


@dataclass(slots=True)
class Outcome:
    """What one evaluation changed: alerts to announce, alerts closed, items back in stock."""

    announced: list[AlertRow] = field(default_factory=list)
    closed: list[AlertRow] = field(default_factory=list)
    recovered: list[int] = field(default_factory=list)
    """Items whose last stock alert closed (they get the "back above" note)."""
    messages: int = 0
    unreached: set[int | None] = field(default_factory=set)
    """Warehouses whose news reached nobody (no bound chat, no keeper, purchaser or admin)."""

    @property
    def changed(self) -> bool:
        return bool(self.announced or self.closed)


def stock_findings(
    levels: Iterable[tuple[int, Any, Any, Any, Any, int | None]],
) -> dict[Key, Finding]:
    """(item, available, projected, safety stock, reorder point, warehouse) → findings."""
    found: dict[Key, Finding] = {}
    for item_id, available, projected, safety, rop, wh in levels:
        for reason in reports.stock_reasons(available, projected, safety, rop):
            f = Finding(item_id, reason, "", wh)
            found[f.key] = f
    return found


def stock_mask(available: Any, projected: Any, safety: Any, rop: Any) -> int:
    mask = 0
    for reason in reports.stock_reasons(available, projected, safety, rop):
        mask |= BITS[reason]
    return mask


def must_reevaluate(open_mask: int, found_mask: int, went_down: bool, woke: bool) -> bool:
    """Whether a posting changes an item's stock alerts: an open one no longer holds; or the
    stock went down and a reason holds with no alert yet, or a snooze ran out. A rise never
    opens one: what holds after an import is opened by `/shortages` or the hourly scan."""
    cleared = open_mask & ~found_mask
    crossed = went_down and (found_mask & ~open_mask or (woke and found_mask & open_mask))
    return bool(cleared or crossed)


def severity(reasons: Iterable[str]) -> int:
    return min(REASONS.index(r) for r in reasons)


def why(reasons: Iterable[str]) -> dict[str, Any]:
    """The reasons, most severe first, as one text in the reader's language."""
    order = sorted(set(reasons), key=REASONS.index)
    text = L(f"alert.reason.{order[0]}")
    for r in order[1:]:
        text = L("alert.and", a=text, b=L(f"alert.reason.{r}"))
    return text


def label(code: str, name: str | None, width: int | None = None) -> Any:
    """An item as alerts show it: `notices.ItemLabel` (the name in the reader's script)."""
    return ItemLabel(code, name, width)
