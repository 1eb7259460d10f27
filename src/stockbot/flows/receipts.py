"""Goods receipt (入库 / 到货确认): goods in, against a purchase order or not, through QC.

```
  /receive ──item needs no QC──▶ accepted: RECEIPT posted, PO line received += qty
      │
      └─item needs QC──▶ qc_pending (nothing posted: not available)
                           │ accept  "Accept all"                        ──▶ accepted
                           │ reject  "Reject all…" → "why?" / `/reject GR-n <reason>` ──▶ rejected
                           │ qc      `/qc GR-n <accepted> [reject <qty> <reason>]`
                           ▼                         ──▶ accepted / partially_accepted / rejected
                 only the accepted quantity is posted and counts as received on the PO
```
The graph is `WF` below (`flows.workflow`): every QC step is a keeper's (admins included; the
receiver may decide QC too, as before), from `qc_pending` only. The mechanism gives the load by
number, "already accepted by Carol at 10:00" for a second press, the reason question of a
pressed Reject (closed once even when someone else decided meanwhile) and the dispatch of
buttons, `/reject GR-n …` and answers. What a receipt means for the books — location, PO line,
over-receipt tolerance, batches, the posting — is in `flows.receipt_lines`.

The QC card goes to the warehouse by the routing rule (`flows.routing`): its bound chats, else
the keepers other than the receiver directly; when nobody else can be reached the receiver's
reply says so. The person who asked for the purchase hears about every step; every notice is a
message key rendered for its reader at delivery.
"""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy.orm import Session

import stockbot.messages.receipts  # noqa: F401  (registers the catalogue)
from stockbot.commands.parser import ReceiveCmd
from stockbot.flows import receipt_lines as lines
from stockbot.flows import routing
from stockbot.flows.common import (
    actor_id,
    decide,
    item_and_qty,
    lock_item,
    locked_item,
    require,
    token_for,
    typed_qty,
    warehouse_for,
)
from stockbot.flows.context import Ctx
from stockbot.flows.notices import Act, At, ItemLabel, L, Notice, Q
from stockbot.flows.workflow import Input, Workflow
from stockbot.replies import Reply
from stockbot.store.models import (
    GoodsReceipt,
    Item,
    PurchaseOrder,
    PurchaseOrderLine,
    User,
    Warehouse,
)

ZERO = Decimal(0)
MAX_QTY = Decimal(10) ** 12
LOT_MAX = 64
QC = ("qc_pending",)
KEEPER = ("keeper",)
ICON = {"accepted": "✅", "partially_accepted": "⚠️", "rejected": "❌"}

WF = Workflow("gr", "GR", GoodsReceipt, requester_attr="received_by", silent_actions=("receive",))
DOC = WF.doc_type


# --- receiving --------------------------------------------------------------------------------


