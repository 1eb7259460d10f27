"""Every inbound delivery acts once (issue 9, item 2; issue 8): a replayed signed Slack body, a
redelivered Telegram update and a repeated console message id change nothing the second time
and get a harmless answer. Driven through the real slack-bolt / python-telegram-bot apps
against the loopback fakes, with rows counted."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from decimal import Decimal
from typing import Any
from urllib.parse import urlencode

import pytest
from sqlalchemy import event, func, select, update

from stockbot.commands.inbound import Inbound
from stockbot.handlers.base import handle_once
from stockbot.store import inbox
from stockbot.store.models import (
    GoodsReceipt,
    MaterialRequest,
    ProcessedEvent,
    PurchaseRequest,
)
from stockbot.timeutil import utcnow
from test_slack_e2e import FLOOR, Slack, newest, people, run
from test_telegram_e2e import GROUP, Scene, crew, play

from fake_slack import TEAM
from slack_requests import PEOPLE
from transcript import Floor, row_counts


def _count(db, model) -> int:  # type: ignore[no-untyped-def]
    with db.read() as s:
        return s.scalar(select(func.count()).select_from(model))


def _slash_body(slack: Slack, user: str, line: str) -> str:
    """One signed-able slash command body, with its one trigger_id."""
    name, _, text = line.removeprefix("/").partition(" ")
    return urlencode(
        {
            "team_id": TEAM,
            "channel_id": FLOOR,
            "user_id": user,
            "user_name": PEOPLE[user][0].lower(),
            "command": f"/{name}",
            "text": text,
            "api_app_id": "A0STOCK",
            "response_url": slack.fake.response_url(FLOOR, user),
            "trigger_id": "trig.replayed.1",
        }
    )


@pytest.mark.parametrize(
    ("who", "line", "model"),
    [
        ("U0CAROL", "/receive BOLT-M8 5", GoodsReceipt),
        ("U0BOB", "/request BOLT-M8 2", MaterialRequest),
        ("U0ERIN", "/purchase BOLT-M8 50", PurchaseRequest),
    ],
)
def test_a_signed_slash_command_replayed_three_times_acts_once(db, who, line, model):
    people(db)
    Floor(db).item("BOLT-M8", stock=100)

    async def scenario(slack: Slack) -> None:
        body = _slash_body(slack, who, line)
        before = slack.adapter.completed
        status = []
        for _ in range(3):  # the identical signed body, inside the 5-minute window
            resp = await slack.post(body, "application/x-www-form-urlencoded")
            status.append(resp.status)
        await slack.settle(before, 3)
        assert status == [200, 200, 200]
        assert _count(db, model) == 1
        # the first delivery was answered; the replays got only the empty ack
        assert len(slack.fake.responses) == 1
        after = row_counts(db)
        resp = await slack.post(body, "application/x-www-form-urlencoded")
        await slack.settle(before, 4)
        assert resp.status == 200 and row_counts(db) == after

    run(db, scenario)


@pytest.mark.parametrize(
    ("who", "line", "refused"),
    [
        ("U0BOB", "/stock BOLT-M8", False),  # a lookup: recorded on its own, then read
        ("U0BOB", "/request NOPE-1 2", True),  # a refused write: nothing but the row
    ],
)
def test_a_replayed_lookup_or_refused_command_is_answered_once(db, who, line, refused):
    """Both guard paths (`handle_once`): a lookup records its delivery first and reads after;
    a write that the flow refuses still commits the delivery's row (its own savepoint rolled
    back), so a replay is not run again."""
    people(db)
    Floor(db).item("BOLT-M8", stock=100)

    async def scenario(slack: Slack) -> None:
        body = _slash_body(slack, who, line)
        before = slack.adapter.completed
        for _ in range(2):
            resp = await slack.post(body, "application/x-www-form-urlencoded")
            assert resp.status == 200
        await slack.settle(before, 2)
        assert len(slack.fake.responses) == 1
        answer = str(slack.fake.responses[0])
        assert ("NOPE-1" if refused else "BOLT-M8") in answer
        assert _count(db, ProcessedEvent) == 1
        assert _count(db, MaterialRequest) == 0

    run(db, scenario)


def test_a_replayed_button_press_acts_once_and_answers_nothing(db):
    people(db)
    Floor(db).item("MOTOR", stock=10, unit_cost=Decimal(800))

    async def scenario(slack: Slack) -> None:
        fake = slack.fake
        await slack.command("U0BOB", "/request motor 2")
        card = newest(fake.in_channel(FLOOR), "MR-00001")
        bodies: list[str] = []
        post = slack.post

        async def recording(body: str, *args: Any, **kw: Any) -> Any:
            bodies.append(body)
            return await post(body, *args, **kw)

        slack.post = recording  # type: ignore[method-assign]  # keep the signed body to replay
        assert await slack.click("U0DAVE", card, "Approve") == 200
        await fake.wait_for(lambda: card.history)
        answered, after = len(fake.responses), row_counts(db)
        before = slack.adapter.completed
        for _ in range(2):
            assert (await post(bodies[-1], "application/x-www-form-urlencoded")).status == 200
        await slack.settle(before, 2)
        assert len(fake.responses) == answered and row_counts(db) == after

    run(db, scenario)


def test_a_telegram_update_delivered_twice_acts_once(db):
    crew(db)
    Floor(db).item("BOLT-M8", stock=100)

    async def scenario(sc: Scene) -> None:
        fake = sc.fake
        first = sc.fake.push(
            fake.message_update(sc.people["carol"], sc.group, "/receive BOLT-M8 5")
        )
        await sc.answer_to(first["message"])
        # the same update fetched again (a restart lost the offset): a new update id, the same
        # message
        again = fake.push({**first, "update_id": first["update_id"] + 100})
        await fake.wait_for(lambda: again["update_id"] in fake.served)
        await asyncio.sleep(0.3)
        assert sc.count(GoodsReceipt) == 1
        assert len(fake.sent("sendMessage", chat_id=GROUP)) == 1

    play(db, scenario)


def test_a_repeated_console_message_id_acts_once_with_an_empty_reply(db):
    floor = Floor(db).people()
    floor.item("BOLT-M8", stock=100)
    msg = Inbound(
        platform="console",
        user_id="carol",
        chat_id="group",
        message_id="m1",
        event_id="m1",
        text="/receive BOLT-M8 5",
    )
    first = handle_once(db, floor.runtime.handle, msg)
    before = row_counts(db)
    again = handle_once(db, floor.runtime.handle, msg)
    assert first.blocks and not again.blocks
    assert row_counts(db) == before and _count(db, GoodsReceipt) == 1


def test_deliveries_older_than_the_longest_replay_window_are_pruned(db):
    assert inbox.first_delivery(db, "slack", "old")
    assert inbox.first_delivery(db, "telegram", "new")
    with db.write() as s:
        s.execute(
            update(ProcessedEvent)
            .where(ProcessedEvent.event_id == "old")
            .values(created_at=utcnow() - inbox.KEEP - timedelta(minutes=1))
        )
    assert inbox.prune(db) == 1
    with db.read() as s:
        assert s.scalars(select(ProcessedEvent.event_id)).all() == ["new"]
    assert not inbox.first_delivery(db, "telegram", "new")
    assert inbox.first_delivery(db, "slack", "old")  # forgotten: no replay can carry it now


def _inside_write_transactions(db, act) -> list[str]:  # type: ignore[no-untyped-def]
    """The statements `act()` runs while a connection holds SQLite's write lock."""
    holding: set[int] = set()
    inside: list[str] = []

    def note(conn, _cursor, statement, *_):  # type: ignore[no-untyped-def]
        if statement.startswith("BEGIN IMMEDIATE"):
            holding.add(id(conn))
        elif id(conn) in holding:
            inside.append(statement)

    def ended(conn):  # type: ignore[no-untyped-def]
        holding.discard(id(conn))

    event.listen(db.engine, "before_cursor_execute", note)
    event.listen(db.engine, "commit", ended)
    event.listen(db.engine, "rollback", ended)
    try:
        act()
    finally:
        event.remove(db.engine, "before_cursor_execute", note)
        event.remove(db.engine, "commit", ended)
        event.remove(db.engine, "rollback", ended)
    return inside


