"""Reversal and traceability: `/undo <movement> <reason>` and `/history <item|document|#movement>`.

```
/undo #12 wrong item ──keeper/admin?──▶ movement's posting ──owned by a document (MR, GR, count,
                                               │                import)? ──▶ refused: use that
                                               │                             document's own flow
                                  already reversed? ──▶ "already reversed by X at …"
                                               │
                     ledger.reverse(all lines of the posting, key undo:<posting>) ──▶ refused by
                                               │                the ledger if stock would go < 0
                                               ▼
                              a `reversal` posting (doc_type "undo", doc_id = posting id)
```
The reversal posting is itself the audit record (who, when, which chat, the reason as its note),
so no decision row is written. A whole posting is reversed because a transfer's two lines only
make sense together. `/history` only reads.
"""

from __future__ import annotations

import re
from datetime import datetime
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session

from stockbot.commands.parser import HistoryCmd, UndoCmd
from stockbot.flows.common import (
    DOC_PREFIX,
    Refusal,
    actor_id,
    display_name,
    doc_number,
    fq,
    lock_item,
    notify_user,
    parse_doc,
    refuse,
    require,
    token_for,
)
from stockbot.flows.context import Ctx
from stockbot.i18n import CATALOG, register, t, tm
from stockbot.lookup.service import ItemSearch
from stockbot.replies import Button, Choice, Fields, Reply, Table, Text
from stockbot.store import ledger
from stockbot.store.models import (
    Batch,
    Chat,
    CountSession,
    Decision,
    GoodsReceipt,
    Item,
    Location,
    MaterialRequest,
    Movement,
    MovementKind,
    Posting,
    PurchaseOrder,
    PurchaseOrderLine,
    PurchaseRequest,
    User,
    Warehouse,
)
from stockbot.store.quantities import quantities
from stockbot.store.types import fmt_qty
from stockbot.timeutil import as_utc, utcnow

ZERO = Decimal(0)
UNDO = "undo"
ITEM_ROWS = 15
MAX_ROWS = 20
DOCUMENT_OWNED = {"mr", "gr", "po", "pr", "count", "wo", "import", "opening"}
"""Postings made by a document's flow: reversing them behind the document's back would leave
it claiming something the ledger no longer says (an MR "issued", a GR "accepted")."""
_MOVEMENT_RE = re.compile(r"^[#＃]\s*(\d{1,18})$")

