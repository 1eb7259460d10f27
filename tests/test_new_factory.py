"""The day of a factory that set itself up from its own files — not the demo: nothing bound, no
roles until the admin gives them, people known only from the chat. Routing bugs hide behind the
demo's pre-wired chats; this walk is where they show (issue 8).
"""

from __future__ import annotations

import csv
from pathlib import Path

from sqlalchemy import select

from stockbot.io.imports import import_items, import_stock
from stockbot.store.check import check_balances
from stockbot.store.models import User

from transcript import Floor

ITEMS = [
    ["code", "name", "unit", "safety_stock", "reorder_point", "unit_cost"],
    ["BOLT-M8", "六角螺栓 M8", "pcs", "50", "100", "0.35"],
    ["MOTOR-1K", "电机 1.5kW", "pcs", "1", "2", "1800"],
]
STOCK = [["code", "qty", "warehouse", "location"], ["BOLT-M8", "400", "MAIN", "A-01"],
         ["MOTOR-1K", "3", "MAIN", "B-01"]]  # fmt: skip


def write(path: Path, rows: list[list[str]]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as f:
        csv.writer(f).writerows(rows)
    return path


def test_a_factory_from_its_own_files_walks_the_day_without_any_bind(db, tmp_path):
    assert import_items(db, write(tmp_path / "items.csv", ITEMS)).ok
    assert import_stock(db, write(tmp_path / "stock.csv", STOCK)).ok
    floor = Floor(db, admins="console:alice")  # the only configuration: who the admin is

    # before anyone has a role, a request reaches the configured admin — and says how to fix
    # the routing; alice sees the card the first time she writes
    first = floor.say("bob", "/request BOLT-M8 10")
    assert first.keys() == ["mr.created_reserved", "route.people", "route.only_admins"]
    assert [r.keys() for r in floor.inbox("alice")] == [["mr.issue_card"]]

    floor.say("alice", "/role @carol keeper")
    floor.say("alice", "/role @dave approver 5000")
    with db.read() as s:
        held = {(u.display_name, r.role) for u in s.scalars(select(User)) for r in u.roles}
    assert {("carol", "keeper"), ("dave", "approver"), ("alice", "admin")} <= held

    reserved = floor.say("bob", "/request BOLT-M8 20")
    assert reserved.keys() == ["mr.created_reserved", "route.people"] and "carol" in reserved
    pending = floor.say("bob", "/request MOTOR-1K 2")  # 3,600: needs an approver
    assert pending.keys() == ["mr.created_pending", "route.people"] and "dave" in pending

    assert [r.keys() for r in floor.inbox("carol") if "mr.issue_card" in r] != []
    floor.press("carol", "Issue 20")
    assert "mr.ready" in floor.inbox("bob")[-1]
    floor.press("dave", "Approve")
    floor.press("carol", "Issue 2")
    assert floor.press("bob", "Confirm receipt").keys() == ["mr.confirmed"]
    with db.read() as s:
        assert check_balances(s) == []


def test_two_people_writing_two_languages_each_hear_in_their_own(db, tmp_path):
    """Nothing bound, no `/lang`: bob writes Chinese, the keeper English; each notice reaches
    its person in the language that person writes."""
    assert import_items(db, write(tmp_path / "items.csv", ITEMS)).ok
    assert import_stock(db, write(tmp_path / "stock.csv", STOCK)).ok
    floor = Floor(db, admins="console:alice")
    floor.say("alice", "/role @carol keeper")
    floor.say("carol", "/stock BOLT-M8")  # the keeper has written, in English

    asked = floor.say("bob", "领料 六角螺栓 M8 5")
    assert "mr.created_reserved" in asked.keys() and "已" in asked.plain()
    card = [r for r in floor.inbox("carol") if "mr.issue_card" in r.keys()]
    assert card and "To issue" in card[-1].plain()

    floor.press("carol", "Issue 5")
    ready = [r for r in floor.inbox("bob") if "mr.ready" in r.keys()]
    assert ready and "你的物料已备好" in ready[-1].plain()
    confirmed = floor.press("bob", "签收")  # a press has no text: the language he last wrote
    assert confirmed.keys() == ["mr.confirmed"] and "签收" in confirmed.plain()
    with db.read() as s:
        assert check_balances(s) == []


def test_a_person_who_writes_traditional_hears_their_notices_in_traditional(db, tmp_path):
    """The written language is told apart as written: 繁體 text, 繁體 notices."""
    assert import_items(db, write(tmp_path / "items.csv", ITEMS)).ok
    assert import_stock(db, write(tmp_path / "stock.csv", STOCK)).ok
    floor = Floor(db, admins="console:alice")
    floor.say("alice", "/role @carol keeper")

    asked = floor.say("bob", "領料 六角螺栓 M8 5")
    assert "mr.created_reserved" in asked.keys() and "六角螺栓" in asked.plain()
    floor.inbox("carol")
    floor.press("carol", "Issue 5")
    ready = [r for r in floor.inbox("bob") if "mr.ready" in r.keys()]
    assert ready and "你的物料已備好" in ready[-1].plain()
    with db.read() as s:
        bob = s.scalars(select(User).where(User.display_name == "bob")).one()
        assert (bob.language, bob.wrote_language) == (None, "zh-Hant")


def test_lang_still_wins_over_the_language_a_person_writes_in(db, tmp_path):
    """bob writes Chinese and hears Chinese; once he chooses English with `/lang en` his
    notices are English, even for a request he writes in Chinese afterwards."""
    assert import_items(db, write(tmp_path / "items.csv", ITEMS)).ok
    assert import_stock(db, write(tmp_path / "stock.csv", STOCK)).ok
    floor = Floor(db, admins="console:alice")
    floor.say("alice", "/role @carol keeper")
    floor.say("bob", "领料 六角螺栓 M8 5")
    floor.inbox("carol")
    floor.press("carol", "Issue 5")
    ready = [r for r in floor.inbox("bob") if "mr.ready" in r.keys()]
    assert ready and "你的物料已备好" in ready[-1].plain()
    floor.say("bob", "/lang en")

    asked = floor.say("bob", "领料 六角螺栓 M8 3")
    assert asked.keys()[0] == "mr.created_reserved" and "reserved for bob" in asked.plain()
    floor.inbox("carol")
    floor.press("carol", "Issue 3")
    ready = [r for r in floor.inbox("bob") if "mr.ready" in r.keys()]
    assert ready and "Your material is ready" in ready[-1].plain()
    assert "已备好" not in ready[-1].plain()
