"""Material requests (领料): request → (approval) → reserved → issued (FIFO/FEFO) → confirmed.

```
          /request ──short──▶ shortage incident + "Request purchase" / "Transfer from …"
              │
   needs approval? ──yes──▶ pending_approval ──approve──▶ approved ──issue (all)──▶ issued
              │ no                  │ reject                 │ issue (part): stays approved
              └──────────────────────────────────────────────┘                    │ confirm
                                    ▼                                             ▼
                                 rejected        cancel (requester, before issue) received
```
Every transition is a conditional update (`transition`), so a second click, a redelivered event
or a competing approver changes nothing and is told who acted first and when. Stock moves only
through `ledger.post`; reservations make *available* honest between approval and issue.
"""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from stockbot.commands.parser import RequestCmd
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
    lock_item,
    notify_user,
    parse_doc,
    refuse,
    require,
    resolve_item,
    transition,
    users_with_role,
    warehouse_for,
)
from stockbot.flows.context import Ctx
from stockbot.flows.picking import in_pick_order, take
from stockbot.i18n import register, tm
from stockbot.replies import Buttons, Fields, Reply, Text
from stockbot.store import ledger
from stockbot.store.models import (
    Item,
    ItemSubstitute,
    MaterialRequest,
    MovementKind,
    Reservation,
    ShortageIncident,
    Warehouse,
)
from stockbot.store.quantities import quantities
from stockbot.timeutil import utcnow

DOC = "mr"
ZERO = Decimal(0)

