"""Slack end to end: the real slack-bolt and slack-sdk inside the running service, talking HTTP
to a loopback fake Slack (tests/fake_slack.py). Requests are signed exactly as Slack signs them
(`v0:{timestamp}:{body}`, HMAC-SHA256 with the signing secret)."""

from __future__ import annotations

import asyncio
import json
import re
import time
from decimal import Decimal
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pytest
from sqlalchemy import func, select

from slack_scene import PNG, Slack, newest, run
from stockbot.flows.routing import enqueue
from stockbot.handlers.slack_render import mrkdwn, render
from stockbot.replies import Button, Buttons, Choice, Fields, Image, Reply, Table, Text
from stockbot.runtime import handled_commands
from stockbot.store.check import check_balances
from stockbot.store.models import (
    MaterialRequest,
    OutboxMessage,
    ProcessedEvent,
    Reservation,
)

from fake_slack import BOT_USER, TEAM
from slack_requests import (
    FLOOR,
    people,
)
from transcript import Floor, row_counts


@pytest.fixture
def floor(db) -> Floor:
    people(db)
    return Floor(db)


# ------------------------------------------------------------------------ the path of a request


def test_a_signed_request_is_approved_and_issued_through_buttons_and_the_cards_update(floor):
    motor = floor.item("MOTOR", stock=10, unit_cost=Decimal(800))

    async def scenario(slack: Slack) -> None:
        fake = slack.fake
        assert await slack.command("U0BOB", "/request motor 2 for WO-7") == 200
        card = newest(fake.in_channel(FLOOR), "MR-00001")
        assert "waiting for approval" in card.all_text()
        assert [b["text"]["text"] for b in card.buttons()] == ["Approve", "Reject"]
        assert {b["action_id"] for b in card.buttons()} == {"stockbot_1", "stockbot_2"}
        assert all(b["value"].startswith("a:") for b in card.buttons())
        assert floor.available(motor) == 10

        # the approvers' cards go out through the outbox as DMs
        assert await slack.deliver() >= 1
        opened = {c.params["users"] for c in fake.called("conversations.open")}
        assert {"U0DAVE", "U0ALICE"} <= opened
        dm = newest(fake.in_channel("D0DAVE"), "MR-00001")
        assert [b["text"]["text"] for b in dm.buttons()] == ["Approve", "Reject"]

        # Dave approves on the channel card: it is edited in place, buttons gone
        assert await slack.click("U0DAVE", card, "Approve") == 200
        await fake.wait_for(lambda: card.history)
        assert "approved by Dave" in card.all_text()
        assert "Bob" in card.all_text()  # what was asked stays on the card
        assert card.buttons() == []
        replaced = [r for r in fake.responses if r.get("replace_original")]
        assert len(replaced) == 1 and "approved by Dave" in replaced[0]["text"]
        assert floor.available(motor) == 8 and floor.on_hand(motor) == 10

        # the keeper's issue card arrives by DM; Carol issues
        await slack.deliver()
        issue_card = newest(fake.in_channel("D0CAROL"), "MR-00001")
        assert await slack.click("U0CAROL", issue_card, "Issue") == 200
        await fake.wait_for(lambda: issue_card.history)
        assert "issued by Carol" in issue_card.all_text() and issue_card.buttons() == []
        assert floor.on_hand(motor) == 8 and floor.available(motor) == 8

        # Bob is told and confirms receipt from his DM
        await slack.deliver()
        ready = newest(fake.in_channel("D0BOB"), "MR-00001")
        assert await slack.click("U0BOB", ready, "Confirm") == 200
        await fake.wait_for(lambda: ready.history)
        assert "received by Bob" in ready.all_text()

    run(floor.db, scenario)
    with floor.db.read() as s:
        assert s.get(MaterialRequest, 1).state == "received"
        assert check_balances(s) == []
        [reservation] = s.scalars(select(Reservation)).all()
        assert reservation.state == "consumed"


