"""Shortage warnings (缺料预警): raised by postings as they happen and by a scheduled scan;
at most one open per item and reason; snoozed or acknowledged from their buttons; closed with
a short note when stock is back.

```
ledger.post ──hook──▶ touched items noted on the unit of work ──commit──▶ evaluate them:
     projected ≤ reorder point / available < safety stock / available ≤ 0, no alert yet
         ──▶ alert opened + one card per chat bound to the warehouse (else keepers, purchasers)
     an increase that clears every stock alert of the item ──▶ closed + "back above reorder point"
shortage-scan (hourly) ──▶ every item in a few grouped queries: the same, plus days of cover <
     lead time, batches expiring soon, overdue purchase orders, and what reservations did

   open ──Snooze 1 day──▶ snoozed ──a day later, still short──▶ open (announced again)
   open / snoozed ──Acknowledge──▶ acknowledged (quiet until resolved)
   any ──resolved──▶ closed
```
Why evaluate at commit and not inside the hook: a flow may change demand after posting in the
same unit of work (an issue consumes its reservation right after `ledger.post`), and only the
finished unit of work shows the true *available*. Evaluation runs in a savepoint: if it fails,
it is logged and the posting stands. More cards than `alert_digest_over` for one chat at once
become one digest message.
"""

from __future__ import annotations

import logging
import threading
import weakref
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal
from functools import lru_cache
from typing import Any

