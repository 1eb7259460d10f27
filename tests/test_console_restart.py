"""The console keeps its button numbers in the database: `2` presses yesterday's [2] after the
process restarted (a new Runtime and a new console on the same database)."""

from __future__ import annotations

import io
import re
from decimal import Decimal

from stockbot.handlers.console_app import console_chat
from stockbot.i18n import t
from stockbot.replies import strip_markup
from stockbot.runtime import Runtime
from stockbot.store.console_buttons import StoredButtons

from transcript import Floor, settings


def session(db, who: str, script: str) -> str:  # type: ignore[no-untyped-def]
    """One console process: a fresh Runtime and console, the lines typed, then it exits."""
    out = io.StringIO()
    console_chat(Runtime(db, settings()), who, io.StringIO(script), out).run()
    return out.getvalue()


def number_of(output: str, label: str) -> int:
    found = re.search(rf"\[(\d+)\] {re.escape(label)}", output)
    assert found, f"no [n] {label} in:\n{output}"
    return int(found.group(1))


def test_a_button_is_pressed_by_its_number_after_a_restart(db) -> None:
    floor = Floor(db).people()
    m8 = floor.item("M8", stock=100)
    session(db, "bob", "/request M8 20\n")
    shown = session(db, "carol", "/pending\n")
    issue = number_of(shown, "Issue MR-00001")
    session(db, "carol", f"{issue}\n")  # a new process: nothing of the first one is left
    assert floor.on_hand(m8) == Decimal(80)


def test_a_number_keeps_meaning_the_same_button_and_new_buttons_get_new_numbers(db) -> None:
    floor = Floor(db).people()
    floor.item("M8", stock=100)
    first = session(db, "bob", "/request M8 20\n")
    cancel = number_of(first, "Cancel request")
    second = session(db, "bob", "/request M8 5\n")
    assert number_of(second, "Cancel request") > cancel


def test_numbers_belong_to_one_chat(db) -> None:
    floor_chat, other = StoredButtons(db, "console"), StoredButtons(db, "elsewhere")
    assert floor_chat.number("a:x") == 1
    assert floor_chat.number("a:y") == 2
    assert floor_chat.number("a:x") == 1
    assert other.number("a:y") == 1
    assert other.action(2) is None
    assert floor_chat.action(2) == "a:y"


def test_a_number_never_shown_in_this_chat_points_to_pending(db) -> None:
    Floor(db).people()
    out = session(db, "bob", "7\n")
    assert out.strip() == strip_markup(t("console.unknown_button", "en", number=7))
    assert "/pending" in out
