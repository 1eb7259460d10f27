"""Counting: open a blind count, ask line by line, take the answers, let others join.

Who is counting which line is a `Conversation` row (kind `count_line`, payload `{"line": n}`),
so a count survives a restart and two counters never get the same line. Answers for one session
are serialised by a row lock on the session, so the last answer — whoever gives it — submits.
"""

from __future__ import annotations

import re
import unicodedata
from decimal import Decimal
from typing import Any, cast

from sqlalchemy import CursorResult, func, select, update
from sqlalchemy.orm import Session

from stockbot.commands.parser import CountCmd
from stockbot.commands.quantity import QuantityError, parse_quantity
from stockbot.flows import conversation
from stockbot.flows.common import (
    Refusal,
    actor_id,
    base_qty,
    decide,
    display_name,
    refuse,
    require,
    resolve_item,
    token_for,
    warehouse_for,
)
from stockbot.flows.context import Ctx
from stockbot.flows.moves import Place, lookup_place
from stockbot.flows.notices import Act, L, Notice, Q
from stockbot.flows.stocktake import review
from stockbot.flows.stocktake.document import (
    DOC,
    KIND,
    WF,
    ZERO,
    find_line,
    left,
    line,
    lock,
    lot,
    place_label,
    total,
)
from stockbot.flows.workflow import Input
from stockbot.replies import Reply
from stockbot.store.models import (
    Balance,
    Batch,
    Conversation,
    CountLine,
    CountSession,
    Item,
    Location,
    Warehouse,
)
from stockbot.timeutil import utcnow

OPEN_STATES = ("counting", "submitted")


# --- opening -------------------------------------------------------------------------------------


def open_count(ctx: Ctx, cmd: CountCmd) -> Reply:
    """`/count <WH | WH/LOC | item | category>`: one line per balance row in scope, with the
    book quantity snapshotted (and never shown to the counters)."""
    require(ctx, "keeper")
    target = cmd.target.strip()
    item_id = None
    with ctx.db.read() as s:
        place = None if any(c.isspace() for c in target) else lookup_place(ctx, s, target)
        category = None if place else _category(s, target)
        if place is None and category is None:
            retry = {"command": cmd.model_dump(mode="json")}
            item_id = resolve_item(ctx, s, target, retry).id
    with ctx.db.write() as s:
        if place is not None:
            wh = s.get(Warehouse, place.warehouse.id)
            assert wh is not None
            scope = Place(wh, place.location).label
            where = [Balance.warehouse_id == wh.id]
            if place.location is not None:
                where.append(Balance.location_id == place.location.id)
        else:
            wh = warehouse_for(ctx, s)
            where = [Balance.warehouse_id == wh.id]
            if category is not None:
                scope = f"{wh.code} · {category}"
                where.append(func.lower(Item.category) == category.lower())
            else:
                item = s.get(Item, item_id)
                assert item is not None
                scope = f"{wh.code} · {item.code}"
                where.append(Balance.item_id == item.id)
        if category is not None or place is not None:  # zero rows only for an item target
            where.append(Balance.qty != ZERO)
        scope = scope[:200]
        busy = s.scalar(
            select(CountSession)
            .where(CountSession.scope == scope, CountSession.state.in_(OPEN_STATES))
            .limit(1)
        )
        if busy is not None:
            state = WF.state_label(busy.state)
            notice = Notice("cnt.busy", {"no": WF.number(busy.id), "scope": scope, "state": state})
            raise WF.refusal(ctx, notice)
        rows = s.execute(
            select(Balance.item_id, Balance.location_id, Balance.batch_id, Balance.qty)
            .join(Item, Item.id == Balance.item_id)
            .join(Location, Location.id == Balance.location_id)
            .outerjoin(Batch, Batch.id == Balance.batch_id)
            .where(*where)
            .order_by(Location.code, Item.code, func.coalesce(Batch.lot, ""))
        ).all()
        if not rows:
            raise WF.refusal(ctx, Notice("cnt.empty", {"scope": scope}))
        session = CountSession(
            scope=scope,
            warehouse_id=wh.id,
            state="counting",
            opened_by=actor_id(ctx, s),
            **ctx.origin.columns(),
        )
        s.add(session)
        s.flush()
        s.add_all(
            CountLine(
                session_id=session.id,
                line_no=n,
                item_id=r.item_id,
                location_id=r.location_id,
                batch_id=r.batch_id,
                book_qty=r.qty,
            )
            for n, r in enumerate(rows, start=1)
        )
        s.flush()
        decide(ctx, s, DOC, session.id, "open")
        conversation.expect(ctx, s, KIND, session.id, {"line": 1})
        no, who = WF.number(session.id), ctx.actor.display_name
        buttons = (
            Act("cnt.btn.next", token_for(s, DOC, session.id, "join")),
            Act("cnt.btn.cancel", token_for(s, DOC, session.id, "cancel")),
        )
        params = {"no": no, "who": who, "n": len(rows), "scope": scope}
        opened = Notice("cnt.opened", params, buttons)
        return _ask(s, opened, line(s, session.id, 1), len(rows)).render(ctx.lang, ctx.tz)


