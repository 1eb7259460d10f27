"""What every workflow needs: the acting user, roles, item and unit resolution, buttons backed
by action tokens, the outbox, the decision trail, and the per-item lock.

Nothing here writes unless a flow's unit of work asks it to, so a refused or malformed command
leaves the database exactly as it was — not even a user row for a first-time sender.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Callable, Iterable
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

import stockbot.messages.common  # noqa: F401  (registers the catalogue)
from stockbot.flows.context import Ctx
from stockbot.i18n import t, tm
from stockbot.lookup.service import ItemSearch
from stockbot.replies import Button, Choice, Reply
from stockbot.store.catalog import ensure_user, ensure_warehouse, find_user, remember_handle
from stockbot.store.models import (
    ActionToken,
    Decision,
    Item,
    ItemUnit,
    User,
    UserRole,
    Warehouse,
)
from stockbot.store.types import fmt_qty
from stockbot.timeutil import local

BASE_UNIT_SYNONYMS = {
    "pcs": {"pcs", "pc", "piece", "pieces", "个", "個", "件", "只", "支", "颗", "顆", "ea", "each"},
    "kg": {"kg", "公斤", "千克", "kgs"},
    "m": {"m", "米", "meter", "meters", "metre"},
    "set": {"set", "sets", "套", "台"},
    "l": {"l", "升", "liter", "litre"},
}


class Refusal(Exception):
    """A flow's polite no: rolls the unit of work back and becomes the reply."""

    def __init__(self, reply: Reply) -> None:
        super().__init__(reply.plain())
        self.reply = reply


def refuse(key: str, lang: str, **params: Any) -> Refusal:
    return Refusal(Reply.text(tm(key, lang, **params), ephemeral=True, key=key))


# --- who -----------------------------------------------------------------------------------------


def actor_id(ctx: Ctx, session: Session) -> int:
    """The acting user's id, creating the user inside this unit of work on first sight; the
    platform username they wrote with is recorded here too, so `@username` finds them later."""
    handle = ctx.actor.handle
    if ctx.actor.user_id is not None:
        if handle:
            remember_handle(session, ctx.origin.platform, ctx.actor.platform_user_id, handle)
        return ctx.actor.user_id
    user = find_user(session, ctx.origin.platform, ctx.actor.platform_user_id)
    if user is None or handle:
        user = ensure_user(
            session,
            ctx.origin.platform,
            ctx.actor.platform_user_id,
            ctx.actor.display_name,
            admins=ctx.settings.admin_identities(),
            handle=handle,
        )
    return user.id


def require(ctx: Ctx, *roles: str) -> None:
    """Refuse unless the actor holds one of `roles` (admin may do everything)."""
    if not ctx.actor.has(*roles):
        names = t("or", ctx.lang).join(t(f"role.{r}", ctx.lang) for r in roles)
        raise refuse("flow.no_role", ctx.lang, roles=names)


def users_with_role(session: Session, role: str, min_limit: Decimal | None = None) -> list[User]:
    stmt = (
        select(User)
        .join(UserRole, UserRole.user_id == User.id)
        .where(UserRole.role.in_([role, "admin"]), User.active.is_(True))
    )
    users = {u.id: u for u in session.scalars(stmt)}
    if min_limit is not None:
        ok = set()
        for uid, r, limit in session.execute(
            select(UserRole.user_id, UserRole.role, UserRole.amount_limit).where(
                UserRole.user_id.in_(users)
            )
        ):
            if r == "admin" or (r == role and (limit is None or limit >= min_limit)):
                ok.add(uid)
        users = {k: v for k, v in users.items() if k in ok}
    return sorted(users.values(), key=lambda u: u.id)


def display_name(session: Session, user_id: int | None) -> str:
    if user_id is None:
        return "?"
    user = session.get(User, user_id)
    return user.display_name if user else "?"


