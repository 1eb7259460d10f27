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
The graph is `WF` below (`flows.workflow`): who may take each step, from which states. Stock
moves only through `ledger.post`; reservations keep *available* honest between approval and
issue. Cards go to the people who can act (`WF.who_can`) and to the warehouse by the routing
rule (`flows.routing`); when nobody can be reached the requester is told so, and the admins.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import select, update
from sqlalchemy.orm import Session

import stockbot.messages.requests  # noqa: F401  (registers the catalogue)
from stockbot.commands.parser import RequestCmd
from stockbot.flows import routing
from stockbot.flows.common import (
    actor_id,
    base_qty,
    decide,
    display_name,
    item_and_qty,
    locked_item,
    token_for,
    typed_qty,
    warehouse_for,
)
from stockbot.flows.context import Ctx
from stockbot.flows.kitting import bom_left, find_wo
from stockbot.flows.notices import Act, At, ItemLabel, L, Money, Notice, Q
from stockbot.flows.picking import issue_lines, pick_list
from stockbot.flows.shortage import short_notice, shortage_reply
from stockbot.flows.workflow import Input, Workflow
from stockbot.replies import Reply
from stockbot.store import ledger
from stockbot.store.models import Item, MaterialRequest, Reservation, User
from stockbot.store.quantities import quantities
from stockbot.timeutil import utcnow

ZERO = Decimal(0)
WF = Workflow("mr", "MR", MaterialRequest, silent_actions=("request", "unreserve"))
DOC = WF.doc_type


def _needs_approval(ctx: Ctx, item: Item, amount: Decimal, over_bom: bool = False) -> bool:
    """Expensive, marked so, or beyond the BOM of the work order it is for (超领)."""
    return over_bom or item.needs_approval or amount > ctx.settings.request_approval_over


def _over_bom(s: Session, wo_text: str | None, item_id: int, qty: Decimal) -> bool:
    """A request `for` an existing work order asking more than its BOM still allows."""
    wo = find_wo(s, wo_text)
    return wo is not None and qty > bom_left(s, wo, item_id)


def _amount(ctx: Ctx, s: Session, mr: MaterialRequest) -> Decimal:
    return mr.amount


def _wo(mr: MaterialRequest) -> object:
    return L("mr.for_wo", wo=mr.work_order) if mr.work_order else ""


# --- raising a request ---------------------------------------------------------------------


def request(ctx: Ctx, cmd: RequestCmd, item_id: int | None = None) -> Reply:
    item_id, qty = item_and_qty(ctx, cmd, item_id)
    with ctx.db.write() as s:
        item = locked_item(s, item_id)
        wh = warehouse_for(ctx, s)
        me = actor_id(ctx, s)
        available = quantities(s, [item.id], wh.id)[item.id].available
        if qty > available:
            return shortage_reply(ctx, s, item, wh, qty, available, me, cmd.wo)
        amount = (qty * item.unit_cost).quantize(Decimal("0.01"))
        pending = _needs_approval(ctx, item, amount, _over_bom(s, cmd.wo, item.id, qty))
        mr = MaterialRequest(
            requester_id=me,
            item_id=item.id,
            warehouse_id=wh.id,
            qty=qty,
            work_order=cmd.wo,
            note=cmd.note,
            amount=amount,
            state="pending_approval" if pending else "approved",
            **ctx.origin.columns(),
        )
        s.add(mr)
        s.flush()
        decide(ctx, s, DOC, mr.id, "request", qty=qty)
        who = ctx.actor.display_name
        params = {
            "no": WF.number(mr.id),
            "qty": typed_qty(cmd, qty, item.unit),
            "item": ItemLabel(item.code, item.name),
            "who": who,
        }
        if pending:
            card = _approval_card(s, mr, item, who)
            notice = Notice("mr.created_pending", {**params, "amount": Money(amount)}, card.buttons)
            notice = _route_approval(ctx, s, mr, card, notice)
            return notice.render(ctx.lang, ctx.tz)
        _reserve(s, mr)
        notice = Notice("mr.created_reserved", params, (_act(s, mr, "btn.cancel", "cancel"),))
        notice = _route_issue(ctx, s, mr, item, who, notice)
        return notice.render(ctx.lang, ctx.tz)


