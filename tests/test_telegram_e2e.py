"""The Telegram adapter end to end: the real python-telegram-bot talking HTTP to a loopback fake
Bot API (tests/fake_telegram.py), inside a real `Service` started on 127.0.0.1 port 0.

Who is who on the floor (Telegram user ids): bob 1001 and bea 1002 are staff (bob is new: the
store meets him with his first command), carol 2001 keeps the warehouse, dave 2002 approves up
to 5000, erin 2003 purchases. They share the group "Line 1"; each has opened a private chat with
the bot, which is where the outbox sends personal cards.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
from collections.abc import AsyncIterator, Awaitable, Callable
from decimal import Decimal
from typing import Any

import aiohttp
import pytest
from sqlalchemy import func, select

from loopback import CHART_PNG, chart_reply
from stockbot.app import build_service
from stockbot.flows.routing import enqueue
from stockbot.handlers.telegram import TelegramAdapter, webhook_secret
from stockbot.handlers.telegram_render import render
from stockbot.replies import Block, Button, Buttons, Choice, Fields, Image, Reply, Table, Text
from stockbot.service import Service
from stockbot.store.catalog import ensure_user, grant_role, upsert_supplier
from stockbot.store.check import check_balances
from stockbot.store.models import (
    MaterialRequest,
    Movement,
    OutboxMessage,
    ProcessedEvent,
    Reservation,
    Role,
)

from fake_telegram import FakeTelegram, buttons, visible_html
from transcript import Floor, row_counts, settings

GROUP = -1001234567890
STAFF = {"bob": (1001, "Bob"), "bea": (1002, "Bea")}
CREW = {  # known to the store before the day starts
    "carol": (2001, "Carol", Role.KEEPER, None),
    "dave": (2002, "Dave", Role.APPROVER, Decimal(5000)),
    "erin": (2003, "Erin", Role.PURCHASER, None),
}


class Scene:
    """The fake API, the running service, and the people with their Telegram user objects."""

    def __init__(self, fake: FakeTelegram, service: Service, db: Any) -> None:
        self.fake, self.service, self.db = fake, service, db
        self.adapter: TelegramAdapter = service.adapters[0]  # type: ignore[assignment]
        self.group = fake.group(GROUP, "Line 1")
        self.people: dict[str, dict] = {}
        for name, (uid, first, *_rest) in {**STAFF, **CREW}.items():
            lang = "zh-hans" if name == "bea" else "en"
            self.people[name] = fake.user(uid, first, username=name, lang=lang)
            fake.private(self.people[name])

    def say(self, who: str, text: str, *, private: bool = False, **kw: Any) -> dict:
        user = self.people[who]
        chat = self.fake.chats[user["id"]] if private else self.group
        return self.fake.say(user, chat, text, **kw)["message"]

    async def answer_to(self, message: dict, timeout: float = 5.0) -> dict:
        """The bot's (first) message sent in reply to *message*, once it is there."""
        chat = message["chat"]["id"]

        def found() -> dict | None:
            for m in self.fake.bot_messages(chat):
                reply = m.get("reply_to_message") or {}
                if reply.get("message_id") == message["message_id"]:
                    return m
            return None

        return await self.fake.wait_for(found, timeout)

    async def dm(self, who: str, label: str, timeout: float = 5.0) -> dict:
        """The newest card in *who*'s private chat with a button starting with *label*."""
        chat = self.people[who]["id"]

        def found() -> dict | None:
            with contextlib.suppress(AssertionError):
                return self.fake.card(chat, label)
            return None

        return await self.fake.wait_for(found, timeout)

    async def press(self, who: str, card: dict, label: str) -> dict:
        """Press a button; returns the callback update once answerCallbackQuery was called."""
        update = self.fake.press(self.people[who], card, label)
        qid = update["callback_query"]["id"]
        await self.fake.wait_for(
            lambda: self.fake.sent("answerCallbackQuery", callback_query_id=qid)
        )
        return update

    async def edited(self, card: dict, contains: str, timeout: float = 5.0) -> dict:
        key = (card["chat"]["id"], card["message_id"])

        def done() -> dict | None:
            now = self.fake.messages[key]
            return now if now.get("edit_date") and contains in now["text"] else None

        return await self.fake.wait_for(done, timeout)

    def count(self, model: Any) -> int:
        with self.db.read() as s:
            return s.scalar(select(func.count()).select_from(model))


