"""`/stock <query>`: find the item a person means and show what the floor needs to know."""

from __future__ import annotations

from decimal import Decimal
from zoneinfo import ZoneInfo

from stockbot.flows.context import Ctx
from stockbot.i18n import register, t
from stockbot.lookup.service import ItemSearch
from stockbot.replies import Button, Choice, Fields, Reply, Table, Text
from stockbot.store.models import Item
from stockbot.store.quantities import StockCard, stock_card
from stockbot.store.types import fmt_qty
from stockbot.timeutil import as_utc

CHOICES = 8
CLEAR_LEAD = 12.0
"""A best hit this many points ahead of the next is the one meant: show its card directly."""

register(
    {
        "stock.usage": {
            "en": "Usage: /stock <code, name or spec>",
            "zh-Hans": "用法：/stock <编码、名称或规格>",
        },
        "stock.none": {
            "en": "No item matches “{query}”.",
            "zh-Hans": "没有找到与“{query}”匹配的物料。",
        },
        "stock.choose": {
            "en": "Several items match “{query}” — which one?",
            "zh-Hans": "有多个物料匹配“{query}”，请选择：",
        },
        "stock.gone": {"en": "That item no longer exists.", "zh-Hans": "该物料已不存在。"},
        "stock.quantities": {"en": "Quantities ({unit})", "zh-Hans": "数量（{unit}）"},
        "qty.on_hand": {"en": "On hand", "zh-Hans": "在库"},
        "qty.reserved": {"en": "Reserved", "zh-Hans": "已预留"},
        "qty.available": {"en": "Available", "zh-Hans": "可用"},
        "qty.on_order": {"en": "On order", "zh-Hans": "在途"},
        "qty.projected": {"en": "Projected", "zh-Hans": "预计可用"},
        "qty.thresholds": {"en": "Safety stock / reorder point", "zh-Hans": "安全库存 / 再订货点"},
        "qty.days_cover": {"en": "Days of cover", "zh-Hans": "可用天数"},
        "qty.days_cover_value": {
            "en": "{days} days (uses {usage}/day)",
            "zh-Hans": "{days} 天（日均用量 {usage}）",
        },
        "qty.below_reorder": {"en": "⚠ below reorder point", "zh-Hans": "⚠ 低于再订货点"},
        "stock.by_warehouse": {"en": "By warehouse", "zh-Hans": "按仓库"},
        "stock.by_location": {"en": "By location", "zh-Hans": "按库位"},
        "stock.batches": {
            "en": "Batches on hand (oldest first)",
            "zh-Hans": "在库批次（先进先出）",
        },
        "col.warehouse": {"en": "Warehouse", "zh-Hans": "仓库"},
        "col.location": {"en": "Location", "zh-Hans": "库位"},
        "col.batch": {"en": "Batch", "zh-Hans": "批次"},
        "col.received": {"en": "Received", "zh-Hans": "入库日期"},
        "col.expiry": {"en": "Expiry", "zh-Hans": "有效期"},
        "col.qty": {"en": "Qty", "zh-Hans": "数量"},
        "stock.last": {
            "en": "Last movement: {kind} {qty} by {actor} at {at} ({warehouse})",
            "zh-Hans": "最近一次：{kind} {qty}，{actor}，{at}（{warehouse}）",
        },
        "stock.never": {"en": "No movements yet.", "zh-Hans": "尚无出入库记录。"},
        "kind.receipt": {"en": "receipt", "zh-Hans": "入库"},
        "kind.issue": {"en": "issue", "zh-Hans": "发料"},
        "kind.return": {"en": "return", "zh-Hans": "退料"},
        "kind.transfer_out": {"en": "transfer out", "zh-Hans": "调出"},
        "kind.transfer_in": {"en": "transfer in", "zh-Hans": "调入"},
        "kind.adjustment": {"en": "adjustment", "zh-Hans": "盘点调整"},
        "kind.reversal": {"en": "reversal", "zh-Hans": "冲销"},
        "someone": {"en": "someone", "zh-Hans": "某人"},
    }
)


def lookup(ctx: Ctx, query: str) -> Reply:
    query = query.strip()
    if not query:
        return Reply.text(t("stock.usage", ctx.lang))
    with ctx.db.read() as s:
        hits = ItemSearch.of(ctx.db).search(s, query, limit=CHOICES)
        if not hits:
            return Reply.text(t("stock.none", ctx.lang, query=query))
        clear = len(hits) == 1 or hits[0].exact or hits[0].score - hits[1].score >= CLEAR_LEAD
        if clear:
            return _card_reply(ctx, stock_card(s, hits[0].item_id, ctx.settings.usage_window_days))
        items = {i.id: i for i in s.query(Item).filter(Item.id.in_([h.item_id for h in hits]))}
        options = [
            Button(label=_label(items[h.item_id]), action_id=f"stock:{h.item_id}")
            for h in hits
            if h.item_id in items
        ]
        return Reply.of(Choice(prompt=t("stock.choose", ctx.lang, query=query), options=options))


