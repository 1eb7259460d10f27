"""Events for the ERP next door: each webhook that asked for an event gets one outbox row,
written in the transaction of the change (commit phase), so a posting that commits is always
announced and one that rolls back never is. The service's dispatcher delivers the rows (signed,
retried with backoff: `stockbot.api.webhooks`); the event id lets a receiver drop a repeat.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from stockbot.store.events import ShortageOpened, StockPosted
from stockbot.store.models import (
    Batch,
    Item,
    Location,
    Movement,
    OutboxMessage,
    ShortageIncident,
    Warehouse,
    Webhook,
)
from stockbot.store.types import decimal_text
from stockbot.timeutil import utcnow

PLATFORM = "webhook"


_LIVE_HOOKS = select(Webhook.id, Webhook.events).where(Webhook.removed_at.is_(None))
"""Built once and run on the connection: this runs in every posting's unit of work, and the
ORM's per-call statement handling cost a posting more than its own daily-totals upsert."""


def _hooks(s: Session, event: str) -> list[int]:
    rows = s.connection().execute(_LIVE_HOOKS)
    return [hook_id for hook_id, events in rows if event in (events or [])]


def _queue(s: Session, event: str, data: list[dict[str, Any]], hooks: list[int]) -> None:
    """One outbox row per hook (`_hooks`, read once by the caller) and event."""
    for hook_id in hooks:
        for item in data:
            event_id = str(uuid.uuid4())
            s.add(
                OutboxMessage(
                    platform=PLATFORM,
                    target=str(hook_id),
                    payload={
                        "id": event_id,
                        "type": event,
                        "created_at": utcnow().isoformat(),
                        "data": item,
                    },
                    dedupe_key=f"wh:{hook_id}:{event_id}",
                )
            )


def on_stock_posted(s: Session, events: Sequence[StockPosted]) -> None:
    hooks = _hooks(s, "stock.posted")
    if not hooks:
        return
    ids = [e.posting_id for e in events]
    lines: dict[int, list[dict[str, str | int | None]]] = {i: [] for i in ids}
    for m, code, wh, loc, lot in s.execute(
        select(Movement, Item.code, Warehouse.code, Location.code, Batch.lot)
        .join(Item, Item.id == Movement.item_id)
        .join(Warehouse, Warehouse.id == Movement.warehouse_id)
        .join(Location, Location.id == Movement.location_id)
        .outerjoin(Batch, Batch.id == Movement.batch_id)
        .where(Movement.posting_id.in_(ids))
        .order_by(Movement.id)
    ):
        lines[m.posting_id].append(
            {
                "movement_id": m.id,
                "item": code,
                "warehouse": wh,
                "location": loc,
                "batch": lot,
                "qty": decimal_text(m.qty),
            }
        )
    _queue(
        s,
        "stock.posted",
        [
            {"posting_id": e.posting_id, "kind": e.kind, "movements": lines[e.posting_id]}
            for e in events
        ],
        hooks,
    )


def on_shortage_opened(s: Session, events: Sequence[ShortageOpened]) -> None:
    hooks = _hooks(s, "shortage.opened")
    if not hooks:
        return
    data = []
    for e in events:
        incident = s.get(ShortageIncident, e.incident_id)
        item = s.get(Item, e.item_id)
        wh = s.get(Warehouse, e.warehouse_id)
        if incident is None or item is None or wh is None:
            continue
        data.append(
            {
                "incident_id": incident.id,
                "item": item.code,
                "warehouse": wh.code,
                "requested": decimal_text(incident.qty_requested),
                "available": decimal_text(incident.qty_available),
            }
        )
    _queue(s, "shortage.opened", data, hooks)