register(
    {
        "mr.title": {"en": "Material request {no}", "zh-Hans": "领料单 {no}"},
        "mr.created_pending": {
            "en": "{no}: {qty} {item} for {who} — waiting for approval (amount {amount}).",
            "zh-Hans": "{no}：{who} 申请 {item} {qty}，金额 {amount}，等待审批。",
        },
        "mr.created_reserved": {
            "en": "{no}: {qty} {item} reserved for {who}; the warehouse is notified.",
            "zh-Hans": "{no}：已为 {who} 预留 {item} {qty}，已通知仓库。",
        },
        "mr.approve_card": {
            "en": "{who} requests {qty} {item}{wo} (amount {amount}). Approve?",
            "zh-Hans": "{who} 申请领料 {item} {qty}{wo}（金额 {amount}），是否批准？",
        },
        "mr.issue_card": {
            "en": "To issue: {no} — {qty} {item}{wo} for {who}.",
            "zh-Hans": "待发料：{no} — {item} {qty}{wo}，申请人 {who}。",
        },
        "mr.for_wo": {"en": " for {wo}", "zh-Hans": "（工单 {wo}）"},
        "mr.approved": {
            "en": "✅ {no} approved by {who} at {at}; {qty} reserved.",
            "zh-Hans": "✅ {no} 已由 {who} 于 {at} 批准，已预留 {qty}。",
        },
        "mr.rejected": {
            "en": "❌ {no} rejected by {who} at {at}: {reason}",
            "zh-Hans": "❌ {no} 已被 {who} 于 {at} 驳回：{reason}",
        },
        "mr.issued": {
            "en": "📦 {no}: {qty} {item} issued by {who} at {at}{rest}.",
            "zh-Hans": "📦 {no}：{who} 于 {at} 发放 {item} {qty}{rest}。",
        },
        "mr.rest": {"en": "; {qty} still to issue", "zh-Hans": "，还剩 {qty} 待发"},
        "mr.ready": {
            "en": "Your material is ready: {no}, {qty} {item} (issued by {who}). Confirm receipt?",
            "zh-Hans": "你的物料已备好：{no}，{item} {qty}（发料人 {who}）。请签收。",
        },
        "mr.confirmed": {
            "en": "🤝 {no} received by {who} at {at}.",
            "zh-Hans": "🤝 {no} 已由 {who} 于 {at} 签收。",
        },
        "mr.cancelled": {
            "en": "{no} cancelled by {who}; the reservation is released.",
            "zh-Hans": "{no} 已由 {who} 取消，预留已释放。",
        },
        "mr.already": {
            "en": "{no} was already {state} by {who} at {at}; nothing was changed.",
            "zh-Hans": "{no} 已由 {who} 于 {at} {state}，未做任何更改。",
        },
        "mr.closed": {
            "en": "{no} is {state}; nothing was changed.",
            "zh-Hans": "{no} 当前状态为{state}，未做任何更改。",
        },
        "mr.self_approve": {
            "en": "You cannot approve your own request; another approver must.",
            "zh-Hans": "不能批准自己的申请，请由其他审批人批准。",
        },
        "mr.over_limit": {
            "en": "{no} is {amount}, over your approval limit of {limit}.",
            "zh-Hans": "{no} 金额 {amount}，超出你的审批限额 {limit}。",
        },
        "mr.too_much": {
            "en": "Only {left} of {no} is left to issue.",
            "zh-Hans": "{no} 只剩 {left} 待发。",
        },
        "mr.not_yours": {
            "en": "Only the requester ({who}) can do that.",
            "zh-Hans": "只有申请人（{who}）可以这样做。",
        },
        "mr.ask_reason": {
            "en": "Why is {no} rejected? Your next message here is the reason.",
            "zh-Hans": "驳回 {no} 的原因是？请在此回复原因。",
        },
        "shortage.title": {
            "en": "⚠ Not enough {item}: {requested} requested, {available} available — "
            "short by {short}.",
            "zh-Hans": "⚠ {item} 库存不足：申请 {requested}，可用 {available}，缺 {short}。",
        },
        "shortage.substitutes": {"en": "Substitutes", "zh-Hans": "替代料"},
        "shortage.elsewhere": {"en": "In other warehouses", "zh-Hans": "其他仓库"},
        "shortage.recorded": {
            "en": "Shortage recorded for review (#{id}).",
            "zh-Hans": "缺料已记录（#{id}）。",
        },
        "btn.approve": {"en": "Approve", "zh-Hans": "批准"},
        "btn.reject": {"en": "Reject", "zh-Hans": "驳回"},
        "btn.issue_all": {"en": "Issue {qty}", "zh-Hans": "发料 {qty}"},
        "btn.confirm": {"en": "Confirm receipt", "zh-Hans": "签收"},
        "btn.cancel": {"en": "Cancel request", "zh-Hans": "取消申请"},
        "btn.purchase": {"en": "Request purchase ({qty})", "zh-Hans": "申请采购（{qty}）"},
        "btn.transfer_from": {
            "en": "Transfer {qty} from {wh}",
            "zh-Hans": "从 {wh} 调拨 {qty}",
        },
        "state.pending_approval": {"en": "waiting for approval", "zh-Hans": "待审批"},
        "state.approved": {"en": "approved", "zh-Hans": "已批准"},
        "state.issued": {"en": "issued", "zh-Hans": "已发料"},
        "state.received": {"en": "received", "zh-Hans": "已签收"},
        "state.rejected": {"en": "rejected", "zh-Hans": "已驳回"},
        "state.cancelled": {"en": "cancelled", "zh-Hans": "已取消"},
    }
)


def _needs_approval(ctx: Ctx, item: Item, amount: Decimal) -> bool:
    return item.needs_approval or amount > ctx.settings.request_approval_over


def request(ctx: Ctx, cmd: RequestCmd, item_id: int | None = None) -> Reply:
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
        wh = warehouse_for(ctx, s)
        lock_item(s, item.id)
        me = actor_id(ctx, s)
        available = quantities(s, [item.id], wh.id)[item.id].available
        if qty > available:
            return _shortage(ctx, s, item, wh, qty, available, me, cmd.wo)
        amount = (qty * item.unit_cost).quantize(Decimal("0.01"))
        pending = _needs_approval(ctx, item, amount)
        mr = MaterialRequest(
            requester_id=me,
            item_id=item.id,
            warehouse_id=wh.id,
            qty=qty,
            work_order=cmd.wo,
            note=cmd.note,
            amount=amount,
            state="pending_approval" if pending else "approved",
            chat_platform=ctx.origin.platform,
            chat_id=ctx.origin.chat_id,
            message_id=ctx.origin.message_id,
        )
        s.add(mr)
        s.flush()
        no = doc_number(DOC, mr.id)
        decide(ctx, s, DOC, mr.id, "request", qty=qty)
        who = ctx.actor.display_name
        wo = tm("mr.for_wo", ctx.lang, wo=cmd.wo) if cmd.wo else ""
        if pending:
            card = _approval_card(ctx, s, mr, item, who, wo)
            for approver in users_with_role(s, "approver", amount):
                if approver.id != me:
                    notify_user(s, approver.id, card, f"{no}:approve:{approver.id}")
            text = tm(
                "mr.created_pending",
                ctx.lang,
                no=no,
                qty=fq(qty, item.unit),
                item=item.code,
                who=who,
                amount=amount,
            )
            return Reply.of(Text(text=text), *card.blocks[1:])
        _reserve(s, mr)
        _notify_keepers(ctx, s, mr, item, who, wo)
        text = tm(
            "mr.created_reserved", ctx.lang, no=no, qty=fq(qty, item.unit), item=item.code, who=who
        )
        return Reply.of(
            Text(text=text),
            Buttons(buttons=[button(s, tm("btn.cancel", ctx.lang), DOC, mr.id, "cancel")]),
        )


