"""The stocktake document: its workflow (`WF`), its lines, what its adjustment is and is worth,
and who hears about it. Counting (`counting.py`) and deciding (`review.py`) both build on it."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

import stockbot.messages.stocktake  # noqa: F401  (registers the catalogue)
from stockbot.flows import routing
from stockbot.flows.common import refuse
from stockbot.flows.context import Ctx
from stockbot.flows.moves import Place
from stockbot.flows.notices import Notice
from stockbot.flows.workflow import Workflow
from stockbot.store import ledger
from stockbot.store.models import (
    Batch,
    Conversation,
    CountLine,
    CountSession,
    Item,
    Location,
    MovementKind,
    User,
    Warehouse,
)

WF = Workflow(
    "count",
    "CNT",
    CountSession,
    requester_attr="opened_by",
    silent_actions=("open", "submit", "correct"),
)
"""Opening, submitting and correcting a line are steps of the count, not decisions: a late
button on a submitted count says "CNT-00001 is waiting for approval", not "already submitted
by …"."""
DOC = WF.doc_type
KIND = "count_line"
"""The conversation kind of "which line is this person counting" (payload `{"line": n}`)."""
ZERO = Decimal(0)


def lock(ctx: Ctx, s: Session, session_id: int) -> CountSession:
    """Serialise everything that decides about one session's lines (a row lock on PostgreSQL;
    SQLite's write transactions are serial already), reading the row as it is now."""
    session = s.scalar(
        select(CountSession)
        .where(CountSession.id == session_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    if session is None:
        raise refuse("doc.unknown", ctx.lang, doc=WF.number(session_id))
    return session


# --- lines ---------------------------------------------------------------------------------------


def find_line(s: Session, session_id: int, line_no: int) -> CountLine | None:
    return s.scalar(
        select(CountLine).where(CountLine.session_id == session_id, CountLine.line_no == line_no)
    )


def line(s: Session, session_id: int, line_no: int) -> CountLine:
    found = find_line(s, session_id, line_no)
    assert found is not None
    return found


def lines(s: Session, session_id: int) -> list[CountLine]:
    return list(
        s.scalars(
            select(CountLine).where(CountLine.session_id == session_id).order_by(CountLine.line_no)
        )
    )


def total(s: Session, session_id: int) -> int:
    return (
        s.scalar(
            select(func.count()).select_from(CountLine).where(CountLine.session_id == session_id)
        )
        or 0
    )


def left(s: Session, session_id: int) -> int:
    return (
        s.scalar(
            select(func.count())
            .select_from(CountLine)
            .where(CountLine.session_id == session_id, CountLine.counted_qty.is_(None))
        )
        or 0
    )


def place_label(s: Session, location_id: int) -> str:
    loc = s.get(Location, location_id)
    assert loc is not None
    wh = s.get(Warehouse, loc.warehouse_id)
    assert wh is not None
    return Place(wh, loc).label


def lot(s: Session, batch_id: int | None) -> str | None:
    return s.scalar(select(Batch.lot).where(Batch.id == batch_id)) if batch_id else None


# --- the adjustment ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Variance:
    """One counted line that differs from the book (盘盈 when `diff` > 0, 盘亏 when < 0)."""

    item: str
    name: str
    place: str
    unit: str
    book: Decimal
    counted: Decimal
    cost: Decimal = ZERO
    """The item's unit cost: what a piece more or less is worth."""

    @property
    def diff(self) -> Decimal:
        return self.counted - self.book

    @property
    def value(self) -> Decimal:
        """The money this line writes up (> 0) or off (< 0): what an approver weighs."""
        return self.diff * self.cost


def worth(found: list[Variance]) -> tuple[Decimal, Decimal, Decimal]:
    """(net, written up, written off) of the variance lines; off is positive."""
    up = sum((v.value for v in found if v.value > 0), ZERO)
    off = sum((-v.value for v in found if v.value < 0), ZERO)
    return up - off, up, off


def variances(s: Session, session_id: int) -> tuple[list[Variance], int]:
    """The counted lines that differ from the book, and how many lines were counted."""
    found = []
    all_lines = lines(s, session_id)
    for ln in all_lines:
        if ln.counted_qty is None or ln.counted_qty == ln.book_qty:
            continue
        item = s.get(Item, ln.item_id)
        assert item is not None
        place = place_label(s, ln.location_id)
        batch = lot(s, ln.batch_id)
        place = f"{place} ({batch})" if batch else place
        found.append(
            Variance(
                item.code,
                item.name,
                place,
                item.unit,
                ln.book_qty,
                ln.counted_qty,
                item.unit_cost or ZERO,
            )
        )
    return found, len(all_lines)


def adjustments(s: Session, session_id: int) -> list[ledger.Line]:
    """The posting an approval makes: one ADJUSTMENT line where the count differs."""
    return [
        ledger.Line(
            ln.item_id,
            ln.location_id,
            ln.counted_qty - ln.book_qty,
            MovementKind.ADJUSTMENT,
            ln.batch_id,
        )
        for ln in lines(s, session_id)
        if ln.counted_qty is not None and ln.counted_qty != ln.book_qty
    ]


def adjustment_value(ctx: Ctx, s: Session, session: CountSession) -> Decimal:
    """A write-off or write-up is money: what the approver's limit must cover (盘盈 + 盘亏)."""
    moves = adjustments(s, session.id)
    ids = sorted({m.item_id for m in moves})
    costs = {i: c for i, c in s.execute(select(Item.id, Item.unit_cost).where(Item.id.in_(ids)))}
    value = sum((abs(m.qty) * costs.get(m.item_id, ZERO) for m in moves), ZERO)
    return value.quantize(Decimal("0.01"))


# --- who is part of it ---------------------------------------------------------------------------


def counters(s: Session, session_id: int) -> list[User]:
    """Who counted lines, in the order of the first line each counted."""
    ids = s.scalars(
        select(CountLine.counted_by)
        .where(CountLine.session_id == session_id, CountLine.counted_by.is_not(None))
        .group_by(CountLine.counted_by)
        .order_by(func.min(CountLine.line_no))
    ).all()
    return [u for u in (s.get(User, i) for i in ids) if u is not None]


def asked(s: Session, session_id: int) -> list[User]:
    """Who is being asked a line of this session right now."""
    ids = s.scalars(
        select(Conversation.user_id)
        .where(Conversation.kind == KIND, Conversation.doc_id == session_id)
        .distinct()
    ).all()
    return [u for u in (s.get(User, i) for i in sorted(ids)) if u is not None]


def tell(
    s: Session, session: CountSession, notice: Notice, dedupe: str, *, skip: int | None
) -> None:
    """The opener and the counters hear what became of their count (not the one who did it)."""
    people = {u.id: u for u in [s.get(User, session.opened_by), *counters(s, session.id)] if u}
    people.pop(skip or 0, None)
    routing.to_people(s, people.values(), notice, dedupe)


def clear_counters(s: Session, session_id: int) -> None:
    """Nobody is being asked about this session any more (submitted or cancelled)."""
    s.execute(
        delete(Conversation).where(Conversation.kind == KIND, Conversation.doc_id == session_id)
    )