register(
    {
        "undo.no_such": {
            "en": "There is no movement #{no}; nothing was changed.",
            "zh-Hans": "没有编号为 #{no} 的出入库记录，未做任何更改。",
        },
        "undo.of_reversal": {
            "en": "Movement #{no} is itself a reversal and cannot be undone; post a new "
            "movement instead. Nothing was changed.",
            "zh-Hans": "#{no} 本身就是冲销记录，不能再冲销；请另行录入新的出入库。未做任何更改。",
        },
        "undo.use_document": {
            "en": "Movement #{no} belongs to {doc}; correct it through that document "
            "(/cancel, a /return, or a new /count) so the document stays true. "
            "Nothing was changed.",
            "zh-Hans": "#{no} 属于单据 {doc}，请通过该单据处理（/cancel 取消、/return 退料或重新 "
            "/count 盘点），以保持单据与台账一致。未做任何更改。",
        },
        "undo.already": {
            "en": "Movement #{no} was already reversed by {who} at {at} (reversal #{rev}); "
            "nothing was changed.",
            "zh-Hans": "#{no} 已由 {who} 于 {at} 冲销（冲销记录 #{rev}），未做任何更改。",
        },
        "undo.reserved": {
            "en": "Undoing #{no} would leave {item} in {wh} at {after}, below the {reserved} "
            "reserved for approved requests; nothing was changed.",
            "zh-Hans": "冲销 #{no} 后 {item} 在 {wh} 只剩 {after}，"
            "低于已批准申请预留的 {reserved}，未做任何更改。",
        },
        "undo.done": {
            "en": "↩ Movement #{no} reversed by {who} at {at}: {reason}",
            "zh-Hans": "↩ #{no} 已由 {who} 于 {at} 冲销：{reason}",
        },
        "undo.lines": {"en": "Reversal posting #{posting}", "zh-Hans": "冲销过账 #{posting}"},
        "undo.notice": {
            "en": "↩ Your movement #{no} ({what}) was reversed by {who}: {reason}",
            "zh-Hans": "↩ 你录入的 #{no}（{what}）已被 {who} 冲销：{reason}",
        },
        "hist.none_item": {
            "en": "No movements for {item} yet.",
            "zh-Hans": "{item} 尚无出入库记录。",
        },
        "hist.item_title": {
            "en": "*{item}* {name} — last {n} movements (newest last); on hand {on_hand}",
            "zh-Hans": "*{item}* {name} — 最近 {n} 条出入库记录（最新在后）；在库 {on_hand}",
        },
        "hist.doc_title": {"en": "*{no}* {what} — {state}", "zh-Hans": "*{no}* {what} — {state}"},
        "hist.decisions": {"en": "Decisions", "zh-Hans": "审批与操作记录"},
        "hist.movements": {"en": "Movements", "zh-Hans": "出入库记录"},
        "hist.no_decisions": {
            "en": "No decisions recorded.",
            "zh-Hans": "没有操作记录。",
        },
        "hist.no_movements": {
            "en": "No stock has moved for this document.",
            "zh-Hans": "该单据尚无出入库记录。",
        },
        "hist.movement_title": {"en": "Movement #{no}", "zh-Hans": "出入库记录 #{no}"},
        "hist.choose": {
            "en": "Whose history — which item do you mean by “{query}”?",
            "zh-Hans": "查哪个物料的记录？“{query}”指的是：",
        },
        "hist.unknown": {
            "en": "I found no item, document or movement called “{query}”. Try an item code, "
            "a document number such as MR-00012, or a movement number such as #123.",
            "zh-Hans": "没有找到名为“{query}”的物料、单据或出入库记录。请输入物料编码、单号（如 "
            "MR-00012）或记录编号（如 #123）。",
        },
        "hist.col.no": {"en": "#", "zh-Hans": "编号"},
        "hist.col.when": {"en": "When", "zh-Hans": "时间"},
        "hist.col.kind": {"en": "Kind", "zh-Hans": "类型"},
        "hist.col.item": {"en": "Item", "zh-Hans": "物料"},
        "hist.col.qty": {"en": "Qty", "zh-Hans": "数量"},
        "hist.col.place": {"en": "Place", "zh-Hans": "位置"},
        "hist.col.who": {"en": "Who", "zh-Hans": "操作人"},
        "hist.col.doc": {"en": "Document", "zh-Hans": "单据"},
        "hist.col.chat": {"en": "Chat", "zh-Hans": "来源群聊"},
        "hist.col.action": {"en": "Action", "zh-Hans": "操作"},
        "hist.col.reason": {"en": "Reason", "zh-Hans": "原因"},
        "hist.f.posting": {"en": "Posting", "zh-Hans": "过账"},
        "hist.f.message": {"en": "Message", "zh-Hans": "消息"},
        "hist.f.note": {"en": "Note", "zh-Hans": "备注"},
        "hist.f.reverses": {"en": "Reverses", "zh-Hans": "冲销的记录"},
        "hist.f.reversed_by": {"en": "Reversed by", "zh-Hans": "已被冲销"},
        "hist.f.same_posting": {
            "en": "Other lines of the posting",
            "zh-Hans": "同一过账的其他记录",
        },
        "hist.act.request": {"en": "requested", "zh-Hans": "申请"},
        "hist.act.approve": {"en": "approved", "zh-Hans": "批准"},
        "hist.act.reject": {"en": "rejected", "zh-Hans": "驳回"},
        "hist.act.issue": {"en": "issued", "zh-Hans": "发料"},
        "hist.act.confirm": {"en": "confirmed receipt", "zh-Hans": "签收"},
        "hist.act.cancel": {"en": "cancelled", "zh-Hans": "取消"},
        "hist.act.receive": {"en": "received", "zh-Hans": "收货"},
        "hist.act.qc": {"en": "QC", "zh-Hans": "质检"},
        "hist.act.order": {"en": "ordered", "zh-Hans": "下单"},
        "hist.act.count": {"en": "counted", "zh-Hans": "盘点"},
        "hist.act.submit": {"en": "submitted", "zh-Hans": "提交"},
        "hist.act.grant": {"en": "granted role", "zh-Hans": "授予角色"},
        "hist.kind.opening": {"en": "opening stock", "zh-Hans": "期初库存"},
    }
)