def test_an_unauthorised_click_gets_an_ephemeral_refusal_and_the_card_stays(floor):
    floor.item("MOTOR", stock=10, unit_cost=Decimal(800))

    async def scenario(slack: Slack) -> None:
        await slack.command("U0BOB", "/request motor 2")
        card = newest(slack.fake.in_channel(FLOOR), "MR-00001")
        before = row_counts(floor.db)
        assert await slack.click("U0BEA", card, "Approve") == 200
        refusal = await slack.fake.wait_for(lambda: slack.fake.ephemeral("U0BEA"))
        assert "Only an approver" in refusal[-1].all_text()
        assert card.history == [] and len(card.buttons()) == 2
        assert row_counts(floor.db) == before
        # the refusal did not replace anything
        assert not any(r.get("replace_original") for r in slack.fake.responses)

    run(floor.db, scenario)


def test_an_ephemeral_slash_reply_is_seen_only_by_the_sender(floor):
    async def scenario(slack: Slack) -> None:
        assert await slack.command("U0BOB", "/request") == 200
        [usage] = slack.fake.ephemeral("U0BOB")
        assert "/request" in usage.all_text() and usage.via == "response_url"
        assert slack.fake.in_channel(FLOOR) == []

    run(floor.db, scenario)


def test_the_whole_day_over_slack_purchase_receive_request_issue_confirm_return_look_up(floor):
    from stockbot.store.catalog import upsert_supplier

    with floor.db.write() as s:
        acme = upsert_supplier(s, "ACME", name="Acme Hardware").id
    bolt = floor.item("BOLT-M8", stock=0, unit_cost=Decimal("0.5"), default_supplier_id=acme)

    async def scenario(slack: Slack) -> None:
        fake = slack.fake
        # morning: Bob asks for 1000 bolts to be bought; Dave approves on the card
        await slack.command("U0BOB", "/purchase BOLT-M8 1000")
        pr = newest(fake.in_channel(FLOOR), "PR-00001")
        await slack.click("U0DAVE", pr, "Approve")
        await fake.wait_for(lambda: pr.history)
        assert "PO-00001" in pr.all_text() and pr.buttons() == []
        # the goods arrive: Carol books them in against the order
        await slack.command("U0CAROL", "/receive BOLT-M8 1000 po PO-00001")
        assert floor.on_hand(bolt) == 1000
        # afternoon: Bob requests 20, Carol issues from her DM card, Bob confirms
        await slack.command("U0BOB", "/request BOLT-M8 20 for WO-9")
        await slack.deliver()
        issue_card = newest(fake.in_channel("D0CAROL"), "MR-00001")
        await slack.click("U0CAROL", issue_card, "Issue")
        await fake.wait_for(lambda: issue_card.history)
        await slack.deliver()
        ready = newest(fake.in_channel("D0BOB"), "MR-00001")
        await slack.click("U0BOB", ready, "Confirm")
        await fake.wait_for(lambda: ready.history)
        # Bob brings 5 back, telling the bot in Chinese in a DM
        await slack.mention("U0BOB", "退料 BOLT-M8 5个", "Ev-day-0", channel="D0BOB", dm=True)
        assert "退回" in fake.in_channel("D0BOB")[-1].all_text()
        # and anyone can look it up by mentioning the bot, or ask for help
        await slack.mention("U0BEA", f"<@{BOT_USER}> stock m8", "Ev-day-1")
        answer = newest(fake.in_channel(FLOOR), "BOLT-M8")
        assert "985" in answer.all_text()
        await slack.command("U0BEA", "/help request")
        assert "/request" in fake.messages[-1].all_text()

    run(floor.db, scenario)
    assert floor.on_hand(bolt) == 985
    with floor.db.read() as s:
        assert check_balances(s) == []


