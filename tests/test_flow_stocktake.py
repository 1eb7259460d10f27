"""Stocktakes (盘点), as conversations on the floor: blind counting line by line, variances to an
approver, adjustments only where the count differs, finalised once."""

from __future__ import annotations

import threading
from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from stockbot.replies import Reply, Table, Text
from stockbot.store import ledger
from stockbot.store.catalog import ensure_batch, ensure_location, ensure_warehouse
from stockbot.store.check import check_balances
from stockbot.store.models import (
    Balance,
    Batch,
    Conversation,
    CountLine,
    CountSession,
    Decision,
    Item,
    Location,
    Movement,
    MovementKind,
    Posting,
)

from transcript import Floor, row_counts


def keys(reply: Reply) -> list[str]:
    """The message keys of a reply (a list: `"k" in keys(reply)` asks about keys, not text)."""
    return reply.keys()


@pytest.fixture
def floor(db) -> Floor:
    return Floor(db).people()


def _stock_at(floor: Floor, code: str, qty: int, location: str, lot: str | None = None, **kw):  # type: ignore[no-untyped-def]
    """Put `qty` of item `code` at MAIN/`location` (optionally as batch `lot`)."""
    item_id = floor.item(code, **kw)
    with floor.db.write() as s:
        loc = ensure_location(s, ensure_warehouse(s, "MAIN"), location).id
        batch = ensure_batch(s, item_id, lot, date.today()).id if lot else None
        ledger.post(
            s.connection(),
            ledger.Meta(f"setup:{code}:{location}:{lot}", "receipt"),
            [ledger.Line(item_id, loc, Decimal(qty), MovementKind.RECEIPT, batch)],
        )
    return item_id


def _shelf(floor: Floor) -> dict[str, int]:
    """MAIN/A-01 holds 37 bolts, 41 nuts and 53 glue (batch L1); MAIN/B-02 holds 9 bolts."""
    ids = {
        "BOLT": _stock_at(floor, "BOLT-M8", 37, "A-01", name="Hex bolt M8"),
        "NUT": _stock_at(floor, "NUT-M8", 41, "A-01", name="Hex nut M8"),
        "GLUE": _stock_at(floor, "GLUE", 53, "A-01", "L1", name="Epoxy", batch_tracked=True),
    }
    _stock_at(floor, "BOLT-M8", 9, "B-02", name="Hex bolt M8")
    return ids


def _costs(floor: Floor, costs: dict[str, str]) -> None:
    with floor.db.write() as s:
        for code, cost in costs.items():
            s.scalar(select(Item).where(Item.code == code)).unit_cost = Decimal(cost)


def _qty(floor: Floor, item_id: int, location: str = "A-01") -> Decimal:
    with floor.db.read() as s:
        return s.scalar(
            select(func.sum(Balance.qty))
            .join(Location, Location.id == Balance.location_id)
            .where(Balance.item_id == item_id, Location.code == location)
        )


def _questions(reply: Reply) -> list[str]:
    return [b.plain() for b in reply.blocks_of(Text) if b.key == "cnt.question"]


def _books_ok(floor: Floor) -> None:
    with floor.db.read() as s:
        assert check_balances(s) == []


def _counted(floor: Floor, *answers: str, who: str = "carol") -> Reply:
    """`who` counts MAIN/A-01 with `answers`; the reply to the last answer."""
    reply = floor.say(who, "/count MAIN/A-01")
    for answer in answers:
        reply = floor.say(who, answer)
    return reply


def _state(floor: Floor, session_id: int = 1) -> str:
    with floor.db.read() as s:
        return s.get(CountSession, session_id).state


