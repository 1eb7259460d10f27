"""Telling people about shortage warnings: one card per item, a "back above" note, or one
digest when many come at once — each a `Notice` stored as keys and parameters and rendered
for its reader (the chat's language, or the person's) at delivery.

Who hears: the chats bound to the item's warehouse; else the chats bound to the default
warehouse (one chat for the whole factory is the common setup); else the keepers and
purchasers directly; else the admins. When nobody can be reached the outcome says so
(`Outcome.unreached`), and `/shortages` tells the person who asked.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

import stockbot.messages.alerts  # noqa: F401  (registers the catalogue)
from stockbot import reports
from stockbot.config import Settings
from stockbot.flows import routing
from stockbot.flows.alert_rules import (
    REASONS,
    STOCK,
    ZERO,
    AlertRow,
    Outcome,
    label,
    severity,
    why,
)
from stockbot.flows.common import token_for
from stockbot.flows.notices import Act, Day, Each, Grid, L, Notice, Q
from stockbot.store import ledger
from stockbot.store.models import (
    Balance,
    Batch,
    Chat,
    Item,
    ItemDaily,
    MaterialRequest,
    PurchaseOrder,
    PurchaseOrderLine,
    User,
    Warehouse,
)
from stockbot.store.quantities import Quantities, days_of_cover, quantities

DOC = "alert"
DIGEST_ROWS = 25


@dataclass(slots=True)
class ItemInfo:
    """What a card shows about one item, looked up only for what is shown."""

    item: Item
    q: Quantities
    cover: Decimal | None
    waiting: tuple[int, Decimal]
    suggested: Decimal
    batches: dict[str, tuple[str, Any, Decimal]] = field(default_factory=dict)
    lines: dict[str, tuple[str, Any, Decimal]] = field(default_factory=dict)
    today: date | None = None
    """The factory's calendar day the card was built on (days to expiry count from it)."""

    @property
    def label(self) -> Any:
        return label(self.item.code, self.item.name)


# --- the messages ----------------------------------------------------------------------------


def card(s: Session, info: ItemInfo, rows: Sequence[AlertRow], now: datetime) -> Notice:
    """One item's warning: the numbers, and Request purchase / Snooze / Acknowledge."""
    item, q, unit = info.item, info.q, info.item.unit
    fields: list[tuple[Any, Any]] = [
        (L("alert.f.available"), Q(q.available, unit)),
        (L("alert.f.on_order"), Q(q.on_order, unit)),
    ]
    if q.requested:
        fields.append((L("alert.f.requested"), Q(q.requested, unit)))
    n, left = info.waiting
    fields += [
        (L("alert.f.projected"), Q(q.projected, unit)),
        (
            L("alert.f.thresholds"),
            L("alert.thresholds", safety=Q(item.safety_stock), rop=Q(item.reorder_point, unit)),
        ),
        (
            L("alert.f.cover"),
            L("alert.days", n=str(info.cover)) if info.cover is not None else "-",
        ),
        (L("alert.f.lead"), L("alert.days", n=item.lead_time_days)),
        (
            L("alert.f.waiting"),
            L("alert.waiting", n=n, qty=Q(left, unit)) if n else L("alert.none"),
        ),
    ]
    today = info.today or now.date()
    for r in rows:
        if r.reason == "expiring" and r.ref in info.batches:
            lot, expiry, on_hand = info.batches[r.ref]
            fields.append(
                (
                    L("alert.f.batch", lot=lot),
                    L("alert.batch_line", qty=Q(on_hand, unit), date=Day(expiry)),
                )
            )
        if r.reason == "overdue_po" and r.ref in info.lines:
            po, expected, left_po = info.lines[r.ref]
            late = (today - expected).days if expected else 0
            date = Day(expected) if expected else "-"
            fields.append((po, L("alert.po_line", qty=Q(left_po, unit), date=date, late=late)))
    buys = any(r.reason in (*STOCK, "cover") for r in rows) and info.suggested > 0
    if buys:
        fields.append((L("alert.f.suggested"), Q(info.suggested, unit)))
    ids = sorted(r.id for r in rows)
    buttons = []
    if buys:
        payload = {"qty": str(info.suggested)}
        buy = token_for(s, "item", item.id, "purchase", payload)
        buttons.append(Act("alert.btn.purchase", buy, {"qty": Q(info.suggested, unit)}, "primary"))
    buttons += [
        Act("alert.btn.snooze", token_for(s, DOC, ids[0], "snooze", {"ids": ids})),
        Act("alert.btn.ack", token_for(s, DOC, ids[0], "acknowledge", {"ids": ids})),
    ]
    title = {"item": info.label, "why": why(r.reason for r in rows)}
    return Notice("alert.title", title, tuple(buttons), grid=Grid(tuple(fields)))


