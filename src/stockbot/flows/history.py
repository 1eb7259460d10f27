"""Traceability: `/history <item | document | #movement>` — who did what, when, from which chat.

Read-only. An item shows its latest movements and quantities; a document its decisions and the
postings it made; a movement its posting, its lines and whether it was reversed. The shared
formatting (times in the chat's zone, signed quantities, document labels) lives here and
`flows.undo` uses it.
"""

from __future__ import annotations

import re
from datetime import datetime
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session

import stockbot.messages.audit  # noqa: F401  (registers the catalogue)
from stockbot.commands.parser import HistoryCmd
from stockbot.flows.common import (
    DOC_PREFIX,
    display_name,
    doc_number,
    fq,
    parse_doc,
    refuse,
    resolve_item,
    token_for,
)
from stockbot.flows.context import Ctx
from stockbot.flows.purchase_lines import lines_of, what
from stockbot.i18n import CATALOG, t, tm
from stockbot.replies import Fields, Reply, Table, Text
from stockbot.store.models import (
    Batch,
    CountSession,
    Decision,
    GoodsReceipt,
    Item,
    Location,
    MaterialRequest,
    Movement,
    Posting,
    PurchaseOrder,
    PurchaseOrderLine,
    PurchaseRequest,
    User,
    Warehouse,
)
from stockbot.store.quantities import quantities
from stockbot.store.types import fmt_qty
from stockbot.timeutil import as_utc, utcnow, zone

ITEM_ROWS = 15
MAX_ROWS = 20
UNDO = "undo"
_REF_RE = re.compile(r"^\s*(MV|PST)\s*[-#＃]?\s*0*(\d{1,18})\s*$", re.IGNORECASE)
_BARE_RE = re.compile(r"^\s*[#＃]?\s*(\d{1,18})\s*$")
REF_PREFIX = {"mv": "MV", "pst": "PST"}
"""One numbering people see: a movement is `MV-00042`, a posting `PST-00017`, a document
`MR-00001`. Movements and postings are separate sequences, so a bare `#17` would name two
different things — which is how a keeper once reversed an unrelated movement."""


def mv_no(movement_id: int) -> str:
    return f"MV-{movement_id:05d}"


def pst_no(posting_id: int) -> str:
    return f"PST-{posting_id:05d}"


def parse_ref(text: str, *, bare: bool = True) -> tuple[str, int] | None:
    """`MV-15228`, `mv15228` → ("mv", 15228); `PST-7` → ("pst", 7); a bare `15228` or `#15228`
    (the old way of writing it) only ever means a movement, and only when `bare`."""
    m = _REF_RE.match(text or "")
    if m:
        return m.group(1).lower(), int(m.group(2))
    m = _BARE_RE.match(text or "") if bare else None
    return ("mv", int(m.group(1))) if m else None


def t_or(key: str, lang: str, fallback: str, **params: Any) -> str:
    """A catalog text if the key exists (other flows register theirs), else `fallback`."""
    return t(key, lang, **params) if key in CATALOG else fallback


def when(zone: ZoneInfo, at: datetime | None, *, short: bool = False) -> str:
    """`HH:MM` today (when `short`), else `YYYY-MM-DD HH:MM`, in the chat's local time."""
    if at is None:
        return "-"
    local = as_utc(at).astimezone(zone)
    if short and local.date() == utcnow().astimezone(zone).date():
        return local.strftime("%H:%M")
    return local.strftime("%Y-%m-%d %H:%M")


def signed(qty: Decimal, unit: str, lang: str) -> str:
    return ("+" if qty > 0 else "") + fq(qty, unit, lang)


def doc_label(doc_type: str | None, doc_id: str | None) -> str:
    """How a posting names its document: `MR-00001`, `undo #7`, `import stock.csv`, or `-`."""
    if not doc_type:
        return "-"
    if doc_id and parse_doc(doc_id):
        return doc_id
    if doc_type in DOC_PREFIX and doc_id and doc_id.isdigit():
        return doc_number(doc_type, int(doc_id))
    if doc_type == UNDO and doc_id:
        return f"undo {pst_no(int(doc_id))}" if doc_id.isdigit() else f"undo {doc_id}"
    return f"{doc_type} {doc_id}" if doc_id else doc_type


def chat_label(platform: str | None, chat_id: str | None) -> str:
    return f"{platform}:{chat_id}" if platform and chat_id else "-"


def place(wh: str, loc: str, lot: str | None) -> str:
    place = wh if loc == "-" else f"{wh}/{loc}"
    return f"{place} · {lot}" if lot else place


def kind_label(lang: str, kind: str) -> str:
    """Movement kinds are localised by flows/stock.py (`kind.*`); posting kinds may add more."""
    return t_or(f"kind.{kind}", lang, t_or(f"hist.kind.{kind}", lang, kind))


# --- /undo --------------------------------------------------------------------------------------


def reversal_of(s: Session, movement_ids: list[int]) -> Movement | None:
    return s.scalar(
        select(Movement)
        .where(Movement.reverses_movement_id.in_(movement_ids))
        .order_by(Movement.id)
        .limit(1)
    )


# --- /history -----------------------------------------------------------------------------------


def history(ctx: Ctx, cmd: HistoryCmd) -> Reply:
    target = cmd.target.strip()
    parsed = parse_doc(target)
    if parsed is not None:
        return document_history(ctx, *parsed)
    ref = parse_ref(target, bare=target.lstrip().startswith(("#", "＃")))
    if ref is not None:  # a bare number stays an item lookup: codes such as `6204` exist
        return movement_history(ctx, *ref)
    return item_history(ctx, target)