def _act(
    s: Session, mr: MaterialRequest, key: str, action: str, style: str = "default", **p: object
) -> Act:
    return Act(key, token_for(s, DOC, mr.id, action), dict(p), style)


def _approval_card(s: Session, mr: MaterialRequest, item: Item, who: str) -> Notice:
    params = {
        "no": WF.number(mr.id),
        "who": who,
        "qty": Q(mr.qty, item.unit),
        "item": ItemLabel(item.code, item.name),
        "wo": _wo(mr),
        "amount": Money(mr.amount),
    }
    buttons = (
        _act(s, mr, "btn.approve", "approve", "primary"),
        _act(s, mr, "btn.reject", "reject", "danger"),
    )
    return Notice("mr.approve_card", params, buttons)


def _route_approval(
    ctx: Ctx, s: Session, mr: MaterialRequest, card: Notice, reply: Notice
) -> Notice:
    """The card to everyone who may approve; when nobody can, say so now — to the requester
    (the reply) and to the admins."""
    stuck = routing.nobody_can(WF.number(mr.id), "approve", "approver", amount=Money(mr.amount))
    return WF.offer(ctx, s, mr, "approve", card, stuck).tell(reply)


def _route_issue(
    ctx: Ctx, s: Session, mr: MaterialRequest, item: Item, who: str, reply: Notice
) -> Notice:
    """The issue card to the warehouse (`routing.to_warehouse`), and the truth about it."""
    left = mr.qty - mr.qty_issued
    no = WF.number(mr.id)
    card = Notice(
        "mr.issue_card",
        {
            "no": no,
            "qty": Q(left, item.unit),
            "item": ItemLabel(item.code, item.name),
            "wo": _wo(mr),
            "who": who,
        },
        (_act(s, mr, "btn.issue_all", "issue", "primary", qty=Q(left, item.unit)),),
    )
    reach = routing.to_warehouse(
        s, ctx.settings, mr.warehouse_id, card, f"{no}:issue-card", "keeper"
    )
    return reach.tell(reply)


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


def _tell_requester(s: Session, mr: MaterialRequest, notice: Notice, dedupe: str) -> None:
    requester = s.get(User, mr.requester_id)
    if requester is not None:
        routing.to_user(s, requester, notice, dedupe)


# --- the steps -------------------------------------------------------------------------------


@WF.step(
    "approve",
    source=("pending_approval",),
    roles=("approver",),
    requester="not",
    limit=_amount,
)
def approve(ctx: Ctx, s: Session, mr: MaterialRequest, inp: Input) -> Reply:
    item = locked_item(s, mr.item_id)
    available = quantities(s, [item.id], mr.warehouse_id)[item.id].available
    if mr.qty > available:
        raise WF.refusal(ctx, short_notice(item, mr.qty, available))
    d = WF.move(ctx, s, mr, "approve", "approved")
    _reserve(s, mr)
    no = WF.number(mr.id)
    done = Notice(
        "mr.approved",
        {
            "no": no,
            "who": ctx.actor.display_name,
            "at": At(d.created_at),
            "qty": Q(mr.qty, item.unit),
        },
    )
    _tell_requester(s, mr, done, f"{no}:approved")
    reply = _route_issue(ctx, s, mr, item, display_name(s, mr.requester_id), done)
    return reply.render(ctx.lang, ctx.tz)


