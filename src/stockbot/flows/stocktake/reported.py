"""A count reported whole: another system (the open API's `POST /adjustments`) says how many
of one item it found at one place, instead of a person answering line by line in chat.

It is the same document as a chat count, under the same rules — opened by the reporter, its
one line counted, submitted, and the variance card sent to whoever may approve it (never the
opener). Nothing is posted here: the adjustment is posted when an approver approves the count
(`review.approve`), exactly as for a count taken in chat. Stock is only ever adjusted that way.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from stockbot.flows.common import actor_id, base_qty, decide, refuse, require
from stockbot.flows.context import Ctx
from stockbot.flows.moves import Place, resolve_place
from stockbot.flows.stocktake import review
from stockbot.flows.stocktake.document import DOC, WF
from stockbot.flows.stocktake.opening import refuse_if_busy
from stockbot.replies import Reply
from stockbot.store.catalog import default_location
from stockbot.store.models import Balance, Batch, CountLine, CountSession, Item
from stockbot.timeutil import utcnow


@dataclass(frozen=True, slots=True)
class Counted:
    """`counted` of item `item_id` (in `unit`, else the item's own) found at `place` (a
    warehouse means its default location), in batch `batch` when the item is batched there."""

    item_id: int
    counted: Decimal
    unit: str | None
    place: str
    batch: str | None = None
    note: str | None = None


def report(ctx: Ctx, c: Counted) -> Reply:
    """Open, count and submit a one-line count of `c`; answer like the chat's last count line
    (`cnt.submitted`, with the variance)."""
    require(ctx, "keeper")
    with ctx.db.write() as s:
        item = s.get(Item, c.item_id)
        if item is None:
            raise refuse("stock.gone", ctx.lang)
        qty = base_qty(ctx, s, item, c.counted, c.unit)
        place = resolve_place(ctx, s, c.place)
        loc = place.location or default_location(s, place.warehouse.id)
        book_batch, book = _booked(ctx, s, item, loc.id, c.batch)
        scope = f"{Place(place.warehouse, loc).label} · {item.code}"[:200]
        refuse_if_busy(ctx, s, scope)
        me = actor_id(ctx, s)
        session = CountSession(
            scope=scope,
            warehouse_id=place.warehouse.id,
            state="counting",
            opened_by=me,
            **ctx.origin.columns(),
        )
        s.add(session)
        s.flush()
        s.add(
            CountLine(
                session_id=session.id,
                line_no=1,
                item_id=item.id,
                location_id=loc.id,
                batch_id=book_batch,
                book_qty=book,
                counted_qty=qty,
                counted_by=me,
                counted_at=utcnow(),
            )
        )
        s.flush()
        decide(ctx, s, DOC, session.id, "open", reason=c.note[:500] if c.note else None)
        return review.submit(ctx, s, session)


def _booked(
    ctx: Ctx, s: Session, item: Item, location_id: int, lot: str | None
) -> tuple[int | None, Decimal]:
    """The balance row the count is about: (batch id, book quantity). Where the item is held
    in several batches, the report must name one; a batch or place with nothing booked is a
    line at zero (the item turned up there)."""
    rows = s.execute(
        select(Balance.batch_id, Batch.lot, Balance.qty)
        .outerjoin(Batch, Batch.id == Balance.batch_id)
        .where(Balance.item_id == item.id, Balance.location_id == location_id)
        .order_by(Batch.lot)
    ).all()
    if lot is not None:
        named = [r for r in rows if (r.lot or "").lower() == lot.strip().lower()]
        if named:
            return named[0].batch_id, named[0].qty
        batch_id = s.scalar(
            select(Batch.id).where(Batch.item_id == item.id, Batch.lot == lot.strip())
        )
        if batch_id is None:
            lots = ", ".join(r.lot for r in rows if r.lot) or "-"
            raise refuse("cnt.no_batch", ctx.lang, item=item.code, lot=lot, lots=lots)
        return batch_id, Decimal(0)
    held = [r for r in rows if r.qty != 0]
    if len(held) > 1:
        lots = ", ".join(r.lot or "-" for r in held)
        raise refuse("cnt.which_batch", ctx.lang, item=item.code, lots=lots)
    if held:
        return held[0].batch_id, held[0].qty
    return (rows[0].batch_id, rows[0].qty) if len(rows) == 1 else (None, Decimal(0))


__all__ = ["WF", "Counted", "report"]