def crew(db: Any) -> None:
    with db.write() as s:
        for uid, first, role, limit in CREW.values():
            user = ensure_user(s, "telegram", str(uid), first)
            grant_role(s, user, role, amount_limit=limit)


@contextlib.asynccontextmanager
async def running(db: Any, **overrides: Any) -> AsyncIterator[Scene]:
    fake = FakeTelegram()
    await fake.start()
    st = settings(telegram_bot_token=fake.token, telegram_api_url=fake.api_url, **overrides)
    service = build_service(db, st)  # the same wiring `stockbot run` uses
    service.outbox_interval = 0.05
    adapter = service.adapters[0]
    assert isinstance(adapter, TelegramAdapter)
    adapter.poll_timeout = 1.0
    scene = Scene(fake, service, db)
    await service.start(host="127.0.0.1", port=0)
    try:
        yield scene
    finally:
        await service.stop()
        await fake.stop()


def play(db: Any, scenario: Callable[[Scene], Awaitable[None]], **overrides: Any) -> None:
    async def main() -> None:
        async with running(db, **overrides) as scene:
            await asyncio.wait_for(scenario(scene), timeout=25)

    asyncio.run(main())


def balanced(db: Any) -> bool:
    with db.read() as s:
        return check_balances(s) == []


# ------------------------------------------------------------------------------ polling


def test_a_group_request_is_approved_and_issued_through_inline_buttons(db):
    crew(db)
    motor = Floor(db).item("MOTOR", stock=10, unit_cost=Decimal(800))

    async def scenario(sc: Scene) -> None:
        fake = sc.fake
        command = sc.say("bob", "/request@yourbot MOTOR 2")
        card = await sc.answer_to(command)
        assert "waiting for approval" in card["text"] and "MR-00001" in card["text"]
        assert [b["text"] for b in buttons(card)] == ["Approve", "Reject"]
        sent = fake.sent("sendMessage", chat_id=GROUP)[0].params
        assert (
            sent["parse_mode"] == "HTML"
            and sent["reply_parameters"]["message_id"] == command["message_id"]
        )

        # staff may not approve: an alert for bea only, the card stays as it is
        update = await sc.press("bea", card, "Approve")
        qid = update["callback_query"]["id"]
        [alert] = fake.sent("answerCallbackQuery", callback_query_id=qid)
        assert alert.params["show_alert"] is True
        assert "只有审批人" in alert.params["text"]  # bea reads Chinese
        assert not fake.sent("editMessageText")

        # dave approves in the group: the card is edited in place for everyone
        update = await sc.press("dave", card, "Approve")
        done = await sc.edited(card, "approved by Dave at")
        assert "reply_markup" not in done  # decided: no more buttons
        with sc.db.read() as s:
            assert s.get(MaterialRequest, 1).state == "approved"
            assert s.scalars(select(Reservation.qty)).one() == 2

        # the same press fetched again (as after a restart that lost the offset) does nothing
        edits, events = len(fake.sent("editMessageText")), sc.count(ProcessedEvent)
        again = fake.push({**update, "update_id": update["update_id"] + 100})
        await fake.wait_for(lambda: again["update_id"] in fake.served)
        await asyncio.sleep(0.3)
        assert len(fake.sent("editMessageText")) == edits and sc.count(ProcessedEvent) == events

        # carol's issue card came through the outbox to her private chat
        issue = await sc.dm("carol", "Issue 2")
        assert "To issue: MR-00001" in issue["text"]
        await sc.press("carol", issue, "Issue 2")
        await sc.edited(issue, "issued by Carol")
        ready = await sc.dm("bob", "Confirm receipt")
        await sc.press("bob", ready, "Confirm receipt")
        await sc.edited(ready, "received by bob")
        with sc.db.read() as s:
            assert s.get(MaterialRequest, 1).state == "received"
            assert s.scalars(select(Movement.qty).where(Movement.kind == "issue")).one() == -2
        assert Floor(sc.db).on_hand(motor) == 8 and balanced(sc.db)

    play(db, scenario)