def _under_the_write_lock(floor: Floor, text: str) -> list[str]:
    """The statements one console message from carol runs while holding SQLite's write lock."""
    msg = Inbound(
        platform="console", user_id="carol", chat_id="group", message_id=text, event_id=text,
        text=text,
    )  # fmt: skip
    db = floor.db
    return _inside_write_transactions(db, lambda: handle_once(db, floor.runtime.handle, msg))


@pytest.mark.parametrize(
    "line", ["/history BOLT-M8", "/report movements", "/pending", "/stock bolt"]
)
def test_a_lookup_or_report_holds_the_write_lock_only_to_record_its_delivery(db, line):
    if db.dialect != "sqlite":
        pytest.skip("SQLite's write lock")
    floor = Floor(db).people()
    floor.item("BOLT-M8", stock=100)
    inside = _under_the_write_lock(floor, line)
    assert len(inside) == 1 and "processed_events" in inside[0]


def test_a_request_records_its_delivery_and_its_work_under_one_write_lock(db):
    if db.dialect != "sqlite":
        pytest.skip("SQLite's write lock")
    floor = Floor(db).people()
    floor.item("BOLT-M8", stock=100)
    inside = _under_the_write_lock(floor, "/request BOLT-M8 5")
    assert "processed_events" in inside[0]
    assert any("INSERT INTO material_requests" in s for s in inside)
