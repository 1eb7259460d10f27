"""What stockbot says on its own schedule: the morning summary (每日库存摘要), the weekly
stale-stock report (呆滞料), and reminders for approvals and QC that wait too long.

```
summary job (per bound chat, 08:00 chat time) ──▶ claim summary:<chat>:<local date> ──▶ outbox
/summary ─────────────────────────────────────▶ the same reply, now, in the asker's language
stale-report job (weekly) ──▶ claim stale:<chat>:<ISO week> ──▶ outbox;  /report stale: now
reminders job: MR/PR waiting > N h ──▶ approvers (once);  > 2N h ──▶ admins (once)
               GR waiting for QC > 1 day ──▶ keepers (once)
```
A scheduled post is claimed in `sent_notices` in the same transaction that queues it, so a
coalesced run, a retried job or two schedulers overlapping during a lease takeover still post
once. The numbers come from `stockbot.reports` (balances and `item_daily`, never the raw
ledger); the chart from `stockbot.reports.chart`.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from stockbot import reports
from stockbot.config import Settings
from stockbot.flows import routing
from stockbot.flows.common import (
    button,
    display_name,
    fq,
    refuse,
    users_with_role,
)
from stockbot.flows.context import Ctx
from stockbot.i18n import normalize_lang, register, t, tm
from stockbot.replies import Buttons, Fields, Image, Reply, Table, Text, md_escape
from stockbot.store import ledger
from stockbot.store.models import (
    Chat,
    Decision,
    GoodsReceipt,
    Item,
    MaterialRequest,
    PurchaseRequest,
    SentNotice,
    User,
    UserRole,
)
from stockbot.timeutil import as_utc, utcnow, zone

log = logging.getLogger(__name__)
ZERO = Decimal(0)

register(
    {
        "sum.title": {
            "en": "☀ *Stock summary — {date}*",
            "zh-Hans": "☀ *每日库存摘要 — {date}*",
        },
        "sum.stock": {"en": "Stock", "zh-Hans": "库存"},
        "sum.stockouts": {"en": "Out of stock", "zh-Hans": "断货"},
        "sum.below_safety": {"en": "Below safety stock", "zh-Hans": "低于安全库存"},
        "sum.value": {"en": "Inventory value", "zh-Hans": "库存金额"},
        "sum.stale": {"en": "Stale stock ({days} days)", "zh-Hans": "呆滞料（{days} 天）"},
        "sum.stale_value": {"en": "{n} items, {value}", "zh-Hans": "{n} 种，{value}"},
        "sum.yesterday": {"en": "Yesterday ({date})", "zh-Hans": "昨日（{date}）"},
        "sum.received": {"en": "Received", "zh-Hans": "入库"},
        "sum.issued": {"en": "Issued", "zh-Hans": "出库"},
        "sum.items_value": {"en": "{n} items, {value}", "zh-Hans": "{n} 种物料，{value}"},
        "sum.count_list": {"en": "{n} — {names}", "zh-Hans": "{n} 种 — {names}"},
        "sum.none": {"en": "none", "zh-Hans": "无"},
        "sum.approvals": {
            "en": "*Waiting for approval ({n})*",
            "zh-Hans": "*待审批（{n}）*",
        },
        "sum.open_requests": {
            "en": "*Approved, waiting to be issued ({n})*",
            "zh-Hans": "*已批准待发料（{n}）*",
        },
        "sum.waited": {"en": "waiting {age}", "zh-Hans": "已等 {age}"},
        "sum.pos": {"en": "*Purchase orders*", "zh-Hans": "*采购单*"},
        "sum.po_today": {"en": "due today: {list}", "zh-Hans": "今日到货：{list}"},
        "sum.po_late": {"en": "overdue: {list}", "zh-Hans": "逾期：{list}"},
        "sum.late_days": {"en": "{n} d late", "zh-Hans": "逾期 {n} 天"},
        "sum.qc": {
            "en": "*QC pending:* {n} receipt(s)",
            "zh-Hans": "*待质检：*{n} 张入库单",
        },
        "sum.top": {"en": "*Most used, last 7 days*", "zh-Hans": "*近 7 天用量最多*"},
        "sum.chart": {
            "en": "Below safety stock; value in/out per day (30 days)",
            "zh-Hans": "低于安全库存的物料；近 30 天每日出入库金额",
        },
        "sum.chart.below": {"en": "Below safety stock", "zh-Hans": "低于安全库存"},
        "sum.chart.trend": {"en": "Value in / out per day", "zh-Hans": "每日出入库金额"},
        "sum.chart.available": {"en": "available", "zh-Hans": "可用"},
        "sum.chart.safety": {"en": "safety stock", "zh-Hans": "安全库存"},
        "sum.chart.rop": {"en": "reorder point", "zh-Hans": "再订货点"},
        "sum.chart.in": {"en": "in", "zh-Hans": "入库"},
        "sum.chart.out": {"en": "out", "zh-Hans": "出库"},
        "sum.chart.none": {"en": "nothing below safety stock", "zh-Hans": "没有低于安全库存的物料"},
        "age.minutes": {"en": "{n} min", "zh-Hans": "{n} 分钟"},
        "age.hours": {"en": "{n} h", "zh-Hans": "{n} 小时"},
        "age.days": {"en": "{n} d", "zh-Hans": "{n} 天"},
        "stale.title": {
            "en": "🧊 *Stale stock (no outbound for {days} days): {n} items, {value}*",
            "zh-Hans": "🧊 *呆滞料（{days} 天无出库）：{n} 种，金额 {value}*",
        },
        "stale.none": {
            "en": "🧊 No stale stock: everything in stock moved out within {days} days.",
            "zh-Hans": "🧊 没有呆滞料：所有在库物料 {days} 天内都有出库。",
        },
        "stale.h.item": {"en": "Item", "zh-Hans": "物料"},
        "stale.h.on_hand": {"en": "On hand", "zh-Hans": "在库"},
        "stale.h.value": {"en": "Value", "zh-Hans": "金额"},
        "stale.h.last_out": {"en": "Last outbound", "zh-Hans": "最后出库"},
        "stale.never": {"en": "never", "zh-Hans": "从未"},
        "stale.more": {"en": "…and {n} more.", "zh-Hans": "……还有 {n} 种。"},
        "report.unknown": {
            "en": "There is no report “{name}”. Reports: stale (呆滞料), summary, shortages.",
            "zh-Hans": "没有“{name}”这个报表。可用：呆滞料、日报、缺料。",
        },
        "remind.mr": {
            "en": "⏰ Reminder: *{no}* — {who} asked for {qty} {item} (amount {amount}); "
            "waiting for approval for {age}.",
            "zh-Hans": "⏰ 提醒：*{no}* — {who} 申请 {item} {qty}（金额 {amount}），"
            "已等待审批 {age}。",
        },
        "remind.pr": {
            "en": "⏰ Reminder: *{no}* — purchase of {qty} {item} (amount {amount}) by {who}; "
            "waiting for approval for {age}.",
            "zh-Hans": "⏰ 提醒：*{no}* — {who} 申请采购 {item} {qty}（金额 {amount}），"
            "已等待审批 {age}。",
        },
        "remind.escalate": {
            "en": "⏫ Escalation: *{no}* has waited {age} for approval — {qty} {item} for {who} "
            "(amount {amount}).",
            "zh-Hans": "⏫ 升级提醒：*{no}* 已等待审批 {age} — {who} 的 {item} {qty}"
            "（金额 {amount}）。",
        },
        "remind.qc": {
            "en": "⏰ QC waiting: *{no}* — {qty} {item} received by {who} {age} ago is not "
            "checked yet; it is not available until it is.",
            "zh-Hans": "⏰ 待质检：*{no}* — {who} 于 {age} 前收货的 {item} {qty} 尚未质检，"
            "质检前不可用。",
        },
        "remind.btn.approve": {"en": "Approve", "zh-Hans": "批准"},
        "remind.btn.reject": {"en": "Reject", "zh-Hans": "驳回"},
        "remind.btn.accept": {"en": "Accept all", "zh-Hans": "全部合格"},
        "remind.btn.qc_reject": {"en": "Reject all…", "zh-Hans": "全部不合格…"},
    }
)


def money(value: Decimal) -> str:
    return f"{value:,.2f}"


def age(lang: str, since: datetime, now: datetime) -> str:
    secs = max(0.0, (now - as_utc(since)).total_seconds())
    if secs < 3600:
        return t("age.minutes", lang, n=max(1, int(secs // 60)))
    if secs < 48 * 3600:
        return t("age.hours", lang, n=int(secs // 3600))
    return t("age.days", lang, n=int(secs // 86400))


def _names(refs: Iterable[reports.ItemRef], limit: int = 5) -> str:
    refs = list(refs)
    names = ", ".join(r.code for r in refs[:limit])
    return names + (f" (+{len(refs) - limit})" if len(refs) > limit else "")


def _label(ref: reports.ItemRef) -> str:
    return f"{ref.code} {ref.name}" if ref.name and ref.name != ref.code else ref.code


# --- the morning summary ------------------------------------------------------------------------


def render(data: reports.Summary, lang: str, now: datetime, stale_days: int) -> Reply:
    """The summary as a Reply: title, stock fields, yesterday, waiting documents, chart."""
    none = t("sum.none", lang)
    blocks: list[Any] = [Text(text=tm("sum.title", lang, date=data.today.isoformat()))]

    def count_list(refs: list[reports.ItemRef]) -> str:
        return t("sum.count_list", lang, n=len(refs), names=_names(refs)) if refs else none

    blocks.append(
        Fields(
            title=t("sum.stock", lang),
            rows=[
                (t("sum.stockouts", lang), count_list(data.stockouts)),
                (t("sum.below_safety", lang), count_list([b.item for b in data.below_safety])),
                (t("sum.value", lang), money(data.inventory_value)),
                (
                    t("sum.stale", lang, days=stale_days),
                    t("sum.stale_value", lang, n=data.stale_count, value=money(data.stale_value)),
                ),
            ],
        )
    )
    blocks.append(
        Fields(
            title=t("sum.yesterday", lang, date=data.yesterday.isoformat()),
            rows=[
                (
                    t("sum.received", lang),
                    t(
                        "sum.items_value",
                        lang,
                        n=data.received_items,
                        value=money(data.received_value),
                    ),
                ),
                (
                    t("sum.issued", lang),
                    t("sum.items_value", lang, n=data.issued_items, value=money(data.issued_value)),
                ),
            ],
        )
    )

    def waiting_lines(items: list[reports.Waiting]) -> str:
        lines = [
            f"• {w.doc} {_label(w.item)} {fq(w.qty, w.item.unit)} — "
            + t("sum.waited", lang, age=age(lang, w.since, now))
            for w in items[:5]
        ]
        if len(items) > 5:
            lines.append(f"… (+{len(items) - 5})")
        return "\n".join(lines)

    if data.pending_approvals:
        blocks.append(
            Text(
                text=t("sum.approvals", lang, n=len(data.pending_approvals))
                + "\n"
                + _escape(waiting_lines(data.pending_approvals))
            )
        )
    if data.open_requests:
        blocks.append(
            Text(
                text=t("sum.open_requests", lang, n=len(data.open_requests))
                + "\n"
                + _escape(waiting_lines(data.open_requests))
            )
        )
    if data.po_due_today or data.po_overdue:
        parts = []
        if data.po_due_today:
            listed = ", ".join(f"{p.number} ({p.supplier})" for p in data.po_due_today[:8])
            parts.append(tm("sum.po_today", lang, list=listed))
        if data.po_overdue:
            listed = ", ".join(
                f"{p.number} ({p.supplier}, "
                + t("sum.late_days", lang, n=(data.today - p.expected_on).days)
                + ")"
                for p in data.po_overdue[:8]
            )
            parts.append(tm("sum.po_late", lang, list=listed))
        blocks.append(Text(text=t("sum.pos", lang) + "\n" + "\n".join(parts)))
    if data.qc_pending:
        blocks.append(Text(text=t("sum.qc", lang, n=data.qc_pending)))
    if data.top_consumed:
        lines = [
            f"{n}. {_label(ref)} — {fq(qty, ref.unit)}"
            for n, (ref, qty) in enumerate(data.top_consumed, 1)
        ]
        blocks.append(Text(text=t("sum.top", lang) + "\n" + _escape("\n".join(lines))))
    try:
        blocks.append(Image(png=chart_png(data, lang), caption=t("sum.chart", lang)))
    except Exception:  # the numbers matter more than the picture
        log.exception("summary chart failed; sending the summary without it")
    return Reply.of(*blocks)


def _escape(text: str) -> str:
    return md_escape(text)


def chart_png(data: reports.Summary, lang: str) -> bytes:
    from stockbot.reports.chart import summary_chart

    below = [
        (_label(b.item), float(b.available), float(b.safety), float(b.reorder_point))
        for b in data.below_safety[:10]
    ]
    return summary_chart(
        below,
        data.trend,
        title_below=t("sum.chart.below", lang),
        title_trend=t("sum.chart.trend", lang),
        legend=(
            t("sum.chart.available", lang),
            t("sum.chart.safety", lang),
            t("sum.chart.rop", lang),
            t("sum.chart.in", lang),
            t("sum.chart.out", lang),
        ),
        none_text=t("sum.chart.none", lang),
    )


def summary_data(db: Any, settings: Settings, now: datetime) -> reports.Summary:
    with db.read() as s:
        return reports.summary(
            s, ledger.business_day(now, settings.timezone), stale_days=settings.stale_days
        )


def summary(ctx: Ctx, cmd: Any = None) -> Reply:
    """`/summary`: the morning summary, now, in the asker's language."""
    now = utcnow()
    data = summary_data(ctx.db, ctx.settings, now)
    return render(data, ctx.lang, now, ctx.settings.stale_days)


