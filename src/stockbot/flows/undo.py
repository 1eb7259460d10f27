"""Reversal: `/undo <MV-n | PST-n> <reason>`, shown first, posted on Confirm.

```
/undo MV-00012 wrong item ──keeper/admin?──▶ the movement's posting (or PST-n itself) ──owned by
                                               │   a document (MR, GR, count, import)? ──▶ refused:
                                               │   use that document's own flow
                                  already reversed? ──▶ "already reversed by X at …"
                                               ▼
             the lines it will reverse (kind, item, qty, place) + [Confirm reversal] [Cancel]
                                               │ Confirm (keeper/admin)
                     ledger.reverse(all lines of the posting, key undo:<posting>) ──▶ refused by
                                               │                the ledger if stock would go < 0
                                               ▼
                              a `reversal` posting (doc_type "undo", doc_id = posting id)
```
Nothing is written before Confirm: a mistyped number shows the wrong lines instead of reversing
them. The buttons are plain action tokens, not a workflow — the reversal posting is itself the
audit record (who, when, which chat, the reason as its note) and its idempotency key makes a
double press act once. Cancel deletes the prompt's tokens, so its Confirm goes stale. A whole
posting is reversed because a transfer's two lines only make sense together.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

import stockbot.messages.audit  # noqa: F401  (registers the catalogue)
from stockbot.commands.parser import UndoCmd
from stockbot.flows import routing
from stockbot.flows.common import (
    Refusal,
    actor_id,
    button,
    display_name,
    fq,
    lock_item,
    refuse,
    require,
)
from stockbot.flows.context import Ctx
from stockbot.flows.history import (
    UNDO,
    doc_label,
    kind_label,
    mv_no,
    parse_ref,
    place,
    pst_no,
    reversal_of,
    signed,
    when,
)
from stockbot.flows.notices import L, Notice, Q
from stockbot.i18n import t, tm
from stockbot.replies import Buttons, Reply, Table, Text
from stockbot.store import ledger
from stockbot.store.models import (
    ActionToken,
    Batch,
    Item,
    Location,
    Movement,
    MovementKind,
    Posting,
    User,
    Warehouse,
)
from stockbot.store.quantities import quantities
from stockbot.timeutil import zone

ZERO = Decimal(0)
DOCUMENT_OWNED = {"mr", "gr", "po", "pr", "count", "wo", "import", "opening"}
"""Postings made by a document's flow: reversing them behind the document's back would leave
it claiming something the ledger no longer says (an MR "issued", a GR "accepted")."""


def undo(ctx: Ctx, cmd: UndoCmd) -> Reply:
    require(ctx, "keeper")
    ref = parse_ref(cmd.movement_id.strip())
    if ref is None:
        raise refuse("undo.no_such", ctx.lang, no=cmd.movement_id.strip()[:40])
    reason = cmd.reason.strip()[:500]
    with ctx.db.write() as s:
        here = zone(ctx.tz)
        posting, no = _target(ctx, s, *ref)
        lines = _lines(s, posting.id)
        ids = [m.id for m in lines]
        if reversal_of(s, ids) is not None:
            raise _already(ctx, s, here, no, ids)
        _keep_reservations_covered(ctx, s, no, lines)
        label = pst_no(posting.id)
        payload = {"reason": reason, "no": no}
        confirm = button(
            s, t("undo.btn.confirm", ctx.lang), UNDO, posting.id, "confirm", payload, "danger"
        )
        cancel = button(s, t("undo.btn.cancel", ctx.lang), UNDO, posting.id, "cancel", payload)
        return Reply.of(
            Text(
                key="undo.confirm",
                text=tm(
                    "undo.confirm",
                    ctx.lang,
                    posting=label,
                    kind=kind_label(ctx.lang, posting.kind),
                    who=display_name(s, posting.actor_id),
                    at=when(here, posting.created_at, short=True),
                    reason=reason,
                ),
            ),
            _table(ctx, s, t("undo.to_reverse", ctx.lang, posting=label), lines),
            Buttons(buttons=[confirm, cancel]),
        )


def _target(ctx: Ctx, s: Session, kind: str, n: int) -> tuple[Posting, str]:
    """The posting a reference names, refused when it may not be undone here."""
    no = mv_no(n) if kind == "mv" else pst_no(n)
    mv = s.get(Movement, n) if kind == "mv" else None
    posting = (
        s.get(Posting, mv.posting_id if mv is not None else n) if kind == "pst" or mv else None
    )
    if posting is None:
        raise refuse("undo.no_such", ctx.lang, no=no)
    if (
        (mv is not None and mv.kind == MovementKind.REVERSAL.value)
        or posting.kind == MovementKind.REVERSAL.value
        or posting.doc_type == UNDO
    ):
        raise refuse("undo.of_reversal", ctx.lang, no=no)
    if posting.doc_type in DOCUMENT_OWNED or posting.kind == "opening":
        raise refuse(
            "undo.use_document", ctx.lang, no=no, doc=doc_label(posting.doc_type, posting.doc_id)
        )
    return posting, no


def _lines(s: Session, posting_id: int) -> list[Movement]:
    return list(
        s.scalars(
            select(Movement).where(Movement.posting_id == posting_id).order_by(Movement.line_no)
        )
    )


def _table(
    ctx: Ctx, s: Session, title: str, lines: list[Movement], numbers: list[int] | None = None
) -> Table:
    """Lines as a keeper checks them: number, kind, item, quantity, place (and batch)."""
    items = {
        i.id: i for i in s.scalars(select(Item).where(Item.id.in_({m.item_id for m in lines})))
    }
    rows = []
    for i, m in enumerate(lines):
        wh, loc = s.get_one(Warehouse, m.warehouse_id), s.get_one(Location, m.location_id)
        lot = s.get_one(Batch, m.batch_id).lot if m.batch_id is not None else None
        qty = m.qty if numbers is None else -m.qty
        rows.append(
            [
                mv_no(m.id if numbers is None else numbers[i]),
                kind_label(ctx.lang, m.kind if numbers is None else "reversal"),
                items[m.item_id].code,
                signed(qty, items[m.item_id].unit, ctx.lang),
                place(wh.code, loc.code, lot),
            ]
        )
    headers = ["hist.col.no", "hist.col.kind", "hist.col.item", "hist.col.qty", "hist.col.place"]
    return Table(title=title, headers=[t(h, ctx.lang) for h in headers], rows=rows)


def confirm(ctx: Ctx, token: ActionToken) -> Reply:
    """Confirm pressed: post the reversal once; a second press is told who did it and when."""
    require(ctx, "keeper")
    no, reason = str(token.payload.get("no", "")), str(token.payload.get("reason", ""))
    with ctx.db.write() as s:
        here = zone(ctx.tz)
        posting = s.get(Posting, token.doc_id)
        if posting is None:
            raise refuse("button.stale", ctx.lang)
        lines = _lines(s, posting.id)
        ids = [m.id for m in lines]
        if reversal_of(s, ids) is not None:
            raise _already(ctx, s, here, no, ids)
        for item_id in sorted({m.item_id for m in lines}):
            lock_item(s, item_id)
        _keep_reservations_covered(ctx, s, no, lines)
        me = actor_id(ctx, s)
        try:
            result = ledger.reverse(
                s.connection(),
                ids,
                ledger.Meta(
                    idempotency_key=f"undo:{posting.id}",
                    kind=MovementKind.REVERSAL.value,
                    actor_id=me,
                    doc_type=UNDO,
                    doc_id=str(posting.id),
                    **ctx.origin.columns(),
                    note=reason,
                ),
            )
        except ledger.AlreadyReversed:
            raise _already(ctx, s, here, no, ids) from None
        if result.already_done:  # a retried press, or a racing keeper who got there first
            raise _already(ctx, s, here, no, ids)
        rev = s.get_one(Posting, result.posting_id)
        done = tm(
            "undo.done",
            ctx.lang,
            no=no,
            who=ctx.actor.display_name,
            at=when(here, rev.created_at, short=True),
            reason=reason,
        )
        author = s.get(User, posting.actor_id) if posting.actor_id not in (None, me) else None
        if author is not None:
            _tell_author(s, author, posting.id, no, ctx.actor.display_name, reason, lines)
        title = t("undo.lines", ctx.lang, posting=pst_no(result.posting_id))
        return Reply.of(
            Text(text=done, key="undo.done"),
            _table(ctx, s, title, lines, numbers=list(result.movement_ids)),
        )


def cancel(ctx: Ctx, token: ActionToken) -> Reply:
    """Cancel pressed: nothing is posted; this posting's undo buttons go stale."""
    require(ctx, "keeper")
    no = str(token.payload.get("no", ""))
    with ctx.db.write() as s:
        lines = _lines(s, token.doc_id)
        ids = [m.id for m in lines]
        if ids and reversal_of(s, ids) is not None:
            raise _already(ctx, s, zone(ctx.tz), no, ids)
        s.execute(
            delete(ActionToken).where(
                ActionToken.doc_type == UNDO, ActionToken.doc_id == token.doc_id
            )
        )
        who = ctx.actor.display_name
        text = tm("undo.cancelled", ctx.lang, posting=pst_no(token.doc_id), who=who)
        return Reply.text(text, key="undo.cancelled")


