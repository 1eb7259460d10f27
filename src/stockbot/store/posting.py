"""What the posting path takes and gives: lines, the posting's metadata, its result, and the
ways it refuses (every refusal is a `PostingError`; nothing of a refused posting is written).
Kept apart from `store/ledger.py`, which is the path itself.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from stockbot.store.models import MovementKind
from stockbot.store.types import MAX_QTY, fmt_qty

BalanceKey = tuple[int, int, int | None]  # item_id, location_id, batch_id


@dataclass(frozen=True, slots=True)
class Line:
    """One movement to post: a signed quantity of an item at a location (and batch)."""

    item_id: int
    location_id: int
    qty: Decimal
    kind: MovementKind
    batch_id: int | None = None
    unit_cost: Decimal | None = None
    reverses_movement_id: int | None = None
    warehouse_id: int | None = None
    """The location's warehouse, when the caller read the location in this same transaction
    (a receipt just chose it): the posting then need not look it up. None: looked up."""


@dataclass(frozen=True, slots=True)
class Meta:
    """Who, why and where from: the audit trail every posting carries."""

    idempotency_key: str
    kind: str
    actor_id: int | None = None
    doc_type: str | None = None
    doc_id: str | None = None
    chat_platform: str | None = None
    chat_id: str | None = None
    message_id: str | None = None
    note: str | None = None


@dataclass(frozen=True, slots=True)
class PostingResult:
    posting_id: int
    movement_ids: tuple[int, ...]
    already_done: bool
    balances: dict[BalanceKey, Decimal] = field(default_factory=dict)
    """On-hand after this posting, per touched balance (empty when `already_done`)."""


class PostingError(Exception):
    """A posting that cannot be made as asked; nothing of it is written."""


class InsufficientStock(PostingError):
    """The posting would take a balance below zero."""

    def __init__(
        self,
        item_id: int,
        item_code: str,
        location: str,
        on_hand: Decimal,
        requested: Decimal,
    ) -> None:
        self.item_id = item_id
        self.item_code = item_code
        self.location = location
        self.on_hand = on_hand
        self.requested = requested
        self.shortfall = requested - on_hand
        super().__init__(
            f"{item_code} at {location}: on hand {fmt_qty(on_hand)}, "
            f"requested {fmt_qty(requested)}, short by {fmt_qty(self.shortfall)}"
        )


class QuantityLimitExceeded(PostingError):
    """A line, a balance or a daily or monthly total would go beyond ±`MAX_QTY`, the most a
    quantity column holds exactly on every backend; nothing of the posting is written."""

    message_key = "posting.qty_limit"
    """i18n key for chat replies; params: `item`, `what`, `value`, `limit`, `place`."""

    def __init__(
        self,
        item_id: int,
        item_code: str,
        what: str,
        value: Decimal,
        place: str = "",
        limit: Decimal = MAX_QTY,
    ) -> None:
        self.item_id = item_id
        self.item_code = item_code
        self.what = what  # "line", "balance", "unit cost", "daily total" or "monthly total"
        self.value = value
        self.place = place
        self.limit = limit
        at = f" at {place}" if place else ""
        super().__init__(
            f"{item_code}{at}: the {what} would be {fmt_qty(value)}, beyond the largest "
            f"quantity stockbot keeps ({fmt_qty(limit)}); nothing was posted"
        )

    @property
    def params(self) -> dict[str, str]:
        return {
            "item": self.item_code,
            "what": self.what,
            "value": fmt_qty(self.value),
            "limit": fmt_qty(self.limit),
            "place": self.place,
        }


class AlreadyReversed(PostingError):
    def __init__(self, movement_ids: list[int]) -> None:
        self.movement_ids = movement_ids
        super().__init__(f"already reversed: {', '.join(map(str, movement_ids))}")


def totals_refusal(orig: BaseException | None) -> str | None:
    """ "daily total" or "monthly total" when `orig` is the totals trigger refusing a value
    beyond the limit (migration 0017 words its message so), else None."""
    text = str(orig)
    for what in ("daily", "monthly"):
        if f"stockbot: {what} total beyond the limit" in text:
            return f"{what} total"
    return None
