"""A purchase request's last approval makes its purchase order (采购单): one PO for the request's
supplier, one PO line per request line (same item, quantity and unit price), expected after the
longest lead time among them. From then on the quantities are *on order*
(`store.quantities`) and receipts go against the PO's lines (`flows.receipts`)."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from stockbot.flows import routing
from stockbot.flows.common import actor_id, doc_number, users_with_role, warehouse_for
from stockbot.flows.context import Ctx
from stockbot.flows.notices import At, Day, ItemLabel, Money, Notice, Q
from stockbot.flows.purchase_lines import lines_of, listed, supplier_label
from stockbot.replies import Reply
from stockbot.store.models import (
    Chat,
    Decision,
    PurchaseOrder,
    PurchaseOrderLine,
    PurchaseRequest,
    User,
)
from stockbot.timeutil import utcnow


def local_today(ctx: Ctx) -> date:
    """The factory's calendar day (expected dates are dates on the floor's clock)."""
    return utcnow().astimezone(ZoneInfo(ctx.settings.timezone)).date()


def _warehouse_of_request(ctx: Ctx, s: Session, pr: PurchaseRequest) -> int:
    """Where the goods are wanted when a line does not say: the warehouse of the chat the
    request came from, else the approving chat's (`warehouse_for`)."""
    if pr.chat_platform and pr.chat_id:
        wh_id = s.scalar(
            select(Chat.warehouse_id).where(
                Chat.platform == pr.chat_platform, Chat.platform_chat_id == pr.chat_id
            )
        )
        if wh_id is not None:
            return wh_id
    return warehouse_for(ctx, s).id


def order(ctx: Ctx, s: Session, pr: PurchaseRequest, d: Decision, placeholder: str) -> Reply:
    """The last level is approved: the purchase order, whose lines are now *on order*; the
    requester and the purchasers hear it (`placeholder`: a unique stand-in number until the
    PO's id is known)."""
    rows = lines_of(s, [pr.id])[pr.id]
    lead = max((item.lead_time_days or 0 for _, item in rows), default=0)
    expected = local_today(ctx) + timedelta(days=lead)
    po = PurchaseOrder(
        number=placeholder,
        supplier_id=pr.supplier_id,
        state="open",
        expected_on=expected,
        request_id=pr.id,
    )
    s.add(po)
    s.flush()
    po.number = doc_number("po", po.id)
    fallback = None
    for line, item in rows:
        if line.warehouse_id is None and fallback is None:
            fallback = _warehouse_of_request(ctx, s, pr)
        s.add(
            PurchaseOrderLine(
                order_id=po.id,
                item_id=item.id,
                warehouse_id=line.warehouse_id or fallback,
                qty_ordered=line.qty,
                qty_received=Decimal(0),
                unit_price=line.unit_price,
                state="open",
            )
        )
    s.flush()
    params = {
        "no": pr.number,
        "who": ctx.actor.display_name,
        "at": At(d.created_at),
        "po": po.number,
        "supplier": supplier_label(s, pr.supplier_id),
        "expected": Day(expected),
    }
    if len(rows) == 1:
        line, item = rows[0]
        done = Notice(
            "pr.ordered",
            {**params, "qty": Q(line.qty, item.unit), "item": ItemLabel(item.code, item.name)},
        )
    else:
        done = listed(
            Notice("pr.ordered_lines", {**params, "n": len(rows), "amount": Money(pr.amount)}),
            rows,
        )
    reach = routing.Reach()
    requester = s.get(User, pr.requested_by) if pr.requested_by is not None else None
    if requester is not None and routing.to_user(s, requester, done, f"{pr.number}:ordered"):
        reach.people.append(requester.display_name)
    me = actor_id(ctx, s)
    buyers = [u for u in users_with_role(s, "purchaser") if u.id not in {me, pr.requested_by}]
    reach.people += routing.to_people(s, buyers, done, f"{po.number}:new").people
    return reach.tell(done).render(ctx.lang, ctx.tz)
