"""`/suggest` (建议采购): exactly the items below their reorder point or short for work
orders, and one button that raises their purchase requests once."""

from __future__ import annotations

from decimal import Decimal as D

import pytest
from sqlalchemy import select

from stockbot.store.models import BomLine, Item, PurchaseRequestLine

from transcript import Floor


@pytest.fixture
def floor(db) -> Floor:
    floor = Floor(db).people()
    floor.item("ROPE", stock=5, reorder_point=D(10), reorder_qty=D(50))  # below its point
    floor.item("TAPE", stock=50, reorder_point=D(10))  # above it
    chair = floor.item("CHAIR")
    bolt, seat = floor.item("BOLT", stock=100), floor.item("SEAT", stock=100)
    with floor.db.write() as s:
        s.add(BomLine(product_id=chair, component_id=bolt, qty_per=D(8), scrap_pct=D(0)))
        s.add(BomLine(product_id=chair, component_id=seat, qty_per=D(1), scrap_pct=D(0)))
    floor.say("bob", "/wo CHAIR 20")  # 160 bolts (100 there), 20 seats
    assert "wo.released_partly" in floor.press("carol", "Release partially").keys()
    return floor


def suggested(reply) -> dict[str, str]:  # type: ignore[no-untyped-def]
    grid = next(b for b in reply.blocks if getattr(b, "rows", None))
    return {row[0]: row[4] for row in grid.rows}


def requests(floor: Floor) -> list[tuple[str, D]]:
    with floor.db.read() as s:
        rows = s.execute(
            select(Item.code, PurchaseRequestLine.qty)
            .join(Item, Item.id == PurchaseRequestLine.item_id)
            .order_by(Item.code)
        ).all()
    return [(c, q) for c, q in rows]


def test_suggest_lists_exactly_the_items_below_reorder_point_or_short_for_work_orders(floor):
    reply = floor.say("erin", "/suggest")
    assert reply.keys()[0] == "suggest.title"
    # BOLT: 60 still needed by WO-1 and not reservable; ROPE: 5 ≤ 10, reorder 50.
    # TAPE is above its point; SEAT is fully reserved for the work order.
    assert set(suggested(reply)) == {"BOLT", "ROPE"}
    assert reply.plain().count("BOLT") == 1 and "SEAT" not in reply.plain()


def test_raise_all_pressed_twice_raises_each_purchase_request_once(floor):
    floor.say("erin", "/suggest")
    first = floor.press("erin", "Raise all")
    assert "suggest.raised" in first.keys()
    raised = requests(floor)
    assert raised == [("BOLT", D(60)), ("ROPE", D(50))]
    again = floor.press("erin", "Raise all")
    assert again.keys() == ["suggest.already"]
    assert requests(floor) == raised