# --- shared helpers -----------------------------------------------------------------------------


def _t_or(key: str, lang: str, fallback: str, **params: Any) -> str:
    """A catalog text if the key exists (other flows register theirs), else `fallback`."""
    return t(key, lang, **params) if key in CATALOG else fallback


def chat_zone(ctx: Ctx, s: Session) -> ZoneInfo:
    """The asking chat's timezone (bound chats carry one), else the configured one."""
    chat = s.scalar(
        select(Chat).where(
            Chat.platform == ctx.origin.platform, Chat.platform_chat_id == ctx.origin.chat_id
        )
    )
    for name in (chat.timezone if chat is not None else None, ctx.settings.timezone):
        if name:
            try:
                return ZoneInfo(name)
            except (ValueError, KeyError):
                continue
    return ZoneInfo("UTC")


def when(zone: ZoneInfo, at: datetime | None, *, short: bool = False) -> str:
    """`HH:MM` today (when `short`), else `YYYY-MM-DD HH:MM`, in the chat's local time."""
    if at is None:
        return "-"
    local = as_utc(at).astimezone(zone)
    if short and local.date() == utcnow().astimezone(zone).date():
        return local.strftime("%H:%M")
    return local.strftime("%Y-%m-%d %H:%M")


def signed(qty: Decimal, unit: str) -> str:
    return ("+" if qty > 0 else "") + fq(qty, unit)


def doc_label(doc_type: str | None, doc_id: str | None) -> str:
    """How a posting names its document: `MR-00001`, `undo #7`, `import stock.csv`, or `-`."""
    if not doc_type:
        return "-"
    if doc_id and parse_doc(doc_id):
        return doc_id
    if doc_type in DOC_PREFIX and doc_id and doc_id.isdigit():
        return doc_number(doc_type, int(doc_id))
    if doc_type == UNDO and doc_id:
        return f"undo #{doc_id}"
    return f"{doc_type} {doc_id}" if doc_id else doc_type


def chat_label(platform: str | None, chat_id: str | None) -> str:
    return f"{platform}:{chat_id}" if platform and chat_id else "-"


def _place(wh: str, loc: str, lot: str | None) -> str:
    place = wh if loc == "-" else f"{wh}/{loc}"
    return f"{place} · {lot}" if lot else place


def _kind(lang: str, kind: str) -> str:
    """Movement kinds are localised by flows/stock.py (`kind.*`); posting kinds may add more."""
    return _t_or(f"kind.{kind}", lang, _t_or(f"hist.kind.{kind}", lang, kind))


# --- /undo --------------------------------------------------------------------------------------


