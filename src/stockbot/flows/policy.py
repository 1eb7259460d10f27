"""`/policy <item>` — an item's safety stock and reorder point, whether they are fixed or
dynamic, the history they came from and when; admins pin a value (`pin safety 40`,
`pin rop 120`), return the item to `dynamic` or make it `fixed`. And the weekly
`policy-recompute` job that keeps dynamic items in step with the ledger.

The effective numbers stay on the item (`safety_stock`, `reorder_point`), where the alerts read
them. Every change — a pin, a mode, a recompute that moved a number — is a `policy_changes`
row: who (None: the weekly job), when, old → new.
"""

from __future__ import annotations

import logging
import unicodedata
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Any, cast

from sqlalchemy import Table, insert, select, update
from sqlalchemy.orm import Session

import stockbot.messages.reports  # noqa: F401  (registers the catalogue)
from stockbot.config import Settings
from stockbot.flows.common import fq, refuse, require, resolve_item
from stockbot.flows.context import Ctx
from stockbot.i18n import t, tm
from stockbot.replies import Fields, Reply, Text
from stockbot.reports import policy as rules
from stockbot.store import ledger
from stockbot.store.models import (
    DYNAMIC,
    FIXED,
    Item,
    ItemPolicy,
    PolicyChange,
    Role,
    User,
)
from stockbot.store.types import fmt_qty
from stockbot.timeutil import local, utcnow

log = logging.getLogger(__name__)

_DYNAMIC = {"dynamic", "auto", "动态", "動態"}
_FIXED = {"fixed", "fix", "固定"}
_PIN = {"pin", "set", "锁定", "鎖定", "设为", "設為"}
_FIELDS = {
    "safety": "safety", "ss": "safety", "safety_stock": "safety", "安全库存": "safety",
    "安全庫存": "safety", "rop": "rop", "reorder": "rop", "reorder_point": "rop",
    "再订货点": "rop", "再訂貨點": "rop",
}  # fmt: skip
COLUMN = {"safety": "safety_stock", "rop": "reorder_point"}


@dataclass(frozen=True, slots=True)
class Ask:
    item: str
    action: str | None = None  # None (show), "pin", "dynamic", "fixed"
    field: str | None = None
    qty: Decimal | None = None


def parse(text: str, lang: str) -> Ask:
    """`<item> [pin safety|rop <qty> | dynamic | fixed]`, read from the right (an item's name
    may have spaces). Refuses a pin without a valid quantity."""
    words = unicodedata.normalize("NFKC", text).split()
    low = [w.lower() for w in words]
    if len(words) >= 2 and low[-1] in _DYNAMIC:
        return Ask(" ".join(words[:-1]), "dynamic")
    if len(words) >= 2 and low[-1] in _FIXED:
        return Ask(" ".join(words[:-1]), "fixed")
    if len(words) >= 4 and low[-3] in _PIN and low[-2] in _FIELDS:
        try:
            qty = Decimal(words[-1].replace(",", ""))
        except InvalidOperation:
            raise refuse("pol.bad_qty", lang, text=words[-1][:20]) from None
        if not qty.is_finite() or qty < 0 or qty > Decimal(10) ** 12:
            raise refuse("pol.bad_qty", lang, text=words[-1][:20])
        return Ask(" ".join(words[:-3]), "pin", _FIELDS[low[-2]], qty)
    if any(w in _PIN for w in low):
        raise refuse("pol.bad_args", lang)
    return Ask(" ".join(words))


# --- recomputing ---------------------------------------------------------------------------------


@dataclass(slots=True)
class Recomputed:
    items: int = 0
    changed: int = 0
    kept: int = 0
    """Too little history: fixed values kept."""


