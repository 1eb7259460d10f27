"""The morning summary (每日库存摘要) for a small fixture factory — every number asserted —,
its chart (a PNG of the expected size, Chinese names drawn with a CJK font), the weekly
stale-stock report (呆滞料), and reminders that escalate once per stage."""

from __future__ import annotations

import warnings
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from io import BytesIO

import pytest
from sqlalchemy import select

from stockbot import reports
from stockbot.flows import reminders
from stockbot.flows import summary as summary_flow
from stockbot.flows.notices import render
from stockbot.replies import Fields, Image, Table
from stockbot.reports import chart
from stockbot.store import ledger
from stockbot.store.catalog import (
    default_location,
    ensure_warehouse,
    find_user,
    upsert_supplier,
)
from stockbot.store.models import Chat, MovementKind, OutboxMessage, PurchaseOrder
from stockbot.timeutil import set_clock

from transcript import Floor

T0 = datetime(2026, 3, 2, 0, 30, tzinfo=UTC)  # 08:30 in Shanghai, Monday 2 March
TODAY = date(2026, 3, 2)


def at(when: datetime) -> None:
    set_clock(lambda: when)


def move(floor: Floor, item_id: int, qty: int, when: datetime) -> None:
    at(when)
    kind = MovementKind.RECEIPT if qty > 0 else MovementKind.ISSUE
    with floor.db.write() as s:
        loc = default_location(s, ensure_warehouse(s, "MAIN").id).id
        ledger.post(
            s.connection(),
            ledger.Meta(f"fixture:{item_id}:{when.isoformat()}:{qty}", kind.value),
            [ledger.Line(item_id, loc, Decimal(qty), kind)],
        )


@pytest.fixture
def factory(db) -> Floor:  # type: ignore[no-untyped-def]
    """A small factory on the morning of 2 March 2026."""
    f = Floor(db).people()
    at(datetime(2025, 1, 1, 2, tzinfo=UTC))
    old = f.item("OLD-PART", name="old bracket", unit_cost=Decimal("2.50"))
    move(f, old, 40, datetime(2025, 1, 2, 2, tzinfo=UTC))  # never issued since: stale
    feb = datetime(2026, 2, 1, 2, tzinfo=UTC)
    at(feb)
    f.bolt = f.item("BOLT-M8", name="M8 bolt", unit_cost=Decimal("0.50"),  # type: ignore[attr-defined]
                    safety_stock=Decimal(100), reorder_point=Decimal(200))  # fmt: skip
    f.nut = f.item("NUT-M8", name="M8 nut", unit_cost=Decimal("0.10"))  # type: ignore[attr-defined]
    f.motor = f.item("MOTOR", name="gear motor", unit_cost=Decimal(1200))  # type: ignore[attr-defined]
    f.glue = f.item("GLUE", name="epoxy", unit_cost=Decimal(12), safety_stock=Decimal(20))  # type: ignore[attr-defined]
    f.item("PAINT", name="primer", unit_cost=Decimal(30), safety_stock=Decimal(5))  # never had any
    f.item("SENSOR", name="sensor", unit_cost=Decimal(40), needs_qc=True)
    for item, qty in ((f.bolt, 1000), (f.nut, 500), (f.motor, 2), (f.glue, 10)):  # type: ignore[attr-defined]
        move(f, item, qty, feb)
    three_days_ago = T0 - timedelta(days=3)
    move(f, f.nut, -100, three_days_ago)  # type: ignore[attr-defined]
    move(f, f.bolt, -50, three_days_ago)  # type: ignore[attr-defined]
    yesterday = T0 - timedelta(days=1)
    move(f, f.nut, 200, yesterday)  # type: ignore[attr-defined]
    move(f, f.bolt, -300, yesterday)  # type: ignore[attr-defined]
    move(f, f.motor, -1, yesterday)  # type: ignore[attr-defined]
    move(f, f.bolt, -10, T0 - timedelta(minutes=20))  # type: ignore[attr-defined]  # today
    at(T0 - timedelta(hours=26))
    f.say("bob", "/request MOTOR 1")  # 1,200 > 1,000: waits for approval
    at(T0 - timedelta(hours=5))
    f.say("erin", "/purchase NUT-M8 1000")  # a purchase request waiting for approval
    at(T0 - timedelta(hours=3))
    f.say("bob", "/request NUT-M8 50")  # approved at once: waiting to be issued
    f.say("carol", "/receive SENSOR 5")  # needs QC
    at(T0)
    with db.write() as s:
        acme = upsert_supplier(s, "ACME", name="Acme Fasteners")
        s.add(PurchaseOrder(number="PO-00010", supplier_id=acme.id, expected_on=TODAY))
        s.add(
            PurchaseOrder(
                number="PO-00011", supplier_id=acme.id, expected_on=TODAY - timedelta(days=3)
            )
        )
        later = TODAY + timedelta(days=1)
        s.add(PurchaseOrder(number="PO-00012", supplier_id=acme.id, expected_on=later))
    f.say("alice", "/bind MAIN")
    return f


