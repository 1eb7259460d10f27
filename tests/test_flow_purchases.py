"""Purchase requests and approvals (采购审批), as conversations on the floor."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from sqlalchemy import select

from stockbot.replies import Reply
from stockbot.store.models import (
    Decision,
    PurchaseOrder,
    PurchaseOrderLine,
    PurchaseRequest,
    ShortageIncident,
)
from stockbot.store.quantities import quantities
from stockbot.timeutil import set_clock

from transcript import Floor, row_counts, suppliers

NOW = datetime(2025, 6, 2, 2, 0, tzinfo=UTC)  # 10:00 on the floor (Asia/Shanghai)


@pytest.fixture
def floor(db) -> Floor:
    set_clock(lambda: NOW)
    return Floor(db).people()


def said(reply: Reply, key: str) -> bool:
    """The reply carries the catalogue message `key` (whatever language it is in)."""
    return key in set(reply.keys())


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
    assert first.keys() == ["pr.level_done", "route.people"]
    assert pos(floor) == [] and on_order(floor, pump) == 0
    assert said(floor.inbox("bob")[0], "pr.level_done")
    # dave's limit did not cover 6,000: level 2 needs one that does, and not dave again
    assert floor.inbox("dave") == []
    card = floor.inbox("frank")
    assert "level 2 of 2" in card[-1].plain()
    assert card[-1].keys() == ["pr.card"] and floor.inbox("alice")[-1].keys() == ["pr.card"]

    final = floor.press("frank", "Approve")
    assert final.keys()[0] == "pr.ordered" and "PO-00001" in final.plain()
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
    assert floor.say("frank", "/approve PR-1").keys()[0] == "pr.level_done"
    before = row_counts(floor.db)
    assert floor.say("frank", "/approve PR-00001").keys() == ["wf.twice"]
    assert floor.press("frank", "Approve").keys() == ["wf.twice"]  # the level-2 card
    assert row_counts(floor.db) == before and pos(floor) == []
    # frank's 100,000 covered the 6,000: any other approver gives the second signature
    assert floor.say("dave", "/approve PR-1").keys()[0] == "pr.ordered"
    assert on_order(floor, pump) == 5


def test_the_second_level_needs_a_limit_covering_the_amount_when_the_first_did_not(floor):
    floor.item("PRESS", unit_cost=Decimal(2000))
    floor.say("bob", "/purchase press 100")  # 200,000: over frank's 100,000
    assert floor.say("dave", "/approve PR-1").keys()[0] == "pr.level_done"
    before = row_counts(floor.db)
    over = floor.say("frank", "/approve PR-1")
    assert over.keys() == ["wf.over_limit"] and "200,000.00" in over.plain()
    assert row_counts(floor.db) == before
    assert floor.say("alice", "/approve PR-1").keys()[0] == "pr.ordered"


def test_bug4_an_admin_gives_level_one_and_a_small_approver_the_second_signature(floor):
    floor.item("PRESS", unit_cost=Decimal(1500))
    floor.say("bob", "/purchase press 100")  # 150,000: over frank's limit, over the threshold
    first = floor.press("alice", "Approve")
    assert first.keys() == ["pr.level_done", "route.people"]
    assert "Dave" in first.plain() and "Frank" in first.plain()  # who may sign now
    assert "level 2 of 2" in floor.inbox("dave")[-1].plain()
    assert not any("level 2" in r.plain() for r in floor.inbox("alice"))
    final = floor.press("dave", "Approve")
    assert final.keys()[0] == "pr.ordered" and "PO-00001" in final.plain()
    assert len(pos(floor)) == 1


def test_bug4_when_nobody_can_give_level_two_everyone_concerned_hears_it_at_once(floor):
    floor.item("PRESS", unit_cost=Decimal(2000))
    floor.say("alice", "/purchase press 100")  # 200,000, by the only admin
    for who in ("alice", "dave", "frank"):
        floor.inbox(who)  # the level-1 cards
    reply = floor.say("frank", "/approve PR-1")  # frank's 100,000 does not cover it
    assert reply.keys() == ["pr.level_done", "route.nobody_role"]
    assert "200,000.00" in reply.plain()
    told = floor.inbox("alice")  # the requester, and the admins: nobody is left out
    assert any(said(r, "route.nobody_role") for r in told)
    assert floor.inbox("dave") == [] and floor.inbox("frank") == []
    pending = floor.say("alice", "/pending")  # the admin: nobody can act on PR-00001
    assert said(pending, "pending.stuck") and said(pending, "pending.mine")
    stuck = next(b for b in pending.blocks if getattr(b, "key", None) == "pending.stuck")
    assert "PR-00001" in stuck.plain() and "/role @name approver 200000" in stuck.plain()
    for approver in ("dave", "frank"):
        assert "PR-00001" not in floor.say(approver, "/pending").plain()


def test_a_purchase_nobody_may_approve_says_so_when_it_is_raised(db):
    lonely = Floor(db)
    with db.write() as s:
        from stockbot.store.catalog import ensure_user

        ensure_user(s, "console", "bob", "Bob")
    lonely.item("BOLT-M8", unit_cost=Decimal("0.5"))
    reply = lonely.say("bob", "/purchase BOLT-M8 100")
    assert reply.keys() == ["pr.created", "route.nobody_role"]


def test_nobody_approves_their_own_purchase_request(floor):
    floor.item("BOLT-M8", unit_cost=Decimal("0.5"))
    floor.say("dave", "/purchase BOLT-M8 100")
    assert floor.inbox("dave") == []  # no card to the requester
    before = row_counts(floor.db)
    assert floor.say("dave", "/approve PR-1").keys() == ["wf.not_requester"]
    assert floor.press("dave", "Reject").keys() == ["wf.not_requester"]
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
    assert again.keys() == ["wf.already"]
    assert "PR-00001 was already approved and ordered by Dave at 10:00" in again.plain()
    late = floor.press("frank", "Approve", nth_newest=1)
    assert late.keys() == ["wf.already"] and "Dave" in late.plain()
    assert row_counts(floor.db) == before
    assert len(pos(floor)) == 1 and on_order(floor, bolt) == 100


def test_a_level_one_button_pressed_twice_approves_level_one_once(floor):
    floor.item("PUMP", unit_cost=Decimal(1200))
    floor.say("bob", "/purchase pump 5")
    button = floor.button("Approve")
    floor.press_id("dave", button.action_id)
    before = row_counts(floor.db)
    assert floor.press_id("dave", button.action_id).keys() == ["wf.twice"]
    again = floor.press_id("frank", button.action_id)
    assert again.keys() == ["pr.level_already"]
    assert "Level 1 of PR-00001 was already approved by Dave at 10:00" in again.plain()
    assert row_counts(floor.db) == before
    with floor.db.read() as s:
        assert s.get(PurchaseRequest, 1).levels_done == 1


def test_a_rejection_asks_for_the_reason_and_tells_the_requester(floor):
    floor.item("BOLT-M8", unit_cost=Decimal("0.5"))
    floor.say("bob", "/purchase BOLT-M8 100")
    ask = floor.press("dave", "Reject")
    assert ask.keys() == ["wf.ask_reason"] and ask.asks
    done = floor.say("dave", "we have 500 in WH2, transfer them")
    assert done.keys() == ["pr.rejected"] and "500 in WH2" in done.plain()
    assert floor.inbox("bob")[0].keys() == ["pr.rejected"]
    stale = floor.press("frank", "Approve")
    assert stale.keys() == ["wf.already"] and "Dave" in stale.plain()
    assert pos(floor) == []
    with floor.db.read() as s:
        d = s.scalars(select(Decision).where(Decision.action == "reject")).one()
        assert d.reason == "we have 500 in WH2, transfer them"
        assert s.get(PurchaseRequest, 1).state == "rejected"


def test_a_reason_given_after_someone_else_approved_closes_the_question(floor):
    floor.item("BOLT-M8", unit_cost=Decimal("0.5"))
    floor.say("bob", "/purchase BOLT-M8 100")
    floor.press("dave", "Reject")
    floor.press("frank", "Approve")
    late = floor.say("dave", "too expensive")
    assert late.keys() == ["wf.already"] and "Frank" in late.plain()
    assert not said(floor.say("dave", "thanks"), "wf.already")


def test_a_typed_rejection_needs_a_reason(floor):
    floor.item("BOLT-M8", unit_cost=Decimal("0.5"))
    floor.say("bob", "/purchase BOLT-M8 100")
    before = row_counts(floor.db)
    refused = floor.say("frank", "/reject PR-1")  # the usage line: a reason is required
    assert refused.ephemeral and not said(refused, "pr.rejected")
    assert row_counts(floor.db) == before
    assert floor.say("frank", "/reject PR-1 wrong grade").keys() == ["pr.rejected"]


def test_the_requester_or_an_admin_may_cancel_a_pending_request(floor):
    floor.item("BOLT-M8", unit_cost=Decimal("0.5"))
    floor.say("bob", "/purchase BOLT-M8 100")
    floor.say("bob", "/purchase BOLT-M8 200")
    before = row_counts(floor.db)
    assert "Only an admin" in floor.say("bea", "/cancel PR-1").plain()
    assert row_counts(floor.db) == before
    assert floor.say("bob", "/cancel PR-1").keys() == ["pr.cancelled"]
    assert floor.say("dave", "/approve PR-1").keys() == ["wf.already"]
    again = floor.say("bob", "/cancel PR-1")
    assert again.keys() == ["wf.already"] and "cancelled by Bob" in again.plain()
    assert floor.say("alice", "/cancel PR-2").keys() == ["pr.cancelled"]
    assert [r.keys() for r in floor.inbox("bob")] == [["pr.cancelled"]]
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
    assert reply.keys()[0] == "pr.created"
    assert "PR-00001: 200 pcs BOLT-M8 from BETA Beta Metals" in reply.plain()
    assert floor.inbox("dave")[0].keys() == ["pr.card"]
    with floor.db.read() as s:
        incident = s.scalars(select(ShortageIncident)).one()
        assert (incident.state, incident.purchase_request_id) == ("open", 1)
    before = row_counts(floor.db)
    again = floor.press("bea", "Request purchase")
    assert again.keys() == ["pr.from_shortage_done"] and "Bob" in again.plain()
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