def _category(s: Session, target: str) -> str | None:
    exact_item = s.scalar(select(Item.id).where(func.lower(Item.code) == target.lower()))
    if exact_item is not None:
        return None
    return s.scalar(
        select(Item.category)
        .where(func.lower(Item.category) == target.lower(), Item.category != "")
        .limit(1)
    )


# --- asking and answering ------------------------------------------------------------------------


def _question(s: Session, ln: CountLine, of: int) -> Notice:
    """The blind question: what and where, never the book quantity."""
    item = s.get(Item, ln.item_id)
    assert item is not None
    batch = lot(s, ln.batch_id)
    return Notice(
        "cnt.question",
        {
            "no": WF.number(ln.session_id),
            "pos": ln.line_no,
            "total": of,
            "item": item.code,
            "name": item.name,
            "place": place_label(s, ln.location_id),
            "batch": L("cnt.batch", lot=batch) if batch else "",
        },
    )


def _ask(s: Session, notice: Notice, ln: CountLine, of: int) -> Notice:
    """`notice`, then the question about `ln` (buttons stay at the end)."""
    question = _question(s, ln, of)
    return notice.then(question.key, **question.params)


def _next_free_line(s: Session, session_id: int, me: int) -> CountLine | None:
    """The first uncounted line nobody else is being asked about."""
    taken = set()
    for uid, payload in s.execute(
        select(Conversation.user_id, Conversation.payload).where(
            Conversation.kind == KIND, Conversation.doc_id == session_id
        )
    ):
        if uid != me and isinstance(payload, dict) and isinstance(payload.get("line"), int):
            taken.add(payload["line"])
    stmt = (
        select(CountLine)
        .where(CountLine.session_id == session_id, CountLine.counted_qty.is_(None))
        .order_by(CountLine.line_no)
    )
    return next((ln for ln in s.scalars(stmt) if ln.line_no not in taken), None)


_ZERO_RE = re.compile(r"(?:0+(?:\.0*)?|\.0+)(?P<unit>[^\W\d_]+\d?)?")


def _count_qty(text: str) -> tuple[Decimal, str | None]:
    """A counted quantity: like any quantity, except that zero is a valid count."""
    norm = "".join(unicodedata.normalize("NFKC", text).split())
    zero = _ZERO_RE.fullmatch(norm)
    if zero is not None:
        return ZERO, zero["unit"]
    q = parse_quantity(text)
    return q.value, q.unit