def test_a_reject_reason_is_a_reply_to_the_bot_in_the_group(db):
    crew(db)
    Floor(db).item("MOTOR", stock=10, unit_cost=Decimal(800))

    async def scenario(sc: Scene) -> None:
        card = await sc.answer_to(sc.say("bob", "/request@yourbot MOTOR 2"))
        await sc.press("dave", card, "Reject")
        question = await sc.edited(card, "Why is MR-00001 rejected")
        # privacy mode: the bot sees a group message only when it replies to the bot
        sc.say("dave", "not a reply, the bot never sees this")
        reason = sc.say("dave", "use the <spare> in line 3", reply_to=question)
        done = await sc.answer_to(reason)
        assert "rejected by Dave" in done["text"] and "use the <spare> in line 3" in done["text"]
        with sc.db.read() as s:
            mr = s.get(MaterialRequest, 1)
            assert (mr.state, s.scalar(select(func.count()).select_from(Reservation))) == (
                "rejected",
                0,
            )

    play(db, scenario)


def test_the_whole_day_purchase_receive_qc_request_issue_and_stock(db):
    crew(db)
    floor = Floor(db)
    with db.write() as s:
        acme = upsert_supplier(s, "ACME", name="Acme Chemicals").id
    resin = floor.item(
        "RESIN", needs_qc=True, unit_cost=Decimal(20), lead_time_days=5, default_supplier_id=acme
    )

    async def scenario(sc: Scene) -> None:
        # 08:00 bob asks to buy resin; dave approves from his private chat
        asked = await sc.answer_to(sc.say("bob", "/purchase@yourbot RESIN 200"))
        assert "PR-00001" in asked["text"] and "waiting for approval" in asked["text"]
        approval = await sc.dm("dave", "Approve")
        await sc.press("dave", approval, "Approve")
        await sc.edited(approval, "PO-00001")
        await sc.fake.wait_for(
            lambda: any("PO-00001" in m["text"] for m in sc.fake.bot_messages(2003))
        )  # erin, the purchaser, is told to place the order

        # 10:00 the goods arrive; carol books them in, they wait for QC; she accepts
        received = await sc.answer_to(
            sc.say("carol", "/receive@yourbot RESIN 200 po PO-00001 batch R-88 exp 2026-01-31")
        )
        assert "GR-00001" in received["text"]
        qc = await sc.fake.wait_for(
            lambda: next(
                (
                    m
                    for chat in (GROUP, 2001)
                    for m in sc.fake.bot_messages(chat)
                    if any(b["text"].startswith("Accept all") for b in buttons(m))
                ),
                None,
            )
        )
        await sc.press("carol", qc, "Accept all")
        await sc.edited(qc, "accepted")
        assert floor.available(resin) == 200

        # 13:00 bob requests 30 for the line; carol issues; bob confirms
        reserved = await sc.answer_to(sc.say("bob", "/request@yourbot RESIN 30 for WO-7"))
        assert "reserved" in reserved["text"] and buttons(reserved)[0]["text"] == "Cancel request"
        issue = await sc.dm("carol", "Issue 30")
        await sc.press("carol", issue, "Issue 30")
        await sc.edited(issue, "issued by Carol")
        ready = await sc.dm("bob", "Confirm receipt")
        await sc.press("bob", ready, "Confirm receipt")
        await sc.edited(ready, "received by bob")

        # 17:00 bea looks it up in the group
        card = await sc.answer_to(sc.say("bea", "/stock@yourbot RESIN"))
        assert "RESIN" in card["text"] and "170" in card["text"]
        assert floor.on_hand(resin) == 170 and balanced(sc.db)

    play(db, scenario)


