"""The DingTalk adapter inside a real `Service`, against the loopback fake (tests/fake_dingtalk.py):
what the DingTalk end-to-end tests share.

Who is who (DingTalk staff ids): bob "u-bob" is staff, carol "u-carol" keeps the warehouse,
dave "u-dave" approves up to 5000. They share the group "cid-line1"."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Awaitable, Callable
from decimal import Decimal
from typing import Any

from sqlalchemy import func, select

from fake_dingtalk import CLIENT_ID, CLIENT_SECRET, FakeDingTalk
from stockbot.app import build_service
from stockbot.handlers.dingtalk import DingTalkAdapter
from stockbot.store.catalog import ensure_user, grant_role
from stockbot.store.models import Role

from transcript import settings

GROUP = "cid-line1"
BOB, CAROL, DAVE = ("u-bob", "Bob"), ("u-carol", "Carol"), ("u-dave", "Dave")


def crew(db: Any) -> None:
    with db.write() as s:
        grant_role(s, ensure_user(s, "dingtalk", CAROL[0], "Carol"), Role.KEEPER)
        dave = ensure_user(s, "dingtalk", DAVE[0], "Dave")
        grant_role(s, dave, Role.APPROVER, amount_limit=Decimal(5000))


@contextlib.asynccontextmanager
async def running(db: Any, **overrides: Any) -> AsyncIterator[tuple[FakeDingTalk, Any]]:
    fake = FakeDingTalk()
    await fake.start()
    st = settings(
        dingtalk_client_id=CLIENT_ID,
        dingtalk_client_secret=CLIENT_SECRET,
        dingtalk_api_url=fake.url,
        dingtalk_oapi_url=fake.url,
        **{"dingtalk_card_template_id": "tpl-stockbot", **overrides},
    )
    service = build_service(db, st)  # the same wiring `stockbot run` uses
    service.outbox_interval = 0.05
    assert isinstance(service.adapters[0], DingTalkAdapter)
    await service.start(host="127.0.0.1", port=0)
    try:
        await fake.connected()
        yield fake, service
    finally:
        await service.stop()
        await fake.stop()


def play(db: Any, scenario: Callable[[FakeDingTalk, Any], Awaitable[None]], **kw: Any) -> None:
    async def main() -> None:
        async with running(db, **kw) as (fake, service):
            await asyncio.wait_for(scenario(fake, service), timeout=25)

    asyncio.run(main())


def count(db: Any, model: Any) -> int:
    with db.read() as s:
        return s.scalar(select(func.count()).select_from(model))