def test_reject_asks_why_and_the_reason_comes_by_mention_in_a_channel_or_plainly_in_a_dm(floor):
    floor.item("MOTOR", stock=10, unit_cost=Decimal(800))

    async def scenario(slack: Slack) -> None:
        fake = slack.fake
        fake.fail("views.open", times=10)  # no modal (e.g. an expired trigger): ask in chat
        # in the channel: press Reject, then answer by mentioning the bot
        await slack.command("U0BOB", "/request motor 2")
        card = newest(fake.in_channel(FLOOR), "MR-00001")
        await slack.click("U0DAVE", card, "Reject")
        await fake.wait_for(lambda: card.history)
        assert "Why is MR-00001 rejected" in card.all_text()
        await slack.mention("U0DAVE", f"<@{BOT_USER}> use the spare in line 3", "Ev-why")
        done = newest(fake.in_channel(FLOOR), "rejected by Dave")
        assert "spare in line 3" in done.all_text()
        # in a DM: the approver's card, Reject, then a plain message is the reason
        await slack.command("U0BOB", "/request motor 3")
        await slack.deliver()
        dm = newest(fake.in_channel("D0DAVE"), "MR-00002")
        await slack.click("U0DAVE", dm, "Reject")
        await fake.wait_for(lambda: dm.history)
        await slack.mention("U0DAVE", "wrong motor size", "Ev-dm", channel="D0DAVE", dm=True)
        assert "rejected by Dave" in fake.in_channel("D0DAVE")[-1].all_text()
        # a plain DM is also a command, no mention needed
        await slack.mention("U0DAVE", "stock motor", "Ev-dm2", channel="D0DAVE", dm=True)
        assert "MOTOR" in fake.in_channel("D0DAVE")[-1].all_text()

    run(floor.db, scenario)
    with floor.db.read() as s:
        states_ = s.scalars(select(MaterialRequest.state).order_by(MaterialRequest.id)).all()
    assert states_ == ["rejected", "rejected"]


def test_reject_opens_a_form_for_the_reason_and_its_submission_rejects(floor):
    floor.item("MOTOR", stock=10, unit_cost=Decimal(800))

    async def scenario(slack: Slack) -> None:
        fake = slack.fake
        await slack.command("U0BOB", "/request motor 2")
        card = newest(fake.in_channel(FLOOR), "MR-00001")
        await slack.click("U0DAVE", card, "Reject")
        await fake.wait_for(lambda: fake.views)
        view = fake.views[-1]
        assert view["callback_id"] == "stockbot_answer"
        assert "Why is MR-00001 rejected" in json.dumps(view, ensure_ascii=False)
        payload = {
            "type": "view_submission",
            "team": {"id": TEAM, "domain": "factory"},
            "user": {"id": "U0DAVE", "username": "dave", "name": "dave", "team_id": TEAM},
            "api_app_id": "A0STOCK",
            "token": "legacy",
            "trigger_id": "trig.view.1",
            "view": {
                **view,
                "state": {"values": {"answer": {"text": {"type": "plain_text_input",
                                                          "value": "wrong motor size"}}}},
            },
        }  # fmt: skip
        before = slack.adapter.completed
        resp = await slack.post(
            urlencode({"payload": json.dumps(payload)}), "application/x-www-form-urlencoded"
        )
        assert resp.status == 200
        await slack.settle(before)
        done = newest(fake.in_channel(FLOOR), "rejected by Dave")
        assert "wrong motor size" in done.all_text()

    run(floor.db, scenario)
    with floor.db.read() as s:
        assert s.get(MaterialRequest, 1).state == "rejected"