def undo(ctx: Ctx, cmd: UndoCmd) -> Reply:
    require(ctx, "keeper")
    raw = cmd.movement_id.strip().lstrip("#＃")
    if not raw.isdigit() or len(raw) > 18:
        raise refuse("undo.no_such", ctx.lang, no=cmd.movement_id)
    no = int(raw)
    reason = cmd.reason.strip()[:500]
    with ctx.db.write() as s:
        zone = chat_zone(ctx, s)
        mv = s.get(Movement, no)
        if mv is None:
            raise refuse("undo.no_such", ctx.lang, no=no)
        posting = s.get(Posting, mv.posting_id)
        assert posting is not None
        if (
            mv.kind == MovementKind.REVERSAL.value
            or posting.kind == MovementKind.REVERSAL.value
            or posting.doc_type == UNDO
        ):
            raise refuse("undo.of_reversal", ctx.lang, no=no)
        if posting.doc_type in DOCUMENT_OWNED or posting.kind == "opening":
            raise refuse(
                "undo.use_document",
                ctx.lang,
                no=no,
                doc=doc_label(posting.doc_type, posting.doc_id),
            )
        lines = s.scalars(
            select(Movement).where(Movement.posting_id == posting.id).order_by(Movement.line_no)
        ).all()
        ids = [m.id for m in lines]
        if _reversal_of(s, ids) is not None:
            raise _already(ctx, s, zone, no, ids)
        for item_id in sorted({m.item_id for m in lines}):
            lock_item(s, item_id)
        _keep_reservations_covered(ctx, s, no, lines)
        me = actor_id(ctx, s)
        try:
            result = ledger.reverse(
                s.connection(),
                ids,
                ledger.Meta(
                    idempotency_key=f"undo:{posting.id}",
                    kind=MovementKind.REVERSAL.value,
                    actor_id=me,
                    doc_type=UNDO,
                    doc_id=str(posting.id),
                    chat_platform=ctx.origin.platform,
                    chat_id=ctx.origin.chat_id,
                    message_id=ctx.origin.message_id,
                    note=reason,
                ),
            )
        except ledger.AlreadyReversed:
            raise _already(ctx, s, zone, no, ids) from None
        if result.already_done:  # a retried command, or a racing keeper who got there first
            raise _already(ctx, s, zone, no, ids)
        rev = s.get(Posting, result.posting_id)
        assert rev is not None
        items = {
            i.id: i for i in s.scalars(select(Item).where(Item.id.in_({m.item_id for m in lines})))
        }
        rows = [
            [
                f"#{mid}",
                _kind(ctx.lang, "reversal"),
                items[m.item_id].code,
                signed(-m.qty, items[m.item_id].unit),
            ]
            for mid, m in zip(result.movement_ids, lines, strict=True)
        ]
        done = tm(
            "undo.done",
            ctx.lang,
            no=no,
            who=ctx.actor.display_name,
            at=when(zone, rev.created_at, short=True),
            reason=reason,
        )
        if posting.actor_id is not None and posting.actor_id != me:
            what = ", ".join(
                f"{_kind(ctx.lang, m.kind)} {signed(m.qty, items[m.item_id].unit)} "
                f"{items[m.item_id].code}"
                for m in lines
            )
            notify_user(
                s,
                posting.actor_id,
                Reply.text(
                    tm(
                        "undo.notice",
                        ctx.lang,
                        no=no,
                        what=what,
                        who=ctx.actor.display_name,
                        reason=reason,
                    )
                ),
                f"undo:{posting.id}:notice",
            )
        return Reply.of(
            Text(text=done),
            Table(
                title=t("undo.lines", ctx.lang, posting=result.posting_id),
                headers=[
                    t("hist.col.no", ctx.lang),
                    t("hist.col.kind", ctx.lang),
                    t("hist.col.item", ctx.lang),
                    t("hist.col.qty", ctx.lang),
                ],
                rows=rows,
            ),
        )


def _reversal_of(s: Session, movement_ids: list[int]) -> Movement | None:
    return s.scalar(
        select(Movement)
        .where(Movement.reverses_movement_id.in_(movement_ids))
        .order_by(Movement.id)
        .limit(1)
    )


