"""Purchase requests and their approval (采购审批): request → approval level(s) → purchase order.

```
  /purchase, or "Request purchase" on a shortage
          │
       pending ──approve (level 1)──▶ pending, levels_done = 1 ──approve (level 2)──┐
          │  └── one level only (amount ≤ purchase_second_level_over) ──────────────┤
          │ reject (reason) / cancel (requester)                                    ▼
          ▼                                                     ordered: PO + line (on order)
   rejected / cancelled
```
Amounts above `settings.purchase_second_level_over` need two approvals by two different people:
level 1 by any approver whose limit covers that threshold, the final level by one whose limit
covers the whole amount. Nobody approves their own request. Each approval is a conditional
update of `levels_done` from k-1 to k (and, on the last level, of the state), so a double click
or two approvers pressing at once approve once; the loser is told who was first and when.
Buttons name their level, so a level-1 button pressed after level 1 is done says so instead of
silently approving level 2. Everything the approvers, the requester and the purchasers must
hear goes through the outbox in the same transaction.
"""

from __future__ import annotations

import secrets
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import func, or_, select, update
from sqlalchemy.orm import Session

from stockbot.commands.parser import PurchaseCmd
from stockbot.flows import conversation
from stockbot.flows.common import (
    Refusal,
    actor_id,
    approval_limit,
    base_qty,
    button,
    decide,
    display_name,
    doc_number,
    fq,
    last_decision,
    local_time,
    notify_user,
    refuse,
    require,
    resolve_item,
    transition,
    users_with_role,
    warehouse_for,
)
from stockbot.flows.context import Ctx
from stockbot.i18n import register, tm
from stockbot.replies import Buttons, Reply, Text
from stockbot.store.db import rowcount
from stockbot.store.models import (
    ActionToken,
    Chat,
    Decision,
    Item,
    PurchaseOrder,
    PurchaseOrderLine,
    PurchaseRequest,
    Supplier,
)
from stockbot.timeutil import utcnow

DOC = "pr"
ZERO = Decimal(0)
CENT = Decimal("0.01")
MAX_AMOUNT = Decimal(10) ** 12
"""Larger amounts are surely typos (and would not fit the store's exact columns)."""

