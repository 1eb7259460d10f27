"""Notices are written for their reader, and reach somebody — or say that nobody was reached.

A factory set up from its own files has no `/bind` yet: a request must still reach a keeper,
in the keeper's language, and a reply never claims "notified" when nobody was.
"""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import pytest
from sqlalchemy import select

from stockbot.commands.inbound import Inbound
from stockbot.flows.notices import At, L, Notice, Q, render
from stockbot.handlers.console_app import console_handle
from stockbot.store.models import OutboxMessage, UserRole

from transcript import Floor


def is_chinese(reply) -> bool:  # type: ignore[no-untyped-def]
    return any("\u4e00" <= ch <= "\u9fff" for ch in reply.plain())


@pytest.fixture
def floor(db) -> Floor:
    return Floor(db).people()


def test_each_reader_gets_the_notice_in_their_own_language(floor):
    floor.item("MOTOR", stock=10, unit_cost=Decimal(800))
    floor.say("bob", "/lang zh-Hans")
    floor.say("dave", "/lang en")

    floor.say("bob", "/request MOTOR 2")
    (card,) = [r for r in floor.inbox("dave") if "mr.approve_card" in r]
    assert not is_chinese(card)  # Dave reads English, although Bob wrote 简体
    assert [b.label for b in card.buttons()] == ["Approve", "Reject"]

    approved = floor.press("dave", "Approve")
    assert "mr.approved" in approved and not is_chinese(approved)
    (notice,) = [r for r in floor.inbox("bob") if "mr.approved" in r]
    assert is_chinese(notice)  # and Bob reads his approval in 简体


def test_a_notice_renders_times_in_the_readers_timezone_and_quantities_exactly():
    at = datetime(2026, 3, 2, 1, 5, tzinfo=UTC)
    notice = Notice(
        "mr.approved",
        {"no": "MR-00001", "who": "Dave", "at": At(at), "qty": Q(Decimal("2.50"), "kg")},
    )
    shanghai = render(notice.dump(), "en", "Asia/Shanghai").plain()
    berlin = render(notice.dump(), "zh-Hant", "Europe/Berlin").plain()
    assert "09:05" in shanghai and "2.5 kg" in shanghai
    assert ("02:05" in berlin and "已" in berlin) or "於" in berlin


def test_user_text_in_a_notice_cannot_change_its_formatting():
    notice = Notice("mr.rejected", {"no": "MR-1", "who": "*boss*", "at": "", "reason": "`x`"})
    (text,) = render(notice.dump(), "en", "UTC").blocks
    assert "\\*boss\\*" in text.text and "\\`x\\`" in text.text


def test_nested_texts_are_translated_for_the_reader():
    notice = Notice(
        "mr.issue_card",
        {"no": "MR-1", "qty": "2", "item": "X", "who": "B", "wo": L("mr.for_wo", wo="WO-7")},
    )
    assert "工单" in render(notice.dump(), "zh-Hans", "UTC").plain()
    assert "for WO-7" in render(notice.dump(), "en", "UTC").plain()


# --- routing without /bind ------------------------------------------------------------------


def test_without_a_bound_chat_the_keepers_are_told_directly_and_the_reply_says_whom(floor):
    bolt = floor.item("BOLT-M8", stock=100, unit_cost=Decimal("0.5"))
    reply = floor.say("bob", "/request BOLT-M8 20")
    assert reply.keys() == ["mr.created_reserved", "route.people"]
    assert "Carol" in reply.plain()
    (card,) = floor.inbox("carol")
    assert card.keys() == ["mr.issue_card"]
    floor.press("carol", "Issue 20")
    assert floor.on_hand(bolt) == 80


def test_a_bound_chat_gets_the_card_instead_of_the_keepers(floor):
    floor.item("BOLT-M8", stock=100, unit_cost=Decimal("0.5"))
    floor.say("alice", "/bind MAIN", chat="stores")
    reply = floor.say("bob", "/request BOLT-M8 20")
    assert reply.keys() == ["mr.created_reserved", "route.chats"]
    assert floor.inbox("carol") == []
    assert [r.keys() for r in floor.inbox("stores")] == [["mr.issue_card"]]


