"""Two `stockbot run` replicas on one PostgreSQL database, as an operator runs them behind a
load balancer: real subprocesses, Slack in HTTP mode against the loopback fake Web API, signed
requests landing on either replica (issue 13, "What it must show").

- the same signed button press sent to both replicas approves once;
- SIGKILL the scheduler's leader: the other takes the lease over and runs the job that came due,
  once;
- items imported elsewhere are found by fuzzy search on replicas whose index was already built.
"""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import aiohttp
import pytest
from sqlalchemy import func, select

from stockbot.scheduler.runner import LEASE_NAME, close_scheduler, new_scheduler
from stockbot.store.models import (
    Chat,
    Decision,
    Lease,
    MaterialRequest,
    OutboxMessage,
    ProcessedEvent,
    SchedulerJob,
)
from stockbot.timeutil import utcnow

from fake_slack import FakeSlack
from replicas import Replica, replica_env, start_replica
from slack_requests import FLOOR, click_body, fake_users, people, signed, slash_body
from transcript import Floor

LEASE = {"lease_ttl_seconds": "2", "lease_renew_seconds": "0.5"}
"""Seconds, not the production 30/10: a takeover within the test's budget."""


@pytest.fixture
def pg_url(db_url: str) -> str:
    if db_url.startswith("sqlite"):
        pytest.skip("replicas share one PostgreSQL database; SQLite is one process per file")
    return db_url


class Floor2:
    """Slack's side against several replicas: who says what, through which replica."""

    def __init__(self, fake: FakeSlack, http: aiohttp.ClientSession) -> None:
        self.fake, self.http, self._n = fake, http, 0

    def trigger(self) -> str:
        self._n += 1
        return f"trig.rep.{self._n}"

    async def post(self, replica: Replica, body: str) -> int:
        async with self.http.post(replica.events, data=body.encode(), headers=signed(body)) as r:
            await r.read()
            return r.status

    async def command(self, replica: Replica, user: str, line: str) -> str:
        """Send a slash command and wait for its answer (through its response_url)."""
        before = len(self.fake.responses)
        assert await self.post(replica, slash_body(self.fake, user, line, self.trigger())) == 200
        await self.fake.wait_for(lambda: len(self.fake.responses) > before, timeout=20)
        answer = self.fake.responses[before]
        return answer.get("text", "") + str(answer.get("blocks", ""))


def leader(db) -> str | None:  # type: ignore[no-untyped-def]
    with db.read() as s:
        row = s.execute(
            select(Lease.holder, Lease.expires_at).where(Lease.name == LEASE_NAME)
        ).first()
    if row is None or row.expires_at.replace(tzinfo=utcnow().tzinfo) < utcnow():
        return None
    return row.holder


def holds_lease(db, replica: Replica) -> bool:  # type: ignore[no-untyped-def]
    holder = leader(db)
    return holder is not None and holder.split(":")[1] == str(replica.pid)


def count(db, stmt) -> int:  # type: ignore[no-untyped-def]
    with db.read() as s:
        return int(s.scalar(stmt) or 0)


def make_due_now(db, job_id: str) -> float:  # type: ignore[no-untyped-def]
    """What the clock does at 08:00: the job's next run time arrives. Written through
    APScheduler (a paused scheduler on the shared job store), as the pickled job holds it too.
    Returns that due time (a timestamp): once run, the job is due next at its trigger's next
    fire time after it — tomorrow's, or today's when the test runs before the hour."""
    scheduler = new_scheduler(db)
    scheduler.start(paused=True)
    due = utcnow()
    try:
        scheduler.modify_job(job_id, next_run_time=due)
    finally:
        close_scheduler(scheduler)
    return due.timestamp()


def import_items(url: str, csv: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("STOCKBOT_")}
    env.update(STOCKBOT_DATABASE_URL=url, STOCKBOT_SEARCH_CACHE="")
    subprocess.run(
        [sys.executable, "-m", "stockbot.cli", "import", "items", str(csv)],
        env=env,
        check=True,
        capture_output=True,
        timeout=60,
    )


