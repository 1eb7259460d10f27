"""Counting: ask line by line, take the answers, correct a line, let others join.

Who is counting which line is a `Conversation` row (kind `count_line`, payload `{"line": n}`,
`"fix": true` when the line is asked again to correct it), so a count survives a restart and
two counters never get the same line. Answers for one session are serialised by a row lock on
the session, so the last answer — whoever gives it — submits. Lines are asked in order from
where the counter is, wrapping round: a line skipped with "Count next line" comes back last.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import replace
from decimal import Decimal
from typing import Any, cast

from sqlalchemy import CursorResult, select, update
from sqlalchemy.orm import Session

from stockbot.commands.quantity import QuantityError, parse_quantity
from stockbot.flows import conversation
from stockbot.flows.common import (
    Refusal,
    actor_id,
    base_qty,
    decide,
    display_name,
    refuse,
    said_qty,
    token_for,
)
from stockbot.flows.context import Ctx
from stockbot.flows.notices import Act, L, Name, Notice, Q
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
from stockbot.store.models import Conversation, CountLine, CountSession, Item
from stockbot.timeutil import utcnow

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
            "name": Name(item.name),
            "place": place_label(s, ln.location_id),
            "batch": L("cnt.batch", lot=batch) if batch else "",
        },
    )


def ask(s: Session, notice: Notice, ln: CountLine, of: int) -> Notice:
    """`notice`, then the question about `ln` (buttons stay at the end)."""
    question = _question(s, ln, of)
    return notice.then(question.key, **question.params)


def _next_free_line(s: Session, session_id: int, me: int, after: int = 0) -> CountLine | None:
    """The next uncounted line after `after` nobody else is being asked about, wrapping round
    to the first: "Count next line" moves on, and a skipped line is asked again at the end."""
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
    free = [ln for ln in s.scalars(stmt) if ln.line_no not in taken]
    return next((ln for ln in free if ln.line_no > after), free[0] if free else None)


_ZERO_RE = re.compile(r"(?:0+(?:\.0*)?|\.0+)(?P<unit>[^\W\d_]+\d?)?")


def _count_qty(text: str) -> tuple[Decimal, str | None]:
    """A counted quantity: like any quantity, except that zero is a valid count."""
    norm = "".join(unicodedata.normalize("NFKC", text).split())
    zero = _ZERO_RE.fullmatch(norm)
    if zero is not None:
        return ZERO, zero["unit"]
    q = parse_quantity(text)
    return q.value, q.unit


def _counted_qty(ctx: Ctx, s: Session, ln: CountLine, text: str) -> tuple[Any, Any]:
    """The answer as the `Q` to show (`2箱 = 200个` when typed in a packaging unit) and its
    quantity in the item's base unit, or (None, why not) for "cnt.bad_answer"."""
    try:
        value, unit = _count_qty(text)
    except QuantityError as exc:
        key = "cnt.negative" if exc.key == "qty.not_positive" else exc.key
        return None, L(key, **exc.params)
    item = s.get(Item, ln.item_id)
    assert item is not None
    try:
        qty = base_qty(ctx, s, item, value, unit)
    except Refusal as refusal:
        return None, refusal.reply.plain()
    return (qty, said_qty((value, unit), qty, item.unit)), None


def _unit(s: Session, ln: CountLine) -> str:
    item = s.get(Item, ln.item_id)
    assert item is not None
    return item.unit


def answer(ctx: Ctx, conv: Conversation, text: str) -> Reply:
    """A bare message from a counter: the quantity for the line they were asked about (or
    asked again, to correct it)."""
    session_id = conv.doc_id
    payload = conv.payload or {}
    line_no = payload.get("line")
    with ctx.db.read() as s:
        ln = find_line(s, session_id, line_no) if isinstance(line_no, int) else None
    if ln is None or not isinstance(line_no, int):  # not a question this bot asked
        with ctx.db.write() as s:
            conversation.clear(ctx, s)
        raise refuse("button.stale", ctx.lang)
    with ctx.db.read() as s:
        counted, error = _counted_qty(ctx, s, ln, text)
        if error is not None:  # say why and ask the same question again; nothing is written
            notice = ask(s, Notice("cnt.bad_answer", {"error": error}), ln, total(s, session_id))
            return notice.render(ctx.lang, ctx.tz, ephemeral=True)
    qty, shown = counted
    with ctx.db.write() as s:
        session = lock(ctx, s, session_id)
        if session.state != "counting":  # the count moved on: the question is over, once
            conversation.clear(ctx, s)
            return WF.already(ctx, s, session).reply
        me = actor_id(ctx, s)
        ln = line(s, session_id, line_no)
        if payload.get("fix"):
            said = _fix(ctx, s, ln, qty, me, shown)
        else:
            stored = s.execute(
                update(CountLine)
                .where(CountLine.id == ln.id, CountLine.counted_qty.is_(None))
                .values(counted_qty=qty, counted_by=me, counted_at=utcnow())
            )
            if cast(CursorResult[Any], stored).rowcount == 1:  # the line was still uncounted
                said = Notice("cnt.recorded", {"pos": line_no, "qty": shown})
            else:
                s.refresh(ln)
                who = display_name(s, ln.counted_by)
                said = Notice("cnt.taken", {"pos": line_no, "who": who})
        return _go_on(ctx, s, session, me, said, line_no)