def _tell_author(
    s: Session, author: User, posting_id: int, no: str, who: str, reason: str, lines: list[Movement]
) -> None:
    items = {
        i.id: i for i in s.scalars(select(Item).where(Item.id.in_({m.item_id for m in lines})))
    }
    notice = Notice(
        "undo.notice",
        {"no": no, "who": who, "reason": reason},
        more=tuple(
            (
                "undo.notice_line",
                {
                    "kind": L(f"kind.{m.kind}"),
                    "qty": Q(m.qty, items[m.item_id].unit),
                    "item": items[m.item_id].code,
                },
            )
            for m in lines
        ),
    )
    routing.to_user(s, author, notice, f"undo:{posting_id}:notice")


def _already(ctx: Ctx, s: Session, zone: ZoneInfo, no: str, ids: list[int]) -> Refusal:
    rev = reversal_of(s, ids)
    if rev is None:  # cannot happen once the ledger said so; say it plainly anyway
        return refuse("undo.of_reversal", ctx.lang, no=no)
    posting = s.get(Posting, rev.posting_id)
    assert posting is not None
    return refuse(
        "undo.already",
        ctx.lang,
        no=no,
        who=display_name(s, posting.actor_id),
        at=when(zone, posting.created_at, short=True),
        rev=mv_no(rev.id),
    )