def _already(ctx: Ctx, s: Session, zone: ZoneInfo, no: int, ids: list[int]) -> Refusal:
    rev = _reversal_of(s, ids)
    if rev is None:  # cannot happen once the ledger said so; say it plainly anyway
        return refuse("undo.of_reversal", ctx.lang, no=no)
    posting = s.get(Posting, rev.posting_id)
    assert posting is not None
    return refuse(
        "undo.already",
        ctx.lang,
        no=no,
        who=display_name(s, posting.actor_id),
        at=when(zone, posting.created_at, short=True),
        rev=rev.id,
    )


def _keep_reservations_covered(ctx: Ctx, s: Session, no: int, lines: Any) -> None:
    """An undo may not take away stock that approved requests have reserved: on hand could
    stay ≥ 0 while *available* went negative, and the keeper could not issue what was promised.
    (Going below zero on hand is the ledger's refusal, with its own message.)"""
    delta: dict[tuple[int, int], Decimal] = {}
    for m in lines:
        delta[(m.item_id, m.warehouse_id)] = delta.get((m.item_id, m.warehouse_id), ZERO) - m.qty
    for (item_id, wh_id), change in sorted(delta.items()):
        if change >= 0:
            continue
        q = quantities(s, [item_id], wh_id)[item_id]
        if q.on_hand + change < 0 or q.available + change >= 0:
            continue
        item = s.get(Item, item_id)
        wh = s.get(Warehouse, wh_id)
        assert item is not None and wh is not None
        if item.allow_negative:
            continue
        raise refuse(
            "undo.reserved",
            ctx.lang,
            no=no,
            item=item.code,
            wh=wh.code,
            after=fq(q.on_hand + change, item.unit),
            reserved=fq(q.reserved, item.unit),
        )


# --- /history -----------------------------------------------------------------------------------


def history(ctx: Ctx, cmd: HistoryCmd) -> Reply:
    target = cmd.target.strip()
    parsed = parse_doc(target)
    if parsed is not None:
        return document_history(ctx, *parsed)
    m = _MOVEMENT_RE.match(target)
    if m:
        return movement_history(ctx, int(m.group(1)))
    return item_history(ctx, target)


def _find_item(ctx: Ctx, s: Session, query: str) -> Item:
    """Like `common.resolve_item`, but a "did you mean" choice continues with the history (the
    generic retry re-runs commands with an `item` field; `/history` has a `target`)."""
    hits = ItemSearch.of(ctx.db).search(s, query, limit=6)
    if not hits:
        raise refuse("hist.unknown", ctx.lang, query=query[:100])
    top = hits[0]
    if top.exact or len(hits) == 1 or top.score - hits[1].score >= 12:
        item = s.get(Item, top.item_id)
        if item is not None:
            return item
    ids = [h.item_id for h in hits]
    items = {i.id: i for i in s.scalars(select(Item).where(Item.id.in_(ids)))}
    with ctx.db.write() as ui:  # UI state, committed on its own (see resolve_item)
        options = [
            Button(
                label=f"{items[i].code} · {items[i].name}"[:75],
                action_id=token_for(ui, "hist", i, "item"),
            )
            for i in ids
            if i in items
        ]
    raise Refusal(
        Reply.of(Choice(prompt=tm("hist.choose", ctx.lang, query=query[:100]), options=options))
    )


def _movement_rows(s: Session, where: Any, limit: int) -> list[Any]:
    """Movements with everything a history line shows, newest last."""
    rows = s.execute(
        select(
            Movement,
            Posting,
            Item.code.label("item_code"),
            Item.unit.label("unit"),
            Warehouse.code.label("wh"),
            Location.code.label("loc"),
            Batch.lot.label("lot"),
            User.display_name.label("who"),
        )
        .join(Posting, Posting.id == Movement.posting_id)
        .join(Item, Item.id == Movement.item_id)
        .join(Warehouse, Warehouse.id == Movement.warehouse_id)
        .join(Location, Location.id == Movement.location_id)
        .outerjoin(Batch, Batch.id == Movement.batch_id)
        .outerjoin(User, User.id == Movement.actor_id)
        .where(where)
        .order_by(Movement.id.desc())
        .limit(limit)
    ).all()
    return list(reversed(rows))


