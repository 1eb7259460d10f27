"""The DingTalk adapter end to end: the real dingtalk-stream client on a websocket to a loopback
fake gateway (tests/fake_dingtalk.py), the robot's HTTP send API on the same fake, inside a real
`Service` started on 127.0.0.1 port 0 (tests/dingtalk_scene.py: who is who)."""

from __future__ import annotations

import asyncio
import json
from decimal import Decimal
from typing import Any

from sqlalchemy import select

from dingtalk_scene import BOB, CAROL, DAVE, GROUP, count, crew, play
from fake_dingtalk import CLIENT_ID, FakeDingTalk
from labels import code_image, photo
from stockbot.app import build_service
from stockbot.flows.routing import enqueue
from stockbot.replies import Reply
from stockbot.store.models import MaterialRequest, OutboxMessage, ProcessedEvent, Reservation

from transcript import Floor, settings


def delivered(db: Any) -> bool:
    with db.read() as s:
        return s.scalars(select(OutboxMessage.state)).one() == "delivered"


def test_a_lookup_in_the_group_is_answered_in_the_group_and_the_frame_is_acked(db):
    Floor(db).item("M8", stock=120, name="Hex bolt M8")

    async def scenario(fake: FakeDingTalk, _service: Any) -> None:
        await fake.say(BOB, "/stock M8", chat=GROUP)
        [text] = await fake.wait_for(lambda: fake.markdowns(group=GROUP))
        assert "Hex bolt M8" in text and "120" in text
        assert fake.sent("/v1.0/oauth2/accessToken")  # a token, then the send with it
        await fake.wait_for(lambda: fake.acks)
        assert fake.acks[0]["code"] == 200

    play(db, scenario)


def test_a_photo_of_a_label_in_a_private_chat_is_a_lookup(db):
    Floor(db).item("BRG-6204", stock=7, barcodes=["6901234567892"])

    async def scenario(fake: FakeDingTalk, _service: Any) -> None:
        await fake.send_picture(BOB, photo(code_image("6901234567892", "ean13")))
        [text] = await fake.wait_for(lambda: fake.markdowns(user=BOB[0]))
        assert "BRG-6204" in text and "7" in text

    play(db, scenario)


def test_a_request_approved_once_though_pressed_twice_then_issued_and_confirmed(db):
    crew(db)
    motor = Floor(db).item("MOTOR", stock=10, unit_cost=Decimal(800))

    async def scenario(fake: FakeDingTalk, _service: Any) -> None:
        await fake.say(BOB, "/request MOTOR 2", chat=GROUP)
        [track] = await fake.wait_for(lambda: fake.cards_in(f"IM_GROUP.{GROUP}"))
        assert "MR-00001" in fake.cards[track]["markdown"]
        labels = [b["text"] for b in json.loads(fake.cards[track]["buttons"])]
        assert labels == ["Approve", "Reject"]

        # bob may not approve his own request: told privately, the card stays as it was
        before = dict(fake.cards[track])
        await fake.press(BOB[0], track, "Approve")
        await fake.wait_for(lambda: fake.markdowns(user=BOB[0]))
        assert fake.cards[track] == before

        # dave approves; the same callback redelivered changes nothing
        frame = await fake.press(DAVE[0], track, "Approve")
        await fake.wait_for(lambda: "approved by Dave" in fake.cards[track]["markdown"])
        assert json.loads(fake.cards[track]["buttons"]) == []
        updates, events = len(fake.sent("/v1.0/card/instances")), count(db, ProcessedEvent)
        await fake.redeliver(frame)
        await fake.wait_for(
            lambda: len([a for a in fake.acks if a["headers"]["messageId"] == frame]) == 2
        )
        assert len(fake.sent("/v1.0/card/instances")) == updates
        assert count(db, ProcessedEvent) == events
        with db.read() as s:
            assert s.get(MaterialRequest, 1).state == "approved"
            assert s.scalars(select(Reservation.qty)).one() == 2

        # carol's issue card reaches her private chat through the outbox; she issues
        [issue] = await fake.wait_for(lambda: fake.cards_in(f"IM_ROBOT.{CAROL[0]}"))
        await fake.press(CAROL[0], issue, "Issue 2")
        await fake.wait_for(lambda: "issued by Carol" in fake.cards[issue]["markdown"])
        # bob confirms he got it
        [ready] = await fake.wait_for(lambda: fake.cards_in(f"IM_ROBOT.{BOB[0]}"))
        await fake.press(BOB[0], ready, "Confirm receipt")
        await fake.wait_for(lambda: "received by" in fake.cards[ready]["markdown"])
        with db.read() as s:
            assert s.get(MaterialRequest, 1).state == "received"
        assert Floor(db).on_hand(motor) == 8

    play(db, scenario)


def test_a_429_in_the_outbox_is_retried_and_delivered_once(db):
    async def scenario(fake: FakeDingTalk, service: Any) -> None:
        fake.fail("/v1.0/robot/groupMessages/send", times=1, status=429)
        with db.write() as s:
            enqueue(s, "dingtalk", GROUP, Reply.text("*stock count at 17:00*"))
        await fake.wait_for(lambda: fake.markdowns(group=GROUP))
        await fake.wait_for(lambda: delivered(db))  # the outbox is done with it: counts are final
        assert len(fake.markdowns(group=GROUP)) == 1
        assert len([c for c in fake.calls if c.status == 429]) == 1

    play(db, scenario)


def test_a_wrong_client_secret_gets_no_stream_and_nothing_is_written(db):
    async def main() -> None:
        fake = FakeDingTalk()
        await fake.start()
        st = settings(
            dingtalk_client_id=CLIENT_ID,
            dingtalk_client_secret="forged",
            dingtalk_api_url=fake.url,
        )
        service = build_service(db, st)
        await service.start(host="127.0.0.1", port=0)
        try:
            await fake.wait_for(
                lambda: [c for c in fake.calls if c.path.endswith("/connections/open")]
            )
            assert [c.status for c in fake.calls] == [401]
            assert service.adapters[0].health()["ok"] is False
            assert count(db, ProcessedEvent) == 0
        finally:
            await service.stop()
            await fake.stop()

    asyncio.run(main())
