"""Goods receipt (入库 / 到货确认): goods in, against a purchase order or not, through QC.

```
  /receive ──item needs no QC──▶ accepted: RECEIPT posted, PO line received += qty
      │
      └─item needs QC──▶ qc_pending (nothing posted: not available) ──QC──▶ accepted
                           │  "Accept all" / "Reject all…" (reason) /       partially_accepted
                           │  /qc GR-n <accepted> [reject <qty> <reason>]    rejected
                           ▼
                 only the accepted quantity is posted and counts as received on the PO
```
Against a PO the line must be open and for the same item; partial receipts are fine, but the
line's received quantity (plus what is still in QC) may not exceed the ordered quantity by more
than `settings.over_receipt_tolerance`. A line that is fully received closes, and the PO closes
with its last line, so the quantity stops counting as *on order*. The QC decision is a
conditional update from `qc_pending`, and the posting's idempotency key is the receipt's, so a
double click posts once and the second press is told who decided and when. The person who asked
for the purchase hears about every step through the outbox.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from stockbot.commands.parser import ReceiveCmd
from stockbot.flows import conversation
from stockbot.flows.common import (
    Refusal,
    actor_id,
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
from stockbot.flows.purchases import local_today
from stockbot.i18n import register, tm
from stockbot.replies import Buttons, Reply, Text
from stockbot.store import ledger
from stockbot.store.catalog import default_location, ensure_batch
from stockbot.store.db import rowcount
from stockbot.store.models import (
    DEFAULT_LOCATION,
    Batch,
    GoodsReceipt,
    Item,
    Location,
    MovementKind,
    PurchaseOrder,
    PurchaseOrderLine,
    PurchaseRequest,
    Warehouse,
)
from stockbot.store.types import fmt_qty

DOC = "gr"
ZERO = Decimal(0)
MAX_QTY = Decimal(10) ** 12
LOT_MAX = 64

register(
    {
        "gr.received": {
            "en": "📥 {no}: {qty} {item} received into {place}{batch}{po}.",
            "zh-Hans": "📥 {no}：{item} {qty} 已入库 {place}{batch}{po}。",
        },
        "gr.received_qc": {
            "en": "🧪 {no}: {qty} {item} received into {place}{batch}{po} — waiting for QC, "
            "not available until accepted.",
            "zh-Hans": "🧪 {no}：{item} {qty} 已到货 {place}{batch}{po}，待质检，合格前不可用。",
        },
        "gr.batch": {"en": " (batch {lot}{exp})", "zh-Hans": "（批次 {lot}{exp}）"},
        "gr.exp": {"en": ", expires {exp}", "zh-Hans": "，有效期至 {exp}"},
        "gr.po_progress": {
            "en": " against {po} — {received} of {ordered} received{closed}",
            "zh-Hans": "，采购单 {po} 已收 {received}/{ordered}{closed}",
        },
        "gr.po_against": {"en": " against {po}", "zh-Hans": "，采购单 {po}"},
        "gr.po_closed": {"en": "; {po} is complete", "zh-Hans": "，{po} 已全部到货"},
        "gr.qc_card": {
            "en": "🧪 QC needed: {no} — {qty} {item}{batch}{po}, received by {who}.",
            "zh-Hans": "🧪 待质检：{no} — {item} {qty}{batch}{po}，收货人 {who}。",
        },
        "gr.qc_hint": {
            "en": "To split: `/qc {no} <accepted> reject <qty> <reason>`",
            "zh-Hans": "部分合格：`/qc {no} <合格数量> reject <不合格数量> <原因>`",
        },
        "gr.qc_done": {
            "en": "{icon} {no} QC by {who} at {at}: {accepted} {item} accepted{rejected}{po}.",
            "zh-Hans": "{icon} {no} 已由 {who} 于 {at} 质检：{item} 合格 {accepted}"
            "{rejected}{po}。",
        },
        "gr.qc_rejected": {
            "en": ", {qty} rejected ({reason})",
            "zh-Hans": "，不合格 {qty}（{reason}）",
        },
        "gr.told_received": {
            "en": "📥 Your purchase {pr}: {qty} {item} received by {who} ({no}){po}.",
            "zh-Hans": "📥 你的采购申请 {pr}：{item} {qty} 已由 {who} 入库（{no}）{po}。",
        },
        "gr.told_qc": {
            "en": "🧪 Your purchase {pr}: {qty} {item} arrived ({no}, received by {who}) and "
            "waits for QC.",
            "zh-Hans": "🧪 你的采购申请 {pr}：{item} {qty} 已到货（{no}，收货人 {who}），"
            "等待质检。",
        },
        "gr.told_qc_done": {
            "en": "{icon} Your purchase {pr}: QC of {no} by {who} — {accepted} {item} "
            "accepted{rejected}{po}.",
            "zh-Hans": "{icon} 你的采购申请 {pr}：{no} 已由 {who} 质检，{item} 合格 {accepted}"
            "{rejected}{po}。",
        },
        "gr.on_order_left": {"en": "; {qty} still on order", "zh-Hans": "，仍有 {qty} 在途"},
        "gr.ask_reason": {
            "en": "Why is all of {no} ({qty} {item}) rejected? Your next message here is the "
            "reason.",
            "zh-Hans": "{no}（{item} {qty}）全部判为不合格的原因是？请在此回复原因。",
        },
        "gr.qc_sum": {
            "en": "{no} received {qty}: accepted + rejected must make {qty} (you gave {accepted} "
            "+ {rejected}). Nothing was changed.",
            "zh-Hans": "{no} 到货 {qty}：合格数量 + 不合格数量必须等于 {qty}（现为 {accepted} + "
            "{rejected}）。未做任何更改。",
        },
        "gr.qc_reason": {
            "en": "Rejected goods need a reason; nothing was changed.",
            "zh-Hans": "不合格需要填写原因，未做任何更改。",
        },
        "gr.already": {
            "en": "{no} was already {state} by {who} at {at}; nothing was changed.",
            "zh-Hans": "{no} 已由 {who} 于 {at} 判定为{state}，未做任何更改。",
        },
        "gr.closed": {
            "en": "{no} is {state} (no QC pending); nothing was changed.",
            "zh-Hans": "{no} 当前状态为{state}（无待质检），未做任何更改。",
        },
        "gr.state.qc_pending": {"en": "waiting for QC", "zh-Hans": "待质检"},
        "gr.state.accepted": {"en": "accepted", "zh-Hans": "合格"},
        "gr.state.partially_accepted": {"en": "partly accepted", "zh-Hans": "部分合格"},
        "gr.state.rejected": {"en": "rejected", "zh-Hans": "不合格"},
        "gr.no_po": {"en": "There is no purchase order {po}.", "zh-Hans": "没有采购单 {po}。"},
        "gr.po_not_open": {
            "en": "{po} is {state}; nothing can be received against it.",
            "zh-Hans": "采购单 {po} 状态为{state}，不能再收货。",
        },
        "gr.po_state.closed": {"en": "closed (fully received)", "zh-Hans": "已关闭（已全部到货）"},
        "gr.po_state.cancelled": {"en": "cancelled", "zh-Hans": "已取消"},
        "gr.po_other_item": {
            "en": "{po} is for {items}, not {item}; nothing was changed.",
            "zh-Hans": "采购单 {po} 的物料是 {items}，不是 {item}，未做任何更改。",
        },
        "gr.line_done": {
            "en": "{item} on {po} is already fully received ({received} of {ordered}).",
            "zh-Hans": "采购单 {po} 的 {item} 已全部到货（{received}/{ordered}）。",
        },
        "gr.over": {
            "en": "Too much for {po}: {ordered} {item} ordered, {received} already received"
            "{in_qc}; with the {tolerance}% tolerance it may take at most {most} now. "
            "Nothing was changed.",
            "zh-Hans": "超出采购单 {po}：订购 {item} {ordered}，已收 {received}{in_qc}；"
            "按 {tolerance}% 的允差，本次最多可收 {most}。未做任何更改。",
        },
        "gr.in_qc": {"en": " ({qty} more in QC)", "zh-Hans": "（另有 {qty} 待质检）"},
        "gr.no_loc": {
            "en": "{warehouse} has no location “{loc}”. Known locations: {known}.",
            "zh-Hans": "仓库 {warehouse} 没有库位“{loc}”。现有库位：{known}。",
        },
        "gr.no_locs": {
            "en": "none (leave out `loc` for the default)",
            "zh-Hans": "无（不写库位即用默认库位）",
        },
        "gr.lot_too_long": {
            "en": "A batch number may have at most {max} characters.",
            "zh-Hans": "批号最多 {max} 个字符。",
        },
        "gr.lot_expiry": {
            "en": "Batch {lot} of {item} is already recorded with expiry {old}, not {new}; "
            "nothing was changed.",
            "zh-Hans": "{item} 的批次 {lot} 已登记有效期 {old}，不是 {new}，未做任何更改。",
        },
        "gr.too_large": {
            "en": "{qty} {item} is too large to be right; nothing was changed.",
            "zh-Hans": "{item} {qty} 数量过大，未做任何更改。",
        },
        "gr.busy": {
            "en": "{po} changed while this was booked; nothing was changed. Please try again.",
            "zh-Hans": "采购单 {po} 刚被修改，未做任何更改，请重试。",
        },
        "gr.btn.accept": {"en": "Accept all", "zh-Hans": "全部合格"},
        "gr.btn.reject": {"en": "Reject all…", "zh-Hans": "全部不合格…"},
    }
)


# --- receiving --------------------------------------------------------------------------------


def receive(ctx: Ctx, cmd: ReceiveCmd) -> Reply:
    require(ctx, "keeper")
    retry = {"command": cmd.model_dump(mode="json")}
    lot = (cmd.batch or "").strip() or None
    if lot is not None and len(lot) > LOT_MAX:
        raise refuse("gr.lot_too_long", ctx.lang, max=LOT_MAX)
    with ctx.db.read() as s:
        item = resolve_item(ctx, s, cmd.item, retry)
        qty = base_qty(ctx, s, item, cmd.qty, cmd.unit)
        item_id = item.id
    with ctx.db.write() as s:
        item = s.get_one(Item, item_id)
        if qty > MAX_QTY:
            raise refuse("gr.too_large", ctx.lang, qty=fq(qty, item.unit), item=item.code)
        wh = warehouse_for(ctx, s)
        loc = _location(ctx, s, wh, cmd.loc)
        po, line = _po_line(ctx, s, cmd.po, item) if cmd.po else (None, None)
        lock_item(s, item.id)
        if po is not None and line is not None:
            _check_tolerance(ctx, s, po, line, item, qty)
        me = actor_id(ctx, s)
        qc = item.needs_qc
        gr = GoodsReceipt(
            item_id=item.id,
            warehouse_id=wh.id,
            location_id=loc.id,
            po_line_id=line.id if line else None,
            lot=lot,
            expiry=cmd.exp,
            qty=qty,
            qty_accepted=ZERO,
            qty_rejected=ZERO,
            state="qc_pending" if qc else "accepted",
            received_by=me,
            chat_platform=ctx.origin.platform,
            chat_id=ctx.origin.chat_id,
            message_id=ctx.origin.message_id,
        )
        s.add(gr)
        s.flush()
        no = doc_number(DOC, gr.id)
        batch_id = None
        if lot is not None or item.batch_tracked or cmd.exp is not None:
            gr.lot = lot or f"GR{gr.id:05d}"
            batch_id = _batch(ctx, s, item, gr.lot, cmd.exp, po).id
        decide(ctx, s, DOC, gr.id, "receive", qty=qty, reason=cmd.note)
        place = _place(wh, loc)
        batch_text = _batch_text(ctx, gr.lot, gr.expiry)
        who = ctx.actor.display_name
        requester = _requester(s, po)
        if qc:
            po_text = tm("gr.po_against", ctx.lang, po=po.number) if po else ""
            card = _qc_card(ctx, s, gr, item, no, batch_text, po_text, who)
            for keeper in users_with_role(s, "keeper"):
                if keeper.id != me:
                    notify_user(s, keeper.id, card, f"{no}:qc-card:{keeper.id}")
            if requester is not None:
                told = tm(
                    "gr.told_qc",
                    ctx.lang,
                    pr=requester.number,
                    qty=fq(qty, item.unit),
                    item=item.code,
                    no=no,
                    who=who,
                )
                _tell(s, requester, told, f"{no}:told:arrived")
            text = tm(
                "gr.received_qc",
                ctx.lang,
                no=no,
                qty=fq(qty, item.unit),
                item=item.code,
                place=place,
                batch=batch_text,
                po=po_text,
            )
            return Reply.of(Text(text=text), *card.blocks[1:])
        gr.qty_accepted = qty
        s.flush()
        _post(ctx, s, gr, item, qty, batch_id, line, cmd.note)
        po_text = _add_to_line(ctx, s, line, qty) if line else ""
        if requester is not None:
            told = tm(
                "gr.told_received",
                ctx.lang,
                pr=requester.number,
                qty=fq(qty, item.unit),
                item=item.code,
                who=who,
                no=no,
                po=_on_order_left(ctx, s, line, item),
            )
            _tell(s, requester, told, f"{no}:told:received")
        return Reply.text(
            tm(
                "gr.received",
                ctx.lang,
                no=no,
                qty=fq(qty, item.unit),
                item=item.code,
                place=place,
                batch=batch_text,
                po=po_text,
            )
        )


def _location(ctx: Ctx, s: Session, wh: Warehouse, code: str | None) -> Location:
    """`loc <code>` in this warehouse (exact, else case-insensitive); none → the default."""
    if code is None or not code.strip():
        return default_location(s, wh.id)
    code = code.strip()
    locs = s.scalars(select(Location).where(Location.warehouse_id == wh.id)).all()
    exact = [x for x in locs if x.code == code] or [
        x for x in locs if x.code.lower() == code.lower()
    ]
    if len(exact) == 1:
        return exact[0]
    known = sorted(x.code for x in locs if x.code != DEFAULT_LOCATION)
    raise refuse(
        "gr.no_loc",
        ctx.lang,
        warehouse=wh.code,
        loc=code[:64],
        known=", ".join(known[:30]) or tm("gr.no_locs", ctx.lang),
    )


def _place(wh: Warehouse, loc: Location) -> str:
    return wh.code if loc.code == DEFAULT_LOCATION else f"{wh.code}/{loc.code}"


def _po_id(ctx: Ctx, text: str) -> int:
    """`PO-00003`, `po3`, or just `3`."""
    raw = text.strip()
    if raw.isdigit() and len(raw) <= 9:
        return int(raw)
    parsed = parse_doc(raw)
    if parsed is None or parsed[0] != "po":
        raise refuse("gr.no_po", ctx.lang, po=raw[:64])
    return parsed[1]


def _lock_po(s: Session, po_id: int) -> None:
    """Receipts against one PO queue up (PostgreSQL row lock), so closing the PO with its last
    line is decided by one receipt at a time; SQLite's writers are serial already."""
    if s.get_bind().dialect.name == "postgresql":
        s.execute(select(PurchaseOrder.id).where(PurchaseOrder.id == po_id).with_for_update())