register(
    {
        "pr.created": {
            "en": "{no}: {qty} {item} from {supplier}, amount {amount} — waiting for approval"
            "{levels}.",
            "zh-Hans": "{no}：采购 {item} {qty}，供应商 {supplier}，金额 {amount}，"
            "等待审批{levels}。",
        },
        "pr.two_levels": {"en": " (two approvals needed)", "zh-Hans": "（需两级审批）"},
        "pr.card": {
            "en": "{no}: {who} asks to buy {qty} {item} from {supplier} (amount {amount}). "
            "Approve{level}?",
            "zh-Hans": "{no}：{who} 申请采购 {item} {qty}，供应商 {supplier}（金额 {amount}）。"
            "是否批准{level}？",
        },
        "pr.card_level": {"en": " (level {level} of {of})", "zh-Hans": "（第 {level}/{of} 级）"},
        "pr.level_done": {
            "en": "✅ {no}: level {level} approved by {who} at {at}; waiting for a second "
            "approver (amount {amount}).",
            "zh-Hans": "✅ {no}：第 {level} 级已由 {who} 于 {at} 批准，等待第二位审批人"
            "（金额 {amount}）。",
        },
        "pr.ordered": {
            "en": "🧾 {no} approved by {who} at {at} → {po}: {qty} {item} from {supplier}, "
            "expected {expected}.",
            "zh-Hans": "🧾 {no} 已由 {who} 于 {at} 批准 → 采购单 {po}：{item} {qty}，"
            "供应商 {supplier}，预计 {expected} 到货。",
        },
        "pr.rejected": {
            "en": "❌ {no} rejected by {who} at {at}: {reason}",
            "zh-Hans": "❌ {no} 已被 {who} 于 {at} 驳回：{reason}",
        },
        "pr.cancelled": {
            "en": "{no} cancelled by {who}.",
            "zh-Hans": "{no} 已由 {who} 取消。",
        },
        "pr.ask_reason": {
            "en": "Why is {no} rejected? Your next message here is the reason.",
            "zh-Hans": "驳回 {no} 的原因是？请在此回复原因。",
        },
        "pr.need_reason": {
            "en": "A rejection needs a reason; nothing was changed.",
            "zh-Hans": "驳回需要填写原因，未做任何更改。",
        },
        "pr.already": {
            "en": "{no} was already {did} by {who} at {at}{po}; nothing was changed.",
            "zh-Hans": "{no} 已由 {who} 于 {at} {did}{po}，未做任何更改。",
        },
        "pr.level_already": {
            "en": "Level {level} of {no} was already approved by {who} at {at}; "
            "nothing was changed.",
            "zh-Hans": "{no} 的第 {level} 级已由 {who} 于 {at} 批准，未做任何更改。",
        },
        "pr.closed": {
            "en": "{no} is {state}; nothing was changed.",
            "zh-Hans": "{no} 当前状态为{state}，未做任何更改。",
        },
        "pr.po_ref": {"en": " ({po})", "zh-Hans": "（{po}）"},
        "pr.did.approve": {"en": "approved", "zh-Hans": "批准"},
        "pr.did.reject": {"en": "rejected", "zh-Hans": "驳回"},
        "pr.did.cancel": {"en": "cancelled", "zh-Hans": "取消"},
        "pr.state.pending": {"en": "waiting for approval", "zh-Hans": "待审批"},
        "pr.state.ordered": {"en": "ordered", "zh-Hans": "已下单"},
        "pr.state.rejected": {"en": "rejected", "zh-Hans": "已驳回"},
        "pr.state.cancelled": {"en": "cancelled", "zh-Hans": "已取消"},
        "pr.self_approve": {
            "en": "You cannot approve your own purchase request; another approver must.",
            "zh-Hans": "不能批准自己的采购申请，请由其他审批人批准。",
        },
        "pr.self_reject": {
            "en": "You cannot reject your own request; to withdraw it, send `/cancel {no}`.",
            "zh-Hans": "不能驳回自己的申请；如需撤回，请发送 `/cancel {no}`。",
        },
        "pr.twice": {
            "en": "You already approved level {level} of {no}; a different approver must "
            "approve level {next}.",
            "zh-Hans": "你已批准 {no} 的第 {level} 级，第 {next} 级须由另一位审批人批准。",
        },
        "pr.over_limit": {
            "en": "{no} needs an approver whose limit is at least {need}; yours is {limit}.",
            "zh-Hans": "{no} 需要审批限额不低于 {need} 的审批人，你的限额为 {limit}。",
        },
        "pr.not_yours": {
            "en": "Only the requester ({who}) can cancel {no}.",
            "zh-Hans": "只有申请人（{who}）可以取消 {no}。",
        },
        "pr.no_supplier": {
            "en": "No supplier matches “{query}”. Known suppliers: {known}.",
            "zh-Hans": "没有与“{query}”匹配的供应商。现有供应商：{known}。",
        },
        "pr.many_suppliers": {
            "en": "“{query}” matches several suppliers: {matches}. Use the supplier code.",
            "zh-Hans": "“{query}”匹配多个供应商：{matches}。请使用供应商编码。",
        },
        "pr.none_known": {"en": "none yet", "zh-Hans": "暂无"},
        "pr.no_default_supplier": {"en": "(supplier to be chosen)", "zh-Hans": "（待定）"},
        "pr.too_large": {
            "en": "{qty} {item} (amount {amount}) is too large to be right; nothing was changed.",
            "zh-Hans": "{item} {qty}（金额 {amount}）数额过大，未做任何更改。",
        },
        "pr.from_shortage_done": {
            "en": "This shortage already became {no}, requested by {who} at {at}; "
            "nothing was changed.",
            "zh-Hans": "该缺料已由 {who} 于 {at} 提交采购申请 {no}，未做任何更改。",
        },
        "pr.btn.approve": {"en": "Approve", "zh-Hans": "批准"},
        "pr.btn.reject": {"en": "Reject", "zh-Hans": "驳回"},
    }
)


