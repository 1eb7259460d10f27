"""The API's request and response bodies. The OpenAPI document is generated from these, so
what the docs say and what the server checks cannot drift apart.

Quantities are decimal strings (`"12.5"`): JSON numbers would lose exactness in most clients.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    PlainSerializer,
    WithJsonSchema,
    field_validator,
)

from stockbot.store.types import decimal_text
from stockbot.text import disguise
from stockbot.timeutil import as_utc

Amount = Annotated[Decimal, PlainSerializer(decimal_text, return_type=str, when_used="json")]
"""A quantity as an exact decimal string (`"12.5"`)."""
Moment = Annotated[datetime, AfterValidator(as_utc)]
"""Always with its offset (SQLite hands back naive UTC)."""


class _Out(BaseModel):
    model_config = ConfigDict(frozen=True)


_CONTROLS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def unfit_text(value: str) -> str | None:
    """Why `value` may not reach the books (None: it may): control characters (PostgreSQL
    refuses NUL), lone surrogates, invisible controls (`stockbot.text.disguise`: `M<U+200B>8`
    is not `M8`). Bodies, query strings and paths all go through this one rule."""
    if _CONTROLS.search(value) or disguise(value):
        return "control or invisible characters are not allowed"
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return "not valid Unicode text"
    return None


class _In(BaseModel):
    """A request body: no stray fields, no unfit text (`unfit_text`)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    @field_validator("*", mode="after")
    @classmethod
    def _plain_text(cls, value: Any) -> Any:
        why = unfit_text(value) if isinstance(value, str) else None
        if why:
            raise ValueError(why)
        return value


class ErrorDetail(_Out):
    code: str = Field(
        description="stable, machine-readable: unauthorized, forbidden, "
        "not_found, invalid, conflict, rate_limited, too_large, …"
    )
    message: str = Field(description="for people, in the Accept-Language of the request")


class Error(_Out):
    error: ErrorDetail


class Quantities(_Out):
    on_hand: Amount
    reserved: Amount
    available: Amount
    on_order: Amount
    projected: Amount


class ItemOut(_Out):
    id: int
    code: str
    name: str
    spec: str
    unit: str
    category: str
    barcode: str | None


class ItemStock(_Out):
    item: ItemOut
    quantities: Quantities


class ItemPage(_Out):
    data: list[ItemOut]
    next_cursor: str | None = Field(description="pass as `cursor` for the next page; null: done")


class BalanceOut(_Out):
    item: str = Field(description="item code")
    warehouse: str
    location: str
    batch: str | None
    expiry: date | None
    on_hand: Amount


class BalancePage(_Out):
    data: list[BalanceOut]
    next_cursor: str | None


class MovementOut(_Out):
    id: int
    posting_id: int
    kind: str
    item: str
    warehouse: str
    location: str
    batch: str | None
    qty: Amount
    created_at: Moment
    actor: str | None
    document: str | None


class MovementPage(_Out):
    data: list[MovementOut]
    next_cursor: str | None = Field(
        description="always set: the position after the last movement returned; poll with it "
        "for what is posted later (no gaps, no repeats)"
    )


DocType = Literal["mr", "pr", "po", "gr", "count", "wo"]


class DocumentLineOut(_Out):
    item: str
    qty: Amount
    amount: Amount | None = Field(default=None, description="a purchase request line's amount")


class DocumentOut(_Out):
    type: DocType
    number: str
    state: str
    item: str | None = Field(description="the one item a document is about (none: several)")
    qty: Amount | None
    created_at: Moment | None
    amount: Amount | None = Field(default=None, description="a purchase request's total")
    lines: list[DocumentLineOut] | None = Field(
        default=None, description="what a purchase request buys, one entry per line"
    )


class DocumentPage(_Out):
    data: list[DocumentOut]
    next_cursor: str | None


# --- writes -------------------------------------------------------------------------------------


QtyIn = Annotated[
    Decimal,
    WithJsonSchema(
        {
            "type": "string",
            "pattern": r"^(?!0+(\.0+)?$)[0-9]{1,12}(\.[0-9]{1,6})?$",
            "description": "a positive decimal, at most 6 places (a JSON number works too)",
            "examples": ["20", "2.5"],
        }
    ),
]


class _ItemQtyIn(_In):
    item: str = Field(min_length=1, max_length=64, description="item code or barcode, exact")
    qty: QtyIn = Field(gt=0, max_digits=18, decimal_places=6)
    unit: str | None = Field(default=None, max_length=20, description="default: the item's unit")


class ReceiptIn(_ItemQtyIn):
    po: str | None = Field(default=None, max_length=32)
    batch: str | None = Field(default=None, max_length=64)
    expiry: date | None = None
    location: str | None = Field(default=None, max_length=64)
    note: str | None = Field(default=None, max_length=500)


class IssueIn(_ItemQtyIn):
    """A material request (领料): approved and issued by the usual workflow."""

    work_order: str | None = Field(default=None, max_length=32)
    note: str | None = Field(default=None, max_length=500)


class TransferIn(_ItemQtyIn):
    from_location: str = Field(min_length=1, max_length=64)
    to_location: str = Field(min_length=1, max_length=64)


class ReturnIn(_ItemQtyIn):
    note: str | None = Field(default=None, max_length=500)


class PurchaseRequestIn(_ItemQtyIn):
    supplier: str | None = Field(default=None, max_length=100)
    note: str | None = Field(default=None, max_length=500)


CountedIn = Annotated[
    Decimal,
    WithJsonSchema(
        {
            "type": "string",
            "pattern": r"^[0-9]{1,12}(\.[0-9]{1,6})?$",
            "description": "a decimal ≥ 0, at most 6 places (0: none found)",
            "examples": ["0", "198"],
        }
    ),
]


class AdjustmentIn(_In):
    """What a count found: a stocktake document (CNT-…) of one line, submitted for approval.
    The stock changes when an approver approves it in chat, as for any count."""

    item: str = Field(min_length=1, max_length=64, description="item code or barcode, exact")
    counted: CountedIn = Field(ge=0, max_digits=18, decimal_places=6)
    unit: str | None = Field(default=None, max_length=20, description="default: the item's unit")
    location: str = Field(
        min_length=1, max_length=64, description="`WH/LOC`, or `WH` for its default location"
    )
    batch: str | None = Field(
        default=None, max_length=64, description="needed where the item is in several batches"
    )
    note: str | None = Field(default=None, max_length=500, description="why, for the approver")


class WriteResult(_Out):
    message: str = Field(description="what the chat would have answered, in Accept-Language")
    message_key: str | None
    documents: list[str] = Field(description="documents this call created (GR-00012, …)")
    states: dict[str, str] = Field(
        description="each document's state after this call (`submitted`: waits for approval)"
    )
    postings: list[int] = Field(description="ledger postings this call made")
