"""What a goods receipt means for the books: where the goods go, which purchase-order line they
count against, the over-receipt tolerance, batches and expiry, and the one posting.

Kept apart from `flows.receipts` (the command and the QC steps) because none of this is about
who may act or when: it is the receipt's own arithmetic, called inside the step's unit of work.
Refusals here are raised before anything is posted, so a refused receipt writes nothing.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any, cast

from sqlalchemy import CursorResult, func, select, update
from sqlalchemy.orm import Session

import stockbot.messages.receipts  # noqa: F401  (registers the catalogue)
from stockbot.flows.common import Refusal, actor_id, doc_number, parse_doc
from stockbot.flows.context import Ctx
from stockbot.flows.notices import Day, L, Notice, Q
from stockbot.flows.purchase_orders import local_today
from stockbot.flows.workflow import Workflow
from stockbot.store import ledger
from stockbot.store.catalog import default_location, ensure_batch
from stockbot.store.models import (
    DEFAULT_LOCATION,
    Batch,
    GoodsReceipt,
    Item,
    Location,
    MovementKind,
    PurchaseOrder,
    PurchaseOrderLine,
    PurchaseRequest,
    Warehouse,
)
from stockbot.store.types import fmt_qty

ZERO = Decimal(0)


def refusal(ctx: Ctx, key: str, **params: Any) -> Refusal:
    """A refusal for the actor, from a catalogue key (quantities via `Q`, texts via `L`)."""
    return Workflow.refusal(ctx, Notice(key, params))


# --- where ---------------------------------------------------------------------------------------


def location(ctx: Ctx, s: Session, wh: Warehouse, code: str | None) -> Location:
    """`loc <code>` in this warehouse (exact, else case-insensitive); none → the default."""
    if code is None or not code.strip():
        return default_location(s, wh.id)
    code = code.strip()
    locs = s.scalars(select(Location).where(Location.warehouse_id == wh.id)).all()
    exact = [x for x in locs if x.code == code] or [
        x for x in locs if x.code.lower() == code.lower()
    ]
    if len(exact) == 1:
        return exact[0]
    known = sorted(x.code for x in locs if x.code != DEFAULT_LOCATION)
    raise refusal(
        ctx,
        "gr.no_loc",
        warehouse=wh.code,
        loc=code[:64],
        known=", ".join(known[:30]) if known else L("gr.no_locs"),
    )


def place(wh: Warehouse, loc: Location) -> str:
    return wh.code if loc.code == DEFAULT_LOCATION else f"{wh.code}/{loc.code}"


# --- against a purchase order -----------------------------------------------------------------


def _po_id(ctx: Ctx, text: str) -> int:
    """`PO-00003`, `po3`, or just `3`."""
    raw = text.strip()
    if raw.isdigit() and len(raw) <= 9:
        return int(raw)
    parsed = parse_doc(raw)
    if parsed is None or parsed[0] != "po":
        raise refusal(ctx, "gr.no_po", po=raw[:64])
    return parsed[1]


def lock_po(s: Session, po_id: int) -> None:
    """Receipts against one PO queue up (PostgreSQL row lock), so closing the PO with its last
    line is decided by one receipt at a time; SQLite's writers are serial already."""
    if s.get_bind().dialect.name == "postgresql":
        s.execute(select(PurchaseOrder.id).where(PurchaseOrder.id == po_id).with_for_update())


def po_line(ctx: Ctx, s: Session, text: str, item: Item) -> tuple[PurchaseOrder, PurchaseOrderLine]:
    """The open line of the named PO for this item; refused in words when there is none."""
    po_id = _po_id(ctx, text)
    lock_po(s, po_id)
    po = s.get(PurchaseOrder, po_id)
    if po is None:
        raise refusal(ctx, "gr.no_po", po=doc_number("po", po_id))
    if po.state != "open":
        raise refusal(ctx, "gr.po_not_open", po=po.number, state=L(f"gr.po_state.{po.state}"))
    lines = s.scalars(
        select(PurchaseOrderLine)
        .where(PurchaseOrderLine.order_id == po.id)
        .order_by(PurchaseOrderLine.id)
    ).all()
    mine = [x for x in lines if x.item_id == item.id]
    if not mine:
        codes = s.scalars(select(Item.code).where(Item.id.in_({x.item_id for x in lines}))).all()
        raise refusal(
            ctx,
            "gr.po_other_item",
            po=po.number,
            items=", ".join(sorted(codes)) or "—",
            item=item.code,
        )
    open_lines = [x for x in mine if x.state == "open"]
    if not open_lines:
        raise refusal(
            ctx,
            "gr.line_done",
            item=item.code,
            po=po.number,
            received=Q(sum((x.qty_received for x in mine), ZERO), item.unit),
            ordered=Q(sum((x.qty_ordered for x in mine), ZERO), item.unit),
        )
    return po, open_lines[0]


def _in_qc(s: Session, line_id: int) -> Decimal:
    """Quantity already delivered against a line but still waiting for QC."""
    total = s.scalar(
        select(func.sum(GoodsReceipt.qty)).where(
            GoodsReceipt.po_line_id == line_id, GoodsReceipt.state == "qc_pending"
        )
    )
    return total or ZERO


def check_tolerance(
    ctx: Ctx, s: Session, po: PurchaseOrder, line: PurchaseOrderLine, item: Item, qty: Decimal
) -> None:
    """Received + still in QC + this delivery may exceed the order by the tolerance at most."""
    tolerance = ctx.settings.over_receipt_tolerance
    ceiling = line.qty_ordered * (1 + tolerance)
    in_qc = _in_qc(s, line.id)
    if line.qty_received + in_qc + qty <= ceiling:
        return
    most = max(ZERO, ceiling - line.qty_received - in_qc)
    raise refusal(
        ctx,
        "gr.over",
        po=po.number,
        item=item.code,
        ordered=Q(line.qty_ordered, item.unit),
        received=Q(line.qty_received, item.unit),
        in_qc=L("gr.in_qc", qty=Q(in_qc, item.unit)) if in_qc else "",
        tolerance=fmt_qty(tolerance * 100),
        most=Q(most, item.unit),
    )