def receive(ctx: Ctx, cmd: ReceiveCmd) -> Reply:
    require(ctx, *KEEPER)
    lot = (cmd.batch or "").strip() or None
    if lot is not None and len(lot) > LOT_MAX:
        raise lines.refusal(ctx, "gr.lot_too_long", max=LOT_MAX)
    item_id, qty = item_and_qty(ctx, cmd)
    with ctx.db.write() as s:
        # the PO is locked before the item, as QC takes them; without a PO, one statement
        item = s.get(Item, item_id) if cmd.po else locked_item(s, item_id)
        assert item is not None
        if qty > MAX_QTY:
            raise lines.refusal(ctx, "gr.too_large", qty=Q(qty, item.unit), item=item.code)
        wh = warehouse_for(ctx, s)
        loc = lines.location(ctx, s, wh, cmd.loc)
        po, line = lines.po_line(ctx, s, cmd.po, item) if cmd.po else (None, None)
        if po is not None and line is not None:
            lock_item(s, item.id)
            lines.check_tolerance(ctx, s, po, line, item, qty)
        qc = item.needs_qc
        gr = GoodsReceipt(
            item_id=item.id,
            warehouse_id=wh.id,
            location_id=loc.id,
            po_line_id=line.id if line else None,
            lot=lot,
            expiry=cmd.exp,
            qty=qty,
            qty_accepted=ZERO if qc else qty,  # accepted as it is inserted: no UPDATE after
            qty_rejected=ZERO,
            state="qc_pending" if qc else "accepted",
            received_by=actor_id(ctx, s),
            **ctx.origin.columns(),
        )
        s.add(gr)
        s.flush()
        batch = None
        if lot is not None or item.batch_tracked or cmd.exp is not None:
            gr.lot = lot or f"GR{gr.id:05d}"
            batch = lines.batch(ctx, s, item, gr.lot, cmd.exp, po).id
        decide(ctx, s, DOC, gr.id, "receive", qty=qty, reason=cmd.note)
        no = WF.number(gr.id)
        who = ctx.actor.display_name
        params = {
            "no": no,
            "qty": typed_qty(cmd, qty, item.unit),
            "item": ItemLabel(item.code, item.name),
            "place": lines.place(wh, loc),
            "batch": lines.batch_text(gr.lot, gr.expiry),
        }
        told = {"no": no, "qty": Q(qty, item.unit), "item": params["item"], "who": who}
        if qc:
            po_text = L("gr.po_against", po=po.number) if po else ""
            card = _qc_card(s, gr, item, {**params, "po": po_text, "who": who})
            _tell_requester(s, po, Notice("gr.told_qc", told), f"{no}:told:arrived")
            reply = Notice("gr.received_qc", {**params, "po": po_text}, card.buttons)
            routed = _route_qc(ctx, s, gr, card, reply.then("gr.qc_hint", no=no))
            return routed.render(ctx.lang, ctx.tz).naming({no: gr.state})
        posting = lines.post(ctx, s, gr, item, qty, batch, line, cmd.note, loc.warehouse_id)
        po_text = lines.add_to_line(ctx, s, line, qty) if line else ""
        left = lines.on_order_left(s, line, item)
        _tell_requester(
            s, po, Notice("gr.told_received", {**told, "po": left}), f"{no}:told:received"
        )
        done = Notice("gr.received", {**params, "po": po_text}).render(ctx.lang, ctx.tz)
        return done.naming({no: gr.state}, (posting,))


def _qc_card(s: Session, gr: GoodsReceipt, item: Item, params: dict[str, object]) -> Notice:
    buttons = (
        Act("gr.btn.accept", token_for(s, DOC, gr.id, "accept"), style="primary"),
        Act("gr.btn.reject", token_for(s, DOC, gr.id, "reject"), style="danger"),
    )
    card = {k: params[k] for k in ("no", "qty", "item", "batch", "po", "who")}
    return Notice("gr.qc_card", card, buttons).then("gr.qc_hint", no=params["no"])


def _route_qc(ctx: Ctx, s: Session, gr: GoodsReceipt, card: Notice, reply: Notice) -> Notice:
    """The QC card to the warehouse: its bound chats (the one the receiver typed in sees the
    reply), else the keepers other than the receiver; else the receiver is told nobody else
    was — they hold the buttons themselves, so the receipt is not stuck."""
    here = (ctx.origin.platform, ctx.origin.chat_id)
    no = WF.number(gr.id)
    reach = routing.to_warehouse(
        s,
        ctx.settings,
        gr.warehouse_id,
        card,
        f"{no}:qc-card",
        "keeper",
        skip=[gr.received_by],
        here=here,
    )
    wh = s.get(Warehouse, gr.warehouse_id)
    reach.nobody = Notice("gr.nobody_else", {"wh": wh.code if wh else "?"})
    return reach.tell(reply)


def _tell_requester(s: Session, po: PurchaseOrder | None, notice: Notice, dedupe: str) -> None:
    """The person who asked for the purchase, in their own language, wherever they are."""
    pr = lines.purchase_request(s, po)
    requester = s.get(User, pr.requested_by) if pr is not None and pr.requested_by else None
    if pr is not None and requester is not None:
        notice = Notice(notice.key, {**notice.params, "pr": pr.number}, notice.buttons)
        routing.to_user(s, requester, notice, dedupe)


# --- QC ---------------------------------------------------------------------------------------