def _keep_reservations_covered(ctx: Ctx, s: Session, no: str, lines: Any) -> None:
    """An undo may not take away stock that approved requests have reserved: on hand could
    stay ≥ 0 while *available* went negative, and the keeper could not issue what was promised.
    (Going below zero on hand is the ledger's refusal, with its own message.)"""
    delta: dict[tuple[int, int], Decimal] = {}
    for m in lines:
        delta[(m.item_id, m.warehouse_id)] = delta.get((m.item_id, m.warehouse_id), ZERO) - m.qty
    for (item_id, wh_id), change in sorted(delta.items()):
        if change >= 0:
            continue
        q = quantities(s, [item_id], wh_id)[item_id]
        if q.on_hand + change < 0 or q.available + change >= 0:
            continue
        item = s.get(Item, item_id)
        wh = s.get(Warehouse, wh_id)
        assert item is not None and wh is not None
        if item.allow_negative:
            continue
        raise refuse(
            "undo.reserved",
            ctx.lang,
            no=no,
            item=item.code,
            wh=wh.code,
            after=fq(q.on_hand + change, item.unit, ctx.lang),
            reserved=fq(q.reserved, item.unit, ctx.lang),
        )


COMMANDS = {"undo": undo}
ACTIONS = {(UNDO, "confirm"): confirm, (UNDO, "cancel"): cancel}