def _find_item(ctx: Ctx, s: Session, query: str) -> Item:
    """`resolve_item`, whose "did you mean" choice continues with the history."""
    return resolve_item(
        ctx,
        s,
        query,
        choice=lambda ui, item_id: token_for(ui, "hist", item_id, "item"),
        unknown_key="hist.unknown",
        choose_key="hist.choose",
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
        here = zone(ctx.tz)
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
                    mv_no(r.Movement.id),
                    when(here, r.Movement.created_at),
                    kind_label(lang, r.Movement.kind),
                    signed(r.Movement.qty, r.unit, lang),
                    place(r.wh, r.loc, r.lot),
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
            on_hand=fq(on_hand, item.unit, lang),
        )
        return Reply.of(Text(text=title), table)


def movement_history(ctx: Ctx, kind: str, no: int) -> Reply:
    """A movement; a posting shows its first line (the others are listed with it)."""
    lang = ctx.lang
    with ctx.db.read() as s:
        where = Movement.id == no if kind == "mv" else Movement.posting_id == no
        rows = _movement_rows(s, where, 1 if kind == "mv" else MAX_ROWS)[:1]
        if not rows:
            raise refuse("undo.no_such", lang, no=f"{REF_PREFIX[kind]}-{no:05d}")
        here = zone(ctx.tz)
        r = rows[0]
        mv, posting = r.Movement, r.Posting
        fields = [
            (t("hist.f.posting", lang), f"{pst_no(posting.id)} ({kind_label(lang, posting.kind)})"),
            (t("hist.col.item", lang), r.item_code),
            (t("hist.col.kind", lang), kind_label(lang, mv.kind)),
            (t("hist.col.qty", lang), signed(mv.qty, r.unit, lang)),
            (t("hist.col.place", lang), place(r.wh, r.loc, r.lot)),
            (t("hist.col.who", lang), r.who or t("someone", lang)),
            (t("hist.col.when", lang), when(here, mv.created_at)),
            (t("hist.col.doc", lang), doc_label(posting.doc_type, posting.doc_id)),
            (t("hist.col.chat", lang), chat_label(posting.chat_platform, posting.chat_id)),
            (t("hist.f.message", lang), posting.message_id or "-"),
            (t("hist.f.note", lang), posting.note or "-"),
        ]
        if mv.reverses_movement_id is not None:
            fields.append((t("hist.f.reverses", lang), mv_no(mv.reverses_movement_id)))
        rev = reversal_of(s, [mv.id])
        if rev is not None:
            rp = s.get(Posting, rev.posting_id)
            assert rp is not None
            fields.append(
                (
                    t("hist.f.reversed_by", lang),
                    f"{mv_no(rev.id)} — {display_name(s, rp.actor_id)}, {when(here, rp.created_at)}"
                    + (f": {rp.note}" if rp.note else ""),
                )
            )
        others = s.scalars(
            select(Movement.id)
            .where(Movement.posting_id == posting.id, Movement.id != mv.id)
            .order_by(Movement.line_no)
        ).all()
        if others:
            fields.append((t("hist.f.same_posting", lang), ", ".join(mv_no(o) for o in others)))
        return Reply.of(Fields(title=t("hist.movement_title", lang, no=mv_no(mv.id)), rows=fields))


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


def _doc_summary(s: Session, doc: Any, lang: str) -> str:
    parts = []
    item_id = getattr(doc, "item_id", None)
    if item_id is not None:
        item = s.get(Item, item_id)
        if item is not None:
            parts.append(f"{item.code} {fq(doc.qty, item.unit, lang)}")
    if isinstance(doc, PurchaseRequest):
        parts.append(what(lines_of(s, [doc.id])[doc.id], lang))
    if isinstance(doc, PurchaseOrder):
        for line, item in s.execute(
            select(PurchaseOrderLine, Item)
            .join(Item, Item.id == PurchaseOrderLine.item_id)
            .where(PurchaseOrderLine.order_id == doc.id)
            .order_by(PurchaseOrderLine.id)
        ).all():
            parts.append(
                f"{item.code} {fmt_qty(line.qty_received)}/{fq(line.qty_ordered, item.unit, lang)}"
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
        here = zone(ctx.tz)
        pairs = _trail(s, doc_type, doc)
        labels = {pair: _doc_no(s, *pair) for pair in pairs}
        several = len(pairs) > 1
        state = getattr(doc, "state", "") or ""
        title = tm(
            "hist.doc_title",
            lang,
            no=labels[(doc_type, doc_id)],
            what=_doc_summary(s, doc, lang),
            state=t_or(f"state.{state}", lang, state),
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
            row = s.get(_MODELS[pair[0]], pair[1])
            item_id = getattr(row, "item_id", None)
            item = s.get(Item, item_id) if item_id else None
            if isinstance(row, PurchaseRequest):  # one item: its unit; several: no one unit
                bought = lines_of(s, [row.id])[row.id]
                item = bought[0][1] if len(bought) == 1 else None
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
                    when(here, d.created_at),
                    t_or(f"hist.act.{d.action}", lang, d.action)
                    + (f" (L{d.level})" if d.level and d.level > 1 else ""),
                    display_name(s, d.actor_id),
                    fq(d.qty, units.get(pair, ""), lang) if d.qty is not None else "-",
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
                    mv_no(r.Movement.id),
                    when(here, r.Movement.created_at),
                    kind_label(lang, r.Movement.kind),
                    r.item_code,
                    signed(r.Movement.qty, r.unit, lang),
                    place(r.wh, r.loc, r.lot),
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

COMMANDS = {"history": history}
ACTIONS = {("hist", "item"): lambda ctx, tok: item_history(ctx, "", item_id=tok.doc_id)}
