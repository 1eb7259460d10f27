"""Goods receipts (入库 / 到货确认) with QC, as conversations on the floor."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from sqlalchemy import select

from stockbot.store.catalog import (
    ensure_location,
    ensure_user,
    ensure_warehouse,
    grant_role,
    upsert_supplier,
)
from stockbot.store.check import check_balances
from stockbot.store.models import (
    Batch,
    Decision,
    GoodsReceipt,
    Movement,
    Posting,
    PurchaseOrder,
    PurchaseOrderLine,
    Role,
)
from stockbot.store.quantities import quantities
from stockbot.timeutil import set_clock

from transcript import Floor, row_counts

NOW = datetime(2025, 6, 2, 2, 0, tzinfo=UTC)  # 10:00 on the floor (Asia/Shanghai)


@pytest.fixture
def floor(db) -> Floor:
    set_clock(lambda: NOW)
    return Floor(db).people()


def ordered(floor: Floor, item: str, qty: int) -> None:
    """Bob asks for a purchase, Dave approves it: PO-n is open for `qty`."""
    assert "waiting for approval" in floor.say("bob", f"/purchase {item} {qty}").plain()
    assert "PO-" in floor.press("dave", "Approve").plain()
    floor.inbox("bob")


def on_order(floor: Floor, item_id: int) -> Decimal:
    with floor.db.read() as s:
        return quantities(s, [item_id])[item_id].on_order


def receipt(floor: Floor, gr_id: int = 1) -> GoodsReceipt:
    with floor.db.read() as s:
        return s.get(GoodsReceipt, gr_id)


def balanced(floor: Floor) -> bool:
    with floor.db.read() as s:
        return check_balances(s) == []


def test_a_receipt_without_a_po_puts_the_goods_on_hand(floor):
    bolt = floor.item("BOLT-M8", unit_cost=Decimal("0.5"))
    with floor.db.write() as s:
        ensure_location(s, ensure_warehouse(s, "MAIN"), "A-01")
    reply = floor.say("carol", "/receive BOLT-M8 50 loc A-01")
    assert "GR-00001: 50 pcs BOLT-M8 received into MAIN/A-01" in reply.plain()
    assert floor.on_hand(bolt) == 50 and floor.available(bolt) == 50
    gr = receipt(floor)
    assert (gr.state, gr.qty, gr.qty_accepted, gr.po_line_id) == ("accepted", 50, 50, None)
    with floor.db.read() as s:
        posting = s.scalars(select(Posting)).all()[-1]
        move = s.scalars(select(Movement).where(Movement.posting_id == posting.id)).one()
    assert (posting.idempotency_key, posting.doc_type, posting.doc_id) == (
        "gr:1:receipt",
        "gr",
        "GR-00001",
    )
    assert (move.kind, move.qty, move.unit_cost) == ("receipt", 50, Decimal("0.5"))
    assert balanced(floor)


def test_an_unknown_location_is_refused_with_the_known_ones(floor):
    floor.item("BOLT-M8")
    with floor.db.write() as s:
        wh = ensure_warehouse(s, "MAIN")
        ensure_location(s, wh, "A-01")
        ensure_location(s, wh, "B-02")
    before = row_counts(floor.db)
    reply = floor.say("carol", "/receive BOLT-M8 5 loc Z-9")
    assert "MAIN has no location “Z-9”. Known locations: A-01, B-02." in reply.plain()
    assert row_counts(floor.db) == before


def test_partial_receipts_against_a_po_then_completion_closes_it(floor):
    bolt = floor.item("BOLT-M8", unit_cost=Decimal("0.5"))
    ordered(floor, "BOLT-M8", 100)
    assert on_order(floor, bolt) == 100

    first = floor.say("carol", "/receive BOLT-M8 40 po PO-00001")
    assert "against PO-00001 — 40 pcs of 100 pcs received" in first.plain()
    assert on_order(floor, bolt) == 60 and floor.on_hand(bolt) == 40
    told = floor.inbox("bob")
    assert "40 pcs BOLT-M8 received by Carol (GR-00001); 60 pcs still on order" in told[0].plain()

    second = floor.say("carol", "/receive BOLT-M8 60 po 1")
    assert "100 pcs of 100 pcs received; PO-00001 is complete" in second.plain()
    assert on_order(floor, bolt) == 0 and floor.on_hand(bolt) == 100
    assert "PO-00001 is complete" in floor.inbox("bob")[0].plain()
    with floor.db.read() as s:
        assert s.get(PurchaseOrder, 1).state == "closed"
        assert s.scalars(select(PurchaseOrderLine.state)).one() == "closed"

    before = row_counts(floor.db)
    late = floor.say("carol", "/receive BOLT-M8 1 po PO-1")
    assert "PO-00001 is closed (fully received)" in late.plain()
    assert row_counts(floor.db) == before
    assert balanced(floor)


def test_over_receipt_beyond_the_tolerance_is_refused_and_within_it_accepted(floor):
    bolt = floor.item("BOLT-M8", unit_cost=Decimal("0.5"))
    ordered(floor, "BOLT-M8", 100)
    floor.say("carol", "/receive BOLT-M8 30 po 1")
    before = row_counts(floor.db)
    reply = floor.say("carol", "/receive BOLT-M8 76 po 1")
    text = reply.plain()
    assert "Too much for PO-00001: 100 pcs BOLT-M8 ordered, 30 pcs already received" in text
    assert "5% tolerance it may take at most 75 pcs now" in text
    assert row_counts(floor.db) == before and floor.on_hand(bolt) == 30

    ok = floor.say("carol", "/receive BOLT-M8 75 po 1")
    assert "105 pcs of 100 pcs received; PO-00001 is complete" in ok.plain()
    assert floor.on_hand(bolt) == 105 and on_order(floor, bolt) == 0
    assert balanced(floor)


def test_a_po_for_another_item_is_refused(floor):
    floor.item("BOLT-M8", unit_cost=Decimal("0.5"))
    floor.item("NUT-M8", unit_cost=Decimal("0.2"))
    ordered(floor, "BOLT-M8", 100)
    before = row_counts(floor.db)
    reply = floor.say("carol", "/receive NUT-M8 100 po PO-1")
    assert "PO-00001 is for BOLT-M8, not NUT-M8" in reply.plain()
    assert row_counts(floor.db) == before


def test_batch_and_expiry_are_recorded_and_tracked_items_get_a_lot(floor):
    glue = floor.item("GLUE", unit_cost=Decimal(3))
    reply = floor.say("carol", "/receive GLUE 10 batch L2405 exp 2026-05-31")
    assert "(batch L2405, expires 2026-05-31)" in reply.plain()
    paint = floor.item("PAINT", batch_tracked=True)
    assert "(batch GR00002)" in floor.say("carol", "/receive PAINT 4").plain()
    with floor.db.read() as s:
        lots = {b.lot: b for b in s.scalars(select(Batch))}
        moves = {m.item_id: m.batch_id for m in s.scalars(select(Movement))}
    assert lots["L2405"].expiry == date(2026, 5, 31)
    assert lots["L2405"].received_on == date(2025, 6, 2)
    assert moves[glue] == lots["L2405"].id and moves[paint] == lots["GR00002"].id
    assert (receipt(floor).lot, receipt(floor).expiry) == ("L2405", date(2026, 5, 31))
    before = row_counts(floor.db)
    clash = floor.say("carol", "/receive GLUE 5 batch L2405 exp 2027-01-01")
    assert "already recorded with expiry 2026-05-31" in clash.plain()
    assert row_counts(floor.db) == before


def test_a_batch_from_a_po_remembers_the_supplier(floor):
    with floor.db.write() as s:
        acme = upsert_supplier(s, "ACME", name="Acme").id
    floor.item("GLUE", unit_cost=Decimal(3), default_supplier_id=acme)
    ordered(floor, "GLUE", 10)
    floor.say("carol", "/receive GLUE 10 po 1 batch L7")
    with floor.db.read() as s:
        assert s.scalars(select(Batch)).one().supplier_id == acme


def test_qc_goods_wait_unavailable_until_accepted(floor):
    resin = floor.item("RESIN", stock=5, needs_qc=True)
    reply = floor.say("carol", "/receive RESIN 100")
    assert "GR-00001: 100 pcs RESIN received into MAIN — waiting for QC" in reply.plain()
    assert [b.label for b in reply.buttons()] == ["Accept all", "Reject all…"]
    assert floor.available(resin) == 5 and floor.on_hand(resin) == 5
    card = floor.inbox("alice")  # every keeper (admins too) sees the QC card
    assert "QC needed: GR-00001" in card[0].plain() and "/qc GR-00001" in card[0].plain()

    done = floor.press("carol", "Accept all")
    assert "GR-00001 QC by Carol at 10:00: 100 pcs RESIN accepted" in done.plain()
    assert floor.available(resin) == 105
    gr = receipt(floor)
    assert (gr.state, gr.qty_accepted, gr.qty_rejected) == ("accepted", 100, 0)
    assert balanced(floor)


def test_qc_can_accept_part_and_reject_the_rest_with_a_reason(floor):
    resin = floor.item("RESIN", needs_qc=True, unit_cost=Decimal(2))
    ordered(floor, "RESIN", 100)
    floor.say("carol", "/receive RESIN 100 po PO-1")
    assert on_order(floor, resin) == 100  # still in QC: not received yet
    before = row_counts(floor.db)
    wrong = floor.say("carol", "/qc GR-1 80")
    assert "accepted + rejected must make 100 pcs" in wrong.plain()
    assert row_counts(floor.db) == before

    done = floor.say("carol", "/qc GR-1 80 reject 20 scratched housings")
    assert "80 pcs RESIN accepted, 20 pcs rejected (scratched housings)" in done.plain()
    assert floor.on_hand(resin) == 80 and on_order(floor, resin) == 20
    gr = receipt(floor)
    assert (gr.state, gr.qty_accepted, gr.qty_rejected, gr.reject_reason) == (
        "partially_accepted",
        80,
        20,
        "scratched housings",
    )
    with floor.db.read() as s:
        line = s.scalars(select(PurchaseOrderLine)).one()
        assert (line.qty_received, line.state) == (80, "open")
        assert s.get(PurchaseOrder, 1).state == "open"
    bob = [r.plain() for r in floor.inbox("bob")]
    assert any("arrived (GR-00001" in t for t in bob)
    assert any(
        "80 pcs RESIN accepted, 20 pcs rejected" in t and "20 pcs still on order" in t for t in bob
    )
    assert balanced(floor)


def test_qc_can_reject_everything_with_a_reason_and_nothing_is_posted(floor):
    resin = floor.item("RESIN", needs_qc=True)
    floor.say("carol", "/receive RESIN 50")
    ask = floor.press("carol", "Reject all")
    assert ask.keys() == ["wf.ask_reason"] and ask.asks and "GR-00001" in ask
    done = floor.say("carol", "wrong grade delivered")
    assert "0 pcs RESIN accepted, 50 pcs rejected (wrong grade delivered)" in done.plain()
    assert floor.on_hand(resin) == 0
    gr = receipt(floor)
    assert (gr.state, gr.qty_rejected, gr.reject_reason) == (
        "rejected",
        50,
        "wrong grade delivered",
    )
    with floor.db.read() as s:
        assert s.scalars(select(Movement).where(Movement.item_id == resin)).all() == []
    stale = floor.press("alice", "Accept all")
    assert stale.keys() == ["wf.already"] and "Carol" in stale


def test_a_double_clicked_qc_button_acts_once(floor):
    resin = floor.item("RESIN", needs_qc=True)
    floor.say("carol", "/receive RESIN 50")
    button = floor.button("Accept all")
    floor.press_id("carol", button.action_id)
    before = row_counts(floor.db)
    again = floor.press_id("alice", button.action_id)
    assert "GR-00001 was already accepted by Carol at 10:00" in again.plain()
    assert "already accepted by Carol" in floor.say("carol", "/qc GR-1 50").plain()
    assert row_counts(floor.db) == before and floor.on_hand(resin) == 50
    with floor.db.read() as s:
        assert len(s.scalars(select(Decision).where(Decision.action == "qc")).all()) == 1


def test_staff_cannot_receive_or_decide_qc(floor):
    floor.item("BOLT-M8")
    floor.item("RESIN", needs_qc=True)
    floor.say("carol", "/receive RESIN 5")
    before = row_counts(floor.db)
    assert "Only a warehouse keeper" in floor.say("bob", "/receive BOLT-M8 5").plain()
    assert "Only a warehouse keeper" in floor.press("bob", "Accept all").plain()
    assert "Only a warehouse keeper" in floor.say("erin", "/qc GR-1 5").plain()
    assert row_counts(floor.db) == before


def test_the_full_chain_purchase_approve_order_receive_and_qc(floor):
    with floor.db.write() as s:
        acme = upsert_supplier(s, "ACME", name="Acme Chemicals").id
    resin = floor.item(
        "RESIN", needs_qc=True, unit_cost=Decimal(20), lead_time_days=5, default_supplier_id=acme
    )
    floor.say("bob", "/purchase RESIN 200")
    floor.press("dave", "Approve")
    told = floor.inbox("bob")
    assert "PO-00001: 200 pcs RESIN from ACME Acme Chemicals, expected 2025-06-07" in told[0]
    assert on_order(floor, resin) == 200

    floor.say("carol", "/receive RESIN 200 po PO-00001 batch R-88 exp 2026-01-31")
    assert "RESIN arrived (GR-00001, received by Carol) and waits for QC" in floor.inbox("bob")[0]
    assert floor.available(resin) == 0 and on_order(floor, resin) == 200

    floor.press("carol", "Accept all")
    final = floor.inbox("bob")[0].plain()
    assert "QC of GR-00001 by Carol — 200 pcs RESIN accepted; PO-00001 is complete" in final
    assert floor.available(resin) == 200 and on_order(floor, resin) == 0
    with floor.db.read() as s:
        move = s.scalars(select(Movement)).one()
        assert move.unit_cost == 20 and s.get(Batch, move.batch_id).lot == "R-88"
        assert s.get(PurchaseOrder, 1).state == "closed"
    assert balanced(floor)


@pytest.mark.parametrize(
    "text",
    [
        "/receive BOLT-M8 0",
        "/receive BOLT-M8 -5",
        "/receive BOLT-M8 abc",
        "/receive BOLT-M8 NaN",
        "/receive nothing-like-this 5",
        "/receive BOLT-M8 5 po PO-99",
        "/receive BOLT-M8 5 po XX-1",
        "/receive BOLT-M8 5 loc ZZ",
        "/receive BOLT-M8 5 exp 2026-13-01",
        "/receive BOLT-M8 5 batch " + "L" * 100,
        "/receive BOLT-M8 2 桶",
        "/qc GR-99 1",
        "/qc MR-1 1",
        "/reject GR-99 bad",
        "/receive BOLT-M8 999999999999 箱",
    ],
)
def test_bad_input_gets_a_clear_message_and_writes_nothing(floor, text):
    floor.item("BOLT-M8", units={"箱": Decimal(100)})
    before = row_counts(floor.db)
    reply = floor.say("carol", text)
    assert reply.plain()
    assert "went wrong" not in reply.plain()
    assert row_counts(floor.db) == before


def test_racing_receipts_against_one_po_never_exceed_the_tolerance(floor):
    import threading

    from stockbot.commands.inbound import Inbound

    bolt = floor.item("BOLT-M8", unit_cost=Decimal("0.5"))
    ordered(floor, "BOLT-M8", 100)
    errors: list[BaseException] = []

    def race(n: int) -> None:
        try:
            floor.runtime.handle(
                Inbound(platform="console", user_id="carol", chat_id="group",
                        message_id=f"r{n}", text="/receive BOLT-M8 20 po PO-1")
            )  # fmt: skip
        except BaseException as exc:  # pragma: no cover
            errors.append(exc)

    threads = [threading.Thread(target=race, args=(n,)) for n in range(10)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    assert not errors
    assert floor.on_hand(bolt) == 100 and on_order(floor, bolt) == 0
    with floor.db.read() as s:
        assert len(s.scalars(select(GoodsReceipt)).all()) == 5
        assert s.get(PurchaseOrder, 1).state == "closed"
    assert balanced(floor)


# --- the workflow: one decision, questions closed once, notices routed to their readers ---------


def qc_decisions(floor: Floor) -> int:
    with floor.db.read() as s:
        return len(s.scalars(select(Decision).where(Decision.action == "qc")).all())


def test_a_qc_reject_pressed_twice_acts_once_and_the_second_press_names_who_rejected(floor):
    resin = floor.item("RESIN", needs_qc=True)
    floor.say("carol", "/receive RESIN 50")
    reject = floor.button("Reject all")
    assert floor.press_id("carol", reject.action_id).keys() == ["wf.ask_reason"]
    assert floor.press_id("alice", reject.action_id).keys() == ["wf.ask_reason"]
    done = floor.say("carol", "wrong grade")
    assert done.keys() == ["gr.qc_done"] and receipt(floor).state == "rejected"

    before = row_counts(floor.db)
    late = floor.say("alice", "cracked drums")  # alice's own question: settled, not re-decided
    assert late.keys() == ["wf.already"] and "Carol" in late and "10:00" in late
    again = floor.press_id("alice", reject.action_id)
    assert again.keys() == ["wf.already"] and "Carol" in again
    assert receipt(floor).reject_reason == "wrong grade"
    assert qc_decisions(floor) == 1 and floor.on_hand(resin) == 0
    after = row_counts(floor.db)
    assert after["conversations"] == before["conversations"] - 1  # only the question closed
    assert {k: v for k, v in after.items() if k != "conversations"} == {
        k: v for k, v in before.items() if k != "conversations"
    }


def test_a_reject_reason_given_after_someone_accepted_closes_the_question_once(floor):
    resin = floor.item("RESIN", needs_qc=True)
    floor.say("carol", "/receive RESIN 50")
    assert floor.press("carol", "Reject all").asks
    accepted = floor.press("alice", "Accept all")
    assert accepted.keys() == ["gr.qc_done"] and floor.on_hand(resin) == 50

    late = floor.say("carol", "wrong grade")
    assert late.keys() == ["wf.already"] and "Alice" in late
    # the question is closed: carol's next plain words are not taken as a reason again
    keys = floor.say("carol", "thanks").keys()
    assert "wf.already" not in keys
    gr = receipt(floor)
    assert (gr.state, gr.qty_accepted, gr.qty_rejected, gr.reject_reason) == (
        "accepted",
        50,
        0,
        None,
    )
    assert qc_decisions(floor) == 1 and balanced(floor)


def test_reject_typed_with_a_reason_rejects_at_once_and_staff_cannot(floor):
    floor.item("RESIN", needs_qc=True)
    floor.say("carol", "/receive RESIN 20")
    before = row_counts(floor.db)
    staff = floor.say("bob", "/reject GR-1 bad")
    assert "Only a warehouse keeper" in staff and row_counts(floor.db) == before
    done = floor.say("carol", "/reject GR-00001 mouldy")
    assert done.keys() == ["gr.qc_done"]
    gr = receipt(floor)
    assert (gr.state, gr.qty_rejected, gr.reject_reason) == ("rejected", 20, "mouldy")


def test_the_qc_card_reaches_the_keepers_directly_when_no_chat_is_bound(floor):
    floor.item("RESIN", needs_qc=True)
    with floor.db.write() as s:
        grant_role(s, ensure_user(s, "console", "kim", "Kim"), Role.KEEPER)
    reply = floor.say("carol", "/receive RESIN 10")
    assert reply.keys() == ["gr.received_qc", "gr.qc_hint", "route.people"]
    assert "Kim" in reply and "Alice" not in reply  # the keepers; admins only as a fallback
    card = floor.inbox("kim")
    assert [r.keys() for r in card] == [["gr.qc_card", "gr.qc_hint"]]
    assert [b.label for b in card[0].buttons()] == ["Accept all", "Reject all…"]
    assert floor.inbox("alice") == []
    assert floor.inbox("carol") == []  # the receiver has the buttons in the reply already
    assert floor.press("kim", "Accept all").keys() == ["gr.qc_done"]


def test_the_qc_card_goes_to_the_bound_chat_and_is_rendered_for_its_reader(floor):
    floor.item("RESIN", needs_qc=True)
    assert "MAIN" in floor.say("alice", "/bind MAIN zh-Hans", chat="wh-main")
    reply = floor.say("carol", "/receive RESIN 10")
    assert reply.keys()[-1] == "route.chats" and "QC" in reply  # carol reads English
    chat = floor.inbox("wh-main")
    assert [r.keys() for r in chat] == [["gr.qc_card", "gr.qc_hint"]]
    assert "待质检" in chat[0]
    assert [b.label for b in chat[0].buttons()] == ["全部合格", "全部不合格…"]
    assert floor.inbox("alice") == []  # a bound chat is the warehouse's: no DMs besides

    # typed in the bound chat itself: that chat sees the reply, and gets no second copy
    here = floor.say("carol", "/receive RESIN 5", chat="wh-main")
    assert here.keys()[-1] == "route.chats"
    assert floor.inbox("wh-main") == []


def test_the_receiver_is_told_when_nobody_else_can_be_reached(db):
    set_clock(lambda: NOW)
    lonely = Floor(db)
    with db.write() as s:
        grant_role(s, ensure_user(s, "console", "carol", "Carol"), Role.KEEPER)
        ensure_user(s, "console", "bob", "Bob")
    resin = lonely.item("RESIN", needs_qc=True)
    reply = lonely.say("carol", "/receive RESIN 10")
    assert reply.keys() == ["gr.received_qc", "gr.qc_hint", "gr.nobody_else"]
    keys = reply.keys()
    assert not any(k.startswith("route.") for k in keys)  # never "sent to" nobody
    assert lonely.inbox("carol") == [] and lonely.inbox("bob") == []
    assert lonely.press("carol", "Accept all").keys() == ["gr.qc_done"]  # not stuck
    assert lonely.on_hand(resin) == 10


def test_the_purchase_requester_hears_in_their_own_language(floor):
    floor.item("RESIN", needs_qc=True, unit_cost=Decimal(2))
    ordered(floor, "RESIN", 100)
    floor.say("bob", "/lang zh-Hans")
    floor.inbox("bob")
    floor.say("carol", "/receive RESIN 100 po PO-1")
    arrived = floor.inbox("bob")
    assert [r.keys() for r in arrived] == [["gr.told_qc"]] and "等待质检" in arrived[0]
    floor.say("carol", "/qc GR-1 90 reject 10 dented")
    told = floor.inbox("bob")
    assert [r.keys() for r in told] == [["gr.told_qc_done"]]
    assert "合格 90个" in told[0] and "dented" in told[0] and "仍有 10个 在途" in told[0]
