"""Stocktake (盘点): a blind count, line by line in chat, then an approved adjustment.

```
/count <WH | WH/LOC | item | category>  (keeper/admin)
        │  lines = balance rows in scope, book quantity snapshotted (never shown to counters)
        ▼
    counting ──each bare answer "12" stores a line, asks the next──┐   "Count next line" lets
        │ all lines counted                                       ◀┘   a second counter join
        ▼                         cancel (opener) ──▶ cancelled
    submitted ──variance list to approvers──approve (not the opener)──▶ approved: ONE posting of
        │                                                                ADJUSTMENT lines, only
        └──reject (reason)──▶ rejected (nothing posted)                  where counted ≠ book
```
Who is counting which line is a `Conversation` row (kind `count_line`, payload `{"line": n}`),
so a count survives a restart and two counters never get the same line. Answers for one session
are serialised by a row lock on the session, so the last answer — whoever gives it — submits.
Approval is a conditional update and the adjustment posting's key is `count:<id>:adjust`, so a
session is finalised once however often Approve is pressed.
"""

from __future__ import annotations

import re
import unicodedata
from decimal import Decimal

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from stockbot.commands.parser import CountCmd
from stockbot.commands.quantity import QuantityError, parse_quantity
from stockbot.flows import conversation
from stockbot.flows.common import (
    Refusal,
    actor_id,
    approval_limit,
    base_qty,
    button,
    decide,
    display_name,
    doc_number,
    fq,
    last_decision,
    local_time,
    lock_item,
    notify_user,
    refuse,
    require,
    resolve_item,
    transition,
    users_with_role,
    warehouse_for,
)
from stockbot.flows.context import Ctx
from stockbot.flows.moves import Place, lookup_place
from stockbot.i18n import register, t, tm
from stockbot.replies import Buttons, Reply, Table, Text
from stockbot.store import ledger
from stockbot.store.db import rowcount
from stockbot.store.models import (
    Balance,
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
from stockbot.timeutil import utcnow

DOC = "count"
KIND = "count_line"
ZERO = Decimal(0)
OPEN_STATES = ("counting", "submitted")

register(
    {
        "cnt.over_limit": {
            "en": "The adjustments of {no} are worth {amount}, over your approval limit of "
            "{limit}; an approver with a higher limit must approve.",
            "zh-Hans": "{no} 的盘点调整金额为 {amount}，超出你的审批限额 {limit}，"
            "请由限额更高的审批人批准。",
        },
        "cnt.opened": {
            "en": "📋 {no} opened by {who}: {n} lines to count in {scope}. The count is blind: "
            "write what you find, not what the books say.",
            "zh-Hans": "📋 {who} 已开启盘点 {no}：{scope} 共 {n} 行待盘。盲盘：请按实物填写数量。",
        },
        "cnt.question": {
            "en": "{pos}/{total}: {item} · {name} at {place}{batch} — how many?",
            "zh-Hans": "{pos}/{total}：{item} · {name}，位置 {place}{batch} —— 实盘多少？",
        },
        "cnt.batch": {"en": " (batch {lot})", "zh-Hans": "（批次 {lot}）"},
        "cnt.recorded": {
            "en": "Line {pos}: {qty} recorded.",
            "zh-Hans": "第 {pos} 行：已记录 {qty}。",
        },
        "cnt.taken": {
            "en": "Line {pos} was already counted by {who}; your answer was not used.",
            "zh-Hans": "第 {pos} 行已由 {who} 盘点，你的数量未采用。",
        },
        "cnt.others": {
            "en": "Others are counting the rest of {no} ({n} left). Thank you!",
            "zh-Hans": "{no} 剩余 {n} 行正由其他人盘点。谢谢！",
        },
        "cnt.bad_answer": {
            "en": "{error} Write the quantity you counted, e.g. 12 (0 if there is none).",
            "zh-Hans": "{error}请填写实盘数量，例如 12（没有则填 0）。",
        },
        "cnt.negative": {
            "en": "A count cannot be negative (got “{token}”).",
            "zh-Hans": "盘点数量不能为负数（收到“{token}”）。",
        },
        "cnt.submitted": {
            "en": "✅ {no} counted ({n} lines) and sent for approval.",
            "zh-Hans": "✅ {no} 已盘完（{n} 行），已提交审批。",
        },
        "cnt.review": {
            "en": "{no} ({scope}) counted by {who}: {n} lines, {v} with a variance. Approve the "
            "adjustment?",
            "zh-Hans": "{no}（{scope}）由 {who} 盘点完成：共 {n} 行，差异 {v} 行。是否批准调整？",
        },
        "cnt.variances": {"en": "Variances", "zh-Hans": "盘点差异"},
        "cnt.no_variance": {
            "en": "No variances: the count matches the books.",
            "zh-Hans": "无差异：实盘与账面一致。",
        },
        "cnt.col.item": {"en": "Item", "zh-Hans": "物料"},
        "cnt.col.location": {"en": "Location", "zh-Hans": "库位"},
        "cnt.col.book": {"en": "Book", "zh-Hans": "账面"},
        "cnt.col.counted": {"en": "Counted", "zh-Hans": "实盘"},
        "cnt.col.variance": {"en": "Variance", "zh-Hans": "差异"},
        "cnt.approved": {
            "en": "✅ {no} approved by {who} at {at}; {n} adjustments posted.",
            "zh-Hans": "✅ {no} 已由 {who} 于 {at} 批准，已过账 {n} 笔盘点调整。",
        },
        "cnt.rejected": {
            "en": "❌ {no} rejected by {who} at {at}: {reason}. Nothing was posted.",
            "zh-Hans": "❌ {no} 已被 {who} 于 {at} 驳回：{reason}。未过账。",
        },
        "cnt.cancelled": {
            "en": "{no} cancelled by {who}; nothing was posted.",
            "zh-Hans": "{no} 已由 {who} 取消，未过账。",
        },
        "cnt.already": {
            "en": "{no} was already {state} by {who} at {at}; nothing was changed.",
            "zh-Hans": "{no} 已由 {who} 于 {at} {state}，未做任何更改。",
        },
        "cnt.closed": {
            "en": "{no} is {state}; nothing was changed.",
            "zh-Hans": "{no} 当前状态为{state}，未做任何更改。",
        },
        "cnt.self_approve": {
            "en": "You opened {no}; another approver must decide on it.",
            "zh-Hans": "{no} 是你开启的盘点，请由其他审批人审批。",
        },
        "cnt.not_opener": {
            "en": "Only {who}, who opened {no}, can cancel it.",
            "zh-Hans": "只有开启 {no} 的 {who} 可以取消。",
        },
        "cnt.empty": {
            "en": "Nothing to count in {scope}: no stock is booked there.",
            "zh-Hans": "{scope} 没有账面库存，无需盘点。",
        },
        "cnt.busy": {
            "en": "{no} already covers {scope} and is {state}; finish it first.",
            "zh-Hans": "{no} 已覆盖 {scope}，当前{state}，请先完成它。",
        },
        "cnt.ask_reason": {
            "en": "Why is {no} rejected? Your next message here is the reason.",
            "zh-Hans": "驳回 {no} 的原因是？请在此回复原因。",
        },
        "cnt.btn.next": {"en": "Count next line", "zh-Hans": "盘下一行"},
        "cnt.btn.cancel": {"en": "Cancel count", "zh-Hans": "取消盘点"},
        "cnt.btn.approve": {"en": "Approve adjustment", "zh-Hans": "批准调整"},
        "cnt.btn.reject": {"en": "Reject count", "zh-Hans": "驳回盘点"},
        "cnt.state.counting": {"en": "being counted", "zh-Hans": "盘点中"},
        "cnt.state.submitted": {"en": "waiting for approval", "zh-Hans": "待审批"},
        "cnt.state.approved": {"en": "approved", "zh-Hans": "已批准"},
        "cnt.state.rejected": {"en": "rejected", "zh-Hans": "已驳回"},
        "cnt.state.cancelled": {"en": "cancelled", "zh-Hans": "已取消"},
    }
)


# --- opening -------------------------------------------------------------------------------------


def open_count(ctx: Ctx, cmd: CountCmd) -> Reply:
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
            raise refuse(
                "cnt.busy",
                ctx.lang,
                no=doc_number(DOC, busy.id),
                scope=scope,
                state=t(f"cnt.state.{busy.state}", ctx.lang),
            )
        rows = s.execute(
            select(Balance.item_id, Balance.location_id, Balance.batch_id, Balance.qty)
            .join(Item, Item.id == Balance.item_id)
            .join(Location, Location.id == Balance.location_id)
            .outerjoin(Batch, Batch.id == Balance.batch_id)
            .where(*where)
            .order_by(Location.code, Item.code, func.coalesce(Batch.lot, ""))
        ).all()
        if not rows:
            raise refuse("cnt.empty", ctx.lang, scope=scope)
        me = actor_id(ctx, s)
        session = CountSession(
            scope=scope,
            warehouse_id=wh.id,
            state="counting",
            opened_by=me,
            chat_platform=ctx.origin.platform,
            chat_id=ctx.origin.chat_id,
            message_id=ctx.origin.message_id,
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
        no = doc_number(DOC, session.id)
        decide(ctx, s, DOC, session.id, "open")
        first = _line(s, session.id, 1)
        conversation.expect(ctx, s, KIND, session.id, {"line": 1})
        opened = Text(
            text=tm(
                "cnt.opened", ctx.lang, no=no, who=ctx.actor.display_name, n=len(rows), scope=scope
            )
        )
        question = _question(ctx, s, first, len(rows))
        return Reply.of(
            opened,
            question,
            Buttons(
                buttons=[
                    button(s, t("cnt.btn.next", ctx.lang), DOC, session.id, "join"),
                    button(s, t("cnt.btn.cancel", ctx.lang), DOC, session.id, "cancel"),
                ]
            ),
        )


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


def _find_line(s: Session, session_id: int, line_no: int) -> CountLine | None:
    return s.scalar(
        select(CountLine).where(CountLine.session_id == session_id, CountLine.line_no == line_no)
    )


def _line(s: Session, session_id: int, line_no: int) -> CountLine:
    line = _find_line(s, session_id, line_no)
    assert line is not None
    return line


def _place_label(s: Session, location_id: int) -> str:
    loc = s.get(Location, location_id)
    assert loc is not None
    wh = s.get(Warehouse, loc.warehouse_id)
    assert wh is not None
    return Place(wh, loc).label


def _question(ctx: Ctx, s: Session, line: CountLine, total: int) -> Text:
    """The blind question: what and where, never the book quantity."""
    item = s.get(Item, line.item_id)
    assert item is not None
    lot = s.scalar(select(Batch.lot).where(Batch.id == line.batch_id)) if line.batch_id else None
    no = doc_number(DOC, line.session_id)
    text = tm(
        "cnt.question",
        ctx.lang,
        pos=line.line_no,
        total=total,
        item=item.code,
        name=item.name,
        place=_place_label(s, line.location_id),
        batch=tm("cnt.batch", ctx.lang, lot=lot) if lot else "",
    )
    return Text(text=f"*{no}* {text}")


def _total(s: Session, session_id: int) -> int:
    return s.execute(
        select(func.count()).select_from(CountLine).where(CountLine.session_id == session_id)
    ).scalar_one()


def _lock_session(ctx: Ctx, s: Session, session_id: int) -> CountSession:
    """Serialise everything that decides about one session's lines (a row lock on PostgreSQL;
    SQLite's write transactions are serial already)."""
    session = s.scalar(select(CountSession).where(CountSession.id == session_id).with_for_update())
    if session is None:
        raise refuse("doc.unknown", ctx.lang, doc=doc_number(DOC, session_id))
    return session


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


def _reask(ctx: Ctx, session_id: int, line_no: int, error: str) -> Reply:
    """A bad answer: say why and ask the same question again — read-only, writes nothing."""
    with ctx.db.read() as s:
        line = _line(s, session_id, line_no)
        question = _question(ctx, s, line, _total(s, session_id))
    return Reply.of(
        Text(text=tm("cnt.bad_answer", ctx.lang, error=error)), question, ephemeral=True
    )


def answer(ctx: Ctx, conv: Conversation, text: str) -> Reply:
    """A bare message from a counter: the quantity for the line they were asked about."""
    session_id = conv.doc_id
    line_no = (conv.payload or {}).get("line")
    with ctx.db.read() as s:
        line = _find_line(s, session_id, line_no) if isinstance(line_no, int) else None
    if line is None or not isinstance(line_no, int):  # not a question this bot asked
        with ctx.db.write() as s:
            conversation.clear(ctx, s)
        raise refuse("button.stale", ctx.lang)
    try:
        value, unit = _count_qty(text)
    except QuantityError as exc:
        key = "cnt.negative" if exc.key == "qty.not_positive" else exc.key
        return _reask(ctx, session_id, line_no, tm(key, ctx.lang, **exc.params))
    with ctx.db.read() as s:
        item = s.get(Item, line.item_id)
        assert item is not None
        try:
            qty = base_qty(ctx, s, item, value, unit)
        except Refusal as refusal:
            error = refusal.reply.plain()
            return _reask(ctx, session_id, line_no, error)
        unit_name = item.unit
    with ctx.db.write() as s:
        session = _lock_session(ctx, s, session_id)
        no = doc_number(DOC, session.id)
        if session.state != "counting":
            conversation.clear(ctx, s)
            return Reply.text(
                tm("cnt.closed", ctx.lang, no=no, state=t(f"cnt.state.{session.state}", ctx.lang))
            )
        me = actor_id(ctx, s)
        line = _line(s, session_id, line_no)
        stored = rowcount(
            s.execute(
                update(CountLine)
                .where(CountLine.id == line.id, CountLine.counted_qty.is_(None))
                .values(counted_qty=qty, counted_by=me, counted_at=utcnow())
            )
        )
        if stored == 1:
            notice = tm("cnt.recorded", ctx.lang, pos=line_no, qty=fq(qty, unit_name))
        else:
            s.refresh(line)
            notice = tm("cnt.taken", ctx.lang, pos=line_no, who=display_name(s, line.counted_by))
        blocks: list = [Text(text=notice)]
        nxt = _next_free_line(s, session.id, me)
        if nxt is not None:
            conversation.expect(ctx, s, KIND, session.id, {"line": nxt.line_no})
            blocks.append(_question(ctx, s, nxt, _total(s, session.id)))
            return Reply.of(*blocks)
        left = s.scalar(
            select(func.count())
            .select_from(CountLine)
            .where(CountLine.session_id == session.id, CountLine.counted_qty.is_(None))
        )
        if left:
            conversation.clear(ctx, s)
            blocks.append(Text(text=tm("cnt.others", ctx.lang, n=left, no=no)))
            return Reply.of(*blocks)
        return Reply.of(*blocks, *_submit(ctx, s, session, me).blocks)


def join(ctx: Ctx, session_id: int) -> Reply:
    """ "Count next line": the presser is asked the next line nobody else is counting."""
    with ctx.db.write() as s:
        session = _lock_session(ctx, s, session_id)
        if session.state != "counting":
            raise _already(ctx, s, session)
        me = actor_id(ctx, s)
        mine = conversation.pending(ctx, s)
        current = None
        if mine is not None and mine.kind == KIND and mine.doc_id == session.id:
            asked = (mine.payload or {}).get("line")
            line = _find_line(s, session.id, asked) if isinstance(asked, int) else None
            current = line if line is not None and line.counted_qty is None else None
        line = current or _next_free_line(s, session.id, me)
        if line is None:
            left = s.scalar(
                select(func.count())
                .select_from(CountLine)
                .where(CountLine.session_id == session.id, CountLine.counted_qty.is_(None))
            )
            return Reply.text(
                tm("cnt.others", ctx.lang, n=left, no=doc_number(DOC, session.id)),
                ephemeral=True,
            )
        conversation.expect(ctx, s, KIND, session.id, {"line": line.line_no})
        return Reply.of(_question(ctx, s, line, _total(s, session.id)))


def _clear_counters(s: Session, session_id: int) -> None:
    """Nobody is being asked about this session any more (submitted or cancelled)."""
    s.execute(
        delete(Conversation).where(Conversation.kind == KIND, Conversation.doc_id == session_id)
    )


def _variance_table(ctx: Ctx, s: Session, session_id: int) -> tuple[list, int, int]:
    """(blocks, line count, variance count): the variance lines only, or "no variances"."""
    rows = []
    lines = s.scalars(
        select(CountLine).where(CountLine.session_id == session_id).order_by(CountLine.line_no)
    ).all()
    for line in lines:
        assert line.counted_qty is not None
        diff = line.counted_qty - line.book_qty
        if diff == 0:
            continue
        item = s.get(Item, line.item_id)
        assert item is not None
        place = _place_label(s, line.location_id)
        if line.batch_id:
            place += f" ({s.scalar(select(Batch.lot).where(Batch.id == line.batch_id))})"
        sign = "+" if diff > 0 else ""
        rows.append(
            [
                f"{item.code} {item.name}",
                place,
                fq(line.book_qty, item.unit),
                fq(line.counted_qty, item.unit),
                f"{sign}{fq(diff, item.unit)}",
            ]
        )
    if not rows:
        return [Text(text=t("cnt.no_variance", ctx.lang))], len(lines), 0
    table = Table(
        title=t("cnt.variances", ctx.lang),
        headers=[
            t("cnt.col.item", ctx.lang),
            t("cnt.col.location", ctx.lang),
            t("cnt.col.book", ctx.lang),
            t("cnt.col.counted", ctx.lang),
            t("cnt.col.variance", ctx.lang),
        ],
        rows=rows,
    )
    return [table], len(lines), len(rows)


def _submit(ctx: Ctx, s: Session, session: CountSession, me: int) -> Reply:
    """The last line is in: to the approvers with the variance list."""
    no = doc_number(DOC, session.id)
    if not transition(s, CountSession, session.id, ("counting",), state="submitted"):
        raise _already(ctx, s, session)
    decide(ctx, s, DOC, session.id, "submit")
    _clear_counters(s, session.id)
    table, n, v = _variance_table(ctx, s, session.id)
    counters = s.scalars(
        select(User.display_name)
        .join(CountLine, CountLine.counted_by == User.id)
        .where(CountLine.session_id == session.id)
        .group_by(User.display_name)
        .order_by(func.min(CountLine.line_no))
    ).all()
    review = Text(
        text=tm(
            "cnt.review",
            ctx.lang,
            no=no,
            scope=session.scope,
            who=", ".join(counters),
            n=n,
            v=v,
        )
    )
    card = Reply.of(
        review,
        *table,
        Buttons(
            buttons=[
                button(
                    s, t("cnt.btn.approve", ctx.lang), DOC, session.id, "approve", style="primary"
                ),
                button(s, t("cnt.btn.reject", ctx.lang), DOC, session.id, "reject", style="danger"),
            ]
        ),
    )
    for approver in users_with_role(s, "approver"):
        if approver.id != session.opened_by:
            notify_user(s, approver.id, card, f"{no}:approve:{approver.id}")
    if session.opened_by != me:
        notify_user(s, session.opened_by, Reply.of(review, *table), f"{no}:submitted")
    return Reply.of(Text(text=tm("cnt.submitted", ctx.lang, no=no, n=n)), *table)


# --- decisions -----------------------------------------------------------------------------------


def _load(ctx: Ctx, s: Session, session_id: int) -> CountSession:
    session = s.get(CountSession, session_id)
    if session is None:
        raise refuse("doc.unknown", ctx.lang, doc=doc_number(DOC, session_id))
    return session


def _already(ctx: Ctx, s: Session, session: CountSession) -> Refusal:
    """Why a transition did not happen: who moved the session on, and when."""
    s.refresh(session)
    no = doc_number(DOC, session.id)
    state = t(f"cnt.state.{session.state}", ctx.lang)
    last = last_decision(s, DOC, session.id)
    if last is not None and last.action in {"approve", "reject", "cancel"}:
        return refuse(
            "cnt.already",
            ctx.lang,
            no=no,
            state=state,
            who=display_name(s, last.actor_id),
            at=local_time(ctx, last.created_at),
        )
    return refuse("cnt.closed", ctx.lang, no=no, state=state)


def approve(ctx: Ctx, session_id: int) -> Reply:
    require(ctx, "approver")
    with ctx.db.write() as s:
        session = _load(ctx, s, session_id)
        no = doc_number(DOC, session.id)
        if session.state != "submitted":
            raise _already(ctx, s, session)
        me = actor_id(ctx, s)
        if session.opened_by == me:
            raise refuse("cnt.self_approve", ctx.lang, no=no)
        if not transition(s, CountSession, session.id, ("submitted",), state="approved"):
            raise _already(ctx, s, session)
        lines = s.scalars(
            select(CountLine).where(CountLine.session_id == session.id).order_by(CountLine.line_no)
        ).all()
        moves = [
            ledger.Line(
                ln.item_id,
                ln.location_id,
                ln.counted_qty - ln.book_qty,
                MovementKind.ADJUSTMENT,
                ln.batch_id,
            )
            for ln in lines
            if ln.counted_qty is not None and ln.counted_qty != ln.book_qty
        ]
        # A write-off or write-up is money: the approver's limit covers its value (盘盈 + 盘亏).
        counted = {m.item_id for m in moves}
        costs = {
            item_id: cost
            for item_id, cost in s.execute(
                select(Item.id, Item.unit_cost).where(Item.id.in_(counted))
            )
        }
        value = sum((abs(m.qty) * costs.get(m.item_id, ZERO) for m in moves), ZERO)
        value = value.quantize(Decimal("0.01"))
        limit = approval_limit(s, me)
        if limit is not None and value > limit:
            raise refuse("cnt.over_limit", ctx.lang, no=no, amount=f"{value:,}", limit=f"{limit:,}")
        for item_id in sorted({m.item_id for m in moves}):
            lock_item(s, item_id)
        if moves:
            ledger.post(
                s.connection(),
                ledger.Meta(
                    idempotency_key=f"count:{session.id}:adjust",
                    kind="adjustment",
                    actor_id=me,
                    doc_type=DOC,
                    doc_id=no,
                    chat_platform=ctx.origin.platform,
                    chat_id=ctx.origin.chat_id,
                    message_id=ctx.origin.message_id,
                    note=session.scope,
                ),
                moves,
            )
        d = decide(ctx, s, DOC, session.id, "approve")
        done = Reply.text(
            tm(
                "cnt.approved",
                ctx.lang,
                no=no,
                who=ctx.actor.display_name,
                at=local_time(ctx, d.created_at),
                n=len(moves),
            )
        )
        notify_user(s, session.opened_by, done, f"{no}:approved")
        return done


def ask_reject_reason(ctx: Ctx, session_id: int) -> Reply:
    require(ctx, "approver")
    with ctx.db.write() as s:
        session = _load(ctx, s, session_id)
        if session.state != "submitted":
            raise _already(ctx, s, session)
        conversation.expect(ctx, s, "count_reject_reason", session.id)
        return Reply(
            blocks=[Text(text=tm("cnt.ask_reason", ctx.lang, no=doc_number(DOC, session.id)))],
            asks=True,
        )


def reject(ctx: Ctx, session_id: int, reason: str, *, answering: bool = False) -> Reply:
    require(ctx, "approver")
    reason = reason.strip()[:500]
    with ctx.db.write() as s:
        if answering:
            conversation.clear(ctx, s)
        session = _load(ctx, s, session_id)
        no = doc_number(DOC, session.id)
        me = actor_id(ctx, s)
        if session.state == "submitted" and session.opened_by == me:
            raise refuse("cnt.self_approve", ctx.lang, no=no)
        if not transition(s, CountSession, session.id, ("submitted",), state="rejected"):
            raise _already(ctx, s, session)
        d = decide(ctx, s, DOC, session.id, "reject", reason=reason)
        done = Reply.text(
            tm(
                "cnt.rejected",
                ctx.lang,
                no=no,
                who=ctx.actor.display_name,
                at=local_time(ctx, d.created_at),
                reason=reason,
            )
        )
        notify_user(s, session.opened_by, done, f"{no}:rejected")
        return done


def cancel(ctx: Ctx, session_id: int, reason: str | None = None) -> Reply:
    """The opener (or an admin) calls a count off while it is still being counted."""
    with ctx.db.write() as s:
        session = _lock_session(ctx, s, session_id)
        no = doc_number(DOC, session.id)
        me = actor_id(ctx, s)
        if session.opened_by != me and not ctx.actor.has("admin"):
            raise refuse("cnt.not_opener", ctx.lang, no=no, who=display_name(s, session.opened_by))
        if not transition(s, CountSession, session.id, ("counting",), state="cancelled"):
            raise _already(ctx, s, session)
        _clear_counters(s, session.id)
        decide(ctx, s, DOC, session.id, "cancel", reason=reason[:500] if reason else None)
        return Reply.text(tm("cnt.cancelled", ctx.lang, no=no, who=ctx.actor.display_name))


# --- wiring --------------------------------------------------------------------------------------

COMMANDS = {"count": open_count}
DOC_COMMANDS = {
    ("approve", DOC): lambda ctx, cmd, doc_id: approve(ctx, doc_id),
    ("reject", DOC): lambda ctx, cmd, doc_id: reject(ctx, doc_id, cmd.reason),
    ("cancel", DOC): lambda ctx, cmd, doc_id: cancel(ctx, doc_id, cmd.reason),
}
ACTIONS = {
    (DOC, "join"): lambda ctx, tok: join(ctx, tok.doc_id),
    (DOC, "cancel"): lambda ctx, tok: cancel(ctx, tok.doc_id),
    (DOC, "approve"): lambda ctx, tok: approve(ctx, tok.doc_id),
    (DOC, "reject"): lambda ctx, tok: ask_reject_reason(ctx, tok.doc_id),
}
REPLIES = {
    KIND: answer,
    "count_reject_reason": lambda ctx, conv, text: reject(ctx, conv.doc_id, text, answering=True),
}
