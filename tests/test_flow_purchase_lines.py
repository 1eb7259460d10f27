"""Purchase requests of several lines (issue 11): a work order's "Request purchase for all
shortages" and `/suggest`'s "raise all" make one request per supplier, each approved on its
total, ordered as one PO with the same lines, and received line by line."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal as D

import pytest
from sqlalchemy import select, update

from stockbot.api.reads import documents
from stockbot.flows.reminders import send_reminders
from stockbot.reports.morning import waiting_documents
from stockbot.store.check import check_balances
from stockbot.store.models import (
    BomLine,
    PurchaseOrder,
    PurchaseOrderLine,
    PurchaseRequest,
    PurchaseRequestLine,
    User,
)
from stockbot.store.quantities import quantities
from stockbot.timeutil import set_clock

from transcript import Floor, row_counts, suppliers

NOW = datetime(2025, 6, 2, 2, 0, tzinfo=UTC)  # 10:00 on the floor (Asia/Shanghai)


@pytest.fixture
def floor(db) -> Floor:
    set_clock(lambda: NOW)
    return Floor(db).people()


def chair_factory(floor: Floor) -> dict[str, int]:
    """A chair = 8 bolts + 8 nuts (both from ACME) + 1 seat (from BETA). For 50 chairs the
    floor is short of 300 bolts, 400 nuts and 40 seats."""
    sup = suppliers(floor)
    ids = {
        "chair": floor.item("CHAIR"),
        "bolt": floor.item("BOLT", stock=100, unit_cost=D(8), lead_time_days=5,
                           default_supplier_id=sup["ACME"]),
        "nut": floor.item("NUT", unit_cost=D(8), lead_time_days=12,
                          default_supplier_id=sup["ACME"]),
        "seat": floor.item("SEAT", stock=10, unit_cost=D(30), lead_time_days=3,
                           default_supplier_id=sup["BETA"]),
    }  # fmt: skip
    with floor.db.write() as s:
        for part, per in (("bolt", 8), ("nut", 8), ("seat", 1)):
            s.add(BomLine(product_id=ids["chair"], component_id=ids[part], qty_per=D(per),
                          scrap_pct=D(0)))  # fmt: skip
    return {**ids, **{f"sup:{k}": v for k, v in sup.items()}}


def requests_made(floor: Floor) -> dict[str, tuple]:  # type: ignore[type-arg]
    """Each request: supplier, total, approval levels, and its lines (item, qty, amount, WO)."""
    with floor.db.read() as s:
        out = {}
        for pr in s.scalars(select(PurchaseRequest).order_by(PurchaseRequest.id)):
            lines = s.execute(
                select(PurchaseRequestLine.item_id, PurchaseRequestLine.qty,
                       PurchaseRequestLine.amount, PurchaseRequestLine.work_order_id)
                .where(PurchaseRequestLine.request_id == pr.id)
                .order_by(PurchaseRequestLine.id)
            ).all()  # fmt: skip
            out[pr.number] = (pr.supplier_id, pr.amount, pr.levels_required,
                              [tuple(ln) for ln in lines])  # fmt: skip
        return out


def orders_made(floor: Floor) -> dict[str, tuple]:  # type: ignore[type-arg]
    """Each PO: supplier, expected date, state, and its lines (item, qty ordered, unit price)."""
    with floor.db.read() as s:
        out = {}
        for po in s.scalars(select(PurchaseOrder).order_by(PurchaseOrder.id)):
            lines = s.execute(
                select(PurchaseOrderLine.item_id, PurchaseOrderLine.qty_ordered,
                       PurchaseOrderLine.unit_price)
                .where(PurchaseOrderLine.order_id == po.id)
                .order_by(PurchaseOrderLine.id)
            ).all()  # fmt: skip
            out[po.number] = (po.supplier_id, po.expected_on, po.state, [tuple(ln) for ln in lines])
        return out


def on_order(floor: Floor, *items: int) -> list[D]:
    with floor.db.read() as s:
        q = quantities(s, items)
    return [q[i].on_order for i in items]


def test_a_work_order_short_of_three_parts_from_two_suppliers_raises_two_requests_approved_ordered_and_received(  # noqa: E501
    floor,
):
    ids = chair_factory(floor)
    bolt, nut, seat = ids["bolt"], ids["nut"], ids["seat"]
    floor.say("bob", "/wo CHAIR 50")
    button = floor.button("Request purchase for all shortages")
    bought = floor.press_id("erin", button.action_id)
    keys = bought.keys()
    assert keys[0] == "wo.purchased" and "PR-00001, PR-00002" in bought.plain()
    assert keys.count("pr.created_lines") == 1 and keys.count("pr.created") == 1
    assert keys.count("pr.line") == 2 and "pr.without_supplier" not in keys
    assert requests_made(floor) == {
        # 2,400 + 3,200: each line under the 5,000 threshold, the total over it → two levels
        "PR-00001": (ids["sup:ACME"], D(5600), 2, [(bolt, D(300), D(2400), 1),
                                                   (nut, D(400), D(3200), 1)]),
        "PR-00002": (ids["sup:BETA"], D(1200), 1, [(seat, D(40), D(1200), 1)]),
    }  # fmt: skip

    # pressed twice, or pressed again later: nothing more is raised
    before = row_counts(floor.db)
    assert floor.press_id("erin", button.action_id).keys() == ["wo.stale"]
    assert floor.press("erin", "Request purchase").keys() == ["wo.nothing_to_buy"]
    assert row_counts(floor.db) == before

    # the approver's card lists the lines and the total
    cards = floor.inbox("dave")
    acme = next(c for c in cards if "PR-00001" in c.plain())
    assert acme.keys() == ["pr.card_lines", "pr.line", "pr.line"]
    assert "total 5,600.00" in acme.plain() and "level 1 of 2" in acme.plain()
    assert "BOLT: 300 pcs, 2,400.00" in acme.plain() and "NUT: 400 pcs, 3,200.00" in acme.plain()
    assert on_order(floor, bolt, nut, seat) == [0, 0, 0]

    # the total decides: dave's 5,000 gives level 1, frank (a larger limit) level 2
    assert floor.say("dave", "/approve PR-1").keys()[0] == "pr.level_done"
    assert on_order(floor, bolt, nut, seat) == [0, 0, 0]
    final = floor.say("frank", "/approve PR-1")
    assert final.keys()[:3] == ["pr.ordered_lines", "pr.line", "pr.line"]
    assert "PO-00001" in final.plain() and "expected 2025-06-14" in final.plain()
    assert on_order(floor, bolt, nut, seat) == [300, 400, 0]
    assert floor.say("dave", "/approve PR-2").keys()[0] == "pr.ordered"  # one line: as before
    assert on_order(floor, bolt, nut, seat) == [300, 400, 40]
    assert orders_made(floor) == {
        "PO-00001": (ids["sup:ACME"], date(2025, 6, 14), "open", [(bolt, D(300), D(8)),
                                                                 (nut, D(400), D(8))]),
        "PO-00002": (ids["sup:BETA"], date(2025, 6, 5), "open", [(seat, D(40), D(30))]),
    }  # fmt: skip

    # received line by line: the PO closes with its last line
    floor.say("carol", "/receive BOLT 300 po PO-1")
    assert on_order(floor, bolt, nut, seat) == [0, 400, 40]
    assert orders_made(floor)["PO-00001"][2] == "open"
    last = floor.say("carol", "/receive NUT 400 po 1")
    assert "PO-00001 is complete" in last.plain()
    floor.say("carol", "/receive SEAT 40 po PO-00002")
    assert on_order(floor, bolt, nut, seat) == [0, 0, 0]
    assert [po[2] for po in orders_made(floor).values()] == ["closed", "closed"]
    assert [floor.on_hand(i) for i in (bolt, nut, seat)] == [400, 400, 50]
    assert any("PO-00001 is complete" in r.plain() for r in floor.inbox("erin"))
    with floor.db.read() as s:
        assert check_balances(s) == []
    assert "wo.released" in floor.press("carol", "Release").keys()


def test_the_approval_card_is_rendered_for_its_reader(floor):
    chair_factory(floor)
    with floor.db.write() as s:
        s.execute(update(User).where(User.display_name == "Frank").values(language="zh-Hans"))
    floor.say("bob", "/wo CHAIR 50")
    floor.press("erin", "Request purchase for all shortages")
    floor.say("dave", "/approve PR-1")
    card = next(c for c in floor.inbox("frank") if "PR-00001" in c.plain())
    assert card.keys() == ["pr.card_lines", "pr.line", "pr.line"]
    assert "合计 5,600.00" in card.plain() and "BOLT：300个，2,400.00" in card.plain()


def test_suggest_raises_one_request_per_supplier_and_one_without_a_supplier_once(floor):
    sup = suppliers(floor)
    rope = floor.item("ROPE", stock=5, reorder_point=D(10), reorder_qty=D(50), unit_cost=D(2),
                      default_supplier_id=sup["ACME"])  # fmt: skip
    tape = floor.item("TAPE", reorder_point=D(10), reorder_qty=D(20), unit_cost=D(1),
                      default_supplier_id=sup["ACME"])  # fmt: skip
    foam = floor.item("FOAM", reorder_point=D(4), reorder_qty=D(8), unit_cost=D(5),
                      default_supplier_id=sup["BETA"])  # fmt: skip
    wire = floor.item("WIRE", reorder_point=D(3), reorder_qty=D(6), unit_cost=D(10))
    floor.say("erin", "/suggest")
    button = floor.button("Raise all")
    raised = floor.press_id("erin", button.action_id)
    assert raised.keys()[0] == "suggest.raised"
    assert "PR-00001, PR-00002, PR-00003" in raised.plain()
    assert raised.keys().count("pr.without_supplier") == 1
    assert "PR-00003: no default supplier" in raised.plain()
    assert requests_made(floor) == {
        "PR-00001": (sup["ACME"], D(120), 1, [(rope, D(50), D(100), None),
                                              (tape, D(20), D(20), None)]),
        "PR-00002": (sup["BETA"], D(40), 1, [(foam, D(8), D(40), None)]),
        "PR-00003": (None, D(60), 1, [(wire, D(6), D(60), None)]),
    }  # fmt: skip
    before = row_counts(floor.db)
    assert floor.press_id("erin", button.action_id).keys() == ["suggest.already"]
    assert row_counts(floor.db) == before

    floor.say("dave", "/approve PR-1")
    assert orders_made(floor)["PO-00001"][3] == [(rope, D(50), D(2)), (tape, D(20), D(1))]
    assert on_order(floor, rope, tape, foam) == [50, 20, 0]
    assert floor.say("erin", "/suggest").plain().count("ROPE") == 0  # on order now


def test_a_request_of_several_lines_reads_as_its_lines_everywhere(floor):
    chair_factory(floor)
    floor.say("bob", "/wo CHAIR 50")
    floor.press("erin", "Request purchase for all shortages")

    waiting = floor.say("dave", "/pending").plain()
    assert "PR-00001 · BOLT 300 pcs, NUT 400 pcs" in waiting
    assert "PR-00001" in floor.say("erin", "/pending").plain()  # theirs
    history = floor.say("erin", "/history PR-1").plain()
    assert "BOLT 300 pcs, NUT 400 pcs" in history
    with floor.db.read() as s:
        approvals, _, _ = waiting_documents(s)
    assert [(w.doc, w.item.code, w.qty, w.more) for w in approvals] == [
        ("PR-00001", "BOLT", 300, 1),
        ("PR-00002", "SEAT", 40, 0),
    ]
    page = documents(floor.db, "pr", None, None, 10).model_dump(mode="json")["data"]
    assert page[0]["item"] is None and page[0]["amount"] == "5600"
    assert page[0]["lines"] == [
        {"item": "BOLT", "qty": "300", "amount": "2400"},
        {"item": "NUT", "qty": "400", "amount": "3200"},
    ]
    assert (page[1]["item"], page[1]["qty"]) == ("SEAT", "40")  # one line: as before

    sent = send_reminders(floor.db, floor.runtime.settings, now=NOW + timedelta(hours=25))
    assert sent > 0
    reminded = [r.plain() for r in floor.inbox("dave") if "Reminder" in r.plain()]
    assert any("PR-00001" in r and "BOLT 300 pcs, NUT 400 pcs" in r for r in reminded)
    assert any("PR-00002" in r and "40 pcs SEAT" in r for r in reminded)


def test_a_single_item_purchase_is_one_request_of_one_line(floor):
    sup = suppliers(floor)
    bolt = floor.item("BOLT", unit_cost=D("0.5"), default_supplier_id=sup["ACME"])
    reply = floor.say("bob", "/purchase BOLT 1000")
    assert reply.keys()[0] == "pr.created" and "PR-00001: 1000 pcs BOLT" in reply.plain()
    assert requests_made(floor) == {
        "PR-00001": (sup["ACME"], D(500), 1, [(bolt, D(1000), D(500), None)])
    }
