"""A count that finds less than requests have reserved (issue 9): the keeper expects the books
to stay honest — *reserved ≤ on hand* — so the approved adjustment cuts the newest requests'
reservations first, records it on each request, tells each requester, and tells the approver
what was cut. A cut request may be issued only what it still holds plus what is free again."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import select

from stockbot.i18n import t
from stockbot.store.models import Decision, Reservation
from stockbot.store.quantities import quantities

from transcript import Floor, row_counts


@pytest.fixture
def floor(db) -> Floor:
    f = Floor(db).people()
    f.item("BOLT", stock=100, unit_cost=Decimal("0.5"))  # cheap: reserved at once
    assert "mr.created_reserved" in f.say("bob", "/request BOLT 30")  # MR-1, the older
    assert "mr.created_reserved" in f.say("bea", "/request BOLT 50")  # MR-2, the newer
    return f


def _count(floor: Floor, found: int):  # type: ignore[no-untyped-def]
    assert "cnt.question" in floor.say("carol", "/count MAIN")
    floor.say("carol", str(found))
    return floor.say("frank", "/approve CNT-1")


def _held(floor: Floor) -> dict[str, Decimal]:
    with floor.db.read() as s:
        rows = s.execute(
            select(Reservation.doc_id, Reservation.qty).where(Reservation.state == "open")
        ).all()
    return {f"MR-{int(doc):05d}": qty for doc, qty in rows}


def _books(floor: Floor, item_id: int = 1) -> tuple[Decimal, Decimal]:
    with floor.db.read() as s:
        q = quantities(s, [item_id])[item_id]
    return q.on_hand, q.reserved


def test_a_count_below_the_reserved_quantity_cuts_the_newest_request_first(floor):
    approved = _count(floor, 40)
    assert "cnt.approved" in approved and "cnt.unreserved" in approved
    assert approved.keys().count("cnt.unreserved.told") == 1  # only MR-2 was cut
    assert _books(floor) == (40, 40)
    assert _held(floor) == {"MR-00001": 30, "MR-00002": 10}
    assert "mr.unreserved" in floor.inbox("bea")[-1]
    assert not any("mr.unreserved" in r for r in floor.inbox("bob"))
    with floor.db.read() as s:
        [cut] = s.scalars(select(Decision).where(Decision.action == "unreserve")).all()
    assert (cut.doc_id, cut.qty, cut.reason) == (2, 40, "CNT-00001")


def test_a_count_far_below_releases_whole_reservations_and_cuts_the_next(floor):
    approved = _count(floor, 20)
    assert approved.keys().count("cnt.unreserved.told") == 2
    assert _books(floor) == (20, 20)
    assert _held(floor) == {"MR-00001": 20}
    with floor.db.read() as s:
        released = s.scalars(select(Reservation.state).where(Reservation.doc_id == "2")).one()
    assert released == "released"


def test_a_cut_request_may_issue_only_what_it_still_holds(floor):
    _count(floor, 40)
    before = row_counts(floor.db)
    refused = floor.say("carol", "/issue MR-2")  # all 50 left: only 10 are its own
    assert "shortage.title" in refused
    assert row_counts(floor.db) == before
    assert "mr.issued" in floor.say("carol", "/issue MR-2 10")
    assert "mr.issued" in floor.say("carol", "/issue MR-1")  # the older request is whole
    on_hand, reserved = _books(floor)
    assert (on_hand, reserved) == (0, 0)


def test_a_count_that_finds_enough_or_more_touches_no_reservation(floor):
    approved = _count(floor, 85)
    assert "cnt.approved" in approved and "cnt.unreserved" not in approved
    assert _held(floor) == {"MR-00001": 30, "MR-00002": 50}


def test_the_cut_shows_in_the_request_s_history(floor):
    _count(floor, 40)
    history = floor.say("bea", "/history MR-2")
    assert t("hist.act.unreserve", "en") in history.plain()  # a row of the decisions table