def back_note(info: ItemInfo) -> Notice:
    item = info.item
    if item.reorder_point > 0:
        return Notice("alert.back", {"item": info.label, "qty": Q(info.q.projected, item.unit)})
    return Notice("alert.back_safety", {"item": info.label, "qty": Q(info.q.available, item.unit)})


def digest(
    cards: list[tuple[ItemInfo, list[AlertRow]]],
    n_cards: int,
    back: list[ItemInfo],
    n_back: int,
) -> Notice:
    """Many warnings as one message: a table of the worst (`cards`, of `n_cards` in all) and
    the items back in stock."""
    lines: list[tuple[str, dict[str, Any]]] = []
    grid = None
    if n_cards:
        lines.append(("alert.digest.title", {"n": n_cards}))
        headers = tuple(
            L(f"alert.h.{h}") for h in ("item", "why", "available", "projected", "suggested")
        )
        rows = tuple(
            (
                info.label,  # the renderer clips long names with a mark
                why(r.reason for r in rs),
                Q(info.q.available, info.item.unit),
                Q(info.q.projected, info.item.unit),
                Q(info.suggested, info.item.unit) if info.suggested > 0 else "-",
            )
            for info, rs in cards
        )
        grid = Grid(rows, headers)
        if n_cards > len(cards):
            lines.append(("alert.digest.more", {"n": n_cards - len(cards)}))
    if n_back:
        names: Any = Each([i.label for i in back])
        if n_back > len(back):
            names = L("alert.digest.back_more", items=names, n=n_back - len(back))
        lines.append(("alert.digest.back", {"items": names}))
    (key, params), more = lines[0], tuple(lines[1:])
    return Notice(key, params, more=more, grid=grid)


# --- who hears -------------------------------------------------------------------------------


Reader = Chat | User


def audiences(
    s: Session, settings: Settings, warehouse_ids: set[int | None]
) -> dict[int | None, list[Reader]]:
    """Who hears about each warehouse (see the module docstring); an empty list: nobody."""
    by_wh: dict[int, list[Reader]] = defaultdict(list)
    for c in s.scalars(select(Chat).where(Chat.warehouse_id.is_not(None)).order_by(Chat.id)):
        by_wh[c.warehouse_id].append(c)  # type: ignore[index]
    default_wh = s.scalar(select(Warehouse.id).where(Warehouse.code == settings.default_warehouse))
    out: dict[int | None, list[Reader]] = {}
    people: list[Reader] | None = None
    for wh in warehouse_ids:
        got = by_wh.get(wh) if wh is not None else None
        if not got and default_wh is not None:
            got = by_wh.get(default_wh)
        if not got:
            if people is None:
                people = list(
                    routing.holders(s, "keeper", "purchaser") or routing.holders(s, "admin")
                )
            got = people
        out[wh] = got
    return out


def _send(s: Session, reader: Reader, notice: Notice, dedupe: str) -> bool:
    if isinstance(reader, Chat):
        routing.enqueue(
            s, reader.platform, reader.platform_chat_id, notice, f"{dedupe}:c{reader.id}"
        )
        return True
    return routing.to_user(s, reader, notice, f"{dedupe}:u{reader.id}")


def _stamp(kind: str, now: datetime, *ids: int) -> str:
    """A dedupe key for one announcement: what it is, the alerts it is about, and when."""
    digest_ids = hashlib.sha1(",".join(map(str, sorted(ids))).encode()).hexdigest()[:12]
    return f"alert:{kind}:{now.isoformat()}:{digest_ids}"