def _chat_date(chat: Chat, settings: Settings, now: datetime) -> date:
    return now.astimezone(_zone(chat.timezone, settings)).date()


def _zone(name: str | None, settings: Settings) -> ZoneInfo:
    return zone(name, settings.timezone)


def claim(s: Session, key: str) -> bool:
    """Record that the notice `key` goes out; False if it already went (or is going) out."""
    dialect = s.get_bind().dialect.name
    ins = (sqlite.insert if dialect == "sqlite" else postgresql.insert)(SentNotice)
    got = s.execute(
        ins.values(key=key[:200], created_at=utcnow())
        .on_conflict_do_nothing()
        .returning(SentNotice.key)
    ).first()
    return got is not None


def find_chat(s: Session, ref: str | int) -> Chat | None:
    """A chat by our id (`12`), by the platform's id (`C0123`) or `platform:id`."""
    text = str(ref).strip()
    if text.isdigit():
        chat = s.get(Chat, int(text))
        if chat is not None:
            return chat
    platform, _, pid = text.partition(":")
    if pid:
        found = s.scalar(
            select(Chat).where(Chat.platform == platform, Chat.platform_chat_id == pid)
        )
        if found is not None:
            return found
    return s.scalar(select(Chat).where(Chat.platform_chat_id == text).order_by(Chat.id).limit(1))