@pytest.mark.slow
def test_two_replicas_act_once_take_over_the_scheduler_and_search_what_was_imported_elsewhere(
    db, pg_url, tmp_path
):
    people(db)
    Floor(db).item("MOTOR", stock=10, unit_cost=Decimal(800))
    csv = tmp_path / "items.csv"
    csv.write_text("code,name,spec\nHC-77,Hydraulic hose clamp,stainless 40mm\n")

    async def scenario(fake: FakeSlack, http: aiohttp.ClientSession) -> None:
        slack = Floor2(fake, http)
        env = replica_env(pg_url, fake.url, **LEASE)
        a = await start_replica("a", env, tmp_path)
        replicas = [a]
        try:
            await fake.wait_for(lambda: holds_lease(db, a), timeout=10)
            b = await start_replica("b", env, tmp_path)
            replicas.append(b)

            # any replica takes any request: bind on A, request on B
            assert "MAIN" in await slack.command(a, "U0ALICE", "/bind MAIN")
            assert "MR-00001" in await slack.command(b, "U0BOB", "/request motor 2")
            card = [m for m in fake.in_channel(FLOOR) if "MR-00001" in m.all_text()][-1]

            # the same signed press lands on both replicas: one approval
            body = click_body(fake, "U0DAVE", card, "Approve", slack.trigger())
            statuses = await asyncio.gather(slack.post(a, body), slack.post(b, body))
            assert statuses == [200, 200]
            await fake.wait_for(lambda: card.history, timeout=20)
            assert "approved by Dave" in card.all_text()
            with db.read() as s:
                assert s.get(MaterialRequest, 1).state == "approved"
            assert (
                count(db, select(func.count(Decision.id)).where(Decision.action == "approve")) == 1
            )
            assert count(db, select(func.count()).select_from(ProcessedEvent).where(
                ProcessedEvent.event_id.like("trig.rep.%"))) == 3  # fmt: skip

            # search: both indexes built, the item imported by another process, found on both
            for r in (a, b):
                assert "HC-77" not in await slack.command(r, "U0BOB", "/stock hydraulic clamp")
            import_items(pg_url, csv)
            for r in (b, a):
                assert "HC-77" in await slack.command(r, "U0BOB", "/stock hydraulic clamp")

            # kill the scheduler's leader; its job comes due; B takes over and runs it once
            with db.read() as s:
                chat_id = s.scalar(select(Chat.id).where(Chat.platform_chat_id == FLOOR))
            job = f"summary:{chat_id}"
            await fake.wait_for(
                lambda: count(db, select(func.count()).select_from(SchedulerJob).where(
                    SchedulerJob.id == job)), timeout=10)  # fmt: skip
            assert holds_lease(db, a)
            to_floor = select(func.count(OutboxMessage.id)).where(OutboxMessage.target == FLOOR)
            before = count(db, to_floor)
            await a.kill()
            due = make_due_now(db, job)
            await fake.wait_for(lambda: holds_lease(db, b), timeout=15)
            await fake.wait_for(lambda: count(db, to_floor) > before, timeout=20)
            await fake.wait_for(
                lambda: (
                    count(db, select(SchedulerJob.next_run_time).where(SchedulerJob.id == job))
                    > due
                ),
                timeout=10,
            )  # the run is done and rescheduled for the trigger's next time
            assert count(db, to_floor) == before + 1
        except BaseException:
            for r in replicas:
                print(f"--- replica {r.name} ---\n{r.output()[-4000:]}")
            raise
        finally:
            for r in replicas:
                await r.stop()

    async def main() -> None:
        fake = FakeSlack(users=fake_users())
        await fake.start()
        try:
            async with aiohttp.ClientSession() as http:
                await asyncio.wait_for(scenario(fake, http), timeout=90)
        finally:
            await fake.stop()

    asyncio.run(main())
