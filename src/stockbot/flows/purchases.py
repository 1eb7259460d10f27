"""Purchase requests and their approval (采购审批): request → approval level(s) → purchase order.

```
  /purchase, or "Request purchase" on a shortage (the incident is linked to the new PR): one
  line; a work order's shortages, /suggest's "raise all": one request per supplier, its lines
  (`flows.purchase_lines`)
          │
       pending ──approve (level 1)──▶ pending, levels_done = 1 ──approve (level 2)──┐
          │  └── one level only (amount ≤ purchase_second_level_over) ──────────────┤
          │ reject (reason; approvers) / cancel (the requester, or an admin)        ▼
          ▼                                          ordered: PO, one line per PR line (on order)
   rejected / cancelled
```
The graph is `WF` below (`flows.workflow`); the order it becomes is `flows.purchase_orders`.
The amount below is the request's total over its lines. Who may approve is one rule, `_need`,
so that the check on a pressed button, the cards (`WF.who_can`) and `/pending` agree:

- nobody approves their own request, and nobody gives both levels (two different people);
- one level (amount ≤ the threshold): an approver or admin whose limit covers the amount;
- two levels: level 1 needs a limit covering min(amount, threshold); level 2 a limit covering
  the whole amount — unless the level-1 approver's own limit already covered it, in which case
  any other approver may give the second signature. The higher of the two limits decides.

Each approval is a conditional update of `levels_done` from k-1 to k (and, on the last level,
of the state), so a double click or two approvers at once approve once, and the loser is told
who was first and when. Buttons name their level: a level-1 button pressed after level 1 is
done says who approved it. When nobody can give the next level, the actor, the requester and
the admins are told at once (the fix is a role or a higher limit), never a silent stall.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from decimal import Decimal, InvalidOperation
from typing import Any, cast

from sqlalchemy import CursorResult, func, or_, select, update
from sqlalchemy.orm import Session

import stockbot.messages.purchases  # noqa: F401  (registers the catalogue)
from stockbot.commands.parser import PurchaseCmd
from stockbot.flows import routing, shortage
from stockbot.flows.common import (
    Refusal,
    actor_id,
    approval_limit,
    decide,
    display_name,
    fq,
    item_and_qty,
    refuse,
    token_for,
    typed_qty,
)
from stockbot.flows.context import Ctx
from stockbot.flows.notices import Act, At, ItemLabel, L, Money, Notice, Q
from stockbot.flows.purchase_lines import (
    Row,
    Want,
    add_lines,
    lines_of,
    listed,
    per_supplier,
    supplier_label,
)
from stockbot.flows.purchase_orders import order
from stockbot.flows.workflow import Input, Workflow
from stockbot.i18n import tm
from stockbot.replies import Reply
from stockbot.store.models import (
    ActionToken,
    Decision,
    Item,
    PurchaseRequest,
    Supplier,
    User,
)
from stockbot.timeutil import utcnow

WF = Workflow("pr", "PR", PurchaseRequest, requester_attr="requested_by")
DOC = WF.doc_type
MAX_AMOUNT = Decimal(10) ** 12
"""Larger amounts are surely typos (and would not fit the store's exact columns)."""


# --- helpers ----------------------------------------------------------------------------------


def _placeholder() -> str:
    """A unique stand-in for a number column until the row's id is known."""
    return f"~{secrets.token_hex(8)}"


def _find_supplier(ctx: Ctx, s: Session, text: str | None, item: Item) -> Supplier | None:
    """The supplier a person names (code or name, case-insensitive, part of it is enough);
    none named → the item's default supplier."""
    if text is None or not text.strip():
        return s.get(Supplier, item.default_supplier_id) if item.default_supplier_id else None
    query = text.strip()
    q = query.lower()
    active = Supplier.active.is_(True)
    exact = s.scalars(
        select(Supplier).where(active, or_(func.lower(Supplier.code) == q, Supplier.name == query))
    ).all()
    if len(exact) == 1:
        return exact[0]
    hits = s.scalars(
        select(Supplier)
        .where(
            active,
            or_(
                func.lower(Supplier.code).contains(q, autoescape=True),
                func.lower(Supplier.name).contains(q, autoescape=True),
            ),
        )
        .order_by(Supplier.code)
        .limit(11)
    ).all()
    if len(hits) == 1:
        return hits[0]
    if hits:
        matches = ", ".join(h.code for h in hits[:10])
        raise refuse("pr.many_suppliers", ctx.lang, query=query[:80], matches=matches)
    known = s.scalars(select(Supplier.code).where(active).order_by(Supplier.code).limit(30)).all()
    raise refuse(
        "pr.no_supplier",
        ctx.lang,
        query=query[:80],
        known=", ".join(known) or tm("pr.none_known", ctx.lang),
    )


def _approval(s: Session, pr_id: int, level: int) -> Decision | None:
    """The decision that gave `level` of the request, if any."""
    return s.scalar(
        select(Decision)
        .where(
            Decision.doc_type == DOC,
            Decision.doc_id == pr_id,
            Decision.action == "approve",
            Decision.level == level,
        )
        .order_by(Decision.id)
        .limit(1)
    )


def _need(ctx: Ctx, s: Session, pr: PurchaseRequest) -> Decimal | None:
    """The amount the next approver's limit must cover (None: any approver), by the rule in
    the module docstring — the one place it is written."""
    if pr.levels_done == 0:
        if pr.levels_required <= 1:
            return Decimal(pr.amount)
        return min(Decimal(pr.amount), ctx.settings.purchase_second_level_over)
    first = _approval(s, pr.id, 1)
    if first is not None and first.actor_id is not None:
        covered = approval_limit(s, first.actor_id)
        if covered is None or covered >= pr.amount:
            return None  # the first signature's limit covers it: any other approver signs
    return Decimal(pr.amount)


def _tell_requester(s: Session, pr: PurchaseRequest, notice: Notice, dedupe: str) -> None:
    requester = s.get(User, pr.requested_by) if pr.requested_by is not None else None
    if requester is not None:
        routing.to_user(s, requester, notice, dedupe)


# --- raising a request ------------------------------------------------------------------------


def purchase(
    ctx: Ctx,
    cmd: PurchaseCmd,
    item_id: int | None = None,
    token: str | None = None,
    incident: object = None,
) -> Reply:
    """`/purchase <item> <qty> [supplier]`, or the shortage button (`token`: claimed once;
    `incident`: the shortage the new request should resolve): a request of one line."""
    item_id, qty = item_and_qty(ctx, cmd, item_id)
    with ctx.db.write() as s:
        item = s.get(Item, item_id)
        assert item is not None
        supplier = _find_supplier(ctx, s, cmd.supplier, item)

        def claim(pr: PurchaseRequest) -> None:
            if token is None:
                return
            # the shortage button makes one request, however often pressed
            claimed = cast(
                CursorResult[Any],
                s.execute(
                    update(ActionToken)
                    .where(ActionToken.token == token, ActionToken.action == "purchase")
                    .values(action="purchased", payload={"pr": pr.id})
                    .execution_options(synchronize_session=False)
                ),
            ).rowcount
            if claimed != 1:
                raise _shortage_done(ctx, s, token)
            shortage.link_purchase(s, incident, pr.id)

        want = Want(item, qty, incident_id=incident if isinstance(incident, int) else None)
        _, told = open_request(
            ctx,
            s,
            [want],
            supplier,
            cmd.note,
            before_decision=claim,
            typed=typed_qty(cmd, qty, item.unit),
        )
        return told.render(ctx.lang, ctx.tz)


def open_request(
    ctx: Ctx,
    s: Session,
    wants: list[Want],
    supplier: Supplier | None,
    note: str | None = None,
    *,
    before_decision: Callable[[PurchaseRequest], None] | None = None,
    typed: Any = None,
) -> tuple[PurchaseRequest, Notice]:
    """One purchase request of one or more lines from one supplier, in the caller's unit of
    work, its approval card routed to who may approve the total; returns the request and the
    requester's notice (its lines, and whom the card reached). `typed`: a one-line request's
    quantity as the person typed it (`common.typed_qty`)."""
    assert wants, "a purchase request buys something"
    total = sum((w.amount for w in wants), Decimal(0))
    biggest = max(wants, key=lambda w: (w.amount, w.qty))
    if any(w.qty > MAX_AMOUNT for w in wants) or total > MAX_AMOUNT:
        raise refuse(
            "pr.too_large",
            ctx.lang,
            qty=fq(biggest.qty, biggest.item.unit, ctx.lang),
            item=biggest.item.code,
            amount=total,
        )
    two = total > ctx.settings.purchase_second_level_over
    pr = PurchaseRequest(
        number=_placeholder(),
        supplier_id=supplier.id if supplier else None,
        amount=total,
        state="pending",
        requested_by=actor_id(ctx, s),
        levels_required=2 if two else 1,
        levels_done=0,
        note=note,
        **ctx.origin.columns(),
        updated_at=utcnow(),
    )
    s.add(pr)
    s.flush()
    pr.number = WF.number(pr.id)
    rows = add_lines(s, pr, wants)
    if before_decision is not None:
        before_decision(pr)
    decide(ctx, s, DOC, pr.id, "request", qty=wants[0].qty if len(wants) == 1 else None)
    card = _card(s, pr, rows, level=1)
    params: dict[str, Any] = {
        "no": pr.number,
        "supplier": supplier_label(s, pr.supplier_id),
        "amount": Money(total),
        "levels": L("pr.two_levels") if two else "",
    }
    if len(rows) == 1:
        line, item = rows[0]
        qty = typed or Q(line.qty, item.unit)
        created = Notice(
            "pr.created",
            {**params, "qty": qty, "item": ItemLabel(item.code, item.name)},
            card.buttons,
        )
    else:
        created = listed(Notice("pr.created_lines", {**params, "n": len(rows)}, card.buttons), rows)
    return pr, _route_card(ctx, s, pr, card, created)


def per_supplier_requests(
    ctx: Ctx, s: Session, wants: list[Want], note: str
) -> tuple[list[str], tuple[tuple[str, dict[str, Any]], ...]]:
    """One request per supplier for everything in `wants` (a work order's shortages, the
    suggestions), each through the usual approvals; the numbers and the lines to tell the
    requester (each request's lines and whom its card reached; which one has no supplier)."""
    numbers: list[str] = []
    lines: list[tuple[str, dict[str, Any]]] = []
    for supplier, group in per_supplier(s, wants):
        pr, told = open_request(ctx, s, group, supplier, note=note)
        numbers.append(pr.number)
        lines += [(told.key, told.params), *told.more]
        if supplier is None:
            lines.append(("pr.without_supplier", {"no": pr.number}))
    return numbers, tuple(lines)


def _card(s: Session, pr: PurchaseRequest, rows: list[Row], level: int) -> Notice:
    """The approval card for one level: its lines and total; its Approve button names the
    level it approves."""
    of = pr.levels_required
    params: dict[str, Any] = {
        "no": pr.number,
        "who": display_name(s, pr.requested_by),
        "supplier": supplier_label(s, pr.supplier_id),
        "amount": Money(pr.amount),
        "level": L("pr.card_level", level=level, of=of) if of > 1 else "",
    }
    buttons = (
        Act("pr.btn.approve", token_for(s, DOC, pr.id, "approve", {"level": level}), {}, "primary"),
        Act("pr.btn.reject", token_for(s, DOC, pr.id, "reject"), {}, "danger"),
    )
    if len(rows) == 1:
        line, item = rows[0]
        params |= {"qty": Q(line.qty, item.unit), "item": ItemLabel(item.code, item.name)}
        return Notice("pr.card", params, buttons)
    return listed(Notice("pr.card_lines", {**params, "n": len(rows)}, buttons), rows)


def _route_card(ctx: Ctx, s: Session, pr: PurchaseRequest, card: Notice, reply: Notice) -> Notice:
    """The card to exactly the people who may approve now; when nobody can, `reply` says so
    and the admins hear it (the requester is told by the caller: `reply` is theirs or goes
    to them)."""
    stuck = stuck_notice(ctx, s, pr)
    return WF.offer(ctx, s, pr, "approve", card, stuck, pr.levels_done + 1).tell(reply)


def stuck_notice(ctx: Ctx, s: Session, pr: PurchaseRequest) -> Notice:
    """The "nobody can approve PR-…" notice: why (no approver at all, or no limit high enough)."""
    needed = _need(ctx, s, pr)
    amount = Money(needed) if needed is not None else None
    return routing.nobody_can(pr.number, "approve", "approver", amount=amount)


def from_shortage(ctx: Ctx, token: ActionToken) -> Reply:
    """The shortage card's "Request purchase (N)": `/purchase` for that item and quantity,
    linked to the incident the card recorded."""
    payload = token.payload or {}
    try:
        qty = Decimal(str(payload.get("qty")))
    except (InvalidOperation, ValueError):
        raise refuse("button.stale", ctx.lang) from None
    if not qty.is_finite() or qty <= 0:
        raise refuse("button.stale", ctx.lang)
    cmd = PurchaseCmd(item=f"#{token.doc_id}", qty=qty)
    incident = payload.get("incident")
    return purchase(ctx, cmd, item_id=token.doc_id, token=token.token, incident=incident)


def _shortage_done(ctx: Ctx, s: Session, token: str) -> Refusal:
    tok = s.get(ActionToken, token)
    pr_id = tok.payload.get("pr") if tok is not None and tok.payload else None
    pr = s.get(PurchaseRequest, pr_id) if isinstance(pr_id, int) else None
    if pr is None:
        return refuse("button.stale", ctx.lang)
    who, at = display_name(s, pr.requested_by), At(pr.created_at)
    return WF.refusal(ctx, Notice("pr.from_shortage_done", {"no": pr.number, "who": who, "at": at}))


def shortage_already(ctx: Ctx, token: ActionToken) -> Reply:
    with ctx.db.read() as s:
        raise _shortage_done(ctx, s, token.token)


# --- the steps --------------------------------------------------------------------------------


def _level_already(ctx: Ctx, s: Session, pr: PurchaseRequest, level: int) -> Refusal:
    d = _approval(s, pr.id, level)
    if d is None:
        return refuse("button.stale", ctx.lang)
    params = {
        "no": pr.number,
        "level": level,
        "who": display_name(s, d.actor_id),
        "at": At(d.created_at),
    }
    return WF.refusal(ctx, Notice("pr.level_already", params))


@WF.step(
    "approve",
    source=("pending",),
    roles=("approver",),
    requester="not",
    once_per_person=True,
    limit=_need,
)
def approve(ctx: Ctx, s: Session, pr: PurchaseRequest, inp: Input) -> Reply:
    """Approve the next level (`/approve PR-n`), or exactly the level a card's button names."""
    k = pr.levels_done + 1
    level = inp.payload.get("level")
    if isinstance(level, int) and level < k:  # a card for a level that is done already
        raise _level_already(ctx, s, pr, level)
    if isinstance(level, int) and level != k:
        raise refuse("button.stale", ctx.lang)
    final = k >= pr.levels_required
    try:
        d = WF.move(
            ctx,
            s,
            pr,
            "approve",
            "ordered" if final else "pending",
            where=(PurchaseRequest.levels_done == k - 1,),
            level=k,
            levels_done=k,
        )
    except Refusal:
        if pr.state == "pending" and pr.levels_done >= k:  # (refreshed) someone gave level k
            raise _level_already(ctx, s, pr, k) from None
        raise
    if final:
        return order(ctx, s, pr, d, _placeholder())
    done = Notice(
        "pr.level_done",
        {
            "no": pr.number,
            "level": k,
            "who": ctx.actor.display_name,
            "at": At(d.created_at),
            "amount": Money(pr.amount),
        },
    )
    card = _card(s, pr, lines_of(s, [pr.id])[pr.id], level=k + 1)
    told = _route_card(ctx, s, pr, card, done)
    _tell_requester(s, pr, told, f"{pr.number}:level:{k}")
    return told.render(ctx.lang, ctx.tz)


@WF.rejecting(source=("pending",))
def reject(ctx: Ctx, s: Session, pr: PurchaseRequest, inp: Input) -> Reply:
    level = pr.levels_done + 1
    d = WF.move(ctx, s, pr, "reject", "rejected", level=level, reason=inp.reason)
    done = Notice(
        "pr.rejected",
        {
            "no": pr.number,
            "who": ctx.actor.display_name,
            "at": At(d.created_at),
            "reason": inp.reason,
        },
    )
    _tell_requester(s, pr, done, f"{pr.number}:rejected")
    return done.render(ctx.lang, ctx.tz)


@WF.step("cancel", source=("pending",), roles=("admin",), requester="or_roles")
def cancel(ctx: Ctx, s: Session, pr: PurchaseRequest, inp: Input) -> Reply:
    """The requester withdraws the request, or an admin cancels it (the requester is told)."""
    WF.move(ctx, s, pr, "cancel", "cancelled", reason=inp.reason)
    done = Notice("pr.cancelled", {"no": pr.number, "who": ctx.actor.display_name})
    if pr.requested_by != actor_id(ctx, s):
        _tell_requester(s, pr, done, f"{pr.number}:cancelled")
    return done.render(ctx.lang, ctx.tz)


# --- wiring -----------------------------------------------------------------------------------

COMMANDS = {"purchase": lambda ctx, cmd: purchase(ctx, cmd)}
ACTIONS: dict[tuple[str, str], Any] = {
    ("item", "purchase"): from_shortage,
    ("item", "purchased"): shortage_already,
}
