"""Reversal: `/undo <movement> <reason>`.

```
/undo #12 wrong item ──keeper/admin?──▶ movement's posting ──owned by a document (MR, GR, count,
                                               │                import)? ──▶ refused: use that
                                               │                             document's own flow
                                  already reversed? ──▶ "already reversed by X at …"
                                               │
                     ledger.reverse(all lines of the posting, key undo:<posting>) ──▶ refused by
                                               │                the ledger if stock would go < 0
                                               ▼
                              a `reversal` posting (doc_type "undo", doc_id = posting id)
```
The reversal posting is itself the audit record (who, when, which chat, the reason as its note),
so no decision row is written. A whole posting is reversed because a transfer's two lines only
make sense together.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

import stockbot.messages.audit  # noqa: F401  (registers the catalogue)
from stockbot.commands.parser import UndoCmd
from stockbot.flows import routing
from stockbot.flows.common import (
    Refusal,
    actor_id,
    display_name,
    fq,
    lock_item,
    refuse,
    require,
)
from stockbot.flows.context import Ctx
from stockbot.flows.history import UNDO, doc_label, kind_label, reversal_of, signed, when
from stockbot.flows.notices import L, Notice, Q
from stockbot.i18n import t, tm
from stockbot.replies import Reply, Table, Text
from stockbot.store import ledger
from stockbot.store.models import (
    Item,
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
    raw = cmd.movement_id.strip().lstrip("#＃")
    if not raw.isdigit() or len(raw) > 18:
        raise refuse("undo.no_such", ctx.lang, no=cmd.movement_id)
    no = int(raw)
    reason = cmd.reason.strip()[:500]
    with ctx.db.write() as s:
        here = zone(ctx.tz)
        mv = s.get(Movement, no)
        if mv is None:
            raise refuse("undo.no_such", ctx.lang, no=no)
        posting = s.get(Posting, mv.posting_id)
        assert posting is not None
        if (
            mv.kind == MovementKind.REVERSAL.value
            or posting.kind == MovementKind.REVERSAL.value
            or posting.doc_type == UNDO
        ):
            raise refuse("undo.of_reversal", ctx.lang, no=no)
        if posting.doc_type in DOCUMENT_OWNED or posting.kind == "opening":
            raise refuse(
                "undo.use_document",
                ctx.lang,
                no=no,
                doc=doc_label(posting.doc_type, posting.doc_id),
            )
        lines = s.scalars(
            select(Movement).where(Movement.posting_id == posting.id).order_by(Movement.line_no)
        ).all()
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
        if result.already_done:  # a retried command, or a racing keeper who got there first
            raise _already(ctx, s, here, no, ids)
        rev = s.get(Posting, result.posting_id)
        assert rev is not None
        items = {
            i.id: i for i in s.scalars(select(Item).where(Item.id.in_({m.item_id for m in lines})))
        }
        rows = [
            [
                f"#{mid}",
                kind_label(ctx.lang, "reversal"),
                items[m.item_id].code,
                signed(-m.qty, items[m.item_id].unit),
            ]
            for mid, m in zip(result.movement_ids, lines, strict=True)
        ]
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
            notice = Notice(
                "undo.notice",
                {"no": no, "who": ctx.actor.display_name, "reason": reason},
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
            routing.to_user(s, author, notice, f"undo:{posting.id}:notice")
        return Reply.of(
            Text(text=done),
            Table(
                title=t("undo.lines", ctx.lang, posting=result.posting_id),
                headers=[
                    t("hist.col.no", ctx.lang),
                    t("hist.col.kind", ctx.lang),
                    t("hist.col.item", ctx.lang),
                    t("hist.col.qty", ctx.lang),
                ],
                rows=rows,
            ),
        )


def _already(ctx: Ctx, s: Session, zone: ZoneInfo, no: int, ids: list[int]) -> Refusal:
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
        rev=rev.id,
    )


def _keep_reservations_covered(ctx: Ctx, s: Session, no: int, lines: Any) -> None:
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
            after=fq(q.on_hand + change, item.unit),
            reserved=fq(q.reserved, item.unit),
        )


COMMANDS = {"undo": undo}
