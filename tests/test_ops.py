"""What an operator sees of a running service: readiness that tells the truth, Prometheus
metrics, one log line per command, and a service that recovers by itself when the database
comes back. SQLite by default, PostgreSQL with STOCKBOT_TEST_DATABASE_URL."""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import threading
import time
from collections.abc import Awaitable, Callable, Iterator
from typing import Any

import aiohttp
from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy import event, update

from stockbot.app import build_service
from stockbot.commands.inbound import Inbound
from stockbot.flows.routing import enqueue
from stockbot.ops.logs import formatter
from stockbot.replies import Reply
from stockbot.scheduler import jobs
from stockbot.service import Service
from stockbot.store.db import Database
from stockbot.store.models import OutboxMessage
from test_service_outbox import FlakyAdapter, queue, service_with

from fake_slack import FakeSlack
from fake_telegram import FakeTelegram
from slack_requests import SECRET, fake_users
from transcript import Floor, settings


@contextlib.contextmanager
def database_down(db: Database) -> Iterator[None]:
    """Every new connection is refused, and the pooled ones are gone: what the service sees
    while the database server is down (or its file's disk is away)."""

    error = db.engine.dialect.loaded_dbapi.OperationalError

    def refuse(_dbapi_conn: Any, _rec: Any) -> None:
        # the pool's connect event: our own SQLite opener answers do_connect first
        raise error("connection refused (the test took it down)")

    event.listen(db.engine, "connect", refuse)
    db.engine.dispose()  # a new pool: connections in use now are not handed out again
    try:
        yield
    finally:
        event.remove(db.engine, "connect", refuse)


async def get(service: Service, path: str) -> tuple[int, str]:
    async with (
        aiohttp.ClientSession() as http,
        http.get(f"http://127.0.0.1:{service.port}{path}") as r,
    ):
        return r.status, await r.text()


async def until(check: Callable[[], Awaitable[bool]], timeout: float = 15.0) -> None:
    """Poll *check* until it holds; fail after *timeout* seconds (no sleep-then-assert)."""

    async def loop() -> None:
        while not await check():
            await asyncio.sleep(0.1)

    await asyncio.wait_for(loop(), timeout)


def serve(service: Service, scenario: Callable[[], Awaitable[Any]]) -> Any:
    async def main() -> Any:
        await service.start(host="127.0.0.1", port=0)
        try:
            return await scenario()
        finally:
            await service.stop()

    return asyncio.run(asyncio.wait_for(main(), 60))


def samples(text: str) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    """Every sample of a /metrics page, parsed by prometheus-client's own parser."""
    return {
        (s.name, tuple(sorted(s.labels.items()))): s.value
        for family in text_string_to_metric_families(text)
        for s in family.samples
    }


# ----------------------------------------------------------------------------- readiness


def test_a_ready_service_says_so_with_the_database_at_head_and_every_part_reported(db):
    service = service_with(db, FlakyAdapter())
    service.dispatch_loop = False  # the message stays waiting, for the backlog to show it
    queue(db, "waiting")

    async def scenario() -> tuple[int, dict, int, dict]:
        status, body = await get(service, "/readyz")
        alias_status, alias = await get(service, "/healthz")
        assert (await get(service, "/livez"))[0] == 200
        return status, json.loads(body), alias_status, json.loads(alias)

    status, body, alias_status, alias = serve(service, scenario)
    assert status == 200 and body["ok"] is True
    assert body["database"]["ok"] is True and body["database"]["at_head"] is True
    assert body["adapters"] == {"fake": {"ok": True}}
    assert body["outbox"]["fake"]["waiting"] == 1
    assert body["outbox"]["fake"]["oldest_age_seconds"] >= 0
    assert alias_status == 200 and alias["ok"] is True  # /healthz is the same answer


