"""`/pending` (待办): what waits for *this* user, and who can act on every waiting document.

- approvals they may give now — exactly the documents whose `WF.who_can` names them, so a
  purchase waiting for its second level is listed for the people who may give it (admins too);
- for admins, documents *nobody* can act on, with why and the fix (a role, a higher limit);
- requests to issue, receipts waiting for QC, issues not confirmed within a day (keepers);
- open shortage incidents, with the purchase request that should resolve them (purchasers);
- work orders that cannot be kitted or are due within 3 days (keepers, purchasers);
- their own open requests, each with who can act on it now.
Every waiting line names who can act, from the same rule the buttons obey (`flows.workflow`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import ROUND_CEILING, Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

import stockbot.messages.pending  # noqa: F401  (registers the catalogue)
from stockbot.commands.parser import PendingCmd
from stockbot.flows import purchases, requests, shortage
from stockbot.flows.common import button, display_name, doc_number, fq
from stockbot.flows.context import Ctx
from stockbot.flows.notices import money
from stockbot.flows.purchase_lines import lines_of, what
from stockbot.flows.workflow import Workflow
from stockbot.flows.workorders import WF as WO_WF
from stockbot.flows.workorders import open_orders
from stockbot.i18n import CATALOG, t, tm
from stockbot.replies import Button, Buttons, Reply, Text, md_escape
from stockbot.store.models import (
    GoodsReceipt,
    Item,
    MaterialRequest,
    PurchaseRequest,
    ShortageIncident,
    User,
)
from stockbot.text import BUTTON_CELLS, clip
from stockbot.timeutil import as_utc, local_date, utcnow

SECTION_ROWS = 15
MAX_BUTTONS = 10
MAX_WAITING = 200
"""Waiting documents looked at per kind (who can act is worked out for each)."""
UNCONFIRMED_AFTER = timedelta(days=1)
DUE_SOON_DAYS = 3
"""A work order due within this many days is listed even when it can be kitted."""
PR_CLOSED = ("rejected", "cancelled", "ordered", "closed", "received", "done")


def _age(lang: str, since: datetime | None) -> str:
    if since is None:
        return "-"
    secs = max(0.0, (utcnow() - as_utc(since)).total_seconds())
    if secs < 3600:
        return t("pending.age.min", lang, n=max(1, int(secs // 60)))
    if secs < 2 * 86400:
        return t("pending.age.h", lang, n=int(secs // 3600))
    return t("pending.age.d", lang, n=int(secs // 86400))


class _Inbox:
    def __init__(self, ctx: Ctx) -> None:
        self.ctx = ctx
        self.sections: list[tuple[str, list[str], int]] = []
        # label, doc_type, doc_id, action, payload
        self.buttons: list[tuple[str, str, int, str, dict[str, Any] | None]] = []

    def section(self, key: str, lines: list[str]) -> None:
        if lines:
            self.sections.append((key, lines[:SECTION_ROWS], max(0, len(lines) - SECTION_ROWS)))

    def offer(
        self,
        label: str,
        doc_type: str,
        doc_id: int,
        action: str,
        payload: dict[str, Any] | None = None,
    ) -> None:
        if len(self.buttons) < MAX_BUTTONS:
            self.buttons.append((label, doc_type, doc_id, action, payload))


def _mr_line(lang: str, s: Session, mr: MaterialRequest, item: Item, *extra: str) -> str:
    parts = [
        doc_number("mr", mr.id),
        f"{item.code} {fq(mr.qty, item.unit, lang)}",
        display_name(s, mr.requester_id),
        *extra,
    ]
    return " · ".join(p for p in parts if p)


def _items(s: Session, rows: Any) -> dict[int, Item]:
    ids = {r.item_id for r in rows}
    return {i.id: i for i in s.scalars(select(Item).where(Item.id.in_(ids)))} if ids else {}


# --- waiting documents and who can act on them ---------------------------------------------------


class _Waiting:
    """A document waiting for an approval: its line, and the people who may give it now."""

    def __init__(
        self, wf: Workflow, doc: Any, parts: list[str], can: list[User], payload: dict[str, Any]
    ) -> None:
        self.wf, self.doc, self.parts, self.can, self.payload = wf, doc, parts, can, payload

    @property
    def no(self) -> str:
        return self.wf.number(self.doc.id)

    def line(self, ctx: Ctx, s: Session) -> str:
        return " · ".join([*(p for p in self.parts if p), who_can_text(ctx, s, self)])


def who_can_text(ctx: Ctx, s: Session, w: _Waiting) -> str:
    """ "can act: Dave, Frank", or "nobody can act — why; fix: /role @name approver 200000"."""
    lang = ctx.lang
    if w.can:
        return t("pending.can", lang, people=", ".join(u.display_name for u in w.can))
    step = w.wf.steps["approve"]
    need = step.limit(ctx, s, w.doc) if step.limit is not None else None
    if need is None:
        why = t("route.why_none", lang)
    else:
        why = t("route.why_limit", lang, amount=money(need))
    # the limit to grant, as /role reads it: whole units, rounded up
    limit = f" {need.quantize(Decimal(1), rounding=ROUND_CEILING)}" if need is not None else ""
    return t("pending.nobody", lang, why=why, role=step.roles[0], limit=limit)


def _waiting(ctx: Ctx, s: Session, requester: int | None = None) -> list[_Waiting]:
    """Material and purchase requests waiting for an approval (only `requester`'s, if given)."""
    lang = ctx.lang
    mr_q = select(MaterialRequest).where(MaterialRequest.state == "pending_approval")
    pr_q = select(PurchaseRequest).where(PurchaseRequest.state == "pending")
    if requester is not None:
        mr_q = mr_q.where(MaterialRequest.requester_id == requester)
        pr_q = pr_q.where(PurchaseRequest.requested_by == requester)
    mrs = s.scalars(
        mr_q.order_by(MaterialRequest.created_at, MaterialRequest.id).limit(MAX_WAITING)
    ).all()
    prs = s.scalars(
        pr_q.order_by(PurchaseRequest.created_at, PurchaseRequest.id).limit(MAX_WAITING)
    ).all()
    items = _items(s, mrs)
    pr_lines = lines_of(s, [pr.id for pr in prs])
    out = []
    for mr in mrs:
        item = items[mr.item_id]
        parts = [
            requests.WF.number(mr.id),
            f"{item.code} {fq(mr.qty, item.unit, lang)}",
            display_name(s, mr.requester_id),
            money(mr.amount),
            _age(lang, mr.created_at),
        ]
        can = requests.WF.who_can(ctx, s, mr, "approve")
        out.append(_Waiting(requests.WF, mr, parts, can, {}))
    for pr in prs:
        k = pr.levels_done + 1
        parts = [
            purchases.WF.number(pr.id),
            what(pr_lines[pr.id], lang),
            display_name(s, pr.requested_by),
            money(pr.amount),
            f"L{k}/{pr.levels_required}" if (pr.levels_required or 1) > 1 else "",
            _age(lang, pr.created_at),
        ]
        can = purchases.WF.who_can(ctx, s, pr, "approve")
        out.append(_Waiting(purchases.WF, pr, parts, can, {"level": k}))
    return out


def _approvals(ctx: Ctx, s: Session, me: int, waiting: list[_Waiting], box: _Inbox) -> None:
    lines = []
    for w in waiting:
        if any(u.id == me for u in w.can):
            lines.append(w.line(ctx, s))
            label = t("pending.btn.approve", ctx.lang, no=w.no)
            box.offer(label, w.wf.doc_type, w.doc.id, "approve", w.payload or None)
    box.section("pending.to_approve", lines)


def _stuck(ctx: Ctx, s: Session, waiting: list[_Waiting], box: _Inbox) -> None:
    box.section("pending.stuck", [w.line(ctx, s) for w in waiting if not w.can])


def _shortages(ctx: Ctx, s: Session, box: _Inbox) -> None:
    """Open shortage incidents, each with the purchase request raised from it, if any."""
    lang = ctx.lang
    incidents: list[ShortageIncident] = shortage.open_incidents(s)
    items = _items(s, incidents)
    lines = []
    for inc in incidents:
        item = items[inc.item_id]
        pr = s.get(PurchaseRequest, inc.purchase_request_id) if inc.purchase_request_id else None
        if pr is not None:
            label = f"pr.state.{pr.state}"
            state = t(label, lang) if label in CATALOG else pr.state
            linked = f"{pr.number} ({state})"
        else:
            linked = t("pending.no_pr", lang)
        short = t(
            "pending.short",
            lang,
            requested=fq(inc.qty_requested, item.unit, lang),
            available=fq(max(inc.qty_available, Decimal(0)), item.unit, lang),
        )
        parts = [
            shortage.number(inc.id),
            f"{item.code} · {short}",
            display_name(s, inc.requester_id),
            inc.work_order or "",
            linked,
            _age(lang, inc.created_at),
        ]
        lines.append(" · ".join(p for p in parts if p))
    box.section("pending.shortages", lines)


def _keeper(ctx: Ctx, s: Session, box: _Inbox) -> None:
    lang = ctx.lang
    approved = s.scalars(
        select(MaterialRequest)
        .where(
            MaterialRequest.state == "approved", MaterialRequest.qty_issued < MaterialRequest.qty
        )
        .order_by(MaterialRequest.created_at, MaterialRequest.id)
    ).all()
    items = _items(s, approved)
    lines = []
    for mr in approved:
        item = items[mr.item_id]
        left = mr.qty - mr.qty_issued
        extra = [mr.work_order or "", _age(lang, mr.created_at)]
        if mr.qty_issued > 0:
            extra.insert(0, t("pending.left", lang, qty=fq(left, item.unit, lang)))
        lines.append(_mr_line(lang, s, mr, item, *extra))
        no = doc_number("mr", mr.id)
        box.offer(
            t("pending.btn.issue", lang, no=no, qty=fq(left, item.unit, lang)), "mr", mr.id, "issue"
        )
    box.section("pending.to_issue", lines)

    receipts = s.scalars(
        select(GoodsReceipt)
        .where(GoodsReceipt.state == "qc_pending")
        .order_by(GoodsReceipt.created_at, GoodsReceipt.id)
    ).all()
    gr_items = _items(s, receipts)
    box.section(
        "pending.qc",
        [
            " · ".join(
                [
                    doc_number("gr", gr.id),
                    f"{gr_items[gr.item_id].code} {fq(gr.qty, gr_items[gr.item_id].unit, lang)}",
                    display_name(s, gr.received_by),
                    _age(lang, gr.created_at),
                ]
            )
            for gr in receipts
        ],
    )

    overdue = s.scalars(
        select(MaterialRequest)
        .where(
            MaterialRequest.state == "issued",
            MaterialRequest.issued_at.is_not(None),
            MaterialRequest.issued_at < utcnow() - UNCONFIRMED_AFTER,
        )
        .order_by(MaterialRequest.issued_at, MaterialRequest.id)
    ).all()
    od_items = _items(s, overdue)
    box.section(
        "pending.unconfirmed",
        [
            _mr_line(
                lang,
                s,
                mr,
                od_items[mr.item_id],
                t("pending.issued_ago", lang, age=_age(lang, mr.issued_at)),
            )
            for mr in overdue
        ],
    )


@dataclass(frozen=True, slots=True)
class WoAtRisk:
    """A work order the floor should look at today: `short` names the components it cannot be
    kitted for now; `due` is set when that is within 3 days (or past)."""

    no: str
    product: str
    qty: Decimal
    unit: str
    short: tuple[str, ...]
    due: date | None


def work_orders_at_risk(s: Session, today: date) -> list[WoAtRisk]:
    """Open work orders that cannot be kitted now, or are due within 3 days of `today` (the
    factory's calendar day): `/pending` and the morning summary list the same ones."""
    out = []
    for wo, kit in open_orders(s):
        short = tuple(r.item.code for r in kit if r.short > 0)
        due_soon = wo.due_on is not None and wo.due_on <= today + timedelta(days=DUE_SOON_DAYS)
        if not short and not due_soon:
            continue
        product = s.get_one(Item, wo.product_id)
        out.append(WoAtRisk(WO_WF.number(wo.id), product.code, wo.qty, product.unit, short,
                            wo.due_on))  # fmt: skip
    return out


def wo_risk_line(r: WoAtRisk, lang: str) -> str:
    """`WO-00001 · CHAIR · 10 pcs · −BOLT, STEEL · 2026-03-04` (the first 5 short parts)."""
    parts = [r.no, r.product, fq(r.qty, r.unit, lang)]
    if r.short:
        parts.append("−" + ", ".join(r.short[:5]))
    if r.due is not None:
        parts.append(r.due.isoformat())
    return " · ".join(parts)


def _work_orders(ctx: Ctx, s: Session, box: _Inbox) -> None:
    today = local_date(utcnow(), ctx.tz)  # "due within 3 days" on the factory's calendar
    box.section("pending.wo", [wo_risk_line(r, ctx.lang) for r in work_orders_at_risk(s, today)])


def _mine(ctx: Ctx, s: Session, me: int, box: _Inbox) -> None:
    lang = ctx.lang
    waiting = {(w.wf.doc_type, w.doc.id): w for w in _waiting(ctx, s, requester=me)}
    mrs = s.scalars(
        select(MaterialRequest)
        .where(
            MaterialRequest.requester_id == me,
            MaterialRequest.state.in_(("pending_approval", "approved", "issued")),
        )
        .order_by(MaterialRequest.created_at, MaterialRequest.id)
    ).all()
    items = _items(s, mrs)
    lines = []
    for mr in mrs:
        state = t(f"state.{mr.state}", lang)
        line = _mr_line(lang, s, mr, items[mr.item_id], state, _age(lang, mr.created_at))
        w = waiting.get(("mr", mr.id))
        lines.append(f"{line} · {who_can_text(ctx, s, w)}" if w is not None else line)
        if mr.state == "issued":
            no = doc_number("mr", mr.id)
            box.offer(t("pending.btn.confirm", lang, no=no), "mr", mr.id, "confirm")
    prs = s.scalars(
        select(PurchaseRequest)
        .where(PurchaseRequest.requested_by == me, PurchaseRequest.state.not_in(PR_CLOSED))
        .order_by(PurchaseRequest.created_at, PurchaseRequest.id)
    ).all()
    pr_lines = lines_of(s, [pr.id for pr in prs])
    for pr in prs:
        state = t(f"state.{pr.state}", lang) if f"state.{pr.state}" in CATALOG else pr.state
        parts = [
            pr.number or doc_number("pr", pr.id),
            what(pr_lines[pr.id], lang),
            state,
            _age(lang, pr.created_at),
        ]
        w = waiting.get(("pr", pr.id))
        if w is not None:
            parts.append(who_can_text(ctx, s, w))
        lines.append(" · ".join(parts))
    box.section("pending.mine", lines)


def pending(ctx: Ctx, cmd: PendingCmd | None = None) -> Reply:
    lang = ctx.lang
    me = ctx.actor.user_id
    box = _Inbox(ctx)
    with ctx.db.read() as s:
        approver, admin = ctx.actor.has("approver"), ctx.actor.has("admin")
        waiting = _waiting(ctx, s) if approver else []
        if approver and me is not None:
            _approvals(ctx, s, me, waiting, box)
        if admin:
            _stuck(ctx, s, waiting, box)
        if ctx.actor.has("keeper"):
            _keeper(ctx, s, box)
        if ctx.actor.has("purchaser"):
            _shortages(ctx, s, box)
        if ctx.actor.has("keeper", "purchaser"):
            _work_orders(ctx, s, box)
        if me is not None:
            _mine(ctx, s, me, box)
    who = ctx.actor.display_name
    if not box.sections:
        return Reply.text(tm("pending.none", lang, who=who), ephemeral=True)
    blocks: list[Any] = [Text(text=tm("pending.title", lang, who=who), key="pending.title")]
    for key, lines, more in box.sections:
        body = "\n".join(f"• {md_escape(line)}" for line in lines)
        if more:
            body += "\n" + t("pending.more", lang, n=more)
        blocks.append(Text(text=f"*{t(key, lang)}*\n{body}", key=key))
    if box.buttons:
        # Buttons are UI state: their tokens are the only thing /pending writes.
        with ctx.db.write() as s:
            made: list[Button] = [
                button(s, clip(label, BUTTON_CELLS), doc_type, doc_id, action, payload)
                for label, doc_type, doc_id, action, payload in box.buttons
            ]
        blocks.append(Buttons(buttons=made))
    return Reply.of(*blocks, ephemeral=True)


# --- wiring -------------------------------------------------------------------------------------

COMMANDS = {"pending": pending}