def _po_line(
    ctx: Ctx, s: Session, text: str, item: Item
) -> tuple[PurchaseOrder, PurchaseOrderLine]:
    po_id = _po_id(ctx, text)
    _lock_po(s, po_id)
    po = s.get(PurchaseOrder, po_id)
    if po is None:
        raise refuse("gr.no_po", ctx.lang, po=doc_number("po", po_id))
    if po.state != "open":
        state = tm(f"gr.po_state.{po.state}", ctx.lang)
        raise refuse("gr.po_not_open", ctx.lang, po=po.number, state=state)
    lines = s.scalars(
        select(PurchaseOrderLine)
        .where(PurchaseOrderLine.order_id == po.id)
        .order_by(PurchaseOrderLine.id)
    ).all()
    mine = [x for x in lines if x.item_id == item.id]
    if not mine:
        codes = s.scalars(select(Item.code).where(Item.id.in_({x.item_id for x in lines}))).all()
        raise refuse(
            "gr.po_other_item",
            ctx.lang,
            po=po.number,
            items=", ".join(sorted(codes)) or "—",
            item=item.code,
        )
    open_lines = [x for x in mine if x.state == "open"]
    if not open_lines:
        raise refuse(
            "gr.line_done",
            ctx.lang,
            item=item.code,
            po=po.number,
            received=fq(sum((x.qty_received for x in mine), ZERO), item.unit),
            ordered=fq(sum((x.qty_ordered for x in mine), ZERO), item.unit),
        )
    return po, open_lines[0]