def recompute(
    db: Any, settings: Settings, now: datetime | None = None, item_ids: list[int] | None = None
) -> Recomputed:
    """Recompute every dynamic item (or these): new numbers where the history suffices, the
    reason otherwise; pinned values stay. One transaction, bulk statements."""
    now = now or utcnow()
    today = ledger.business_day(now, settings.timezone)
    out = Recomputed()
    with db.write() as s:
        stmt = select(ItemPolicy.item_id, ItemPolicy.pinned_safety, ItemPolicy.pinned_rop,
                      Item.safety_stock, Item.reorder_point) \
            .join(Item, Item.id == ItemPolicy.item_id) \
            .where(ItemPolicy.mode == DYNAMIC, Item.active.is_(True))  # fmt: skip
        if item_ids is not None:
            stmt = stmt.where(ItemPolicy.item_id.in_(item_ids))
        dynamic = s.execute(stmt).all()
        if not dynamic:
            return out
        bases = rules.history(
            s,
            None if len(dynamic) > 5000 else [r[0] for r in dynamic],
            today,
            window=settings.policy_window_days,
            samples=settings.policy_lead_samples,
            timezone=settings.timezone,
        )
        item_rows, policy_rows, changes = [], [], []
        for item_id, pin_ss, pin_rop, safety, rop in dynamic:
            out.items += 1
            basis = bases.get(item_id) or rules.Basis(settings.policy_window_days)
            state = rules.status(
                basis, settings.policy_min_usage_days, settings.policy_min_lead_samples
            )
            policy_rows.append({"i": item_id, "st": state, "basis": basis.as_json(), "at": now})
            if state != "ok":
                out.kept += 1
                continue
            new_ss, new_rop = rules.levels_from(basis)
            new_ss = pin_ss if pin_ss is not None else new_ss
            new_rop = pin_rop if pin_rop is not None else new_rop
            if (new_ss, new_rop) == (safety, rop):
                continue
            out.changed += 1
            item_rows.append({"i": item_id, "ss": new_ss, "rop": new_rop, "at": now})
            for name, old, new in (("safety", safety, new_ss), ("rop", rop, new_rop)):
                if old != new:
                    changes.append(_change(item_id, name, fmt_qty(old), fmt_qty(new), None, now))
        _bulk(s, item_rows, policy_rows, changes)
    log.info("policy recompute: %d dynamic item(s), %d changed, %d kept (too little history)",
             out.items, out.changed, out.kept)  # fmt: skip
    return out


def _change(item_id: int, name: str, old: str | None, new: str | None, actor: int | None,
            at: datetime) -> dict[str, Any]:  # fmt: skip
    return {"item_id": item_id, "field": name, "old": old, "new": new, "actor_id": actor,
            "created_at": at}  # fmt: skip


def _bulk(s: Session, items: list[dict], policies: list[dict], changes: list[dict]) -> None:
    from sqlalchemy import bindparam

    conn = s.connection()
    items_t, policies_t = cast(Table, Item.__table__), cast(Table, ItemPolicy.__table__)
    if items:
        conn.execute(
            update(items_t)
            .where(items_t.c.id == bindparam("i"))
            .values(
                safety_stock=bindparam("ss"),
                reorder_point=bindparam("rop"),
                updated_at=bindparam("at"),
            ),
            items,
        )
    if policies:
        conn.execute(
            update(policies_t)
            .where(policies_t.c.item_id == bindparam("i"))
            .values(
                status=bindparam("st"), basis=bindparam("basis"), recomputed_at=bindparam("at")
            ),
            policies,
        )
    if changes:
        conn.execute(insert(cast(Table, PolicyChange.__table__)), changes)


# --- the command ------------------------------------------------------------------------------


def policy(ctx: Ctx, cmd: Any) -> Reply:
    ask = parse(cmd.text, ctx.lang)
    if not ask.item:
        raise refuse("pol.bad_args", ctx.lang)
    if ask.action is not None:
        require(ctx, Role.ADMIN)
    with ctx.db.read() as s:
        item_id = resolve_item(ctx, s, ask.item, {"command": cmd.model_dump(mode="json")}).id
    if ask.action is None:
        return show(ctx, item_id)
    now = utcnow()
    with ctx.db.write() as s:
        item = s.get(Item, item_id)
        assert item is not None
        pol = s.get(ItemPolicy, item_id)
        if pol is None:
            pol = ItemPolicy(item_id=item_id, mode=FIXED, basis={}, updated_at=now)
            s.add(pol)
        actor = ctx.actor.user_id
        label = f"{item.code} {item.name}"
        if ask.action == "pin":
            assert ask.field is not None and ask.qty is not None
            column = COLUMN[ask.field]
            old = getattr(item, column)
            setattr(item, column, ask.qty)
            setattr(pol, "pinned_safety" if ask.field == "safety" else "pinned_rop", ask.qty)
            item.updated_at = pol.updated_at = now
            s.add(PolicyChange(**_change(item_id, ask.field, fmt_qty(old), fmt_qty(ask.qty),
                                         actor, now)))  # fmt: skip
            text = tm("pol.pinned_done", ctx.lang, item=label,
                      field=t(f"pol.field.{ask.field}", ctx.lang),
                      qty=fq(ask.qty, item.unit, ctx.lang),
                      old=fq(old, item.unit, ctx.lang))  # fmt: skip
            return Reply.of(Text(text=text, key="pol.pinned_done"))
        old_mode = pol.mode
        pol.mode = DYNAMIC if ask.action == "dynamic" else FIXED
        if ask.action == "dynamic":
            pol.pinned_safety = pol.pinned_rop = None
        pol.updated_at = now
        s.add(PolicyChange(**_change(item_id, "mode", old_mode, pol.mode, actor, now)))
    if ask.action == "fixed":
        return Reply.of(Text(text=tm("pol.fixed_done", ctx.lang, item=label), key="pol.fixed_done"))
    recompute(ctx.db, ctx.settings, now, [item_id])
    with ctx.db.read() as s:
        pol = s.get(ItemPolicy, item_id)
        state = _status_text(pol, ctx.lang, ctx.settings) if pol else ""
    done = Text(text=tm("pol.dynamic_done", ctx.lang, item=label, status=state),
                key="pol.dynamic_done")  # fmt: skip
    return Reply.of(done, *show(ctx, item_id).blocks)


