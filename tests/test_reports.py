"""The reports (`/report`, `stockbot report`): periods parsed in one place, each report's
figures on a small fixture factory — every number computed by hand in the comments — and the
three renderers (chat table + chart, xlsx, csv) in the reader's language."""

from __future__ import annotations

import csv
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from sqlalchemy import select

from stockbot.cli import main
from stockbot.flows.reports import base_args
from stockbot.io.report_files import write_report
from stockbot.replies import Image, Table
from stockbot.reports.activity import shortage_cause
from stockbot.reports.inventory import abc_classes
from stockbot.reports.periods import Period, PeriodError, parse_period
from stockbot.reports.registry import REPORTS, find, make_args
from stockbot.store.catalog import upsert_supplier
from stockbot.store.models import Item, PurchaseOrder, PurchaseOrderLine
from stockbot.timeutil import set_clock

from factory import move_at
from transcript import Floor

TODAY = date(2026, 3, 2)
NOW = datetime(2026, 3, 2, 0, 30, tzinfo=UTC)  # 08:30 in Shanghai


def d(text: str) -> Decimal:
    return Decimal(text)


def at(y: int, m: int, day: int) -> datetime:
    return datetime(y, m, day, 2, tzinfo=UTC)  # 10:00 in Shanghai, the same calendar day


# --- periods ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "first", "last"),
    [
        ("7d", date(2026, 2, 24), TODAY),
        ("30d", date(2026, 2, 1), TODAY),
        ("90d", date(2025, 12, 3), TODAY),
        ("2026-11", date(2026, 11, 1), date(2026, 11, 30)),
        ("2024-02", date(2024, 2, 1), date(2024, 2, 29)),
        ("2026-01-01..2026-03-31", date(2026, 1, 1), date(2026, 3, 31)),
        ("本月", date(2026, 3, 1), TODAY),
        ("上月", date(2026, 2, 1), date(2026, 2, 28)),
        ("近30天", date(2026, 2, 1), TODAY),
        ("近７天", date(2026, 2, 24), TODAY),
        ("", date(2026, 2, 1), TODAY),
    ],
)
def test_a_period_is_read_the_way_the_floor_writes_it(text, first, last):
    assert parse_period(text, TODAY, 30) == Period(first, last)


@pytest.mark.parametrize(
    "text",
    [
        "2026-13",
        "0d",
        "99999d",
        "2026-03-31..2026-01-01",
        "yesterday-ish",
        "2026-02-30..2026-03-01",
    ],
)
def test_a_period_nobody_can_mean_is_refused(text):
    with pytest.raises(PeriodError):
        parse_period(text, TODAY)


# --- pure rules -------------------------------------------------------------------------------


def test_abc_classes_follow_the_share_of_value_before_each_item():
    values = [(1, d(1200)), (2, d(175)), (3, d(10)), (4, d(0))]
    # 1: 0 % before → A; 2: 86.6 % before → B (< 95); 3: 99.3 % → C; 4: no value → C
    assert abc_classes(values, (d(80), d(15), d(5))) == {1: "A", 2: "B", 3: "C", 4: "C"}
    assert abc_classes(values, (d(90), d(5), d(5)))[2] == "A"  # 86.6 % < 90 %


def test_a_shortage_cause_comes_from_what_was_on_order_at_the_time():
    when = datetime(2026, 2, 26, 2, tzinfo=UTC)
    day = when.date()
    ordered = datetime(2026, 2, 20, tzinfo=UTC)
    late, later = date(2026, 2, 24), date(2026, 3, 5)
    assert shortage_cause(True, [(ordered, late, None)], when, day) == "late_supply"
    assert shortage_cause(True, [(ordered, later, None)], when, day) == "on_order"
    received = datetime(2026, 2, 23, tzinfo=UTC)  # in full, before the shortage: not the cause
    assert shortage_cause(True, [(ordered, late, received)], when, day) == "not_ordered"
    assert shortage_cause(True, [(when.replace(day=27), late, None)], when, day) == "not_ordered"
    assert shortage_cause(False, [], when, day) == "no_policy"


# --- a factory of stock -----------------------------------------------------------------------