def test_a_bare_receive_opens_a_form_whose_submission_receives_with_batch_and_location(floor):
    from stockbot.store.models import Batch

    bolt = floor.item("BOLT-M8", stock=0)
    with floor.db.write() as s:
        from stockbot.store.catalog import ensure_location, ensure_warehouse

        ensure_location(s, ensure_warehouse(s, "MAIN"), "A-02")

    async def scenario(slack: Slack) -> None:
        fake = slack.fake
        await slack.command("U0CAROL", "/receive")
        await fake.wait_for(lambda: fake.views)
        view = fake.views[-1]
        assert view["callback_id"] == "stockbot_receive"
        values = {
            "item": {"v": {"type": "plain_text_input", "value": "BOLT-M8"}},
            "qty": {"v": {"type": "plain_text_input", "value": "40"}},
            "batch": {"v": {"type": "plain_text_input", "value": "L2611"}},
            "exp": {"v": {"type": "datepicker", "selected_date": "2027-05-31"}},
            "loc": {"v": {"type": "plain_text_input", "value": "A-02"}},
            "po": {"v": {"type": "plain_text_input", "value": None}},
        }
        payload = {
            "type": "view_submission",
            "team": {"id": TEAM, "domain": "factory"},
            "user": {"id": "U0CAROL", "username": "carol", "name": "carol", "team_id": TEAM},
            "api_app_id": "A0STOCK",
            "token": "legacy",
            "trigger_id": "trig.view.2",
            "view": {**view, "state": {"values": values}},
        }
        before = slack.adapter.completed
        resp = await slack.post(
            urlencode({"payload": json.dumps(payload)}), "application/x-www-form-urlencoded"
        )
        assert resp.status == 200
        await slack.settle(before)
        assert newest(fake.in_channel(FLOOR), "GR-00001")

    run(floor.db, scenario)
    assert floor.on_hand(bolt) == 40
    with floor.db.read() as s:
        batch = s.scalars(select(Batch)).one()
        assert (batch.lot, str(batch.expiry)) == ("L2611", "2027-05-31")


# ------------------------------------------------------------------------ security and retries


def test_a_forged_signature_and_a_stale_timestamp_get_401_and_write_nothing(floor):
    floor.item("MOTOR", stock=10, unit_cost=Decimal(800))

    async def scenario(slack: Slack) -> None:
        before = row_counts(floor.db)
        assert await slack.command("U0BOB", "/request motor 2", secret="forged") == 401
        stale = int(time.time()) - 6 * 60
        assert await slack.command("U0BOB", "/request motor 2", ts=stale) == 401
        text = f"<@{BOT_USER}> request motor 2"
        assert await slack.mention("U0BOB", text, "Ev-forged", secret="forged") == 401
        assert await slack.mention("U0BOB", text, "Ev-stale", ts_header=stale) == 401
        async with slack.http.post(
            slack.events_url, data=b"{}", headers={"Content-Type": "application/json"}
        ) as unsigned:
            assert unsigned.status == 401
        await asyncio.sleep(0.1)  # had anything started in the background, it would show
        assert row_counts(floor.db) == before
        assert slack.adapter.completed == 0
        assert slack.fake.responses == [] and slack.fake.called("chat.postMessage") == []

    run(floor.db, scenario)


def test_a_retried_event_delivery_is_processed_once(floor):
    floor.item("BOLT-M8", stock=100)

    async def scenario(slack: Slack) -> None:
        text = f"<@{BOT_USER}> stock m8"
        assert await slack.mention("U0BOB", text, "Ev0001", ts="1750000200.000100") == 200
        assert await slack.mention("U0BOB", text, "Ev0001", ts="1750000200.000100", retry=1) == 200
        assert await slack.mention("U0BOB", text, "Ev0001", ts="1750000200.000100", retry=2) == 200
        answers = [m for m in slack.fake.in_channel(FLOOR) if "BOLT-M8" in m.all_text()]
        assert len(answers) == 1
        assert answers[0].thread_ts == "1750000200.000100"

    run(floor.db, scenario)
    with floor.db.read() as s:
        # the message's identity (channel + ts), recorded once
        assert s.scalar(select(func.count()).select_from(ProcessedEvent)) == 1


