"""Returns (退料): unused material back to the place it was issued from, against its issue.

```
/return <item> <qty> [MR-… | WO-…] [note]
   └─▶ the issue it refers to: the named MR or work order (its kit), else the returner's
       latest issued MR of the item
         ├─ qty ≤ issued − already returned (or a keeper returns) ──▶ RETURN posted at once into
         │      the location (and batch) it was issued from, else the warehouse's default location
         └─ otherwise (nothing issued to them, or more than is out) ──▶ nothing posted; a card
                with [Confirm return] to the warehouse (routing.to_warehouse); a keeper's press
                posts it once and tells the returner
```
Not a document with states: the posting is the record, its `doc_id` the MR it returns against
(which is how "already returned" is summed), its idempotency key the inbound message — or the
pressed card's token — so a redelivered message or a double press moves stock once.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from sqlalchemy import desc, func, select
from sqlalchemy.orm import Session

import stockbot.messages.moves  # noqa: F401  (registers the catalogue)
from stockbot import units
from stockbot.commands.parser import ReturnCmd
from stockbot.flows import routing
from stockbot.flows.common import (
    actor_id,
    decide,
    display_name,
    doc_number,
    item_and_qty,
    last_decision,
    local_time,
    parse_doc,
    refuse,
    require,
    token_for,
    typed,
    users_with_role,
    warehouse_for,
)
from stockbot.flows.context import Ctx
from stockbot.flows.kitting import find_wo
from stockbot.flows.notices import Act, ItemLabel, L, Notice, Q
from stockbot.i18n import tm
from stockbot.replies import Reply
from stockbot.store import ledger
from stockbot.store.catalog import default_location
from stockbot.store.models import (
    ActionToken,
    Batch,
    Item,
    Location,
    MaterialRequest,
    Movement,
    MovementKind,
    Posting,
    Warehouse,
    WorkOrder,
    WorkOrderLine,
)

ZERO = Decimal(0)
RET = "return"


def return_stock(ctx: Ctx, cmd: ReturnCmd) -> Reply:
    item_id, qty = item_and_qty(ctx, cmd)
    ref, note = _split_ref(cmd.note)
    key = ctx.origin.key(RET)
    with ctx.db.write() as s:
        if s.scalar(select(Posting.id).where(Posting.idempotency_key == key)) is not None:
            return Reply.text(
                tm("mv.return_already", ctx.lang), ephemeral=True, key="mv.return_already"
            )
        item = s.get_one(Item, item_id)
        me = actor_id(ctx, s)
        wo = find_wo(s, (cmd.note or "").split(" ", 1)[0]) if ref is None else None
        if wo is not None:  # unused components back against a work order
            note = (cmd.note or "").partition(" ")[2].strip()[:500] or None
            return _against_wo(ctx, s, item, qty, wo, me, note, key)
        mr = _issue_of(ctx, s, item, me, ref)
        wh_id = mr.warehouse_id if mr is not None else warehouse_for(ctx, s).id
        loc_id, batch_id = _issued_from(s, item, wh_id, mr)
        out = (mr.qty_issued - _returned(s, mr)) if mr is not None else ZERO
        plan = {
            "qty": str(qty),
            "user": me,
            "mr": mr.id if mr is not None else None,
            "loc": loc_id,
            "batch": batch_id,
            "note": note,
            "typed": [str(q) for q in said] if (said := typed(cmd)) else None,
        }
        if qty <= out or ctx.actor.has("keeper"):
            return _post(ctx, s, item, plan, key, me)
        return _ask_keeper(ctx, s, item, plan, out, wh_id, key)


def confirm(ctx: Ctx, token: ActionToken) -> Reply:
    """A keeper's [Confirm return]: posts the waiting return once."""
    require(ctx, "keeper")
    with ctx.db.write() as s:
        item = s.get(Item, token.doc_id)
        if item is None:
            raise refuse("button.stale", ctx.lang)
        return _post(ctx, s, item, dict(token.payload), f"return:{token.token}", actor_id(ctx, s))


def _typed(plan: dict[str, Any]) -> tuple[Decimal, str] | None:
    said = plan.get("typed")
    return (Decimal(said[0]), said[1]) if said else None


