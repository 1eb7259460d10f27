"""A request that meets too little stock: the shortage card, and the incident (缺料记录) that
stays open until the stock is there — listed by `/shortages`, `/pending` and the summary,
linked to the purchase raised from its card, closed when available covers it again.

```
/request X 50, available 37 ──▶ incident SH-00001 (open) + card: substitutes, other warehouses,
                                 "Request purchase (N)" (→ PR, linked), "Transfer from …"
StockPosted (X up) ──commit phase──▶ available ≥ requested? ──▶ closed (stock_back)
```
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from stockbot.flows.common import button
from stockbot.flows.context import Ctx
from stockbot.flows.notices import ItemLabel, Notice, Q
from stockbot.i18n import item_text, register, tm
from stockbot.replies import Block, Buttons, Fields, Reply
from stockbot.store.events import ShortageClosed, ShortageOpened, StockPosted, emit
from stockbot.store.models import Item, ItemSubstitute, ShortageIncident, Warehouse
from stockbot.store.quantities import quantities
from stockbot.timeutil import utcnow

ZERO = Decimal(0)
PREFIX = "SH"

register(
    {
        "shortage.closed_stock_back": {
            "en": "✅ Shortage {no} closed: {item} is available again.",
            "zh-Hans": "✅ 缺料 {no} 已关闭：{item} 已有库存。",
        },
    }
)


def number(incident_id: int) -> str:
    return f"{PREFIX}-{incident_id:05d}"


def short_notice(item: Item, requested: Decimal, available: Decimal) -> Notice:
    have = max(available, ZERO)
    return Notice(
        "shortage.title",
        {
            "item": ItemLabel(item.code, item.name),
            "requested": Q(requested, item.unit),
            "available": Q(have, item.unit),
            "short": Q(requested - have, item.unit),
        },
    )


def shortage_reply(
    ctx: Ctx,
    s: Session,
    item: Item,
    wh: Warehouse,
    qty: Decimal,
    available: Decimal,
    me: int,
    wo: str | None,
) -> Reply:
    """Record the incident and answer with what can be done about it, in this unit of work."""
    incident = ShortageIncident(
        item_id=item.id,
        warehouse_id=wh.id,
        qty_requested=qty,
        qty_available=available,
        requester_id=me,
        work_order=wo,
        state="open",
        **ctx.origin.columns(),
    )
    s.add(incident)
    s.flush()
    emit(s, ShortageOpened(incident.id, item.id, wh.id))
    short = qty - max(available, ZERO)
    lang = ctx.lang
    blocks: list[Block] = list(short_notice(item, qty, available).render(lang, ctx.tz).blocks)
    subs = s.scalars(
        select(Item)
        .join(ItemSubstitute, ItemSubstitute.substitute_id == Item.id)
        .where(ItemSubstitute.item_id == item.id)
        .order_by(ItemSubstitute.priority)
    ).all()
    if subs:
        sq = quantities(s, [x.id for x in subs], wh.id)
        blocks.append(
            Fields(
                title=tm("shortage.substitutes", ctx.lang),
                rows=[
                    (f"{x.code} {item_text(x.name, lang)}", _q(sq[x.id].available, x.unit, lang))
                    for x in subs
                ],
            )
        )
    suggested = max(short, item.reorder_qty)
    buttons = [
        button(
            s,
            tm("btn.purchase", ctx.lang, qty=_q(suggested, item.unit, ctx.lang)),
            "item",
            item.id,
            "purchase",
            {"qty": str(suggested), "incident": incident.id},
        )
    ]
    rows = []
    others = s.scalars(select(Warehouse).where(Warehouse.id != wh.id).order_by(Warehouse.code))
    for other in others:
        avail = quantities(s, [item.id], other.id)[item.id].available
        if avail > 0:
            rows.append((other.code, _q(avail, item.unit, ctx.lang)))
            move = min(avail, short)
            buttons.append(
                button(
                    s,
                    tm(
                        "btn.transfer_from",
                        ctx.lang,
                        qty=_q(move, item.unit, ctx.lang),
                        wh=other.code,
                    ),
                    "item",
                    item.id,
                    "transfer",
                    {"from": other.id, "to": wh.id, "qty": str(move)},
                )
            )
    if rows:
        blocks.append(Fields(title=tm("shortage.elsewhere", ctx.lang), rows=rows))
    blocks.append(Buttons(buttons=buttons))
    recorded = Notice("shortage.recorded", {"no": number(incident.id)})
    blocks.extend(recorded.render(ctx.lang, ctx.tz).blocks)
    return Reply.of(*blocks)


def _q(qty: Decimal, unit: str, lang: str) -> str:
    from stockbot.flows.common import fq

    return fq(qty, unit, lang)


def link_purchase(s: Session, incident_id: object, purchase_request_id: int) -> None:
    """The purchase raised from the incident's card is the one that should resolve it."""
    if isinstance(incident_id, int):
        s.execute(
            update(ShortageIncident)
            .where(ShortageIncident.id == incident_id, ShortageIncident.state == "open")
            .values(purchase_request_id=purchase_request_id)
        )


def open_incidents(s: Session, limit: int = 50) -> list[ShortageIncident]:
    return list(
        s.scalars(
            select(ShortageIncident)
            .where(ShortageIncident.state == "open")
            .order_by(ShortageIncident.id)
            .limit(limit)
        )
    )


def on_stock_posted(s: Session, events: Sequence[StockPosted]) -> None:
    """Commit phase: an open incident whose item is available again, in its warehouse, for
    the quantity that was requested, is closed."""
    up = {i for ev in events for i in ev.up}
    if not up:
        return
    incidents = s.scalars(
        select(ShortageIncident).where(
            ShortageIncident.state == "open", ShortageIncident.item_id.in_(up)
        )
    ).all()
    for inc in incidents:
        available = quantities(s, [inc.item_id], inc.warehouse_id)[inc.item_id].available
        if available >= inc.qty_requested:
            inc.state, inc.closed_at, inc.closed_how = "closed", utcnow(), "stock_back"
            emit(s, ShortageClosed(inc.id, inc.item_id, inc.warehouse_id))
    s.flush()