def test_with_no_keeper_the_admins_get_the_card_and_the_reply_says_how_to_fix_it(floor):
    floor.item("BOLT-M8", stock=100, unit_cost=Decimal("0.5"))
    with floor.db.write() as s:  # a factory where nobody is a keeper yet
        for role in s.scalars(select(UserRole).where(UserRole.role == "keeper")):
            s.delete(role)
    reply = floor.say("bob", "/request BOLT-M8 20")
    assert reply.keys() == ["mr.created_reserved", "route.people", "route.only_admins"]
    assert "/bind MAIN" in reply.plain() and "Alice" in reply.plain()
    assert [r.keys() for r in floor.inbox("alice")] == [["mr.issue_card"]]


def test_when_nobody_at_all_can_be_reached_the_reply_never_claims_anyone_was(floor):
    floor.item("BOLT-M8", stock=100, unit_cost=Decimal("0.5"))
    with floor.db.write() as s:  # imported from files: no keeper, no admin, nothing bound
        for role in s.scalars(select(UserRole).where(UserRole.role.in_(["keeper", "admin"]))):
            s.delete(role)
    reply = floor.say("bob", "/request BOLT-M8 20")
    assert reply.keys() == ["mr.created_reserved", "route.nobody_keeper"]
    assert "/role @name keeper" in reply.plain()
    with floor.db.read() as s:
        assert s.scalar(select(OutboxMessage.id)) is None


def test_when_nobody_can_approve_the_requester_and_the_admins_are_told_at_once(floor):
    floor.item("PRESS", stock=5, unit_cost=Decimal(90_000))
    with (
        floor.db.write() as s
    ):  # only dave (5,000) and frank (100,000) approve; the press is 180,000
        for role in s.scalars(select(UserRole).where(UserRole.role == "admin")):
            s.delete(role)
    reply = floor.say("bob", "/request PRESS 2")
    assert reply.keys() == ["mr.created_pending", "route.nobody_role"]
    with floor.db.read() as s:
        assert (
            s.scalar(select(OutboxMessage.id).where(OutboxMessage.target == "user:frank")) is None
        )


def test_the_console_shows_a_person_what_waits_for_them_when_they_type(db):
    floor = Floor(db).people()
    floor.item("BOLT-M8", stock=100, unit_cost=Decimal("0.5"))
    handle = console_handle(floor.runtime)

    def say(who: str, text: str):  # type: ignore[no-untyped-def]
        return handle(
            Inbound(
                platform="console",
                user_id=who,
                chat_id="console",
                message_id=f"{who}:{text}",
                text=text,
            )
        )

    asked = say("bob", "/request BOLT-M8 20")
    assert "mr.issue_card" not in asked  # the keeper's card is not shown to bob
    seen = say("carol", "/help")
    assert "mr.issue_card" in seen  # but carol sees it as soon as she types
    assert "mr.issue_card" not in say("carol", "/help")  # once


def test_a_grid_renders_every_quantity_cell_by_its_own_value_and_unit():
    """Quantity cells repeat in a kit's grid and are rendered once per grid: a cell with
    another number, unit or typed unit must still get its own text."""
    from stockbot.flows.notices import Grid

    rows = (
        (Q(Decimal(1), "pc"),),
        (Q(Decimal(2), "pc"),),
        (Q(Decimal(1), "box"),),
        (Q(Decimal(1), "pc"),),
        (Q(Decimal(100), "pc", typed=(Decimal(1), "box")),),
        (Q(Decimal(2), "pc"),),
    )
    notice = Notice("mr.approved", {}, grid=Grid(rows, ("x",)))
    en = render(notice.dump(), "en", "UTC").blocks[1]
    zh = render(notice.dump(), "zh-Hans", "UTC").blocks[1]
    assert [r[0] for r in en.rows] == ["1 pc", "2 pcs", "1 box", "1 pc", "1 box = 100 pcs",
                                       "2 pcs"]  # fmt: skip
    assert [r[0] for r in zh.rows][:3] == ["1个", "2个", "1箱"]