# --- helpers ----------------------------------------------------------------------------------


def money(amount: Decimal) -> str:
    return f"{amount:,.2f}"


def local_today(ctx: Ctx) -> date:
    """The factory's calendar day (expected dates are dates on the floor's clock)."""
    return utcnow().astimezone(ZoneInfo(ctx.settings.timezone)).date()


def supplier_label(s: Session, supplier_id: int | None, lang: str) -> str:
    sup = s.get(Supplier, supplier_id) if supplier_id is not None else None
    if sup is None:
        return tm("pr.no_default_supplier", lang)
    return sup.code if sup.name in ("", sup.code) else f"{sup.code} {sup.name}"


def _placeholder() -> str:
    """A unique stand-in for a number column until the row's id is known."""
    return f"~{secrets.token_hex(8)}"


def _find_supplier(ctx: Ctx, s: Session, text: str | None, item: Item) -> Supplier | None:
    """The supplier a person names (code or name, case-insensitive, part of it is enough);
    none named → the item's default supplier."""
    if text is None or not text.strip():
        return s.get(Supplier, item.default_supplier_id) if item.default_supplier_id else None
    query = text.strip()
    q = query.lower()
    active = Supplier.active.is_(True)
    exact = s.scalars(
        select(Supplier).where(active, or_(func.lower(Supplier.code) == q, Supplier.name == query))
    ).all()
    if len(exact) == 1:
        return exact[0]
    hits = s.scalars(
        select(Supplier)
        .where(
            active,
            or_(
                func.lower(Supplier.code).contains(q, autoescape=True),
                func.lower(Supplier.name).contains(q, autoescape=True),
            ),
        )
        .order_by(Supplier.code)
        .limit(11)
    ).all()
    if len(hits) == 1:
        return hits[0]
    if hits:
        raise refuse(
            "pr.many_suppliers",
            ctx.lang,
            query=query[:80],
            matches=", ".join(h.code for h in hits[:10]),
        )
    known = s.scalars(select(Supplier.code).where(active).order_by(Supplier.code).limit(30)).all()
    raise refuse(
        "pr.no_supplier",
        ctx.lang,
        query=query[:80],
        known=", ".join(known) or tm("pr.none_known", ctx.lang),
    )


def _need(ctx: Ctx, pr: PurchaseRequest, level: int) -> Decimal:
    """The approval limit level `level` needs: the whole amount on the final level, the
    second-level threshold (or the amount, if smaller) before it."""
    if level >= pr.levels_required:
        return pr.amount
    return min(pr.amount, ctx.settings.purchase_second_level_over)


# --- raising a request ------------------------------------------------------------------------