@WF.step("accept", source=QC, roles=KEEPER)
def accept(ctx: Ctx, s: Session, gr: GoodsReceipt, inp: Input) -> Reply:
    """ "Accept all": everything delivered is good."""
    return _decide(ctx, s, gr, None, ZERO, None)


@WF.step(
    "reject",
    source=QC,
    roles=KEEPER,
    asks_reason=True,
    reason_required=True,
    done_key="gr.done.reject",
)
def reject(ctx: Ctx, s: Session, gr: GoodsReceipt, inp: Input) -> Reply:
    """ "Reject all…" (asks why) or `/reject GR-n <reason>`: nothing is posted."""
    return _decide(ctx, s, gr, ZERO, None, inp.reason)


@WF.step("qc", source=QC, roles=KEEPER)
def qc(ctx: Ctx, s: Session, gr: GoodsReceipt, inp: Input) -> Reply:
    """`/qc GR-n <accepted> [reject <qty> <reason>]`: the split, which must add up."""
    cmd = inp.cmd
    reason = (getattr(cmd, "reason", None) or "").strip()[:500] or None
    return _decide(ctx, s, gr, cmd.accept, cmd.reject, reason)


def _decide(
    ctx: Ctx,
    s: Session,
    gr: GoodsReceipt,
    accept: Decimal | None,
    reject: Decimal | None,
    reason: str | None,
) -> Reply:
    """Record the QC result and post what was accepted. `accept=None` means "all that is not
    rejected", `reject=None` "all that is not accepted" (the buttons); `/qc` gives both."""
    item = s.get(Item, gr.item_id)
    assert item is not None
    no = WF.number(gr.id)
    if accept is None:
        accept = gr.qty - (reject or ZERO)
    if reject is None:
        reject = gr.qty - accept
    if accept < 0 or reject < 0 or accept + reject != gr.qty:
        raise lines.refusal(
            ctx,
            "gr.qc_sum",
            no=no,
            qty=Q(gr.qty, item.unit),
            accepted=Q(accept),
            rejected=Q(reject),
        )
    if reject > 0 and not reason:
        raise lines.refusal(ctx, "gr.qc_reason")
    state = "accepted" if reject == 0 else "rejected" if accept == 0 else "partially_accepted"
    line = s.get(PurchaseOrderLine, gr.po_line_id) if gr.po_line_id else None
    if line is not None:
        lines.lock_po(s, line.order_id)
    lock_item(s, item.id)
    why = reason if reject > 0 else None
    # The one QC decision, whichever step took it: a second press is told who decided.
    d = WF.move(
        ctx,
        s,
        gr,
        "qc",
        state,
        qty=accept,
        reason=why,
        qty_accepted=accept,
        qty_rejected=reject,
        reject_reason=why,
    )
    po_text: object = lines.po_against(s, line)
    if accept > 0:
        lines.post(ctx, s, gr, item, accept, lines.batch_id(s, gr), line, None)
        if line is not None:
            po_text = lines.add_to_line(ctx, s, line, accept)
    rejected = L("gr.qc_rejected", qty=Q(reject, item.unit), reason=reason) if reject > 0 else ""
    result = {
        "icon": ICON[state],
        "no": no,
        "who": ctx.actor.display_name,
        "accepted": Q(accept, item.unit),
        "item": ItemLabel(item.code, item.name),
        "rejected": rejected,
    }
    po = s.get(PurchaseOrder, line.order_id) if line is not None else None
    told = Notice("gr.told_qc_done", {**result, "po": lines.on_order_left(s, line, item)})
    _tell_requester(s, po, told, f"{no}:told:qc")
    done = Notice("gr.qc_done", {**result, "at": At(d.created_at), "po": po_text})
    return done.render(ctx.lang, ctx.tz)


# --- wiring -----------------------------------------------------------------------------------
# Buttons (`accept`, `reject`), `/reject GR-n <reason>` and the answer to "why?" reach `WF`
# through the runtime; only the commands that are not a generic step are listed here.

COMMANDS = {
    "receive": lambda ctx, cmd: receive(ctx, cmd),
    "qc": lambda ctx, cmd: WF.act(ctx, WF.id_of(ctx, cmd.doc), "qc", Input(cmd=cmd)),
}