def _approval_card(
    ctx: Ctx, s: Session, mr: MaterialRequest, item: Item, who: str, wo: str
) -> Reply:
    text = tm(
        "mr.approve_card",
        ctx.lang,
        who=who,
        qty=fq(mr.qty, item.unit),
        item=item.code,
        wo=wo,
        amount=mr.amount,
    )
    return Reply.of(
        Text(text=f"*{doc_number(DOC, mr.id)}* {text}"),
        Buttons(
            buttons=[
                button(s, tm("btn.approve", ctx.lang), DOC, mr.id, "approve", style="primary"),
                button(s, tm("btn.reject", ctx.lang), DOC, mr.id, "reject", style="danger"),
            ]
        ),
    )


def _reserve(s: Session, mr: MaterialRequest) -> None:
    s.add(
        Reservation(
            item_id=mr.item_id,
            warehouse_id=mr.warehouse_id,
            qty=mr.qty - mr.qty_issued,
            doc_type=DOC,
            doc_id=str(mr.id),
        )
    )


def _release(s: Session, mr_id: int, state: str = "released") -> None:
    s.execute(
        update(Reservation)
        .where(
            Reservation.doc_type == DOC,
            Reservation.doc_id == str(mr_id),
            Reservation.state == "open",
        )
        .values(state=state, closed_at=utcnow())
    )


def _notify_keepers(
    ctx: Ctx, s: Session, mr: MaterialRequest, item: Item, who: str, wo: str
) -> None:
    left = mr.qty - mr.qty_issued
    no = doc_number(DOC, mr.id)
    card = Reply.of(
        Text(
            text=tm(
                "mr.issue_card",
                ctx.lang,
                no=no,
                qty=fq(left, item.unit),
                item=item.code,
                wo=wo,
                who=who,
            )
        ),
        Buttons(
            buttons=[
                button(
                    s,
                    tm("btn.issue_all", ctx.lang, qty=fq(left, item.unit)),
                    DOC,
                    mr.id,
                    "issue",
                    style="primary",
                )
            ]
        ),
    )
    for keeper in users_with_role(s, "keeper"):
        notify_user(s, keeper.id, card, f"{no}:issue-card:{keeper.id}")


def _shortage(
    ctx: Ctx,
    s: Session,
    item: Item,
    wh: Warehouse,
    qty: Decimal,
    available: Decimal,
    me: int,
    wo: str | None,
) -> Reply:
    incident = ShortageIncident(
        item_id=item.id,
        warehouse_id=wh.id,
        qty_requested=qty,
        qty_available=available,
        requester_id=me,
        work_order=wo,
        chat_platform=ctx.origin.platform,
        chat_id=ctx.origin.chat_id,
        message_id=ctx.origin.message_id,
    )
    s.add(incident)
    s.flush()
    short = qty - max(available, ZERO)
    blocks: list = [
        Text(
            text=tm(
                "shortage.title",
                ctx.lang,
                item=f"{item.code} {item.name}",
                requested=fq(qty, item.unit),
                available=fq(max(available, ZERO), item.unit),
                short=fq(short, item.unit),
            )
        )
    ]
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
                rows=[(f"{x.code} {x.name}", fq(sq[x.id].available, x.unit)) for x in subs],
            )
        )
    buttons = []
    others = s.scalars(select(Warehouse).where(Warehouse.id != wh.id).order_by(Warehouse.code))
    rows = []
    for other in others:
        avail = quantities(s, [item.id], other.id)[item.id].available
        if avail > 0:
            rows.append((other.code, fq(avail, item.unit)))
            move = min(avail, short)
            buttons.append(
                button(
                    s,
                    tm("btn.transfer_from", ctx.lang, qty=fq(move, item.unit), wh=other.code),
                    "item",
                    item.id,
                    "transfer",
                    {"from": other.id, "to": wh.id, "qty": str(move)},
                )
            )
    if rows:
        blocks.append(Fields(title=tm("shortage.elsewhere", ctx.lang), rows=rows))
    suggested = max(short, item.reorder_qty)
    buttons.insert(
        0,
        button(
            s,
            tm("btn.purchase", ctx.lang, qty=fq(suggested, item.unit)),
            "item",
            item.id,
            "purchase",
            {"qty": str(suggested)},
        ),
    )
    blocks.append(Buttons(buttons=buttons))
    blocks.append(Text(text=tm("shortage.recorded", ctx.lang, id=incident.id)))
    return Reply.of(*blocks)