@WF.rejecting(source=("pending_approval",))
def reject(ctx: Ctx, s: Session, mr: MaterialRequest, inp: Input) -> Reply:
    d = WF.move(ctx, s, mr, "reject", "rejected", reason=inp.reason)
    no = WF.number(mr.id)
    done = Notice(
        "mr.rejected",
        {"no": no, "who": ctx.actor.display_name, "at": At(d.created_at), "reason": inp.reason},
    )
    _tell_requester(s, mr, done, f"{no}:rejected")
    return done.render(ctx.lang, ctx.tz)


@WF.step("issue", source=("approved",), roles=("keeper",))
def issue(ctx: Ctx, s: Session, mr: MaterialRequest, inp: Input) -> Reply:
    """Issue all that is left (button) or part of it (`/issue MR-1 5`), FEFO then FIFO."""
    item = locked_item(s, mr.item_id)
    no = WF.number(mr.id)
    left = mr.qty - mr.qty_issued
    cmd = inp.cmd
    qty = getattr(cmd, "qty", None)
    amount = left if qty is None else base_qty(ctx, s, item, qty, getattr(cmd, "unit", None))
    if amount > left:
        raise WF.refusal(ctx, Notice("mr.too_much", {"left": Q(left, item.unit), "no": no}))
    # What this request may take: its own reservation and whatever nobody else has reserved.
    # Usually that is all that is left; after a count released part of it, it is less.
    free = _reserved_for(s, mr.id) + quantities(s, [item.id], mr.warehouse_id)[item.id].available
    if amount > free:
        raise WF.refusal(ctx, short_notice(item, amount, free))
    issued_before = mr.qty_issued
    new_issued = issued_before + amount
    full = new_issued == mr.qty
    # The conditional update is the double-click guard: it matches only the state we read.
    d = WF.move(
        ctx,
        s,
        mr,
        "issue",
        "issued" if full else "approved",
        where=(MaterialRequest.qty_issued == issued_before,),
        qty=amount,
        qty_issued=new_issued,
        issued_at=utcnow(),
    )
    lines = issue_lines(s, item, mr.warehouse_id, amount)
    ledger.post(
        s.connection(),
        ledger.Meta(
            idempotency_key=f"mr:{mr.id}:issue:{issued_before}",
            kind="issue",
            actor_id=actor_id(ctx, s),
            doc_type=DOC,
            doc_id=no,
            **ctx.origin.columns(),
            note=mr.work_order,
        ),
        lines,
    )
    _consume_reservation(s, mr.id, amount, full)
    rest = "" if full else L("mr.rest", qty=Q(mr.qty - new_issued, item.unit))
    who = ctx.actor.display_name
    label = ItemLabel(item.code, item.name)
    common = {"no": no, "qty": Q(amount, item.unit), "item": label, "who": who}
    ready = Notice("mr.ready", common, (_act(s, mr, "btn.confirm", "confirm", "primary"),))
    _tell_requester(s, mr, ready, f"{no}:ready:{issued_before}")
    params = {**common, "qty": typed_qty(cmd, amount, item.unit), "at": At(d.created_at)}
    params["rest"] = rest
    return Notice("mr.issued", params, grid=pick_list(s, item, lines)).render(ctx.lang, ctx.tz)


def _open_reservation(s: Session, mr_id: int) -> Reservation | None:
    return s.scalar(
        select(Reservation).where(
            Reservation.doc_type == DOC,
            Reservation.doc_id == str(mr_id),
            Reservation.state == "open",
        )
    )


def _reserved_for(s: Session, mr_id: int) -> Decimal:
    res = _open_reservation(s, mr_id)
    return res.qty if res is not None else ZERO


def _consume_reservation(s: Session, mr_id: int, amount: Decimal, full: bool) -> None:
    res = _open_reservation(s, mr_id)
    if res is None:
        return
    if full or res.qty <= amount:
        res.state, res.closed_at = "consumed", utcnow()
    else:
        res.qty = res.qty - amount


