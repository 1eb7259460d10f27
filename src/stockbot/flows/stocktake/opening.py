"""Opening a count: what `/count <target>` covers, and the lines it snapshots.

An item is counted where it is booked, not where the chat happens to point: `/count BOLT-01`
counts every location of the one warehouse holding it, and asks "which warehouse?" with a
button each when several do (one count is one warehouse: one keeper walks one building).
`/count CNT-1 line 3 150` is not an opening at all but a correction (`counting.correct`).
"""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from stockbot.commands.parser import CountCmd
from stockbot.flows import conversation
from stockbot.flows.common import (
    actor_id,
    decide,
    require,
    resolve_item,
    token_for,
    warehouse_for,
)
from stockbot.flows.context import Ctx
from stockbot.flows.moves import Place, lookup_place
from stockbot.flows.notices import Act, Notice
from stockbot.flows.stocktake.counting import ask, correct_typed
from stockbot.flows.stocktake.document import DOC, KIND, WF, ZERO, line
from stockbot.replies import Reply
from stockbot.store.models import (
    ActionToken,
    Balance,
    Batch,
    CountLine,
    CountSession,
    Item,
    Location,
    Warehouse,
)

OPEN_STATES = ("counting", "submitted")
CORRECTION = re.compile(
    r"(?P<doc>CNT[-#]?\d+)\s+(?:line|行|第)\s*(?P<line>\d+)\s*行?(?:\s+(?P<qty>\S.*))?",
    re.IGNORECASE,
)
"""`CNT-1 line 3 150` (or `CNT-1 行 3 150`, `CNT-1 第3行 150`): correct a counted line;
without the quantity, that line is asked again (as the "Correct line 3" button does)."""


def open_count(ctx: Ctx, cmd: CountCmd) -> Reply:
    """`/count <WH | WH/LOC | item | category>`: one line per balance row in scope, with the
    book quantity snapshotted (and never shown to the counters)."""
    target = cmd.target.strip()
    fix = CORRECTION.fullmatch(target)
    if fix is not None:  # a counter (staff too) corrects their own line
        doc_id = WF.id_of(ctx, fix["doc"])
        return correct_typed(ctx, doc_id, int(fix["line"]), fix["qty"])
    require(ctx, "keeper")
    with ctx.db.read() as s:
        place = None if any(c.isspace() for c in target) else lookup_place(ctx, s, target)
        category = None if place else _category(s, target)
        if place is None and category is None:
            retry = {"command": cmd.model_dump(mode="json")}
            item_id = resolve_item(ctx, s, target, retry).id
            held = holding(s, item_id)
            if len(held) <= 1:
                return _open_item(ctx, item_id, held[0][0] if held else None)
            return _which_warehouse(ctx, item_id, held)
    with ctx.db.write() as s:
        if place is not None:
            wh = s.get(Warehouse, place.warehouse.id)
            assert wh is not None
            scope = Place(wh, place.location).label
            where = [Balance.warehouse_id == wh.id]
            if place.location is not None:
                where.append(Balance.location_id == place.location.id)
        else:
            assert category is not None
            wh = warehouse_for(ctx, s)
            scope = f"{wh.code} · {category}"
            where = [Balance.warehouse_id == wh.id, func.lower(Item.category) == category.lower()]
        return _start(ctx, s, wh, scope, [*where, Balance.qty != ZERO])


def holding(s: Session, item_id: int) -> list[tuple[int, str]]:
    """The warehouses where `item_id` is booked (a non-zero balance), by code."""
    return [
        (wh_id, code)
        for wh_id, code in s.execute(
            select(Warehouse.id, Warehouse.code)
            .join(Balance, Balance.warehouse_id == Warehouse.id)
            .where(Balance.item_id == item_id, Balance.qty != ZERO)
            .group_by(Warehouse.id, Warehouse.code)
            .order_by(Warehouse.code)
        )
    ]


def _open_item(ctx: Ctx, item_id: int, warehouse_id: int | None) -> Reply:
    """Count one item in one warehouse: where it is booked, else the chat's warehouse (which
    says "nothing to count"). Rows at zero are lines too: the item may have turned up there."""
    with ctx.db.write() as s:
        item = s.get(Item, item_id)
        wh = s.get(Warehouse, warehouse_id) if warehouse_id else None
        wh = wh or warehouse_for(ctx, s)
        assert item is not None
        where = [Balance.warehouse_id == wh.id, Balance.item_id == item.id]
        return _start(ctx, s, wh, f"{wh.code} · {item.code}", where)


def _which_warehouse(ctx: Ctx, item_id: int, held: list[tuple[int, str]]) -> Reply:
    """Several warehouses hold the item: a button each (no quantities: the count is blind).
    Only action tokens are written, as for any "did you mean" choice."""
    with ctx.db.write() as s:
        item = s.get(Item, item_id)
        assert item is not None
        buttons = tuple(
            Act("cnt.btn.at", token_for(s, DOC, 0, "at", {"item": item_id, "wh": wh}), {"wh": c})
            for wh, c in held
        )
        codes = ", ".join(c for _, c in held)
        params = {"item": item.code, "n": len(held), "codes": codes}
        notice = Notice("cnt.which_warehouse", params, buttons)
    return notice.render(ctx.lang, ctx.tz, ephemeral=True)


def open_at(ctx: Ctx, token: ActionToken) -> Reply:
    """The pressed "Count in WH2" button of `_which_warehouse`."""
    require(ctx, "keeper")
    payload = token.payload or {}
    return _open_item(ctx, int(payload["item"]), int(payload["wh"]))


def _category(s: Session, target: str) -> str | None:
    exact_item = s.scalar(select(Item.id).where(func.lower(Item.code) == target.lower()))
    if exact_item is not None:
        return None
    return s.scalar(
        select(Item.category)
        .where(func.lower(Item.category) == target.lower(), Item.category != "")
        .limit(1)
    )


def refuse_if_busy(ctx: Ctx, s: Session, scope: str) -> None:
    """One open count per scope: a second would count the same shelf twice."""
    busy = s.scalar(
        select(CountSession)
        .where(CountSession.scope == scope, CountSession.state.in_(OPEN_STATES))
        .limit(1)
    )
    if busy is not None:
        state = WF.state_label(busy.state)
        notice = Notice("cnt.busy", {"no": WF.number(busy.id), "scope": scope, "state": state})
        raise WF.refusal(ctx, notice)


def _start(ctx: Ctx, s: Session, wh: Warehouse, scope: str, where: list[Any]) -> Reply:
    """The session and its lines (book quantities snapshotted), then the first question."""
    scope = scope[:200]
    refuse_if_busy(ctx, s, scope)
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
    buttons = (
        Act("cnt.btn.next", token_for(s, DOC, session.id, "join")),
        Act("cnt.btn.cancel", token_for(s, DOC, session.id, "cancel")),
    )
    who = ctx.actor.display_name
    params = {"no": WF.number(session.id), "who": who, "n": len(rows), "scope": scope}
    opened = Notice("cnt.opened", params, buttons)
    return ask(s, opened, line(s, session.id, 1), len(rows)).render(ctx.lang, ctx.tz)