from sqlalchemy import (
    BindParameter,
    Connection,
    DateTime,
    bindparam,
    case,
    event,
    func,
    select,
    update,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from stockbot import reports
from stockbot.config import Settings
from stockbot.flows.common import (
    actor_id,
    button,
    decide,
    display_name,
    fq,
    local_time,
    notify_chat,
    notify_user,
    refuse,
    require,
)
from stockbot.flows.context import Ctx
from stockbot.i18n import register, t, tm
from stockbot.replies import Buttons, Fields, Reply, Table, Text
from stockbot.store import ledger
from stockbot.store.db import rowcount, settings_of
from stockbot.store.models import (
    ActionToken,
    Alert,
    Balance,
    Batch,
    Chat,
    Item,
    ItemDaily,
    Location,
    MaterialRequest,
    PurchaseOrder,
    PurchaseOrderLine,
    PurchaseRequest,
    Reservation,
    User,
    UserRole,
    Warehouse,
)
from stockbot.store.quantities import Quantities, days_of_cover, quantities
from stockbot.timeutil import as_utc, utcnow

log = logging.getLogger(__name__)

DOC = "alert"
STOCK = ("stockout", "below_safety", "below_reorder")
REASONS = (*STOCK, "cover", "expiring", "overdue_po")
"""Most severe first."""
ZERO = Decimal(0)
DIGEST_ROWS = 25
CHUNK = 500

register(
    {
        "alert.sep": {"en": "; ", "zh-Hans": "；"},
        "alert.reason.stockout": {"en": "out of stock", "zh-Hans": "已断货"},
        "alert.reason.below_safety": {"en": "below safety stock", "zh-Hans": "低于安全库存"},
        "alert.reason.below_reorder": {"en": "below reorder point", "zh-Hans": "低于再订货点"},
        "alert.reason.cover": {
            "en": "runs out before a new order could arrive",
            "zh-Hans": "可用天数短于采购周期",
        },
        "alert.reason.expiring": {"en": "batch expiring", "zh-Hans": "批次即将过期"},
        "alert.reason.overdue_po": {"en": "purchase order overdue", "zh-Hans": "采购单逾期"},
        "alert.title": {"en": "⚠ {item}: {why}", "zh-Hans": "⚠ 缺料预警 {item}：{why}"},
        "alert.f.available": {"en": "Available", "zh-Hans": "可用"},
        "alert.f.on_order": {"en": "On order", "zh-Hans": "在途"},
        "alert.f.requested": {"en": "Approved purchase requests", "zh-Hans": "已批采购申请"},
        "alert.f.projected": {"en": "Projected", "zh-Hans": "预计可用"},
        "alert.f.thresholds": {
            "en": "Safety stock / reorder point",
            "zh-Hans": "安全库存 / 再订货点",
        },
        "alert.f.cover": {"en": "Days of cover", "zh-Hans": "可用天数"},
        "alert.f.lead": {"en": "Lead time", "zh-Hans": "采购周期"},
        "alert.f.waiting": {"en": "Requests waiting for it", "zh-Hans": "待满足的领料申请"},
        "alert.f.suggested": {"en": "Suggested order", "zh-Hans": "建议采购量"},
        "alert.f.batch": {"en": "Batch {lot}", "zh-Hans": "批次 {lot}"},
        "alert.f.po": {"en": "{po}", "zh-Hans": "{po}"},
        "alert.days": {"en": "{n} days", "zh-Hans": "{n} 天"},
        "alert.none": {"en": "none", "zh-Hans": "无"},
        "alert.waiting": {"en": "{n} ({qty})", "zh-Hans": "{n} 张（{qty}）"},
        "alert.batch_line": {
            "en": "{qty} expiring {date}",
            "zh-Hans": "{qty}，{date} 到期",
        },
        "alert.po_line": {
            "en": "{qty} expected {date} ({late} days late)",
            "zh-Hans": "{qty}，应于 {date} 到货（逾期 {late} 天）",
        },
        "alert.btn.purchase": {"en": "Request purchase ({qty})", "zh-Hans": "申请采购（{qty}）"},
        "alert.btn.snooze": {"en": "Snooze 1 day", "zh-Hans": "暂缓 1 天"},
        "alert.btn.ack": {"en": "Acknowledge", "zh-Hans": "知道了"},
        "alert.back": {
            "en": "✅ {item} is back above its reorder point (projected {qty}).",
            "zh-Hans": "✅ {item} 已回到再订货点以上（预计可用 {qty}）。",
        },
        "alert.back_safety": {
            "en": "✅ {item} is back above its safety stock (available {qty}).",
            "zh-Hans": "✅ {item} 已回到安全库存以上（可用 {qty}）。",
        },
        "alert.digest.title": {
            "en": "⚠ *{n} stock warnings*",
            "zh-Hans": "⚠ *{n} 条缺料预警*",
        },
        "alert.digest.more": {
            "en": "…and {n} more. Send /shortages for the full list and buttons.",
            "zh-Hans": "……还有 {n} 条。发送 `缺料` 查看完整列表。",
        },
        "alert.digest.back": {
            "en": "✅ Back above reorder point: {items}",
            "zh-Hans": "✅ 已恢复：{items}",
        },
        "alert.h.item": {"en": "Item", "zh-Hans": "物料"},
        "alert.h.why": {"en": "Why", "zh-Hans": "原因"},
        "alert.h.available": {"en": "Available", "zh-Hans": "可用"},
        "alert.h.projected": {"en": "Projected", "zh-Hans": "预计"},
        "alert.h.suggested": {"en": "Suggested", "zh-Hans": "建议采购"},
        "alert.h.state": {"en": "State", "zh-Hans": "状态"},
        "alert.state.open": {"en": "open", "zh-Hans": "待处理"},
        "alert.state.snoozed": {"en": "snoozed until {at}", "zh-Hans": "暂缓至 {at}"},
        "alert.state.acknowledged": {"en": "acknowledged by {who}", "zh-Hans": "{who} 已知悉"},
        "alert.list.title": {
            "en": "*Stock warnings: {n}*",
            "zh-Hans": "*当前缺料预警：{n} 条*",
        },
        "alert.list.none": {
            "en": "No open stock warnings. 👍",
            "zh-Hans": "当前没有缺料预警。👍",
        },
        "alert.list.more": {"en": "…and {n} more.", "zh-Hans": "……还有 {n} 条。"},
        "alert.snoozed": {
            "en": "😴 {item}: snoozed by {who} until {at}.",
            "zh-Hans": "😴 {item}：{who} 已暂缓提醒至 {at}。",
        },
        "alert.acked": {
            "en": "👍 {item}: acknowledged by {who}; it stays on /shortages until stock is back.",
            "zh-Hans": "👍 {item}：{who} 已知悉，库存恢复前仍会列在缺料清单中。",
        },
        "alert.already_snoozed": {
            "en": "{item} was already snoozed by {who} until {at}; nothing was changed.",
            "zh-Hans": "{item} 已由 {who} 暂缓至 {at}，未做任何更改。",
        },
        "alert.already_acked": {
            "en": "{item} was already acknowledged by {who} at {at}; nothing was changed.",
            "zh-Hans": "{item} 已由 {who} 于 {at} 确认知悉，未做任何更改。",
        },
        "alert.already_closed": {
            "en": "{item} is no longer short (resolved at {at}); nothing was changed.",
            "zh-Hans": "{item} 已不缺料（{at} 已解除），未做任何更改。",
        },
    }
)


# --- what holds now ----------------------------------------------------------------------------

Key = tuple[int, str, str]  # item id, reason, ref


@dataclass(frozen=True, slots=True)
class Finding:
    item_id: int
    reason: str
    ref: str = ""
    warehouse_id: int | None = None

    @property
    def key(self) -> Key:
        return (self.item_id, self.reason, self.ref)


@dataclass(slots=True)
class AlertRow:
    id: int
    item_id: int
    reason: str
    ref: str
    warehouse_id: int | None


@dataclass(slots=True)
class Outcome:
    """What one evaluation changed: alerts to announce, alerts closed, items back in stock."""

    announced: list[AlertRow] = field(default_factory=list)
    closed: list[AlertRow] = field(default_factory=list)
    recovered: list[int] = field(default_factory=list)
    """Items whose last stock alert closed (they get the "back above" note)."""
    messages: int = 0

    @property
    def changed(self) -> bool:
        return bool(self.announced or self.closed)


def _insert(session: Session) -> sqlite.Insert | postgresql.Insert:
    dialect = session.get_bind().dialect.name
    return (sqlite.insert if dialect == "sqlite" else postgresql.insert)(Alert)


def reconcile(
    s: Session,
    findings: dict[Key, Finding],
    now: datetime,
    *,
    items: Iterable[int] | None = None,
    reasons: Sequence[str] = REASONS,
    seen_at: datetime | None = None,
) -> Outcome:
    """Make the alerts match `findings` within scope (these items — all if None — and these
    reasons): open what is new, re-open snoozes that ran out, close what no longer holds (only
    alerts opened before `seen_at`, when the findings were read earlier)."""
    out = Outcome()
    stmt = select(
        Alert.id,
        Alert.item_id,
        Alert.reason,
        Alert.ref,
        Alert.warehouse_id,
        Alert.state,
        Alert.snoozed_until,
        Alert.opened_at,
    ).where(Alert.closed_at.is_(None), Alert.reason.in_(list(reasons)))
    scope = None if items is None else list(set(items))
    if scope is not None:
        stmt = stmt.where(Alert.item_id.in_(scope))
    active = {(r.item_id, r.reason, r.ref): r for r in s.execute(stmt)}

    new = [f for k, f in findings.items() if k not in active]
    if new:
        rows = s.execute(
            _insert(s)
            .on_conflict_do_nothing()
            .returning(Alert.id, Alert.item_id, Alert.reason, Alert.ref, Alert.warehouse_id),
            [
                {
                    "item_id": f.item_id,
                    "reason": f.reason,
                    "ref": f.ref,
                    "warehouse_id": f.warehouse_id,
                    "state": "open",
                    "detail": {},
                    "opened_at": now,
                    "updated_at": now,
                    "notified_at": now,
                }
                for f in new
            ],
        ).all()
        out.announced += [AlertRow(*r) for r in rows]

    wake = [
        r
        for k, r in active.items()
        if k in findings
        and r.state == "snoozed"
        and r.snoozed_until is not None
        and as_utc(r.snoozed_until) <= now
    ]
    if wake:
        woke_ids: set[int] = set()
        for chunk in _chunks([r.id for r in wake]):
            woke_ids |= set(
                s.execute(
                    update(Alert)
                    .where(Alert.id.in_(chunk), Alert.state == "snoozed")
                    .values(state="open", snoozed_until=None, notified_at=now, updated_at=now)
                    .returning(Alert.id)
                    .execution_options(synchronize_session=False)
                ).scalars()
            )
        out.announced += [
            AlertRow(r.id, r.item_id, r.reason, r.ref, r.warehouse_id)
            for r in wake
            if r.id in woke_ids
        ]

    gone = [
        r
        for k, r in active.items()
        if k not in findings and (seen_at is None or as_utc(r.opened_at) <= seen_at)
    ]
    if gone:
        for chunk in _chunks([r.id for r in gone]):
            s.execute(
                update(Alert)
                .where(Alert.id.in_(chunk), Alert.closed_at.is_(None))
                .values(state="closed", closed_at=now, updated_at=now, close_note="resolved")
                .execution_options(synchronize_session=False)
            )
        out.closed = [AlertRow(r.id, r.item_id, r.reason, r.ref, r.warehouse_id) for r in gone]
        touched = {r.item_id for r in gone if r.reason in STOCK}
        still = {
            k[0] for k in findings if k[1] in STOCK and k[0] in touched
        }  # an item with a stock reason left is not back yet
        out.recovered = sorted(touched - still)
    return out


def _chunks(ids: list[int]) -> Iterator[list[int]]:
    for k in range(0, len(ids), CHUNK):
        yield ids[k : k + CHUNK]


def stock_findings(
    s: Session, item_ids: Iterable[int], warehouse_of: dict[int, int]
) -> dict[Key, Finding]:
    """Stock-level findings for a few items, from `quantities` (the event path)."""
    ids = list(set(item_ids))
    if not ids:
        return {}
    q = quantities(s, ids)
    found: dict[Key, Finding] = {}
    for item_id, safety, rop in s.execute(
        select(Item.id, Item.safety_stock, Item.reorder_point).where(
            Item.id.in_(ids), Item.active.is_(True)
        )
    ):
        qi = q[item_id]
        for reason in reports.stock_reasons(qi.available, qi.projected, safety, rop):
            f = Finding(item_id, reason, "", warehouse_of.get(item_id))
            found[f.key] = f
    return found


def scan_findings(s: Session, settings: Settings, now: datetime) -> dict[Key, Finding]:
    """Everything that should be alerted now, for every item, in a few grouped queries."""
    today = ledger.business_day(now, settings.timezone)
    lv = reports.load_levels(s)
    window = settings.usage_window_days
    usage = reports.usage_totals(s, today, window)
    found: dict[Key, Finding] = {}
    stock_reasons, short_on_cover = reports.stock_reasons, reports.short_on_cover
    for item_id, (safety, rop, _rq, _mult, lead, _cost) in lv.items.items():
        avail = lv.available(item_id)
        proj = avail + lv.on_order.get(item_id, 0) + lv.requested.get(item_id, 0)
        wh = lv.warehouse.get(item_id)
        if safety > 0 or rop > 0:
            for reason in stock_reasons(avail, proj, safety, rop):
                found[(item_id, reason, "")] = Finding(item_id, reason, "", wh)
        used = usage.get(item_id)
        if used and short_on_cover(proj, used, window, lead):
            found[(item_id, "cover", "")] = Finding(item_id, "cover", "", wh)
    for batch_id, item_id, wh, _q in reports.expiring_batches(
        s, today, settings.expiring_within_days
    ):
        if item_id in lv.items:
            f = Finding(item_id, "expiring", str(batch_id), wh)
            found[f.key] = f
    for line_id, item_id, wh in reports.overdue_po_lines(s, today):
        f = Finding(item_id, "overdue_po", str(line_id), wh or lv.warehouse.get(item_id))
        found[f.key] = f
    return found


# --- the event path ------------------------------------------------------------------------------

_PENDING = "stockbot.alerts.pending"
_sessions: weakref.WeakKeyDictionary[Connection, Session] = weakref.WeakKeyDictionary()
_muted = threading.local()


@dataclass(slots=True)
class _Touched:
    down: dict[int, int] = field(default_factory=dict)  # item → a location it decreased at
    up: set[int] = field(default_factory=set)


@contextmanager
def muted() -> Iterator[None]:
    """No event-driven warnings from postings made in this block on this thread (bulk loads,
    the demo's invented history); the next scan still sees everything."""
    before = getattr(_muted, "on", False)
    _muted.on = True
    try:
        yield
    finally:
        _muted.on = before


@event.listens_for(Session, "after_begin")
def _remember_session(session: Session, _tx: Any, connection: Connection) -> None:
    _sessions[connection] = session


@event.listens_for(Session, "before_commit")
def _evaluate_on_commit(session: Session) -> None:
    if session.in_nested_transaction():  # a savepoint's commit: the unit of work goes on
        return
    touched = session.info.pop(_PENDING, None)
    if touched is not None:
        evaluate_touched(session, touched)


@event.listens_for(Session, "after_rollback")
def _forget_on_rollback(session: Session) -> None:
    session.info.pop(_PENDING, None)


def _on_posted(
    conn: Connection, lines: Sequence[ledger.Line], _after: dict[ledger.BalanceKey, Decimal]
) -> None:
    """The ledger hook: note which items went down or up; evaluate when the unit of work
    commits (at once for a bare Core connection)."""
    if getattr(_muted, "on", False):
        return
    net: dict[int, Decimal] = defaultdict(Decimal)
    where: dict[int, int] = {}
    for ln in lines:
        net[ln.item_id] += ln.qty
        if ln.qty < 0:
            where.setdefault(ln.item_id, ln.location_id)
    session = _sessions.get(conn)
    touched = session.info.get(_PENDING) if session is not None else None
    if touched is None:
        touched = _Touched()
    for item_id, qty in net.items():
        if qty < 0:
            touched.down.setdefault(item_id, where[item_id])
        elif qty > 0:
            touched.up.add(item_id)
    if not touched.down and not touched.up:
        return
    if session is not None and session.in_transaction():
        session.info[_PENDING] = touched
        return
    with Session(bind=conn) as s:
        evaluate_touched(s, touched)
        s.flush()


ledger.on_posted(_on_posted)


_BITS = {"stockout": 1, "below_safety": 2, "below_reorder": 4}


@lru_cache(maxsize=2)
def _quick_levels(single: bool = False) -> Any:
    """One round trip per commit: each touched item's thresholds, levels and the stock alerts it
    has open (as a bit mask), so the usual posting — nothing crosses — costs one query."""
    ids: BindParameter[int] = bindparam("ids", expanding=True)
    mine = Alert.item_id == Item.id

    def total(column: Any, *where: Any) -> Any:
        return (
            select(func.coalesce(func.sum(column), ZERO))
            .where(*where)
            .correlate(Item)
            .scalar_subquery()
        )

    mask = (
        select(
            func.coalesce(
                func.sum(case(*((Alert.reason == r, b) for r, b in _BITS.items()), else_=0)), 0
            )
        )
        .where(mine, Alert.closed_at.is_(None))
        .correlate(Item)
        .scalar_subquery()
    )
    woke = (
        select(func.count())
        .where(
            mine,
            Alert.closed_at.is_(None),
            Alert.state == "snoozed",
            Alert.snoozed_until <= bindparam("now", type_=DateTime(timezone=True)),
        )
        .correlate(Item)
        .scalar_subquery()
    )
    return select(
        Item.id,
        Item.safety_stock,
        Item.reorder_point,
        # two sums, so each can use its partial unique index (batch_id NULL / NOT NULL);
        # `item_id = ?` alone implies neither, and would scan every balance on SQLite
        total(Balance.qty, Balance.item_id == Item.id, Balance.batch_id.is_(None)),
        total(Balance.qty, Balance.item_id == Item.id, Balance.batch_id.is_not(None)),
        total(Reservation.qty, Reservation.item_id == Item.id, Reservation.state == "open"),
        total(
            PurchaseOrderLine.qty_ordered,
            PurchaseOrderLine.item_id == Item.id,
            PurchaseOrderLine.state == "open",
        ),
        total(
            PurchaseOrderLine.qty_received,
            PurchaseOrderLine.item_id == Item.id,
            PurchaseOrderLine.state == "open",
        ),
        total(
            PurchaseRequest.qty,
            PurchaseRequest.item_id == Item.id,
            PurchaseRequest.state == "approved",
        ),
        mask,
        woke,
    ).where(
        # one item (the usual posting) skips the expanding IN's per-call compilation
        Item.id == bindparam("id") if single else Item.id.in_(ids),
        Item.active.is_(True),
    )


def needs_work(s: Session, touched: _Touched, now: datetime) -> set[int]:
    """Items whose stock alerts must change: a decrease that crossed a threshold with no alert
    yet, or woke a snooze that ran out; any change that cleared an open alert."""
    ids = set(touched.down) | touched.up
    out: set[int] = set()
    if len(ids) == 1:
        query, params = _quick_levels(single=True), {"id": next(iter(ids)), "now": now}
    else:
        query, params = _quick_levels(), {"ids": list(ids), "now": now}
    for row in s.connection().execute(query, params):
        item_id, safety, rop, loose, batched, reserved, ordered, received, asked, mask, woke = row
        if not mask and safety <= ZERO and rop <= ZERO:
            continue
        available = loose + batched - reserved
        projected = available + max(ordered - received, ZERO) + asked
        found = 0
        for reason in reports.stock_reasons(available, projected, safety, rop):
            found |= _BITS[reason]
        cleared = mask & ~found
        crossed = item_id in touched.down and (found & ~mask or (woke and found & mask))
        if cleared or crossed:
            out.add(item_id)
    return out


def evaluate_touched(s: Session, touched: _Touched) -> Outcome | None:
    """Cheap first (`needs_work`: one query); the rest runs in a savepoint, and a failure is
    logged while the posting stands."""
    now = utcnow()
    candidates = needs_work(s, touched, now)
    if not candidates:
        return None
    try:
        with s.begin_nested():
            locs = {touched.down[i] for i in candidates if i in touched.down}
            wh_of_loc = (
                dict(
                    s.execute(
                        select(Location.id, Location.warehouse_id).where(Location.id.in_(locs))
                    ).all()
                )
                if locs
                else {}
            )
            warehouse_of = {i: wh_of_loc[touched.down[i]] for i in candidates if i in touched.down}
            findings = stock_findings(s, candidates, warehouse_of)
            outcome = reconcile(s, findings, now, items=candidates, reasons=STOCK)
            if outcome.changed:
                announce(s, settings_of(s.connection()), outcome, now)
            return outcome
    except Exception:
        log.exception("shortage alerts for items %s failed; the posting stands", candidates)
        return None


# --- the scheduled scan --------------------------------------------------------------------------


def scan(db: Any, settings: Settings, now: datetime | None = None) -> Outcome:
    """The `shortage-scan` job: read every item's levels, then reconcile and announce in one
    short write."""
    now = now or utcnow()
    with db.read() as s:
        findings = scan_findings(s, settings, now)
    with db.write() as s:
        outcome = reconcile(s, findings, now, seen_at=now)
        if outcome.changed:
            announce(s, settings, outcome, now)
        return outcome


# --- telling people ------------------------------------------------------------------------------


@dataclass(slots=True)
class _Target:
    kind: str  # "chat" | "user"
    ident: int
    lang: str
    chat: Chat | None = None


@dataclass(slots=True)
class _ItemInfo:
    item: Item
    q: Quantities
    cover: Decimal | None
    waiting: tuple[int, Decimal]
    suggested: Decimal
    batches: dict[str, tuple[str, Any, Decimal]] = field(default_factory=dict)
    lines: dict[str, tuple[str, Any, Decimal]] = field(default_factory=dict)


def _targets(
    s: Session, settings: Settings, warehouse_ids: set[int | None]
) -> dict[int | None, list[_Target]]:
    """Who hears about a warehouse: its bound chats; else the chats bound to the default
    warehouse (one chat for the whole factory is the common setup); else every keeper and
    purchaser, directly."""
    chats = s.scalars(select(Chat).where(Chat.warehouse_id.is_not(None)).order_by(Chat.id)).all()
    by_wh: dict[int, list[_Target]] = defaultdict(list)
    for c in chats:
        by_wh[c.warehouse_id].append(_Target("chat", c.id, c.language, c))  # type: ignore[index]
    default_wh = s.scalar(select(Warehouse.id).where(Warehouse.code == settings.default_warehouse))
    out: dict[int | None, list[_Target]] = {}
    people: list[_Target] | None = None
    for wh in warehouse_ids:
        got = by_wh.get(wh) if wh is not None else None
        if not got and default_wh is not None:
            got = by_wh.get(default_wh)
        if not got:
            if people is None:
                people = _people(s, settings)
            got = people
        out[wh] = got
    return out


def _people(s: Session, settings: Settings) -> list[_Target]:
    users = s.execute(
        select(User.id, User.language)
        .join(UserRole, UserRole.user_id == User.id)
        .where(UserRole.role.in_(("keeper", "purchaser")), User.active.is_(True))
        .distinct()
        .order_by(User.id)
    ).all()
    if not users:
        users = s.execute(
            select(User.id, User.language)
            .join(UserRole, UserRole.user_id == User.id)
            .where(UserRole.role == "admin", User.active.is_(True))
            .distinct()
            .order_by(User.id)
        ).all()
    return [_Target("user", uid, lang or settings.default_language) for uid, lang in users]


def _send(s: Session, target: _Target, reply: Reply) -> None:
    if target.kind == "chat" and target.chat is not None:
        notify_chat(s, target.chat, reply)
    else:
        notify_user(s, target.ident, reply)


def _info(
    s: Session, settings: Settings, rows: Sequence[AlertRow], item_ids: set[int], now: datetime
) -> dict[int, _ItemInfo]:
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
    out: dict[int, _ItemInfo] = {}
    for item_id, item in items.items():
        qi = q[item_id]
        out[item_id] = _ItemInfo(
            item=item,
            q=qi,
            cover=days_of_cover(qi.available, usage.get(item_id)),
            waiting=waiting.get(item_id, (0, ZERO)),
            suggested=reports.suggested_qty(
                qi.projected, item.reorder_point, item.reorder_qty, item.order_multiple
            ),
        )
    batch_ids = [int(r.ref) for r in rows if r.reason == "expiring" and r.ref.isdigit()]
    if batch_ids:
        for b in s.scalars(select(Batch).where(Batch.id.in_(batch_ids))):
            if b.item_id in out:
                on_hand = _batch_on_hand(s, b.id)
                out[b.item_id].batches[str(b.id)] = (b.lot, b.expiry, on_hand)
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


def _batch_on_hand(s: Session, batch_id: int) -> Decimal:
    total = s.scalar(select(func.sum(Balance.qty)).where(Balance.batch_id == batch_id))
    return total or ZERO


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


def _label(item: Item) -> str:
    return f"{item.code} {item.name}" if item.name and item.name != item.code else item.code


def _why(reasons: Iterable[str], lang: str) -> str:
    order = sorted(set(reasons), key=REASONS.index)
    return t("alert.sep", lang).join(t(f"alert.reason.{r}", lang) for r in order)


def card(
    s: Session, lang: str, info: _ItemInfo, rows: Sequence[AlertRow], now: datetime, timezone: str
) -> Reply:
    """One item's warning: the numbers, and Request purchase / Snooze / Acknowledge."""
    item, q, unit = info.item, info.q, info.item.unit
    title = tm("alert.title", lang, item=_label(item), why=_why((r.reason for r in rows), lang))
    fields: list[tuple[str, str]] = [
        (t("alert.f.available", lang), fq(q.available, unit)),
        (t("alert.f.on_order", lang), fq(q.on_order, unit)),
    ]
    if q.requested:
        fields.append((t("alert.f.requested", lang), fq(q.requested, unit)))
    fields += [
        (t("alert.f.projected", lang), fq(q.projected, unit)),
        (
            t("alert.f.thresholds", lang),
            f"{fq(item.safety_stock)} / {fq(item.reorder_point, unit)}",
        ),
        (
            t("alert.f.cover", lang),
            t("alert.days", lang, n=info.cover) if info.cover is not None else "-",
        ),
        (t("alert.f.lead", lang), t("alert.days", lang, n=item.lead_time_days)),
    ]
    n, left = info.waiting
    fields.append(
        (
            t("alert.f.waiting", lang),
            t("alert.waiting", lang, n=n, qty=fq(left, unit)) if n else t("alert.none", lang),
        )
    )
    today = ledger.business_day(now, timezone)
    for r in rows:
        if r.reason == "expiring" and r.ref in info.batches:
            lot, expiry, on_hand = info.batches[r.ref]
            fields.append(
                (
                    t("alert.f.batch", lang, lot=lot),
                    t("alert.batch_line", lang, qty=fq(on_hand, unit), date=expiry),
                )
            )
        if r.reason == "overdue_po" and r.ref in info.lines:
            po, expected, left_po = info.lines[r.ref]
            late = (today - expected).days if expected else 0
            fields.append(
                (
                    t("alert.f.po", lang, po=po),
                    t("alert.po_line", lang, qty=fq(left_po, unit), date=expected, late=late),
                )
            )
    buys = any(r.reason in (*STOCK, "cover") for r in rows) and info.suggested > 0
    if buys:
        fields.append((t("alert.f.suggested", lang), fq(info.suggested, unit)))
    ids = sorted(r.id for r in rows)
    buttons = []
    if buys:
        buttons.append(
            button(
                s,
                t("alert.btn.purchase", lang, qty=fq(info.suggested, unit)),
                "item",
                item.id,
                "purchase",
                {"qty": str(info.suggested)},
                style="primary",
            )
        )
    buttons += [
        button(s, t("alert.btn.snooze", lang), DOC, ids[0], "snooze", {"ids": ids}),
        button(s, t("alert.btn.ack", lang), DOC, ids[0], "ack", {"ids": ids}),
    ]
    return Reply.of(Text(text=title), Fields(rows=fields), Buttons(buttons=buttons))


def back_note(lang: str, info: _ItemInfo) -> Reply:
    item = info.item
    if item.reorder_point > 0:
        return Reply.text(
            tm("alert.back", lang, item=_label(item), qty=fq(info.q.projected, item.unit))
        )
    return Reply.text(
        tm("alert.back_safety", lang, item=_label(item), qty=fq(info.q.available, item.unit))
    )


def digest(
    lang: str,
    cards: list[tuple[_ItemInfo, list[AlertRow]]],
    n_cards: int,
    back: list[_ItemInfo],
    n_back: int,
) -> Reply:
    """Many warnings as one message: a table of the worst (`cards`, of `n_cards` in all) and
    the items back in stock."""
    blocks: list[Any] = []
    if n_cards:
        blocks.append(Text(text=t("alert.digest.title", lang, n=n_cards)))
        rows = [
            [
                _label(info.item)[:40],
                _why((r.reason for r in rs), lang),
                fq(info.q.available, info.item.unit),
                fq(info.q.projected, info.item.unit),
                fq(info.suggested, info.item.unit) if info.suggested > 0 else "-",
            ]
            for info, rs in cards
        ]
        blocks.append(
            Table(
                headers=[
                    t(f"alert.h.{h}", lang)
                    for h in ("item", "why", "available", "projected", "suggested")
                ],
                rows=rows,
            )
        )
        if n_cards > len(cards):
            blocks.append(Text(text=t("alert.digest.more", lang, n=n_cards - len(cards))))
    if n_back:
        names = ", ".join(_label(i.item) for i in back)
        if n_back > len(back):
            names += f" (+{n_back - len(back)})"
        blocks.append(Text(text=tm("alert.digest.back", lang, items=names)))
    return Reply.of(*blocks)


def announce(s: Session, settings: Settings, outcome: Outcome, now: datetime) -> int:
    """Queue the cards (one per item and target), the "back above" notes, or one digest per
    target when there are more than `alert_digest_over` of them. Returns messages queued.
    Only what is shown is looked up, so a first scan opening thousands of alerts stays cheap."""
    by_item: dict[int, list[AlertRow]] = defaultdict(list)
    for r in outcome.announced:
        by_item[r.item_id].append(r)
    back_items = [i for i in outcome.recovered if i not in by_item]
    if not by_item and not back_items:
        return 0
    closed_wh = {r.item_id: r.warehouse_id for r in outcome.closed}

    def wh_of(item_id: int) -> int | None:
        for r in by_item.get(item_id, ()):
            if r.warehouse_id is not None:
                return r.warehouse_id
        return closed_wh.get(item_id)

    def severity(item_id: int) -> tuple[int, int]:
        return (min(REASONS.index(r.reason) for r in by_item[item_id]), item_id)

    item_wh = {i: wh_of(i) for i in (*by_item, *back_items)}
    targets = _targets(s, settings, set(item_wh.values()))
    per_target: dict[tuple[str, int], tuple[_Target, list[int], list[int]]] = {}
    for item_id, wh in item_wh.items():
        for tg in targets.get(wh, []):
            entry = per_target.setdefault((tg.kind, tg.ident), (tg, [], []))
            (entry[1] if item_id in by_item else entry[2]).append(item_id)
    plans = []
    needed: set[int] = set()
    for tg, card_items, back in per_target.values():
        card_items.sort(key=severity)
        back.sort()
        as_digest = len(card_items) + len(back) > settings.alert_digest_over
        shown = (card_items[:DIGEST_ROWS], back[:DIGEST_ROWS]) if as_digest else (card_items, back)
        needed |= set(shown[0]) | set(shown[1])
        plans.append((tg, card_items, back, as_digest, shown))
    rows = [r for r in outcome.announced if r.item_id in needed]
    infos = _info(s, settings, rows, needed, now)
    sent = 0
    for tg, card_items, back, as_digest, (cards_shown, back_shown) in plans:
        if as_digest:
            reply = digest(
                tg.lang,
                [(infos[i], by_item[i]) for i in cards_shown if i in infos],
                len(card_items),
                [infos[i] for i in back_shown if i in infos],
                len(back),
            )
            _send(s, tg, reply)
            sent += 1
            continue
        for i in cards_shown:
            if i in infos:
                _send(s, tg, card(s, tg.lang, infos[i], by_item[i], now, settings.timezone))
                sent += 1
        for i in back_shown:
            if i in infos:
                _send(s, tg, back_note(tg.lang, infos[i]))
                sent += 1
    outcome.messages = sent
    return sent


# --- buttons and /shortages ----------------------------------------------------------------------


def _ids(token: ActionToken) -> list[int]:
    ids = token.payload.get("ids") if token.payload else None
    if not isinstance(ids, list) or not ids or not all(isinstance(i, int) for i in ids):
        return [token.doc_id]
    return ids


def _item_label(s: Session, alert_id: int) -> str:
    row = s.execute(
        select(Item.code, Item.name)
        .join(Alert, Alert.item_id == Item.id)
        .where(Alert.id == alert_id)
    ).first()
    if row is None:
        return "?"
    return f"{row[0]} {row[1]}" if row[1] and row[1] != row[0] else row[0]


def _already(ctx: Ctx, s: Session, ids: list[int]) -> Exception:
    alerts = s.scalars(select(Alert).where(Alert.id.in_(ids)).order_by(Alert.id)).all()
    if not alerts:
        return refuse("button.stale", ctx.lang)
    a = next((x for x in alerts if x.closed_at is None), alerts[0])
    item = _item_label(s, a.id)
    if a.closed_at is not None:
        return refuse("alert.already_closed", ctx.lang, item=item, at=local_time(ctx, a.closed_at))
    if a.state == "snoozed" and a.snoozed_until is not None:
        return refuse(
            "alert.already_snoozed",
            ctx.lang,
            item=item,
            who=display_name(s, a.snoozed_by),
            at=local_time(ctx, a.snoozed_until, "%m-%d %H:%M"),
        )
    return refuse(
        "alert.already_acked",
        ctx.lang,
        item=item,
        who=display_name(s, a.acknowledged_by),
        at=local_time(ctx, a.acknowledged_at or a.updated_at),
    )


def snooze(ctx: Ctx, token: ActionToken) -> Reply:
    """Snooze 1 day: quiet until then; if it is still short afterwards it is announced again."""
    require(ctx, "keeper", "purchaser", "approver")
    ids = _ids(token)
    with ctx.db.write() as s:
        me = actor_id(ctx, s)
        now = utcnow()
        until = now + timedelta(hours=ctx.settings.alert_snooze_hours)
        done = rowcount(
            s.execute(
                update(Alert)
                .where(Alert.id.in_(ids), Alert.closed_at.is_(None), Alert.state == "open")
                .values(state="snoozed", snoozed_until=until, snoozed_by=me, updated_at=now)
                .execution_options(synchronize_session=False)
            )
        )
        if not done:
            raise _already(ctx, s, ids)
        decide(ctx, s, DOC, ids[0], "snooze")
        return Reply.text(
            tm(
                "alert.snoozed",
                ctx.lang,
                item=_item_label(s, ids[0]),
                who=ctx.actor.display_name,
                at=local_time(ctx, until, "%m-%d %H:%M"),
            )
        )


def acknowledge(ctx: Ctx, token: ActionToken) -> Reply:
    """Acknowledge: someone is on it; quiet until the stock is back (then it closes)."""
    require(ctx, "keeper", "purchaser", "approver")
    ids = _ids(token)
    with ctx.db.write() as s:
        me = actor_id(ctx, s)
        now = utcnow()
        done = rowcount(
            s.execute(
                update(Alert)
                .where(
                    Alert.id.in_(ids),
                    Alert.closed_at.is_(None),
                    Alert.state.in_(("open", "snoozed")),
                )
                .values(
                    state="acknowledged",
                    acknowledged_by=me,
                    acknowledged_at=now,
                    snoozed_until=None,
                    updated_at=now,
                )
                .execution_options(synchronize_session=False)
            )
        )
        if not done:
            raise _already(ctx, s, ids)
        decide(ctx, s, DOC, ids[0], "acknowledge")
        return Reply.text(
            tm("alert.acked", ctx.lang, item=_item_label(s, ids[0]), who=ctx.actor.display_name)
        )


def shortages(ctx: Ctx, cmd: Any = None, limit: int = 30) -> Reply:
    """`/shortages`: the warnings that are not closed, worst first, with today's numbers."""
    lang = ctx.lang
    with ctx.db.read() as s:
        alerts = s.scalars(select(Alert).where(Alert.closed_at.is_(None))).all()
        if not alerts:
            return Reply.text(t("alert.list.none", lang))
        by_item: dict[int, list[Alert]] = defaultdict(list)
        for a in alerts:
            by_item[a.item_id].append(a)
        order = sorted(by_item, key=lambda i: (min(REASONS.index(a.reason) for a in by_item[i]), i))
        shown = order[:limit]
        items = {i.id: i for i in s.scalars(select(Item).where(Item.id.in_(shown)))}
        q = quantities(s, shown)
        rows = []
        for item_id in shown:
            item, qi, group = items[item_id], q[item_id], by_item[item_id]
            rows.append(
                [
                    _label(item)[:40],
                    _why((a.reason for a in group), lang),
                    fq(qi.available, item.unit),
                    fq(qi.projected, item.unit),
                    _state(ctx, s, group),
                ]
            )
        blocks: list[Any] = [
            Text(text=t("alert.list.title", lang, n=len(order))),
            Table(
                headers=[
                    t(f"alert.h.{h}", lang)
                    for h in ("item", "why", "available", "projected", "state")
                ],
                rows=rows,
            ),
        ]
        if len(order) > limit:
            blocks.append(Text(text=t("alert.list.more", lang, n=len(order) - limit)))
        return Reply.of(*blocks)


def _state(ctx: Ctx, s: Session, group: list[Alert]) -> str:
    a = min(group, key=lambda x: ("open", "snoozed", "acknowledged").index(x.state))
    if a.state == "snoozed" and a.snoozed_until is not None:
        return t(
            "alert.state.snoozed", ctx.lang, at=local_time(ctx, a.snoozed_until, "%m-%d %H:%M")
        )
    if a.state == "acknowledged":
        return t("alert.state.acknowledged", ctx.lang, who=display_name(s, a.acknowledged_by))
    return t("alert.state.open", ctx.lang)


# --- wiring --------------------------------------------------------------------------------------

COMMANDS = {"shortages": shortages}
DOC_COMMANDS: dict = {}
ACTIONS = {
    (DOC, "snooze"): snooze,
    (DOC, "ack"): acknowledge,
}
REPLIES: dict = {}
