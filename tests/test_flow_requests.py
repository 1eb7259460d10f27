"""Material requests (领料), as conversations on the floor."""

from __future__ import annotations

import threading
from decimal import Decimal

import pytest
from sqlalchemy import select

from stockbot.replies import Table
from stockbot.store.check import check_balances
from stockbot.store.models import (
    Batch,
    Decision,
    MaterialRequest,
    Movement,
    MovementKind,
    Reservation,
    ShortageIncident,
)

from transcript import Floor, row_counts


@pytest.fixture
def floor(db) -> Floor:
    return Floor(db).people()


def test_a_small_request_is_reserved_at_once_and_the_keeper_is_asked_to_issue(floor):
    bolt = floor.item("BOLT-M8", stock=100, unit_cost=Decimal("0.5"))
    reply = floor.say("bob", "/request BOLT-M8 20 for WO-7")
    assert "MR-00001" in reply and "reserved" in reply.plain()
    assert floor.available(bolt) == 80 and floor.on_hand(bolt) == 100
    card = floor.inbox("carol")
    assert len(card) == 1 and "WO-7" in card[0] and "MR-00001" in card[0]

    done = floor.press("carol", "Issue 20")
    assert "issued by Carol" in done.plain()
    assert floor.on_hand(bolt) == 80 and floor.available(bolt) == 80
    ready = floor.inbox("bob")
    assert "Your material is ready" in ready[0].plain()

    confirmed = floor.press("bob", "Confirm receipt")
    assert "received by Bob" in confirmed.plain()
    with floor.db.read() as s:
        assert s.get(MaterialRequest, 1).state == "received"
        assert check_balances(s) == []
        actions = s.scalars(select(Decision.action).order_by(Decision.id)).all()
    assert actions == ["request", "issue", "confirm"]


def test_an_expensive_request_waits_for_an_approver_and_reserves_only_when_approved(floor):
    motor = floor.item("MOTOR", stock=10, unit_cost=Decimal(800))
    reply = floor.say("bob", "/request motor 2")
    assert "waiting for approval" in reply.plain()
    assert floor.available(motor) == 10
    assert any("Approve" in b.label for r in floor.inbox("dave") for b in r.buttons())

    approved = floor.press("dave", "Approve")
    assert "approved by Dave" in approved.plain()
    assert floor.available(motor) == 8
    assert "approved by Dave" in floor.inbox("bob")[0].plain()
    assert floor.inbox("carol")  # the issue card


def test_nobody_approves_their_own_request(floor):
    floor.item("MOTOR", stock=10, unit_cost=Decimal(800))
    floor.say("dave", "/request motor 2")
    before = row_counts(floor.db)
    reply = floor.say("dave", "/approve MR-1")
    assert reply.keys() == ["wf.not_requester"]
    assert row_counts(floor.db) == before


def test_staff_cannot_approve_and_nothing_changes(floor):
    floor.item("MOTOR", stock=10, unit_cost=Decimal(800))
    floor.say("bob", "/request motor 2")
    before = row_counts(floor.db)
    reply = floor.press("bea", "Approve")
    assert "Only an approver" in reply.plain()
    assert row_counts(floor.db) == before


def test_an_approval_over_the_approvers_limit_is_refused(floor):
    floor.item("PRESS", stock=3, unit_cost=Decimal(9000))
    floor.say("bob", "/request press 1")
    assert "over your approval limit" in floor.say("dave", "/approve MR-00001").plain()
    assert "approved by Frank" in floor.say("frank", "/approve MR-00001").plain()


def test_pressing_approve_twice_approves_once_and_says_who_did_it(floor):
    motor = floor.item("MOTOR", stock=10, unit_cost=Decimal(800))
    floor.say("bob", "/request motor 2")
    button = floor.button("Approve")
    floor.press_id("dave", button.action_id)
    again = floor.press_id("frank", button.action_id)
    assert "already approved by Dave" in again.plain()
    assert floor.available(motor) == 8
    with floor.db.read() as s:
        assert len(s.scalars(select(Reservation)).all()) == 1


def test_a_rejection_asks_for_the_reason_and_tells_the_requester(floor):
    floor.item("MOTOR", stock=10, unit_cost=Decimal(800))
    floor.say("bob", "/request motor 2")
    ask = floor.press("dave", "Reject")
    assert "Why is MR-00001 rejected" in ask.plain()
    done = floor.say("dave", "use the spare in line 3")
    assert "rejected by Dave" in done.plain() and "spare in line 3" in done.plain()
    assert "rejected" in floor.inbox("bob")[0].plain()
    stale = floor.press("frank", "Approve")
    assert "already rejected by Dave" in stale.plain()


