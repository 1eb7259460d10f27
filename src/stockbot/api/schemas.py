"""The API's request and response bodies. The OpenAPI document is generated from these, so
what the docs say and what the server checks cannot drift apart.

Quantities are decimal strings (`"12.5"`): JSON numbers would lose exactness in most clients.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, PlainSerializer

from stockbot.store.types import decimal_text

Amount = Annotated[Decimal, PlainSerializer(decimal_text, return_type=str, when_used="json")]
"""A quantity as an exact decimal string (`"12.5"`)."""


class _Out(BaseModel):
    model_config = ConfigDict(frozen=True)


class _In(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


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
    created_at: datetime
    actor: str | None
    document: str | None


class MovementPage(_Out):
    data: list[MovementOut]
    next_cursor: str | None = Field(
        description="always set: the position after the last movement returned; poll with it "
        "for what is posted later (no gaps, no repeats)"
    )


DocType = Literal["mr", "pr", "po", "gr", "count", "wo"]


class DocumentOut(_Out):
    type: DocType
    number: str
    state: str
    item: str | None
    qty: Amount | None
    created_at: datetime | None


class DocumentPage(_Out):
    data: list[DocumentOut]
    next_cursor: str | None


# --- writes -------------------------------------------------------------------------------------


class _ItemQtyIn(_In):
    item: str = Field(min_length=1, max_length=64, description="item code or barcode, exact")
    qty: Decimal = Field(gt=0, max_digits=18, decimal_places=6)
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


class WriteResult(_Out):
    message: str = Field(description="what the chat would have answered, in Accept-Language")
    message_key: str | None
    documents: list[str] = Field(description="documents this call created (GR-00012, …)")
    postings: list[int] = Field(description="ledger postings this call made")