def _in_qc(s: Session, line_id: int) -> Decimal:
    """Quantity already delivered against a line but still waiting for QC."""
    total = s.scalar(
        select(func.sum(GoodsReceipt.qty)).where(
            GoodsReceipt.po_line_id == line_id, GoodsReceipt.state == "qc_pending"
        )
    )
    return total or ZERO


def _check_tolerance(
    ctx: Ctx, s: Session, po: PurchaseOrder, line: PurchaseOrderLine, item: Item, qty: Decimal
) -> None:
    tolerance = ctx.settings.over_receipt_tolerance
    ceiling = line.qty_ordered * (1 + tolerance)
    in_qc = _in_qc(s, line.id)
    if line.qty_received + in_qc + qty <= ceiling:
        return
    most = max(ZERO, ceiling - line.qty_received - in_qc)
    raise refuse(
        "gr.over",
        ctx.lang,
        po=po.number,
        item=item.code,
        ordered=fq(line.qty_ordered, item.unit),
        received=fq(line.qty_received, item.unit),
        in_qc=tm("gr.in_qc", ctx.lang, qty=fq(in_qc, item.unit)) if in_qc else "",
        tolerance=fmt_qty(tolerance * 100),
        most=fq(most, item.unit),
    )


def _batch(
    ctx: Ctx, s: Session, item: Item, lot: str, exp: date | None, po: PurchaseOrder | None
) -> Batch:
    batch = ensure_batch(
        s,
        item.id,
        lot,
        received_on=local_today(ctx),
        expiry=exp,
        supplier_id=po.supplier_id if po else None,
    )
    if exp is not None and batch.expiry is not None and batch.expiry != exp:
        raise refuse(
            "gr.lot_expiry",
            ctx.lang,
            lot=lot,
            item=item.code,
            old=batch.expiry.isoformat(),
            new=exp.isoformat(),
        )
    return batch