def test_the_summary_numbers_for_the_fixture_factory(factory, db):
    with db.read() as s:
        data = reports.summary(s, TODAY, stale_days=180)
    assert [r.code for r in data.stockouts] == ["PAINT"]
    assert [(b.item.code, b.available, b.safety) for b in data.below_safety] == [
        ("GLUE", Decimal(10), Decimal(20))
    ]
    assert [(w.doc, w.item.code, w.qty) for w in data.pending_approvals] == [
        ("MR-00001", "MOTOR", Decimal(1)),
        ("PR-00001", "NUT-M8", Decimal(1000)),
    ]
    assert [(w.doc, w.item.code, w.qty) for w in data.open_requests] == [
        ("MR-00002", "NUT-M8", Decimal(50))
    ]
    assert data.qc_pending == 1
    assert [(p.number, p.supplier) for p in data.po_due_today] == [("PO-00010", "Acme Fasteners")]
    assert [(p.number, p.expected_on) for p in data.po_overdue] == [("PO-00011", date(2026, 2, 27))]
    # yesterday: 200 nuts in (20.00); 300 bolts (150.00) and a motor (1,200.00) out
    assert (data.received_items, data.received_value) == (1, Decimal("20.00"))
    assert (data.issued_items, data.issued_value) == (2, Decimal("1350.00"))
    # the last 7 days up to yesterday; today's 10 bolts are not in it yet
    assert [(r.code, q) for r, q in data.top_consumed] == [
        ("BOLT-M8", Decimal(350)),
        ("NUT-M8", Decimal(100)),
        ("MOTOR", Decimal(1)),
    ]
    # 640 bolts 320.00 + 600 nuts 60.00 + 1 motor 1,200.00 + 10 glue 120.00 + 40 old 100.00
    assert data.inventory_value == Decimal("1800.00")
    assert (data.stale_count, data.stale_value) == (1, Decimal("100.00"))
    assert len(data.trend) == 30 and data.trend[-1][0] == date(2026, 3, 1)
    assert data.trend[-1][1:] == pytest.approx((20.0, 1350.0))