def test_mentions_in_english_and_chinese_are_answered_in_the_thread(floor):
    floor.item("BOLT-M8", stock=100, name="hex bolt M8")

    async def scenario(slack: Slack) -> None:
        await slack.mention("U0BOB", f"<@{BOT_USER}> stock m8", "Ev-en", ts="1750000300.000001")
        english = newest(slack.fake.in_channel(FLOOR), "BOLT-M8")
        assert english.thread_ts == "1750000300.000001"
        assert "100" in english.all_text()
        await slack.mention("U0BEA", f"<@{BOT_USER}> 查库存 m8", "Ev-zh", ts="1750000300.000002")
        chinese = newest(slack.fake.in_channel(FLOOR), "BOLT-M8")
        assert chinese is not english and chinese.thread_ts == "1750000300.000002"
        assert re.search(r"[\u4e00-\u9fff]", chinese.all_text())
        # a mention with nothing after it gets help, not an error
        await slack.mention("U0BEA", f"<@{BOT_USER}>", "Ev-empty")
        assert "/stock" in slack.fake.in_channel(FLOOR)[-1].all_text()

    run(floor.db, scenario)


# ------------------------------------------------------------------------ the outbox


def queue(db, target: str, reply: Reply, key: str) -> None:  # type: ignore[no-untyped-def]
    with db.write() as s:
        enqueue(s, "slack", target, reply, dedupe_key=key)


def states(db) -> list[str]:  # type: ignore[no-untyped-def]
    with db.read() as s:
        return list(s.scalars(select(OutboxMessage.state).order_by(OutboxMessage.id)))


def test_the_outbox_delivers_a_dm_through_conversations_open_and_post_message(floor):
    queue(floor.db, "user:U0DAVE", Reply.text("*MR-00009* needs you <!channel>"), "k1")

    async def scenario(slack: Slack) -> None:
        assert await slack.deliver() == 1
        [opened] = slack.fake.called("conversations.open")
        assert opened.params["users"] == "U0DAVE"
        [dm] = slack.fake.in_channel("D0DAVE")
        assert dm.all_text() == "*MR-00009* needs you &lt;!channel&gt;"
        assert "<!channel>" not in dm.text
        assert await slack.deliver() == 0

    run(floor.db, scenario)
    assert states(floor.db) == ["delivered"]


def test_a_429_with_retry_after_is_retried_and_delivered_once(floor):
    queue(floor.db, FLOOR, Reply.text("daily summary"), "k1")

    async def scenario(slack: Slack) -> None:
        slack.fake.fail("chat.postMessage", status=429, error="ratelimited",
                        headers={"Retry-After": "0"})  # fmt: skip
        assert await slack.deliver() == 0
        with floor.db.read() as s:
            msg = s.scalars(select(OutboxMessage)).one()
            assert (msg.state, msg.attempts) == ("pending", 1)
            assert "rate limit" in (msg.last_error or "")
        assert await slack.deliver() == 1
        assert await slack.deliver() == 0
        posts = slack.fake.called("chat.postMessage")
        assert len(posts) == 2  # the refused one and the delivered one
        assert [m.text for m in slack.fake.in_channel(FLOOR)] == ["daily summary"]

    run(floor.db, scenario)
    assert states(floor.db) == ["delivered"]


def test_a_retry_after_from_slack_sets_the_next_attempt(floor):
    queue(floor.db, FLOOR, Reply.text("later"), "k1")

    async def scenario(slack: Slack) -> None:
        slack.fake.fail("chat.postMessage", status=429, error="ratelimited",
                        headers={"Retry-After": "30"})  # fmt: skip
        assert await slack.deliver() == 0
        assert await slack.deliver() == 0  # not due for 30 s

    run(floor.db, scenario)
    with floor.db.read() as s:
        msg = s.scalars(select(OutboxMessage)).one()
        wait = (msg.next_attempt_at - msg.created_at).total_seconds()
        assert msg.state == "pending" and 25 < wait < 40


def test_unknown_channels_and_users_are_parked_not_retried(floor):
    queue(floor.db, "C0GONE", Reply.text("x"), "k1")
    queue(floor.db, "user:U0NOBODY", Reply.text("y"), "k2")

    async def scenario(slack: Slack) -> None:
        slack.fake.missing_channels.add("C0GONE")
        await slack.deliver()
        await slack.deliver()

    run(floor.db, scenario)
    assert states(floor.db) == ["failed", "failed"]