def purchase(
    ctx: Ctx, cmd: PurchaseCmd, item_id: int | None = None, token: str | None = None
) -> Reply:
    """`/purchase <item> <qty> [supplier]`, or the shortage button (`token`: claimed once)."""
    retry = {"command": cmd.model_dump(mode="json")}
    with ctx.db.read() as s:
        item = s.get(Item, item_id) if item_id else resolve_item(ctx, s, cmd.item, retry)
        if item is None:
            raise refuse("stock.gone", ctx.lang)
        qty = base_qty(ctx, s, item, cmd.qty, cmd.unit)
        item_id = item.id
    with ctx.db.write() as s:
        item = s.get(Item, item_id)
        assert item is not None
        supplier = _find_supplier(ctx, s, cmd.supplier, item)
        amount = (qty * item.unit_cost).quantize(CENT)
        if qty > MAX_AMOUNT or amount > MAX_AMOUNT:
            raise refuse(
                "pr.too_large", ctx.lang, qty=fq(qty, item.unit), item=item.code, amount=amount
            )
        me = actor_id(ctx, s)
        two = amount > ctx.settings.purchase_second_level_over
        pr = PurchaseRequest(
            number=_placeholder(),
            item_id=item.id,
            qty=qty,
            supplier_id=supplier.id if supplier else None,
            amount=amount,
            state="pending",
            requested_by=me,
            levels_required=2 if two else 1,
            levels_done=0,
            note=cmd.note,
            chat_platform=ctx.origin.platform,
            chat_id=ctx.origin.chat_id,
            message_id=ctx.origin.message_id,
            updated_at=utcnow(),
        )
        s.add(pr)
        s.flush()
        pr.number = no = doc_number(DOC, pr.id)
        s.flush()
        if token is not None:  # the shortage button makes one request, however often pressed
            claimed = rowcount(
                s.execute(
                    update(ActionToken)
                    .where(ActionToken.token == token, ActionToken.action == "purchase")
                    .values(action="purchased", payload={"pr": pr.id})
                    .execution_options(synchronize_session=False)
                )
            )
            if claimed != 1:
                raise _shortage_done(ctx, s, token)
        decide(ctx, s, DOC, pr.id, "request", qty=qty)
        card = _card(ctx, s, pr, item, ctx.actor.display_name, level=1)
        for approver in users_with_role(s, "approver", _need(ctx, pr, 1)):
            if approver.id != me:
                notify_user(s, approver.id, card, f"{no}:approve:1:{approver.id}")
        text = tm(
            "pr.created",
            ctx.lang,
            no=no,
            qty=fq(qty, item.unit),
            item=item.code,
            supplier=supplier_label(s, pr.supplier_id, ctx.lang),
            amount=money(amount),
            levels=tm("pr.two_levels", ctx.lang) if two else "",
        )
        return Reply.of(Text(text=text), *card.blocks[1:])


def _card(ctx: Ctx, s: Session, pr: PurchaseRequest, item: Item, who: str, level: int) -> Reply:
    """The approval card for one level: its Approve button names the level it approves."""
    of = pr.levels_required
    text = tm(
        "pr.card",
        ctx.lang,
        no=pr.number,
        who=who,
        qty=fq(pr.qty, item.unit),
        item=item.code,
        supplier=supplier_label(s, pr.supplier_id, ctx.lang),
        amount=money(pr.amount),
        level=tm("pr.card_level", ctx.lang, level=level, of=of) if of > 1 else "",
    )
    return Reply.of(
        Text(text=text),
        Buttons(
            buttons=[
                button(
                    s,
                    tm("pr.btn.approve", ctx.lang),
                    DOC,
                    pr.id,
                    "approve",
                    {"level": level},
                    style="primary",
                ),
                button(s, tm("pr.btn.reject", ctx.lang), DOC, pr.id, "reject", style="danger"),
            ]
        ),
    )


def from_shortage(ctx: Ctx, token: ActionToken) -> Reply:
    """The shortage card's "Request purchase (N)": `/purchase` for that item and quantity."""
    try:
        qty = Decimal(str(token.payload.get("qty")))
    except (InvalidOperation, ValueError):
        raise refuse("button.stale", ctx.lang) from None
    if not qty.is_finite() or qty <= 0:
        raise refuse("button.stale", ctx.lang)
    cmd = PurchaseCmd(item=f"#{token.doc_id}", qty=qty)
    return purchase(ctx, cmd, item_id=token.doc_id, token=token.token)