def test_the_command_menu_is_registered_in_english_and_chinese_and_polling_deletes_the_webhook(db):
    async def scenario(sc: Scene) -> None:
        fake = sc.fake
        await fake.wait_for(lambda: fake.sent("getUpdates"))
        methods = [c.method for c in fake.calls]
        assert methods.index("getMe") < methods.index("deleteWebhook") < methods.index("getUpdates")
        english, chinese = fake.menus[None], fake.menus["zh"]
        assert [c["command"] for c in english][:3] == ["stock", "request", "receive"]
        assert len(english) == len(chinese) >= 16
        desc = {c["command"]: c["description"] for c in english}
        zh = {c["command"]: c["description"] for c in chinese}
        assert desc["stock"].startswith("Looks up by code") and "`" not in desc["stock"]
        assert zh["stock"].startswith("按编码") and zh["request"].startswith("提交领料申请")
        health = sc.adapter.health()
        assert health.items() >= {"ok": True, "mode": "polling", "bot": "yourbot"}.items()
        assert health["last_contact"] and health["last_error"] is None
        assert fake.sent("getUpdates")[0].params["allowed_updates"] == [
            "message",
            "callback_query",
        ]

    play(db, scenario)


def test_a_chinese_alias_in_a_private_chat_is_answered_in_chinese(db):
    Floor(db).item("BOLT-M8", stock=100, name="六角螺栓")

    async def scenario(sc: Scene) -> None:
        asked = sc.say("bea", "查库存 BOLT-M8", private=True)
        chat = asked["chat"]["id"]
        card = await sc.fake.wait_for(lambda: sc.fake.bot_messages(chat))
        assert "在库" in card[0]["text"] and "100" in card[0]["text"]
        assert "reply_to_message" not in card[0]  # no reply threading in a private chat
        # the same words in the group, not addressed to the bot, are chatter: ignored
        sc.say("bob", "查库存 BOLT-M8")
        mention = sc.say("bob", "@yourbot 查库存 BOLT-M8")
        answer = await sc.answer_to(mention)
        assert "在库" in answer["text"]
        assert len(sc.fake.bot_messages(GROUP)) == 1

    play(db, scenario)


def test_user_text_is_escaped_and_a_long_reply_is_split_below_4096(db):
    async def scenario(sc: Scene) -> None:
        fake = sc.fake
        answer = await sc.answer_to(sc.say("bob", "/stock@yourbot <b>M8</b> & nut"))
        raw = fake.sent("sendMessage", chat_id=GROUP)[-1].params["text"]
        assert "&lt;b&gt;M8&lt;/b&gt; &amp; nut" in raw and "<b>M8" not in raw
        assert "<b>M8</b> & nut" in answer["text"]  # what people see

        rows = [[f"ITEM-{n:04}", "hex bolt <M8> & washer 螺栓", str(n)] for n in range(400)]
        big = Reply.of(
            Text(text="*Stale stock* report"),
            Table(title="Items", headers=["Code", "Name", "Qty"], rows=rows),
            Buttons(buttons=[Button(label="Refresh", action_id="a:refresh")]),
        )
        with sc.db.write() as s:
            enqueue(s, "telegram", str(GROUP), big, dedupe_key="big")
        await fake.wait_for(
            lambda: any("ITEM-0399" in c.params["text"] for c in fake.sent("sendMessage"))
        )
        parts = [c.params for c in fake.sent("sendMessage", chat_id=GROUP)][1:]
        assert len(parts) >= 5
        assert all(len(p["text"]) <= 4096 for p in parts)
        assert [bool(p.get("reply_markup")) for p in parts] == [False] * (len(parts) - 1) + [True]
        assert all(p["text"].count("<pre>") == p["text"].count("</pre>") for p in parts)
        shown = "".join(visible_html(p["text"]) for p in parts)
        assert all(f"ITEM-{n:04}" in shown for n in range(400))

    play(db, scenario)


# ------------------------------------------------------------------------------ webhook