def test_a_chart_is_uploaded_with_files_upload_v2(floor):
    reply = Reply.of(Text(text="Stock of *M8*"), Image(png=PNG, caption="M8 over 30 days"))
    queue(floor.db, FLOOR, reply, "k1")

    async def scenario(slack: Slack) -> None:
        assert await slack.deliver() == 1
        fake = slack.fake
        assert [c.method for c in fake.calls if c.method.startswith("files.")] == [
            "files.getUploadURLExternal",
            "files.completeUploadExternal",
        ]
        [file] = fake.files
        assert fake.uploads[file["id"]] == PNG
        assert file["channel"] == FLOOR and file["title"] == "M8 over 30 days"
        assert newest(fake.in_channel(FLOOR), "Stock of").all_text() == "Stock of *M8*"

    run(floor.db, scenario)


def test_a_partial_delivery_resumes_without_posting_the_text_twice(floor):
    reply = Reply.of(Text(text="chart below"), Image(png=PNG, caption="usage"))
    queue(floor.db, FLOOR, reply, "k1")

    async def scenario(slack: Slack) -> None:
        slack.fake.fail("files.getUploadURLExternal", status=429, error="ratelimited",
                        headers={"Retry-After": "0"})  # fmt: skip
        assert await slack.deliver() == 0
        assert await slack.deliver() == 1
        assert [m.text for m in slack.fake.in_channel(FLOOR)] == ["chart below"]
        assert len(slack.fake.uploads) == 1

    run(floor.db, scenario)


# ------------------------------------------------------------------------ modes, health, manifest


def test_http_mode_serves_slack_events_and_health_says_so(floor):
    async def scenario(slack: Slack) -> dict[str, Any]:
        await slack.fake.wait_for(lambda: slack.fake.called("auth.test"))
        url = f"http://127.0.0.1:{slack.service.port}/healthz"
        async with slack.http.get(url) as r:
            return await r.json()

    body = run(floor.db, scenario)
    slack = body["adapters"]["slack"]
    assert slack.items() >= {"ok": True, "mode": "http", "last_error": None}.items()
    assert slack["last_contact"]  # auth.test reached the Web API


def test_socket_mode_is_chosen_when_an_app_token_is_set_and_receives_commands(floor):
    floor.item("BOLT-M8", stock=7)

    async def scenario(slack: Slack) -> None:
        adapter, fake = slack.adapter, slack.fake
        assert adapter.mode == "socket" and adapter.routes() == []
        async with slack.http.post(slack.events_url, data=b"{}") as r:
            assert r.status == 404  # no HTTP endpoint in Socket Mode
        await asyncio.wait_for(fake.socket_connected.wait(), 5)
        await fake.wait_for(lambda: adapter.health()["ok"])
        assert adapter.health().items() >= {"ok": True, "mode": "socket", "connected": True}.items()
        before = adapter.completed
        await fake.socket_send(
            {
                "envelope_id": "env-1",
                "type": "slash_commands",
                "accepts_response_payload": True,
                "payload": {
                    "team_id": TEAM,
                    "channel_id": FLOOR,
                    "user_id": "U0BOB",
                    "user_name": "bob",
                    "command": "/stock",
                    "text": "m8",
                    "api_app_id": "A0STOCK",
                    "response_url": fake.response_url(FLOOR, "U0BOB"),
                    "trigger_id": "trig.sock",
                },
            }
        )
        await slack.settle(before)
        assert any(a.get("envelope_id") == "env-1" for a in fake.socket_acks)
        assert "BOLT-M8" in newest(fake.in_channel(FLOOR), "BOLT-M8").all_text()

    run(floor.db, scenario, slack_app_token="xapp-test")