def _batch_text(ctx: Ctx, lot: str | None, exp: date | None) -> str:
    if lot is None:
        return ""
    exp_text = tm("gr.exp", ctx.lang, exp=exp.isoformat()) if exp is not None else ""
    return tm("gr.batch", ctx.lang, lot=lot, exp=exp_text)


def _requester(s: Session, po: PurchaseOrder | None) -> PurchaseRequest | None:
    """The purchase request behind a PO, when it has a requester to tell."""
    if po is None or po.request_id is None:
        return None
    pr = s.get(PurchaseRequest, po.request_id)
    return pr if pr is not None and pr.requested_by is not None else None


def _tell(s: Session, pr: PurchaseRequest, text: str, key: str) -> None:
    if pr.requested_by is not None:
        notify_user(s, pr.requested_by, Reply.text(text), key)


def _qc_card(
    ctx: Ctx,
    s: Session,
    gr: GoodsReceipt,
    item: Item,
    no: str,
    batch_text: str,
    po_text: str,
    who: str,
) -> Reply:
    text = tm(
        "gr.qc_card",
        ctx.lang,
        no=no,
        qty=fq(gr.qty, item.unit),
        item=item.code,
        batch=batch_text,
        po=po_text,
        who=who,
    )
    return Reply.of(
        Text(text=text),
        Buttons(
            buttons=[
                button(s, tm("gr.btn.accept", ctx.lang), DOC, gr.id, "accept", style="primary"),
                button(s, tm("gr.btn.reject", ctx.lang), DOC, gr.id, "reject", style="danger"),
            ]
        ),
        Text(text=tm("gr.qc_hint", ctx.lang, no=no)),
    )