def test_the_webhook_refuses_a_wrong_secret_and_processes_the_right_one_once(db):
    Floor(db).item("BOLT-M8", stock=100)
    url = "https://127.0.0.1/telegram/webhook"

    async def scenario(sc: Scene) -> None:
        fake = sc.fake
        [hook] = fake.sent("setWebhook")
        secret = webhook_secret(sc.service.settings)
        assert hook.params["url"] == url and hook.params["secret_token"] == secret
        assert hook.params["allowed_updates"] == ["message", "callback_query"]
        assert not fake.sent("getUpdates", ok=None) and not fake.sent("deleteWebhook", ok=None)
        assert sc.adapter.health()["mode"] == "webhook"

        update = fake.message_update(sc.people["bob"], sc.group, "/request@yourbot BOLT-M8 20")
        endpoint = f"http://127.0.0.1:{sc.service.port}/telegram/webhook"
        before = row_counts(sc.db)
        async with aiohttp.ClientSession() as http:
            for wrong in ({}, {"X-Telegram-Bot-Api-Secret-Token": "guess"}):
                async with http.post(endpoint, json=update, headers=wrong) as resp:
                    assert resp.status == 403
            await asyncio.sleep(0.2)
            assert row_counts(sc.db) == before and not fake.sent("sendMessage", ok=None)

            right = {"X-Telegram-Bot-Api-Secret-Token": secret}
            for _ in range(2):  # Telegram retries a delivery it thinks failed
                async with http.post(endpoint, data=json.dumps(update), headers=right) as resp:
                    assert resp.status == 200
        card = await sc.answer_to(update["message"])
        assert "MR-00001" in card["text"] and buttons(card)[0]["text"] == "Cancel request"
        await asyncio.sleep(0.2)
        assert sc.count(MaterialRequest) == 1 and len(fake.sent("sendMessage", chat_id=GROUP)) == 1

    play(db, scenario, telegram_webhook_url=url)


# ------------------------------------------------------------------------------ outbox


@pytest.mark.filterwarnings("ignore::telegram.warnings.PTBDeprecationWarning")  # PTB's own
def test_a_429_in_the_outbox_is_retried_after_retry_after_and_delivered_once(db):
    async def scenario(sc: Scene) -> None:
        fake = sc.fake
        # three 429s: the rate limiter retries twice itself, then the outbox retries later
        fake.fail("sendMessage", times=3, retry_after=1)
        with sc.db.write() as s:
            enqueue(s, "telegram", "user:2001", Reply.text("MR-00009 is ready"), dedupe_key="r")
        await fake.wait_for(lambda: fake.sent("sendMessage"), timeout=8)
        await asyncio.sleep(0.3)
        attempts = fake.sent("sendMessage", ok=None)
        assert [c.status for c in attempts] == [429, 429, 429, 200]
        gaps = [b.at - a.at for a, b in itertools.pairwise(attempts)]
        assert all(gap >= 0.95 for gap in gaps)  # retry_after=1 honoured every time
        assert len(fake.sent("sendMessage", chat_id=2001)) == 1
        with sc.db.read() as s:
            row = s.scalars(select(OutboxMessage)).one()
            assert (row.state, row.attempts) == ("delivered", 2)

    play(db, scenario)


def test_a_chart_goes_out_as_a_photo_with_an_escaped_caption_and_the_keyboard(db):
    png, chart = CHART_PNG, chart_reply("BOLT-M8 <last 30 days> & trend")

    async def scenario(sc: Scene) -> None:
        with sc.db.write() as s:
            enqueue(s, "telegram", str(GROUP), chart, dedupe_key="chart")
        [photo] = (await sc.fake.wait_for(lambda: sc.fake.sent("sendPhoto"))) or [None]
        [text] = sc.fake.sent("sendMessage", chat_id=GROUP)
        assert text.at < photo.at and text.params["text"] == "<b>Usage</b> of BOLT-M8"
        assert photo.params["photo"] == png and photo.params["parse_mode"] == "HTML"
        assert photo.params["caption"] == "BOLT-M8 &lt;last 30 days&gt; &amp; trend"
        assert photo.params["reply_markup"]["inline_keyboard"][0][0]["text"] == "Details"

    play(db, scenario)