def approval_limit(session: Session, user_id: int) -> Decimal | None:
    """The largest amount this user may approve; None means no limit (admin, or unset)."""
    rows = session.execute(
        select(UserRole.role, UserRole.amount_limit).where(UserRole.user_id == user_id)
    ).all()
    if any(r == "admin" for r, _ in rows):
        return None
    limits = [lim for r, lim in rows if r == "approver"]
    if not limits:
        return Decimal(0)
    known = [lim for lim in limits if lim is not None]
    return None if len(known) < len(limits) else max(known)


# --- where ---------------------------------------------------------------------------------------


def warehouse_for(ctx: Ctx, session: Session) -> Warehouse:
    """The chat's bound warehouse, else the configured default (created if missing)."""
    if ctx.chat_warehouse_id is not None:
        wh = session.get(Warehouse, ctx.chat_warehouse_id)
        if wh is not None:
            return wh
    wh = session.scalar(select(Warehouse).where(Warehouse.code == ctx.settings.default_warehouse))
    if wh is not None:
        return wh
    first = session.scalar(select(Warehouse).order_by(Warehouse.id).limit(1))
    return first if first is not None else ensure_warehouse(session, ctx.settings.default_warehouse)


def lock_item(session: Session, item_id: int) -> None:
    """Serialise availability decisions per item. PostgreSQL: a row lock on the item; SQLite's
    write transactions are already serial (BEGIN IMMEDIATE)."""
    lock_items(session, [item_id])


def lock_items(session: Session, item_ids: Iterable[int]) -> None:
    """`lock_item` for many items in one statement, locked in id order (PostgreSQL locks the
    rows as the sorted scan returns them), so two work orders sharing components cannot
    deadlock."""
    ids = sorted(set(item_ids))
    if ids and session.get_bind().dialect.name == "postgresql":
        session.execute(select(Item.id).where(Item.id.in_(ids)).order_by(Item.id).with_for_update())


# --- what ----------------------------------------------------------------------------------------


def resolve_item(
    ctx: Ctx,
    session: Session,
    query: str,
    retry: dict[str, Any] | None = None,
    *,
    choice: Callable[[Session, int], str] | None = None,
    unknown_key: str = "item.none",
    choose_key: str = "item.choose",
) -> Item:
    """The item a person means, or a Refusal carrying "did you mean" buttons.

    The one disambiguation every flow uses: an exact code/barcode, a single hit or a clear
    winner is taken; anything closer is asked, never chosen silently. A pressed option re-runs
    the command (`retry`) naming the item as `#<id>`, or does what `choice(ui, item_id)`'s
    action id says (`/history` continues with the history)."""
    if query.startswith("#") and query[1:].isdigit():
        picked = session.get(Item, int(query[1:]))
        if picked is None:
            raise refuse(unknown_key, ctx.lang, query=query[:100])
        return picked
    hits = ItemSearch.of(ctx.db).search(session, query, limit=6)
    if not hits:
        raise refuse(unknown_key, ctx.lang, query=query[:100])
    top = hits[0]
    if top.exact or len(hits) == 1 or top.score - hits[1].score >= 12:
        item = session.get(Item, top.item_id)
        if item is not None:
            return item
    ids = [h.item_id for h in hits]
    items = {i.id: i for i in session.scalars(select(Item).where(Item.id.in_(ids)))}

    def retry_token(ui: Session, item_id: int) -> str:
        return token_for(ui, "cmd", 0, "retry", {**(retry or {}), "item_id": item_id})

    make = choice or retry_token
    # The choice buttons are UI state: committed on their own (call this from a read session,
    # before the flow's unit of work), so they still work after the refusal rolls back.
    with ctx.db.write() as ui:
        options = [
            Button(label=f"{items[i].code} · {items[i].name}"[:75], action_id=make(ui, i))
            for i in ids
            if i in items
        ]
    prompt = tm(choose_key, ctx.lang, query=query[:100])
    raise Refusal(Reply.of(Choice(prompt=prompt, options=options)))