def item_history(ctx: Ctx, query: str, item_id: int | None = None) -> Reply:
    lang = ctx.lang
    with ctx.db.read() as s:
        item = s.get(Item, item_id) if item_id is not None else _find_item(ctx, s, query)
        if item is None:
            raise refuse("stock.gone", lang)
        zone = chat_zone(ctx, s)
        rows = _movement_rows(s, Movement.item_id == item.id, ITEM_ROWS)
        if not rows:
            return Reply.text(tm("hist.none_item", lang, item=item.code))
        on_hand = quantities(s, [item.id])[item.id].on_hand
        table = Table(
            headers=[
                t("hist.col.no", lang),
                t("hist.col.when", lang),
                t("hist.col.kind", lang),
                t("hist.col.qty", lang),
                t("hist.col.place", lang),
                t("hist.col.who", lang),
                t("hist.col.doc", lang),
                t("hist.col.chat", lang),
            ],
            rows=[
                [
                    f"#{r.Movement.id}",
                    when(zone, r.Movement.created_at),
                    _kind(lang, r.Movement.kind),
                    signed(r.Movement.qty, r.unit),
                    _place(r.wh, r.loc, r.lot),
                    r.who or t("someone", lang),
                    doc_label(r.Posting.doc_type, r.Posting.doc_id),
                    chat_label(r.Posting.chat_platform, r.Posting.chat_id),
                ]
                for r in rows
            ],
        )
        title = tm(
            "hist.item_title",
            lang,
            item=item.code,
            name=item.name,
            n=len(rows),
            on_hand=fq(on_hand, item.unit),
        )
        return Reply.of(Text(text=title), table)


def movement_history(ctx: Ctx, no: int) -> Reply:
    lang = ctx.lang
    with ctx.db.read() as s:
        rows = _movement_rows(s, Movement.id == no, 1)
        if not rows:
            raise refuse("undo.no_such", lang, no=no)
        zone = chat_zone(ctx, s)
        r = rows[0]
        mv, posting = r.Movement, r.Posting
        fields = [
            (t("hist.f.posting", lang), f"#{posting.id} ({_kind(lang, posting.kind)})"),
            (t("hist.col.item", lang), r.item_code),
            (t("hist.col.kind", lang), _kind(lang, mv.kind)),
            (t("hist.col.qty", lang), signed(mv.qty, r.unit)),
            (t("hist.col.place", lang), _place(r.wh, r.loc, r.lot)),
            (t("hist.col.who", lang), r.who or t("someone", lang)),
            (t("hist.col.when", lang), when(zone, mv.created_at)),
            (t("hist.col.doc", lang), doc_label(posting.doc_type, posting.doc_id)),
            (t("hist.col.chat", lang), chat_label(posting.chat_platform, posting.chat_id)),
            (t("hist.f.message", lang), posting.message_id or "-"),
            (t("hist.f.note", lang), posting.note or "-"),
        ]
        if mv.reverses_movement_id is not None:
            fields.append((t("hist.f.reverses", lang), f"#{mv.reverses_movement_id}"))
        rev = _reversal_of(s, [mv.id])
        if rev is not None:
            rp = s.get(Posting, rev.posting_id)
            assert rp is not None
            fields.append(
                (
                    t("hist.f.reversed_by", lang),
                    f"#{rev.id} — {display_name(s, rp.actor_id)}, {when(zone, rp.created_at)}"
                    + (f": {rp.note}" if rp.note else ""),
                )
            )
        others = s.scalars(
            select(Movement.id)
            .where(Movement.posting_id == posting.id, Movement.id != mv.id)
            .order_by(Movement.line_no)
        ).all()
        if others:
            fields.append((t("hist.f.same_posting", lang), ", ".join(f"#{o}" for o in others)))
        return Reply.of(Fields(title=t("hist.movement_title", lang, no=no), rows=fields))