@pytest.fixture
def stock(db) -> Floor:  # type: ignore[no-untyped-def]
    """Seven items. On hand on 2 March: BOLT 650, NUT 600, MOTOR 1, GLUE 10, OLD 40 (since
    June 2025), PAINT 20 (since 1 Dec), RESIN 5 in batch R-1 (15 Jan); one PO for 2 motors."""
    f = Floor(db).people()
    set_clock(lambda: at(2025, 6, 1))
    old = f.item("OLD", category="Fasteners", unit_cost=d("2.50"))
    move_at(db, old, 40, at(2025, 6, 1))
    set_clock(lambda: at(2025, 12, 1))
    paint = f.item("PAINT", category="Chemicals", unit_cost=d(30))
    move_at(db, paint, 20, at(2025, 12, 1))
    f.item("RESIN", category="Chemicals", unit_cost=d(8))
    set_clock(lambda: at(2026, 1, 15))
    f.say("carol", "/receive RESIN 5 batch R-1")
    set_clock(lambda: at(2026, 2, 1))
    ids = {
        code: f.item(code, category=cat, unit_cost=d(cost), **extra)
        for code, cat, cost, extra in (
            ("BOLT", "Fasteners", "0.50", {}),
            ("NUT", "Fasteners", "0.10", {}),
            ("MOTOR", "Drives", "1200", {}),
            ("GLUE", "Chemicals", "12", {"safety_stock": d(20)}),
        )
    }
    for code, qty in (("BOLT", 1000), ("NUT", 500), ("MOTOR", 2), ("GLUE", 10)):
        move_at(db, ids[code], qty, at(2026, 2, 1))
    move_at(db, ids["BOLT"], -50, at(2026, 2, 27))
    move_at(db, ids["NUT"], -100, at(2026, 2, 27))
    move_at(db, ids["NUT"], 200, at(2026, 3, 1))
    move_at(db, ids["BOLT"], -300, at(2026, 3, 1))
    move_at(db, ids["MOTOR"], -1, at(2026, 3, 1))
    with db.write() as s:
        acme = upsert_supplier(s, "ACME", name="Acme")
        po = PurchaseOrder(number="PO-00009", supplier_id=acme.id, expected_on=date(2026, 3, 10))
        s.add(po)
        s.flush()
        s.add(PurchaseOrderLine(order_id=po.id, item_id=ids["MOTOR"], qty_ordered=d(2)))
    set_clock(lambda: NOW)
    return f


def run(floor: Floor, name: str, *words: str):  # type: ignore[no-untyped-def]
    report = find(name)
    assert report is not None
    args = make_args(report, list(words), base_args(floor.runtime.settings))
    with floor.db.read() as s:
        return report.run(s, args)


def test_turnover_and_days_of_inventory_per_category_and_overall(stock):
    rows = run(stock, "turnover", "2026-02").sections[0].rows
    # February (28 days). Opening (31 Jan) / closing (28 Feb) stock at cost:
    # BOLT 0 / 950 × 0.50, NUT 0 / 400 × 0.10, OLD 40 / 40 × 2.50 → Fasteners avg 357.50;
    # used: 50 bolts (25.00) + 100 nuts (10.00) = 35.00 → 0.10 turns, 357.5 / 35 × 28 = 286.0 days
    assert rows[0] == ("Fasteners", d("357.50"), d("35.00"), d("0.10"), d("286.0"))
    # nothing used: no days of inventory (not "infinite")
    # GLUE 5 × 12 + PAINT 20 × 30 + RESIN 5 × 8
    assert rows[1] == ("Chemicals", d("700.00"), d("0.00"), d("0.00"), None)
    assert rows[2] == ("Drives", d("1200.00"), d("0.00"), d("0.00"), None)  # MOTOR 1 × 1200
    assert rows[3] == ("Σ", d("2257.50"), d("35.00"), d("0.02"), d("1806.0"))


def test_ageing_buckets_batches_by_receipt_and_loose_stock_first_in_first_out(stock):
    report = run(stock, "ageing")
    # 0–30: BOLT 650 × 0.5 + NUT 600 × 0.1 + MOTOR 1200 + GLUE 120 = 1,705.00 (4 items)
    # 31–90: RESIN batch R-1 (15 Jan, 46 days) 40.00; 91–180: PAINT (1 Dec, 91 days) 600.00;
    # over 180: OLD (June 2025) 100.00 — of 2,445.00
    assert report.sections[0].rows == [
        ("0_30", 4, d("1705.00"), d("0.6973")),
        ("31_90", 1, d("40.00"), d("0.0164")),
        ("91_180", 1, d("600.00"), d("0.2454")),
        ("180_plus", 1, d("100.00"), d("0.0409")),
    ]
    stale = report.section("stale")
    assert stale.params == {"days": 180, "n": 1, "value": d("100.00")}
    assert [(r[0], r[2], r[4]) for r in stale.rows] == [("OLD", d(40), d("100.00"))]


