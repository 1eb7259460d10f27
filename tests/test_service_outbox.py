"""The service's outbox dispatcher and health endpoint, with a fake platform adapter."""

from __future__ import annotations

import asyncio
import json
import urllib.request

from aiohttp import web
from sqlalchemy import select

from stockbot.flows.routing import enqueue
from stockbot.handlers.base import DeliveryError, PermanentDeliveryError
from stockbot.replies import Reply
from stockbot.runtime import Runtime
from stockbot.service import Service
from stockbot.store.models import OutboxMessage

from transcript import settings


class FlakyAdapter:
    """A platform whose API is down for the first `down` calls, then up."""

    platform = "fake"

    def __init__(self, down: int = 0, permanent: set[str] | None = None) -> None:
        self.down, self.calls, self.sent = down, 0, []
        self.permanent = permanent or set()

    def routes(self) -> list[web.RouteDef]:
        return []

    async def start(self) -> None: ...

    async def stop(self) -> None: ...

    async def send(self, target: str, reply: Reply) -> None:
        self.calls += 1
        if target in self.permanent:
            raise PermanentDeliveryError("chat not found")
        if self.calls <= self.down:
            raise DeliveryError("503 from the platform", retry_after=0)
        self.sent.append((target, reply.plain()))

    def health(self) -> dict:
        return {"ok": True}


def service_with(db, adapter) -> Service:  # type: ignore[no-untyped-def]
    st = settings()
    return Service(db=db, settings=st, runtime=Runtime(db, st), adapters=[adapter])


def queue(db, *texts: str, target: str = "C1") -> None:  # type: ignore[no-untyped-def]
    with db.write() as s:
        for n, text_ in enumerate(texts):
            enqueue(s, "fake", target, Reply.text(text_), dedupe_key=f"k{text_}{n}")


def states(db) -> list[str]:  # type: ignore[no-untyped-def]
    with db.read() as s:
        return list(s.scalars(select(OutboxMessage.state).order_by(OutboxMessage.id)))


def test_messages_queued_while_the_platform_is_down_are_delivered_once_when_it_returns(db):
    adapter = FlakyAdapter(down=3)
    service = service_with(db, adapter)
    # Only the explicit dispatches below: a background loop racing them could hold a claim
    # past stop() on a busy machine, and the test would count its timing, not the retries.
    service.dispatch_loop = False
    queue(db, "one", "two")

    async def scenario() -> None:
        await service.start(host="127.0.0.1", port=0)
        try:
            for _ in range(6):  # the outage lasts three attempts
                await service.dispatch_once()
        finally:
            await service.stop()

    asyncio.run(scenario())
    assert [t for _, t in adapter.sent] == ["one", "two"]
    assert states(db) == ["delivered", "delivered"]


def test_a_permanently_undeliverable_message_is_parked_not_retried_forever(db):
    adapter = FlakyAdapter(permanent={"gone"})
    service = service_with(db, adapter)
    service.dispatch_loop = False
    queue(db, "x", target="gone")

    async def scenario() -> None:
        await service.start(host="127.0.0.1", port=0)
        await service.dispatch_once()
        await service.dispatch_once()
        await service.stop()

    asyncio.run(scenario())
    assert states(db) == ["failed"] and adapter.calls == 1


def test_healthz_reports_the_database_and_adapters(db):
    service = service_with(db, FlakyAdapter())

    async def scenario() -> dict:
        await service.start(host="127.0.0.1", port=0)
        try:
            url = f"http://127.0.0.1:{service.port}/healthz"
            body = await asyncio.to_thread(lambda: urllib.request.urlopen(url, timeout=5).read())
            return json.loads(body)
        finally:
            await service.stop()

    body = asyncio.run(scenario())
    assert body["ok"] is True and body["adapters"] == {"fake": {"ok": True}}
    assert body["database"]["dialect"] == db.dialect


class _ClaimedMeanwhile:
    """The database as one dispatcher sees it, with another replica's dispatcher claiming
    between this one's read of the due rows and its first claim."""

    def __init__(self, db, meanwhile) -> None:  # type: ignore[no-untyped-def]
        self._db, self._meanwhile = db, meanwhile

    def write(self):  # type: ignore[no-untyped-def]
        meanwhile, self._meanwhile = self._meanwhile, None
        if meanwhile is not None:
            meanwhile()
        return self._db.write()

    def write_conn(self):  # type: ignore[no-untyped-def]
        meanwhile, self._meanwhile = self._meanwhile, None
        if meanwhile is not None:
            meanwhile()
        return self._db.write_conn()

    def __getattr__(self, name: str):  # type: ignore[no-untyped-def]
        return getattr(self._db, name)


def test_a_replica_that_loses_a_chats_first_message_leaves_that_chats_later_ones_alone(db):
    """Two dispatchers (two replicas) see the same two messages for one chat; the other one
    claims the first. Sending the second now could overtake the first: it waits its turn."""
    queue(db, "first", "second", target="C1")
    queue(db, "elsewhere", target="C2")
    other = service_with(db, FlakyAdapter())
    claimed_by_other: list[tuple] = []
    this = service_with(
        _ClaimedMeanwhile(db, lambda: claimed_by_other.extend(other._claim_due(["fake"], 1))),
        FlakyAdapter(),
    )
    mine = this._claim_due(["fake"], 10)
    assert [row[2] for row in claimed_by_other] == ["C1"]
    assert [row[2] for row in mine] == ["C2"]