def _reask(ctx: Ctx, session_id: int, line_no: int, error: Any) -> Reply:
    """A bad answer: say why and ask the same question again — read-only, writes nothing."""
    with ctx.db.read() as s:
        notice = Notice("cnt.bad_answer", {"error": error})
        notice = _ask(s, notice, line(s, session_id, line_no), total(s, session_id))
    return notice.render(ctx.lang, ctx.tz, ephemeral=True)


def answer(ctx: Ctx, conv: Conversation, text: str) -> Reply:
    """A bare message from a counter: the quantity for the line they were asked about."""
    session_id = conv.doc_id
    line_no = (conv.payload or {}).get("line")
    with ctx.db.read() as s:
        ln = find_line(s, session_id, line_no) if isinstance(line_no, int) else None
    if ln is None or not isinstance(line_no, int):  # not a question this bot asked
        with ctx.db.write() as s:
            conversation.clear(ctx, s)
        raise refuse("button.stale", ctx.lang)
    try:
        value, unit = _count_qty(text)
    except QuantityError as exc:
        key = "cnt.negative" if exc.key == "qty.not_positive" else exc.key
        return _reask(ctx, session_id, line_no, L(key, **exc.params))
    with ctx.db.read() as s:
        item = s.get(Item, ln.item_id)
        assert item is not None
        try:
            qty = base_qty(ctx, s, item, value, unit)
        except Refusal as refusal:
            return _reask(ctx, session_id, line_no, refusal.reply.plain())
        unit_name = item.unit
    with ctx.db.write() as s:
        session = lock(ctx, s, session_id)
        if session.state != "counting":  # the count moved on: the question is over, once
            conversation.clear(ctx, s)
            return WF.already(ctx, s, session).reply
        me = actor_id(ctx, s)
        ln = line(s, session_id, line_no)
        stored = s.execute(
            update(CountLine)
            .where(CountLine.id == ln.id, CountLine.counted_qty.is_(None))
            .values(counted_qty=qty, counted_by=me, counted_at=utcnow())
        )
        if cast(CursorResult[Any], stored).rowcount == 1:  # the line was still uncounted
            said = Notice("cnt.recorded", {"pos": line_no, "qty": Q(qty, unit_name)})
        else:
            s.refresh(ln)
            said = Notice("cnt.taken", {"pos": line_no, "who": display_name(s, ln.counted_by)})
        nxt = _next_free_line(s, session.id, me)
        if nxt is not None:
            conversation.expect(ctx, s, KIND, session.id, {"line": nxt.line_no})
            return _ask(s, said, nxt, total(s, session.id)).render(ctx.lang, ctx.tz)
        rest = left(s, session.id)
        if rest:
            conversation.clear(ctx, s)
            said = said.then("cnt.others", n=rest, no=WF.number(session.id))
            return said.render(ctx.lang, ctx.tz)
        return said.render(ctx.lang, ctx.tz) + review.submit(ctx, s, session)


@WF.step("join", source=("counting",))
def join(ctx: Ctx, s: Session, session: CountSession, inp: Input) -> Reply:
    """ "Count next line": the presser is asked the next line nobody else is counting (or the
    line they were already asked)."""
    session = lock(ctx, s, session.id)
    if session.state != "counting":
        raise WF.already(ctx, s, session)
    me = actor_id(ctx, s)
    mine = conversation.pending(ctx, s)
    current = None
    if mine is not None and mine.kind == KIND and mine.doc_id == session.id:
        was = (mine.payload or {}).get("line")
        ln = find_line(s, session.id, was) if isinstance(was, int) else None
        current = ln if ln is not None and ln.counted_qty is None else None
    nxt = current or _next_free_line(s, session.id, me)
    if nxt is None:
        others = Notice("cnt.others", {"n": left(s, session.id), "no": WF.number(session.id)})
        return others.render(ctx.lang, ctx.tz, ephemeral=True)
    conversation.expect(ctx, s, KIND, session.id, {"line": nxt.line_no})
    return _question(s, nxt, total(s, session.id)).render(ctx.lang, ctx.tz)
