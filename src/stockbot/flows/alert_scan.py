"""Finding shortage warnings: the posting path (each unit of work's commit phase), the hourly
scan, and the look `/shortages` takes before it answers. Queries here; rules in
`alert_rules`; telling people in `alert_cards`.

```
ledger.post ──StockPosted──▶ the unit of work, at its commit phase ──▶ evaluate the items:
     one query (`needs_work`): a threshold crossed with no alert yet, a snooze that ran out,
     an open alert that no longer holds ──▶ reconcile + announce (in a savepoint)
     a posting of many items (an import) ──▶ every item's levels at once (`refresh_stock`)
shortage-scan (hourly) ──▶ every item in a few grouped queries: the same, plus days of cover <
     lead time, batches expiring soon, overdue purchase orders, and what reservations did
/shortages ──▶ the stock levels of every item with thresholds, now (`refresh_stock`): alerts
     that should be open are opened (and announced) before the list is read
```
Why evaluate at commit and not inside the posting: a flow may change demand after posting in the
same unit of work (an issue consumes its reservation right after `ledger.post`), and only the
finished unit of work shows the true *available*. Evaluation runs in a savepoint: if it fails,
it is logged and the posting stands.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from functools import lru_cache
from typing import Any

from sqlalchemy import DateTime, bindparam, case, func, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from stockbot import reports
from stockbot.config import Settings
from stockbot.flows import alert_rules as rules
from stockbot.flows.alert_cards import announce
from stockbot.flows.alert_rules import (
    BITS,
    REASONS,
    STOCK,
    ZERO,
    AlertRow,
    Finding,
    Key,
    Outcome,
)
from stockbot.store import ledger
from stockbot.store.db import Database
from stockbot.store.events import StockPosted
from stockbot.store.models import (
    Alert,
    Balance,
    Item,
    Location,
    PurchaseOrderLine,
    PurchaseRequest,
    PurchaseRequestLine,
    Reservation,
)
from stockbot.store.quantities import quantities
from stockbot.timeutil import as_utc, utcnow

log = logging.getLogger(__name__)

CHUNK = 500
BULK = 500
"""A posting that moves more items than this (an import) is evaluated from every item's levels
at once rather than item by item."""


def _insert(session: Session):
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
    return rules.stock_findings(
        (
            item_id,
            q[item_id].available,
            q[item_id].projected,
            safety,
            rop,
            warehouse_of.get(item_id),
        )
        for item_id, safety, rop in s.execute(
            select(Item.id, Item.safety_stock, Item.reorder_point).where(
                Item.id.in_(ids), Item.active.is_(True)
            )
        )
    )


def all_stock_findings(lv: reports.Levels) -> dict[Key, Finding]:
    """Stock-level findings for every item of `lv` (levels of every item with thresholds)."""
    return rules.stock_findings(
        (i, lv.available(i), lv.projected(i), safety, rop, lv.warehouse.get(i))
        for i, (safety, rop, *_rest) in lv.items.items()
        if safety > 0 or rop > 0
    )


def scan_findings(s: Session, settings: Settings, now: datetime) -> dict[Key, Finding]:
    """Everything that should be alerted now, for every item, in a few grouped queries."""
    today = ledger.business_day(now, settings.timezone)
    lv = reports.load_levels(s)
    window = settings.usage_window_days
    usage = reports.usage_totals(s, today, window)
    found = all_stock_findings(lv)
    for item_id, (_safety, _rop, _rq, _mult, lead, _cost) in lv.items.items():
        used = usage.get(item_id)
        if used and reports.short_on_cover(lv.projected(item_id), used, window, lead):
            found[(item_id, "cover", "")] = Finding(item_id, "cover", "", lv.warehouse.get(item_id))
    for batch_id, item_id, wh, _q in reports.expiring_batches(
        s, today, settings.expiring_within_days
    ):
        if item_id in lv.items:
            f = Finding(item_id, "expiring", str(batch_id), wh)
            found[f.key] = f
    for line_id, item_id, po_wh in reports.overdue_po_lines(s, today):
        f = Finding(item_id, "overdue_po", str(line_id), po_wh or lv.warehouse.get(item_id))
        found[f.key] = f
    return found


# --- the event path ------------------------------------------------------------------------------


def on_stock_posted(session: Session, events: Sequence[StockPosted], settings: Settings) -> None:
    """Subscribed for the commit phase of every unit of work (`flows.wiring`): evaluate the
    items the postings moved, once, just before the transaction commits — a warning commits
    with the movement that caused it, and a flow that changes demand after posting in the same
    unit of work (an approval that reserves) is seen as it will be committed."""
    touched = Touched()
    for ev in events:
        for item_id, location_id in ev.down.items():
            touched.down.setdefault(item_id, location_id)
        touched.up.update(ev.up)
    if touched.down or touched.up:
        evaluate_touched(session, touched, settings)


@dataclass(slots=True)
class Touched:
    down: dict[int, int] = field(default_factory=dict)  # item → a location it decreased at
    up: set[int] = field(default_factory=set)


@lru_cache(maxsize=2)
def _quick_levels(single: bool = False) -> Any:
    """One round trip per commit: each touched item's thresholds, levels and the stock alerts it
    has open (as a bit mask), so the usual posting — nothing crosses — costs one query."""
    ids: Any = bindparam("ids", expanding=True)
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
                func.sum(case(*((Alert.reason == r, b) for r, b in BITS.items()), else_=0)), 0
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
            PurchaseRequestLine.qty,
            PurchaseRequestLine.item_id == Item.id,
            PurchaseRequest.id == PurchaseRequestLine.request_id,
            PurchaseRequest.state == "approved",
        ),
        mask,
        woke,
    ).where(
        # one item (the usual posting) skips the expanding IN's per-call compilation
        Item.id == bindparam("id") if single else Item.id.in_(ids),
        Item.active.is_(True),
    )


def needs_work(s: Session, touched: Touched, now: datetime) -> set[int]:
    """Items whose stock alerts must change (`alert_rules.must_reevaluate`), in one query."""
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
        found = rules.stock_mask(available, projected, safety, rop)
        if rules.must_reevaluate(mask, found, item_id in touched.down, bool(woke)):
            out.add(item_id)
    return out


def evaluate_touched(s: Session, touched: Touched, settings: Settings) -> Outcome | None:
    """Cheap first (`needs_work`: one query); the rest runs in a savepoint. A failure is
    logged and the posting stands. A posting of many items is evaluated from every item's
    levels at once (`refresh_stock`): an IN list of 50,000 ids is neither fast nor allowed."""
    now = utcnow()
    try:
        if len(set(touched.down) | touched.up) > BULK:
            with s.begin_nested():
                return refresh_stock(s, settings, now, opens=set(touched.down))
        candidates = needs_work(s, touched, now)
        if not candidates:
            return None
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
            missing = [i for i in candidates if i not in warehouse_of]
            if missing:
                warehouse_of.update(_main_warehouse(s, missing))
            findings = stock_findings(s, candidates, warehouse_of)
            outcome = reconcile(s, findings, now, items=candidates, reasons=STOCK)
            if outcome.changed:
                announce(s, settings, outcome, now)
            return outcome
    except Exception:
        log.exception("shortage alerts for %s failed; the posting stands", touched)
        return None


def _main_warehouse(s: Session, item_ids: list[int]) -> dict[int, int]:
    """The warehouse holding most of each item (where its warnings go)."""
    best: dict[int, tuple[Any, int]] = {}
    for item_id, wh, qty in s.execute(
        select(Balance.item_id, Balance.warehouse_id, func.sum(Balance.qty))
        .where(Balance.item_id.in_(item_ids))
        .group_by(Balance.item_id, Balance.warehouse_id)
    ):
        if item_id not in best or (qty or ZERO) > best[item_id][0]:
            best[item_id] = (qty or ZERO, wh)
    return {i: wh for i, (_q, wh) in best.items()}


# --- every item at once: the hourly scan, /shortages, a bulk posting -----------------------------


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


def refresh_stock(
    s: Session, settings: Settings, now: datetime, *, opens: set[int] | None = None
) -> Outcome:
    """Every item with thresholds, at its stock level now: open the stock alerts that should be
    open (only for the items in `opens`, when given: a bulk posting opens what went down),
    close those that no longer hold, wake snoozes that ran out — and announce them."""
    findings = all_stock_findings(reports.load_levels(s, thresholds_only=True))
    if opens is not None:
        active = {
            (r.item_id, r.reason, r.ref)
            for r in s.execute(
                select(Alert.item_id, Alert.reason, Alert.ref).where(
                    Alert.closed_at.is_(None), Alert.reason.in_(STOCK)
                )
            )
        }
        findings = {k: f for k, f in findings.items() if k[0] in opens or k in active}
    outcome = reconcile(s, findings, now, reasons=STOCK, seen_at=now)
    if outcome.changed:
        announce(s, settings, outcome, now)
    return outcome


def refresh_stock_now(db: Database, settings: Settings) -> Outcome | None:
    """`refresh_stock` for a person who asks (`/shortages`): read first, and take the write
    lock only when the alerts are behind the numbers (after an import, a reservation)."""
    now = utcnow()
    with db.read() as s:
        findings = all_stock_findings(reports.load_levels(s, thresholds_only=True))
        active = {
            (r.item_id, r.reason, r.ref): r
            for r in s.execute(
                select(
                    Alert.item_id, Alert.reason, Alert.ref, Alert.state, Alert.snoozed_until
                ).where(Alert.closed_at.is_(None), Alert.reason.in_(STOCK))
            )
        }
    woke = any(
        r.state == "snoozed" and r.snoozed_until is not None and as_utc(r.snoozed_until) <= now
        for k, r in active.items()
        if k in findings
    )
    if set(findings) == set(active) and not woke:
        return None
    with db.write() as s:
        return refresh_stock(s, settings, now)
