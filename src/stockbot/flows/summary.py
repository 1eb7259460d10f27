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
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

import stockbot.messages.summary  # noqa: F401  (registers the catalogue)
from stockbot import reports
from stockbot.config import Settings
from stockbot.flows import routing
from stockbot.flows.common import fq
from stockbot.flows.context import Ctx
from stockbot.flows.notices import money
from stockbot.flows.pending import WoAtRisk, wo_risk_line, work_orders_at_risk
from stockbot.i18n import normalize_lang, t, tm
from stockbot.replies import Fields, Image, Reply, Table, Text, md_escape
from stockbot.store import ledger
from stockbot.store.models import (
    Chat,
    SentNotice,
)
from stockbot.text import clip, display_width
from stockbot.timeutil import as_utc, utcnow, zone

if TYPE_CHECKING:
    from stockbot.reports.chart import ChartText, SummarySeries

log = logging.getLogger(__name__)
ZERO = Decimal(0)


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


@dataclass(frozen=True, slots=True)
class Chart:
    png: bytes
    series: SummarySeries


def render(
    data: reports.Summary,
    lang: str,
    now: datetime,
    stale_days: int,
    currency: str = "CNY",
    work_orders: Sequence[WoAtRisk] = (),
) -> Reply:
    """The summary as a Reply: title, stock fields, yesterday, waiting documents, work orders
    at risk, chart."""
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
            f"• {w.doc} {_label(w.item)} {fq(w.qty, w.item.unit, lang)}"
            + (f" (+{w.more})" if w.more else "")
            + " — "
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
    if work_orders:
        lines = [f"• {wo_risk_line(r, lang)}" for r in work_orders[:8]]
        if len(work_orders) > 8:
            lines.append(f"… (+{len(work_orders) - 8})")
        blocks.append(
            Text(
                text=t("sum.work_orders", lang, n=len(work_orders))
                + "\n"
                + _escape("\n".join(lines)),
                key="sum.work_orders",
            )
        )
    if data.top_consumed:
        lines = [
            f"{n}. {_label(ref)} — {fq(qty, ref.unit, lang)}"
            for n, (ref, qty) in enumerate(data.top_consumed, 1)
        ]
        blocks.append(Text(text=t("sum.top", lang) + "\n" + _escape("\n".join(lines))))
    try:
        png = chart(data, lang, currency).png
        blocks.append(Image(png=png, caption=t("sum.chart", lang)))
    except Exception:  # the numbers matter more than the picture
        log.exception("summary chart failed; sending the summary without it")
    return Reply.of(*blocks)


def _escape(text: str) -> str:
    return md_escape(text)


def chart_series(data: reports.Summary, currency: str) -> SummarySeries:
    """What the chart draws, from the same numbers as the text: the items below safety stock
    (the worst MAX_BELOW of `below_total`) and the value in/out per day."""
    from stockbot.reports.chart import LABEL_CELLS, MAX_BELOW, SummarySeries

    drawn = data.below_safety[:MAX_BELOW]
    units = {b.item.unit for b in drawn}
    unit = units.pop() if len(units) == 1 else None

    def label(ref: reports.ItemRef) -> str:  # a long name is clipped, its unit kept
        suffix = "" if unit is not None else f" ({ref.unit})"
        return clip(_label(ref), LABEL_CELLS - display_width(suffix)) + suffix

    return SummarySeries(
        below=[
            (
                label(b.item),
                float(b.available),
                float(b.safety),
                float(b.reorder_point),
            )
            for b in drawn
        ],
        below_total=len(data.below_safety),
        unit=unit,
        trend=list(data.trend),
        currency=currency,
    )


def chart_text(series: SummarySeries, lang: str) -> ChartText:
    """The chart's words in *lang*: titles, legend, and the axes with their units."""
    from stockbot.reports.chart import ChartText

    title = t("sum.chart.below", lang)
    if len(series.below) < series.below_total:
        title = t("sum.chart.below_some", lang, n=len(series.below), total=series.below_total)
    qty_axis = (
        t("sum.chart.qty_axis", lang, unit=series.unit)
        if series.unit
        else t("sum.chart.qty_axis_mixed", lang)
    )
    return ChartText(
        title_below=title,
        title_trend=t("sum.chart.trend", lang),
        legend=(
            t("sum.chart.available", lang),
            t("sum.chart.safety", lang),
            t("sum.chart.rop", lang),
            t("sum.chart.in", lang),
            t("sum.chart.out", lang),
        ),
        none_text=t("sum.chart.none", lang),
        qty_axis=qty_axis,
        value_axis=t("sum.chart.value_axis", lang, currency=series.currency),
    )


def chart(data: reports.Summary, lang: str, currency: str) -> Chart:
    """The summary chart in *lang*: its PNG and the series it drew (tests compare those with
    the text; `stockbot job run summary --out` saves the PNG)."""
    from stockbot.reports.chart import summary_chart

    series = chart_series(data, currency)
    return Chart(summary_chart(series, chart_text(series, lang)), series)


def chart_png(data: reports.Summary, lang: str, currency: str = "CNY") -> bytes:
    return chart(data, lang, currency).png


def summary_data(db: Any, settings: Settings, now: datetime) -> reports.Summary:
    with db.read() as s:
        return reports.summary(
            s, ledger.business_day(now, settings.timezone), stale_days=settings.stale_days
        )


def work_orders_due(db: Any, today: date) -> list[WoAtRisk]:
    """Work orders that cannot be kitted or are due within 3 days of `today` (the factory's
    calendar day the summary is for), as `/pending` lists them."""
    with db.read() as s:
        return work_orders_at_risk(s, today)


def summary(ctx: Ctx, cmd: Any = None) -> Reply:
    """`/summary`: the morning summary, now, in the asker's language."""
    now = utcnow()
    data = summary_data(ctx.db, ctx.settings, now)
    wos = work_orders_due(ctx.db, data.today)
    return render(data, ctx.lang, now, ctx.settings.stale_days, ctx.settings.currency, wos)


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


def bound_chats(s: Session, chat: str | int | None = None) -> list[Chat]:
    """The chats a scheduled post goes to: those bound to a warehouse (`/bind`), or the one
    named (our id, the platform's id or `platform:id`) whether bound or not."""
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
        chats = bound_chats(s, chat)
    if not chats:
        return 0
    data = summary_data(db, settings, now)
    wos = work_orders_due(db, data.today)
    rendered: dict[str, Reply] = {}
    sent = 0
    with db.write() as s:
        for c in chats:
            if not force and not claim(s, f"summary:{c.id}:{_chat_date(c, settings, now)}"):
                continue
            lang = normalize_lang(c.language) or settings.default_language
            if lang not in rendered:
                rendered[lang] = render(
                    data, lang, now, settings.stale_days, settings.currency, wos
                )
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
                _label(ref),  # the renderer clips long names with a mark
                fq(q, ref.unit, lang),
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
        chats = bound_chats(s, chat)
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


# --- wiring -------------------------------------------------------------------------------------

COMMANDS = {"summary": summary}
DOC_COMMANDS: dict = {}
ACTIONS: dict = {}
REPLIES: dict = {}