def test_abc_classes_by_consumption_value_with_counts_and_value(stock):
    report = run(stock, "abc", "30d")
    # 1 Feb – 2 Mar: MOTOR 1 × 1200, BOLT 350 × 0.5 = 175, NUT 100 × 0.1 = 10; total 1,385
    assert report.sections[0].rows == [
        ("A", 1, d("1200.00"), d("0.8664"), d("0.1429")),
        ("B", 1, d("175.00"), d("0.1264"), d("0.1429")),
        ("C", 5, d("10.00"), d("0.0072"), d("0.7143")),
    ]
    assert [r[:3] for r in report.section("abc_items").rows] == [
        ("MOTOR", "MOTOR", "A"), ("BOLT", "BOLT", "B"), ("NUT", "NUT", "C"),
    ]  # fmt: skip
    split = run(stock, "abc", "30d", "90/5/5").sections[0]
    assert [r[:2] for r in split.rows] == [("A", 2), ("B", 0), ("C", 5)]
    assert split.params == {"split": "90/5/5"}


def test_days_of_cover_shortest_first_with_what_is_on_order(stock):
    rows = run(stock, "cover").sections[0].rows
    # used over 30 days: MOTOR 1 (1/30 a day, 1 left: 30 days), BOLT 350 (650 left: 55.7),
    # NUT 100 (600 left: 180)
    assert [(r[0], r[2], r[4], r[5], r[6], r[7]) for r in rows] == [
        ("MOTOR", d(1), d("0.03"), d("30.0"), d(2), date(2026, 3, 10)),
        ("BOLT", d(650), d("11.67"), d("55.7"), d(0), None),
        ("NUT", d(600), d("3.33"), d("180.0"), d(0), None),
    ]


def test_movements_by_day_category_and_warehouse(stock):
    days = {r[0]: r[1:] for r in run(stock, "movements", "30d").sections[0].rows}
    assert len(days) == 30  # every day, quiet ones included
    # 1 Feb: 500 + 50 + 2,400 + 120 in; 27 Feb: 25 + 10 out; 1 Mar: 20 in, 150 + 1,200 out
    assert days[date(2026, 2, 1)] == (d("3070.00"), d("0.00"))
    assert days[date(2026, 2, 27)] == (d("0.00"), d("35.00"))
    assert days[date(2026, 3, 1)] == (d("20.00"), d("1350.00"))
    by_cat = {r[0]: r[1:] for r in run(stock, "movements", "30d", "category").sections[0].rows}
    assert by_cat == {
        "Fasteners": (d("570.00"), d("185.00"), 2),
        "Drives": (d("2400.00"), d("1200.00"), 1),
        "Chemicals": (d("120.00"), d("0.00"), 1),
    }
    by_wh = run(stock, "movements", "30d", "仓库").sections[0].rows
    assert by_wh == [("MAIN", d("3090.00"), d("1385.00"), 9)]


# --- suppliers and shortages ------------------------------------------------------------------


def _po(db, number: str, supplier: str, item: str, qty: int, ordered: datetime, due: date) -> None:  # type: ignore[no-untyped-def]
    with db.write() as s:
        sup = upsert_supplier(s, supplier, name=supplier.title())
        item_id = s.scalar(select(Item.id).where(Item.code == item))
        po = PurchaseOrder(number=number, supplier_id=sup.id, expected_on=due, created_at=ordered)
        s.add(po)
        s.flush()
        s.add(PurchaseOrderLine(order_id=po.id, item_id=item_id, qty_ordered=d(qty)))


@pytest.fixture
def supply(db) -> Floor:  # type: ignore[no-untyped-def]
    f = Floor(db).people()
    set_clock(lambda: at(2026, 1, 1))
    f.item("SENSOR", needs_qc=True, unit_cost=d(40))
    f.item("CABLE", unit_cost=d(2))
    f.item("GLUE", unit_cost=d(12), safety_stock=d(20), stock=10)
    f.item("MOTOR", unit_cost=d(100), reorder_point=d(3))
    _po(db, "PO-00001", "ACME", "SENSOR", 100, at(2026, 1, 5), date(2026, 1, 15))
    _po(db, "PO-00002", "ACME", "CABLE", 50, at(2026, 2, 1), date(2026, 2, 10))
    _po(db, "PO-00003", "BETA", "CABLE", 30, at(2026, 2, 1), date(2026, 2, 20))
    _po(db, "PO-00004", "BETA", "MOTOR", 5, at(2026, 2, 20), date(2026, 2, 24))
    set_clock(lambda: at(2026, 1, 14))
    f.say("carol", "/receive SENSOR 100 po PO-00001")
    f.say("carol", "/qc GR-00001 90 reject 10 bent pins")
    set_clock(lambda: at(2026, 2, 12))
    f.say("carol", "/receive CABLE 50 po PO-00002")  # two days late
    set_clock(lambda: at(2026, 2, 20))
    f.say("carol", "/receive CABLE 30 po PO-00003")
    set_clock(lambda: at(2026, 2, 25))
    f.say("bob", "/request CABLE 100 for WO-7")  # 80 there; no reorder point set
    set_clock(lambda: at(2026, 2, 26))
    f.say("bob", "/request GLUE 30")  # 10 there, nothing ordered
    f.say("bob", "/request MOTOR 2 for WO-8")  # PO-00004 due 24 Feb, not here
    f.say("bea", "/request MOTOR 1 for WO-8")
    set_clock(lambda: NOW)
    return f