def _shortage_done(ctx: Ctx, s: Session, token: str) -> Refusal:
    tok = s.get(ActionToken, token)
    pr_id = tok.payload.get("pr") if tok is not None and tok.payload else None
    pr = s.get(PurchaseRequest, pr_id) if isinstance(pr_id, int) else None
    if pr is None:
        return refuse("button.stale", ctx.lang)
    return refuse(
        "pr.from_shortage_done",
        ctx.lang,
        no=pr.number,
        who=display_name(s, pr.requested_by),
        at=local_time(ctx, pr.created_at),
    )


def shortage_already(ctx: Ctx, token: ActionToken) -> Reply:
    with ctx.db.read() as s:
        raise _shortage_done(ctx, s, token.token)


# --- decisions --------------------------------------------------------------------------------


def _load(ctx: Ctx, s: Session, pr_id: int) -> tuple[PurchaseRequest, Item, str]:
    pr = s.get(PurchaseRequest, pr_id)
    if pr is None:
        raise refuse("doc.unknown", ctx.lang, doc=doc_number(DOC, pr_id))
    item = s.get(Item, pr.item_id)
    assert item is not None
    return pr, item, pr.number


def _already(ctx: Ctx, s: Session, pr: PurchaseRequest) -> Refusal:
    """Why nothing happened: who moved the request on, and when."""
    s.refresh(pr)
    last = last_decision(s, DOC, pr.id)
    if last is None or last.action not in {"approve", "reject", "cancel"}:
        state = tm(f"pr.state.{pr.state}", ctx.lang)
        return refuse("pr.closed", ctx.lang, no=pr.number, state=state)
    who, at = display_name(s, last.actor_id), local_time(ctx, last.created_at)
    if pr.state == "pending":  # an earlier level was approved meanwhile
        return refuse("pr.level_already", ctx.lang, no=pr.number, level=last.level, who=who, at=at)
    po = s.scalar(select(PurchaseOrder.number).where(PurchaseOrder.request_id == pr.id))
    return refuse(
        "pr.already",
        ctx.lang,
        no=pr.number,
        did=tm(f"pr.did.{last.action}", ctx.lang),
        who=who,
        at=at,
        po=tm("pr.po_ref", ctx.lang, po=po) if po and last.action == "approve" else "",
    )


def _level_already(ctx: Ctx, s: Session, pr: PurchaseRequest, level: int) -> Refusal:
    d = s.scalar(
        select(Decision)
        .where(
            Decision.doc_type == DOC,
            Decision.doc_id == pr.id,
            Decision.action == "approve",
            Decision.level == level,
        )
        .order_by(Decision.id)
        .limit(1)
    )
    if d is None:
        return refuse("button.stale", ctx.lang)
    return refuse(
        "pr.level_already",
        ctx.lang,
        no=pr.number,
        level=level,
        who=display_name(s, d.actor_id),
        at=local_time(ctx, d.created_at),
    )


def approve(ctx: Ctx, pr_id: int, level: int | None = None) -> Reply:
    """Approve the next level (`/approve PR-n`), or exactly `level` (a card's button)."""
    require(ctx, "approver")
    with ctx.db.write() as s:
        pr, item, no = _load(ctx, s, pr_id)
        me = actor_id(ctx, s)
        if pr.state != "pending":
            raise _already(ctx, s, pr)
        k = pr.levels_done + 1
        if level is not None and level < k:  # a card for a level that is done already
            raise _level_already(ctx, s, pr, level)
        if level is not None and level != k:
            raise refuse("button.stale", ctx.lang)
        if pr.requested_by == me:
            raise refuse("pr.self_approve", ctx.lang)
        mine = s.scalar(
            select(Decision.level).where(
                Decision.doc_type == DOC,
                Decision.doc_id == pr.id,
                Decision.action == "approve",
                Decision.actor_id == me,
            )
        )
        if mine is not None:
            raise refuse("pr.twice", ctx.lang, no=no, level=mine, next=k)
        need = _need(ctx, pr, k)
        limit = approval_limit(s, me)
        if limit is not None and need > limit:
            raise refuse("pr.over_limit", ctx.lang, no=no, need=money(need), limit=money(limit))
        final = k >= pr.levels_required
        won = rowcount(
            s.execute(
                update(PurchaseRequest)
                .where(
                    PurchaseRequest.id == pr.id,
                    PurchaseRequest.state == "pending",
                    PurchaseRequest.levels_done == k - 1,
                )
                .values(levels_done=k, state="ordered" if final else "pending", updated_at=utcnow())
                .execution_options(synchronize_session=False)
            )
        )
        if won != 1:
            raise _already(ctx, s, pr)
        d = decide(ctx, s, DOC, pr.id, "approve", level=k)
        at = local_time(ctx, d.created_at)
        if not final:
            return _next_level(ctx, s, pr, item, k, me, at)
        return _order(ctx, s, pr, item, at)