def _go_on(
    ctx: Ctx, s: Session, session: CountSession, me: int, said: Notice, line_no: int
) -> Reply:
    """After an answer: the next line, or "others are counting the rest", or — the last line
    in — the count is submitted. Until then the answer can be corrected with a button."""
    fix = token_for(s, DOC, session.id, "correct", {"line": line_no})
    fixable = replace(said, buttons=(Act("cnt.btn.correct", fix, {"pos": line_no}),))
    nxt = _next_free_line(s, session.id, me, after=line_no)
    if nxt is not None:
        conversation.expect(ctx, s, KIND, session.id, {"line": nxt.line_no})
        return ask(s, fixable, nxt, total(s, session.id)).render(ctx.lang, ctx.tz)
    rest = left(s, session.id)
    if rest:
        conversation.clear(ctx, s)
        fixable = fixable.then("cnt.others", n=rest, no=WF.number(session.id))
        return fixable.render(ctx.lang, ctx.tz)
    return said.render(ctx.lang, ctx.tz) + review.submit(ctx, s, session)


# --- correcting ----------------------------------------------------------------------------------


def _fix(ctx: Ctx, s: Session, ln: CountLine, qty: Decimal, me: int, shown: Any) -> Notice:
    """Overwrite a counted line (before submitting), on the record as a `correct` decision."""
    was = ln.counted_qty
    ln.counted_qty, ln.counted_by, ln.counted_at = qty, me, utcnow()
    unit = _unit(s, ln)
    reason = f"line {ln.line_no}: {was} -> {qty}"
    decide(ctx, s, DOC, ln.session_id, "correct", qty=qty, reason=reason)
    s.flush()
    return Notice("cnt.corrected", {"pos": ln.line_no, "was": Q(was or ZERO, unit), "qty": shown})


def correct_typed(ctx: Ctx, doc_id: int, line_no: int, qty: str | None) -> Reply:
    """`/count CNT-1 line 3 150` (stored at once), `/count CNT-1 line 3` (asked again)."""
    payload: dict[str, object] = {"line": line_no}
    if qty is not None:
        payload["qty"] = qty
    return WF.act(ctx, doc_id, "correct", Input(payload=payload))


@WF.step("correct", source=("counting",))
def correct(ctx: Ctx, s: Session, session: CountSession, inp: Input) -> Reply:
    """A counted line, corrected before the count is submitted: typed with its quantity
    (stored at once), or the "Correct line 3" button (that line is asked again, and the answer
    replaces the count). By whoever counted it, the opener, or a keeper."""
    session = lock(ctx, s, session.id)
    if session.state != "counting":
        raise WF.already(ctx, s, session)
    no, of, pos = WF.number(session.id), total(s, session.id), inp.payload.get("line")
    ln = find_line(s, session.id, pos) if isinstance(pos, int) else None
    if ln is None:
        raise WF.refusal(ctx, Notice("cnt.no_line", {"no": no, "pos": pos, "total": of}))
    if ln.counted_qty is None:
        raise WF.refusal(ctx, Notice("cnt.not_counted", {"no": no, "pos": ln.line_no}))
    me = actor_id(ctx, s)
    if me not in (ln.counted_by, session.opened_by) and not ctx.actor.has("keeper"):
        who = display_name(s, ln.counted_by)
        raise WF.refusal(ctx, Notice("cnt.not_yours", {"pos": ln.line_no, "who": who}))
    typed = inp.payload.get("qty")
    if isinstance(typed, str):
        counted, error = _counted_qty(ctx, s, ln, typed)
        if error is not None:
            raise WF.refusal(ctx, Notice("cnt.bad_answer", {"error": error}))
        return _fix(ctx, s, ln, counted[0], me, counted[1]).render(ctx.lang, ctx.tz)
    conversation.expect(ctx, s, KIND, session.id, {"line": ln.line_no, "fix": True})
    was = Notice("cnt.fix_ask", {"pos": ln.line_no, "qty": Q(ln.counted_qty, _unit(s, ln))})
    return ask(s, was, ln, of).render(ctx.lang, ctx.tz)


@WF.step("join", source=("counting",))
def join(ctx: Ctx, s: Session, session: CountSession, inp: Input) -> Reply:
    """ "Count next line": the presser moves on to the next line nobody else is counting (the
    line they were being asked stays uncounted and comes round again)."""
    session = lock(ctx, s, session.id)
    if session.state != "counting":
        raise WF.already(ctx, s, session)
    me = actor_id(ctx, s)
    mine = conversation.pending(ctx, s)
    after = 0
    if mine is not None and mine.kind == KIND and mine.doc_id == session.id:
        was = (mine.payload or {}).get("line")
        after = was if isinstance(was, int) else 0
    nxt = _next_free_line(s, session.id, me, after)
    if nxt is None:
        others = Notice("cnt.others", {"n": left(s, session.id), "no": WF.number(session.id)})
        return others.render(ctx.lang, ctx.tz, ephemeral=True)
    conversation.expect(ctx, s, KIND, session.id, {"line": nxt.line_no})
    return _question(s, nxt, total(s, session.id)).render(ctx.lang, ctx.tz)