def test_supplier_on_time_rate_qc_pass_rate_and_lead_time(supply):
    rows = run(supply, "suppliers", "90d").sections[0].rows
    # ACME: PO-1 on time (14 Jan ≤ 15 Jan, 9 days), PO-2 late (12 Feb > 10 Feb, 11 days);
    # QC: 90 of 100 sensors + 50 of 50 cables = 140 / 150. BETA: on time, 19 days.
    assert rows == [
        ("Acme", 2, d("0.5000"), d("0.9333"), d("10.0")),
        ("Beta", 1, d("1.0000"), d("1.0000"), d("19.0")),
    ]


def test_shortages_by_item_work_order_and_cause(supply):
    report = run(supply, "shortages", "30d")
    assert report.sections[0].rows == [
        ("late_supply", 2, 2), ("not_ordered", 1, 1), ("no_policy", 1, 1),
    ]  # fmt: skip
    items = [(r[0], r[2], r[3], r[4], r[5]) for r in report.section("shortage_items").rows]
    assert items == [
        ("MOTOR", "WO-8", "late_supply", 2, d(3)),  # nothing on hand: 2 + 1 short
        ("CABLE", "WO-7", "no_policy", 1, d(20)),  # 100 asked, 80 there
        ("GLUE", "", "not_ordered", 1, d(20)),
    ]


# --- chat, xlsx, csv --------------------------------------------------------------------------


def test_report_alone_lists_every_report_from_the_registry(stock):
    reply = stock.say("bob", "/report")
    assert reply.keys() == ["rep.list"]
    for name in REPORTS:
        assert f"`{name}` — " in reply.blocks[0].text  # type: ignore[attr-defined]
    assert "按类别及总体的库存周转率" in stock.say("bob", "报表").plain()
    assert "按類別及總體的庫存週轉率" in stock.say("bob", "報表").plain()


def test_a_report_in_chat_has_a_chart_and_a_table_in_the_readers_language(stock):
    reply = stock.say("bob", "/report abc 30d")
    assert reply.keys()[0] == "rep.sec.abc"
    (image,) = reply.blocks_of(Image)
    assert image.png.startswith(b"\x89PNG")
    table = reply.blocks_of(Table)[0]
    assert table.headers[2] == "Consumption value (CNY)"
    assert table.rows[0] == ["A", "1", "1,200.00", "86.6%", "14.3%"]
    zh = stock.say("bob", "报表 库龄")
    assert zh.blocks_of(Table)[0].rows[0][0] in {"0–30 days", "0–30 天"}


def test_a_bad_period_or_option_is_refused_and_says_why(stock):
    assert "rep.bad_period" in stock.say("bob", "/report turnover 2026-13").keys()
    assert "rep.bad_option" in stock.say("bob", "/report ageing 30d").keys()
    assert "rep.bad_option" in stock.say("bob", "/report abc 30d 70/20").keys()
    assert "rep.unknown" in stock.say("bob", "/report nonsense").keys()


def test_the_xlsx_has_localized_headers_widths_and_number_formats(stock, tmp_path):
    from openpyxl import load_workbook

    path = tmp_path / "abc.xlsx"
    assert write_report(run(stock, "abc", "30d"), path, None, "zh-Hans", "CNY") == 3 + 3
    wb = load_workbook(path)
    ws = wb.worksheets[0]
    assert [c.value for c in ws[2]] == [
        "分类",
        "物料数",
        "消耗金额 (CNY)",
        "金额占比 (%)",
        "品种占比 (%)",
    ]
    assert ws["C3"].value == 1200 and ws["C3"].number_format == "#,##0.00"
    assert ws["D3"].number_format == "0.0%" and float(ws["D3"].value) == pytest.approx(0.8664)
    assert ws.column_dimensions["C"].width >= 14  # 消耗金额 (CNY): CJK counts double
    assert len(wb.worksheets) == 2


def test_the_csv_and_the_command_line_write_the_same_report(stock, db_url, tmp_path, capsys):
    path = tmp_path / "ageing.csv"
    set_clock(lambda: NOW)
    assert main(["--database-url", db_url, "report", "ageing", "-o", str(path)]) == 0
    rows = list(csv.reader(path.read_text(encoding="utf-8-sig").splitlines()))
    assert rows[1] == ["Age", "Items", "Value (CNY)", "Share (%)"]
    assert rows[2] == ["0–30 days", "4", "1705", "69.73"]
    assert main(["--database-url", db_url, "report"]) == 0
    assert "movements" in capsys.readouterr().out
    assert main(["--database-url", db_url, "report", "turnover", "2026-13"]) == 2