def test_the_manifest_declares_every_command_and_the_http_endpoints():
    manifest = (Path(__file__).parents[1] / "deploy" / "slack-manifest.yml").read_text()
    declared = re.findall(r"^\s*- command: /(\w+)\s*$", manifest, re.M)
    assert declared == list(handled_commands())
    assert manifest.count("https://YOUR-HOST/slack/events") == len(declared) + 2
    for scope in ("commands", "chat:write", "chat:write.public", "im:write", "files:write",
                  "app_mentions:read", "users:read"):  # fmt: skip
        assert re.search(rf"^\s*- {re.escape(scope)}\s*$", manifest, re.M), scope
    assert re.search(r"^\s*- app_mention\s*$", manifest, re.M)
    assert re.search(r"^\s*socket_mode_enabled: false\s*$", manifest, re.M)


# ------------------------------------------------------------------------ the renderer


def test_user_text_cannot_ping_anyone_or_break_markup():
    assert mrkdwn("*MR-1* by <!channel> & <@U1>") == "*MR-1* by &lt;!channel&gt; &amp; &lt;@U1&gt;"
    assert mrkdwn("`a<b>`") == "`a&lt;b&gt;`"
    [message] = render(Reply.of(Fields(title="<!here>", rows=[("who", "<@U2>")])))
    text = json.dumps(message.blocks)
    assert "<!here>" not in text and "<@U2>" not in text and "<!here>" not in message.text


def test_slack_limits_are_respected_by_splitting():
    long_text = "\n".join(f"line {i} " + "x" * 90 for i in range(100))  # ~10 000 chars
    many_buttons = [Button(label=f"B{i}", action_id=f"a:{i}") for i in range(30)]
    reply = Reply.of(
        Text(text=long_text),
        Fields(rows=[(f"k{i}", "v") for i in range(23)]),
        Buttons(buttons=many_buttons),
        *[Text(text=f"para {i}") for i in range(60)],
    )
    rendered = render(reply)
    assert len(rendered.messages) == 2
    blocks = [b for m in rendered.messages for b in m.blocks]
    assert all(len(m.blocks) <= 50 for m in rendered.messages)
    sections = [b["text"]["text"] for b in blocks if b["type"] == "section" and "text" in b]
    assert all(len(t) <= 3000 for t in sections)
    assert "".join(sections).count("line ") == 100
    assert [len(b["fields"]) for b in blocks if "fields" in b] == [10, 10, 3]
    actions = [b for b in blocks if b["type"] == "actions"]
    assert [len(a["elements"]) for a in actions] == [25, 5]
    ids = [e["action_id"] for a in actions for e in a["elements"]]
    assert len(set(ids)) == 30 and ids[0] == "stockbot_1"
    assert [e["value"] for a in actions for e in a["elements"]] == [f"a:{i}" for i in range(30)]


def test_tables_are_aligned_code_blocks_and_unknown_blocks_fall_back_to_text():
    from stockbot.replies import Block

    class Gauge(Block):
        kind: str = "gauge-test"
        level: int

        def plain(self) -> str:
            return f"level {self.level}"

    table = Table(title="Stock", headers=["物料", "qty"], rows=[["螺栓", "10"], ["<nut>", "2"]])
    choice = Choice(prompt="Did you mean", options=[Button(label="M8 bolt", action_id="stock:1")])
    blocks = render(Reply.of(table, choice, Gauge(level=3))).messages[0].blocks
    assert blocks[0]["text"]["text"] == "*Stock*"
    code = blocks[1]["text"]["text"]
    assert code.startswith("```\n") and code.endswith("\n```")
    lines = code.split("\n")[1:-1]
    assert lines[0] == "物料   qty" and lines[2] == "螺栓   10"
    assert lines[3] == "&lt;nut&gt;  2"
    assert blocks[2]["text"]["text"] == "Did you mean"
    assert blocks[3]["elements"][0]["value"] == "stock:1"
    assert blocks[4]["text"]["text"] == "level 3"


def test_an_ephemeral_reply_with_an_image_shows_its_caption_instead():
    rendered = render(Reply.of(Image(png=PNG, caption="usage chart")), upload_images=False)
    assert rendered.images == []
    assert "usage chart" in rendered.messages[0].blocks[0]["text"]["text"]
