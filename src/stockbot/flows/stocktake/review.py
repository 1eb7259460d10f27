"""Deciding on a count: the variance card to whoever may approve it, then approve (ONE posting
of ADJUSTMENT lines, only where the count differs), reject (with a reason) or cancel.

Approval is `WF.move` — a conditional update — and the posting's key is `count:<id>:adjust`,
so a count is finalised once however often Approve is pressed. The approver's limit must cover
the adjustment's value (`document.adjustment_value`), the same rule that picks who gets the card.
"""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from stockbot.flows import requests, routing
from stockbot.flows.common import actor_id, fq, lock_item, token_for, users_with_role
from stockbot.flows.context import Ctx
from stockbot.flows.notices import Act, At, Money, Name, Notice, Q, money
from stockbot.flows.stocktake.document import (
    DOC,
    WF,
    Variance,
    adjustment_value,
    adjustments,
    asked,
    clear_counters,
    counters,
    tell,
    variances,
    worth,
)
from stockbot.flows.workflow import Input
from stockbot.i18n import item_text, t
from stockbot.replies import Reply, Table
from stockbot.store import ledger
from stockbot.store.models import CountSession, Decision, Location, User

# --- submitting ----------------------------------------------------------------------------------


def submit(ctx: Ctx, s: Session, session: CountSession) -> Reply:
    """The last line is in (in the answer's unit of work): the count waits for approval, the
    variance card goes to everyone who may approve it — or the truth when nobody can."""
    WF.move(ctx, s, session, "submit", "submitted", source=("counting",))
    clear_counters(s, session.id)
    no = WF.number(session.id)
    found, n = variances(s, session.id)
    value = adjustment_value(ctx, s, session)
    who = ", ".join(u.display_name for u in counters(s, session.id))
    review = Notice(
        "cnt.review",
        {
            "no": no,
            "scope": session.scope,
            "who": who,
            "n": n,
            "v": len(found),
            "amount": Money(value),
        },
    )
    for v in found:
        review = review.then(
            "cnt.variance",
            item=v.item,
            name=Name(v.name),
            place=v.place,
            book=Q(v.book, v.unit),
            counted=Q(v.counted, v.unit),
            sign="+" if v.diff > 0 else "",
            diff=Q(v.diff, v.unit),
            value=_signed(v.value),
        )
    if found:
        net, up, off = worth(found)
        review = review.then("cnt.total", net=_signed(net), up=Money(up), off=Money(off))
    else:
        review = review.then("cnt.no_variance")
    buttons = (
        Act("cnt.btn.approve", token_for(s, DOC, session.id, "approve"), style="primary"),
        Act("cnt.btn.reject", token_for(s, DOC, session.id, "reject"), style="danger"),
    )
    card = Notice(review.key, review.params, buttons, review.more)
    anyone = [u for u in users_with_role(s, "approver") if u.id != session.opened_by]
    stuck = routing.nobody_can(no, "approve", "approver", amount=Money(value) if anyone else None)
    reach = WF.offer(ctx, s, session, "approve", card, stuck)
    me = actor_id(ctx, s)
    if session.opened_by != me:
        opener = s.get(User, session.opened_by)
        if opener is not None:
            routing.to_user(s, opener, review, f"{no}:submitted")
    done = reach.tell(Notice("cnt.submitted", {"no": no, "n": n}))
    if not found:
        done = done.then("cnt.no_variance")
    return done.render(ctx.lang, ctx.tz) + Reply.of(*_table(ctx, found))


def _signed(amount: Decimal) -> dict[str, str] | str:
    """A write-up shows its `+`, a write-off its `-`, both in the one money format."""
    return f"+{money(amount)}" if amount > 0 else Money(amount)


def _table(ctx: Ctx, found: list[Variance]) -> list[Table]:
    """The variance lines as a table for the person who just finished counting, with what
    each is worth and the net total: the same money the approvers' card shows."""
    if not found:
        return []
    net = worth(found)[0]
    total = [t("cnt.col.total", ctx.lang), "", "", "", "", f"{'+' if net > 0 else ''}{money(net)}"]
    cols = ("item", "location", "book", "counted", "variance", "value")
    return [
        Table(
            title=t("cnt.variances", ctx.lang),
            headers=[t(f"cnt.col.{c}", ctx.lang) for c in cols],
            rows=[
                [
                    f"{v.item} {item_text(v.name, ctx.lang)}",
                    v.place,
                    fq(v.book, v.unit, ctx.lang),
                    fq(v.counted, v.unit, ctx.lang),
                    f"{'+' if v.diff > 0 else ''}{fq(v.diff, v.unit, ctx.lang)}",
                    f"{'+' if v.value > 0 else ''}{money(v.value)}",
                ]
                for v in found
            ]
            + [total],
        )
    ]