def test_a_blind_count_with_a_shortfall_and_a_surplus_is_adjusted_when_approved(floor):
    ids = _shelf(floor)
    _costs(floor, {"BOLT-M8": "1.25", "NUT-M8": "0.40"})
    opened = floor.say("carol", "/count MAIN/A-01")
    assert opened.keys() == ["cnt.opened", "cnt.question"]
    assert "CNT-00001" in opened and "3 lines to count in MAIN/A-01" in opened.plain()
    asked = _questions(opened)
    assert asked == ["CNT-00001 1/3: BOLT-M8 · Hex bolt M8 at MAIN/A-01 — how many?"]

    second = floor.say("carol", "35")
    assert second.keys() == ["cnt.recorded", "cnt.question"] and "35 pcs" in second.plain()
    asked += _questions(second)
    third = floor.say("carol", "53pcs")
    asked += _questions(third)
    assert asked[-1] == "CNT-00001 3/3: NUT-M8 · Hex nut M8 at MAIN/A-01 — how many?"
    assert asked[1] == "CNT-00001 2/3: GLUE · Epoxy at MAIN/A-01 (batch L1) — how many?"
    for question in asked:  # blind: the book quantities never show up in a question
        assert not any(book in question for book in ("37", "41", "53"))

    done = floor.say("carol", "44")
    assert done.keys() == ["cnt.recorded", "cnt.submitted", "route.people"]
    assert "Dave" in done.blocks_of(Text)[2].plain()  # who the card truly went to
    table = done.blocks_of(Table)[0]
    assert table.rows == [
        ["BOLT-M8 Hex bolt M8", "MAIN/A-01", "37 pcs", "35 pcs", "-2 pcs", "-2.50"],
        ["NUT-M8 Hex nut M8", "MAIN/A-01", "41 pcs", "44 pcs", "+3 pcs", "+1.20"],
        ["Total", "", "", "", "", "-1.30"],
    ]
    assert _state(floor) == "submitted"
    with floor.db.read() as s:  # the conversation is over
        assert s.scalars(select(Conversation)).all() == []
    card = floor.inbox("dave")
    assert card[0].keys() == ["cnt.review", "cnt.variance", "cnt.variance", "cnt.total"]
    assert len(card) == 1 and "worth 3.70" in card[0].plain()
    assert "2 with a variance" in card[0].plain() and "-2 pcs" in card[0].plain()
    assert [b.label for b in card[0].buttons()] == ["Approve adjustment", "Reject count"]
    assert _qty(floor, ids["BOLT"]) == 37  # nothing moves before approval

    approved = floor.press("dave", "Approve adjustment")
    assert approved.keys() == ["cnt.approved"] and "Dave" in approved.plain()
    assert _qty(floor, ids["BOLT"]) == 35 and _qty(floor, ids["NUT"]) == 44
    assert _qty(floor, ids["GLUE"]) == 53 and _qty(floor, ids["BOLT"], "B-02") == 9
    with floor.db.read() as s:
        adjustments = s.execute(
            select(Movement.item_id, Movement.qty).where(Movement.kind == "adjustment")
        ).all()
        posting = s.scalars(select(Posting).where(Posting.kind == "adjustment")).one()
    assert sorted(adjustments) == sorted([(ids["BOLT"], -2), (ids["NUT"], 3)])
    assert (posting.doc_type, posting.doc_id) == ("count", "CNT-00001")
    assert floor.inbox("carol")[-1].keys() == ["cnt.approved"]
    _books_ok(floor)


def test_a_count_that_matches_the_books_posts_nothing(floor):
    _shelf(floor)
    floor.say("carol", "/count A-01")
    for answer in ("37", "53", "41"):
        reply = floor.say("carol", answer)
    assert "cnt.no_variance" in keys(reply)
    assert "cnt.no_variance" in keys(floor.inbox("dave")[0])
    before = row_counts(floor.db)
    approved = floor.say("frank", "/approve CNT-1")
    assert approved.keys() == ["cnt.approved"] and "0 adjustments" in approved.plain()
    after = row_counts(floor.db)
    assert after["movements"] == before["movements"] and after["postings"] == before["postings"]
    assert _state(floor) == "approved"


