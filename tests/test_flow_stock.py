"""`/stock` and `/help` through the runtime, in English and Chinese."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest

from stockbot.replies import Choice, Fields, Table
from stockbot.store import ledger
from stockbot.store.catalog import default_location, ensure_batch, ensure_location, ensure_warehouse
from stockbot.store.models import MovementKind
from stockbot.timeutil import set_clock

from transcript import Floor, row_counts


@pytest.fixture
def floor(db) -> Floor:
    return Floor(db).people()


def fields(reply) -> dict[str, str]:  # type: ignore[no-untyped-def]
    return dict(reply.blocks_of(Fields)[0].rows)


def test_stock_shows_every_quantity_per_warehouse_and_location(floor):
    bolt = floor.item(
        "BOLT-M8",
        stock=100,
        name="Hex bolt M8",
        aliases=["六角螺栓 M8"],
        reorder_point=Decimal(120),
        safety_stock=Decimal(50),
    )
    floor.item("BOLT-M8", stock=30, warehouse="WH2")
    with floor.db.write() as s:
        shelf = ensure_location(s, ensure_warehouse(s, "WH2"), "B-01").id
        ledger.post(
            s.connection(),
            ledger.Meta("shelf", "receipt"),
            [ledger.Line(bolt, shelf, Decimal(5), MovementKind.RECEIPT)],
        )
    floor.say("bob", "/request BOLT-M8 20")  # reserves 20 in MAIN
    reply = floor.say("bob", "/stock BOLT-M8")
    got = fields(reply)
    assert got["On hand"] == "135" and got["Reserved"] == "20" and got["Available"] == "115"
    assert got["Projected"] == "115"
    assert "below reorder point" in got["Safety stock / reorder point"]
    tables = {t.title: t for t in reply.blocks_of(Table)}
    assert ["MAIN", "100", "20", "80"] in tables["By warehouse"].rows
    assert ["WH2", "B-01", "5"] in tables["By location"].rows
    assert "Last movement: receipt" in reply.plain() or "Last movement" in reply.plain()
    assert "六角螺栓 M8" in reply.plain()


def test_batches_are_listed_oldest_first_with_expiry(floor):
    glue = floor.item("GLUE-EP", name="Epoxy glue", batch_tracked=True)
    with floor.db.write() as s:
        loc = default_location(s, 1).id
        old = ensure_batch(s, glue, "L-OLD", date(2026, 1, 5), date(2026, 12, 31)).id
        new = ensure_batch(s, glue, "L-NEW", date(2026, 6, 1), date(2027, 6, 1)).id
        ledger.post(
            s.connection(),
            ledger.Meta("g", "receipt"),
            [
                ledger.Line(glue, loc, Decimal(4), MovementKind.RECEIPT, new),
                ledger.Line(glue, loc, Decimal(6), MovementKind.RECEIPT, old),
            ],
        )
    reply = floor.say("bob", "/stock GLUE-EP")
    batches = next(t for t in reply.blocks_of(Table) if t.title.startswith("Batches"))
    assert [r[0] for r in batches.rows] == ["L-OLD", "L-NEW"]
    assert batches.rows[0][2] == "2026-12-31"


def test_days_of_cover_come_from_usage_history(floor):
    nut = floor.item("NUT-M8", stock=300)
    with floor.db.write() as s:
        loc = default_location(s, 1).id
    start = datetime.now(UTC) - timedelta(days=10)
    for day in range(10):  # 10 units a day for 10 days, inside a 30-day window
        set_clock(lambda day=day: start + timedelta(days=day))
        with floor.db.write() as s:
            ledger.post(
                s.connection(),
                ledger.Meta(f"use{day}", "issue"),
                [ledger.Line(nut, loc, Decimal(-10), MovementKind.ISSUE)],
            )
    set_clock(None)
    got = fields(floor.say("bob", "/stock NUT-M8"))
    # 100 used in the 30-day window → 3.33/day; 200 available → 60 days
    assert got["Days of cover"].startswith("60.0 days")


def test_a_chinese_lookup_answers_in_chinese(floor):
    floor.item(
        "BRG-6204", stock=12, name="Deep groove ball bearing 6204", aliases=["深沟球轴承 6204"]
    )
    reply = floor.say("bob", "查库存 轴承6204")
    assert fields(reply)["在库"] == "12"
    traditional = floor.say("bob", "查庫存 軸承6204")
    assert "庫" in traditional.plain()


def test_several_matches_offer_a_choice_and_pressing_one_shows_its_card(floor):
    floor.item("BOLT-M8X20", stock=5, name="Hex bolt M8x20")
    floor.item("BOLT-M8X30", stock=7, name="Hex bolt M8x30")
    reply = floor.say("bob", "/stock hex bolt m8")
    assert reply.blocks_of(Choice)
    card = floor.press("bob", "BOLT-M8X30")
    assert fields(card)["On hand"] == "7"


def test_lookups_and_help_write_nothing(floor):
    floor.item("BOLT-M8", stock=5)
    before = row_counts(floor.db)
    for text in [
        "/stock BOLT-M8",
        "/stock zzz",
        "/stock",
        "/help",
        "/help request",
        "帮助",
        "/stock " + "x" * 10_000,
        "/nonsense",
    ]:
        assert floor.say("stranger", text).plain()
    assert row_counts(floor.db) == before


def test_help_lists_the_commands_in_the_users_language(floor):
    assert "/request" in floor.say("bob", "/help").plain()
    assert "领料" in floor.say("bob", "帮助").plain()
