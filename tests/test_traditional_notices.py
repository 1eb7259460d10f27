"""A 繁體 reader sees item names in 繁體 in every card about an item (issue 10): request cards,
shortage alerts, work order kitting cards. Codes stay exactly as typed."""

from __future__ import annotations

from decimal import Decimal

import pytest

from stockbot.store.models import BomLine

from transcript import Floor

D = Decimal


@pytest.fixture
def floor(db) -> Floor:  # type: ignore[no-untyped-def]
    return Floor(db).people()


def text_of(replies) -> str:  # type: ignore[no-untyped-def]
    return "\n".join(r.plain() for r in replies)


def test_the_keeper_reading_traditional_gets_the_request_card_with_the_name_in_traditional(floor):
    floor.item("GLUE-EP", stock=10, name="环氧胶水")
    floor.say("carol", "/lang zh-Hant")
    floor.say("bob", "/lang zh-Hant")
    created = floor.say("bob", "/request GLUE-EP 3")
    assert created.keys()[0] == "mr.created_reserved" and "環氧膠水" in created.plain()
    card = text_of(floor.inbox("carol"))
    assert "GLUE-EP 環氧膠水" in card and "环氧胶水" not in card
    floor.press("carol", "發料")
    ready = [r for r in floor.inbox("bob") if "mr.ready" in r.keys()]
    assert ready and "GLUE-EP 環氧膠水" in ready[0].plain()


def test_a_simplified_reader_of_the_same_card_sees_the_name_as_typed(floor):
    floor.item("GLUE-EP", stock=10, name="环氧胶水")
    floor.say("bob", "/request GLUE-EP 3")
    assert "GLUE-EP 环氧胶水" in text_of(floor.inbox("carol"))


def test_a_shortage_alert_names_the_item_in_traditional(floor):
    floor.item("BOLT-M8", stock=100, name="镀锌六角螺栓 M8", reorder_point=D(50))
    floor.say("carol", "/lang zh-Hant")
    floor.say("bob", "/request BOLT-M8 60")
    floor.inbox("carol")  # the issue card
    floor.press("carol", "發料")
    alerts = [r for r in floor.inbox("carol") if any(k.startswith("alert.") for k in r.keys())]
    assert alerts and "BOLT-M8 鍍鋅六角螺栓 M8" in alerts[0].plain()


def test_a_work_order_kitting_card_names_product_and_components_in_traditional(floor):
    chair = floor.item("CHAIR", name="办公椅")
    bolt = floor.item("BOLT", stock=100, name="镀锌螺栓")
    with floor.db.write() as s:
        s.add(BomLine(product_id=chair, component_id=bolt, qty_per=D(8), scrap_pct=D(0)))
    floor.say("bob", "/lang zh-Hant")
    card = floor.say("bob", "/wo CHAIR 50")
    assert "wo.created" in card.keys() and "wo.kit_short" in card.keys()
    plain = card.plain()
    assert "CHAIR 辦公椅" in plain and "BOLT 鍍鋅螺栓" in plain and "BOLT −300" in plain
    assert "办公椅" not in plain and "镀锌" not in plain