def test_summary_on_demand_is_text_and_a_chart(factory):
    reply = factory.say("dave", "/summary")
    fields = {k: v for b in reply.blocks_of(Fields) for k, v in b.rows}
    assert fields["Out of stock"] == "1 — PAINT"
    assert fields["Below safety stock"] == "1 — GLUE"
    assert fields["Inventory value"] == "1,800.00"
    assert fields["Stale stock (180 days)"] == "1 items, 100.00"
    assert fields["Received"] == "1 items, 20.00"
    assert fields["Issued"] == "2 items, 1,350.00"
    text = reply.plain()
    assert "Waiting for approval (2)" in text
    assert "MR-00001 MOTOR gear motor 1 pc — waiting 26 h" in text
    assert "PR-00001 NUT-M8 M8 nut 1000 pcs — waiting 5 h" in text
    assert "Approved, waiting to be issued (1)" in text
    assert "due today: PO-00010 (Acme Fasteners)" in text
    assert "overdue: PO-00011 (Acme Fasteners, 3 d late)" in text
    assert "QC pending: 1 receipt(s)" in text
    assert "1. BOLT-M8 M8 bolt — 350 pcs" in text
    (image,) = reply.blocks_of(Image)
    assert_png(image.png)
    zh = factory.say("dave", "日报")
    assert "每日库存摘要 — 2026-03-02" in zh and "断货: 1 种 — PAINT" in zh


def assert_png(png: bytes) -> None:
    from PIL import Image as PILImage

    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    img = PILImage.open(BytesIO(png))
    img.load()  # decodes every pixel
    assert img.size == (chart.WIDTH, chart.HEIGHT) == (960, 420)


def test_the_chart_draws_chinese_names_with_a_cjk_font_not_the_fallback():
    from matplotlib.font_manager import FontProperties, findfont
    from matplotlib.ft2font import FT2Font

    trend = [(date(2026, 2, d), float(d * 10), float(d * 7)) for d in range(1, 29)]
    below = [("BOLT 六角螺栓 M8×30", 3.0, 10.0, 20.0), ("GLUE 环氧胶", 0.0, 5.0, 8.0)]
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        png = chart.summary_chart(
            chart.SummarySeries(below, len(below), None, trend, "CNY"),
            chart.ChartText(
                title_below="低于安全库存",
                title_trend="每日出入库金额",
                legend=("可用", "安全库存", "再订货点", "入库", "出库"),
                none_text="无",
                qty_axis="数量（按各物料单位）",
                value_axis="金额（CNY）",
            ),
        )
    assert not [w for w in caught if "missing from font" in str(w.message)]
    assert_png(png)
    families = chart.font_families()
    assert families[0] == "Noto Sans CJK SC"
    resolved = findfont(FontProperties(family=families), fallback_to_default=False)
    assert resolved.endswith("NotoSansCJKsc-Regular.otf")
    assert "DejaVu" not in resolved
    assert FT2Font(resolved).get_char_index(ord("螺")) != 0  # the glyph is there
    fallback = findfont(FontProperties(family=["DejaVu Sans"]))
    assert FT2Font(fallback).get_char_index(ord("螺")) == 0  # what it would have been: a box


def test_the_scheduled_summary_goes_to_each_bound_chat_once_a_day(factory, db):
    factory.say("alice", "/bind MAIN zh-Hans", chat="floor2")
    assert summary_flow.send_summaries(db, factory.runtime.settings) == 2
    assert summary_flow.send_summaries(db, factory.runtime.settings) == 0  # already today
    with db.read() as s:
        rows = s.scalars(select(OutboxMessage).order_by(OutboxMessage.id)).all()
        posted = {
            r.target: render(r.payload, "en", "Asia/Shanghai")
            for r in rows
            if r.target in {"group", "floor2"}
        }
    assert "Stock summary — 2026-03-02" in posted["group"]
    assert "每日库存摘要 — 2026-03-02" in posted["floor2"]
    assert len(posted["group"].blocks_of(Image)) == 1
    at(T0 + timedelta(days=1))
    assert summary_flow.send_summaries(db, factory.runtime.settings) == 2  # a new day
    assert summary_flow.send_summaries(db, factory.runtime.settings, force=True) == 2


def test_each_chat_has_its_own_day(factory, db):
    with db.write() as s:
        s.add(Chat(platform="console", platform_chat_id="la", warehouse_id=1,
                   timezone="America/Los_Angeles", language="en"))  # fmt: skip
    assert summary_flow.send_summaries(db, factory.runtime.settings) == 2
    at(T0 + timedelta(hours=12))  # 20:30 in Shanghai (same day); 04:30 next day in LA
    assert summary_flow.send_summaries(db, factory.runtime.settings) == 1


