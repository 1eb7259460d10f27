"""Transfers (调拨) and returns (退料), as conversations on the floor."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from stockbot.store import ledger
from stockbot.store.catalog import default_location, ensure_batch, ensure_location, ensure_warehouse
from stockbot.store.check import check_balances
from stockbot.store.models import (
    Balance,
    Batch,
    ItemDaily,
    Location,
    Movement,
    MovementKind,
    Posting,
    Warehouse,
)
from stockbot.store.quantities import quantities

from transcript import Floor, row_counts


@pytest.fixture
def floor(db) -> Floor:
    return Floor(db).people()


def _wh(floor: Floor, code: str) -> int:
    with floor.db.read() as s:
        return s.scalar(select(Warehouse.id).where(Warehouse.code == code))


def _in(floor: Floor, item_id: int, warehouse: str) -> Decimal:
    with floor.db.read() as s:
        return quantities(s, [item_id], _wh(floor, warehouse))[item_id].on_hand


def _at(floor: Floor, item_id: int, warehouse: str, location: str) -> Decimal:
    with floor.db.read() as s:
        total = s.scalar(
            select(func.sum(Balance.qty))
            .join(Location, Location.id == Balance.location_id)
            .join(Warehouse, Warehouse.id == Location.warehouse_id)
            .where(
                Balance.item_id == item_id, Warehouse.code == warehouse, Location.code == location
            )
        )
    return total or Decimal(0)


def _books_ok(floor: Floor) -> None:
    with floor.db.read() as s:
        assert check_balances(s) == []


def test_a_keeper_moves_stock_between_warehouses_and_the_item_total_stays_the_same(floor):
    bolt = floor.item("BOLT-M8", stock=40, warehouse="WH2")
    floor.item("BOLT-M8", stock=5)
    reply = floor.say("carol", "/transfer BOLT-M8 15 wh2 MAIN")
    assert "Moved 15 pcs BOLT-M8 from WH2 to MAIN" in reply.plain()
    assert _in(floor, bolt, "WH2") == 25 and _in(floor, bolt, "MAIN") == 20
    assert floor.on_hand(bolt) == 45
    with floor.db.read() as s:
        kinds = s.execute(select(Movement.kind, Movement.qty).order_by(Movement.id)).all()[-2:]
        posting = s.scalars(select(Posting).order_by(Posting.id.desc())).first()
        daily = s.scalars(select(ItemDaily)).one()
    assert [(k, q) for k, q in kinds] == [("transfer_out", -15), ("transfer_in", 15)]
    assert posting.doc_type == "transfer" and posting.kind == "transfer"
    assert daily.qty_in == 45 and daily.qty_out == 0  # transfers are not in/out of the factory
    _books_ok(floor)


def test_a_transfer_can_put_stock_on_a_location_and_take_it_from_one(floor):
    bolt = floor.item("BOLT-M8", stock=30)
    with floor.db.write() as s:
        ensure_location(s, ensure_warehouse(s, "MAIN"), "A-01")
        ensure_location(s, ensure_warehouse(s, "WH2"), "B-07")
    reply = floor.say("carol", "/transfer BOLT-M8 12 MAIN main/a-01")
    assert "from MAIN to MAIN/A-01" in reply.plain()
    assert _at(floor, bolt, "MAIN", "A-01") == 12 and _at(floor, bolt, "MAIN", "-") == 18
    # a bare location code that exists in one warehouse is enough
    reply = floor.say("carol", "/transfer BOLT-M8 5 A-01 B-07")
    assert "from MAIN/A-01 to WH2/B-07" in reply.plain()
    assert _at(floor, bolt, "MAIN", "A-01") == 7 and _at(floor, bolt, "WH2", "B-07") == 5
    before = row_counts(floor.db)
    short = floor.say("carol", "/transfer BOLT-M8 8 MAIN/A-01 WH2")
    assert "Not enough BOLT-M8 at MAIN/A-01: 7 pcs there, 8 pcs to move" in short.plain()
    assert row_counts(floor.db) == before
    assert floor.on_hand(bolt) == 30
    _books_ok(floor)


def test_batches_leave_the_source_earliest_expiry_first_and_arrive_as_the_same_batches(floor):
    glue = floor.item("GLUE", batch_tracked=True)
    with floor.db.write() as s:
        ensure_warehouse(s, "WH2")
        loc = default_location(s, _wh(floor, "MAIN")).id
        late = ensure_batch(s, glue, "LATE", date.today(), date.today() + timedelta(days=90)).id
        soon = ensure_batch(s, glue, "SOON", date.today(), date.today() + timedelta(days=10)).id
        ledger.post(s.connection(), ledger.Meta("glue", "receipt"), [
            ledger.Line(glue, loc, Decimal(5), MovementKind.RECEIPT, late),
            ledger.Line(glue, loc, Decimal(5), MovementKind.RECEIPT, soon),
        ])  # fmt: skip
    reply = floor.say("carol", "/transfer glue 7 MAIN WH2")
    assert "batches SOON 5, LATE 2" in reply.plain()
    with floor.db.read() as s:
        arrived = {
            s.get(Batch, m.batch_id).lot: m.qty
            for m in s.scalars(select(Movement).where(Movement.kind == "transfer_in"))
        }
    assert arrived == {"SOON": 5, "LATE": 2}
    _books_ok(floor)


def test_a_transfer_beyond_what_is_available_is_refused_with_numbers(floor):
    bolt = floor.item("BOLT-M8", stock=10)
    floor.item("BOLT-M8", stock=0, warehouse="WH2")
    before = row_counts(floor.db)
    reply = floor.say("carol", "/transfer BOLT-M8 12 MAIN WH2")
    text = reply.plain()
    assert "10 pcs available" in text and "12 pcs to move" in text and "short by 2 pcs" in text
    assert row_counts(floor.db) == before
    assert _in(floor, bolt, "MAIN") == 10


def test_stock_reserved_for_an_approved_request_cannot_be_transferred_away(floor):
    bolt = floor.item("BOLT-M8", stock=20)
    floor.item("BOLT-M8", stock=0, warehouse="WH2")
    assert "reserved" in floor.say("bob", "/request BOLT-M8 15").plain()
    before = row_counts(floor.db)
    reply = floor.say("carol", "/transfer BOLT-M8 10 MAIN WH2")
    text = reply.plain()
    assert "20 pcs on hand, 15 pcs reserved, 5 pcs available" in text
    assert row_counts(floor.db) == before
    assert "Moved 5 pcs" in floor.say("carol", "/transfer BOLT-M8 5 MAIN WH2").plain()
    assert _in(floor, bolt, "MAIN") == 15 and floor.available(bolt) == 5


def test_an_unknown_warehouse_is_refused_listing_the_warehouses(floor):
    floor.item("BOLT-M8", stock=10)
    floor.item("BOLT-M8", stock=0, warehouse="WH2")
    before = row_counts(floor.db)
    reply = floor.say("carol", "/transfer BOLT-M8 5 MAIN WH9")
    assert "no warehouse or location “WH9”" in reply.plain()
    assert "Warehouses: MAIN, WH2" in reply.plain()
    assert "has no location “Z-99”" in floor.say("carol", "/transfer BOLT-M8 5 MAIN WH2/Z-99")
    assert row_counts(floor.db) == before


def test_staff_cannot_transfer(floor):
    bolt = floor.item("BOLT-M8", stock=10)
    floor.item("BOLT-M8", stock=0, warehouse="WH2")
    before = row_counts(floor.db)
    reply = floor.say("bob", "/transfer BOLT-M8 5 MAIN WH2")
    assert "Only a warehouse keeper" in reply.plain()
    assert row_counts(floor.db) == before and _in(floor, bolt, "MAIN") == 10


def test_the_shortage_transfer_button_moves_stock_once_even_when_pressed_twice(floor):
    bolt = floor.item("BOLT-M8", stock=5)
    floor.item("BOLT-M8", stock=40, warehouse="WH2")
    floor.say("bob", "/request BOLT-M8 20 for WO-9")
    button = floor.button("Transfer 15 pcs from WH2")

    refused = floor.press_id("bob", button.action_id)
    assert "Only a warehouse keeper" in refused.plain()
    assert _in(floor, bolt, "WH2") == 40

    done = floor.press_id("carol", button.action_id)
    assert "Moved 15 pcs BOLT-M8 from WH2 to MAIN" in done.plain()
    before = row_counts(floor.db)
    again = floor.press_id("alice", button.action_id)
    assert "already done by Carol" in again.plain()
    assert row_counts(floor.db) == before
    assert _in(floor, bolt, "WH2") == 25 and _in(floor, bolt, "MAIN") == 20
    # and now the request goes through
    assert "reserved" in floor.say("bob", "/request BOLT-M8 20 for WO-9").plain()
    _books_ok(floor)


def test_a_return_adds_stock_and_takes_back_consumption(floor):
    bolt = floor.item("BOLT-M8", stock=100)
    floor.say("bob", "/request BOLT-M8 20")
    floor.press("carol", "Issue 20")
    floor.inbox("carol")
    with floor.db.read() as s:
        assert s.scalars(select(ItemDaily.consumed)).one() == 20
    reply = floor.say("bob", "/return BOLT-M8 5 not needed after all")  # 20 were issued to Bob
    assert "5 pcs BOLT-M8 returned to MAIN by Bob" in reply.plain()
    assert floor.on_hand(bolt) == 85
    with floor.db.read() as s:
        assert s.scalars(select(ItemDaily.consumed)).one() == 15
        posting = s.scalars(select(Posting).where(Posting.kind == "return")).one()
    assert posting.note == "not needed after all"
    note = floor.inbox("carol")
    assert len(note) == 1 and "Bob brought back 5 pcs BOLT-M8" in note[0].plain()
    _books_ok(floor)


def test_a_chinese_return_is_answered_in_chinese(floor):
    bolt = floor.item("BOLT-M8", stock=10, name="Hex bolt M8", aliases=["六角螺栓M8"])
    floor.say("bea", "领料 六角螺栓M8 3个")
    floor.press("carol", "Issue 3")
    reply = floor.say("bea", "退料 六角螺栓M8 3个")
    assert "退回" in reply.plain() and "3个" in reply.plain()
    assert floor.on_hand(bolt) == 10


# --- returns refer to an issue ------------------------------------------------------------------


def test_a_return_goes_back_to_the_location_and_batch_it_was_issued_from(floor):

    bolt = floor.item("BOLT-M8")
    with floor.db.write() as s:
        a1 = ensure_location(s, ensure_warehouse(s, "MAIN"), "A-01").id
        ledger.post(s.connection(), ledger.Meta("in", "receipt"),
                    [ledger.Line(bolt, a1, Decimal(50), MovementKind.RECEIPT)])  # fmt: skip
    floor.say("bob", "/request BOLT-M8 20")
    floor.press("carol", "Issue 20")
    reply = floor.say("bob", "/return BOLT-M8 5 MR-00001 left over")
    assert "mv.returned" in reply.keys() and "MAIN/A-01" in reply.plain()
    with floor.db.read() as s:
        posting = s.scalars(select(Posting).where(Posting.kind == "return")).one()
        mv = s.scalars(select(Movement).where(Movement.kind == "return")).one()
        assert (posting.doc_id, posting.note, mv.location_id) == ("MR-00001", "left over", a1)
    assert floor.on_hand(bolt) == 35
    _books_ok(floor)


def test_returning_more_than_is_out_waits_for_a_keeper_who_confirms_once(floor):
    bolt = floor.item("BOLT-M8", stock=100)
    floor.say("bob", "/request BOLT-M8 20")
    floor.press("carol", "Issue 20")
    floor.say("bob", "/return BOLT-M8 15")
    floor.inbox("carol")
    before = row_counts(floor.db)["movements"]
    waits = floor.say("bob", "/return BOLT-M8 10")  # 20 issued, 15 back: 5 still out
    assert "ret.waits" in waits.keys() and "MR-00001" in waits.plain()
    assert row_counts(floor.db)["movements"] == before and floor.on_hand(bolt) == 95
    card = floor.inbox("carol")
    assert len(card) == 1 and "ret.card" in card[0].keys()
    done = floor.press("carol", "Confirm return")
    assert "mv.returned" in done.keys() and floor.on_hand(bolt) == 105
    again = floor.press("alice", "Confirm return")
    assert "ret.already" in again.keys() and "Carol" in again.plain()
    assert floor.on_hand(bolt) == 105
    assert any("ret.confirmed" in r.keys() for r in floor.inbox("bob"))
    _books_ok(floor)


def test_a_return_of_material_never_issued_to_you_adds_nothing_until_a_keeper_confirms(floor):
    bolt = floor.item("BOLT-M8", stock=10)
    reply = floor.say("bea", "/return BOLT-M8 5")
    assert "ret.waits" in reply.keys() and "no BOLT-M8 was issued" in reply.plain()
    assert floor.on_hand(bolt) == 10
    assert floor.say("bea", "/return BOLT-M8 5 MR-00009").keys() == ["ret.no_such_issue"]
    assert "button.stale" not in floor.press("carol", "Confirm return").keys()
    assert floor.on_hand(bolt) == 15


@pytest.mark.parametrize(
    ("who", "text"),
    [
        ("carol", "/transfer BOLT-M8 0 MAIN WH2"),
        ("carol", "/transfer BOLT-M8 -5 MAIN WH2"),
        ("carol", "/transfer BOLT-M8 abc MAIN WH2"),
        ("carol", "/transfer BOLT-M8 1e309 MAIN WH2"),
        ("carol", "/transfer nothing-like-this 5 MAIN WH2"),
        ("carol", "/transfer BOLT-M8 5 MAIN MAIN"),
        ("carol", "/transfer BOLT-M8 5 MAIN main"),
        ("carol", "/transfer BOLT-M8 2 桶 MAIN WH2"),
        ("carol", "/transfer '); DROP TABLE items;-- 5 MAIN WH2"),
        ("newcomer", "/return BOLT-M8 0"),
        ("newcomer", "/return BOLT-M8 -5"),
        ("newcomer", "/return BOLT-M8 NaN"),
        ("newcomer", "/return nothing-like-this 5"),
        ("newcomer", "/return BOLT-M8 5 " + "x" * 10_000),
    ],
)
def test_bad_input_gets_a_clear_message_and_writes_nothing(floor, who, text):
    floor.item("BOLT-M8", stock=10)
    floor.item("BOLT-M8", stock=0, warehouse="WH2")
    before = row_counts(floor.db)
    reply = floor.say(who, text)
    assert reply.plain()
    assert "went wrong" not in reply.plain()
    assert row_counts(floor.db) == before


def test_two_console_sessions_each_transfer_and_neither_is_taken_for_a_redelivery(db):
    """Console message ids restart at 1 each session; they must not collide as keys."""
    import io

    from stockbot.handlers.console import ConsoleChat
    from stockbot.handlers.console_app import console_handle

    floor = Floor(db).people()
    item = floor.item("BOLT-M8", stock=100)
    with db.write() as s:
        from stockbot.store.catalog import ensure_warehouse

        ensure_warehouse(s, "LINE")
    for _ in range(2):  # two separate `stockbot chat` sessions, each with message "1"
        out = io.StringIO()
        ConsoleChat(console_handle(floor.runtime), user="carol", stdin=io.StringIO(),
                    stdout=out, prompt=False).feed("/transfer BOLT-M8 5 MAIN LINE")  # fmt: skip
        assert "Moved 5 pcs" in out.getvalue(), out.getvalue()
    with db.read() as s:
        line = s.scalar(select(Warehouse.id).where(Warehouse.code == "LINE"))
        assert quantities(s, [item], line)[item].on_hand == 10