@WF.step("confirm", source=("issued",), requester="only")
def confirm(ctx: Ctx, s: Session, mr: MaterialRequest, inp: Input) -> Reply:
    d = WF.move(ctx, s, mr, "confirm", "received")
    no = WF.number(mr.id)
    return Notice(
        "mr.confirmed", {"no": no, "who": ctx.actor.display_name, "at": At(d.created_at)}
    ).render(ctx.lang, ctx.tz)


@WF.step("cancel", source=("pending_approval", "approved"), roles=("keeper",), requester="or_roles")
def cancel(ctx: Ctx, s: Session, mr: MaterialRequest, inp: Input) -> Reply:
    WF.move(
        ctx,
        s,
        mr,
        "cancel",
        "cancelled",
        where=(MaterialRequest.qty_issued == 0,),
        reason=inp.reason,
    )
    _release(s, mr.id)
    no = WF.number(mr.id)
    return Notice("mr.cancelled", {"no": no, "who": ctx.actor.display_name}).render(
        ctx.lang, ctx.tz
    )


# --- stock that went missing ----------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Unreserved:
    """One request whose reservation was cut: by how much, what it still holds, and whether
    its requester could be told."""

    no: str
    who: str
    item: str
    unit: str
    qty: Decimal
    held: Decimal
    told: bool


def release_beyond_on_hand(
    ctx: Ctx, s: Session, places: Iterable[tuple[int, int]], cause: str
) -> list[Unreserved]:
    """Keep *reserved ≤ on hand* after stock left without an issue (an approved count found
    less than the books). Per (item, warehouse) in *places*, open request reservations are cut,
    newest first — the oldest request keeps its claim, as it would have been issued first —
    until what is reserved fits what is there. Each cut is recorded on the request (decision
    `unreserve`, shown in `/history MR-…`) and its requester is told; the request stays
    approved, and may be issued only what it still holds plus whatever is free again
    (`issue` checks), so it waits for stock or is cancelled. Call with the items locked."""
    out: list[Unreserved] = []
    for item_id, warehouse_id in sorted(set(places)):
        q = quantities(s, [item_id], warehouse_id)[item_id]
        excess = q.reserved - max(q.on_hand, ZERO)
        if excess <= 0:
            continue
        item = s.get(Item, item_id)
        assert item is not None
        newest_first = s.scalars(
            select(Reservation)
            .where(
                Reservation.item_id == item_id,
                Reservation.warehouse_id == warehouse_id,
                Reservation.doc_type == DOC,
                Reservation.state == "open",
            )
            .order_by(Reservation.id.desc())
        )
        for res in newest_first:
            if excess <= 0:
                break
            cut = min(res.qty, excess)
            excess -= cut
            if cut == res.qty:
                res.state, res.closed_at = "released", utcnow()
            else:
                res.qty -= cut
            held = res.qty if res.state == "open" else ZERO
            mr = s.get(MaterialRequest, int(res.doc_id))
            assert mr is not None
            no = WF.number(mr.id)
            decide(ctx, s, DOC, mr.id, "unreserve", qty=cut, reason=cause)
            notice = Notice(
                "mr.unreserved",
                {
                    "no": no,
                    "qty": Q(cut, item.unit),
                    "item": ItemLabel(item.code, item.name),
                    "held": Q(held, item.unit),
                    "cause": cause,
                },
            )
            told = routing.to_user(s, mr.requester_id, notice, f"{no}:unreserved:{cause}")
            who = display_name(s, mr.requester_id)
            out.append(Unreserved(no, who, item.code, item.unit, cut, held, told))
    return out


# --- wiring ---------------------------------------------------------------------------------

COMMANDS = {
    "request": lambda ctx, cmd: request(ctx, cmd),
    "issue": lambda ctx, cmd: WF.act(ctx, WF.id_of(ctx, cmd.doc), "issue", Input(cmd=cmd)),
    "confirm": lambda ctx, cmd: WF.act(ctx, WF.id_of(ctx, cmd.doc), "confirm", Input(cmd=cmd)),
}