def test_stale_report_lists_stock_with_no_outbound_and_its_value(factory, db):
    reply = factory.say("carol", "/report stale")  # the ageing report, its stale list last
    assert "Stale stock (no outbound for 180 days): 1 items, 100.00 CNY" in reply
    table = reply.blocks_of(Table)[-1]
    assert table.rows == [["OLD-PART", "old bracket", "40", "pcs", "100.00", "—"]]
    assert "呆滞料（180 天无出库）" in factory.say("carol", "报表 呆滞料")
    assert "rep.unknown" in factory.say("carol", "/report bogus").keys()
    weekly = summary_flow.stale_reply(db, factory.runtime.settings, "en", T0)
    assert weekly.blocks_of(Table)[0].rows == [
        ["OLD-PART old bracket", "40 pcs", "100.00", "never"]
    ]
    assert summary_flow.send_stale_reports(db, factory.runtime.settings) == 1
    assert summary_flow.send_stale_reports(db, factory.runtime.settings) == 0  # this week: done


def test_a_reminder_reaches_an_approver_in_the_language_they_write_in(factory, db):
    """dave never ran `/lang` but writes Chinese (stored as he wrote it): his reminder is
    Chinese; frank, who never wrote Chinese, gets the factory's English."""
    with db.write() as s:
        dave = find_user(s, "console", "dave")
        assert dave is not None
        dave.wrote_language = "zh-Hans"
    for who in ("dave", "frank"):
        factory.inbox(who)
    at(T0)  # MR-00001 has waited 26 h: its approvers are reminded
    assert reminders.send_reminders(db, factory.runtime.settings) == 3
    assert "⏰ 提醒：MR-00001" in factory.inbox("dave")[0]
    assert "⏰ Reminder: MR-00001" in factory.inbox("frank")[0]


def test_waiting_approvals_are_reminded_then_escalated_once_per_stage(factory, db):
    for who in ("alice", "dave", "frank", "carol"):
        factory.inbox(who)
    settings = factory.runtime.settings
    at(T0 - timedelta(hours=3))  # MR-00001 has waited 23 h; PR-00001 2 h; the receipt 0 h
    assert reminders.send_reminders(db, settings) == 0
    at(T0)  # MR-00001: 26 h > 24 h → its approvers, once
    assert reminders.send_reminders(db, settings) == 3
    assert reminders.send_reminders(db, settings) == 0
    (dave,) = factory.inbox("dave")
    assert "Reminder: MR-00001 — Bob asked for 1 pc MOTOR (amount 1,200.00)" in dave
    assert [b.label for b in dave.buttons()] == ["Approve", "Reject"]
    assert len(factory.inbox("frank")) == 1 and len(factory.inbox("alice")) == 1
    reply = factory.press("dave", "Approve")
    assert "approved by Dave" in reply
    at(T0 + timedelta(hours=26))  # PR-00001: 31 h → approvers; the receipt 29 h → keepers
    assert reminders.send_reminders(db, settings) == 5  # 3 approvers, 2 keepers (admin too)
    assert "Reminder: PR-00001" in factory.inbox("frank")[0]
    qc = factory.inbox("carol")
    assert any("QC waiting: GR-00001 — 5 pcs SENSOR received by Carol" in m for m in qc)
    at(T0 + timedelta(hours=50))  # PR-00001: 55 h > 2 × 24 h → escalated to admins, once
    assert reminders.send_reminders(db, settings) == 1
    escalations = [m for m in factory.inbox("alice") if "Escalation" in m]
    assert len(escalations) == 1 and "PR-00001 has waited 2 d" in escalations[0]
    assert reminders.send_reminders(db, settings) == 0