def test_a_partial_issue_leaves_the_rest_reserved_then_the_rest_is_issued(floor):
    bolt = floor.item("BOLT-M8", stock=100)
    floor.say("bob", "/request BOLT-M8 30")
    part = floor.say("carol", "/issue MR-1 10")
    assert "20 pcs still to issue" in part.plain()
    assert floor.on_hand(bolt) == 90 and floor.available(bolt) == 70
    assert "Only 20 pcs of MR-00001 is left" in floor.say("carol", "/issue MR-1 25").plain()
    floor.say("carol", "/issue MR-1")
    assert floor.on_hand(bolt) == 70 and floor.available(bolt) == 70
    with floor.db.read() as s:
        assert s.get(MaterialRequest, 1).state == "issued"
        assert check_balances(s) == []


def test_issue_takes_the_earliest_expiry_first_and_says_where_to_pick_it(floor):
    """The issue reply is a pick list the keeper can walk: location · batch (expiry) · qty per
    line, soonest expiry first."""
    from datetime import date, timedelta

    from stockbot.store import ledger
    from stockbot.store.catalog import ensure_batch, ensure_location, ensure_warehouse

    glue = floor.item("GLUE", batch_tracked=True)
    soon_day, late_day = date.today() + timedelta(days=10), date.today() + timedelta(days=90)
    with floor.db.write() as s:
        main = ensure_warehouse(s, "MAIN")
        a1, b2 = ensure_location(s, main, "A-01").id, ensure_location(s, main, "B-02").id
        late = ensure_batch(s, glue, "LATE", date.today(), late_day).id
        soon = ensure_batch(s, glue, "SOON", date.today(), soon_day).id
        ledger.post(
            s.connection(),
            ledger.Meta("glue", "receipt"),
            [
                ledger.Line(glue, a1, Decimal(5), MovementKind.RECEIPT, late),
                ledger.Line(glue, b2, Decimal(5), MovementKind.RECEIPT, soon),
            ],
        )
    floor.say("bob", "/request glue 7")
    reply = floor.press("carol", "Issue 7")
    with floor.db.read() as s:
        taken = {
            s.get(Batch, m.batch_id).lot: -m.qty
            for m in s.scalars(select(Movement).where(Movement.kind == "issue"))
        }
    assert taken == {"SOON": 5, "LATE": 2}
    assert "mr.issued" in reply.keys()
    table = reply.blocks_of(Table)[0]
    assert table.headers == ["Item", "Pick from", "Batch", "Qty"]
    assert table.rows == [
        ["GLUE", "MAIN/B-02", f"SOON · {soon_day.isoformat()}", "5 pcs"],
        ["GLUE", "MAIN/A-01", f"LATE · {late_day.isoformat()}", "2 pcs"],
    ]


def test_a_double_clicked_issue_button_issues_once(floor):
    bolt = floor.item("BOLT-M8", stock=100)
    floor.say("bob", "/request BOLT-M8 20")
    button = floor.button("Issue 20")
    floor.press_id("carol", button.action_id)
    again = floor.press_id("carol", button.action_id)
    assert "already issued by Carol" in again.plain()
    assert floor.on_hand(bolt) == 80


def test_a_short_request_says_how_much_is_missing_and_offers_purchase_and_transfer(floor):
    bolt = floor.item("BOLT-M8", stock=5, reorder_qty=Decimal(200))
    floor.item("BOLT-M8", stock=40, warehouse="WH2")
    before = row_counts(floor.db)
    reply = floor.say("bob", "/request BOLT-M8 20 for WO-9")
    text = reply.plain()
    assert "20 pcs requested, 5 pcs available" in text and "short by 15 pcs" in text
    labels = [b.label for b in reply.buttons()]
    assert "Request purchase (200 pcs)" in labels
    assert "Transfer 15 pcs from WH2" in labels
    with floor.db.read() as s:
        incident = s.scalars(select(ShortageIncident)).one()
        assert (incident.qty_requested, incident.work_order) == (20, "WO-9")
        assert s.scalars(select(MaterialRequest)).all() == []
    after = row_counts(floor.db)
    assert after["shortage_incidents"] == before["shortage_incidents"] + 1
    assert after["material_requests"] == 0 and after["reservations"] == 0
    assert floor.available(bolt) == 45


@pytest.mark.parametrize(
    "text",
    [
        "/request BOLT-M8 0",
        "/request BOLT-M8 -5",
        "/request BOLT-M8 abc",
        "/request BOLT-M8 1e309",
        "/request BOLT-M8 NaN",
        "/request nothing-like-this 5",
        "/request BOLT-M8 5 " + "x" * 10_000,
        "/request '); DROP TABLE items;-- 5",
        "/request BOLT-M8 2 桶",
        "/issue MR-99",
        "/approve MR-1",
    ],
)
def test_bad_input_gets_a_clear_message_and_writes_nothing(floor, text):
    floor.item("BOLT-M8", stock=10)
    before = row_counts(floor.db)
    reply = floor.say("newcomer", text)
    assert reply.plain()
    assert "went wrong" not in reply.plain()
    assert row_counts(floor.db) == before