def _split_ref(note: str | None) -> tuple[tuple[str, int] | None, str | None]:
    """`MR-00012 left over` → (("mr", 12), "left over")."""
    text = (note or "").strip()
    first, _, rest = text.partition(" ")
    ref = parse_doc(first) if first else None
    if ref is not None and ref[0] == "mr":
        text = rest.strip()
    else:
        ref = None
    return ref, (text[:500] or None)


def _issue_of(
    ctx: Ctx, s: Session, item: Item, me: int, ref: tuple[str, int] | None
) -> MaterialRequest | None:
    """The issue a return refers to: the named MR (it must be this item's, issued), else the
    returner's latest request of the item that had stock issued."""
    if ref is not None:
        mr = s.get(MaterialRequest, ref[1])
        if mr is None or mr.item_id != item.id or mr.qty_issued <= 0:
            raise refuse("ret.no_such_issue", ctx.lang, no=doc_number("mr", ref[1]), item=item.code)
        return mr
    return s.scalar(
        select(MaterialRequest)
        .where(
            MaterialRequest.item_id == item.id,
            MaterialRequest.requester_id == me,
            MaterialRequest.qty_issued > 0,
        )
        .order_by(desc(MaterialRequest.id))
        .limit(1)
    )


def _returned(s: Session, mr: MaterialRequest) -> Decimal:
    return _returned_against(s, doc_number("mr", mr.id))


def _returned_against(s: Session, no: str, item_id: int | None = None) -> Decimal:
    stmt = (
        select(func.coalesce(func.sum(Movement.qty), 0))
        .join(Posting, Posting.id == Movement.posting_id)
        .where(Posting.doc_type == RET, Posting.doc_id == no)
    )
    if item_id is not None:
        stmt = stmt.where(Movement.item_id == item_id)
    return Decimal(s.scalar(stmt) or 0)


def _against_wo(
    ctx: Ctx,
    s: Session,
    item: Item,
    qty: Decimal,
    wo: WorkOrder,
    me: int,
    note: str | None,
    key: str,
) -> Reply:
    """A return against a work order: into the location (and batch) its kit left from; up to
    what the order drew of the item and has not returned — more waits for a keeper."""
    no = f"WO-{wo.id:05d}"
    line = s.scalar(
        select(WorkOrderLine).where(
            WorkOrderLine.work_order_id == wo.id, WorkOrderLine.component_id == item.id
        )
    )
    drawn = line.qty_issued if line is not None else ZERO
    out = drawn - _returned_against(s, no, item.id)
    row = s.execute(
        select(Movement.location_id, Movement.batch_id)
        .join(Posting, Posting.id == Movement.posting_id)
        .where(Posting.doc_type == "wo", Posting.doc_id == no, Movement.item_id == item.id,
               Movement.qty < 0)
        .order_by(Movement.id)
        .limit(1)
    ).first()  # fmt: skip
    loc, batch = (row.location_id, row.batch_id) if row is not None else (
        default_location(s, wo.warehouse_id).id, None)  # fmt: skip
    plan = {"qty": str(qty), "user": me, "ref": no, "loc": loc, "batch": batch, "note": note}
    if qty <= out or ctx.actor.has("keeper"):
        return _post(ctx, s, item, plan, key, me)
    return _ask_keeper(ctx, s, item, plan, out, wo.warehouse_id, key)


def _issued_from(
    s: Session, item: Item, wh_id: int, mr: MaterialRequest | None
) -> tuple[int, int | None]:
    """The location (and batch) the request's stock left from; else the warehouse's default
    location and, for a batch-tracked item, the batch it last left this warehouse in."""
    stmt = select(Movement.location_id, Movement.batch_id).where(
        Movement.item_id == item.id, Movement.kind == MovementKind.ISSUE.value
    )
    if mr is not None:
        stmt = stmt.join(Posting, Posting.id == Movement.posting_id).where(
            Posting.doc_type == "mr", Posting.doc_id == doc_number("mr", mr.id)
        )
        row = s.execute(stmt.order_by(Movement.id).limit(1)).first()
        if row is not None:
            return row.location_id, row.batch_id
    last = s.execute(
        stmt.where(Movement.warehouse_id == wh_id).order_by(desc(Movement.id)).limit(1)
    ).first()
    batch = last.batch_id if last is not None and item.batch_tracked else None
    return default_location(s, wh_id).id, batch