_MODELS: dict[str, Any] = {
    "mr": MaterialRequest,
    "pr": PurchaseRequest,
    "po": PurchaseOrder,
    "gr": GoodsReceipt,
    "count": CountSession,
}


def _doc_no(s: Session, doc_type: str, doc_id: int) -> str:
    """A document's number as people see it (purchase documents carry their own)."""
    model = _MODELS.get(doc_type)
    doc = s.get(model, doc_id) if model is not None else None
    number = getattr(doc, "number", None)
    return number if number and not number.startswith("~") else doc_number(doc_type, doc_id)


def _trail(s: Session, doc_type: str, doc: Any) -> list[tuple[str, int]]:
    """The documents whose decisions and movements make up this one's story: a purchase
    request, the order it became and the receipts against that order, in that order."""
    pairs: list[tuple[str, int]] = []
    orders: list[int] = []
    if doc_type == "pr":
        pairs.append(("pr", doc.id))
        orders = list(
            s.scalars(
                select(PurchaseOrder.id)
                .where(PurchaseOrder.request_id == doc.id)
                .order_by(PurchaseOrder.id)
            )
        )
    elif doc_type == "po":
        if doc.request_id is not None:
            pairs.append(("pr", doc.request_id))
        orders = [doc.id]
    else:
        return [(doc_type, doc.id)]
    for po_id in orders:
        pairs.append(("po", po_id))
        receipts = s.scalars(
            select(GoodsReceipt.id)
            .join(PurchaseOrderLine, PurchaseOrderLine.id == GoodsReceipt.po_line_id)
            .where(PurchaseOrderLine.order_id == po_id)
            .order_by(GoodsReceipt.id)
        )
        pairs.extend(("gr", gr_id) for gr_id in receipts)
    return pairs


def _doc_summary(s: Session, doc: Any) -> str:
    parts = []
    item_id = getattr(doc, "item_id", None)
    if item_id is not None:
        item = s.get(Item, item_id)
        if item is not None:
            parts.append(f"{item.code} {fq(doc.qty, item.unit)}")
    if isinstance(doc, PurchaseOrder):
        for line, item in s.execute(
            select(PurchaseOrderLine, Item)
            .join(Item, Item.id == PurchaseOrderLine.item_id)
            .where(PurchaseOrderLine.order_id == doc.id)
            .order_by(PurchaseOrderLine.id)
        ).all():
            parts.append(
                f"{item.code} {fmt_qty(line.qty_received)}/{fq(line.qty_ordered, item.unit)}"
            )
    scope = getattr(doc, "scope", None)
    if scope:
        parts.append(scope)
    who = getattr(doc, "requester_id", None) or getattr(doc, "requested_by", None)
    if who is not None:
        parts.append(display_name(s, who))
    return " · ".join(parts)


