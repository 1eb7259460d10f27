"""Roles on Telegram name people only by what Telegram vouches for (issue 9, item 3).

A stranger whose first name is "frank" (no username) must not receive what an admin meant for
@frank; a text mention (someone picked from the list), an `@username` the platform reported
for someone who wrote, a reply to their message, or `telegram:<id>` name the person.
End to end: the real adapter against the loopback fake Bot API (tests/fake_telegram.py).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from sqlalchemy import select

from stockbot.store.catalog import ensure_user, find_user, grant_role, user_roles
from stockbot.store.models import Role, UserIdentity
from test_telegram_e2e import Scene, crew, play

from transcript import Floor, row_counts

ADMIN = (9000, "Alice")
STRANGER = (6666, "frank")  # a first name, no username: anyone can call themselves that
FRANK = (3001, "Frank")  # the real Frank, picked from the member list: no username either


def _setup(db: Any) -> None:
    crew(db)
    Floor(db).item("MOTOR", stock=10, unit_cost=Decimal(800))
    with db.write() as s:
        grant_role(s, ensure_user(s, "telegram", str(ADMIN[0]), ADMIN[1]), Role.ADMIN)
        ensure_user(s, "telegram", str(STRANGER[0]), STRANGER[1])  # has written before


def _roles(db: Any, uid: int) -> set[str]:
    with db.read() as s:
        user = find_user(s, "telegram", str(uid))
        return user_roles(s, user.id) if user else set()


def _admin(sc: Scene) -> None:
    sc.people["alice"] = sc.fake.user(ADMIN[0], ADMIN[1], username="alice")


def _state(db: Any) -> dict[str, int]:
    """Every table but the delivery ids the adapter remembers for each message."""
    return {k: v for k, v in row_counts(db).items() if k != "processed_events"}


def test_a_first_name_is_not_a_mention_and_naming_nobody_writes_nothing(db):
    _setup(db)

    async def scenario(sc: Scene) -> None:
        _admin(sc)
        before = _state(db)
        for text in ("/role @frank keeper", "/role @ghost keeper", "/role keeper"):
            said = sc.say("alice", text)
            answer = await sc.answer_to(said)
            assert "Nothing was changed" in answer["text"]
            assert "reply to one of their messages" in answer["text"]
        assert _state(db) == before  # no identity for @ghost, no grant for the stranger
        assert _roles(db, STRANGER[0]) == {"staff"}

    play(db, scenario)


def test_a_text_mention_names_the_person_telegram_points_at(db):
    _setup(db)

    async def scenario(sc: Scene) -> None:
        _admin(sc)
        picked = {"type": "text_mention", "offset": 6, "length": 5,
                  "user": {"id": FRANK[0], "is_bot": False, "first_name": FRANK[1]}}  # fmt: skip
        said = sc.say("alice", "/role Frank keeper", entities=[picked])
        answer = await sc.answer_to(said)
        assert "Frank is now a warehouse keeper" in answer["text"]
        assert Role.KEEPER.value in _roles(db, FRANK[0])
        assert _roles(db, STRANGER[0]) == {"staff"}

    play(db, scenario)


def test_a_username_seen_from_its_owner_and_a_reply_name_the_person(db):
    _setup(db)

    async def scenario(sc: Scene) -> None:
        _admin(sc)
        # bob writes (a request): the store learns that @bob is Telegram user 1001
        await sc.answer_to(sc.say("bob", "/request MOTOR 1"))
        with db.read() as s:
            handle = s.scalar(
                select(UserIdentity.handle).where(UserIdentity.platform_user_id == "1001")
            )
            assert handle == "bob"
        granted = await sc.answer_to(sc.say("alice", "/role @BOB purchaser"))
        assert "is now a purchaser" in granted["text"]
        assert Role.PURCHASER.value in _roles(db, 1001)

        # bea has never used the bot; alice answers one of her messages
        hello = sc.say("bea", "hello all")
        answer = await sc.answer_to(sc.say("alice", "/role approver", reply_to=hello))
        assert "is now an approver" in answer["text"]
        assert Role.APPROVER.value in _roles(db, 1002)

        # an explicit identity works too; a malformed one is refused with its own key
        explicit = await sc.answer_to(sc.say("alice", f"/role telegram:{FRANK[0]} keeper"))
        assert "is now a warehouse keeper" in explicit["text"]
        long_id = await sc.answer_to(sc.say("alice", "/link @bob slack:" + "U" * 1000))
        assert "longer than any user id" in long_id["text"]

    play(db, scenario)