def test_approving_twice_adjusts_once_and_says_who_approved_first(floor):
    ids = _shelf(floor)
    _counted(floor, "30", "53", "41")
    button = floor.button("Approve adjustment")
    floor.press_id("dave", button.action_id)
    before = row_counts(floor.db)
    again = floor.press_id("frank", button.action_id)
    assert again.keys() == ["wf.already"] and "Dave" in again.plain()
    for late in (floor.say("frank", "/approve CNT-00001"), floor.say("frank", "/reject CNT-1 no")):
        assert late.keys() == ["wf.already"] and "Dave" in late.plain()
    assert row_counts(floor.db) == before
    assert _qty(floor, ids["BOLT"]) == 30
    _books_ok(floor)


def test_the_opener_cannot_approve_their_own_count(floor):
    _shelf(floor)
    _counted(floor, "30", "53", "41", who="alice")
    assert all(
        "Approve adjustment" not in [b.label for b in r.buttons()] for r in floor.inbox("alice")
    )
    before = row_counts(floor.db)
    reply = floor.say("alice", "/approve CNT-1")
    assert reply.keys() == ["wf.not_requester"]
    assert floor.say("alice", "/reject CNT-1 recount").keys() == ["wf.not_requester"]
    assert row_counts(floor.db) == before and _state(floor) == "submitted"
    assert floor.press("dave", "Approve adjustment").keys() == ["cnt.approved"]


def test_staff_and_the_unauthorised_cannot_open_or_approve(floor):
    _shelf(floor)
    before = row_counts(floor.db)
    assert "Only a warehouse keeper" in floor.say("bob", "/count MAIN/A-01").plain()
    assert row_counts(floor.db) == before
    _counted(floor, "30", "53", "41")
    before = row_counts(floor.db)
    assert "Only an approver" in floor.press("bob", "Approve adjustment").plain()
    assert "Only an approver" in floor.say("carol", "/approve CNT-1").plain()
    assert row_counts(floor.db) == before


@pytest.mark.parametrize("bad", ["abc", "-5", "1e309", "NaN", "2 桶", "12 kg"])
def test_a_bad_answer_is_asked_again_and_writes_nothing(floor, bad):
    _shelf(floor)
    floor.say("carol", "/count MAIN/A-01")
    before = row_counts(floor.db)
    reply = floor.say("carol", bad)
    assert "Write the quantity you counted" in reply.plain() or "请填写实盘数量" in reply.plain()
    assert "CNT-00001 1/3" in reply.plain() and "BOLT-M8 · Hex bolt M8" in reply.plain()
    assert row_counts(floor.db) == before
    with floor.db.read() as s:
        assert s.scalars(select(CountLine.counted_qty)).all() == [None, None, None]
    again = floor.say("carol", "１２")
    assert again.keys()[0] == "cnt.recorded" and "12 pcs" in again.plain()


def test_zero_is_a_valid_count(floor):
    ids = _shelf(floor)
    floor.say("carol", "/count MAIN/A-01")
    zero = floor.say("carol", "0")
    assert zero.keys()[0] == "cnt.recorded" and "0 pcs" in zero.plain()
    floor.say("carol", "0个")
    floor.say("carol", "41")
    floor.say("dave", "/approve CNT-1")
    assert _qty(floor, ids["BOLT"]) == 0 and _qty(floor, ids["GLUE"]) == 0
    _books_ok(floor)