class SlowWarmScheduler:
    """The part of `SchedulerRunner` the service drives, whose start leaves a slow warm-up
    running on a thread (as the chart warm-up does); the warm-up notes whether the service was
    already listening when it finished."""

    is_leader = False
    on_job = None

    def __init__(self, service: Service) -> None:
        self.service, self.warming, self.listening_during_warm_up = service, [], None

    def start(self) -> None:
        def warm() -> None:
            time.sleep(0.3)  # the warm-up's work (imports, a chart), not a wait for the test
            self.listening_during_warm_up = self.service.port is not None

        thread = threading.Thread(target=warm, daemon=True)
        thread.start()
        self.warming.append(thread)

    def stop(self) -> None: ...


def test_the_service_listens_only_once_its_start_up_warm_ups_are_done(db):
    """The first people served must not share the GIL with the start-up's imports (issue 13:
    100–300 ms answers in the first second when the port opened before the warm-ups ended)."""
    service = service_with(db, FlakyAdapter())
    service.scheduler = scheduler = SlowWarmScheduler(service)

    async def scenario() -> int:
        return (await get(service, "/livez"))[0]

    assert serve(service, scenario) == 200
    assert scheduler.listening_during_warm_up is False


def test_readyz_is_503_while_the_database_is_down_and_ready_again_without_a_restart(db):
    service = service_with(db, FlakyAdapter())

    async def scenario() -> tuple[int, dict, int]:
        with database_down(db):
            status, body = await get(service, "/readyz")
            live, _ = await get(service, "/livez")
        again, _ = await get(service, "/readyz")
        return status, json.loads(body), again if live == 200 else -1

    status, body, again = serve(service, scenario)
    assert status == 503 and body["ok"] is False
    assert body["database"]["ok"] is False and "unreachable" in body["database"]["error"]
    assert again == 200  # the process stayed alive (livez) and recovered by itself


def test_readyz_is_503_when_the_database_takes_reads_but_not_writes(db, tmp_path):
    if not db.is_sqlite:
        return  # a read-only PostgreSQL standby is the same answer; no standby here
    read_only = Database(f"sqlite:///file:{db.url.removeprefix('sqlite:///')}?mode=ro&uri=true")
    service = service_with(read_only, FlakyAdapter())
    status, body = serve(service, lambda: get(service, "/readyz"))
    read_only.dispose()
    assert status == 503 and "read-only" in json.loads(body)["database"]["error"]


def test_readyz_is_503_while_telegram_fails_every_call_with_a_connection_error(db):
    """The issue's case: /healthz said ok while the only adapter could not reach its API."""

    async def main() -> tuple[dict, dict]:
        fake = FakeTelegram()
        await fake.start()
        port = int(fake.url.rsplit(":", 1)[1])
        st = settings(telegram_bot_token=fake.token, telegram_api_url=fake.api_url)
        service = build_service(db, st)
        service.scheduler = None
        service.adapters[0].poll_timeout = 1.0  # type: ignore[attr-defined]
        await service.start(host="127.0.0.1", port=0)
        try:
            await until(lambda: status_is(service, 200))
            await fake.stop()  # from now on every Bot API call is refused
            await until(lambda: status_is(service, 503))
            down = json.loads((await get(service, "/readyz"))[1])
            await fake.start(port)  # the API is back
            await until(lambda: status_is(service, 200), timeout=30)
            up = json.loads((await get(service, "/readyz"))[1])
            return down, up
        finally:
            await service.stop()
            await fake.stop()

    down, up = asyncio.run(asyncio.wait_for(main(), 60))
    telegram = down["adapters"]["telegram"]
    assert down["ok"] is False and telegram["ok"] is False
    assert telegram["last_error"] and telegram["failures_in_a_row"] >= 1
    assert down["database"]["ok"] is True  # the adapter alone made it not ready
    assert up["adapters"]["telegram"]["ok"] is True and up["adapters"]["telegram"]["last_contact"]


async def status_is(service: Service, expected: int) -> bool:
    return (await get(service, "/readyz"))[0] == expected


