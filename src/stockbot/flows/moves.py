"""Transfers (调拨) between warehouses/locations (returns, 退料, are in flows/returns.py).

```
/transfer <item> <qty> <from> <to>   keeper/admin: TRANSFER_OUT at the source (FEFO/FIFO
                                      batches) + TRANSFER_IN of the same batches at the target
"Transfer N from WH2" (shortage card)  the same, between two warehouses, once per button
```
A transfer is not a document with states: the posting is the record (who, when, from which
chat), and its idempotency key — the inbound event, or the pressed button's token — is what makes a
redelivered message or a double-pressed button move stock once.

`<from>`/`<to>` name a place: `WH` (a whole warehouse; as a target its default location),
`WH/LOC`, or a bare location code that exists in exactly one warehouse (case-insensitive).
Moving stock out of a warehouse is checked against its *available* quantity (on hand − open
reservations), so a transfer cannot take stock promised to an approved request; a move inside
one warehouse leaves its reservations covered and is checked against on-hand only.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

import stockbot.messages.moves  # noqa: F401  (registers the catalogue)
from stockbot import units
from stockbot.commands.parser import TransferCmd
from stockbot.flows.common import (
    actor_id,
    display_name,
    fq,
    item_and_qty,
    local_time,
    locked_item,
    refuse,
    require,
    typed,
)
from stockbot.flows.context import Ctx
from stockbot.flows.picking import in_pick_order
from stockbot.i18n import tm
from stockbot.replies import Reply
from stockbot.store import ledger
from stockbot.store.catalog import default_location
from stockbot.store.models import (
    DEFAULT_LOCATION,
    ActionToken,
    Item,
    Location,
    MovementKind,
    Posting,
    Warehouse,
)
from stockbot.store.quantities import quantities
from stockbot.store.types import fmt_qty

ZERO = Decimal(0)
MAX_LISTED = 20


# --- places ------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Place:
    """A warehouse, or one location in it (`location` None = the whole warehouse)."""

    warehouse: Warehouse
    location: Location | None = None

    @property
    def label(self) -> str:
        if self.location is None or self.location.code == DEFAULT_LOCATION:
            return self.warehouse.code
        return f"{self.warehouse.code}/{self.location.code}"


def _warehouse_codes(s: Session) -> str:
    codes = s.scalars(select(Warehouse.code).order_by(Warehouse.code).limit(MAX_LISTED)).all()
    return ", ".join(codes) or "-"


def lookup_place(ctx: Ctx, s: Session, text: str) -> Place | None:
    """`WH`, `WH/LOC` or a location code unique across warehouses (case-insensitive); None when
    the text names no warehouse or location. A known warehouse with an unknown location, or a
    location code found in several warehouses, is refused with the choices."""
    raw = text.strip()
    wh_text, slash, loc_text = raw.partition("/")
    if slash:
        wh = s.scalar(select(Warehouse).where(func.lower(Warehouse.code) == wh_text.lower()))
        if wh is None:
            return None
        loc = s.scalar(
            select(Location).where(
                Location.warehouse_id == wh.id, func.lower(Location.code) == loc_text.lower()
            )
        )
        if loc is None:
            known = s.scalars(
                select(Location.code)
                .where(Location.warehouse_id == wh.id)
                .order_by(Location.code)
                .limit(MAX_LISTED)
            ).all()
            raise refuse(
                "mv.unknown_location", ctx.lang, wh=wh.code, loc=loc_text, known=", ".join(known)
            )
        return Place(wh, loc)
    wh = s.scalar(select(Warehouse).where(func.lower(Warehouse.code) == raw.lower()))
    if wh is not None:
        return Place(wh)
    found = s.execute(
        select(Location, Warehouse)
        .join(Warehouse, Warehouse.id == Location.warehouse_id)
        .where(func.lower(Location.code) == raw.lower(), Location.code != DEFAULT_LOCATION)
        .order_by(Warehouse.code)
    ).all()
    if len(found) > 1:
        known = ", ".join(Place(w, loc).label for loc, w in found)
        raise refuse("mv.ambiguous_place", ctx.lang, place=raw, known=known)
    return Place(found[0][1], found[0][0]) if found else None


def resolve_place(ctx: Ctx, s: Session, text: str) -> Place:
    """Like `lookup_place`, refusing a name that is no place with the list of warehouses."""
    place = lookup_place(ctx, s, text)
    if place is None:
        raise refuse("mv.unknown_place", ctx.lang, place=text.strip(), known=_warehouse_codes(s))
    return place


# --- transfer ----------------------------------------------------------------------------------


def transfer(ctx: Ctx, cmd: TransferCmd) -> Reply:
    require(ctx, "keeper")
    item_id, qty = item_and_qty(ctx, cmd)
    with ctx.db.write() as s:
        src = resolve_place(ctx, s, cmd.from_loc)
        dst = resolve_place(ctx, s, cmd.to_loc)
        key = ctx.origin.key("transfer")
        return _move(ctx, s, item_id, qty, src, dst, key, said=typed(cmd))


def transfer_button(ctx: Ctx, token: ActionToken) -> Reply:
    """The shortage card's "Transfer N from WH2": warehouse to warehouse, once per button."""
    require(ctx, "keeper")
    payload = token.payload or {}
    try:
        src_id, dst_id = int(payload["from"]), int(payload["to"])
        qty = Decimal(str(payload["qty"]))
    except (KeyError, TypeError, ValueError, ArithmeticError):
        raise refuse("button.stale", ctx.lang) from None
    if not qty.is_finite() or qty <= 0:
        raise refuse("button.stale", ctx.lang)
    with ctx.db.write() as s:
        src_wh, dst_wh = s.get(Warehouse, src_id), s.get(Warehouse, dst_id)
        if src_wh is None or dst_wh is None or s.get(Item, token.doc_id) is None:
            raise refuse("button.stale", ctx.lang)
        dst = Place(dst_wh, default_location(s, dst_wh.id))
        return _move(ctx, s, token.doc_id, qty, Place(src_wh), dst, f"transfer:{token.token}")