def _bound_chats(s: Session, chat: str | int | None) -> list[Chat]:
    if chat is not None:
        found = find_chat(s, chat)
        return [found] if found is not None else []
    return list(s.scalars(select(Chat).where(Chat.warehouse_id.is_not(None)).order_by(Chat.id)))


def send_summaries(
    db: Any,
    settings: Settings,
    now: datetime | None = None,
    chat: str | int | None = None,
    force: bool = False,
) -> int:
    """The `summary` job: each bound chat (or one chat) gets the summary in its language, once
    per local day (`force`: again, for an operator's `stockbot job run`)."""
    now = now or utcnow()
    with db.read() as s:
        chats = _bound_chats(s, chat)
    if not chats:
        return 0
    data = summary_data(db, settings, now)
    rendered: dict[str, Reply] = {}
    sent = 0
    with db.write() as s:
        for c in chats:
            if not force and not claim(s, f"summary:{c.id}:{_chat_date(c, settings, now)}"):
                continue
            lang = normalize_lang(c.language) or settings.default_language
            if lang not in rendered:
                rendered[lang] = render(data, lang, now, settings.stale_days)
            routing.enqueue(s, c.platform, c.platform_chat_id, rendered[lang])
            sent += 1
    return sent


# --- the stale-stock report ---------------------------------------------------------------------