def test_readyz_is_503_while_the_slack_web_api_is_unreachable_and_ready_again_by_itself(db):
    """Slack in HTTP mode calls its Web API only when it has something to say, so an adapter
    that found it down must probe by itself: a replica the proxy took out gets no traffic."""

    async def main() -> tuple[dict, dict, dict]:
        fake = FakeSlack(users=fake_users())
        port = int((await fake.start()).rsplit(":", 1)[1])
        await fake.stop()  # down before stockbot starts: auth.test fails
        st = settings(
            slack_bot_token="xoxb-test",
            slack_signing_secret=SECRET,
            slack_api_url=f"http://127.0.0.1:{port}/api/",
        )
        service = build_service(db, st)
        service.scheduler = None
        service.dispatch_loop = False
        await service.start(host="127.0.0.1", port=0)
        try:
            await until(lambda: status_is(service, 503))
            at_start = json.loads((await get(service, "/readyz"))[1])
            await fake.start(port)  # Slack is back, and nobody sends anything
            await until(lambda: status_is(service, 200))
            await fake.stop()  # down again: a delivery finds out
            with db.write() as s:
                enqueue(s, "slack", "C1", Reply.text("hello"), dedupe_key="k1")
            assert await service.dispatch_once() == 0
            await until(lambda: status_is(service, 503))
            mid = json.loads((await get(service, "/readyz"))[1])
            await fake.start(port)
            await until(lambda: status_is(service, 200), timeout=30)
            up = json.loads((await get(service, "/readyz"))[1])
            return at_start, mid, up
        finally:
            await service.stop()
            await fake.stop()

    at_start, mid, up = asyncio.run(asyncio.wait_for(main(), 60))
    assert at_start["ok"] is False and at_start["database"]["ok"] is True
    assert at_start["adapters"]["slack"]["ok"] is False
    assert "auth.test" in at_start["adapters"]["slack"]["error"]
    assert mid["adapters"]["slack"]["ok"] is False
    assert mid["adapters"]["slack"]["failures_in_a_row"] >= 1
    assert up["ok"] is True and up["adapters"]["slack"]["last_contact"]


# ----------------------------------------------------------------------------- the database away


def test_a_command_while_the_database_is_down_asks_to_try_again_and_the_next_one_works(db):
    floor = Floor(db).people()
    floor.item("BOLT-M8", stock=40)
    service = Service(db=db, settings=floor.runtime.settings, runtime=floor.runtime)

    def ask(n: int) -> Inbound:
        return Inbound(
            platform="console", user_id="bob", chat_id="group", text="/stock BOLT-M8",
            message_id=f"m{n}", event_id=f"e{n}",
        )  # fmt: skip

    async def scenario() -> tuple[Reply, Reply]:
        with database_down(db):
            refused = await service.handle(ask(1))  # the duplicate guard cannot reach it either
        return refused, await service.handle(ask(2))

    refused, answered = serve(service, scenario)
    assert "runtime.try_again" in refused.keys()
    assert "runtime.try_again" not in answered.keys() and "BOLT-M8" in answered.plain()


def test_the_runtime_asks_to_try_again_when_the_database_fails_mid_command(db):
    floor = Floor(db).people()
    floor.item("BOLT-M8", stock=40)
    with database_down(db):
        reply = floor.say("bob", "/stock BOLT-M8")
    assert "runtime.try_again" in reply.keys()
    assert "runtime.try_again" not in floor.say("bob", "/stock BOLT-M8").keys()


# ----------------------------------------------------------------------------- metrics


