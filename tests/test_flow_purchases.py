"""Purchase requests and approvals (采购审批), as conversations on the floor."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from sqlalchemy import select

from stockbot.store.catalog import upsert_supplier
from stockbot.store.models import (
    Decision,
    PurchaseOrder,
    PurchaseOrderLine,
    PurchaseRequest,
)
from stockbot.store.quantities import quantities
from stockbot.timeutil import set_clock

from transcript import Floor, row_counts

NOW = datetime(2025, 6, 2, 2, 0, tzinfo=UTC)  # 10:00 on the floor (Asia/Shanghai)


@pytest.fixture
def floor(db) -> Floor:
    set_clock(lambda: NOW)
    return Floor(db).people()


def suppliers(floor: Floor) -> dict[str, int]:
    with floor.db.write() as s:
        return {
            code: upsert_supplier(s, code, name=name).id
            for code, name in [("ACME", "Acme Hardware"), ("BETA", "Beta Metals")]
        }


def on_order(floor: Floor, item_id: int) -> Decimal:
    with floor.db.read() as s:
        return quantities(s, [item_id])[item_id].on_order


def pos(floor: Floor) -> list[PurchaseOrder]:
    with floor.db.read() as s:
        return list(s.scalars(select(PurchaseOrder).order_by(PurchaseOrder.id)))


def test_a_small_purchase_takes_one_approval_and_becomes_an_order_on_order(floor):
    sup = suppliers(floor)
    bolt = floor.item(
        "BOLT-M8", unit_cost=Decimal("0.5"), lead_time_days=10, default_supplier_id=sup["ACME"]
    )
    reply = floor.say("bob", "/purchase BOLT-M8 1000")
    text = reply.plain()
    assert "PR-00001" in text and "1000 pcs" in text and "ACME" in text
    assert "amount 500.00" in text and "waiting for approval" in text
    assert [b.label for b in reply.buttons()] == ["Approve", "Reject"]
    for approver in ("dave", "frank", "alice"):
        card = floor.inbox(approver)
        assert len(card) == 1 and "Bob asks to buy 1000 pcs BOLT-M8" in card[0].plain()
    assert floor.inbox("bob") == [] and on_order(floor, bolt) == 0

    done = floor.press("dave", "Approve")
    assert "PR-00001 approved by Dave at 10:00 → PO-00001" in done.plain()
    assert "from ACME Acme Hardware, expected 2025-06-12" in done.plain()
    assert on_order(floor, bolt) == 1000
    assert "PO-00001" in floor.inbox("bob")[0].plain()
    assert "PO-00001" in floor.inbox("erin")[0].plain()  # the purchaser places the order
    [po] = pos(floor)
    assert (po.number, po.supplier_id, po.expected_on, po.state) == (
        "PO-00001",
        sup["ACME"],
        date(2025, 6, 12),
        "open",
    )
    with floor.db.read() as s:
        pr = s.get(PurchaseRequest, 1)
        assert (pr.number, pr.state, pr.levels_required, pr.levels_done) == (
            "PR-00001",
            "ordered",
            1,
            1,
        )
        assert po.request_id == pr.id
        line = s.scalars(select(PurchaseOrderLine)).one()
        assert (line.item_id, line.qty_ordered, line.unit_price) == (bolt, 1000, Decimal("0.5"))
        actions = s.scalars(select(Decision.action).order_by(Decision.id)).all()
    assert actions == ["request", "approve"]


def test_over_5000_dave_approves_level_one_and_frank_the_final_level(floor):
    suppliers(floor)
    pump = floor.item("PUMP", unit_cost=Decimal(1200), lead_time_days=3)
    reply = floor.say("bob", "/purchase pump 5 beta")
    assert "amount 6,000.00" in reply.plain() and "two approvals needed" in reply.plain()
    assert "level 1 of 2" in floor.inbox("dave")[0].plain()  # 5,000 covers level 1

    first = floor.press("dave", "Approve")
    assert "level 1 approved by Dave" in first.plain()
    assert pos(floor) == [] and on_order(floor, pump) == 0
    assert "level 1 approved by Dave" in floor.inbox("bob")[0].plain()
    assert floor.inbox("dave") == []  # level 2 needs a limit of 6,000: not dave's card
    card = floor.inbox("frank")
    assert "level 2 of 2" in card[-1].plain()

    final = floor.press("frank", "Approve")
    assert "approved by Frank" in final.plain() and "PO-00001" in final.plain()
    assert "BETA" in final.plain() and "expected 2025-06-05" in final.plain()
    assert on_order(floor, pump) == 5
    with floor.db.read() as s:
        levels = s.execute(
            select(Decision.level, Decision.actor_id)
            .where(Decision.action == "approve")
            .order_by(Decision.id)
        ).all()
        assert [lv for lv, _ in levels] == [1, 2] and levels[0][1] != levels[1][1]


def test_the_same_approver_cannot_approve_both_levels(floor):
    pump = floor.item("PUMP", unit_cost=Decimal(1200))
    floor.say("bob", "/purchase pump 5")
    assert "level 1 approved by Frank" in floor.say("frank", "/approve PR-1").plain()
    before = row_counts(floor.db)
    again = floor.say("frank", "/approve PR-00001")
    assert "You already approved level 1 of PR-00001" in again.plain()
    assert "different approver" in again.plain()
    over = floor.say("dave", "/approve PR-1")
    assert "limit is at least 6,000.00; yours is 5,000.00" in over.plain()
    assert row_counts(floor.db) == before and pos(floor) == []
    assert "PO-00001" in floor.say("alice", "/approve PR-1").plain()
    assert on_order(floor, pump) == 5


def test_nobody_approves_their_own_purchase_request(floor):
    floor.item("BOLT-M8", unit_cost=Decimal("0.5"))
    floor.say("dave", "/purchase BOLT-M8 100")
    assert floor.inbox("dave") == []  # no card to the requester
    before = row_counts(floor.db)
    reply = floor.say("dave", "/approve PR-1")
    assert "cannot approve your own purchase request" in reply.plain()
    assert "cannot reject your own" in floor.press("dave", "Reject").plain()
    assert row_counts(floor.db) == before


def test_an_unauthorised_approval_is_refused_and_writes_nothing(floor):
    bolt = floor.item("BOLT-M8", unit_cost=Decimal("0.5"))
    floor.say("bea", "/purchase BOLT-M8 100")
    before = row_counts(floor.db)
    assert "Only an approver" in floor.press("bob", "Approve").plain()
    assert "Only an approver" in floor.say("bob", "/approve PR-1").plain()
    assert "Only an approver" in floor.say("erin", "/approve PR-1").plain()
    assert "Only an approver" in floor.press("bob", "Reject").plain()
    assert row_counts(floor.db) == before and on_order(floor, bolt) == 0


def test_pressing_approve_twice_orders_once_and_says_who_did_it(floor):
    bolt = floor.item("BOLT-M8", unit_cost=Decimal("0.5"))
    floor.say("bob", "/purchase BOLT-M8 100")
    button = floor.button("Approve")
    floor.press_id("dave", button.action_id)
    before = row_counts(floor.db)
    again = floor.press_id("dave", button.action_id)
    assert "PR-00001 was already approved by Dave at 10:00 (PO-00001)" in again.plain()
    late = floor.press("frank", "Approve", nth_newest=1)
    assert "already approved by Dave" in late.plain()
    assert row_counts(floor.db) == before
    assert len(pos(floor)) == 1 and on_order(floor, bolt) == 100


def test_a_level_one_button_pressed_twice_approves_level_one_once(floor):
    floor.item("PUMP", unit_cost=Decimal(1200))
    floor.say("bob", "/purchase pump 5")
    button = floor.button("Approve")
    floor.press_id("dave", button.action_id)
    before = row_counts(floor.db)
    again = floor.press_id("frank", button.action_id)
    assert "Level 1 of PR-00001 was already approved by Dave at 10:00" in again.plain()
    assert row_counts(floor.db) == before
    with floor.db.read() as s:
        assert s.get(PurchaseRequest, 1).levels_done == 1


def test_a_rejection_asks_for_the_reason_and_tells_the_requester(floor):
    floor.item("BOLT-M8", unit_cost=Decimal("0.5"))
    floor.say("bob", "/purchase BOLT-M8 100")
    ask = floor.press("dave", "Reject")
    assert "Why is PR-00001 rejected" in ask.plain()
    done = floor.say("dave", "we have 500 in WH2, transfer them")
    assert "PR-00001 rejected by Dave" in done.plain() and "500 in WH2" in done.plain()
    assert "rejected by Dave" in floor.inbox("bob")[0].plain()
    assert "already rejected by Dave" in floor.press("frank", "Approve").plain()
    assert pos(floor) == []
    with floor.db.read() as s:
        d = s.scalars(select(Decision).where(Decision.action == "reject")).one()
        assert d.reason == "we have 500 in WH2, transfer them"
        assert s.get(PurchaseRequest, 1).state == "rejected"


def test_a_typed_rejection_needs_a_reason(floor):
    floor.item("BOLT-M8", unit_cost=Decimal("0.5"))
    floor.say("bob", "/purchase BOLT-M8 100")
    before = row_counts(floor.db)
    assert "reason" in floor.say("frank", "/reject PR-1").plain().lower()
    assert row_counts(floor.db) == before
    assert "rejected by Frank" in floor.say("frank", "/reject PR-1 wrong grade").plain()


def test_the_requester_may_cancel_a_pending_request(floor):
    floor.item("BOLT-M8", unit_cost=Decimal("0.5"))
    floor.say("bob", "/purchase BOLT-M8 100")
    before = row_counts(floor.db)
    assert "Only the requester (Bob)" in floor.say("bea", "/cancel PR-1").plain()
    assert row_counts(floor.db) == before
    assert "PR-00001 cancelled by Bob" in floor.say("bob", "/cancel PR-1").plain()
    assert "already cancelled by Bob" in floor.press("dave", "Approve").plain()
    assert "already cancelled by Bob" in floor.say("bob", "/cancel PR-1").plain()
    assert pos(floor) == []


def test_the_shortage_button_raises_the_purchase_request_once(floor):
    sup = suppliers(floor)
    bolt = floor.item(
        "BOLT-M8",
        stock=5,
        reorder_qty=Decimal(200),
        unit_cost=Decimal("0.5"),
        default_supplier_id=sup["BETA"],
    )
    floor.say("bob", "/request BOLT-M8 20")
    reply = floor.press("bob", "Request purchase")
    assert "PR-00001: 200 pcs BOLT-M8 from BETA Beta Metals" in reply.plain()
    assert "Bob asks to buy 200 pcs" in floor.inbox("dave")[0].plain()
    before = row_counts(floor.db)
    again = floor.press("bea", "Request purchase")
    assert "already became PR-00001, requested by Bob" in again.plain()
    assert row_counts(floor.db) == before
    floor.press("dave", "Approve")
    assert on_order(floor, bolt) == 200


def test_suppliers_match_by_code_or_name_and_an_unknown_one_lists_the_codes(floor):
    sup = suppliers(floor)
    floor.item("BOLT-M8", unit_cost=Decimal("0.5"))
    floor.say("bob", "/purchase BOLT-M8 10 acme hardware")
    floor.say("bob", "/purchase BOLT-M8 10 from Metals")
    with floor.db.read() as s:
        got = s.scalars(select(PurchaseRequest.supplier_id).order_by(PurchaseRequest.id)).all()
    assert got == [sup["ACME"], sup["BETA"]]
    before = row_counts(floor.db)
    reply = floor.say("bob", "/purchase BOLT-M8 10 Gamma Corp")
    assert "No supplier matches “Gamma Corp”. Known suppliers: ACME, BETA." in reply.plain()
    assert row_counts(floor.db) == before


def test_a_chinese_purchase_is_answered_in_chinese(floor):
    floor.item("BOLT-M8", unit_cost=Decimal("0.5"), aliases=["六角螺栓M8"])
    reply = floor.say("bob", "采购 六角螺栓M8 100")
    assert "PR-00001" in reply.plain() and "等待审批" in reply.plain()


@pytest.mark.parametrize(
    "text",
    [
        "/purchase BOLT-M8 0",
        "/purchase BOLT-M8 -5",
        "/purchase BOLT-M8 abc",
        "/purchase BOLT-M8 1e309",
        "/purchase BOLT-M8 NaN",
        "/purchase nothing-like-this 5",
        "/purchase BOLT-M8 5 " + "x" * 10_000,
        "/purchase '); DROP TABLE items;-- 5",
        "/purchase BOLT-M8 2 桶",
        "/purchase BOLT-M8 5 nosuch",
        "/purchase BOLT-M8 999999999999",
        "/approve PR-99",
        "/reject PR-1 no",
        "/cancel PR-99",
        "/approve PR-1",
    ],
)
def test_bad_input_gets_a_clear_message_and_writes_nothing(floor, text):
    floor.item("BOLT-M8", unit_cost=Decimal(50))
    suppliers(floor)
    before = row_counts(floor.db)
    reply = floor.say("newcomer", text)
    assert reply.plain()
    assert "went wrong" not in reply.plain()
    assert row_counts(floor.db) == before


def test_approvers_racing_on_one_request_order_it_once(floor):
    import threading

    from stockbot.commands.inbound import Inbound

    bolt = floor.item("BOLT-M8", unit_cost=Decimal("0.5"))
    floor.say("bob", "/purchase BOLT-M8 100")
    action = floor.button("Approve").action_id
    errors: list[BaseException] = []

    def race(n: int) -> None:
        try:
            who = ("dave", "frank", "alice")[n % 3]
            floor.runtime.handle(
                Inbound(platform="console", user_id=who, chat_id="group",
                        message_id=f"r{n}", event_id=f"r{n}", action_id=action)
            )  # fmt: skip
        except BaseException as exc:  # pragma: no cover
            errors.append(exc)

    threads = [threading.Thread(target=race, args=(n,)) for n in range(12)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    assert not errors
    with floor.db.read() as s:
        approvals = s.scalars(select(Decision).where(Decision.action == "approve")).all()
    assert len(approvals) == 1 and len(pos(floor)) == 1 and on_order(floor, bolt) == 100
