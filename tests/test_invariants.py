"""Ledger invariants under random floor traffic (issue 9, "Prove it").

A hypothesis `RuleBasedStateMachine` plays a factory floor through the real `Runtime` — the same
`Floor` the transcript tests use — with receipts, material requests, approvals, partial issues,
transfers, returns, counts, reversals, purchases and receipts against their POs, and random
people pressing random buttons they were shown. Whatever was refused, after every step:

- every balance equals the sum of its ledger (`check_balances` finds nothing), none is negative,
  and every daily and monthly total equals what its movements add up to (`check_totals`);
- per item and per warehouse: reserved ≤ on hand (a count that finds less cuts the newest
  requests' reservations); per item `quantities()` agrees with the definitions in DESIGN.md §1
  recomputed here from the raw rows (on hand = Σ movements, reserved = Σ open reservations,
  on order = Σ open PO lines' outstanding, projected = available + on order + approved PRs);
- every movement belongs to a posting with an actor; every posting names what kind of document
  it came from, and a document posting (receipt, issue, count, transfer, undo) its number;
- a redelivered button press (the same Inbound, same message and event id) changes nothing.

Each example builds its own database (a copy of the migrated SQLite template, or a truncated
PostgreSQL database) because hypothesis runs many examples inside one test function; a
function-scoped pytest fixture would be shared by all of them.

A redelivered *command* is proved separately below, per command: today several commands act
again when redelivered (issue 9, fix 2, being fixed in parallel), so those cases are strict
xfails rather than a state-machine rule that would always fail.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import HealthCheck, event, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    rule,
    run_state_machine_as_test,
)
from sqlalchemy import create_engine, func, select, text

from stockbot.commands.inbound import Inbound
from stockbot.handlers.base import handle_once
from stockbot.store.check import check_balances
from stockbot.store.check_totals import check_totals
from stockbot.store.db import Database
from stockbot.store.models import (
    Balance,
    Base,
    CountSession,
    Item,
    MaterialRequest,
    Movement,
    Posting,
    PurchaseOrderLine,
    PurchaseRequest,
    PurchaseRequestLine,
    Reservation,
)
from stockbot.store.quantities import quantities

from transcript import Floor, row_counts

ZERO = Decimal(0)
ITEMS = ("BOLT", "MOTOR")  # BOLT is cheap (reserved at once), MOTOR needs an approver
PLACES = ("MAIN", "WH2")
REQUESTERS = ("bob", "bea", "dave")
APPROVERS = ("dave", "frank", "alice")
EVERYONE = ("alice", "bob", "bea", "carol", "dave", "frank", "erin")
#: Posting kinds that come from a numbered document, and so must name it.
DOCUMENT_KINDS = {"receipt", "issue", "adjustment", "transfer", "reversal"}

qty = st.integers(min_value=1, max_value=60)


def fresh_database(url: str) -> Database:
    """An empty migrated database for one example (what conftest's `db_url` does per test)."""
    if url.startswith("sqlite"):
        target = Path(tempfile.mkdtemp(prefix="stockbot-inv-")) / "stockbot.db"
        shutil.copyfile(url.removeprefix("sqlite:///"), target)
        return Database(f"sqlite:///{target}")
    engine = create_engine(url)
    tables = ", ".join(f'"{t.name}"' for t in Base.metadata.sorted_tables)
    with engine.begin() as conn:
        conn.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
    engine.dispose()
    return Database(url)


def _count(floor: Floor, model: type) -> int:
    with floor.db.read() as s:
        return int(s.scalar(select(func.count()).select_from(model)) or 0)


class FloorMachine(RuleBasedStateMachine):
    url: str = ""

    def __init__(self) -> None:
        super().__init__()
        self.db = fresh_database(self.url)
        self.floor = Floor(self.db).people()
        self.last_press: Inbound | None = None

    def teardown(self) -> None:
        self.db.dispose()

    @initialize()
    def stock_the_shelves(self) -> None:
        f = self.floor
        f.item("BOLT", unit_cost=Decimal("0.5"))
        f.item("MOTOR", unit_cost=Decimal(800))
        f.item("BOLT", warehouse="WH2")
        for code in ITEMS:
            f.say("carol", f"/receive {code} 40")

    # --- the floor's traffic -----------------------------------------------------------------

    @rule(item=st.sampled_from(ITEMS), n=qty, po=st.booleans())
    def receive(self, item: str, n: int, po: bool) -> None:
        orders = _count(self.floor, PurchaseOrderLine)
        suffix = f" po PO-{orders}" if po and orders else ""
        self.floor.say("carol", f"/receive {item} {n}{suffix}")

    @rule(who=st.sampled_from(REQUESTERS), item=st.sampled_from(ITEMS), n=qty)
    def request(self, who: str, item: str, n: int) -> None:
        self.floor.say(who, f"/request {item} {n}")

    @rule(who=st.sampled_from(APPROVERS), pick=st.integers(0, 1000))
    def approve_request(self, who: str, pick: int) -> None:
        if n := _count(self.floor, MaterialRequest):
            self.floor.say(who, f"/approve MR-{pick % n + 1}")

    @rule(pick=st.integers(0, 1000), n=st.one_of(st.none(), qty))
    def issue(self, pick: int, n: int | None) -> None:
        if count := _count(self.floor, MaterialRequest):
            self.floor.say("carol", f"/issue MR-{pick % count + 1}" + (f" {n}" if n else ""))

    @rule(item=st.sampled_from(ITEMS), n=qty, route=st.permutations(PLACES))
    def transfer(self, item: str, n: int, route: list[str]) -> None:
        self.floor.say("carol", f"/transfer {item} {n} {route[0]} {route[1]}")

    @rule(who=st.sampled_from(REQUESTERS), item=st.sampled_from(ITEMS), n=qty)
    def give_back(self, who: str, item: str, n: int) -> None:
        self.floor.say(who, f"/return {item} {n}")

    @rule(who=st.sampled_from(REQUESTERS), item=st.sampled_from(ITEMS), n=qty)
    def purchase(self, who: str, item: str, n: int) -> None:
        self.floor.say(who, f"/purchase {item} {n}")

    @rule(who=st.sampled_from(APPROVERS), pick=st.integers(0, 1000))
    def approve_purchase(self, who: str, pick: int) -> None:
        if n := _count(self.floor, PurchaseRequest):
            self.floor.say(who, f"/approve PR-{pick % n + 1}")

    @rule(pick=st.integers(0, 1000), who=st.sampled_from(("carol", "alice")))
    def undo(self, pick: int, who: str) -> None:
        if n := _count(self.floor, Movement):
            self.floor.say(who, f"/undo {pick % n + 1} wrong line")

    @rule(
        place=st.sampled_from(PLACES),
        answers=st.lists(st.integers(0, 90), min_size=1, max_size=4),
        approver=st.sampled_from(APPROVERS),
    )
    def count(self, place: str, answers: list[int], approver: str) -> None:
        """Open a count, answer every question asked, then ask an approver to adjust."""
        opened = self.floor.say("carol", f"/count {place}")
        if "cnt.question" not in opened:
            return
        reply = opened
        for n in answers * 4:
            if "cnt.question" not in reply:
                break
            reply = self.floor.say("carol", str(n))
        if (sessions := _count(self.floor, CountSession)) and "cnt.question" not in reply:
            approved = self.floor.say(approver, f"/approve CNT-{sessions}")
            if "cnt.unreserved" in approved:  # the case the old xfail found
                event("a count found less than was reserved")
            if "cnt.approved" not in approved:  # over the limit: left submitted, it would
                self.floor.say("alice", f"/reject CNT-{sessions} over the limit")  # block the next
        else:  # left half-counted: cancel it so the next count may open
            self.floor.say("carol", f"/cancel CNT-{sessions}")

    @rule(who=st.sampled_from(REQUESTERS), n=st.integers(1, 10))
    def count_finds_less_than_reserved(self, who: str, n: int) -> None:
        """Someone reserves a little, then the count finds the shelf empty: below what is
        reserved (the case the old strict xfail found; random traffic alone reached it about
        once in 8 × 20 steps). The admin approves, so no approval limit stands in the way."""
        self.floor.say(who, f"/request BOLT {n}")  # requests reserve in MAIN
        self.count("MAIN", [0], "alice")

    @rule(who=st.sampled_from(EVERYONE), pick=st.integers(0, 10_000))
    def press_any_button(self, who: str, pick: int) -> None:
        """Someone presses a button they (or anyone) were shown: allowed or not, fresh or stale."""
        self.floor._deliver()
        buttons = [
            b for _, b in self.floor.shown if b.label != "Reject" and "Reject" not in b.label
        ]
        if buttons:
            action = buttons[pick % len(buttons)].action_id
            n = next(self.floor._ids)
            self.last_press = Inbound(
                platform="console", user_id=who, chat_id="group",
                message_id=f"b{n}", event_id=f"e{n}", action_id=action,
            )  # fmt: skip
            self.floor._saw(who, self.floor.runtime.handle(self.last_press))

    @rule()
    def redeliver_the_last_press(self) -> None:
        """The platform delivers the same press again: nothing may change."""
        if self.last_press is None:
            return
        before = row_counts(self.db)
        books = self._books()
        self.floor.runtime.handle(self.last_press)
        assert row_counts(self.db) == before
        assert self._books() == books

    # --- what must always hold ---------------------------------------------------------------

    def _books(self) -> list[tuple[int, int, int | None, Decimal]]:
        with self.db.read() as s:
            return sorted(
                s.execute(
                    select(Balance.item_id, Balance.location_id, Balance.batch_id, Balance.qty)
                ).all()
            )

    @invariant()
    def balances_and_totals_equal_their_ledger_and_none_is_negative(self) -> None:
        with self.db.read() as s:
            assert check_balances(s) == []
            assert check_totals(s, self.db.timezone) == []
            negative = s.scalars(select(Balance).where(Balance.qty < ZERO)).all()
            assert negative == []

    @invariant()
    def quantities_match_their_definitions(self) -> None:
        with self.db.read() as s:
            ids = list(s.scalars(select(Item.id)))
            got = quantities(s, ids)
            for item_id in ids:
                on_hand = sum(
                    s.scalars(select(Movement.qty).where(Movement.item_id == item_id)), ZERO
                )
                reserved = sum(
                    s.scalars(
                        select(Reservation.qty).where(
                            Reservation.item_id == item_id, Reservation.state == "open"
                        )
                    ),
                    ZERO,
                )
                on_order = sum(
                    (
                        max(ZERO, o - r)
                        for o, r in s.execute(
                            select(
                                PurchaseOrderLine.qty_ordered, PurchaseOrderLine.qty_received
                            ).where(
                                PurchaseOrderLine.item_id == item_id,
                                PurchaseOrderLine.state == "open",
                            )
                        )
                    ),
                    ZERO,
                )
                requested = sum(
                    s.scalars(
                        select(PurchaseRequestLine.qty)
                        .join(PurchaseRequest, PurchaseRequest.id == PurchaseRequestLine.request_id)
                        .where(
                            PurchaseRequestLine.item_id == item_id,
                            PurchaseRequest.state == "approved",
                        )
                    ),
                    ZERO,
                )
                q = got[item_id]
                assert q.on_hand == on_hand
                assert q.reserved == reserved
                assert reserved <= on_hand, f"item {item_id}: reserved > on hand"
                assert q.available == on_hand - reserved
                assert q.on_order == on_order
                assert q.projected == on_hand - reserved + on_order + requested

    @invariant()
    def each_warehouse_holds_what_it_has_reserved(self) -> None:
        """reserved ≤ on hand per item *and warehouse*: requests reserve in one warehouse, so a
        count that found less in WH2 must release WH2's reservations, not lean on MAIN's."""
        with self.db.read() as s:
            on_hand = {
                (item_id, warehouse_id): qty
                for item_id, warehouse_id, qty in s.execute(
                    select(Balance.item_id, Balance.warehouse_id, func.sum(Balance.qty)).group_by(
                        Balance.item_id, Balance.warehouse_id
                    )
                )
            }
            reserved = s.execute(
                select(Reservation.item_id, Reservation.warehouse_id, func.sum(Reservation.qty))
                .where(Reservation.state == "open")
                .group_by(Reservation.item_id, Reservation.warehouse_id)
            ).all()
            for item_id, warehouse_id, qty in reserved:
                assert qty <= on_hand.get((item_id, warehouse_id), ZERO), (item_id, warehouse_id)

    @invariant()
    def every_movement_traces_to_an_actor_and_a_document(self) -> None:
        with self.db.read() as s:
            rows = s.execute(
                select(Movement.id, Movement.actor_id, Posting.actor_id, Posting.kind,
                       Posting.doc_type, Posting.doc_id)
                .join(Posting, Posting.id == Movement.posting_id)
            ).all()  # fmt: skip
            assert len(rows) == s.scalar(select(func.count()).select_from(Movement))
            for mid, m_actor, p_actor, kind, doc_type, doc_id in rows:
                assert m_actor is not None and p_actor is not None, f"movement {mid}: no actor"
                assert doc_type, f"movement {mid}: posting names no document type"
                if kind in DOCUMENT_KINDS:
                    assert doc_id, f"movement {mid}: {kind} posting names no document"


def _run(database_url: str, examples: int, steps: int) -> None:
    FloorMachine.url = database_url
    run_state_machine_as_test(
        FloorMachine,
        settings=settings(
            max_examples=examples,
            stateful_step_count=steps,
            deadline=None,
            suppress_health_check=list(HealthCheck),
            database=None,
        ),
    )


def test_the_books_hold_under_random_floor_traffic(database_url):
    _run(database_url, examples=8, steps=20)


@pytest.mark.slow
@pytest.mark.skipif(not os.environ.get("STOCKBOT_SOAK"), reason="a soak run: STOCKBOT_SOAK=1")
def test_the_books_hold_under_long_random_floor_traffic(database_url):
    _run(database_url, examples=25, steps=40)


# --- a redelivered command --------------------------------------------------------------------


@pytest.fixture
def floor(db) -> Floor:
    f = Floor(db).people()
    f.item("BOLT", unit_cost=Decimal("0.5"))
    f.item("BOLT", warehouse="WH2")
    f.say("carol", "/receive BOLT 100")
    f.say("bob", "/request BOLT 10")
    return f


@pytest.mark.parametrize(
    ("who", "command"),
    [
        ("carol", "/receive BOLT 5"),
        ("bob", "/request BOLT 5"),
        ("carol", "/issue MR-1 3"),
        ("bob", "/purchase BOLT 50"),
        ("carol", "/transfer BOLT 5 MAIN WH2"),
        ("bob", "/return BOLT 2"),
        ("carol", "/undo 1 wrong delivery"),
        ("frank", "/approve MR-1"),
        ("carol", "/count MAIN"),
    ],
)  # fmt: skip
def test_a_redelivered_command_changes_nothing(floor, who, command):
    """Delivered twice with the same delivery identity, through the guard every adapter uses
    (`handlers.base.handle_once`): the second delivery changes nothing."""
    inbound = Inbound(
        platform="console",
        user_id=who,
        chat_id="group",
        message_id="replayed",
        event_id="replayed",
        text=command,
    )
    handle_once(floor.db, floor.runtime.handle, inbound)
    before = row_counts(floor.db)
    handle_once(floor.db, floor.runtime.handle, inbound)
    assert row_counts(floor.db) == before


def test_a_count_below_the_reserved_quantity_keeps_reserved_within_on_hand(floor):
    """Stock 100, MR-1 reserves 10; a count finds 0 and is approved: MR-1's reservation is
    released (the transcript cases are in `test_count_short.py`)."""
    floor.say("carol", "/count MAIN")
    floor.say("carol", "0")
    approved = floor.say("frank", "/approve CNT-1")
    assert approved.keys()[:2] == ["cnt.approved", "cnt.unreserved"]
    with floor.db.read() as s:
        q = quantities(s, [1])[1]
    assert q.on_hand == 0
    assert q.reserved <= q.on_hand
    assert q.available == 0