def test_a_second_counter_joins_with_the_button_and_gets_another_line(floor):
    ids = _shelf(floor)
    floor.say("carol", "/count MAIN/A-01")  # carol is asked line 1
    joined = floor.press("bea", "Count next line")
    assert _questions(joined) == ["CNT-00001 2/3: GLUE · Epoxy at MAIN/A-01 (batch L1) — how many?"]
    after_bea = floor.say("bea", "50")
    assert after_bea.keys() == ["cnt.recorded", "cnt.question"]
    assert "Line 2: 50 pcs" in after_bea.plain() and "3/3: NUT-M8" in after_bea.plain()
    after_carol = floor.say("carol", "37")  # line 3 is bea's: carol has nothing left to count
    assert after_carol.keys() == ["cnt.recorded", "cnt.others"]
    assert "(1 left)" in after_carol.plain() and "bea" not in after_carol.plain()
    done = floor.say("bea", "41")
    assert "cnt.submitted" in keys(done)
    assert "counted by Carol, Bea: 3 lines, 1 with a variance" in floor.inbox("dave")[0].plain()
    with floor.db.read() as s:
        by = dict(s.execute(select(CountLine.line_no, CountLine.counted_by)).all())
    assert by[1] != by[2] and by[2] == by[3]
    floor.press("dave", "Approve adjustment")
    assert _qty(floor, ids["GLUE"]) == 50
    _books_ok(floor)


def test_a_count_survives_a_restart(floor):
    ids = _shelf(floor)
    floor.say("carol", "/count MAIN/A-01")
    floor.say("carol", "36")
    restarted = Floor(floor.db)  # a new process: new runtime, same database
    reply = restarted.say("carol", "52")
    assert reply.keys() == ["cnt.recorded", "cnt.question"]
    assert "Line 2: 52 pcs" in reply.plain() and "3/3: NUT-M8" in reply.plain()
    assert "cnt.submitted" in keys(restarted.say("carol", "41"))
    restarted.say("dave", "/approve CNT-1")
    assert _qty(floor, ids["BOLT"]) == 36 and _qty(floor, ids["GLUE"]) == 52
    _books_ok(floor)


def test_a_rejected_count_posts_nothing_and_needs_a_reason(floor):
    ids = _shelf(floor)
    _counted(floor, "1", "2", "3")
    ask = floor.press("dave", "Reject count")
    assert ask.keys() == ["wf.ask_reason"] and "CNT-00001" in ask.plain()
    done = floor.say("dave", "please recount the back row")
    assert done.keys() == ["cnt.rejected"] and "back row" in done.plain()
    assert _state(floor) == "rejected" and _qty(floor, ids["BOLT"]) == 37
    assert floor.inbox("carol")[-1].keys() == ["cnt.rejected"]
    stale = floor.press("frank", "Approve adjustment")
    assert stale.keys() == ["wf.already"] and "rejected by Dave" in stale.plain()
    with floor.db.read() as s:
        assert s.scalars(select(Movement).where(Movement.kind == "adjustment")).all() == []


def test_the_opener_can_cancel_while_counting_and_nobody_else_can(floor):
    _shelf(floor)
    floor.say("carol", "/count MAIN/A-01")
    floor.press("bea", "Count next line")
    before = row_counts(floor.db)
    refused = floor.say("bea", "/cancel CNT-1")  # neither the opener nor an admin
    assert "cnt.cancelled" not in keys(refused) and refused.ephemeral
    assert row_counts(floor.db) == before and _state(floor) == "counting"
    assert floor.press("carol", "Cancel count").keys() == ["cnt.cancelled"]
    with floor.db.read() as s:
        assert s.scalars(select(Conversation)).all() == []
    assert [r.keys() for r in floor.inbox("bea")] == [["cnt.cancelled"]]  # she was counting
    late = floor.say("bea", "12")  # no question is pending any more: not a count answer
    assert "cnt.recorded" not in keys(late)
    stale = floor.press("bea", "Count next line")
    assert stale.keys() == ["wf.already"] and "cancelled by Carol" in stale.plain()