def test_metrics_count_commands_deliveries_jobs_and_read_the_backlog_and_pool(db):
    floor = Floor(db).people()
    floor.item("BOLT-M8", stock=40)
    adapter = FlakyAdapter(down=1)
    service = Service(
        db=db, settings=floor.runtime.settings, runtime=floor.runtime, adapters=[adapter]
    )
    service.dispatch_loop = False  # only the explicit dispatches below deliver
    floor.say("bob", "/stock BOLT-M8")
    floor.say("bob", "/stock BOLT-M8")
    floor.say("bob", "/frobnicate")
    queue(db, "one")
    jobs.bind(db, floor.runtime.settings, observe=service.metrics.job)
    jobs.run_job("reminders")

    async def scenario() -> tuple[str, str]:
        await service.dispatch_once()  # the platform is down: one failure, kept for retry
        with db.write() as s:  # due again now rather than after its backoff
            s.execute(update(OutboxMessage).values(next_attempt_at=OutboxMessage.created_at))
        queue(db, "two", target="C2")
        await service.dispatch_once()
        with database_down(db):
            _, down = await get(service, "/metrics")
        return (await get(service, "/metrics"))[1], down

    text, down = serve(service, scenario)
    got = samples(text)

    def value(name: str, **labels: str) -> float | None:
        return got.get((name, tuple(sorted(labels.items()))))

    assert value("stockbot_commands_total", command="stock", outcome="ok") == 2
    assert value("stockbot_commands_total", command="unparsed", outcome="refused") == 1
    assert value("stockbot_command_duration_seconds_count", command="stock") == 2
    assert value("stockbot_outbox_delivery_failures_total", kind="retry", platform="fake") == 1
    assert value("stockbot_outbox_deliveries_total", platform="fake") == 2
    assert value("stockbot_outbox_backlog", platform="fake") == 0
    assert value("stockbot_scheduler_job_runs_total", job="reminders", outcome="ok") == 1
    assert value("stockbot_scheduler_job_duration_seconds_count", job="reminders") == 1
    assert value("stockbot_scheduler_leader") == 0
    assert (value("stockbot_db_pool_connections", state="size") or 0) >= 1
    assert value("stockbot_database_up") == 1
    assert value("stockbot_alerts_open", state="open") is None  # no alert raised yet
    assert samples(down)[("stockbot_database_up", ())] == 0  # the scrape itself still answers


def test_two_services_in_one_process_keep_their_own_metrics(db):
    first, second = service_with(db, FlakyAdapter()), service_with(db, FlakyAdapter())
    first.metrics.commands.labels("stock", "ok").inc()
    assert "stockbot_commands_total" in first.metrics.render().decode()
    assert 'command="stock"' not in second.metrics.render().decode()


# ----------------------------------------------------------------------------- logs


def test_each_command_logs_one_line_with_who_where_what_and_how_long_but_never_its_text(db, caplog):
    floor = Floor(db).people()
    floor.item("BOLT-M8", stock=40)
    Service(db=db, settings=floor.runtime.settings, runtime=floor.runtime)  # hooks the log
    secret = "for the unannounced prototype"
    with caplog.at_level(logging.INFO):
        floor.say("bob", f"/request BOLT-M8 5 {secret}")
    lines = [r for r in caplog.records if r.name == "stockbot.commands"]
    assert len(lines) == 1
    line = lines[0]
    assert (line.user, line.chat, line.command) == ("console:bob", "group", "request")  # type: ignore[attr-defined]
    assert line.outcome == "ok" and line.duration_ms >= 0  # type: ignore[attr-defined]
    assert not [r for r in caplog.records if secret in r.getMessage()]
    as_json = json.loads(formatter("json").format(line))
    assert as_json["command"] == "request" and as_json["logger"] == "stockbot.commands"
    assert {"time", "level", "user", "chat", "outcome", "duration_ms"} <= as_json.keys()


def test_a_notice_in_the_outbox_is_delivered_without_its_text_reaching_the_log(db, caplog):
    adapter = FlakyAdapter(down=1)
    service = service_with(db, adapter)
    with db.write() as s:
        enqueue(s, "fake", "C1", Reply.text("Dave's private note"), dedupe_key="n")

    async def scenario() -> None:
        with caplog.at_level(logging.INFO):
            await service.dispatch_once()

    serve(service, scenario)
    assert not [r for r in caplog.records if "private note" in r.getMessage()]
