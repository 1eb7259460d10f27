"""Reorder policy (`/policy`): dynamic safety stock and reorder point equal the hand-computed
numbers on a fixture ledger, too little history keeps the fixed values and says so, pins hold
through the weekly recompute, only admins change anything, and every change is logged."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from stockbot.flows.policy import recompute
from stockbot.reports import policy as rules
from stockbot.scheduler.jobs import execute
from stockbot.store.catalog import upsert_supplier
from stockbot.store.models import Item, ItemPolicy, PolicyChange, PurchaseOrder, PurchaseOrderLine
from stockbot.timeutil import set_clock

from factory import move_at
from transcript import Floor

NOW = datetime(2026, 3, 2, 0, 30, tzinfo=UTC)  # 2 March, 08:30 in Shanghai
D = Decimal


def at(m: int, day: int) -> datetime:
    return datetime(2026, m, day, 2, tzinfo=UTC)


def test_the_formulas_on_hand_computed_numbers():
    daily = [D(4), D(6), D(10)] + [D(0)] * 7  # 20 over 10 days: average 2, max 10
    leads = [5, 3]  # average 4, max 5
    # safety = 10 × 5 − 2 × 4 = 42; reorder point = 2 × 4 + 42 = 50
    assert rules.levels(daily, leads) == (D(42), D(50))
    # fractions round up to a whole unit: avg 0.7 × 4.5 = 3.15; max 3 × 6 = 18 → 14.85 → 15
    assert rules.levels([D(3), D(2), D(2)] + [D(0)] * 7, [6, 3]) == (D(15), D(18))
    with pytest.raises(ValueError):
        rules.levels([], [3])


def _po(db, number: str, item_id: int, ordered: datetime, due: date) -> None:  # type: ignore[no-untyped-def]
    with db.write() as s:
        sup = upsert_supplier(s, "ACME", name="Acme")
        po = PurchaseOrder(number=number, supplier_id=sup.id, expected_on=due, created_at=ordered)
        s.add(po)
        s.flush()
        s.add(PurchaseOrderLine(order_id=po.id, item_id=item_id, qty_ordered=D(100)))


@pytest.fixture
def floor(db) -> Floor:  # type: ignore[no-untyped-def]
    """M8: two purchase receipts (5 and 3 days after ordering), then issues of 4, 6 and 10 in
    the 10 days before 2 March (and 50 before the window, which must not count). NUT: typed
    values 7 / 9, issues on only two days."""
    f = Floor(db, policy_window_days=10, policy_min_usage_days=3, policy_min_lead_samples=2)
    f.people()
    set_clock(lambda: at(2, 1))
    f.m8 = f.item("M8", safety_stock=D(5), reorder_point=D(10))  # type: ignore[attr-defined]
    f.nut = f.item("NUT", safety_stock=D(7), reorder_point=D(9), stock=100)  # type: ignore[attr-defined]
    _po(db, "PO-00001", f.m8, at(2, 10), date(2026, 2, 15))  # type: ignore[attr-defined]
    _po(db, "PO-00002", f.m8, at(2, 17), date(2026, 2, 20))  # type: ignore[attr-defined]
    set_clock(lambda: at(2, 15))
    f.say("carol", "/receive M8 100 po PO-00001")
    move_at(db, f.m8, -50, at(2, 16))  # type: ignore[attr-defined]  # before the window
    set_clock(lambda: at(2, 20))
    f.say("carol", "/receive M8 100 po PO-00002")
    for day, qty in ((22, 4), (25, 6), (28, 10)):
        move_at(db, f.m8, -qty, at(2, day))  # type: ignore[attr-defined]
    for day in (23, 24):
        move_at(db, f.nut, -1, at(2, day))  # type: ignore[attr-defined]
    set_clock(lambda: NOW)
    return f


def levels(floor: Floor, item_id: int) -> tuple[Decimal, Decimal]:
    with floor.db.read() as s:
        item = s.get(Item, item_id)
        return item.safety_stock, item.reorder_point


def changes(floor: Floor) -> list[tuple[str, str | None, str | None, int | None]]:
    with floor.db.read() as s:
        rows = s.scalars(select(PolicyChange).order_by(PolicyChange.id)).all()
        return [(c.field, c.old, c.new, c.actor_id) for c in rows]


def test_dynamic_values_come_from_the_ledger_and_match_the_hand_computed_ones(floor):
    reply = floor.say("alice", "/policy M8 dynamic")
    assert "pol.dynamic_done" in reply.keys()
    assert levels(floor, floor.m8) == (D(42), D(50))
    with floor.db.read() as s:
        pol = s.get(ItemPolicy, floor.m8)
        assert (pol.mode, pol.status) == ("dynamic", "ok")
        assert pol.basis == {"window": 10, "usage_days": 3, "avg": "2", "max": "10",
                             "receipts": 2, "avg_lead": "4", "max_lead": 5}  # fmt: skip
    assert changes(floor)[-2:] == [("safety", "5", "42", None), ("rop", "10", "50", None)]
    shown = floor.say("bob", "/policy M8")  # anyone may look
    assert "pol.title" in shown.keys()
    assert "42 pcs" in shown.plain() and "50 pcs" in shown.plain()


def test_too_little_history_keeps_the_fixed_values_and_says_so(floor):
    reply = floor.say("alice", "/policy NUT dynamic")
    assert levels(floor, floor.nut) == (D(7), D(9))
    with floor.db.read() as s:
        assert s.get(ItemPolicy, floor.nut).status == "little_usage"
    assert "issues on 2 day(s) in 10 (need 3)" in reply.plain()


def test_a_pinned_value_holds_through_the_weekly_recompute(floor, db):
    floor.say("alice", "/policy M8 dynamic")
    pinned = floor.say("alice", "/policy M8 pin safety 40")
    assert "pol.pinned_done" in pinned.keys()
    assert levels(floor, floor.m8) == (D(40), D(50))
    assert execute(db, floor.runtime.settings, "policy-recompute") == 0
    assert levels(floor, floor.m8) == (D(40), D(50))
    alice = changes(floor)[-1]
    assert alice[:3] == ("safety", "42", "40") and alice[3] is not None
    assert "(pinned)" in floor.say("bob", "/policy M8").plain()
    floor.say("alice", "/policy M8 dynamic")  # pins go; the numbers follow the ledger again
    assert levels(floor, floor.m8) == (D(42), D(50))


def test_only_an_admin_changes_a_policy_and_a_refusal_writes_nothing(floor, db):
    for text in ("/policy M8 pin safety 40", "/policy M8 dynamic", "/policy M8 fixed"):
        for who in ("bob", "carol", "dave", "erin"):
            assert "flow.no_role" in floor.say(who, text).keys()
    with db.read() as s:
        assert s.scalar(select(func.count()).select_from(PolicyChange)) == 0
        assert s.scalar(select(func.count()).select_from(ItemPolicy)) == 0
    assert levels(floor, floor.m8) == (D(5), D(10))


def test_a_bad_pin_is_refused_with_the_usage(floor):
    assert "pol.bad_qty" in floor.say("alice", "/policy M8 pin safety lots").keys()
    assert "pol.bad_qty" in floor.say("alice", "/policy M8 pin rop -3").keys()
    assert "pol.bad_args" in floor.say("alice", "/policy M8 pin").keys()
    assert changes(floor) == []


def test_a_fixed_item_is_left_alone_by_the_recompute(floor, db):
    floor.say("alice", "/policy M8 dynamic")
    floor.say("alice", "/policy M8 fixed")
    with db.write() as s:
        s.get(Item, floor.m8).safety_stock = D(1)
    outcome = recompute(db, floor.runtime.settings)
    assert (outcome.items, outcome.changed) == (0, 0)
    assert levels(floor, floor.m8) == (D(1), D(50))
