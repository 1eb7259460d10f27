"""The Feishu adapter end to end: the real lark-oapi SDK talking HTTP to a loopback fake Open API
(tests/fake_feishu.py), inside a real `Service` on 127.0.0.1 port 0; the fake posts the events
Feishu would to the service's ``/feishu/events``.

Who is who (open_ids): bob is staff, carol keeps the warehouse, dave approves up to 5000. They
share the group ``oc_line1``; personal cards reach them as private messages (``p2p:<open_id>``).
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import hashlib
import json
from collections.abc import AsyncIterator, Awaitable, Callable
from decimal import Decimal
from typing import Any

import pytest
from lark_oapi.core.utils.decryptor import AESCipher
from sqlalchemy import func, select

from fake_feishu import APP_ID, APP_SECRET, TOKEN, FakeFeishu
from loopback import CHART_PNG, chart_reply
from stockbot.app import build_service
from stockbot.flows.routing import enqueue
from stockbot.handlers import feishu
from stockbot.handlers.feishu import FeishuAdapter, signature
from stockbot.handlers.feishu_render import render
from stockbot.ops.startup import StartupError, check_platforms
from stockbot.replies import Reply, Text
from stockbot.service import Service
from stockbot.store.catalog import ensure_user, grant_role
from stockbot.store.check import check_balances
from stockbot.store.models import (
    MaterialRequest,
    OutboxMessage,
    Reservation,
    Role,
    UserIdentity,
    UserRole,
)

from transcript import Floor, row_counts, settings

GROUP = "oc_line1"
BOB, CAROL, DAVE, ALICE = "ou_b0b", "ou_ca401", "ou_da7e", "ou_a11ce"


class Scene:
    def __init__(self, fake: FakeFeishu, service: Service, db: Any) -> None:
        self.fake, self.service, self.db = fake, service, db

    async def say(self, who: str, text: str, **kw: Any) -> dict[str, Any]:
        event = self.fake.message_event(who, kw.pop("chat", GROUP), text, **kw)
        status, _ = await self.fake.post(event)
        assert status == 200
        return event

    async def answer_to(self, event: dict[str, Any]) -> Any:
        mid = event["event"]["message"]["message_id"]
        return await self.fake.wait_for(
            lambda: next((m for m in self.fake.messages.values() if m.reply_to == mid), None)
        )

    async def press(self, who: str, card: Any, label: str, **kw: Any) -> tuple[int, dict]:
        return await self.fake.post(self.fake.press_event(who, card, label, **kw))


def crew(db: Any) -> None:
    with db.write() as s:
        for uid, name, role, limit in (
            (CAROL, "Carol", Role.KEEPER, None),
            (DAVE, "Dave", Role.APPROVER, Decimal(5000)),
        ):
            grant_role(s, ensure_user(s, "feishu", uid, name), role, amount_limit=limit)


@contextlib.asynccontextmanager
async def running(db: Any, **overrides: Any) -> AsyncIterator[Scene]:
    fake = FakeFeishu()
    fake.names.update({BOB: "Bob", CAROL: "Carol", DAVE: "Dave", ALICE: "Alice"})
    await fake.start()
    st = settings(
        feishu_app_id=APP_ID,
        feishu_app_secret=APP_SECRET,
        feishu_verification_token=TOKEN,
        feishu_api_url=fake.url,
        **overrides,
    )
    service = build_service(db, st)  # the same wiring `stockbot run` uses
    service.outbox_interval = 0.05
    assert isinstance(service.adapters[0], FeishuAdapter)
    await service.start(host="127.0.0.1", port=0)
    fake.events_url = f"http://127.0.0.1:{service.port}/feishu/events"
    try:
        yield Scene(fake, service, db)
    finally:
        await service.stop()
        await fake.stop()


def play(db: Any, scenario: Callable[[Scene], Awaitable[None]], **overrides: Any) -> None:
    async def main() -> None:
        async with running(db, **overrides) as scene:
            await asyncio.wait_for(scenario(scene), timeout=25)

    asyncio.run(main())


def test_the_day_lookup_request_approval_pressed_twice_issue_and_confirm(db):
    crew(db)
    floor = Floor(db)
    motor = floor.item("MOTOR", stock=10, unit_cost=Decimal(800))

    async def scenario(sc: Scene) -> None:
        fake = sc.fake
        assert fake.sent("bot.info")  # the bot learned its own open_id at start

        looked = await sc.answer_to(await sc.say(BOB, "/stock MOTOR"))
        assert looked.msg_type == "interactive" and "MOTOR" in looked.text()
        assert "10" in looked.text()

        # group chatter that does not @-mention the bot is left alone
        await sc.say(BOB, "/stock MOTOR", mention_bot=False)
        await asyncio.sleep(0.2)
        assert len(fake.sent("message.reply")) == 1

        card = await sc.answer_to(await sc.say(BOB, "/request MOTOR 2"))
        assert "MR-00001" in card.text() and list(card.buttons()) == ["Approve", "Reject"]

        # staff may not approve: a toast for bob, the card stays as it is
        status, body = await sc.press(BOB, card, "Approve")
        assert status == 200 and "toast" in body and "card" not in body
        assert not card.updates

        # dave approves: the callback's answer is the card's new content, without buttons
        status, body = await sc.press(DAVE, card, "Approve")
        assert status == 200 and "card" in body
        assert "approved by Dave" in card.text() and not card.buttons()
        # pressed again (a second click on a stale copy): refused, nothing changes
        status, body = await sc.press(DAVE, card, "Approve", stale=True)
        assert "toast" in body and "card" not in body and len(card.updates) == 1
        # and Feishu redelivering one press (same event_id) is dropped by the guard
        press = sc.fake.press_event(DAVE, card, "Approve", stale=True)
        assert (await sc.fake.post(press))[1] != {} and (await sc.fake.post(press))[1] == {}
        with sc.db.read() as s:
            assert s.scalar(select(func.count()).select_from(Reservation)) == 1
        with sc.db.read() as s:
            assert s.get(MaterialRequest, 1).state == "approved"

        # carol's issue card came through the outbox to her private chat
        issue = await fake.card_with(f"p2p:{CAROL}", "Issue 2")
        status, body = await sc.press(CAROL, issue, "Issue 2")
        assert "issued by Carol" in issue.text()
        ready = await fake.card_with(f"p2p:{BOB}", "Confirm receipt")
        await sc.press(BOB, ready, "Confirm receipt")
        assert "received by Bob" in ready.text()  # the name came from the contact API
        assert floor.on_hand(motor) == 8
        with sc.db.read() as s:
            assert check_balances(s) == []

    play(db, scenario)


def test_feishu_identities_work_with_admins_role_by_mention_and_by_open_id(db):
    async def scenario(sc: Scene) -> None:
        await sc.answer_to(await sc.say(ALICE, "/role @carol keeper", at={"@carol": CAROL}))
        await sc.answer_to(await sc.say(ALICE, f"/role feishu:{DAVE} approver"))
        refused = await sc.answer_to(await sc.say(BOB, f"/role feishu:{BOB} admin"))
        with sc.db.read() as s:
            roles = {
                (u.platform_user_id, r.role)
                for u, r in s.execute(
                    select(UserIdentity, UserRole).where(UserIdentity.user_id == UserRole.user_id)
                )
            }
        granted = {(who, role) for who, role in roles if role != Role.STAFF}
        assert granted - {(ALICE, Role.ADMIN)} == {(CAROL, Role.KEEPER), (DAVE, Role.APPROVER)}
        assert refused.text()  # bob was told no; he is no admin

    play(db, scenario, admins=f"feishu:{ALICE}")


def test_a_decision_slower_than_the_callback_window_updates_the_card_afterwards(db, monkeypatch):
    crew(db)
    Floor(db).item("MOTOR", stock=10, unit_cost=Decimal(800))
    monkeypatch.setattr(feishu, "ANSWER_WITHIN", 0.0)  # every press is "too slow"

    async def scenario(sc: Scene) -> None:
        card = await sc.answer_to(await sc.say(BOB, "/request MOTOR 2"))
        assert await sc.press(DAVE, card, "Approve") == (200, {})
        await sc.fake.wait_for(lambda: sc.fake.sent("message.patch"))
        assert "approved by Dave" in card.text() and not card.buttons()

    play(db, scenario)


def test_a_chinese_alias_in_a_private_chat_needs_no_mention(db):
    Floor(db).item("BRG-6204", stock=5, name="轴承6204")

    async def scenario(sc: Scene) -> None:
        event = await sc.say(
            BOB, "查库存 BRG-6204", chat=f"p2p:{BOB}", group=False, mention_bot=False
        )
        answer = await sc.answer_to(event)
        assert "BRG-6204" in answer.text()

    play(db, scenario)


@pytest.mark.parametrize("forgery", ["wrong token", "no token", "not json"])
def test_a_forged_callback_is_refused_403_and_writes_nothing(db, forgery):
    Floor(db).item("MOTOR", stock=10)

    async def scenario(sc: Scene) -> None:
        before = row_counts(sc.db)
        event = sc.fake.message_event(BOB, GROUP, "/request MOTOR 1", token="forged")
        if forgery == "no token":
            del event["header"]["token"]
        payload: Any = "{nope" if forgery == "not json" else event
        if isinstance(payload, str):
            status, _ = await sc.fake.post({})  # an empty body has no token either
        else:
            status, _ = await sc.fake.post(payload)
        assert status == 403
        await asyncio.sleep(0.2)
        assert row_counts(sc.db) == before and not sc.fake.sent("message.reply")

    play(db, scenario)


def test_an_event_we_do_not_handle_is_acknowledged_so_feishu_does_not_retry_it(db):
    async def scenario(sc: Scene) -> None:
        before = row_counts(sc.db)
        event = sc.fake.message_event(BOB, GROUP, "hi")
        event["header"]["event_type"] = "im.chat.member.bot.added_v1"
        assert await sc.fake.post(event) == (200, {"msg": "ignored"})
        assert row_counts(sc.db) == before

    play(db, scenario)


def test_url_verification_is_answered_with_the_challenge_only_with_the_right_token(db):
    async def scenario(sc: Scene) -> None:
        ok = {"type": "url_verification", "token": TOKEN, "challenge": "c-123"}
        assert await sc.fake.post(ok) == (200, {"challenge": "c-123"})
        bad = {**ok, "token": "guess"}
        assert (await sc.fake.post(bad))[0] == 403

    play(db, scenario)


def test_an_encrypted_and_signed_callback_is_accepted_and_a_bad_signature_refused(db):
    Floor(db).item("MOTOR", stock=10)
    key = "k3y"

    async def scenario(sc: Scene) -> None:
        event = sc.fake.message_event(BOB, GROUP, "/stock MOTOR")
        body = json.dumps({"encrypt": encrypt(key, json.dumps(event))})
        headers = {"X-Lark-Request-Timestamp": "1", "X-Lark-Request-Nonce": "n"}
        wrong = {**headers, "X-Lark-Signature": "0" * 64}
        assert (await post_raw(sc, body, wrong)) == 403
        right = {**headers, "X-Lark-Signature": signature("1", "n", key, body.encode())}
        assert (await post_raw(sc, body, right)) == 200
        assert "MOTOR" in (await sc.answer_to(event)).text()
        assert (await sc.fake.post(event))[0] == 403  # plain text while a key is set

    play(db, scenario, feishu_encrypt_key=key)


def test_a_429_in_the_outbox_is_retried_after_the_reset_and_delivered_once(db):
    async def scenario(sc: Scene) -> None:
        fake = sc.fake
        fake.fail("message.create", times=1, status=429, code=99991400, reset="0.3")
        fake.fail("message.create", times=1, status=200, code=11232, reset="0.3")
        with sc.db.write() as s:
            enqueue(s, "feishu", f"user:{CAROL}", Reply.text("MR-00009 is ready"), dedupe_key="r")
        await fake.wait_for(lambda: fake.sent("message.create"), timeout=8)
        await asyncio.sleep(0.3)
        attempts = [(c.status, c.code) for c in fake.sent("message.create", ok=None)]
        assert attempts == [(429, 99991400), (200, 11232), (200, 0)]
        assert len(fake.in_chat(f"p2p:{CAROL}")) == 1
        with sc.db.read() as s:
            row = s.scalars(select(OutboxMessage)).one()
            assert row.state == "delivered"

    play(db, scenario)


def test_a_chart_is_uploaded_and_sent_as_an_image_after_its_card(db):
    png, chart = CHART_PNG, chart_reply("BOLT-M8 <last 30 days>")

    async def scenario(sc: Scene) -> None:
        with sc.db.write() as s:
            enqueue(s, "feishu", GROUP, chart, dedupe_key="chart")
        fake = sc.fake
        await fake.wait_for(lambda: len(fake.in_chat(GROUP)) == 3)
        [upload] = fake.sent("image.create")
        assert upload.params["image"] == png and upload.params["image_type"] == "message"
        kinds = [m.msg_type for m in fake.in_chat(GROUP)]
        assert kinds == ["interactive", "image", "interactive"]
        image = fake.in_chat(GROUP)[1]
        assert fake.images[image.content["image_key"]] == png
        assert "&lt;last 30 days&gt;" in fake.in_chat(GROUP)[0].text()

    play(db, scenario)


def test_the_long_connection_carries_messages_and_presses_without_a_public_url(db):
    crew(db)
    Floor(db).item("MOTOR", stock=10, unit_cost=Decimal(800))

    async def scenario(sc: Scene) -> None:
        fake = sc.fake
        assert (await sc.fake.post({"type": "url_verification", "token": TOKEN}))[0] == 404
        asked = fake.message_event(BOB, GROUP, "/request MOTOR 2")
        assert (await fake.push(asked))["code"] == 200
        card = await sc.answer_to(asked)
        answer = await fake.push(fake.press_event(DAVE, card, "Approve"))
        body = json.loads(base64.b64decode(answer["data"]))
        assert "approved by Dave" in json.dumps(body["card"], ensure_ascii=False)
        [endpoint] = fake.sent("ws.endpoint")
        assert endpoint.params["AppID"] == APP_ID

    play(db, scenario, feishu_long_connection=True)


@pytest.mark.parametrize(
    ("given", "missing"),
    [
        ({"feishu_app_id": APP_ID}, "FEISHU_APP_SECRET"),
        ({"feishu_app_id": APP_ID, "feishu_app_secret": "s"}, "FEISHU_VERIFICATION_TOKEN"),
    ],
)
def test_a_feishu_app_that_could_never_receive_an_event_refuses_to_start(given, missing):
    with pytest.raises(StartupError, match=missing):
        check_platforms(settings(**given))
    check_platforms(settings(**{**given, "feishu_app_secret": "s"}, feishu_long_connection=True))


def test_user_text_cannot_become_lark_md_markup_or_an_at_all():
    [card] = render(Reply.of(Text(text="*M8* <at id=all></at> [x](y)")))
    content = card.card["elements"][0]["text"]["content"]  # type: ignore[index]
    assert content.startswith("**M8**") and "<at" not in content and "\\[x\\]" in content


async def post_raw(sc: Scene, body: str, headers: dict[str, str]) -> int:
    import aiohttp

    async with (
        aiohttp.ClientSession() as http,
        http.post(sc.fake.events_url, data=body, headers=headers) as response,
    ):
        return response.status


def encrypt(key: str, plain: str) -> str:
    """Feishu's event encryption: AES-256-CBC, key sha256(encrypt key), IV first, base64."""
    import base64
    import os

    from Crypto.Cipher import AES

    data = plain.encode()
    pad = 16 - len(data) % 16
    iv = os.urandom(16)
    cipher = AES.new(hashlib.sha256(key.encode()).digest(), AES.MODE_CBC, iv)
    out = base64.b64encode(iv + cipher.encrypt(data + bytes([pad]) * pad)).decode()
    assert AESCipher(key).decrypt_str(out) == plain
    return out