def _status_text(pol: ItemPolicy, lang: str, settings: Settings) -> str:
    if not pol.status:
        return "—"
    b = pol.basis or {}
    return t(
        f"pol.status.{pol.status}",
        lang,
        usage_days=b.get("usage_days", 0),
        days=b.get("window", settings.policy_window_days),
        need=settings.policy_min_usage_days if pol.status == "little_usage"
        else settings.policy_min_lead_samples,
        n=b.get("receipts", 0),
    )  # fmt: skip


def show(ctx: Ctx, item_id: int) -> Reply:
    lang = ctx.lang
    with ctx.db.read() as s:
        item = s.get(Item, item_id)
        assert item is not None
        pol = s.get(ItemPolicy, item_id)
        changes = s.execute(
            select(PolicyChange, User.display_name)
            .outerjoin(User, User.id == PolicyChange.actor_id)
            .where(PolicyChange.item_id == item_id)
            .order_by(PolicyChange.created_at.desc(), PolicyChange.id.desc())
            .limit(5)
        ).all()
        mode = pol.mode if pol else FIXED

        def value(qty: Decimal, pinned: Decimal | None) -> str:
            shown = fq(qty, item.unit, lang)
            return t("pol.pinned", lang, qty=shown) if pinned is not None else shown

        rows = [
            (t("pol.safety", lang), value(item.safety_stock, pol.pinned_safety if pol else None)),
            (t("pol.rop", lang), value(item.reorder_point, pol.pinned_rop if pol else None)),
            (t("pol.recomputed", lang),
             local(pol.recomputed_at, ctx.tz, fmt="%Y-%m-%d %H:%M")
             if pol and pol.recomputed_at else t("pol.never", lang)),
        ]  # fmt: skip
        if pol and pol.status:
            rows.append((t("pol.status_label", lang), _status_text(pol, lang, ctx.settings)))
        if pol and pol.basis:
            b = pol.basis
            rows.append((t("pol.basis", lang), t("pol.basis.text", lang, days=b["window"],
                         usage_days=b["usage_days"], avg=b["avg"], max=b["max"], n=b["receipts"],
                         avg_lead=b["avg_lead"], max_lead=b["max_lead"])))  # fmt: skip
        blocks: list[Any] = [
            Text(
                text=tm(
                    "pol.title",
                    lang,
                    item=f"{item.code} {item.name}",
                    mode=t(f"pol.mode.{mode}", lang),
                ),
                key="pol.title",
            ),
            Fields(rows=rows),
        ]
        if changes:
            lines = [
                t("pol.change", lang, when=local(c.created_at, ctx.tz, fmt="%Y-%m-%d %H:%M"),
                  who=who or t("pol.scheduler", lang), field=t(f"pol.field.{c.field}", lang),
                  old=_word(c.old, lang), new=_word(c.new, lang))
                for c, who in changes
            ]  # fmt: skip
            blocks.append(Text(text=t("pol.changes", lang) + "\n" + "\n".join(lines)))
    return Reply.of(*blocks)


def _word(value: str | None, lang: str) -> str:
    if value in (FIXED, DYNAMIC):
        return t(f"pol.mode.{value}", lang)
    return value or "—"


COMMANDS = {"policy": policy}
DOC_COMMANDS: dict = {}
ACTIONS: dict = {}
REPLIES: dict = {}