# --- decisions ------------------------------------------------------------------------------


def _load(ctx: Ctx, s: Session, mr_id: int) -> tuple[MaterialRequest, Item, str]:
    mr = s.get(MaterialRequest, mr_id)
    if mr is None:
        raise refuse("doc.unknown", ctx.lang, doc=doc_number(DOC, mr_id))
    item = s.get(Item, mr.item_id)
    assert item is not None
    return mr, item, doc_number(DOC, mr.id)


def _already(ctx: Ctx, s: Session, mr: MaterialRequest) -> Refusal:
    """Why a transition did not happen: who moved the document on, and when."""
    s.refresh(mr)
    no = doc_number(DOC, mr.id)
    last = last_decision(s, DOC, mr.id)
    state = tm(f"state.{mr.state}", ctx.lang)
    if last is not None and last.action != "request":
        return refuse(
            "mr.already",
            ctx.lang,
            no=no,
            state=state,
            who=display_name(s, last.actor_id),
            at=local_time(ctx, last.created_at),
        )
    return refuse("mr.closed", ctx.lang, no=no, state=state)


def _mr_id(ctx: Ctx, doc: str) -> int:
    parsed = parse_doc(doc)
    if parsed is None or parsed[0] != DOC:
        raise refuse("doc.unknown", ctx.lang, doc=doc)
    return parsed[1]


def approve(ctx: Ctx, mr_id: int) -> Reply:
    require(ctx, "approver")
    with ctx.db.write() as s:
        mr, item, no = _load(ctx, s, mr_id)
        me = actor_id(ctx, s)
        if mr.state != "pending_approval":
            raise _already(ctx, s, mr)
        if mr.requester_id == me:
            raise refuse("mr.self_approve", ctx.lang)
        limit = approval_limit(s, me)
        if limit is not None and mr.amount > limit:
            raise refuse("mr.over_limit", ctx.lang, no=no, amount=mr.amount, limit=limit)
        lock_item(s, item.id)
        available = quantities(s, [item.id], mr.warehouse_id)[item.id].available
        if mr.qty > available:
            raise refuse(
                "shortage.title",
                ctx.lang,
                item=item.code,
                requested=fq(mr.qty, item.unit),
                available=fq(max(available, ZERO), item.unit),
                short=fq(mr.qty - max(available, ZERO), item.unit),
            )
        if not transition(s, MaterialRequest, mr.id, ("pending_approval",), state="approved"):
            raise _already(ctx, s, mr)
        d = decide(ctx, s, DOC, mr.id, "approve")
        _reserve(s, mr)
        requester = display_name(s, mr.requester_id)
        wo = tm("mr.for_wo", ctx.lang, wo=mr.work_order) if mr.work_order else ""
        _notify_keepers(ctx, s, mr, item, requester, wo)
        done = Reply.text(
            tm(
                "mr.approved",
                ctx.lang,
                no=no,
                who=ctx.actor.display_name,
                at=local_time(ctx, d.created_at),
                qty=fq(mr.qty, item.unit),
            )
        )
        notify_user(s, mr.requester_id, done, f"{no}:approved")
        return done