def _already_posted(ctx: Ctx, s: Session, key: str) -> Reply | None:
    done = s.scalar(select(Posting).where(Posting.idempotency_key == key))
    if done is None:
        return None
    return Reply.text(
        tm(
            "mv.already",
            ctx.lang,
            who=display_name(s, done.actor_id),
            at=local_time(ctx, done.created_at),
        ),
        ephemeral=True,
    )


def _move(
    ctx: Ctx,
    s: Session,
    item_id: int,
    qty: Decimal,
    src: Place,
    dst: Place,
    key: str,
    said: tuple[Decimal, str] | None = None,
) -> Reply:
    """One unit of work: check, pick FEFO/FIFO at the source, post OUT + IN in one posting."""
    item = locked_item(s, item_id)
    if (earlier := _already_posted(ctx, s, key)) is not None:
        return earlier
    target = dst.location or default_location(s, dst.warehouse.id)
    same_warehouse = src.warehouse.id == dst.warehouse.id
    if (src.location is not None and src.location.id == target.id) or (
        same_warehouse and src.location is None and dst.location is None
    ):
        raise refuse("mv.same_place", ctx.lang, place=Place(dst.warehouse, target).label)
    if not same_warehouse:
        q = quantities(s, [item.id], src.warehouse.id)[item.id]
        if qty > q.available:
            raise refuse(
                "mv.short_available",
                ctx.lang,
                item=item.code,
                wh=src.warehouse.code,
                on_hand=fq(q.on_hand, item.unit, ctx.lang),
                reserved=fq(q.reserved, item.unit, ctx.lang),
                available=fq(max(q.available, ZERO), item.unit, ctx.lang),
                qty=fq(qty, item.unit, ctx.lang),
                short=fq(qty - max(q.available, ZERO), item.unit, ctx.lang),
            )
    picks = _pick(s, item, src, exclude_location_id=target.id)
    here = sum((p[2] for p in picks), ZERO)
    if qty > here:
        raise refuse(
            "mv.short_place",
            ctx.lang,
            item=item.code,
            place=src.label,
            on_hand=fq(here, item.unit, ctx.lang),
            qty=fq(qty, item.unit, ctx.lang),
            short=fq(qty - here, item.unit, ctx.lang),
        )
    lines: list[ledger.Line] = []
    lots: list[str] = []
    need = qty
    for location_id, batch_id, on_hand, lot in picks:
        if need <= 0:
            break
        take = min(need, on_hand)
        lines.append(ledger.Line(item.id, location_id, -take, MovementKind.TRANSFER_OUT, batch_id))
        lines.append(ledger.Line(item.id, target.id, take, MovementKind.TRANSFER_IN, batch_id))
        if lot:
            lots.append(f"{lot} {fmt_qty(take)}")
        need -= take
    src_label, dst_label = src.label, Place(dst.warehouse, target).label
    result = ledger.post(
        s.connection(),
        ledger.Meta(
            idempotency_key=key,
            kind="transfer",
            actor_id=actor_id(ctx, s),
            doc_type="transfer",
            doc_id=f"{src_label}>{dst_label}"[:64],
            **ctx.origin.columns(),
            note=f"{src_label} → {dst_label}",
        ),
        lines,
    )
    if result.already_done:  # a racing twin posted first (its lock released our wait)
        earlier = _already_posted(ctx, s, key)
        assert earlier is not None
        return earlier
    at = s.get(Posting, result.posting_id)
    return Reply.text(
        tm(
            "mv.moved",
            ctx.lang,
            qty=units.show_typed(qty, item.unit, said, ctx.lang),
            item=item.code,
            src=src_label,
            dst=dst_label,
            batches=tm("mv.batches", ctx.lang, lots=", ".join(lots)) if lots else "",
            who=ctx.actor.display_name,
            at=local_time(ctx, at.created_at) if at else "",
        )
    )


def _pick(
    s: Session, item: Item, src: Place, exclude_location_id: int
) -> list[tuple[int, int | None, Decimal, str | None]]:
    """The source's stock rows in the order they should leave (see flows.picking)."""
    picks = in_pick_order(
        s, item.id, src.warehouse.id,
        location_id=src.location.id if src.location is not None else None,
        exclude_location_id=exclude_location_id,
    )  # fmt: skip
    return [(p.location_id, p.batch_id, p.qty, p.lot) for p in picks]


# --- wiring ------------------------------------------------------------------------------------

COMMANDS = {
    "transfer": transfer,
}
ACTIONS = {
    ("item", "transfer"): transfer_button,
}
