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
from typing import Any, cast

from sqlalchemy import Table, bindparam, insert, select
from sqlalchemy.orm import Session

import stockbot.messages.common  # noqa: F401  (registers the catalogue)
from stockbot import units
from stockbot.flows.context import Ctx
from stockbot.flows.notices import Q
from stockbot.i18n import item_text, t, tm
from stockbot.lookup.service import ItemSearch
from stockbot.replies import Button, Choice, Reply
from stockbot.store.catalog import (
    ensure_user,
    ensure_warehouse,
    find_user,
    remember_handle,
    remember_wrote_language,
)
from stockbot.store.events import DocumentDecided, emit
from stockbot.store.models import (
    ActionToken,
    Decision,
    Item,
    ItemUnit,
    User,
    UserRole,
    Warehouse,
)
from stockbot.text import clip
from stockbot.timeutil import local, utcnow


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
    platform username they wrote with is recorded here too, so `@username` finds them later,
    and the language their text showed when it changed (`Actor.wrote_language`), so their later
    notices speak it. Only writing commands get here: a lookup records neither."""
    handle, wrote = ctx.actor.handle, ctx.actor.wrote_language
    if ctx.actor.user_id is not None:
        if handle:
            remember_handle(session, ctx.origin.platform, ctx.actor.platform_user_id, handle)
        if wrote and session.info.get(_WROTE) != ctx.actor.user_id:
            session.info[_WROTE] = ctx.actor.user_id  # a flow may ask more than once
            remember_wrote_language(session, ctx.actor.user_id, wrote)
        return ctx.actor.user_id
    user = find_user(session, ctx.origin.platform, ctx.actor.platform_user_id)
    if user is None or handle or wrote:
        user = ensure_user(
            session,
            ctx.origin.platform,
            ctx.actor.platform_user_id,
            ctx.actor.display_name,
            admins=ctx.settings.admin_identities(),
            handle=handle,
            wrote_language=wrote,
        )
    return user.id


_WROTE = "stockbot.wrote_language_recorded"


def require(ctx: Ctx, *roles: str) -> None:
    """Refuse unless the actor holds one of `roles` (admin may do everything)."""
    if not ctx.actor.has(*roles):
        names = t("or", ctx.lang).join(t(f"role.{r}", ctx.lang) for r in roles)
        raise refuse("flow.no_role", ctx.lang, roles=names)


# Built once (approvals ask on every request and click): no expression or cache key to build.
_WITH_ROLE = (
    select(User)
    .join(UserRole, UserRole.user_id == User.id)
    .where(UserRole.role.in_(bindparam("roles", expanding=True)), User.active.is_(True))
)
_LIMITS = select(UserRole.user_id, UserRole.role, UserRole.amount_limit).where(
    UserRole.user_id.in_(bindparam("users", expanding=True))
)


def users_with_role(session: Session, role: str, min_limit: Decimal | None = None) -> list[User]:
    users = {u.id: u for u in session.scalars(_WITH_ROLE, {"roles": [role, "admin"]})}
    if min_limit is not None:
        ok = set()
        for uid, r, limit in session.execute(_LIMITS, {"users": list(users)}):
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


def locked_item(session: Session, item_id: int) -> Item:
    """The item a command decides on, loaded and locked (`lock_item`) in one statement: such a
    command reads the item anyway, and on PostgreSQL a load and then a lock were two round
    trips. Where another lock comes first by rule (a receipt's PO before its item, as QC takes
    them), load the item and `lock_item` after that lock instead."""
    lock = session.get_bind().dialect.name == "postgresql"
    item = session.get(Item, item_id, with_for_update=True if lock else None)
    if item is None:
        raise LookupError(f"item {item_id} is gone")
    return item


def lock_items(session: Session, item_ids: Iterable[int]) -> None:
    """`lock_item` for many items in one statement, locked in id order (PostgreSQL locks the
    rows as the sorted scan returns them), so two work orders sharing components cannot
    deadlock."""
    ids = sorted(set(item_ids))
    if ids and session.get_bind().dialect.name == "postgresql":
        session.execute(select(Item.id).where(Item.id.in_(ids)).order_by(Item.id).with_for_update())


# --- what ----------------------------------------------------------------------------------------


CLEAR_LEAD = 12.0
"""A best fuzzy hit this many points ahead of the next is the one meant."""


def resolve_item(
    ctx: Ctx,
    session: Session,
    query: str,
    retry: dict[str, Any] | None = None,
    *,
    choice: Callable[[Session, int], str] | None = None,
    button_for: Callable[[int], str] | None = None,
    unknown_key: str = "item.none",
    choose_key: str = "item.choose",
    closest_key: str | None = None,
    limit: int = 6,
) -> Item:
    """The item a person means, or a Refusal carrying "did you mean" buttons.

    The one disambiguation every flow uses: an exact code/barcode/name that only one item has,
    a single hit or a clear winner is taken; anything closer is asked, never chosen silently —
    two items with the same name are both offered, with code and spec on their buttons. A
    pressed option re-runs the command (`retry`) naming the item as `#<id>`, or does what
    `choice(ui, item_id)`'s action id says (`/history` continues with the history), or — for
    read-only lookups — carries `button_for(item_id)` and writes nothing. The prompt says
    whether the names were the same (`item.same_name`) or nothing matched exactly
    (`closest_key`, else `choose_key`)."""
    if query.startswith("#") and query[1:].isdigit():
        picked = session.get(Item, int(query[1:]))
        if picked is None:
            raise refuse(unknown_key, ctx.lang, query=query[:100])
        return picked
    hits = ItemSearch.of(ctx.db).search(session, query, limit=limit)
    if not hits:
        raise refuse(unknown_key, ctx.lang, query=query[:100])
    exact = [h for h in hits if h.exact]
    top = hits[0]
    clear = len(hits) == 1 or (
        len(exact) == 1 if top.exact else top.score - hits[1].score >= CLEAR_LEAD
    )
    if clear:
        item = session.get(Item, top.item_id)
        if item is not None:
            return item
    ids = [h.item_id for h in (exact if len(exact) > 1 else hits)]
    items = {i.id: i for i in session.scalars(select(Item).where(Item.id.in_(ids)))}
    key = "item.same_name" if len(exact) > 1 else closest_key or choose_key
    prompt = tm(key, ctx.lang, query=query[:100])

    def options(make: Callable[[int], str]) -> list[Button]:
        shown = [items[i] for i in ids if i in items]
        return [Button(label=item_label(it, ctx.lang), action_id=make(it.id)) for it in shown]

    if button_for is not None:
        raise Refusal(Reply.of(Choice(prompt=prompt, options=options(button_for))))

    def retry_token(ui: Session, item_id: int) -> str:
        return token_for(ui, "cmd", 0, "retry", {**(retry or {}), "item_id": item_id})

    make = choice or retry_token
    # The choice buttons are UI state: committed on their own (call this from a read session,
    # before the flow's unit of work), so they still work after the refusal rolls back.
    with ctx.db.write() as ui:
        buttons = options(lambda i: make(ui, i))
    raise Refusal(Reply.of(Choice(prompt=prompt, options=buttons)))


def item_label(item: Item, lang: str, width: int = 75) -> str:
    """`CODE · name · spec` for a choice button, name and spec in the reader's script; a long
    name is shortened first, so the code and spec that tell look-alikes apart stay visible."""
    name, spec = item_text(item.name, lang), item_text(item.spec or "", lang)
    fixed = len(item.code) + (len(spec) + 3 if spec else 0) + 3
    name = clip(name, max(8, width - fixed))
    return clip(" · ".join(p for p in (item.code, name, spec) if p), width)


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
    """`qty unit` in the item's base unit (2 箱 → 200 pcs), checked against the base unit's
    decimal places (half a bolt is refused with the nearest whole numbers). The one check every
    command that takes a quantity goes through (`stockbot.units` holds the rules)."""
    factors = (
        {  # only a typed unit needs them: `5` alone is the base unit (no statement)
            x.unit: x.factor
            for x in session.scalars(select(ItemUnit).where(ItemUnit.item_id == item.id))
        }
        if unit
        else {}
    )
    try:
        return units.to_base(qty, unit, item.unit, factors, item.decimals)
    except units.UnitError as no:
        raise _unit_refusal(ctx, item, qty, unit, no) from None


def _unit_refusal(
    ctx: Ctx, item: Item, qty: Decimal, unit: str | None, no: units.UnitError
) -> Refusal:
    lang, p = ctx.lang, no.params
    name = units.unit_name(item.unit, lang)
    typed = units.show(qty, unit or item.unit, lang)
    if no.key == "unit.unknown":
        known = ", ".join(units.unit_name(u, lang) for u in p["known"])
        return refuse(no.key, lang, item=item.code, unit=name, given=unit, known=known)
    base: Decimal = p["base"]
    if unit and not units.same_unit(unit, item.unit):
        typed = t("unit.typed", lang, typed=typed, base=units.show(base, item.unit, lang))
    if no.key == "unit.too_large":
        return refuse(no.key, lang, item=item.code, qty=typed)
    options = t("or", lang).join(units.show(o, item.unit, lang) for o in p["options"])
    key = "unit.whole" if p["places"] == 0 else "unit.decimals"
    return refuse(
        key, lang, item=item.code, unit=name, places=p["places"], qty=typed, options=options
    )


def fq(qty: Decimal, unit: str, lang: str) -> str:
    """A quantity with its unit as `lang` reads it (`2 pcs`, `200个`): see `units.show`."""
    return units.show(qty, unit, lang)


def typed(cmd: Any) -> tuple[Decimal, str] | None:
    """What a command's quantity was typed as, when it named a unit (`2箱`)."""
    unit = getattr(cmd, "unit", None)
    return (cmd.qty, unit) if unit else None


