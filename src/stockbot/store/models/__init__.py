"""The relational store: master data, the append-only ledger, balances, and the tables the
workflows, scheduler and adapters lean on (reservations, purchase documents, outbox, leases).

Rules the schema encodes:
- `movements` is append-only: nothing in the code base updates or deletes a row. A correction is
  a new posting whose movements reverse the old ones (`reverses_movement_id`).
- `balances` is a cache of `sum(movements.qty)` per (item, location, batch), maintained only by
  `stockbot.store.ledger.post` in the same transaction; `stockbot check` proves it.
- `item_daily` keeps per-item per-day in/out totals, also maintained by the posting path, so
  usage, days of cover and summaries never aggregate the raw ledger; `item_monthly` sums them
  per calendar month for reports over long periods, kept from `item_daily` by a trigger in the
  database (migration 0017). `stockbot check` proves both against the ledger.
"""

from __future__ import annotations

from stockbot.store.models.api import ApiCall, ApiKey, Webhook
from stockbot.store.models.base import NAMING, Base, BigId, MovementKind, Role
from stockbot.store.models.documents import (
    ActionToken,
    Conversation,
    CountLine,
    CountSession,
    Decision,
    GoodsReceipt,
    MaterialRequest,
    ShortageIncident,
)
from stockbot.store.models.master import (
    DEFAULT_LOCATION,
    Batch,
    BomLine,
    Chat,
    Item,
    ItemBarcode,
    ItemSubstitute,
    ItemUnit,
    Location,
    Supplier,
    User,
    UserIdentity,
    UserRole,
    Warehouse,
)
from stockbot.store.models.policy import DYNAMIC, FIXED, ItemPolicy, PolicyChange
from stockbot.store.models.postings import Balance, ItemDaily, ItemMonthly, Movement, Posting
from stockbot.store.models.production import WorkOrder, WorkOrderLine
from stockbot.store.models.supply import (
    PurchaseOrder,
    PurchaseOrderLine,
    PurchaseRequest,
    PurchaseRequestLine,
    Reservation,
)
from stockbot.store.models.system import (
    Alert,
    BoardLink,
    ConsoleButton,
    Lease,
    OutboxMessage,
    ProcessedEvent,
    SchedulerJob,
    SentNotice,
)

__all__ = [
    "DEFAULT_LOCATION",
    "DYNAMIC",
    "FIXED",
    "NAMING",
    "ActionToken",
    "Alert",
    "ApiCall",
    "ApiKey",
    "Balance",
    "Base",
    "Batch",
    "BigId",
    "BoardLink",
    "BomLine",
    "Chat",
    "ConsoleButton",
    "Conversation",
    "CountLine",
    "CountSession",
    "Decision",
    "GoodsReceipt",
    "Item",
    "ItemBarcode",
    "ItemDaily",
    "ItemMonthly",
    "ItemPolicy",
    "ItemSubstitute",
    "ItemUnit",
    "Lease",
    "Location",
    "MaterialRequest",
    "Movement",
    "MovementKind",
    "OutboxMessage",
    "PolicyChange",
    "Posting",
    "ProcessedEvent",
    "PurchaseOrder",
    "PurchaseOrderLine",
    "PurchaseRequest",
    "PurchaseRequestLine",
    "Reservation",
    "Role",
    "SchedulerJob",
    "SentNotice",
    "ShortageIncident",
    "Supplier",
    "User",
    "UserIdentity",
    "UserRole",
    "Warehouse",
    "Webhook",
    "WorkOrder",
    "WorkOrderLine",
]
