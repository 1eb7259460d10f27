"""Slack's side of an end-to-end conversation, shared by the Slack e2e tests: the real
slack-bolt and slack-sdk inside the running service, talking HTTP to a loopback fake Slack
(tests/fake_slack.py), with requests signed exactly as Slack signs them."""

from __future__ import annotations

import asyncio
import itertools
import json
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

import aiohttp

from stockbot.app import build_service
from stockbot.handlers.slack import SlackAdapter
from stockbot.service import Service

from fake_slack import BOT_USER, TEAM, FakeSlack, Message
from slack_requests import FLOOR, FORM, SECRET, click_body, fake_users, sign, slash_body
from transcript import settings

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


@dataclass
class Slack:
    """Plays Slack's side: signed requests into the service, the fake API for the rest."""

    fake: FakeSlack
    service: Service
    adapter: SlackAdapter
    http: aiohttp.ClientSession
    _ids = itertools.count(1)

    @property
    def events_url(self) -> str:
        return f"http://127.0.0.1:{self.service.port}/slack/events"

    async def post(
        self, body: str, content_type: str, headers: dict[str, str] | None = None, **sign_kw: Any
    ) -> aiohttp.ClientResponse:
        all_headers = {"Content-Type": content_type, **sign(body, **sign_kw), **(headers or {})}
        async with self.http.post(self.events_url, data=body.encode(), headers=all_headers) as r:
            await r.read()
            return r

    async def settle(self, before: int, n: int = 1) -> None:
        """Wait until *n* more listeners have finished after the count *before*."""
        await self.fake.wait_for(lambda: self.adapter.completed >= before + n)

    async def command(self, user: str, line: str, channel: str = FLOOR, **sign_kw: Any) -> int:
        body = slash_body(self.fake, user, line, f"trig.{next(self._ids)}", channel)
        before = self.adapter.completed
        resp = await self.post(body, FORM, **sign_kw)
        if resp.status == 200:
            await self.settle(before)
        return resp.status

    async def click(self, user: str, message: Message, label: str) -> int:
        body = click_body(self.fake, user, message, label, f"trig.click.{next(self._ids)}")
        before = self.adapter.completed
        resp = await self.post(body, FORM)
        if resp.status == 200:
            await self.settle(before)
        return resp.status

    async def mention(
        self,
        user: str,
        text: str,
        event_id: str,
        channel: str = FLOOR,
        retry: int | None = None,
        ts: str | None = None,
        ts_header: int | None = None,
        secret: str = SECRET,
        dm: bool = False,
        files: list[dict[str, Any]] | None = None,
    ) -> int:
        """An @-mention in *channel*, or (*dm*) a direct message; with *files*, what Slack sends
        for an upload: the files on the event, and in a DM the ``file_share`` subtype."""
        shared = {"files": files, "upload": True} if files else {}
        if files and dm:
            shared["subtype"] = "file_share"
        body = json.dumps(
            {
                "token": "legacy",
                "team_id": TEAM,
                "api_app_id": "A0STOCK",
                "type": "event_callback",
                "event_id": event_id,
                "event_time": int(time.time()),
                "authorizations": [{"team_id": TEAM, "user_id": BOT_USER, "is_bot": True}],
                "event": {
                    "type": "message" if dm else "app_mention",
                    **({"channel_type": "im"} if dm else {}),
                    "user": user,
                    "text": text,
                    "ts": ts or f"1750000100.{next(self._ids):06d}",
                    "channel": channel,
                    "event_ts": ts or "1750000100.000000",
                    **shared,
                },
            }
        )
        headers = {"X-Slack-Retry-Num": str(retry), "X-Slack-Retry-Reason": "http_timeout"}
        before = self.adapter.completed
        resp = await self.post(
            body, "application/json", headers if retry else None, ts=ts_header, secret=secret
        )
        if resp.status == 200:
            await self.settle(before)
        return resp.status

    async def deliver(self) -> int:
        return await self.service.dispatch_once()


@asynccontextmanager
async def running(db, **overrides: Any) -> AsyncIterator[Slack]:  # type: ignore[no-untyped-def]
    fake = FakeSlack(users=fake_users())
    await fake.start()
    st = settings(
        slack_bot_token="xoxb-test",
        slack_signing_secret=SECRET,
        slack_api_url=fake.url + "/api/",
        **overrides,
    )
    service = build_service(db, st)
    service.dispatch_loop = False  # the tests deliver the outbox themselves, step by step
    [adapter] = service.adapters
    assert isinstance(adapter, SlackAdapter)
    await service.start(host="127.0.0.1", port=0)
    for task in service._tasks:  # the tests drive the outbox themselves, with dispatch_once()
        if task.get_name() == "outbox":
            task.cancel()
    try:
        async with aiohttp.ClientSession() as http:
            yield Slack(fake, service, adapter, http)
    finally:
        await service.stop()
        await fake.stop()


def run(db, scenario: Callable[[Slack], Awaitable[Any]], **overrides: Any) -> Any:  # type: ignore[no-untyped-def]
    async def main() -> Any:
        async with running(db, **overrides) as slack:
            return await asyncio.wait_for(scenario(slack), timeout=20)

    return asyncio.run(main())


def newest(messages: list[Message], needle: str) -> Message:
    found = [m for m in messages if needle in m.all_text()]
    assert found, f"no message with {needle!r} in {[m.all_text() for m in messages]}"
    return found[-1]