# --- the steps -----------------------------------------------------------------------------------


def _decided(
    ctx: Ctx, s: Session, session: CountSession, d: Decision, key: str, **params: object
) -> Reply:
    """The decision, said to the one who took it and told to the opener and the counters."""
    no = WF.number(session.id)
    done = Notice(key, {"no": no, "who": ctx.actor.display_name, "at": At(d.created_at), **params})
    tell(s, session, done, f"{no}:{d.action}", skip=d.actor_id)
    return done.render(ctx.lang, ctx.tz)


@WF.step(
    "approve",
    source=("submitted",),
    roles=("approver",),
    requester="not",
    limit=adjustment_value,
)
def approve(ctx: Ctx, s: Session, session: CountSession, inp: Input) -> Reply:
    moves = adjustments(s, session.id)
    d = WF.move(ctx, s, session, "approve", "approved")
    no = WF.number(session.id)
    for item_id in sorted({m.item_id for m in moves}):
        lock_item(s, item_id)
    if moves:
        ledger.post(
            s.connection(),
            ledger.Meta(
                idempotency_key=f"count:{session.id}:adjust",
                kind="adjustment",
                actor_id=d.actor_id,
                doc_type=DOC,
                doc_id=no,
                **ctx.origin.columns(),
                note=session.scope,
            ),
            moves,
        )
    short = _release_reservations(ctx, s, moves, no)
    reply = _decided(ctx, s, session, d, "cnt.approved", n=len(moves))
    return reply + _unreserved(short).render(ctx.lang, ctx.tz) if short else reply


def _release_reservations(
    ctx: Ctx, s: Session, moves: list[ledger.Line], no: str
) -> list[requests.Unreserved]:
    """A count that found less may leave less on hand than requests have reserved: those
    reservations are cut, newest first, so *reserved ≤ on hand* holds (`requests`)."""
    lost = {m.location_id for m in moves if m.qty < 0}
    if not lost:
        return []
    rows = s.execute(select(Location.id, Location.warehouse_id).where(Location.id.in_(lost)))
    where = {location_id: warehouse_id for location_id, warehouse_id in rows}
    places = {(m.item_id, where[m.location_id]) for m in moves if m.qty < 0}
    return requests.release_beyond_on_hand(ctx, s, places, no)


def _unreserved(short: list[requests.Unreserved]) -> Notice:
    """What the approver is told: each request cut, and whether its requester heard."""
    notice = Notice("cnt.unreserved", {})
    for u in short:
        notice = notice.then(
            "cnt.unreserved.told" if u.told else "cnt.unreserved.untold",
            no=u.no,
            who=u.who,
            item=u.item,
            qty=Q(u.qty, u.unit),
            held=Q(u.held, u.unit),
        )
    return notice


@WF.rejecting(source=("submitted",), done_key="count.state.rejected")
def reject(ctx: Ctx, s: Session, session: CountSession, inp: Input) -> Reply:
    d = WF.move(ctx, s, session, "reject", "rejected", reason=inp.reason)
    return _decided(ctx, s, session, d, "cnt.rejected", reason=inp.reason)


@WF.step("cancel", source=("counting",), roles=("admin",), requester="or_roles")
def cancel(ctx: Ctx, s: Session, session: CountSession, inp: Input) -> Reply:
    """The opener (or an admin) calls a count off while it is still being counted; whoever
    was being asked a line hears so."""
    waiting = asked(s, session.id)
    d = WF.move(ctx, s, session, "cancel", "cancelled", reason=inp.reason)
    clear_counters(s, session.id)
    no = WF.number(session.id)
    done = Notice("cnt.cancelled", {"no": no, "who": ctx.actor.display_name})
    routing.to_people(s, [u for u in waiting if u.id != d.actor_id], done, f"{no}:cancelled")
    return done.render(ctx.lang, ctx.tz)