def stale_reply(db: Any, settings: Settings, lang: str, now: datetime) -> Reply:
    days = settings.stale_days
    with db.read() as s:
        n, value, rows = reports.stale_report(s, ledger.business_day(now, settings.timezone), days)
    if not n:
        return Reply.text(t("stale.none", lang, days=days))
    table = Table(
        headers=[t(f"stale.h.{h}", lang) for h in ("item", "on_hand", "value", "last_out")],
        rows=[
            [
                _label(ref)[:40],
                fq(q, ref.unit),
                money(v),
                last.isoformat() if last else t("stale.never", lang),
            ]
            for ref, q, v, last in rows
        ],
    )
    blocks: list[Any] = [
        Text(text=t("stale.title", lang, days=days, n=n, value=money(value))),
        table,
    ]
    if n > len(rows):
        blocks.append(Text(text=t("stale.more", lang, n=n - len(rows))))
    return Reply.of(*blocks)


def send_stale_reports(
    db: Any,
    settings: Settings,
    now: datetime | None = None,
    chat: str | int | None = None,
    force: bool = False,
) -> int:
    """The weekly `stale-report` job: each bound chat, once per ISO week."""
    now = now or utcnow()
    with db.read() as s:
        chats = _bound_chats(s, chat)
    if not chats:
        return 0
    rendered: dict[str, Reply] = {}
    sent = 0
    with db.write() as s:
        for c in chats:
            year, week, _ = _chat_date(c, settings, now).isocalendar()
            if not force and not claim(s, f"stale:{c.id}:{year}-W{week:02d}"):
                continue
            lang = normalize_lang(c.language) or settings.default_language
            if lang not in rendered:
                rendered[lang] = stale_reply(db, settings, lang, now)
            routing.enqueue(s, c.platform, c.platform_chat_id, rendered[lang])
            sent += 1
    return sent