def typed_qty(cmd: Any, qty: Decimal, unit: str) -> dict[str, str]:
    """The `Q` a reply shows for a command's own quantity: with what was typed when it was
    converted (`2箱 = 200 pcs`), so the person sees what their words became."""
    return said_qty(typed(cmd), qty, unit)


def said_qty(said: tuple[Decimal, str | None] | None, qty: Decimal, unit: str) -> dict[str, str]:
    """`typed_qty` for a quantity that came as text rather than a command (a count answer):
    `said` is (number, unit word) as typed."""
    if said is None or not said[1] or units.same_unit(said[1], unit):
        return Q(qty, unit)
    return Q(qty, unit, typed=(said[0], said[1]))


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


_DECIDE = insert(cast(Table, Decision.__table__)).returning(Decision.__table__.c.id)
"""Built once: every transition records one decision (`decide`), on the hot approval path."""


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
    """The decision on record, in the flow's unit of work. A prebuilt Core insert (after a
    flush of what the flow added, as before) rather than an ORM add + flush of one object:
    the answer is a detached `Decision` carrying what was written, for the flow's reply."""
    values = {
        "doc_type": doc_type,
        "doc_id": doc_id,
        "action": action,
        "level": level,
        "actor_id": actor_id(ctx, session),
        "qty": qty,
        "reason": reason,
        "created_at": utcnow(),
        **ctx.origin.columns(),
    }
    session.flush()
    decision_id = session.execute(_DECIDE, values).scalar_one()
    emit(session, DocumentDecided(doc_type, doc_id, action))
    return Decision(id=decision_id, **values)


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
