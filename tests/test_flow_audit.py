"""Reversal (/undo) and traceability (/history), as conversations on the floor."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from sqlalchemy import select

from stockbot.replies import Fields, Table
from stockbot.store import ledger
from stockbot.store.catalog import default_location, ensure_warehouse
from stockbot.store.check import check_balances
from stockbot.store.models import Movement, MovementKind, Posting, User

from transcript import Floor, row_counts


@pytest.fixture
def floor(db) -> Floor:
    return Floor(db).people()


def _transfer(floor: Floor, item_id: int, qty: int) -> tuple[int, int]:
    """A two-line transfer MAIN → WH2 posted by Carol (as the transfer flow would)."""
    with floor.db.write() as s:
        main = default_location(s, ensure_warehouse(s, "MAIN").id).id
        wh2 = default_location(s, ensure_warehouse(s, "WH2").id).id
        carol = s.scalar(select(User.id).where(User.display_name == "Carol"))
        result = ledger.post(
            s.connection(),
            ledger.Meta(
                "tr-1",
                "transfer",
                actor_id=carol,
                doc_type="transfer",
                chat_platform="console",
                chat_id="group",
            ),
            [
                ledger.Line(item_id, main, Decimal(-qty), MovementKind.TRANSFER_OUT),
                ledger.Line(item_id, wh2, Decimal(qty), MovementKind.TRANSFER_IN),
            ],
        )
    out, into = result.movement_ids
    return out, into


def _undo(floor: Floor, who: str, text: str):  # type: ignore[no-untyped-def]
    """`/undo …` and then its Confirm button, as a keeper does it."""
    shown = floor.say(who, text)
    assert shown.buttons(), shown.plain()
    return floor.press(who, "Confirm reversal")


# --- /undo ---------------------------------------------------------------------------------------


def test_undo_first_shows_what_it_will_reverse_and_writes_nothing_until_confirmed(floor):
    bolt = floor.item("BOLT-M8", stock=50)
    out, into = _transfer(floor, bolt, 20)
    before = row_counts(floor.db)
    shown = floor.say("carol", f"/undo MV-{out:05d} wrong bin")
    assert "#" not in shown.plain()
    table = shown.blocks_of(Table)[0]
    assert [r[0] for r in table.rows] == [f"MV-{out:05d}", f"MV-{into:05d}"]
    assert [r[1:] for r in table.rows] == [
        ["transfer out", "BOLT-M8", "-20 pcs", "MAIN"],
        ["transfer in", "BOLT-M8", "+20 pcs", "WH2"],
    ]
    assert [b.label for b in shown.buttons()] == ["Confirm reversal", "Cancel"]
    assert {k: v for k, v in row_counts(floor.db).items() if k != "action_tokens"} == {
        k: v for k, v in before.items() if k != "action_tokens"
    }
    assert floor.on_hand(bolt) == 50

    done = floor.press("carol", "Confirm reversal")
    assert f"MV-{out:05d} reversed by Carol" in done.plain() and "#" not in done.plain()
    with floor.db.read() as s:
        rev = s.scalars(select(Posting).where(Posting.doc_type == "undo")).one()
    assert f"Reversal posting PST-{rev.id:05d}" in done.plain()
    after = row_counts(floor.db)
    again = floor.press(
        "alice", "Confirm reversal"
    )  # the same button, pressed again by someone else
    assert re.search(r"already reversed by Carol at \d\d:\d\d", again.plain())
    assert row_counts(floor.db) == after


def test_cancel_reverses_nothing_and_its_confirm_goes_stale(floor):
    bolt = floor.item("BOLT-M8", stock=100)
    floor.say("carol", "/undo MV-00001 wrong item")
    before = row_counts(floor.db)
    cancelled = floor.press("carol", "Cancel")
    assert "cancelled by Carol" in cancelled.plain() and "nothing was changed" in cancelled.plain()
    late = floor.press("carol", "Confirm reversal")
    assert "undo.done" not in late.keys()
    assert floor.on_hand(bolt) == 100
    assert row_counts(floor.db)["movements"] == before["movements"]


@pytest.mark.parametrize("ref", ["MV-00002", "mv2", "MV#2", "2", "#2"])
def test_a_movement_is_named_mv_and_a_posting_pst_and_never_confused(floor, ref):
    """The old reply said "Reversal posting #13914" and `/undo #13914` then reversed movement
    13914, an unrelated one. Postings and movements are separate sequences: here posting 2 is
    the transfer (movements 2 and 3), posting 3 its own reversal — never movement 3."""
    bolt = floor.item("BOLT-M8", stock=50)
    out, into = _transfer(floor, bolt, 20)
    assert (out, into) == (2, 3)
    shown = floor.say("carol", f"/undo {ref} wrong bin")
    assert [r[0] for r in shown.blocks_of(Table)[0].rows] == ["MV-00002", "MV-00003"]
    done = floor.press("carol", "Confirm reversal")
    assert "PST-00003" in done.plain()
    assert "#" not in done.plain()
    # the reversal posting's number names no movement to undo: PST-00003 is the reversal itself
    assert "itself a reversal" in floor.say("carol", "/undo PST-00003 test").plain()
    history = floor.say("bob", "/history MV-00002")
    assert "PST-00002" in history.plain() and "#" not in history.plain()


def test_undoing_a_receipt_takes_the_stock_back_with_a_reversal_posting(floor):
    bolt = floor.item("BOLT-M8", stock=100)
    reply = _undo(floor, "carol", "/undo MV-1 counted the pallet twice")
    assert "MV-00001 reversed by Carol" in reply.plain()
    assert "counted the pallet twice" in reply.plain()
    assert floor.on_hand(bolt) == 0
    with floor.db.read() as s:
        rev = s.scalars(select(Movement).where(Movement.kind == "reversal")).one()
        posting = s.get(Posting, rev.posting_id)
        assert (rev.reverses_movement_id, rev.qty) == (1, Decimal(-100))
        assert (posting.doc_type, posting.doc_id, posting.note) == (
            "undo",
            "1",
            "counted the pallet twice",
        )
        assert posting.actor_id == s.scalar(select(User.id).where(User.display_name == "Carol"))
        assert (posting.chat_platform, posting.chat_id) == ("console", "group")
        assert check_balances(s) == []


def test_undoing_one_line_of_a_transfer_reverses_the_whole_transfer(floor):
    bolt = floor.item("BOLT-M8", stock=50)
    out, into = _transfer(floor, bolt, 20)
    reply = _undo(floor, "alice", f"/undo {into} wrong warehouse")
    assert f"MV-{into:05d} reversed by Alice" in reply.plain()
    table = reply.blocks_of(Table)[0]
    assert len(table.rows) == 2
    with floor.db.read() as s:
        reversed_ids = set(
            s.scalars(select(Movement.reverses_movement_id).where(Movement.kind == "reversal"))
        )
        assert reversed_ids == {out, into}
        assert check_balances(s) == []
    assert floor.on_hand(bolt) == 50
    assert "reversed by Alice" in floor.inbox("carol")[0].plain()  # who posted it is told


def test_undoing_twice_says_who_reversed_it_and_when_and_posts_nothing(floor):
    bolt = floor.item("BOLT-M8", stock=100)
    _undo(floor, "carol", "/undo 1 wrong item")
    before = row_counts(floor.db)
    again = floor.say("alice", "/undo 1 wrong item")
    assert re.search(r"already reversed by Carol at \d\d:\d\d", again.plain())
    assert row_counts(floor.db) == before
    assert floor.on_hand(bolt) == 0


def test_a_retried_identical_confirm_posts_once(floor):
    floor.item("BOLT-M8", stock=100)
    from stockbot.commands.inbound import Inbound

    msg = Inbound(
        platform="console",
        user_id="carol",
        chat_id="group",
        message_id="same",
        event_id="same",
        action_id=floor.say("carol", "/undo 1 duplicate").buttons()[0].action_id,
    )
    floor.runtime.handle(msg)
    before = row_counts(floor.db)
    again = floor.runtime.handle(msg)
    assert "already reversed by Carol" in again.plain()
    assert row_counts(floor.db) == before


def test_ten_keepers_racing_to_undo_one_transfer_reverse_it_once(floor):
    import threading

    from stockbot.commands.inbound import Inbound

    bolt = floor.item("BOLT-M8", stock=50)
    out, into = _transfer(floor, bolt, 20)
    replies: list[str] = []
    prompts = [
        floor.say("carol", f"/undo {out if n % 3 else into} race {n}").buttons()[0].action_id
        for n in range(10)
    ]

    def race(n: int) -> None:
        reply = floor.runtime.handle(
            Inbound(
                platform="console",
                user_id="carol" if n % 2 else "alice",
                chat_id="group",
                message_id=f"u{n}",
                event_id=f"u{n}",
                action_id=prompts[n],
            )
        )
        replies.append(reply.plain())

    threads = [threading.Thread(target=race, args=(n,)) for n in range(10)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    assert sum("reversed by" in r and "already" not in r for r in replies) == 1
    assert sum("already reversed by" in r for r in replies) == 9
    with floor.db.read() as s:
        assert len(s.scalars(select(Posting).where(Posting.doc_type == "undo")).all()) == 1
        assert check_balances(s) == []
    assert floor.on_hand(bolt) == 50


def test_undoing_a_receipt_whose_goods_were_issued_is_refused_and_writes_nothing(floor):
    bolt = floor.item("BOLT-M8", stock=100)
    floor.say("bob", "/request BOLT-M8 100")
    floor.press("carol", "Issue 100")
    floor.say("carol", "/undo 1 wrong delivery")
    before = row_counts(floor.db)
    reply = floor.press("carol", "Confirm reversal")
    assert "Not enough BOLT-M8" in reply.plain() and "short by 100" in reply.plain()
    assert row_counts(floor.db) == before
    assert floor.on_hand(bolt) == 0


def test_undoing_stock_that_approved_requests_have_reserved_is_refused(floor):
    bolt = floor.item("BOLT-M8", stock=100)
    floor.say("bob", "/request BOLT-M8 80")
    before = row_counts(floor.db)
    reply = floor.say("carol", "/undo 1 wrong delivery")
    assert "below the 80 pcs reserved" in reply.plain()
    assert row_counts(floor.db) == before
    assert floor.on_hand(bolt) == 100 and floor.available(bolt) == 20


def test_staff_cannot_undo(floor):
    floor.item("BOLT-M8", stock=100)
    before = row_counts(floor.db)
    reply = floor.say("bob", "/undo 1 oops")
    assert "Only a warehouse keeper" in reply.plain()
    assert row_counts(floor.db) == before


def test_undoing_a_material_request_issue_points_to_the_requests_own_flow(floor):
    bolt = floor.item("BOLT-M8", stock=100)
    floor.say("bob", "/request BOLT-M8 20")
    floor.press("carol", "Issue 20")
    with floor.db.read() as s:
        issue = s.scalars(select(Movement.id).where(Movement.kind == "issue")).one()
    before = row_counts(floor.db)
    reply = floor.say("carol", f"/undo {issue} wrong line")
    assert "belongs to MR-00001" in reply.plain() and "/return" in reply.plain()
    assert row_counts(floor.db) == before
    assert floor.on_hand(bolt) == 80


def test_undoing_a_goods_receipt_points_to_the_receipts_own_flow(floor):
    bolt = floor.item("BOLT-M8")
    floor.say("carol", "/receive BOLT-M8 10")
    before = row_counts(floor.db)
    reply = floor.say("carol", "/undo 1 wrong item")
    assert "belongs to GR-00001" in reply.plain()
    assert row_counts(floor.db) == before
    assert floor.on_hand(bolt) == 10


def test_a_reversal_cannot_itself_be_undone(floor):
    floor.item("BOLT-M8", stock=100)
    _undo(floor, "carol", "/undo 1 wrong")
    before = row_counts(floor.db)
    reply = floor.say("carol", "/undo 2 undo the undo")
    assert "itself a reversal" in reply.plain()
    assert row_counts(floor.db) == before


def test_a_chinese_undo_is_answered_in_chinese(floor):
    floor.item("BOLT-M8", stock=10)
    shown = floor.say("carol", "冲销 1 录错了")
    assert "冲销 PST-00001" in shown.plain() and "录错了" in shown.plain()
    assert [b.label for b in shown.buttons()] == ["确认冲销", "取消"]
    assert "MV-00001" in floor.press("carol", "确认冲销").plain()


# --- /history ------------------------------------------------------------------------------------


def test_the_history_of_an_item_shows_who_when_and_from_which_chat(floor):
    bolt = floor.item("BOLT-M8", stock=100)
    floor.say("bob", "/request BOLT-M8 20")
    floor.press("carol", "Issue 20")
    out, into = _transfer(floor, bolt, 30)
    reply = floor.say("bea", "/history BOLT-M8")
    assert "BOLT-M8" in reply.plain() and "on hand 80 pcs" in reply.plain()
    table = reply.blocks_of(Table)[0]
    assert [r[0] for r in table.rows] == ["MV-00001", "MV-00002", f"MV-{out:05d}", f"MV-{into:05d}"]
    issue = table.rows[1]
    assert issue[2] == "issue" and issue[3] == "-20 pcs" and issue[4] == "MAIN"
    assert issue[5] == "Carol" and issue[6] == "MR-00001" and issue[7] == "console:group"
    assert re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d", issue[1])
    assert table.rows[3][2] == "transfer in" and table.rows[3][4] == "WH2"


def test_the_history_of_an_item_keeps_to_the_last_fifteen_movements(floor):
    bolt = floor.item("BOLT-M8")
    with floor.db.write() as s:
        loc = default_location(s, 1).id
        for n in range(25):
            ledger.post(
                s.connection(),
                ledger.Meta(f"r{n}", "receipt"),
                [ledger.Line(bolt, loc, Decimal(1), MovementKind.RECEIPT)],
            )
    table = floor.say("bob", "/history BOLT-M8").blocks_of(Table)[0]
    assert len(table.rows) == 15 and table.rows[-1][0] == "MV-00025"


def test_the_history_of_a_document_shows_its_decisions_in_order_and_its_movements(floor):
    floor.item("MOTOR", stock=10, unit_cost=Decimal(800))
    floor.say("bob", "/request motor 2 for WO-3")
    floor.press("dave", "Approve")
    floor.press("carol", "Issue 2")
    reply = floor.say("bea", "/history MR-1")
    text = reply.plain()
    assert "MR-00001" in text and "MOTOR 2 pcs" in text and "issued" in text
    decisions, movements = reply.blocks_of(Table)
    assert [(r[1], r[2]) for r in decisions.rows] == [
        ("requested", "Bob"),
        ("approved", "Dave"),
        ("issued", "Carol"),
    ]
    assert all(r[5] == "console:group" for r in decisions.rows)
    assert decisions.rows[2][3] == "2 pcs"
    assert len(movements.rows) == 1
    assert movements.rows[0][2:7] == ["issue", "MOTOR", "-2 pcs", "MAIN", "Carol"]


def test_the_history_of_a_movement_shows_its_posting(floor):
    bolt = floor.item("BOLT-M8", stock=50)
    out, into = _transfer(floor, bolt, 20)
    _undo(floor, "carol", f"/undo {out} wrong bin")
    reply = floor.say("bob", f"/history MV-{out}")
    fields = dict(reply.blocks_of(Fields)[0].rows)
    assert fields["Kind"] == "transfer out" and fields["Qty"] == "-20 pcs"
    assert fields["Who"] == "Carol" and fields["Chat"] == "console:group"
    assert fields["Document"] == "transfer"
    assert f"MV-{into:05d}" in fields["Other lines of the posting"]
    assert "Carol" in fields["Reversed by"] and "wrong bin" in fields["Reversed by"]


def test_an_ambiguous_history_offers_choices_that_show_the_history(floor):
    floor.item("BOLT-M8X20", stock=50, name="Hex bolt M8x20")
    floor.item("BOLT-M8X30", stock=7, name="Hex bolt M8x30")
    reply = floor.say("bob", "/history hex bolt m8")
    assert len(reply.buttons()) >= 2
    shown = floor.press("bob", "BOLT-M8X30")
    assert "BOLT-M8X30" in shown.plain() and "+7 pcs" in shown.plain()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("/history nothing-like-this", "found no item, document or movement"),
        ("/history MR-99", "There is no MR-00099"),
        ("/history #999", "There is no MV-00999"),
        ("/history PST-999", "There is no PST-00999"),
        ("/undo 999 wrong", "There is no MV-00999"),
        ("/undo PST-999 wrong", "There is no PST-00999"),
        ("/undo abc wrong", "There is no abc"),
        ("/undo 99999999999999999999 wrong", "There is no"),
        ("/undo 1", "Say why"),
        ("/undo", "Which movement"),
        ("/history", "Which"),
        ("/undo 1 '); DROP TABLE movements;-- " + "x" * 3000, "too long"),
    ],
)
def test_bad_input_gets_a_clear_message_and_writes_nothing(floor, text, expected):
    floor.item("BOLT-M8", stock=10)
    before = row_counts(floor.db)
    reply = floor.say("carol", text)
    assert expected in reply.plain()
    assert "went wrong" not in reply.plain()
    assert row_counts(floor.db) == before


def test_sql_and_markup_in_an_undo_reason_are_kept_as_text(floor):
    floor.item("BOLT-M8", stock=10)
    reason = "'); DROP TABLE movements;-- <b>*x*</b>"
    reply = _undo(floor, "carol", f"/undo 1 {reason}")
    assert reason in reply.plain()
    with floor.db.read() as s:
        assert s.scalars(select(Posting.note).where(Posting.doc_type == "undo")).one() == reason


def test_the_history_of_a_purchase_order_follows_request_order_and_receipt(floor):
    floor.item("BOLT-M8", unit_cost=Decimal("0.5"))
    floor.say("bob", "/purchase BOLT-M8 1000")
    floor.press("dave", "Approve")
    floor.say("carol", "/receive BOLT-M8 400 po PO-00001")
    reply = floor.say("bea", "/history PO-1")
    assert "PO-00001" in reply.plain() and "BOLT-M8 400/1000 pcs" in reply.plain()
    decisions, movements = reply.blocks_of(Table)
    assert [(r[1], r[2], r[-1]) for r in decisions.rows][:2] == [
        ("requested", "Bob", "PR-00001"),
        ("approved", "Dave", "PR-00001"),
    ]
    assert decisions.rows[-1][1:3] == ["received", "Carol"]
    assert decisions.rows[-1][-1] == "GR-00001"
    assert movements.rows[0][2:5] == ["receipt", "BOLT-M8", "+400 pcs"]
    assert movements.rows[0][-1] == "GR-00001"
    same = floor.say("bea", "/history PR-1")
    assert "GR-00001" in same.plain() and "+400 pcs" in same.plain()
