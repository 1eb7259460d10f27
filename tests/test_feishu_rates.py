"""Feishu's rate limits, as Feishu documents them (see `feishu_outbound.RATE_LIMIT_CODES`), end to
end through lark-oapi and the loopback fake: a limit is waited out and the message sent once,
whatever HTTP status carries it (Feishu answers 230020, and 99991400 on older APIs, with 400);
"still being sent" is tried again; a real refusal is parked at once."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select

from stockbot.flows.routing import enqueue
from stockbot.replies import Reply
from stockbot.store.models import OutboxMessage
from test_feishu_e2e import CAROL, Scene, play

from transcript import Floor


def state(sc: Scene) -> str:
    with sc.db.read() as s:
        return str(s.scalars(select(OutboxMessage.state)).one())


@pytest.mark.parametrize(
    ("status", "code"),
    [(429, 99991400), (400, 99991400), (400, 230020), (200, 11232), (400, 230049)],
)
def test_a_limit_or_a_message_still_being_sent_is_retried_and_delivered_once(db, status, code):
    async def scenario(sc: Scene) -> None:
        sc.fake.fail("message.create", times=1, status=status, code=code, reset="0.1")
        with sc.db.write() as s:
            enqueue(s, "feishu", f"user:{CAROL}", Reply.text("MR-00009 is ready"), dedupe_key="r")
        await sc.fake.wait_for(lambda: state(sc) == "delivered", timeout=8)
        attempts = [(c.status, c.code) for c in sc.fake.sent("message.create", ok=None)]
        assert attempts == [(status, code), (200, 0)]
        assert len(sc.fake.in_chat(f"p2p:{CAROL}")) == 1

    play(db, scenario)


def test_a_bot_outside_the_group_is_parked_after_one_attempt(db):
    async def scenario(sc: Scene) -> None:
        sc.fake.fail("message.create", times=1, status=400, code=230002)
        with sc.db.write() as s:
            enqueue(s, "feishu", "oc_gone", Reply.text("shortage: GLUE"), dedupe_key="g")
        await sc.fake.wait_for(lambda: state(sc) == "failed", timeout=8)
        assert len(sc.fake.sent("message.create", ok=None)) == 1

    play(db, scenario)


def test_an_answer_hit_by_the_per_chat_limit_is_sent_once_the_limit_passes(db):
    Floor(db).item("BRG-6204", stock=5)

    async def scenario(sc: Scene) -> Any:
        sc.fake.fail("message.reply", times=1, status=400, code=230020, reset="0.1")
        answer = await sc.answer_to(await sc.say(CAROL, "/stock BRG-6204"))
        assert "BRG-6204" in answer.text()
        attempts = [(c.status, c.code) for c in sc.fake.sent("message.reply", ok=None)]
        assert attempts == [(400, 230020), (200, 0)]

    play(db, scenario)