def report(ctx: Ctx, cmd: Any) -> Reply:
    """`/report stale` (呆滞料) — and `summary`, `shortages` by name."""
    name = (cmd.report or "").strip().lower()
    if name in {"stale", "呆滞料", "呆滞", "呆滯料", "呆滯", "dead", "slow"}:
        return stale_reply(ctx.db, ctx.settings, ctx.lang, utcnow())
    if name in {"summary", "daily", "日报", "日報", "摘要"}:
        return summary(ctx)
    if name in {"shortages", "shortage", "缺料"}:
        from stockbot.flows.alerts import shortages

        return shortages(ctx)
    raise refuse("report.unknown", ctx.lang, name=name[:40])


# --- reminders and escalation ---------------------------------------------------------------------


def _lang(user: User | None, settings: Settings) -> str:
    return (user.language if user else None) or settings.default_language


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
    with db.write() as s:
        for mr in s.scalars(
            select(MaterialRequest)
            .where(
                MaterialRequest.state == "pending_approval",
                MaterialRequest.created_at <= now - first,
            )
            .order_by(MaterialRequest.id)
        ):
            sent += _remind_doc(s, settings, now, "mr", mr, mr.created_at, mr.requester_id, first)
        for pr in s.scalars(
            select(PurchaseRequest)
            .where(PurchaseRequest.state == "pending")
            .order_by(PurchaseRequest.id)
        ):
            since = pr.updated_at or pr.created_at
            if as_utc(since) <= now - first:
                sent += _remind_doc(s, settings, now, "pr", pr, since, pr.requested_by, first)
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
                            qty=fq(gr.qty, item.unit),
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
    settings: Settings,
    now: datetime,
    doc_type: str,
    doc: Any,
    since: datetime,
    requester: int | None,
    first: timedelta,
) -> int:
    waited = now - as_utc(since)
    item = s.get(Item, doc.item_id)
    assert item is not None
    if doc_type == "mr":
        no, level, stage_key = f"MR-{doc.id:05d}", 1, f"remind:mr:{doc.id}"
        need = doc.amount
        payload: dict[str, Any] = {}
    else:
        level = doc.levels_done + 1
        no, stage_key = doc.number, f"remind:pr:{doc.id}:L{level}"
        need = (
            doc.amount
            if level >= doc.levels_required
            else min(doc.amount, settings.purchase_second_level_over)
        )
        payload = {"level": level}
    sent = 0
    who = display_name(s, requester)
    params = {"no": no, "qty": fq(doc.qty, item.unit), "item": item.code, "who": who}
    params["amount"] = money(doc.amount)
    if waited >= first and claim(s, f"{stage_key}:1"):
        done_by = set(
            s.scalars(
                select(Decision.actor_id).where(
                    Decision.doc_type == doc_type,
                    Decision.doc_id == doc.id,
                    Decision.action == "approve",
                )
            )
        )
        for approver in users_with_role(s, "approver", need):
            if approver.id == requester or approver.id in done_by:
                continue
            lang = _lang(approver, settings)
            key = "remind.mr" if doc_type == "mr" else "remind.pr"
            text = tm(key, lang, age=age(lang, since, now), **params)
            routing.to_user(
                s, approver.id, _decision_card(s, lang, text, doc_type, doc.id, payload)
            )
            sent += 1
    if waited >= 2 * first and claim(s, f"{stage_key}:2"):
        for admin in _admins(s):
            if admin.id == requester:
                continue
            lang = _lang(admin, settings)
            text = tm("remind.escalate", lang, age=age(lang, since, now), **params)
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


# --- wiring -------------------------------------------------------------------------------------

COMMANDS = {"summary": summary, "report": report}
DOC_COMMANDS: dict = {}
ACTIONS: dict = {}
REPLIES: dict = {}