def test_sql_and_markup_in_a_note_are_kept_as_text(floor):
    floor.item("BOLT-M8", stock=10)
    note = "'); DROP TABLE items;-- <b>*x*</b>"
    floor.say("bob", f"/request BOLT-M8 1 note {note}")
    with floor.db.read() as s:
        assert s.get(MaterialRequest, 1).note == note
    assert "BOLT-M8" in floor.say("bob", "/stock BOLT-M8").plain()


def test_a_chinese_request_is_answered_in_chinese_and_units_convert(floor):
    floor.item(
        "BOLT-M8",
        stock=1000,
        name="Hex bolt M8",
        aliases=["六角螺栓M8"],
        units={"箱": Decimal(100)},
    )
    reply = floor.say("bob", "领料 六角螺栓M8 2箱")
    assert "已为" in reply.plain() and "2箱 = 200个" in reply.plain()


def test_an_ambiguous_item_offers_choices_that_continue_the_request(floor):
    floor.item("BOLT-M8X20", stock=50, name="Hex bolt M8x20")
    floor.item("BOLT-M8X30", stock=50, name="Hex bolt M8x30")
    reply = floor.say("bob", "/request hex bolt m8 5")
    labels = [b.label for b in reply.buttons()]
    assert any("M8X20" in label for label in labels) and any("M8X30" in label for label in labels)
    done = floor.press("bob", "BOLT-M8X30")
    assert "MR-00001" in done and "BOLT-M8X30" in done.plain()


def test_twenty_threads_racing_to_approve_and_issue_act_once_per_request(floor):
    motor = floor.item("MOTOR", stock=100, unit_cost=Decimal(800))
    for _ in range(5):
        floor.say("bob", "/request motor 3")
    approve = [floor.button("Approve").action_id]
    floor.shown.clear()
    approvals = {}
    with floor.db.read() as s:
        from stockbot.store.models import ActionToken

        for tok in s.scalars(select(ActionToken).where(ActionToken.action == "approve")):
            approvals[tok.doc_id] = f"a:{tok.token}"
    assert len(approvals) == 5 and approve[0] in approvals.values()
    errors: list[BaseException] = []

    def race(n: int) -> None:
        try:
            who = "dave" if n % 2 else "frank"
            for doc_id, action in sorted(approvals.items()):
                floor.runtime.handle(_press(who, action, n, doc_id))
            for doc_id in sorted(approvals):
                floor.runtime.handle(_say("carol", f"/issue MR-{doc_id}", n, doc_id))
        except BaseException as exc:  # pragma: no cover
            errors.append(exc)

    threads = [threading.Thread(target=race, args=(n,)) for n in range(20)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    assert not errors
    with floor.db.read() as s:
        states = s.scalars(select(MaterialRequest.state)).all()
        issues = s.scalars(select(Movement).where(Movement.kind == "issue")).all()
        approvals_made = s.scalars(select(Decision).where(Decision.action == "approve")).all()
        assert check_balances(s) == []
    assert states == ["issued"] * 5
    assert len(approvals_made) == 5 and len(issues) == 5
    assert floor.on_hand(motor) == 85 and floor.available(motor) == 85


def _press(who: str, action: str, n: int, doc: int):  # type: ignore[no-untyped-def]
    from stockbot.commands.inbound import Inbound

    return Inbound(
        platform="console",
        user_id=who,
        chat_id="group",
        message_id=f"r{n}-{doc}",
        event_id=f"r{n}-{doc}",
        action_id=action,
    )


def _say(who: str, text: str, n: int, doc: int):  # type: ignore[no-untyped-def]
    from stockbot.commands.inbound import Inbound

    return Inbound(
        platform="console", user_id=who, chat_id="group", message_id=f"i{n}-{doc}", text=text
    )


def test_a_reason_given_after_someone_else_decided_closes_the_question(floor):
    floor.item("MOTOR", stock=10, unit_cost=Decimal(800))
    floor.say("bob", "/request motor 2")
    floor.press("dave", "Reject")
    floor.press("frank", "Approve")
    late = floor.say("dave", "too expensive")
    assert "already approved by Frank" in late.plain()
    # the question is closed: dave's next plain words are not taken as a reason again
    assert "already approved" not in floor.say("dave", "thanks").plain()