def test_counts_by_warehouse_item_and_category_and_empty_scopes(floor):
    _shelf(floor)
    floor.item("WASHER", category="Fasteners")  # no stock at all
    with floor.db.write() as s:
        for code in ("BOLT-M8", "NUT-M8"):
            s.scalar(select(Item).where(Item.code == code)).category = "Fasteners"
    whole = floor.say("carol", "/count main")
    assert "4 lines to count in MAIN" in whole.plain()
    floor.say("carol", "/cancel CNT-1")
    by_item = floor.say("carol", "/count BOLT-M8")
    assert "2 lines to count in MAIN · BOLT-M8" in by_item.plain()
    assert "1/2: BOLT-M8 · Hex bolt M8 at MAIN/A-01" in by_item.plain()
    busy = floor.say("alice", "/count bolt-m8")
    assert "CNT-00002 already covers MAIN · BOLT-M8" in busy.plain()
    floor.say("carol", "/cancel CNT-2")
    by_category = floor.say("carol", "/count fasteners")
    assert "3 lines to count in MAIN · Fasteners" in by_category.plain()
    floor.say("carol", "/cancel CNT-3")
    before = row_counts(floor.db)
    assert "Nothing to count in MAIN · WASHER" in floor.say("carol", "/count WASHER").plain()
    assert "has no location “Z-9”" in floor.say("carol", "/count MAIN/Z-9").plain()
    assert "No item matches" in floor.say("carol", "/count nothing-like-this").plain()
    assert row_counts(floor.db) == before


def test_an_item_count_includes_rows_that_are_at_zero(floor):
    bolt = _stock_at(floor, "BOLT-M8", 5, "A-01")
    floor.say("carol", "/return BOLT-M8 2")  # a row at MAIN/- … (a keeper: posted at once)
    with floor.db.write() as s:
        main = s.scalar(select(Location.id).where(Location.code == "-"))
        ledger.post(s.connection(), ledger.Meta("out", "issue"),
                    [ledger.Line(bolt, main, Decimal(-2), MovementKind.ISSUE)])  # fmt: skip
    opened = floor.say("carol", "/count BOLT-M8")  # … now at zero, still counted
    assert "2 lines to count" in opened.plain()
    assert "1/2: BOLT-M8 · BOLT-M8 at MAIN —" in opened.plain()
    floor.say("carol", "1")
    floor.say("carol", "5")
    floor.say("dave", "/approve CNT-1")
    assert _qty(floor, bolt, "-") == 1
    _books_ok(floor)


def test_stock_that_moved_during_the_count_can_make_the_ledger_refuse_the_adjustment(floor):
    ids = _shelf(floor)
    _counted(floor, "30", "53", "41")  # 7 bolts short of the book's 37
    with floor.db.write() as s:  # meanwhile 35 bolts leave A-01
        loc = s.scalar(select(Location.id).where(Location.code == "A-01"))
        ledger.post(s.connection(), ledger.Meta("meanwhile", "issue"),
                    [ledger.Line(ids["BOLT"], loc, Decimal(-35), MovementKind.ISSUE)])  # fmt: skip
    before = row_counts(floor.db)
    reply = floor.say("dave", "/approve CNT-1")
    assert "Not enough BOLT-M8" in reply.plain() and "Nothing was changed" in reply.plain()
    assert row_counts(floor.db) == before and _state(floor) == "submitted"


def test_the_decisions_record_who_opened_submitted_and_approved(floor):
    _shelf(floor)
    _counted(floor, "30", "53", "41")
    floor.say("dave", "/approve CNT-1")
    with floor.db.read() as s:
        actions = s.scalars(
            select(Decision.action).where(Decision.doc_type == "count").order_by(Decision.id)
        ).all()
        lots = s.scalars(select(Batch.lot)).all()
    assert actions == ["open", "submit", "approve"] and lots == ["L1"]


def test_a_chinese_count_is_asked_in_chinese(floor):
    _shelf(floor)
    reply = floor.say("carol", "盘点 MAIN/A-01")
    assert "盲盘" in reply.plain() and "实盘多少" in reply.plain()
    assert "已记录 37个" in floor.say("carol", "37个").plain()


