"""Pictures on DingTalk, end to end (the real dingtalk-stream client and the loopback fake,
tests/dingtalk_scene.py): a reply's PNG is uploaded to ``/media/upload`` and sent as a
``sampleImageMsg`` naming that upload, after the text — the morning summary's chart included.
The fake refuses a picture message that names no upload of its own."""

from __future__ import annotations

import asyncio
from typing import Any

from sqlalchemy import select

from dingtalk_scene import BOB, CAROL, GROUP, play
from fake_dingtalk import FakeDingTalk
from loopback import CHART_PNG, chart_reply
from stockbot.flows import summary as summary_flow
from stockbot.flows.routing import enqueue
from stockbot.store.models import OutboxMessage

from transcript import Floor

ALICE = ("manager01", "Alice")
PNG = b"\x89PNG\r\n\x1a\n"


def order(fake: FakeDingTalk, *paths: str) -> list[str]:
    """The successful calls among *paths*, in the order the fake saw them."""
    return [c.path for c in fake.calls if c.status == 200 and c.path in paths]


def outbox_states(db: Any) -> list[str]:
    with db.read() as s:
        return list(s.scalars(select(OutboxMessage.state)))


def test_a_chart_in_the_outbox_is_uploaded_and_follows_its_card_as_a_picture(db):
    async def scenario(fake: FakeDingTalk, _service: Any) -> None:
        with db.write() as s:
            enqueue(s, "dingtalk", GROUP, chart_reply("BOLT-M8, last 30 days"), dedupe_key="c")
        assert await fake.wait_for(lambda: fake.images(group=GROUP)) == [CHART_PNG]
        [upload] = fake.sent("/media/upload")
        assert upload.body == {"type": "image", "filename": "chart.png",
                               "content_type": "image/png"}  # fmt: skip
        [track] = fake.cards_in(f"IM_GROUP.{GROUP}")  # the text and its button, as a card
        assert "BOLT-M8, last 30 days" in fake.cards[track]["markdown"]  # the caption
        assert order(
            fake, "/media/upload", "/v1.0/card/instances/createAndDeliver",
            "/v1.0/robot/groupMessages/send",
        ) == ["/media/upload", "/v1.0/card/instances/createAndDeliver",
              "/v1.0/robot/groupMessages/send"]  # fmt: skip
        await fake.wait_for(lambda: outbox_states(db) == ["delivered"])

    play(db, scenario)


def test_a_picture_for_one_person_goes_to_their_private_chat(db):
    async def scenario(fake: FakeDingTalk, _service: Any) -> None:
        with db.write() as s:
            enqueue(s, "dingtalk", f"user:{CAROL[0]}", chart_reply("for carol"), dedupe_key="p")
        assert await fake.wait_for(lambda: fake.images(user=CAROL[0])) == [CHART_PNG]
        assert fake.images(group=GROUP) == []

    play(db, scenario, dingtalk_card_template_id=None)  # no template: markdown, then picture


def test_a_busy_upload_is_retried_and_the_text_still_goes_out_once(db):
    async def scenario(fake: FakeDingTalk, _service: Any) -> None:
        fake.fail_upload(-1)  # 系统繁忙: the first delivery fails before anything is sent
        with db.write() as s:
            enqueue(s, "dingtalk", GROUP, chart_reply("retried"), dedupe_key="b")
        await fake.wait_for(lambda: outbox_states(db) == ["delivered"])
        assert fake.images(group=GROUP) == [CHART_PNG]
        assert len(fake.markdowns(group=GROUP)) == 1
        assert [c.status for c in fake.calls if c.path == "/media/upload"] == [600, 200]

    play(db, scenario, dingtalk_card_template_id=None)


def test_the_summary_asked_for_in_the_group_comes_with_its_chart(db):
    Floor(db).item("GLUE", stock=1, name="Epoxy glue", safety_stock=5)

    async def scenario(fake: FakeDingTalk, _service: Any) -> None:
        await fake.say(BOB, "日报", chat=GROUP)
        [chart] = await fake.wait_for(lambda: fake.images(group=GROUP))
        assert chart.startswith(PNG) and len(chart) > 1000
        [text] = fake.markdowns(group=GROUP)
        assert "GLUE" in text

    play(db, scenario)


def test_the_morning_summary_reaches_a_bound_dingtalk_group_with_its_chart(db):
    Floor(db).item("GLUE", stock=1, name="Epoxy glue", safety_stock=5)

    async def scenario(fake: FakeDingTalk, service: Any) -> None:
        await fake.say(ALICE, "/bind MAIN", chat=GROUP)
        await fake.wait_for(lambda: fake.markdowns(group=GROUP))  # "bound"
        sent = await asyncio.to_thread(summary_flow.send_summaries, db, service.settings)
        assert sent == 1
        [chart] = await fake.wait_for(lambda: fake.images(group=GROUP))
        assert chart.startswith(PNG)
        await fake.wait_for(lambda: outbox_states(db) == ["delivered"])
        _bound, summary = fake.markdowns(group=GROUP)
        assert "GLUE" in summary

    play(db, scenario, admins=f"dingtalk:{ALICE[0]}")