def _post(
    ctx: Ctx,
    s: Session,
    gr: GoodsReceipt,
    item: Item,
    qty: Decimal,
    batch_id: int | None,
    line: PurchaseOrderLine | None,
    note: str | None,
) -> None:
    """The one stock movement of a receipt: keyed by the receipt, so it is posted once."""
    no = doc_number(DOC, gr.id)
    ledger.post(
        s.connection(),
        ledger.Meta(
            idempotency_key=f"gr:{gr.id}:receipt",
            kind=MovementKind.RECEIPT.value,
            actor_id=actor_id(ctx, s),
            doc_type=DOC,
            doc_id=no,
            chat_platform=ctx.origin.platform,
            chat_id=ctx.origin.chat_id,
            message_id=ctx.origin.message_id,
            note=note,
        ),
        [
            ledger.Line(
                item.id,
                gr.location_id,
                qty,
                MovementKind.RECEIPT,
                batch_id,
                unit_cost=line.unit_price if line is not None else item.unit_cost,
            )
        ],
    )


def _add_to_line(ctx: Ctx, s: Session, line: PurchaseOrderLine, qty: Decimal) -> str:
    """Count `qty` as received on the PO line; close the line when it is complete and the PO
    with its last line. Returns the PO progress for the reply."""
    s.refresh(line)
    before = line.qty_received
    after = before + qty
    full = after >= line.qty_ordered
    po = s.get(PurchaseOrder, line.order_id)
    assert po is not None
    won = rowcount(
        s.execute(
            update(PurchaseOrderLine)
            .where(PurchaseOrderLine.id == line.id, PurchaseOrderLine.qty_received == before)
            .values(qty_received=after, state="closed" if full else line.state)
            .execution_options(synchronize_session=False)
        )
    )
    if won != 1:
        raise refuse("gr.busy", ctx.lang, po=po.number)
    s.refresh(line)
    closed = ""
    if full:
        still_open = s.scalar(
            select(func.count())
            .select_from(PurchaseOrderLine)
            .where(PurchaseOrderLine.order_id == po.id, PurchaseOrderLine.state == "open")
        )
        if not still_open:
            s.execute(
                update(PurchaseOrder)
                .where(PurchaseOrder.id == po.id, PurchaseOrder.state == "open")
                .values(state="closed")
                .execution_options(synchronize_session=False)
            )
            s.refresh(po)
            closed = tm("gr.po_closed", ctx.lang, po=po.number)
    item = s.get(Item, line.item_id)
    unit = item.unit if item is not None else ""
    return tm(
        "gr.po_progress",
        ctx.lang,
        po=po.number,
        received=fq(line.qty_received, unit),
        ordered=fq(line.qty_ordered, unit),
        closed=closed,
    )


