"""Reminders and escalation: a document that waits too long is brought back to the people
who can act on it (once per stage), then to the admins.

Who can act comes from each document's workflow (`WF.who_can`), so a purchase waiting for its
second level reminds exactly the people who may give it.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

import stockbot.messages.summary  # noqa: F401  (registers the catalogue)
from stockbot.config import Settings
from stockbot.flows import purchases, requests, routing
from stockbot.flows.common import (
    button,
    display_name,
    fq,
    users_with_role,
)
from stockbot.flows.context import Ctx, system_ctx
from stockbot.flows.notices import money
from stockbot.flows.purchase_lines import lines_of, what
from stockbot.flows.summary import age, claim
from stockbot.i18n import t, tm
from stockbot.replies import Buttons, Reply, Text
from stockbot.store.models import (
    GoodsReceipt,
    Item,
    MaterialRequest,
    PurchaseRequest,
    User,
    UserRole,
)
from stockbot.timeutil import as_utc, utcnow

log = logging.getLogger(__name__)

# --- reminders and escalation ---------------------------------------------------------------------


def _lang(user: User | None, settings: Settings) -> str:
    return (user.reads_in if user else None) or settings.default_language


def _admins(s: Session) -> list[User]:
    return list(
        s.scalars(
            select(User)
            .join(UserRole, UserRole.user_id == User.id)
            .where(UserRole.role == "admin", User.active.is_(True))
            .distinct()
            .order_by(User.id)
        )
    )


def send_reminders(db: Any, settings: Settings, now: datetime | None = None) -> int:
    """The `reminders` job. Approvals waiting more than N hours are re-posted to the approvers
    who may give them; after 2N hours they are escalated to admins; QC-pending receipts older
    than `qc_remind_hours` are reminded to keepers. Each stage once (`sent_notices`)."""
    now = now or utcnow()
    first = timedelta(hours=settings.reminder_hours)
    sent = 0
    ctx = system_ctx(db, settings)
    with db.write() as s:
        for mr in s.scalars(
            select(MaterialRequest)
            .where(
                MaterialRequest.state == "pending_approval",
                MaterialRequest.created_at <= now - first,
            )
            .order_by(MaterialRequest.id)
        ):
            sent += _remind_doc(s, ctx, now, "mr", mr, mr.created_at, mr.requester_id, first)
        for pr in s.scalars(
            select(PurchaseRequest)
            .where(PurchaseRequest.state == "pending")
            .order_by(PurchaseRequest.id)
        ):
            since = pr.updated_at or pr.created_at
            if as_utc(since) <= now - first:
                sent += _remind_doc(s, ctx, now, "pr", pr, since, pr.requested_by, first)
        qc_after = timedelta(hours=settings.qc_remind_hours)
        for gr in s.scalars(
            select(GoodsReceipt)
            .where(GoodsReceipt.state == "qc_pending", GoodsReceipt.created_at <= now - qc_after)
            .order_by(GoodsReceipt.id)
        ):
            if not claim(s, f"remind:gr:{gr.id}"):
                continue
            item = s.get(Item, gr.item_id)
            assert item is not None
            for keeper in users_with_role(s, "keeper"):
                lang = _lang(keeper, settings)
                reply = Reply.of(
                    Text(
                        text=tm(
                            "remind.qc",
                            lang,
                            no=f"GR-{gr.id:05d}",
                            qty=fq(gr.qty, item.unit, lang),
                            item=item.code,
                            who=display_name(s, gr.received_by),
                            age=age(lang, gr.created_at, now),
                        )
                    ),
                    Buttons(
                        buttons=[
                            button(s, t("remind.btn.accept", lang), "gr", gr.id, "accept"),
                            button(s, t("remind.btn.qc_reject", lang), "gr", gr.id, "reject"),
                        ]
                    ),
                )
                routing.to_user(s, keeper.id, reply)
                sent += 1
    return sent


def _remind_doc(
    s: Session,
    ctx: Ctx,
    now: datetime,
    doc_type: str,
    doc: Any,
    since: datetime,
    requester: int | None,
    first: timedelta,
) -> int:
    waited = now - as_utc(since)
    wf = requests.WF if doc_type == "mr" else purchases.WF
    rows = lines_of(s, [doc.id])[doc.id] if doc_type == "pr" else []
    one = (s.get_one(Item, doc.item_id), doc.qty) if doc_type == "mr" else None
    if len(rows) == 1:
        one = (rows[0][1], rows[0][0].qty)

    def say(key: str, lang: str, **more: Any) -> str:
        """The reminder in `lang`: one item and its quantity, or a request's lines."""
        if one is None:
            return tm(f"{key}_lines", lang, what=what(rows, lang), **more)
        item, qty = one
        return tm(key, lang, qty=fq(qty, item.unit, lang), item=item.code, **more)

    no = wf.number(doc.id)
    if doc_type == "mr":
        stage_key = f"remind:mr:{doc.id}"
        payload: dict[str, Any] = {}
    else:
        level = doc.levels_done + 1
        stage_key = f"remind:pr:{doc.id}:L{level}"
        payload = {"level": level}
    sent = 0
    who = display_name(s, requester)
    params = {"no": no, "who": who, "amount": money(doc.amount)}
    if waited >= first and claim(s, f"{stage_key}:1"):
        # exactly who may approve now (the workflow's rule: roles, limits, not the requester,
        # not who approved an earlier level)
        for approver in wf.who_can(ctx, s, doc, "approve"):
            lang = _lang(approver, ctx.settings)
            key = "remind.mr" if doc_type == "mr" else "remind.pr"
            text = say(key, lang, age=age(lang, since, now), **params)
            routing.to_user(
                s, approver.id, _decision_card(s, lang, text, doc_type, doc.id, payload)
            )
            sent += 1
    if waited >= 2 * first and claim(s, f"{stage_key}:2"):
        for admin in _admins(s):
            if admin.id == requester:
                continue
            lang = _lang(admin, ctx.settings)
            text = say("remind.escalate", lang, age=age(lang, since, now), **params)
            routing.to_user(s, admin.id, _decision_card(s, lang, text, doc_type, doc.id, payload))
            sent += 1
    return sent


def _decision_card(
    s: Session, lang: str, text: str, doc_type: str, doc_id: int, payload: dict[str, Any]
) -> Reply:
    return Reply.of(
        Text(text=text),
        Buttons(
            buttons=[
                button(
                    s,
                    t("remind.btn.approve", lang),
                    doc_type,
                    doc_id,
                    "approve",
                    payload,
                    style="primary",
                ),
                button(s, t("remind.btn.reject", lang), doc_type, doc_id, "reject", style="danger"),
            ]
        ),
    )