def ask_reject_reason(ctx: Ctx, mr_id: int) -> Reply:
    """The Reject button: the next message from this user in this chat is the reason."""
    require(ctx, "approver")
    with ctx.db.write() as s:
        mr, _item, no = _load(ctx, s, mr_id)
        if mr.state != "pending_approval":
            raise _already(ctx, s, mr)
        conversation.expect(ctx, s, "mr_reject_reason", mr.id)
        return Reply(blocks=[Text(text=tm("mr.ask_reason", ctx.lang, no=no))], asks=True)


def reject(ctx: Ctx, mr_id: int, reason: str, *, answering: bool = False) -> Reply:
    require(ctx, "approver")
    reason = reason.strip()[:500]
    if answering:  # the reason answers "why?": that question is settled even if refused below
        with ctx.db.write() as s:
            conversation.clear(ctx, s)
    with ctx.db.write() as s:
        mr, _item, no = _load(ctx, s, mr_id)
        me = actor_id(ctx, s)
        if mr.state == "pending_approval" and mr.requester_id == me:
            raise refuse("mr.self_approve", ctx.lang)
        if not transition(s, MaterialRequest, mr.id, ("pending_approval",), state="rejected"):
            raise _already(ctx, s, mr)
        d = decide(ctx, s, DOC, mr.id, "reject", reason=reason)
        done = Reply.text(
            tm(
                "mr.rejected",
                ctx.lang,
                no=no,
                who=ctx.actor.display_name,
                at=local_time(ctx, d.created_at),
                reason=reason,
            )
        )
        notify_user(s, mr.requester_id, done, f"{no}:rejected")
        return done


def issue(ctx: Ctx, mr_id: int, qty: Decimal | None = None, unit: str | None = None) -> Reply:
    """Issue all that is left (button) or part of it (`/issue MR-1 5`), FEFO then FIFO."""
    require(ctx, "keeper")
    with ctx.db.write() as s:
        mr, item, no = _load(ctx, s, mr_id)
        if mr.state != "approved":
            raise _already(ctx, s, mr)
        left = mr.qty - mr.qty_issued
        amount = left if qty is None else base_qty(ctx, s, item, qty, unit)
        if amount > left:
            raise refuse("mr.too_much", ctx.lang, left=fq(left, item.unit), no=no)
        lock_item(s, item.id)
        issued_before = mr.qty_issued
        new_issued = issued_before + amount
        full = new_issued == mr.qty
        # The conditional update is the double-click guard: it matches only the state we read.
        won = s.execute(
            update(MaterialRequest)
            .where(
                MaterialRequest.id == mr.id,
                MaterialRequest.state == "approved",
                MaterialRequest.qty_issued == issued_before,
            )
            .values(
                qty_issued=new_issued,
                state="issued" if full else "approved",
                issued_at=utcnow(),
                updated_at=utcnow(),
            )
            .execution_options(synchronize_session=False)
        ).rowcount
        if won != 1:
            raise _already(ctx, s, mr)
        lines = _pick(s, item, mr.warehouse_id, amount)
        ledger.post(
            s.connection(),
            ledger.Meta(
                idempotency_key=f"mr:{mr.id}:issue:{issued_before}",
                kind="issue",
                actor_id=actor_id(ctx, s),
                doc_type=DOC,
                doc_id=no,
                chat_platform=ctx.origin.platform,
                chat_id=ctx.origin.chat_id,
                message_id=ctx.origin.message_id,
                note=mr.work_order,
            ),
            lines,
        )
        _consume_reservation(s, mr.id, amount, full)
        d = decide(ctx, s, DOC, mr.id, "issue", qty=amount)
        rest = "" if full else tm("mr.rest", ctx.lang, qty=fq(mr.qty - new_issued, item.unit))
        done = tm(
            "mr.issued",
            ctx.lang,
            no=no,
            qty=fq(amount, item.unit),
            item=item.code,
            who=ctx.actor.display_name,
            at=local_time(ctx, d.created_at),
            rest=rest,
        )
        ready = Reply.of(
            Text(
                text=tm(
                    "mr.ready",
                    ctx.lang,
                    no=no,
                    qty=fq(amount, item.unit),
                    item=item.code,
                    who=ctx.actor.display_name,
                )
            ),
            Buttons(
                buttons=[
                    button(s, tm("btn.confirm", ctx.lang), DOC, mr.id, "confirm", style="primary")
                ]
            ),
        )
        notify_user(s, mr.requester_id, ready, f"{no}:ready:{issued_before}")
        return Reply.text(done)


