"""Shortage warnings (缺料预警): once per crossing, quiet while open, closed by replenishment,
snoozed for a day, acknowledged, a digest when many come at once — as a factory chat sees them,
with the outbox rows asserted."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select

from stockbot.flows import alert_scan, alerts
from stockbot.flows.notices import render, render_for
from stockbot.replies import Fields, Reply, Table
from stockbot.store.catalog import default_location, ensure_batch, ensure_warehouse
from stockbot.store.models import (
    ActionToken,
    Alert,
    MovementKind,
    OutboxMessage,
    PurchaseOrder,
    PurchaseOrderLine,
)
from stockbot.timeutil import set_clock, utcnow

from factory import post
from transcript import Floor, row_counts, settings

T0 = datetime(2026, 3, 2, 2, 0, tzinfo=UTC)  # 10:00 in Shanghai, a Monday


class Clock:
    def __init__(self, at: datetime) -> None:
        self.at = at
        set_clock(lambda: self.at)

    def move(self, **delta: float) -> None:
        self.at += timedelta(**delta)


@pytest.fixture
def clock() -> Clock:
    return Clock(T0)


def group_messages(db) -> list[Reply]:  # type: ignore[no-untyped-def]
    """Every warning to the group chat, delivered or not, oldest first (the group is bound to
    the warehouse, so it also receives the warehouse's issue cards: those are left out)."""
    with db.read() as s:
        rows = s.scalars(
            select(OutboxMessage).where(OutboxMessage.target == "group").order_by(OutboxMessage.id)
        ).all()
        replies = [render_for(s, settings(), r.platform, r.target, r.payload) for r in rows]
        return [r for r in replies if not any(k.startswith("mr.") for k in r.keys()[:])]


def fields(reply: Reply) -> dict[str, str]:
    return dict(reply.blocks_of(Fields)[0].rows)


def active_alerts(db) -> list[tuple[str, str, str]]:  # type: ignore[no-untyped-def]
    with db.read() as s:
        return [
            (a.reason, a.state, a.ref)
            for a in s.scalars(select(Alert).where(Alert.closed_at.is_(None)).order_by(Alert.id))
        ]


@pytest.fixture
def floor(db, clock) -> Floor:  # type: ignore[no-untyped-def]
    f = Floor(db).people()
    f.bolt = f.item(  # type: ignore[attr-defined]
        "BOLT-M8",
        stock=100,
        name="M8 bolt",
        safety_stock=Decimal(20),
        reorder_point=Decimal(50),
        reorder_qty=Decimal(30),
        order_multiple=Decimal(25),
    )
    f.say("alice", "/bind MAIN")
    return f


def issue(floor: Floor, qty: int) -> Reply:
    floor.say("bob", f"/request BOLT-M8 {qty}")
    return floor.press("carol", "Issue")


def test_an_issue_taking_projected_stock_below_the_reorder_point_warns_the_chat_once(floor, db):
    assert group_messages(db) == []
    issue(floor, 60)  # 100 → 40: projected 40 ≤ reorder point 50
    warnings = group_messages(db)
    assert len(warnings) == 1
    card = warnings[0]
    assert "BOLT-M8 M8 bolt" in card and "below reorder point" in card
    got = fields(card)
    assert got["Available"] == "40 pcs"
    assert got["On order"] == "0 pcs"
    assert got["Projected"] == "40 pcs"
    assert got["Safety stock / reorder point"] == "20 / 50 pcs"
    assert got["Days of cover"] == "20.0 days"  # 60 used in the last 30 days: 2 a day
    assert got["Requests waiting for it"] == "none"
    # max(reorder qty 30, reorder point 50 − projected 40) = 30, rounded up to a multiple of 25
    assert got["Suggested order"] == "50 pcs"
    labels = [b.label for b in card.buttons()]
    assert labels == ["Request purchase (50 pcs)", "Snooze 1 day", "Acknowledge"]
    with db.read() as s:
        token = s.get(ActionToken, card.buttons()[0].action_id.removeprefix("a:"))
        assert (token.doc_type, token.action, token.doc_id) == ("item", "purchase", floor.bolt)
        assert Decimal(token.payload["qty"]) == 50
    assert active_alerts(db) == [("below_reorder", "open", "")]


def test_a_second_crossing_while_the_alert_is_open_says_nothing(floor, db):
    issue(floor, 60)
    issue(floor, 5)  # 35: still below the reorder point, still above safety stock
    issue(floor, 10)  # 25
    assert len(group_messages(db)) == 1
    assert active_alerts(db) == [("below_reorder", "open", "")]
    assert "BOLT-M8" in floor.say("bob", "/shortages")


def test_falling_further_below_safety_stock_is_a_new_reason_and_a_new_warning(floor, db):
    issue(floor, 60)
    issue(floor, 25)  # 15 < safety stock 20
    warnings = group_messages(db)
    assert len(warnings) == 2
    assert "below safety stock" in warnings[1]
    assert "below reorder point" not in warnings[1].blocks[0].plain()
    assert active_alerts(db) == [("below_reorder", "open", ""), ("below_safety", "open", "")]


def test_replenishment_closes_the_alert_with_a_short_note(floor, db):
    issue(floor, 60)
    assert floor.say("carol", "/receive BOLT-M8 100") is not None  # 140 on hand
    messages = group_messages(db)
    assert len(messages) == 2
    assert (
        messages[1].plain()
        == "✅ BOLT-M8 M8 bolt is back above its reorder point (projected 140 pcs)."
    )
    assert active_alerts(db) == []
    assert "No open stock warnings" in floor.say("bob", "/shortages")
    issue(floor, 100)  # 40 again: a new crossing, a new warning
    assert len(group_messages(db)) == 3


def test_a_receipt_that_leaves_it_below_the_reorder_point_keeps_it_open(floor, db):
    issue(floor, 60)
    floor.say("carol", "/receive BOLT-M8 5")  # 45: still ≤ 50
    assert len(group_messages(db)) == 1
    assert active_alerts(db) == [("below_reorder", "open", "")]


def test_snooze_hides_the_warning_for_a_day(floor, db, clock):
    issue(floor, 60)
    reply = floor.press("carol", "Snooze 1 day")
    assert reply.plain() == "😴 BOLT-M8 M8 bolt: snoozed by Carol until 03-03 10:00."
    again = floor.press("erin", "Snooze 1 day")
    assert again.keys() == ["wf.already", "alert.note.snoozed"]
    assert "already snoozed by Carol at 10:00" in again and "until 03-03 10:00" in again
    clock.move(hours=23)
    issue(floor, 5)
    alerts.scan(floor.db, settings())
    assert len(group_messages(db)) == 1  # snoozed: quiet
    assert active_alerts(db) == [("below_reorder", "snoozed", "")]
    clock.move(hours=2)  # the day is over and it is still short
    issue(floor, 5)
    messages = group_messages(db)
    assert len(messages) == 2 and "below reorder point" in messages[1]
    assert fields(messages[1])["Available"] == "30 pcs"
    assert active_alerts(db) == [("below_reorder", "open", "")]


def test_the_scan_also_wakes_a_snooze_that_ran_out(floor, db, clock):
    issue(floor, 60)
    floor.press("carol", "Snooze 1 day")
    clock.move(hours=25)
    outcome = alerts.scan(db, settings())
    assert outcome.messages == 1
    assert len(group_messages(db)) == 2


def test_acknowledge_keeps_it_quiet_until_stock_is_back(floor, db, clock):
    issue(floor, 60)
    reply = floor.press("erin", "Acknowledge")
    assert "acknowledged by Erin" in reply
    assert "already acknowledged by Erin at 10:00" in floor.press("carol", "Acknowledge")
    assert "already acknowledged" in floor.press("carol", "Snooze 1 day")
    clock.move(days=3)
    issue(floor, 5)
    alerts.scan(db, settings())
    assert len(group_messages(db)) == 1
    floor.say("carol", "/receive BOLT-M8 100")
    assert "back above its reorder point" in group_messages(db)[-1]
    late = floor.press("carol", "Snooze 1 day")
    assert late.keys() == ["wf.closed", "alert.note.closed"] and "no longer short" in late


def test_staff_cannot_snooze_and_a_refused_press_writes_nothing(floor, db):
    issue(floor, 60)
    floor.inbox("group")
    before = row_counts(db)
    reply = floor.press("bob", "Snooze 1 day")
    assert "Only a warehouse keeper or a purchaser or an approver may do that" in reply
    assert row_counts(db) == before


def test_request_purchase_button_raises_a_purchase_request_with_the_suggested_quantity(floor, db):
    issue(floor, 60)
    reply = floor.press("erin", "Request purchase")
    assert "PR-" in reply and "50 pcs" in reply


def test_items_without_thresholds_never_warn(db, clock):
    f = Floor(db).people()
    f.item("NUT", stock=10)
    f.say("alice", "/bind MAIN")
    f.say("bob", "/request NUT 10")
    f.press("carol", "Issue")
    assert group_messages(db) == [] and active_alerts(db) == []


def test_without_a_bound_chat_keepers_and_purchasers_are_told(db, clock):
    f = Floor(db).people()
    f.item("BOLT-M8", stock=100, reorder_point=Decimal(50), reorder_qty=Decimal(100))
    f.say("bob", "/request BOLT-M8 60")
    f.press("carol", "Issue")
    f.inbox("carol")  # the issue card came earlier; only the warning is new
    with db.read() as s:
        targets = sorted(
            r.target
            for r in s.scalars(select(OutboxMessage))
            if "below reorder point" in render(r.payload, "en", "Asia/Shanghai")
        )
    assert targets == ["user:carol", "user:erin"]


def test_a_warehouse_without_its_own_chat_is_reported_in_the_main_chat(db, clock):
    f = Floor(db).people()
    f.item("BOLT-M8", stock=10, warehouse="LINE", reorder_point=Decimal(50))
    f.item("NUT-M8", stock=100)  # creates MAIN, which the group chat is bound to
    f.say("alice", "/bind MAIN")
    alerts.scan(db, settings())
    (card,) = group_messages(db)
    assert "BOLT-M8: below reorder point" in card


def test_more_than_n_warnings_at_once_become_one_digest(db, clock):
    f = Floor(db).people()
    for n in range(6):
        f.item(
            f"P{n}", stock=5, name=f"part {n}", reorder_point=Decimal(10), reorder_qty=Decimal(20)
        )
    f.say("alice", "/bind MAIN")
    outcome = alerts.scan(db, settings())
    assert len(outcome.announced) == 6
    messages = group_messages(db)
    assert len(messages) == 1
    digest = messages[0]
    assert "6 stock warnings" in digest
    table = digest.blocks_of(Table)[0]
    assert [r[0] for r in table.rows] == [f"P{n} part {n}" for n in range(6)]
    assert table.rows[0][1:] == ["below reorder point", "5 pcs", "5 pcs", "20 pcs"]
    assert alerts.scan(db, settings()).messages == 0  # the next hour: nothing new, nothing said
    assert len(group_messages(db)) == 1


def test_up_to_n_warnings_come_as_separate_cards(db, clock):
    digest_over_3 = settings(alert_digest_over=3)
    f = Floor(db).people()
    for n in range(3):
        f.item(f"P{n}", stock=5, reorder_point=Decimal(10))
    f.say("alice", "/bind MAIN")
    alerts.scan(db, digest_over_3)
    assert len(group_messages(db)) == 3
    f.item("P9", stock=5, reorder_point=Decimal(10))
    f.item("P8", stock=5, reorder_point=Decimal(10))
    alerts.scan(db, digest_over_3)
    assert len(group_messages(db)) == 5


def test_the_scan_finds_what_postings_miss(db, clock):
    f = Floor(db).people()
    today = T0.date()
    # a reservation lowers available without a posting
    f.item("GLUE", stock=30, safety_stock=Decimal(20))
    # 200 used in 20 days: 6.67 a day over the 30-day window; 50 left = 7.5 days < lead 10
    pump = f.item("PUMP", stock=250, lead_time_days=10)
    # a batch expiring in 12 days
    paint = f.item("PAINT", batch_tracked=True)
    # a purchase order expected two days ago
    valve = f.item("VALVE", stock=1)
    f.say("alice", "/bind MAIN")
    with db.write() as s:
        loc = default_location(s, ensure_warehouse(s, "MAIN").id).id
        lot = ensure_batch(s, paint, "L1", today, today + timedelta(days=12)).id
        po = PurchaseOrder(number="PO-00001", state="open", expected_on=today - timedelta(days=2))
        s.add(po)
        s.flush()
        s.add(PurchaseOrderLine(order_id=po.id, item_id=valve, qty_ordered=Decimal(40)))
    post(db, paint, loc, "8", batch_id=lot)
    start = f_clock_at = utcnow()
    for day in range(20):
        set_clock(lambda d=day: start - timedelta(days=20 - day))  # noqa: B023
        post(db, pump, loc, "-10", MovementKind.ISSUE)
    set_clock(lambda: f_clock_at)
    f.say("bob", "/request GLUE 15")  # reserved: available 15 < 20, nothing posted
    assert group_messages(db) == []
    alerts.scan(db, settings())
    reasons = sorted(r for r, _, _ in active_alerts(db))
    assert reasons == ["below_safety", "cover", "expiring", "overdue_po"]
    text = "\n\n".join(m.plain() for m in group_messages(db))
    assert "GLUE: below safety stock" in text
    assert "PUMP: runs out before a new order could arrive" in text
    assert "Days of cover: 7.5 days" in text
    assert "Requests waiting for it: 1 (15 pcs)" in text
    assert "Batch L1: 8 pcs expiring 2026-03-14" in text
    assert "PO-00001: 40 pcs expected 2026-02-28 (2 days late)" in text


def test_a_failing_evaluation_never_refuses_the_posting(floor, db, monkeypatch):
    def boom(*_a, **_k):  # type: ignore[no-untyped-def]
        raise RuntimeError("bug in alerts")

    monkeypatch.setattr(alert_scan, "reconcile", boom)
    issue(floor, 60)
    assert floor.on_hand(floor.bolt) == Decimal(40)
    assert group_messages(db) == []


def test_shortages_lists_the_open_warnings_worst_first(floor, db, clock):
    floor.item("NUT-M8", stock=10, name="M8 nut", safety_stock=Decimal(50))
    alerts.scan(db, settings())
    issue(floor, 60)
    floor.press("carol", "Snooze 1 day")
    reply = floor.say("bob", "/shortages")
    table = reply.blocks_of(Table)[0]
    assert table.rows == [
        ["NUT-M8 M8 nut", "below safety stock", "10 pcs", "10 pcs", "open"],
        ["BOLT-M8 M8 bolt", "below reorder point", "40 pcs", "40 pcs", "snoozed until 03-03 10:00"],
    ]
    zh = floor.say("bob", "缺料")
    assert "当前缺料预警：2 条" in zh


def test_warnings_speak_the_chat_language(db, clock):
    f = Floor(db).people()
    f.item("BOLT-M8", stock=100, name="螺栓", reorder_point=Decimal(50), reorder_qty=Decimal(100))
    f.say("alice", "/bind MAIN zh-Hans")
    f.say("bob", "/request BOLT-M8 60")
    f.press("carol", "发料")
    (card,) = group_messages(db)
    assert "缺料预警 BOLT-M8 螺栓：低于再订货点" in card
    assert [b.label for b in card.buttons()] == ["申请采购（100个）", "暂缓 1 天", "知道了"]


def test_settings_are_read_like_every_other_setting(monkeypatch):
    monkeypatch.setenv("STOCKBOT_ALERT_DIGEST_OVER", "9")
    assert settings().alert_digest_over == 9