def add_to_line(ctx: Ctx, s: Session, line: PurchaseOrderLine, qty: Decimal) -> dict[str, Any]:
    """Count `qty` as received on the PO line; close the line when it is complete and the PO
    with its last line. Returns the PO progress for the reply (an `L` text)."""
    s.refresh(line)
    before = line.qty_received
    after = before + qty
    full = after >= line.qty_ordered
    po = s.get(PurchaseOrder, line.order_id)
    assert po is not None
    won = cast(
        "CursorResult[Any]",
        s.execute(
            update(PurchaseOrderLine)
            .where(PurchaseOrderLine.id == line.id, PurchaseOrderLine.qty_received == before)
            .values(qty_received=after, state="closed" if full else line.state)
            .execution_options(synchronize_session=False)
        ),
    ).rowcount
    if won != 1:
        raise refusal(ctx, "gr.busy", po=po.number)
    s.refresh(line)
    closed: object = ""
    if full:
        still_open = s.scalar(
            select(func.count())
            .select_from(PurchaseOrderLine)
            .where(PurchaseOrderLine.order_id == po.id, PurchaseOrderLine.state == "open")
        )
        if not still_open:
            s.execute(
                update(PurchaseOrder)
                .where(PurchaseOrder.id == po.id, PurchaseOrder.state == "open")
                .values(state="closed")
                .execution_options(synchronize_session=False)
            )
            s.refresh(po)
            closed = L("gr.po_closed", po=po.number)
    item = s.get(Item, line.item_id)
    unit = item.unit if item is not None else ""
    return L(
        "gr.po_progress",
        po=po.number,
        received=Q(line.qty_received, unit),
        ordered=Q(line.qty_ordered, unit),
        closed=closed,
    )


def po_against(s: Session, line: PurchaseOrderLine | None) -> object:
    """The "against PO-n" of a receipt whose goods did not (yet) count on the line."""
    po = s.get(PurchaseOrder, line.order_id) if line is not None else None
    return L("gr.po_against", po=po.number) if po is not None else ""


def on_order_left(s: Session, line: PurchaseOrderLine | None, item: Item) -> object:
    """What the purchase requester still waits for: the rest on order, or the PO complete."""
    if line is None:
        return ""
    s.refresh(line)
    po = s.get(PurchaseOrder, line.order_id)
    assert po is not None
    left = line.qty_ordered - line.qty_received
    if line.state == "open" and left > 0:
        return L("gr.on_order_left", qty=Q(left, item.unit))
    return L("gr.po_closed", po=po.number)


def purchase_request(s: Session, po: PurchaseOrder | None) -> PurchaseRequest | None:
    """The purchase request behind a PO, when it has a requester to tell."""
    if po is None or po.request_id is None:
        return None
    pr = s.get(PurchaseRequest, po.request_id)
    return pr if pr is not None and pr.requested_by is not None else None


# --- batches ------------------------------------------------------------------------------------


def batch(
    ctx: Ctx, s: Session, item: Item, lot: str, exp: date | None, po: PurchaseOrder | None
) -> Batch:
    """The receipt's batch (created on first sight, with the PO's supplier); a lot already
    known with another expiry is refused rather than silently re-dated."""
    found = ensure_batch(
        s,
        item.id,
        lot,
        received_on=local_today(ctx),
        expiry=exp,
        supplier_id=po.supplier_id if po else None,
    )
    if exp is not None and found.expiry is not None and found.expiry != exp:
        raise refusal(
            ctx,
            "gr.lot_expiry",
            lot=lot,
            item=item.code,
            old=found.expiry.isoformat(),
            new=exp.isoformat(),
        )
    return found


def batch_text(lot: str | None, exp: date | None) -> object:
    if lot is None:
        return ""
    return L("gr.batch", lot=lot, exp=L("gr.exp", exp=Day(exp)) if exp is not None else "")


def batch_id(s: Session, gr: GoodsReceipt) -> int | None:
    if gr.lot is None:
        return None
    return s.scalar(select(Batch.id).where(Batch.item_id == gr.item_id, Batch.lot == gr.lot))


# --- the posting --------------------------------------------------------------------------------


def post(
    ctx: Ctx,
    s: Session,
    gr: GoodsReceipt,
    item: Item,
    qty: Decimal,
    batch: int | None,
    line: PurchaseOrderLine | None,
    note: str | None,
    warehouse_id: int | None = None,
) -> int:
    """The one stock movement of a receipt: the accepted quantity, keyed by the receipt, so it
    is posted once however often the button is pressed. Returns the posting's id.
    `warehouse_id`: the receipt's location's, when the caller read that location in this
    transaction (`receive` just chose it), so the posting need not look it up again."""
    return ledger.post(
        s.connection(),
        ledger.Meta(
            idempotency_key=f"gr:{gr.id}:receipt",
            kind=MovementKind.RECEIPT.value,
            actor_id=actor_id(ctx, s),
            doc_type="gr",
            doc_id=doc_number("gr", gr.id),
            **ctx.origin.columns(),
            note=note,
        ),
        [
            ledger.Line(
                item.id,
                gr.location_id,
                qty,
                MovementKind.RECEIPT,
                batch,
                unit_cost=line.unit_price if line is not None else item.unit_cost,
                warehouse_id=warehouse_id,
            )
        ],
    ).posting_id