def document_history(ctx: Ctx, doc_type: str, doc_id: int) -> Reply:
    lang = ctx.lang
    with ctx.db.read() as s:
        doc = s.get(_MODELS[doc_type], doc_id)
        if doc is None:
            raise refuse("doc.unknown", lang, doc=doc_number(doc_type, doc_id))
        zone = chat_zone(ctx, s)
        pairs = _trail(s, doc_type, doc)
        labels = {pair: _doc_no(s, *pair) for pair in pairs}
        several = len(pairs) > 1
        state = getattr(doc, "state", "") or ""
        title = tm(
            "hist.doc_title",
            lang,
            no=labels[(doc_type, doc_id)],
            what=_doc_summary(s, doc),
            state=_t_or(f"state.{state}", lang, state),
        )
        blocks: list[Any] = [Text(text=title)]

        decisions = list(
            reversed(
                s.scalars(
                    select(Decision)
                    .where(
                        or_(
                            *(
                                and_(Decision.doc_type == dt, Decision.doc_id == di)
                                for dt, di in pairs
                            )
                        )
                    )
                    .order_by(Decision.id.desc())
                    .limit(MAX_ROWS)
                ).all()
            )
        )
        units: dict[tuple[str, int], str] = {}
        for pair in pairs:
            item_id = getattr(s.get(_MODELS[pair[0]], pair[1]), "item_id", None)
            item = s.get(Item, item_id) if item_id else None
            units[pair] = item.unit if item is not None else ""
        if decisions:
            headers = [
                t("hist.col.when", lang),
                t("hist.col.action", lang),
                t("hist.col.who", lang),
                t("hist.col.qty", lang),
                t("hist.col.reason", lang),
                t("hist.col.chat", lang),
            ]
            rows = []
            for d in decisions:
                pair = (d.doc_type, d.doc_id)
                row = [
                    when(zone, d.created_at),
                    _t_or(f"hist.act.{d.action}", lang, d.action)
                    + (f" (L{d.level})" if d.level and d.level > 1 else ""),
                    display_name(s, d.actor_id),
                    fq(d.qty, units.get(pair, "")) if d.qty is not None else "-",
                    (d.reason or "-")[:200],
                    chat_label(d.chat_platform, d.chat_id),
                ]
                if several:
                    row.append(labels.get(pair, "-"))
                rows.append(row)
            if several:
                headers.append(t("hist.col.doc", lang))
            blocks.append(Table(title=t("hist.decisions", lang), headers=headers, rows=rows))
        else:
            blocks.append(Text(text=t("hist.no_decisions", lang)))

        wanted = []
        for dt, di in pairs:
            keys = {doc_number(dt, di), str(di), labels[(dt, di)]}
            wanted.append(and_(Posting.doc_type == dt, Posting.doc_id.in_(sorted(keys))))
        posting_ids = s.scalars(select(Posting.id).where(or_(*wanted))).all()
        undo_ids = (
            s.scalars(
                select(Posting.id).where(
                    Posting.doc_type == UNDO, Posting.doc_id.in_([str(p) for p in posting_ids])
                )
            ).all()
            if posting_ids
            else []
        )
        found = (
            _movement_rows(s, Movement.posting_id.in_([*posting_ids, *undo_ids]), MAX_ROWS)
            if posting_ids
            else []
        )
        if found:
            headers = [
                t("hist.col.no", lang),
                t("hist.col.when", lang),
                t("hist.col.kind", lang),
                t("hist.col.item", lang),
                t("hist.col.qty", lang),
                t("hist.col.place", lang),
                t("hist.col.who", lang),
                t("hist.col.chat", lang),
            ]
            if several:
                headers.append(t("hist.col.doc", lang))
            rows = []
            for r in found:
                row = [
                    f"#{r.Movement.id}",
                    when(zone, r.Movement.created_at),
                    _kind(lang, r.Movement.kind),
                    r.item_code,
                    signed(r.Movement.qty, r.unit),
                    _place(r.wh, r.loc, r.lot),
                    r.who or t("someone", lang),
                    chat_label(r.Posting.chat_platform, r.Posting.chat_id),
                ]
                if several:
                    row.append(doc_label(r.Posting.doc_type, r.Posting.doc_id))
                rows.append(row)
            blocks.append(Table(title=t("hist.movements", lang), headers=headers, rows=rows))
        else:
            blocks.append(Text(text=t("hist.no_movements", lang)))
        return Reply.of(*blocks)


# --- wiring -------------------------------------------------------------------------------------

COMMANDS = {
    "undo": undo,
    "history": history,
}
DOC_COMMANDS: dict = {}
ACTIONS = {("hist", "item"): lambda ctx, tok: item_history(ctx, "", item_id=tok.doc_id)}
REPLIES: dict = {}