def _on_order_left(ctx: Ctx, s: Session, line: PurchaseOrderLine | None, item: Item) -> str:
    if line is None:
        return ""
    s.refresh(line)
    po = s.get(PurchaseOrder, line.order_id)
    assert po is not None
    left = line.qty_ordered - line.qty_received
    if line.state == "open" and left > 0:
        return tm("gr.on_order_left", ctx.lang, qty=fq(left, item.unit))
    return tm("gr.po_closed", ctx.lang, po=po.number)


# --- QC -----------------------------------------------------------------------------------------


def _load(ctx: Ctx, s: Session, gr_id: int) -> tuple[GoodsReceipt, Item, str]:
    gr = s.get(GoodsReceipt, gr_id)
    if gr is None:
        raise refuse("doc.unknown", ctx.lang, doc=doc_number(DOC, gr_id))
    item = s.get(Item, gr.item_id)
    assert item is not None
    return gr, item, doc_number(DOC, gr.id)


def _already(ctx: Ctx, s: Session, gr: GoodsReceipt) -> Refusal:
    """Why no QC happened: who decided it, and when."""
    s.refresh(gr)
    no = doc_number(DOC, gr.id)
    state = tm(f"gr.state.{gr.state}", ctx.lang)
    last = last_decision(s, DOC, gr.id)
    if last is not None and last.action == "qc":
        return refuse(
            "gr.already",
            ctx.lang,
            no=no,
            state=state,
            who=display_name(s, last.actor_id),
            at=local_time(ctx, last.created_at),
        )
    return refuse("gr.closed", ctx.lang, no=no, state=state)


def _gr_id(ctx: Ctx, doc: str) -> int:
    parsed = parse_doc(doc)
    if parsed is None or parsed[0] != DOC:
        raise refuse("doc.unknown", ctx.lang, doc=doc[:64])
    return parsed[1]


def ask_reject_reason(ctx: Ctx, gr_id: int) -> Reply:
    """ "Reject all…": the next message from this keeper in this chat is the reason."""
    require(ctx, "keeper")
    with ctx.db.write() as s:
        gr, item, no = _load(ctx, s, gr_id)
        if gr.state != "qc_pending":
            raise _already(ctx, s, gr)
        conversation.expect(ctx, s, "gr_reject_reason", gr.id)
        return Reply(
            blocks=[
                Text(
                    text=tm(
                        "gr.ask_reason", ctx.lang, no=no, qty=fq(gr.qty, item.unit), item=item.code
                    )
                )
            ],
            asks=True,
        )