def _where(s: Session, plan: dict[str, Any]) -> tuple[str, str]:
    loc = s.get_one(Location, plan["loc"])
    wh = s.get_one(Warehouse, loc.warehouse_id)
    place = wh.code if loc.code == "-" else f"{wh.code}/{loc.code}"
    batch = s.get(Batch, plan["batch"]) if plan.get("batch") else None
    return place, batch.lot if batch is not None else ""


def _post(ctx: Ctx, s: Session, item: Item, plan: dict[str, Any], key: str, me: int) -> Reply:
    qty = Decimal(plan["qty"])
    returner = int(plan["user"])
    mr_no = _ref(plan)
    result = ledger.post(
        s.connection(),
        ledger.Meta(
            idempotency_key=key,
            kind=RET,
            actor_id=returner,
            doc_type=RET,
            doc_id=mr_no,
            **ctx.origin.columns(),
            note=plan.get("note"),
        ),
        [ledger.Line(item.id, plan["loc"], qty, MovementKind.RETURN, plan.get("batch"))],
    )
    if result.already_done:
        done = s.scalar(select(Posting).where(Posting.idempotency_key == key))
        assert done is not None
        by = last_decision(s, RET, done.id)
        who = display_name(s, by.actor_id if by is not None else done.actor_id)
        at = local_time(ctx, done.created_at)
        return Reply.text(
            tm("ret.already", ctx.lang, who=who, at=at), ephemeral=True, key="ret.already"
        )
    place, lot = _where(s, plan)
    who = display_name(s, returner)
    batch = L("mv.return_batch", lot=lot) if lot else ""
    params = {
        "who": who,
        "qty": Q(qty, item.unit),
        "item": ItemLabel(item.code, item.name),
        "place": place,
        "batch": batch,
        "note": L("mv.note", note=plan["note"]) if plan.get("note") else "",
    }
    if me != returner:  # a keeper confirmed someone's return: recorded, and they are told
        decide(ctx, s, RET, result.posting_id, "confirm", qty=qty)
        told = Notice("ret.confirmed", {**params, "by": ctx.actor.display_name})
        routing.to_user(s, returner, told, f"{key}:told")
    keepers = [k for k in users_with_role(s, "keeper") if k.id not in (me, returner)]
    routing.to_people(s, keepers, Notice("mv.return_note", params), f"return:{result.posting_id}")
    return Reply.text(
        tm(
            "mv.returned",
            ctx.lang,
            qty=units.show_typed(qty, item.unit, _typed(plan), ctx.lang),
            item=item.code,
            place=place,
            who=who,
            batch=tm("mv.return_batch", ctx.lang, lot=lot) if lot else "",
        ),
        key="mv.returned",
    )


def _ask_keeper(
    ctx: Ctx, s: Session, item: Item, plan: dict[str, Any], out: Decimal, wh_id: int, key: str
) -> Reply:
    """More than is out to the returner (or nothing was issued to them): nothing is posted;
    the warehouse gets a card to confirm, the returner is told it waits and why. The card is
    keyed by the inbound message, so a redelivered message is not carded twice."""
    qty = Decimal(plan["qty"])
    place, lot = _where(s, plan)
    no = _ref(plan)
    why = (
        L("ret.why_more", no=no, out=Q(max(out, ZERO), item.unit))
        if no is not None
        else L("ret.why_none", item=item.code)
    )
    params = {
        "who": ctx.actor.display_name,
        "qty": Q(qty, item.unit),
        "item": ItemLabel(item.code, item.name),
        "place": place,
        "batch": L("mv.return_batch", lot=lot) if lot else "",
        "why": why,
        "note": L("mv.note", note=plan["note"]) if plan.get("note") else "",
    }
    action = token_for(s, RET, item.id, "confirm", plan)
    card = Notice("ret.card", params, (Act("ret.btn.confirm", action, {}, "primary"),))
    here = (ctx.origin.platform, ctx.origin.chat_id)
    reach = routing.to_warehouse(
        s, ctx.settings, wh_id, card, f"card:{key}", "keeper",
        skip=(plan["user"],), here=here,
    )  # fmt: skip
    return reach.tell(Notice("ret.waits", params)).render(ctx.lang, ctx.tz)


def _ref(plan: dict[str, Any]) -> str | None:
    """The document a planned return is against: a work order, or a material request."""
    if plan.get("ref"):
        return str(plan["ref"])
    return doc_number("mr", plan["mr"]) if plan.get("mr") else None


COMMANDS = {"return": return_stock}
ACTIONS = {(RET, "confirm"): confirm}