def test_an_adjustment_worth_more_than_the_approvers_limit_needs_a_higher_approver(floor):
    ids = _shelf(floor)
    with floor.db.write() as s:  # make the bolts precious: 2 missing bolts × 4,000 = 8,000
        s.get(Item, ids["BOLT"]).unit_cost = Decimal(4000)
    _counted(floor, "35", "53", "41")
    assert floor.inbox("dave") == [] and len(floor.inbox("frank")) == 1  # who can approve it
    before = row_counts(floor.db)
    refused = floor.press("dave", "Approve adjustment")
    assert refused.keys() == ["wf.over_limit"]
    assert "8,000.00" in refused.plain() and "5,000.00" in refused.plain()
    assert row_counts(floor.db) == before and _qty(floor, ids["BOLT"]) == 37
    approved = floor.press("frank", "Approve adjustment")
    assert approved.keys() == ["cnt.approved"] and "Frank" in approved.plain()
    assert _qty(floor, ids["BOLT"]) == 35


def _adjustment_postings(floor: Floor) -> int:
    with floor.db.read() as s:
        return len(s.scalars(select(Posting).where(Posting.kind == "adjustment")).all())


def test_a_double_pressed_approve_posts_one_adjustment(floor):
    ids = _shelf(floor)
    _counted(floor, "30", "53", "41")
    button = floor.button("Approve adjustment")
    first = floor.press_id("dave", button.action_id)
    second = floor.press_id("dave", button.action_id)
    assert first.keys() == ["cnt.approved"]
    assert second.keys() == ["wf.already"] and "Dave" in second.plain()
    assert _adjustment_postings(floor) == 1 and _qty(floor, ids["BOLT"]) == 30
    _books_ok(floor)


def test_approvers_racing_on_threads_post_one_adjustment(floor):
    ids = _shelf(floor)
    _counted(floor, "30", "53", "41")
    action = floor.button("Approve adjustment").action_id
    replies: list[Reply] = []

    def press(n: int) -> None:
        replies.append(floor.press_id("dave" if n % 2 else "frank", action))

    threads = [threading.Thread(target=press, args=(n,)) for n in range(8)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    said = sorted(k for r in replies for k in keys(r))
    assert said == ["cnt.approved"] + ["wf.already"] * 7
    with floor.db.read() as s:
        approvals = s.scalars(select(Decision).where(Decision.action == "approve")).all()
    assert len(approvals) == 1 and _adjustment_postings(floor) == 1
    assert _qty(floor, ids["BOLT"]) == 30
    _books_ok(floor)


def test_when_nobody_may_approve_the_counter_is_told_at_once(floor):
    ids = _shelf(floor)
    with floor.db.write() as s:  # 7 missing bolts × 20,000 = 140,000: over dave's and frank's
        s.get(Item, ids["BOLT"]).unit_cost = Decimal(20000)
    # the only admin opens and counts it: she may not approve it, and nobody else's limit covers
    done = _counted(floor, "30", "53", "41", who="alice")
    assert done.keys() == ["cnt.recorded", "cnt.submitted", "route.nobody_role"]
    assert "140,000.00" in done.plain()  # why: nobody's limit covers it
    assert floor.inbox("dave") == [] and floor.inbox("frank") == []
    assert _state(floor) == "submitted"


def test_the_card_is_written_for_each_reader(floor):
    _shelf(floor)
    floor.say("dave", "/lang zh-Hans")
    done = _counted(floor, "30", "53", "41")
    assert "waits for approval" in done.plain()  # carol reads English
    card = floor.inbox("dave")[0]
    assert card.keys()[0] == "cnt.review" and "差异 1 行" in card.plain()
    assert [b.label for b in card.buttons()] == ["批准调整", "驳回盘点"]
    assert "Approve adjustment" in [b.label for b in floor.inbox("frank")[0].buttons()]
    floor.press("dave", "批准调整")
    told = floor.inbox("carol")[-1]
    assert told.keys() == ["cnt.approved"] and "approved by Dave" in told.plain()
