"""Counting as a keeper meets it on the floor (issue 10): a bare number answers the count, an
item is counted wherever it is booked, a counted line can be corrected before submitting,
"Count next line" moves on, and every line of the variance shows what it is worth."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from sqlalchemy import select

from stockbot.handlers.console import ConsoleChat
from stockbot.handlers.console_app import console_handle
from stockbot.replies import Table
from stockbot.store.models import CountLine, CountSession, Decision, Item
from test_flow_stocktake import _costs, _questions, _shelf, _state

from transcript import Floor, row_counts


@pytest.fixture
def floor(db) -> Floor:
    return Floor(db).people()


def _lines(floor: Floor) -> dict[int, Decimal | None]:
    with floor.db.read() as s:
        return dict(s.execute(select(CountLine.line_no, CountLine.counted_qty)).all())


# --- a bare number answers the question ----------------------------------------------------------


def test_in_the_console_a_bare_number_answers_the_open_count_not_a_button(floor):
    _shelf(floor)
    out = io.StringIO()
    chat = ConsoleChat(
        console_handle(floor.runtime), user="carol", stdin=io.StringIO(), stdout=out,
        prompt=False, has_question=floor.runtime.has_question,
    )  # fmt: skip
    chat.feed("/count MAIN/A-01")
    assert "[1] Count next line  [2] Cancel count" in out.getvalue()
    out.truncate(0)
    chat.feed("2")  # two bolts counted — not button [2] "Cancel count"
    said = out.getvalue()
    assert "answered the open question with 2" in said and "Line 1: 2 pcs recorded" in said
    assert _state(floor) == "counting" and _lines(floor)[1] == 2
    chat.feed("0")
    assert _lines(floor)[2] == 0
    out.truncate(0)
    chat.feed("[1]")  # typed as shown, a number in brackets is always the button
    assert "pressed [1]" in out.getvalue() and _lines(floor)[3] is None
    assert "3/3: NUT-M8" in out.getvalue()


def test_with_no_question_open_a_number_presses_the_button_and_says_so(floor):
    _shelf(floor)
    floor.say("carol", "/count MAIN/A-01", chat="console")
    out = io.StringIO()
    chat = ConsoleChat(
        console_handle(floor.runtime), user="dave", stdin=io.StringIO(), stdout=out,
        prompt=False, has_question=floor.runtime.has_question,
    )  # fmt: skip
    n = chat.number_button(floor.button("Count next line"))  # the button as dave sees it
    out.truncate(0)
    chat.feed(str(n))  # dave is asked nothing here: the number is the button
    assert f"pressed [{n}]" in out.getvalue() and "2/3: GLUE" in out.getvalue()


def test_a_bare_number_answers_on_every_platform(floor):
    _shelf(floor)
    floor.say("carol", "/count MAIN/A-01")
    assert floor.say("carol", "147").keys()[0] == "cnt.recorded"
    assert floor.say("carol", "0").keys()[0] == "cnt.recorded"
    assert _lines(floor) == {1: 147, 2: 0, 3: None}


def test_a_bare_number_answers_the_count_in_telegram_end_to_end(db):
    """The real python-telegram-bot against the loopback fake: `147` and `0` are answers."""
    from test_telegram_e2e import Scene, crew, play

    crew(db)
    Floor(db).item("BOLT-01", stock=150, name="Bolt")
    Floor(db).item("NUT-01", stock=5, name="Nut")

    async def scenario(sc: Scene) -> None:
        chat = sc.people["carol"]["id"]  # her private chat: no reply threading there

        async def said(text: str, n: int) -> str:
            sc.say("carol", text, private=True)
            sent = await sc.fake.wait_for(lambda: sc.fake.bot_messages(chat)[n:])
            return str(sent[0]["text"])

        assert "1/2: BOLT-01" in await said("/count MAIN", 0)
        first = await said("147", 1)
        assert "Line 1: 147 pcs recorded" in first and "2/2: NUT-01" in first
        assert "Line 2: 0 pcs recorded" in await said("0", 2)

    play(db, scenario)
    assert _lines(Floor(db)) == {1: 147, 2: 0}


# --- an item is counted where it is booked -------------------------------------------------------


def test_an_item_booked_only_in_another_warehouse_is_counted_there(floor):
    floor.item("BOLT-01", stock=12, warehouse="WH2", name="Bolt")
    floor.item("NUT-01", stock=5, name="Nut")  # MAIN exists and holds other things
    opened = floor.say("carol", "/count BOLT-01")
    assert opened.keys() == ["cnt.opened", "cnt.question"]
    assert "in WH2 · BOLT-01" in opened.plain()  # not "nothing to count in MAIN"
    assert _questions(opened) == ["CNT-00001 1/1: BOLT-01 · Bolt at WH2 — how many?"]


def test_an_item_in_several_warehouses_asks_which_with_a_button_each(floor):
    floor.item("BOLT-01", stock=12, warehouse="WH2", name="Bolt")
    floor.item("BOLT-01", stock=30, warehouse="MAIN", name="Bolt")
    before = row_counts(floor.db)
    which = floor.say("carol", "/count BOLT-01")
    assert which.keys() == ["cnt.which_warehouse"]
    assert [b.label for b in which.buttons()] == ["Count in MAIN", "Count in WH2"]
    assert "12" not in which.plain() and "30" not in which.plain()  # still blind
    assert row_counts(floor.db) == before  # asking writes nothing
    assert "Only a warehouse keeper" in floor.press("bob", "Count in WH2").plain()
    opened = floor.press("carol", "Count in WH2")
    assert "WH2 · BOLT-01" in opened.plain()
    assert _questions(opened) == ["CNT-00001 1/1: BOLT-01 · Bolt at WH2 — how many?"]
    floor.say("carol", "11")
    floor.press("dave", "Approve adjustment")
    assert floor.on_hand(floor.item("BOLT-01", name="Bolt")) == 41


# --- correcting a counted line --------------------------------------------------------------------


def test_a_counted_line_is_corrected_by_typing_before_submitting(floor):
    ids = _shelf(floor)
    floor.say("carol", "/count MAIN/A-01")
    floor.say("carol", "3")  # meant 37
    fixed = floor.say("carol", "/count CNT-1 line 1 37")
    assert fixed.keys() == ["cnt.corrected"] and "3 pcs → 37 pcs" in fixed.plain()
    assert _lines(floor)[1] == 37
    still = floor.say("carol", "53")  # the question she was asked is still open: line 2
    assert still.keys() == ["cnt.recorded", "cnt.question"] and "Line 2: 53" in still.plain()
    done = floor.say("carol", "41")
    assert "cnt.no_variance" in done.keys()  # the correction, not the typo, was submitted
    with floor.db.read() as s:
        actions = s.scalars(select(Decision.action).order_by(Decision.id)).all()
    assert actions == ["open", "correct", "submit"]
    floor.say("dave", "/approve CNT-1")
    assert floor.on_hand(ids["BOLT"]) == 46


def test_the_correct_line_button_asks_that_line_again(floor):
    _shelf(floor)
    floor.say("carol", "/count MAIN/A-01")
    recorded = floor.say("carol", "30")
    assert [b.label for b in recorded.buttons()] == ["Correct line 1"]
    again = floor.press("carol", "Correct line 1")
    assert again.keys() == ["cnt.fix_ask", "cnt.question"] and "30 pcs" in again.plain()
    assert "1/3: BOLT-M8" in again.plain()
    fixed = floor.say("carol", "36")
    assert fixed.keys() == ["cnt.corrected", "cnt.question"] and "2/3: GLUE" in fixed.plain()
    assert _lines(floor) == {1: 36, 2: None, 3: None}
    typed = floor.say("carol", "/count CNT-1 line 1")  # typed without a quantity: asked again
    assert typed.keys() == ["cnt.fix_ask", "cnt.question"] and "36 pcs" in typed.plain()
    assert floor.say("carol", "/count CNT-1 第1行 35").keys() == ["cnt.corrected"]
    assert _lines(floor) == {1: 35, 2: None, 3: None}


def test_a_correction_is_refused_when_it_cannot_apply_and_writes_nothing(floor):
    _shelf(floor)
    floor.say("carol", "/count MAIN/A-01")
    floor.say("carol", "30")
    before = row_counts(floor.db)
    assert floor.say("bea", "/count CNT-1 line 1 31").keys() == ["cnt.not_yours"]
    assert floor.say("carol", "/count CNT-1 line 2 31").keys() == ["cnt.not_counted"]
    assert floor.say("carol", "/count CNT-1 line 9 31").keys() == ["cnt.no_line"]
    assert floor.say("carol", "/count CNT-1 line 1 -4").keys() == ["cnt.bad_answer"]
    assert row_counts(floor.db) == before and _lines(floor)[1] == 30
    floor.say("carol", "53")
    floor.say("carol", "41")  # submitted: too late to correct
    late = floor.say("carol", "/count CNT-1 line 1 37")
    assert "cnt.corrected" not in late.keys() and "waiting for approval" in late.plain()


# --- moving on, and the money ---------------------------------------------------------------------


def test_count_next_line_moves_on_and_the_skipped_line_comes_round_last(floor):
    _shelf(floor)
    floor.say("carol", "/count MAIN/A-01")  # asked line 1
    moved = floor.press("carol", "Count next line")
    assert _questions(moved) == ["CNT-00001 2/3: GLUE · Epoxy at MAIN/A-01 (batch L1) — how many?"]
    third = floor.say("carol", "53")
    assert "3/3: NUT-M8" in third.plain()
    back = floor.say("carol", "41")
    assert "1/3: BOLT-M8" in back.plain()  # the skipped line, last
    assert "cnt.submitted" in floor.say("carol", "37").keys()


def test_the_variance_shows_each_lines_value_and_the_total_in_one_money_format(floor):
    _shelf(floor)
    _costs(floor, {"BOLT-M8": "36967.735", "NUT-M8": "5000"})
    done = _counted(floor)
    table = done.blocks_of(Table)[0]
    assert [r[-1] for r in table.rows] == ["-73,935.47", "+5,000.00", "-68,935.47"]
    assert table.headers[-1] == "Value"
    card = floor.inbox("frank")[0]
    text = card.plain()
    assert "(-2 pcs, -73,935.47)" in text and "(+1 pc, +5,000.00)" in text
    assert "Total: -68,935.47 (written up 5,000.00, written off 73,935.47)" in text
    assert "worth 78,935.47" in text
    assert "000000" not in text and "5,000.000000" not in text
    with floor.db.read() as s:
        assert s.scalar(select(Item.unit_cost).where(Item.code == "NUT-M8")) == 5000
        assert s.get(CountSession, 1).state == "submitted"


def _counted(floor: Floor):  # type: ignore[no-untyped-def]
    floor.say("carol", "/count MAIN/A-01")
    floor.say("carol", "35")
    floor.say("carol", "53")
    return floor.say("carol", "42")