def announce(s: Session, settings: Settings, outcome: Outcome, now: datetime) -> int:
    """Queue the cards (one per item and reader), the "back above" notes, or one digest per
    reader when there are more than `alert_digest_over` of them. Returns messages queued.
    Only what is shown is looked up, so a first scan opening thousands of alerts stays cheap."""
    by_item: dict[int, list[AlertRow]] = defaultdict(list)
    for r in outcome.announced:
        by_item[r.item_id].append(r)
    back_items = [i for i in outcome.recovered if i not in by_item]
    if not by_item and not back_items:
        return 0
    closed: dict[int, list[AlertRow]] = defaultdict(list)
    for r in outcome.closed:
        closed[r.item_id].append(r)

    def wh_of(item_id: int) -> int | None:
        for r in (*by_item.get(item_id, ()), *closed.get(item_id, ())):
            if r.warehouse_id is not None:
                return r.warehouse_id
        return None

    def ids_of(item_id: int) -> list[int]:
        return [r.id for r in (*by_item.get(item_id, ()), *closed.get(item_id, ()))]

    item_wh = {i: wh_of(i) for i in (*by_item, *back_items)}
    readers = audiences(s, settings, set(item_wh.values()))
    outcome.unreached |= {wh for wh, got in readers.items() if not got}
    per_reader: dict[str, tuple[Reader, list[int], list[int]]] = {}
    for item_id, wh in item_wh.items():
        for reader in readers.get(wh, []):
            key = f"{type(reader).__name__}:{reader.id}"
            entry = per_reader.setdefault(key, (reader, [], []))
            (entry[1] if item_id in by_item else entry[2]).append(item_id)
    plans = []
    needed: set[int] = set()
    for reader, card_items, back in per_reader.values():
        card_items.sort(key=lambda i: (severity(r.reason for r in by_item[i]), i))
        back.sort()
        as_digest = len(card_items) + len(back) > settings.alert_digest_over
        shown = (card_items[:DIGEST_ROWS], back[:DIGEST_ROWS]) if as_digest else (card_items, back)
        needed |= set(shown[0]) | set(shown[1])
        plans.append((reader, card_items, back, as_digest, shown))
    rows = [r for r in outcome.announced if r.item_id in needed]
    infos = item_infos(s, settings, rows, needed, now)
    sent = 0
    for reader, card_items, back, as_digest, (cards_shown, back_shown) in plans:
        if as_digest:
            notice = digest(
                [(infos[i], by_item[i]) for i in cards_shown if i in infos],
                len(card_items),
                [infos[i] for i in back_shown if i in infos],
                len(back),
            )
            every = [a for i in (*card_items, *back) for a in ids_of(i)]
            sent += _send(s, reader, notice, _stamp("digest", now, *every))
            continue
        for i in cards_shown:
            if i in infos:
                sent += _send(
                    s, reader, card(s, infos[i], by_item[i], now), _stamp("card", now, *ids_of(i))
                )
        for i in back_shown:
            if i in infos:
                sent += _send(s, reader, back_note(infos[i]), _stamp("back", now, *ids_of(i)))
    outcome.messages += sent
    return sent


# --- what a card shows -----------------------------------------------------------------------


def item_infos(
    s: Session, settings: Settings, rows: Sequence[AlertRow], item_ids: set[int], now: datetime
) -> dict[int, ItemInfo]:
    items = {i.id: i for i in s.scalars(select(Item).where(Item.id.in_(item_ids)))}
    q = quantities(s, item_ids)
    today = ledger.business_day(now, settings.timezone)
    usage = _usage(s, item_ids, today, settings.usage_window_days)
    raw = reports.Raw(s)
    waiting: dict[int, tuple[int, Decimal]] = {}
    for item_id, n, asked, issued in s.execute(
        select(
            MaterialRequest.item_id,
            func.count(),
            raw.sum(MaterialRequest.qty),
            raw.sum(MaterialRequest.qty_issued),
        )
        .where(
            MaterialRequest.item_id.in_(item_ids),
            MaterialRequest.state.in_(("pending_approval", "approved")),
        )
        .group_by(MaterialRequest.item_id)
    ):
        waiting[item_id] = (int(n), raw.qty(asked) - raw.qty(issued))
    out: dict[int, ItemInfo] = {}
    for item_id, item in items.items():
        qi = q[item_id]
        out[item_id] = ItemInfo(
            item=item,
            q=qi,
            cover=days_of_cover(qi.available, usage.get(item_id)),
            waiting=waiting.get(item_id, (0, ZERO)),
            suggested=reports.suggested_qty(
                qi.projected, item.reorder_point, item.reorder_qty, item.order_multiple
            ),
            today=today,
        )
    batch_ids = [int(r.ref) for r in rows if r.reason == "expiring" and r.ref.isdigit()]
    if batch_ids:
        for b in s.scalars(select(Batch).where(Batch.id.in_(batch_ids))):
            if b.item_id in out:
                on_hand = s.scalar(select(func.sum(Balance.qty)).where(Balance.batch_id == b.id))
                out[b.item_id].batches[str(b.id)] = (b.lot, b.expiry, on_hand or ZERO)
    line_ids = [int(r.ref) for r in rows if r.reason == "overdue_po" and r.ref.isdigit()]
    if line_ids:
        for line, number, expected in s.execute(
            select(PurchaseOrderLine, PurchaseOrder.number, PurchaseOrder.expected_on)
            .join(PurchaseOrder, PurchaseOrder.id == PurchaseOrderLine.order_id)
            .where(PurchaseOrderLine.id.in_(line_ids))
        ):
            if line.item_id in out:
                left = line.qty_ordered - line.qty_received
                out[line.item_id].lines[str(line.id)] = (number, expected, left)
    return out


def _usage(s: Session, item_ids: set[int], today: Any, window: int) -> dict[int, Decimal]:
    since = today - timedelta(days=window)
    raw = reports.Raw(s)
    return {
        i: raw.qty(total) / Decimal(window)
        for i, total in s.execute(
            select(ItemDaily.item_id, raw.sum(ItemDaily.consumed))
            .where(ItemDaily.item_id.in_(item_ids), ItemDaily.day > since, ItemDaily.day <= today)
            .group_by(ItemDaily.item_id)
        )
        if total is not None and total > 0
    }


__all__ = ["REASONS", "announce", "audiences", "card", "digest", "item_infos"]
