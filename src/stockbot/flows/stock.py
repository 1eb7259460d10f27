"""`/stock <query>`: find the item a person means and show what the floor needs to know."""

from __future__ import annotations

from decimal import Decimal

import stockbot.messages.stock  # noqa: F401  (registers the catalogue)
from stockbot import units
from stockbot.flows.common import Refusal, resolve_item
from stockbot.flows.context import Ctx
from stockbot.i18n import item_text, t, tm
from stockbot.replies import Fields, Reply, Table, Text, bold, md_escape
from stockbot.store.quantities import StockCard, stock_card
from stockbot.store.types import fmt_qty
from stockbot.text import has_cjk
from stockbot.timeutil import local

CHOICES = 8


def lookup(ctx: Ctx, query: str) -> Reply:
    """The card of the item meant, or the choice between the closest ones (`resolve_item`:
    two items with the same name are asked, never picked; no exact match says so)."""
    query = query.strip()
    if not query:
        return Reply.text(t("stock.usage", ctx.lang))
    with ctx.db.read() as s:
        try:
            item = resolve_item(
                ctx,
                s,
                query,
                button_for=lambda item_id: f"stock:{item_id}",
                unknown_key="stock.none",
                choose_key="stock.choose",
                closest_key="item.closest",
                limit=CHOICES,
            )
        except Refusal as no:
            return no.reply
        return _card_reply(ctx, stock_card(s, item.id, ctx.settings.usage_window_days))


def show(ctx: Ctx, item_id: int) -> Reply:
    """The card for one item (a pressed "did you mean" choice)."""
    with ctx.db.read() as s:
        try:
            card = stock_card(s, item_id, ctx.settings.usage_window_days)
        except LookupError:
            return Reply.text(t("stock.gone", ctx.lang))
        return _card_reply(ctx, card)


def _card_reply(ctx: Ctx, card: StockCard) -> Reply:
    lang, item, q = ctx.lang, card.item, card.total
    unit = item.unit
    zh_name = next((a for a in item.aliases or () if has_cjk(a)), None)
    # names and specs are user text: escaped, so an item called *BOLD* shows its stars; and
    # shown in the reader's script (a 繁體 reader sees 軸承 where 轴承 was typed)
    title = f"{bold(item.code)} {md_escape(item_text(item.name, lang))}"
    if zh_name and zh_name != item.name:
        title += f" / {md_escape(item_text(zh_name, lang))}"
    if item.spec:
        title += f" — {md_escape(item_text(item.spec, lang))}"
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
    blocks.append(
        Fields(title=t("stock.quantities", lang, unit=units.unit_name(unit, lang)), rows=rows)
    )
    if item.units:
        conversions = ", ".join(
            units.show_conversion(u.unit, u.factor, unit, lang)
            for u in sorted(item.units, key=lambda u: u.factor)
        )
        blocks.append(Text(text=tm("stock.units", lang, units=conversions), key="stock.units"))
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
        at = local(m.at, ctx.tz, fmt="%Y-%m-%d %H:%M")
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


COMMANDS = {"stock": lambda ctx, cmd: lookup(ctx, cmd.query)}
DOC_COMMANDS: dict = {}
ACTIONS = {("item", "show"): lambda ctx, tok: show(ctx, tok.doc_id)}
REPLIES: dict = {}