def show(ctx: Ctx, item_id: int) -> Reply:
    """The card for one item (a pressed "did you mean" choice)."""
    with ctx.db.read() as s:
        try:
            card = stock_card(s, item_id, ctx.settings.usage_window_days)
        except LookupError:
            return Reply.text(t("stock.gone", ctx.lang))
        return _card_reply(ctx, card)


def _label(item: Item) -> str:
    text = f"{item.code} · {item.name}"
    if item.spec:
        text += f" · {item.spec}"
    return text[:75]


def _card_reply(ctx: Ctx, card: StockCard) -> Reply:
    lang, item, q = ctx.lang, card.item, card.total
    unit = item.unit
    zh_name = next((a for a in item.aliases or () if _has_cjk(a)), None)
    title = f"*{item.code}* {item.name}"
    if zh_name and zh_name != item.name:
        title += f" / {zh_name}"
    if item.spec:
        title += f" — {item.spec}"
    blocks: list = [Text(text=title)]
    rows = [
        (t("qty.on_hand", lang), fmt_qty(q.on_hand)),
        (t("qty.reserved", lang), fmt_qty(q.reserved)),
        (t("qty.available", lang), fmt_qty(q.available)),
        (t("qty.on_order", lang), fmt_qty(q.on_order)),
        (t("qty.projected", lang), fmt_qty(q.projected)),
    ]
    thresholds = f"{fmt_qty(item.safety_stock)} / {fmt_qty(item.reorder_point)}"
    if item.reorder_point > 0 and q.projected <= item.reorder_point:
        thresholds += f"  {t('qty.below_reorder', lang)}"
    rows.append((t("qty.thresholds", lang), thresholds))
    if card.days_of_cover is not None and card.daily_usage is not None:
        usage = fmt_qty(card.daily_usage.quantize(Decimal("0.01")))
        rows.append(
            (
                t("qty.days_cover", lang),
                t("qty.days_cover_value", lang, days=card.days_of_cover, usage=usage),
            )
        )
    blocks.append(Fields(title=t("stock.quantities", lang, unit=unit), rows=rows))
    if len(card.per_warehouse) > 1:
        blocks.append(
            Table(
                title=t("stock.by_warehouse", lang),
                headers=[
                    t("col.warehouse", lang),
                    t("qty.on_hand", lang),
                    t("qty.reserved", lang),
                    t("qty.available", lang),
                ],
                rows=[
                    [wh, fmt_qty(w.on_hand), fmt_qty(w.reserved), fmt_qty(w.available)]
                    for wh, w in card.per_warehouse.items()
                ],
            )
        )
    if any(p.location != "-" for p in card.places):
        blocks.append(
            Table(
                title=t("stock.by_location", lang),
                headers=[t("col.warehouse", lang), t("col.location", lang), t("col.qty", lang)],
                rows=[[p.warehouse, p.location, fmt_qty(p.on_hand)] for p in card.places],
            )
        )
    if card.batches:
        blocks.append(
            Table(
                title=t("stock.batches", lang),
                headers=[
                    t("col.batch", lang),
                    t("col.received", lang),
                    t("col.expiry", lang),
                    t("col.warehouse", lang),
                    t("col.qty", lang),
                ],
                rows=[
                    [
                        b.lot,
                        b.received_on.isoformat(),
                        b.expiry.isoformat() if b.expiry else "-",
                        b.warehouse,
                        fmt_qty(b.on_hand),
                    ]
                    for b in card.batches[:10]
                ],
            )
        )
    if card.last_movement is not None:
        m = card.last_movement
        at = as_utc(m.at).astimezone(_zone(ctx.tz)).strftime("%Y-%m-%d %H:%M")
        sign = "+" if m.qty > 0 else ""
        blocks.append(
            Text(
                text=t(
                    "stock.last",
                    lang,
                    kind=t(f"kind.{m.kind}", lang),
                    qty=f"{sign}{fmt_qty(m.qty)}",
                    actor=m.actor or t("someone", lang),
                    at=at,
                    warehouse=m.warehouse,
                )
            )
        )
    else:
        blocks.append(Text(text=t("stock.never", lang)))
    return Reply.of(*blocks)


def _zone(name: str) -> ZoneInfo:
    return ZoneInfo(name)


def _has_cjk(text: str) -> bool:
    return any("\u4e00" <= ch <= "\u9fff" for ch in text)


COMMANDS = {"stock": lambda ctx, cmd: lookup(ctx, cmd.query)}
DOC_COMMANDS: dict = {}
ACTIONS = {("item", "show"): lambda ctx, tok: show(ctx, tok.doc_id)}
REPLIES: dict = {}
