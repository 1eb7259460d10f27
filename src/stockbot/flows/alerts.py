"""Shortage warnings (缺料预警) as documents on the one workflow, and `/shortages`.

An alert (`AL-00012`) is raised by the system, one per item, reason and ref that holds
(`alert_rules`), found by postings, the hourly scan and `/shortages` itself (`alert_scan`), and
announced to the warehouse's chats or people (`alert_cards`). People act on it from its card:

```
   (system) ──finding holds──▶ open ──Snooze 1 day──▶ snoozed ──a day later, still short──▶ open
                                 │                       │                     (announced again)
                                 └──Acknowledge──────────┴──▶ acknowledged (quiet until resolved)
   open / snoozed / acknowledged ──(system) the finding no longer holds──▶ closed
```
The person steps are `WF` below (keepers, purchasers, approvers); "closed" is reached by no one,
so a button pressed afterwards is told the item is no longer short, not who closed it. A card
speaks for all of one item's alerts announced together: its buttons act on the first of them
still open and take the others along. "Request purchase" is the purchase flow's button.

`/shortages` tells the truth when asked: it first brings the stock alerts up to the numbers of
every item with thresholds (an import that left items at zero, a reservation that ate the
safety stock), then lists them worst first, then the open shortage incidents (`SH-00001`: a
request that met too little stock, open until the stock is back).
"""

from __future__ import annotations

from collections import defaultdict
from datetime import timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

import stockbot.messages.alerts  # noqa: F401  (registers the catalogue)
from stockbot.flows import routing, shortage
from stockbot.flows.alert_rules import REASONS, label, why
from stockbot.flows.alert_scan import (  # noqa: F401  (the job, the wiring, the bench use these)
    on_stock_posted,
    refresh_stock_now,
    scan,
)
from stockbot.flows.common import actor_id, display_name, doc_number
from stockbot.flows.context import Ctx
from stockbot.flows.notices import At, Grid, L, Notice, Q, When
from stockbot.flows.workflow import Input, Workflow
from stockbot.replies import Reply
from stockbot.store.models import ActionToken, Alert, Item, ShortageIncident, User, Warehouse
from stockbot.store.quantities import quantities
from stockbot.timeutil import utcnow

ROLES = ("keeper", "purchaser", "approver")
LEGACY = {"ack": "acknowledge"}
"""Button actions of cards sent before alerts were documents."""
ZERO = Decimal(0)


def _item_label(s: Session, alert: Alert) -> Any:
    item = s.get(Item, alert.item_id)
    return label(item.code, item.name) if item else "?"


def _note(s: Session, alert: Alert) -> tuple[str, dict[str, Any]] | None:
    """What "already …" adds: which item, and until when / since when."""
    item = _item_label(s, alert)
    if alert.state == "closed" and alert.closed_at is not None:
        return "alert.note.closed", {"item": item, "at": At(alert.closed_at)}
    if alert.state == "snoozed" and alert.snoozed_until is not None:
        return "alert.note.snoozed", {"item": item, "at": When(alert.snoozed_until)}
    if alert.state == "acknowledged":
        return "alert.note.acknowledged", {"item": item}
    return None


class _Alerts(Workflow):
    def press(self, ctx: Ctx, token: ActionToken) -> Reply:
        """A card's button acts on the first of its alerts still open (one reason of the item
        may have cleared while another holds); the step takes the rest along."""
        ids = _ids(token)
        with ctx.db.read() as s:
            live = s.scalar(
                select(Alert.id)
                .where(Alert.id.in_(ids), Alert.closed_at.is_(None))
                .order_by(Alert.id)
                .limit(1)
            )
        action = LEGACY.get(token.action, token.action)
        return self.act(ctx, live or token.doc_id, action, Input(payload={"ids": ids}))


WF = _Alerts("alert", "AL", Alert, system_states=("closed",), note=_note)


def _ids(token: ActionToken) -> list[int]:
    ids = token.payload.get("ids") if token.payload else None
    if not isinstance(ids, list) or not ids or not all(isinstance(i, int) for i in ids):
        return [token.doc_id]
    return ids


def _along(s: Session, alert: Alert, inp: Input, source: tuple[str, ...], **values: Any) -> None:
    """The card's other alerts (other reasons of the same item) follow the one acted on."""
    others = [i for i in inp.payload.get("ids", []) if i != alert.id]
    if others:
        s.execute(
            update(Alert)
            .where(Alert.id.in_(others), Alert.closed_at.is_(None), Alert.state.in_(source))
            .values(updated_at=utcnow(), **values)
            .execution_options(synchronize_session=False)
        )


