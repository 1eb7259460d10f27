"""DingTalk people and words, end to end (the real dingtalk-stream client and the loopback fake,
tests/dingtalk_scene.py): Chinese aliases typed in a group, and `dingtalk:<staffId>` identities
in `STOCKBOT_ADMINS`, `/role` (角色) and `/link` — as tests/test_feishu_e2e.py does for Feishu."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

from sqlalchemy import select

from dingtalk_scene import BOB, CAROL, DAVE, GROUP, crew, play
from fake_dingtalk import FakeDingTalk
from stockbot.i18n import t
from stockbot.store.models import MaterialRequest, UserIdentity, UserRole

from transcript import Floor, row_counts

ALICE = ("manager01", "Alice")  # the bootstrap admin: STOCKBOT_ADMINS=dingtalk:manager01


def roles(db: Any) -> dict[tuple[str, str], tuple[str, Decimal | None]]:
    """(platform, platform user id) → (role, limit) for every role above staff."""
    with db.read() as s:
        rows = s.execute(
            select(UserIdentity.platform, UserIdentity.platform_user_id, UserRole)
            .join(UserRole, UserRole.user_id == UserIdentity.user_id)
            .where(UserRole.role != "staff")
        )
        return {(p, uid): (r.role, r.amount_limit) for p, uid, r in rows}


def owner(db: Any, platform: str, uid: str) -> int | None:
    with db.read() as s:
        return s.scalar(
            select(UserIdentity.user_id).where(
                UserIdentity.platform == platform, UserIdentity.platform_user_id == uid
            )
        )


async def ask(fake: FakeDingTalk, who: tuple[str, str], text: str) -> str:
    """Say *text* in the group and wait for the next answer there."""
    before = len(fake.markdowns(group=GROUP))
    await fake.say(who, text, chat=GROUP)
    answers = await fake.wait_for(lambda: fake.markdowns(group=GROUP)[before:])
    return str(answers[0])


def test_a_chinese_stock_lookup_in_the_group_finds_the_item_by_its_chinese_name(db):
    Floor(db).item("BRG-6204", stock=5, name="轴承6204")

    async def scenario(fake: FakeDingTalk, _service: Any) -> None:
        answer = await ask(fake, BOB, "查库存 轴承6204")
        assert "BRG-6204" in answer and "5" in answer

    play(db, scenario)


def test_a_chinese_material_request_becomes_a_request_card_in_the_group(db):
    crew(db)
    Floor(db).item("BRG-6204", stock=10, name="轴承6204", unit_cost=Decimal(30))

    async def scenario(fake: FakeDingTalk, _service: Any) -> None:
        await fake.say(BOB, "领料 BRG-6204 2", chat=GROUP)
        [track] = await fake.wait_for(lambda: fake.cards_in(f"IM_GROUP.{GROUP}"))
        assert "MR-00001" in fake.cards[track]["markdown"]
        assert json.loads(fake.cards[track]["buttons"])  # the approver's buttons
        with db.read() as s:
            request = s.scalars(select(MaterialRequest)).one()
            assert request.qty == 2
        assert owner(db, "dingtalk", BOB[0]) == request.requester_id

    play(db, scenario)


def test_dingtalk_identities_work_with_admins_role_and_link(db):
    async def scenario(fake: FakeDingTalk, _service: Any) -> None:
        await ask(fake, ALICE, f"/role dingtalk:{CAROL[0]} keeper")
        await ask(fake, ALICE, f"角色 dingtalk:{DAVE[0]} approver 5000")
        # carol is told of her new role privately, through the outbox
        await fake.wait_for(lambda: fake.markdowns(user=CAROL[0]))
        await ask(fake, ALICE, f"/link dingtalk:{CAROL[0]} telegram:777")

        before = row_counts(db)
        refused = await ask(fake, BOB, f"/role dingtalk:{BOB[0]} admin")
        assert row_counts(db) == before  # bob is no admin: nothing written
        assert refused.strip()

    play(db, scenario, admins=f"dingtalk:{ALICE[0]}")
    granted = roles(db)
    assert granted[("dingtalk", ALICE[0])] == ("admin", None)
    assert granted[("dingtalk", CAROL[0])] == ("keeper", None)
    assert granted[("dingtalk", DAVE[0])] == ("approver", Decimal(5000))
    assert granted[("telegram", "777")] == ("keeper", None)  # the link: carol's roles follow
    assert owner(db, "telegram", "777") == owner(db, "dingtalk", CAROL[0])
    assert ("dingtalk", BOB[0]) not in granted


async def ask_naming(
    fake: FakeDingTalk, who: tuple[str, str], text: str, mentions: list[tuple[str, str]]
) -> str:
    """As `ask`, with *mentions* @-mentioned in *text* (DingTalk's `atUsers`)."""
    before = len(fake.markdowns(group=GROUP))
    await fake.say(who, text, chat=GROUP, mentions=mentions)
    answers = await fake.wait_for(lambda: fake.markdowns(group=GROUP)[before:])
    return str(answers[0])


def test_an_admin_grants_a_role_by_mentioning_the_person(db):
    """`/role @卡罗 keeper`: DingTalk's text has the display name, its atUsers the staffId."""

    async def scenario(fake: FakeDingTalk, _service: Any) -> None:
        await ask_naming(fake, ALICE, f"/role @{CAROL[1]} keeper", [CAROL])
        await ask_naming(fake, ALICE, f"角色 @{DAVE[1]} approver 5000", [DAVE])

    play(db, scenario, admins=f"dingtalk:{ALICE[0]}")
    granted = roles(db)
    assert granted[("dingtalk", CAROL[0])] == ("keeper", None)
    assert granted[("dingtalk", DAVE[0])] == ("approver", Decimal(5000))


def test_two_people_mentioned_are_not_paired_by_guess_and_nothing_is_granted(db):
    async def scenario(fake: FakeDingTalk, _service: Any) -> None:
        before = row_counts(db)
        answer = await ask_naming(
            fake, ALICE, f"/role @{CAROL[1]} @{DAVE[1]} keeper", [CAROL, DAVE]
        )
        assert answer.strip()
        assert row_counts(db) == before

    play(db, scenario, admins=f"dingtalk:{ALICE[0]}")
    assert ("dingtalk", CAROL[0]) not in roles(db) and ("dingtalk", DAVE[0]) not in roles(db)


def test_a_malformed_dingtalk_identity_gets_the_usage_and_writes_nothing(db):
    async def scenario(fake: FakeDingTalk, _service: Any) -> None:
        before = row_counts(db)
        answer = await ask(fake, ALICE, "/role dingtalk:has,comma keeper")
        assert row_counts(db) == before
        assert t("parse.bad_identity", "en", value="dingtalk:has,comma") in answer

    play(db, scenario, admins=f"dingtalk:{ALICE[0]}")