def _pick(s: Session, item: Item, warehouse_id: int, qty: Decimal) -> list[ledger.Line]:
    """Issue lines in pick order (see flows.picking); a shortfall is refused in words first
    (the ledger would refuse it too)."""
    picks, missing = take(in_pick_order(s, item.id, warehouse_id), qty)
    if missing > 0:
        raise ledger.InsufficientStock(item.id, item.code, "", qty - missing, qty)
    return [
        ledger.Line(item.id, p.location_id, -p.qty, MovementKind.ISSUE, p.batch_id) for p in picks
    ]


def _consume_reservation(s: Session, mr_id: int, amount: Decimal, full: bool) -> None:
    res = s.scalar(
        select(Reservation).where(
            Reservation.doc_type == DOC,
            Reservation.doc_id == str(mr_id),
            Reservation.state == "open",
        )
    )
    if res is None:
        return
    if full or res.qty <= amount:
        res.state, res.closed_at = "consumed", utcnow()
    else:
        res.qty = res.qty - amount


def confirm(ctx: Ctx, mr_id: int) -> Reply:
    with ctx.db.write() as s:
        mr, _item, no = _load(ctx, s, mr_id)
        me = actor_id(ctx, s)
        if mr.requester_id != me:
            raise refuse("mr.not_yours", ctx.lang, who=display_name(s, mr.requester_id))
        if not transition(s, MaterialRequest, mr.id, ("issued",), state="received"):
            raise _already(ctx, s, mr)
        d = decide(ctx, s, DOC, mr.id, "confirm")
        return Reply.text(
            tm(
                "mr.confirmed",
                ctx.lang,
                no=no,
                who=ctx.actor.display_name,
                at=local_time(ctx, d.created_at),
            )
        )


def cancel(ctx: Ctx, mr_id: int, reason: str | None = None) -> Reply:
    with ctx.db.write() as s:
        mr, _item, no = _load(ctx, s, mr_id)
        me = actor_id(ctx, s)
        if mr.requester_id != me and not ctx.actor.has("keeper"):
            raise refuse("mr.not_yours", ctx.lang, who=display_name(s, mr.requester_id))
        if mr.qty_issued > 0 or not transition(
            s, MaterialRequest, mr.id, ("pending_approval", "approved"), state="cancelled"
        ):
            raise _already(ctx, s, mr)
        _release(s, mr.id)
        decide(ctx, s, DOC, mr.id, "cancel", reason=reason)
        return Reply.text(tm("mr.cancelled", ctx.lang, no=no, who=ctx.actor.display_name))


# --- wiring ---------------------------------------------------------------------------------

COMMANDS = {
    "request": lambda ctx, cmd: request(ctx, cmd),
    "issue": lambda ctx, cmd: issue(ctx, _mr_id(ctx, cmd.doc), cmd.qty, cmd.unit),
    "confirm": lambda ctx, cmd: confirm(ctx, _mr_id(ctx, cmd.doc)),
}
DOC_COMMANDS = {  # approve/reject/cancel dispatch on the document type
    ("approve", DOC): lambda ctx, cmd, doc_id: approve(ctx, doc_id),
    ("reject", DOC): lambda ctx, cmd, doc_id: reject(ctx, doc_id, cmd.reason),
    ("cancel", DOC): lambda ctx, cmd, doc_id: cancel(ctx, doc_id, cmd.reason),
}
ACTIONS = {
    (DOC, "approve"): lambda ctx, tok: approve(ctx, tok.doc_id),
    (DOC, "reject"): lambda ctx, tok: ask_reject_reason(ctx, tok.doc_id),
    (DOC, "issue"): lambda ctx, tok: issue(ctx, tok.doc_id),
    (DOC, "confirm"): lambda ctx, tok: confirm(ctx, tok.doc_id),
    (DOC, "cancel"): lambda ctx, tok: cancel(ctx, tok.doc_id),
}
REPLIES = {
    "mr_reject_reason": lambda ctx, conv, text: reject(ctx, conv.doc_id, text, answering=True)
}