@WF.step("snooze", source=("open",), roles=ROLES)
def snooze(ctx: Ctx, s: Session, alert: Alert, inp: Input) -> Reply:
    """Snooze 1 day: quiet until then; if it is still short afterwards it is announced again."""
    until = utcnow() + timedelta(hours=ctx.settings.alert_snooze_hours)
    me = actor_id(ctx, s)
    values: dict[str, Any] = {"snoozed_until": until, "snoozed_by": me}
    WF.move(ctx, s, alert, "snooze", "snoozed", where=(Alert.closed_at.is_(None),), **values)
    _along(s, alert, inp, ("open",), state="snoozed", **values)
    who = ctx.actor.display_name
    notice = Notice("alert.snoozed", {"item": _item_label(s, alert), "who": who, "at": When(until)})
    return notice.render(ctx.lang, ctx.tz)


@WF.step("acknowledge", source=("open", "snoozed"), roles=ROLES)
def acknowledge(ctx: Ctx, s: Session, alert: Alert, inp: Input) -> Reply:
    """Acknowledge: someone is on it; quiet until the stock is back (then it closes)."""
    now, me = utcnow(), actor_id(ctx, s)
    values: dict[str, Any] = {"acknowledged_by": me, "acknowledged_at": now, "snoozed_until": None}
    WF.move(
        ctx, s, alert, "acknowledge", "acknowledged", where=(Alert.closed_at.is_(None),), **values
    )
    _along(s, alert, inp, ("open", "snoozed"), state="acknowledged", **values)
    notice = Notice("alert.acked", {"item": _item_label(s, alert), "who": ctx.actor.display_name})
    return notice.render(ctx.lang, ctx.tz)


# --- /shortages ------------------------------------------------------------------------------


def shortages(ctx: Ctx, cmd: Any = None, limit: int = 30) -> Reply:
    """`/shortages`: the stock warnings as the numbers stand now, worst first, then the open
    shortage incidents. Never "no warnings" while an item is at or below its thresholds."""
    outcome = refresh_stock_now(ctx.db, ctx.settings)
    with ctx.db.read() as s:
        said = [n for n in (_warnings(s, limit), _incidents(s, limit)) if n is not None]
        if not said:
            said = [Notice("alert.list.none")]
        if outcome is not None and outcome.unreached:
            default = s.scalar(
                select(Warehouse.id).where(Warehouse.code == ctx.settings.default_warehouse)
            )
            for wh in sorted({w for w in (x or default for x in outcome.unreached) if w}):
                said.append(routing.nobody_keeper(s, wh))
    return Reply(blocks=[b for n in said for b in n.render(ctx.lang, ctx.tz).blocks])


def _warnings(s: Session, limit: int) -> Notice | None:
    alerts = s.scalars(select(Alert).where(Alert.closed_at.is_(None))).all()
    if not alerts:
        return None
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
            (
                label(item.code, item.name, 40),
                why(a.reason for a in group),
                Q(qi.available, item.unit),
                Q(qi.projected, item.unit),
                _state(s, group),
            )
        )
    headers = tuple(L(f"alert.h.{h}") for h in ("item", "why", "available", "projected", "state"))
    notice = Notice("alert.list.title", {"n": len(order)}, grid=Grid(tuple(rows), headers))
    if len(order) > limit:
        notice = notice.then("alert.list.more", n=len(order) - limit)
    return notice


def _state(s: Session, group: list[Alert]) -> dict[str, Any]:
    a = min(group, key=lambda x: ("open", "snoozed", "acknowledged").index(x.state))
    if a.state == "snoozed" and a.snoozed_until is not None:
        return L("alert.col.snoozed", at=When(a.snoozed_until))
    if a.state == "acknowledged":
        return L("alert.col.acknowledged", who=display_name(s, a.acknowledged_by))
    return L("alert.col.open")


def _incidents(s: Session, limit: int) -> Notice | None:
    """Open shortage incidents: number, item, how much was missing, for whom, the purchase
    raised to resolve it."""
    total = s.scalar(
        select(func.count()).select_from(ShortageIncident).where(ShortageIncident.state == "open")
    )
    if not total:
        return None
    rows = []
    for inc, item, who in s.execute(
        select(ShortageIncident, Item, User.display_name)
        .join(Item, Item.id == ShortageIncident.item_id)
        .outerjoin(User, User.id == ShortageIncident.requester_id)
        .where(ShortageIncident.state == "open")
        .order_by(ShortageIncident.id)
        .limit(limit)
    ):
        short = inc.qty_requested - max(inc.qty_available, ZERO)
        pr = doc_number("pr", inc.purchase_request_id) if inc.purchase_request_id else "-"
        rows.append(
            (
                shortage.number(inc.id),
                label(item.code, item.name, 40),
                Q(short, item.unit),
                who or "?",
                inc.work_order or "-",
                pr,
            )
        )
    headers = tuple(L(f"sh.h.{h}") for h in ("no", "item", "short", "requester", "wo", "purchase"))
    notice = Notice("sh.list.title", {"n": total}, grid=Grid(tuple(rows), headers))
    if total > limit:
        notice = notice.then("sh.list.more", n=total - limit)
    return notice


# --- wiring ----------------------------------------------------------------------------------

COMMANDS = {"shortages": shortages}
ACTIONS = {(WF.doc_type, old): WF.press for old in LEGACY}