def item_and_qty(ctx: Ctx, cmd: Any, item_id: int | None = None) -> tuple[int, Decimal]:
    """What every stock command starts with: the item it names (asked, never guessed — see
    `resolve_item`; `item_id` when a pressed choice already named it) and the quantity in the
    item's base unit. Read-only, before the command's unit of work: a refusal writes nothing."""
    retry = {"command": cmd.model_dump(mode="json")}
    with ctx.db.read() as s:
        item = s.get(Item, item_id) if item_id else resolve_item(ctx, s, cmd.item, retry)
        if item is None:
            raise refuse("stock.gone", ctx.lang)
        return item.id, base_qty(ctx, s, item, cmd.qty, cmd.unit)


def base_qty(ctx: Ctx, session: Session, item: Item, qty: Decimal, unit: str | None) -> Decimal:
    """Convert `qty unit` to the item's base unit (2 箱 → 200 pcs); refuse unknown units."""
    if not unit:
        return qty
    u = unit.strip().lower()
    base = item.unit.lower()
    if u == base or u in BASE_UNIT_SYNONYMS.get(base, set()):
        return qty
    factors = {
        x.unit.lower(): x.factor
        for x in session.scalars(select(ItemUnit).where(ItemUnit.item_id == item.id))
    }
    if u in factors:
        return qty * factors[u]
    known = ", ".join([item.unit, *factors]) or item.unit
    raise refuse("unit.unknown", ctx.lang, item=item.code, unit=item.unit, given=unit, known=known)


def fq(qty: Decimal, unit: str = "") -> str:
    return f"{fmt_qty(qty)} {unit}".strip()


DOC_PREFIX = {"mr": "MR", "pr": "PR", "po": "PO", "gr": "GR", "count": "CNT"}
_DOC_RE = re.compile(r"^\s*(MR|PR|PO|GR|CNT)[-#]?0*(\d{1,9})\s*$", re.IGNORECASE)


def doc_number(doc_type: str, doc_id: int) -> str:
    return f"{DOC_PREFIX[doc_type]}-{doc_id:05d}"


def parse_doc(text: str) -> tuple[str, int] | None:
    """`MR-00012`, `mr12`, `MR#12` → ("mr", 12)."""
    m = _DOC_RE.match(text or "")
    if not m:
        return None
    prefix = m.group(1).upper()
    doc_type = next(k for k, v in DOC_PREFIX.items() if v == prefix)
    return doc_type, int(m.group(2))


# --- buttons, outbox, decisions --------------------------------------------------------------


def token_for(
    session: Session,
    doc_type: str,
    doc_id: int,
    action: str,
    payload: dict[str, Any] | None = None,
) -> str:
    """A fresh opaque action id (`a:<token>`, 24 bytes) whose meaning is stored here."""
    token = secrets.token_urlsafe(16)
    session.add(
        ActionToken(
            token=token, doc_type=doc_type, doc_id=doc_id, action=action, payload=payload or {}
        )
    )
    return f"a:{token}"


def button(
    session: Session,
    label: str,
    doc_type: str,
    doc_id: int,
    action: str,
    payload: dict[str, Any] | None = None,
    style: str = "default",
) -> Button:
    return Button(
        label=label,
        action_id=token_for(session, doc_type, doc_id, action, payload),
        style=style,  # type: ignore[arg-type]
    )


def decide(
    ctx: Ctx,
    session: Session,
    doc_type: str,
    doc_id: int,
    action: str,
    *,
    level: int = 1,
    qty: Decimal | None = None,
    reason: str | None = None,
) -> Decision:
    d = Decision(
        doc_type=doc_type,
        doc_id=doc_id,
        action=action,
        level=level,
        actor_id=actor_id(ctx, session),
        qty=qty,
        reason=reason,
        **ctx.origin.columns(),
    )
    session.add(d)
    session.flush()
    return d


def last_decision(session: Session, doc_type: str, doc_id: int) -> Decision | None:
    return session.scalar(
        select(Decision)
        .where(Decision.doc_type == doc_type, Decision.doc_id == doc_id)
        .order_by(Decision.id.desc())
        .limit(1)
    )


def local_time(ctx: Ctx, at: datetime, fmt: str = "%H:%M") -> str:
    """`at` on the asking chat's wall clock."""
    return local(at, ctx.tz, fmt=fmt)