def _next_level(
    ctx: Ctx, s: Session, pr: PurchaseRequest, item: Item, done: int, me: int, at: str
) -> Reply:
    """Level `done` is approved: the next level's card goes to the approvers who may give it."""
    no = pr.number
    s.refresh(pr)
    requester = display_name(s, pr.requested_by)
    card = _card(ctx, s, pr, item, requester, level=done + 1)
    for approver in users_with_role(s, "approver", _need(ctx, pr, done + 1)):
        if approver.id not in {me, pr.requested_by}:
            notify_user(s, approver.id, card, f"{no}:approve:{done + 1}:{approver.id}")
    text = tm(
        "pr.level_done",
        ctx.lang,
        no=no,
        level=done,
        who=ctx.actor.display_name,
        at=at,
        amount=money(pr.amount),
    )
    if pr.requested_by is not None:
        notify_user(s, pr.requested_by, Reply.text(text), f"{no}:level:{done}")
    return Reply.text(text)


def _warehouse_of_request(ctx: Ctx, s: Session, pr: PurchaseRequest) -> int:
    """Where the goods are wanted: the warehouse of the chat the request came from, else the
    approving chat's (`warehouse_for`)."""
    if pr.chat_platform and pr.chat_id:
        wh_id = s.scalar(
            select(Chat.warehouse_id).where(
                Chat.platform == pr.chat_platform, Chat.platform_chat_id == pr.chat_id
            )
        )
        if wh_id is not None:
            return wh_id
    return warehouse_for(ctx, s).id


def _order(ctx: Ctx, s: Session, pr: PurchaseRequest, item: Item, at: str) -> Reply:
    """The last level is approved: the purchase order, whose quantity is now *on order*."""
    expected = local_today(ctx) + timedelta(days=item.lead_time_days or 0)
    po = PurchaseOrder(
        number=_placeholder(),
        supplier_id=pr.supplier_id,
        state="open",
        expected_on=expected,
        request_id=pr.id,
    )
    s.add(po)
    s.flush()
    po.number = doc_number("po", po.id)
    s.add(
        PurchaseOrderLine(
            order_id=po.id,
            item_id=item.id,
            warehouse_id=_warehouse_of_request(ctx, s, pr),
            qty_ordered=pr.qty,
            qty_received=ZERO,
            unit_price=item.unit_cost,
            state="open",
        )
    )
    s.flush()
    text = tm(
        "pr.ordered",
        ctx.lang,
        no=pr.number,
        who=ctx.actor.display_name,
        at=at,
        po=po.number,
        qty=fq(pr.qty, item.unit),
        item=item.code,
        supplier=supplier_label(s, pr.supplier_id, ctx.lang),
        expected=expected.isoformat(),
    )
    done = Reply.text(text)
    told = {actor_id(ctx, s)}
    if pr.requested_by is not None:
        notify_user(s, pr.requested_by, done, f"{pr.number}:ordered")
        told.add(pr.requested_by)
    for buyer in users_with_role(s, "purchaser"):
        if buyer.id not in told:
            notify_user(s, buyer.id, done, f"{po.number}:new:{buyer.id}")
    return done