def test_a_bot_api_down_at_start_delays_the_adapter_and_loses_nothing(db):
    async def main() -> None:
        fake = FakeTelegram()
        await fake.start()
        fake.fail("getMe", times=1, status=502, description="Bad Gateway")
        st = settings(telegram_bot_token=fake.token, telegram_api_url=fake.api_url)
        service = build_service(db, st)
        service.outbox_interval = 0.05
        adapter = service.adapters[0]
        await service.start(host="127.0.0.1", port=0)  # the service is up regardless
        try:
            health = adapter.health()
            assert health["ok"] is False and "Bad Gateway" in health["error"]
            with db.write() as s:
                enqueue(s, "telegram", "user:2001", Reply.text("queued while down"), "q")
            fake.private(fake.user(2001, "Carol"))
            await fake.wait_for(lambda: fake.sent("sendMessage", chat_id=2001), timeout=5)
            assert adapter.health()["ok"] is True
            assert [c.ok for c in fake.sent("getMe", ok=None)] == [False, True]
        finally:
            await service.stop()
            await fake.stop()

    asyncio.run(asyncio.wait_for(main(), 20))


def test_a_blocked_user_or_unknown_chat_is_parked_as_failed_not_retried(db):
    async def scenario(sc: Scene) -> None:
        sc.fake.blocked.add(1002)
        with sc.db.write() as s:
            enqueue(s, "telegram", "user:1002", Reply.text("hello"), dedupe_key="a")
            enqueue(s, "telegram", "-42", Reply.text("hello"), dedupe_key="b")

        def states() -> list[str]:
            with sc.db.read() as s:
                return list(s.scalars(select(OutboxMessage.state).order_by(OutboxMessage.id)))

        assert await sc.fake.wait_for(lambda: states() == ["failed", "failed"] or None)
        assert len(sc.fake.sent("sendMessage", ok=False)) == 2

    play(db, scenario)


# ------------------------------------------------------------------------------ the renderer


class Gauge(Block):
    """A block the Telegram renderer has never heard of."""

    kind: str = "gauge"
    value: str

    def plain(self) -> str:
        return f"gauge {self.value}"


def test_every_block_renders_to_html_telegram_accepts_with_user_text_escaped():
    evil = "<i>&amp;</i> *x* `y`"
    reply = Reply.of(
        Text(text="*MR-1* `code` for <you> & me"),
        Fields(title=f"Card {evil}", rows=[(evil, evil), ("名称", "六角螺栓\n2 lines")]),
        Table(title="T", headers=["Code", evil], rows=[["A", "<b>"], ["螺栓", "&"]]),
        Choice(prompt=f"Which {evil}?", options=[Button(label="One <1>", action_id="stock:1")]),
        Gauge(value=evil),
        Image(png=b"\x89PNG", caption=f"chart {evil}" * 200),
        Buttons(buttons=[Button(label="Approve", action_id="a:x", style="primary")]),
    )
    messages = render(reply)
    assert [m.is_photo for m in messages] == [False, True]
    text, photo = messages
    shown = visible_html(text.text)
    assert "<b>MR-1</b>" in text.text and "<code>code</code>" in text.text
    assert "for <you> & me" in shown and f"gauge {evil}" in shown and f"Which {evil}?" in shown
    assert "<pre>" in text.text and evil in visible_html(text.text)
    assert len(visible_html(photo.text)) <= 1024 and photo.photo == b"\x89PNG"
    markup = photo.keyboard
    assert markup is not None and text.keyboard is None
    rows = [[b.callback_data for b in row] for row in markup.inline_keyboard]
    assert rows == [["stock:1"], ["a:x"]]


def test_a_long_text_splits_between_paragraphs_and_never_inside_a_tag():
    paragraphs = [f"*Section {n}* " + "word & more " * 40 for n in range(40)]
    messages = render(Reply.of(*(Text(text=p) for p in paragraphs)))
    assert len(messages) > 1 and all(len(m.text) <= 4096 for m in messages)
    for m in messages:
        visible_html(m.text)  # parses: tags balanced in every part
        assert m.text.startswith("<b>Section")  # each part starts at a paragraph