def qc(
    ctx: Ctx,
    gr_id: int,
    accept: Decimal | None,
    reject: Decimal | None,
    reason: str | None = None,
    *,
    answering: bool = False,
) -> Reply:
    """Record the QC result. `accept=None` means "all that is not rejected", `reject=None`
    "all that is not accepted" (the buttons); the typed form gives both."""
    require(ctx, "keeper")
    reason = (reason or "").strip()[:500] or None
    with ctx.db.write() as s:
        if answering:  # the reason came as the answer to "why?": that question is settled
            conversation.clear(ctx, s)
        gr, item, no = _load(ctx, s, gr_id)
        if gr.state != "qc_pending":
            refusal = _already(ctx, s, gr)
            if answering:  # keep the cleared question cleared, and say why nothing happened
                return refusal.reply
            raise refusal
        if accept is None:
            accept = gr.qty - (reject or ZERO)
        if reject is None:
            reject = gr.qty - accept
        if accept < 0 or reject < 0 or accept + reject != gr.qty:
            raise refuse(
                "gr.qc_sum",
                ctx.lang,
                no=no,
                qty=fq(gr.qty, item.unit),
                accepted=fmt_qty(accept),
                rejected=fmt_qty(reject),
            )
        if reject > 0 and not reason:
            raise refuse("gr.qc_reason", ctx.lang)
        state = "accepted" if reject == 0 else "rejected" if accept == 0 else "partially_accepted"
        line = s.get(PurchaseOrderLine, gr.po_line_id) if gr.po_line_id else None
        if line is not None:
            _lock_po(s, line.order_id)
        lock_item(s, item.id)
        if not transition(
            s,
            GoodsReceipt,
            gr.id,
            ("qc_pending",),
            state=state,
            qty_accepted=accept,
            qty_rejected=reject,
            reject_reason=reason if reject > 0 else None,
        ):
            raise _already(ctx, s, gr)
        po_text = ""
        if accept > 0:
            batch_id = None
            if gr.lot is not None:
                batch_id = s.scalar(
                    select(Batch.id).where(Batch.item_id == item.id, Batch.lot == gr.lot)
                )
            _post(ctx, s, gr, item, accept, batch_id, line, None)
            if line is not None:
                po_text = _add_to_line(ctx, s, line, accept)
        elif line is not None:
            po = s.get(PurchaseOrder, line.order_id)
            po_text = tm("gr.po_against", ctx.lang, po=po.number) if po else ""
        d = decide(ctx, s, DOC, gr.id, "qc", qty=accept, reason=reason if reject > 0 else None)
        icon = {"accepted": "✅", "partially_accepted": "⚠️", "rejected": "❌"}[state]
        rejected = (
            tm("gr.qc_rejected", ctx.lang, qty=fq(reject, item.unit), reason=reason)
            if reject > 0
            else ""
        )
        po = s.get(PurchaseOrder, line.order_id) if line is not None else None
        requester = _requester(s, po)
        if requester is not None:
            told = tm(
                "gr.told_qc_done",
                ctx.lang,
                icon=icon,
                pr=requester.number,
                no=no,
                who=ctx.actor.display_name,
                accepted=fq(accept, item.unit),
                item=item.code,
                rejected=rejected,
                po=_on_order_left(ctx, s, line, item),
            )
            _tell(s, requester, told, f"{no}:told:qc")
        return Reply.text(
            tm(
                "gr.qc_done",
                ctx.lang,
                icon=icon,
                no=no,
                who=ctx.actor.display_name,
                at=local_time(ctx, d.created_at),
                accepted=fq(accept, item.unit),
                item=item.code,
                rejected=rejected,
                po=po_text,
            )
        )


# --- wiring -----------------------------------------------------------------------------------

COMMANDS = {
    "receive": lambda ctx, cmd: receive(ctx, cmd),
    "qc": lambda ctx, cmd: qc(ctx, _gr_id(ctx, cmd.doc), cmd.accept, cmd.reject, cmd.reason),
}
DOC_COMMANDS = {  # `/reject GR-n <reason>`: the whole receipt fails QC
    ("reject", DOC): lambda ctx, cmd, doc_id: qc(ctx, doc_id, ZERO, None, cmd.reason),
}
ACTIONS = {
    (DOC, "accept"): lambda ctx, tok: qc(ctx, tok.doc_id, None, ZERO),
    (DOC, "reject"): lambda ctx, tok: ask_reject_reason(ctx, tok.doc_id),
}
REPLIES = {
    "gr_reject_reason": lambda ctx, conv, text: qc(
        ctx, conv.doc_id, ZERO, None, text, answering=True
    )
}