def ask_reject_reason(ctx: Ctx, pr_id: int) -> Reply:
    """The Reject button: the next message from this user in this chat is the reason."""
    require(ctx, "approver")
    with ctx.db.write() as s:
        pr, _item, no = _load(ctx, s, pr_id)
        if pr.state != "pending":
            raise _already(ctx, s, pr)
        if pr.requested_by == actor_id(ctx, s):
            raise refuse("pr.self_reject", ctx.lang, no=no)
        conversation.expect(ctx, s, "pr_reject_reason", pr.id)
        return Reply(blocks=[Text(text=tm("pr.ask_reason", ctx.lang, no=no))], asks=True)


def reject(ctx: Ctx, pr_id: int, reason: str | None, *, answering: bool = False) -> Reply:
    require(ctx, "approver")
    reason = (reason or "").strip()[:500]
    with ctx.db.write() as s:
        if answering:  # the reason came as the answer to "why?": that question is settled
            conversation.clear(ctx, s)
        if not reason:
            raise refuse("pr.need_reason", ctx.lang)
        pr, _item, no = _load(ctx, s, pr_id)
        me = actor_id(ctx, s)
        if pr.state == "pending" and pr.requested_by == me:
            raise refuse("pr.self_reject", ctx.lang, no=no)
        if not transition(s, PurchaseRequest, pr.id, ("pending",), state="rejected"):
            refusal = _already(ctx, s, pr)
            if answering:  # keep the cleared question cleared, and say why nothing happened
                return refusal.reply
            raise refusal
        d = decide(ctx, s, DOC, pr.id, "reject", level=pr.levels_done + 1, reason=reason)
        done = Reply.text(
            tm(
                "pr.rejected",
                ctx.lang,
                no=no,
                who=ctx.actor.display_name,
                at=local_time(ctx, d.created_at),
                reason=reason,
            )
        )
        if pr.requested_by is not None:
            notify_user(s, pr.requested_by, done, f"{no}:rejected")
        return done


def cancel(ctx: Ctx, pr_id: int, reason: str | None = None) -> Reply:
    with ctx.db.write() as s:
        pr, _item, no = _load(ctx, s, pr_id)
        me = actor_id(ctx, s)
        if pr.requested_by != me and not ctx.actor.has("admin"):
            raise refuse("pr.not_yours", ctx.lang, who=display_name(s, pr.requested_by), no=no)
        if not transition(s, PurchaseRequest, pr.id, ("pending",), state="cancelled"):
            raise _already(ctx, s, pr)
        decide(ctx, s, DOC, pr.id, "cancel", reason=(reason or "").strip()[:500] or None)
        return Reply.text(tm("pr.cancelled", ctx.lang, no=no, who=ctx.actor.display_name))


def _button_level(token: ActionToken) -> int | None:
    level: Any = token.payload.get("level") if token.payload else None
    return level if isinstance(level, int) else None


# --- wiring -----------------------------------------------------------------------------------

COMMANDS = {"purchase": lambda ctx, cmd: purchase(ctx, cmd)}
DOC_COMMANDS = {  # approve/reject/cancel dispatch on the document type
    ("approve", DOC): lambda ctx, cmd, doc_id: approve(ctx, doc_id),
    ("reject", DOC): lambda ctx, cmd, doc_id: reject(ctx, doc_id, cmd.reason),
    ("cancel", DOC): lambda ctx, cmd, doc_id: cancel(ctx, doc_id, cmd.reason),
}
ACTIONS = {
    (DOC, "approve"): lambda ctx, tok: approve(ctx, tok.doc_id, _button_level(tok)),
    (DOC, "reject"): lambda ctx, tok: ask_reject_reason(ctx, tok.doc_id),
    ("item", "purchase"): from_shortage,
    ("item", "purchased"): shortage_already,
}
REPLIES = {
    "pr_reject_reason": lambda ctx, conv, text: reject(ctx, conv.doc_id, text, answering=True)
}
