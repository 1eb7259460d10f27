"""The scheduler runs once across processes: a database lease decides who runs APScheduler,
another process takes over when the holder stops renewing, a missed run is run once on start
(not once per missed slot, and not at all when too late), and operators can run any job now.

Two `SchedulerRunner`s on two engines stand for two `stockbot run` processes sharing one
database (PostgreSQL with STOCKBOT_TEST_DATABASE_URL, SQLite otherwise). The lease's clock is
moved, never slept on; APScheduler itself runs for real, on jobs whose next run time is set in
the past, as after a restart."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select

from stockbot.cli import main
from stockbot.config import Settings
from stockbot.scheduler import SchedulerRunner
from stockbot.scheduler.jobs import job_specs
from stockbot.scheduler.lease import DbLease
from stockbot.scheduler.runner import close_scheduler, new_scheduler
from stockbot.store.db import Database
from stockbot.store.models import Chat, OutboxMessage, SchedulerJob
from stockbot.timeutil import set_clock

from transcript import Floor
from transcript import settings as base_settings


def settings(**overrides: str) -> Settings:
    return base_settings(reminder_every_minutes=1, **overrides)


class Clock:
    def __init__(self) -> None:
        self.at = datetime.now(UTC)

    def __call__(self) -> datetime:
        return self.at

    def move(self, **delta: float) -> None:
        self.at += timedelta(**delta)


@pytest.fixture
def second_db(db_url: str) -> Iterator[Database]:
    """The same database through a second engine: another process."""
    other = Database(db_url)
    yield other
    other.dispose()


@pytest.fixture
def factory(db) -> Floor:  # type: ignore[no-untyped-def]
    f = Floor(db).people()
    f.item("BOLT-M8", stock=100, name="M8 bolt")
    f.say("alice", "/bind MAIN")
    return f


def chat_id(db: Database) -> int:
    with db.read() as s:
        return s.scalars(select(Chat.id).where(Chat.platform_chat_id == "group")).one()


def seed(
    db: Database, job_id: str, next_run_time: datetime, config: Settings | None = None
) -> None:
    """Store the schedule with one job due at `next_run_time` — as a process that was down
    left it."""
    sched = new_scheduler(db)
    sched.start(paused=True)
    for spec in job_specs(db, config or settings()):
        if spec.id == job_id:
            spec.add_to(sched, next_run_time=next_run_time)
        else:
            spec.add_to(sched)
    close_scheduler(sched)


def summaries(db: Database) -> int:
    with db.read() as s:
        rows = s.scalars(select(OutboxMessage.payload).where(OutboxMessage.target == "group"))
        return sum(1 for p in rows if "summary" in str(p))


def wait_for(predicate: Any, timeout: float = 15.0) -> bool:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if predicate():
            return True
        time.sleep(0.05)
    return bool(predicate())


def runner(
    db: Database, name: str, clock: Clock | None = None, config: Settings | None = None
) -> SchedulerRunner:
    return SchedulerRunner(db, config or settings(), clock=clock, holder=name, background=False)


def test_one_lease_holder_at_a_time_and_a_takeover_when_it_expires(db, second_db):
    clock = Clock()
    a = DbLease(db, "scheduler", "a", ttl=30, clock=clock)
    b = DbLease(second_db, "scheduler", "b", ttl=30, clock=clock)
    assert a.acquire() is True
    assert b.acquire() is False
    clock.move(seconds=10)
    assert a.acquire() is True  # renewed: now good until +40 s
    clock.move(seconds=25)
    assert b.acquire() is False  # a's renewal still covers now
    clock.move(seconds=10)  # a stopped renewing 35 s ago: expired
    assert b.acquire() is True
    assert a.acquire() is False and a.held() is False
    assert b.current()[0] == "b"
    b.release()
    assert a.acquire() is True  # released: no need to wait for the TTL


def test_two_schedulers_on_one_database_run_a_due_job_once(factory, db, second_db):
    job = f"summary:{chat_id(db)}"
    seed(db, job, datetime.now(UTC) - timedelta(minutes=5))  # 08:00 just passed
    a, b = runner(db, "a"), runner(second_db, "b")
    start = threading.Barrier(2)

    def go(r: SchedulerRunner) -> None:
        start.wait()
        r.start()

    threads = [threading.Thread(target=go, args=(r,)) for r in (a, b)]
    try:
        for th in threads:
            th.start()
        for th in threads:
            th.join()
        assert [a.is_leader, b.is_leader].count(True) == 1
        assert wait_for(lambda: job in a.executed + b.executed)
        for _ in range(3):  # both keep renewing; nothing changes hands, nothing runs twice
            a.tick()
            b.tick()
        time.sleep(0.5)
        assert (a.executed + b.executed).count(job) == 1
        assert summaries(db) == 1
    finally:
        a.stop()
        b.stop()
    # the other one takes over after the clean stop: the job is not due again until tomorrow
    c = runner(second_db, "c")
    try:
        c.start()
        assert c.is_leader
        time.sleep(0.5)
        assert job not in c.executed and summaries(db) == 1
    finally:
        c.stop()


def test_the_lease_is_taken_over_when_the_holder_stops_renewing(factory, db, second_db):
    clock = Clock()
    a, b = runner(db, "a", clock), runner(second_db, "b", clock)
    try:
        a.start()
        b.start()
        assert (a.is_leader, b.is_leader) == (True, False)
        clock.move(seconds=20)
        assert b.tick() is False  # a's lease (30 s) is still running
        clock.move(seconds=11)  # a has not renewed for 31 s: it is gone
        assert b.tick() is True and b.is_leader
        assert a.tick() is False and not a.is_leader  # a woke up: it stopped its scheduler
        with db.read() as s:
            assert s.scalar(select(func.count()).select_from(SchedulerJob)) == 5
    finally:
        a.stop()
        b.stop()


def test_a_missed_run_runs_once_on_start_not_once_per_missed_slot(factory, db):
    started = datetime.now(UTC)
    seed(db, "reminders", started - timedelta(minutes=10))  # ten missed slots (every minute)
    r = runner(db, "a")
    try:
        r.start()
        assert wait_for(lambda: "reminders" in r.executed)
        time.sleep(0.5)
        # the ten missed slots run once; a regular slot that came meanwhile (a minute boundary
        # crossed during the test, as in one CI run) may run too — that run is not a missed one
        crossed = int(datetime.now(UTC).timestamp() // 60) - int(started.timestamp() // 60)
        assert 1 <= r.executed.count("reminders") <= 1 + crossed
        assert r.missed == []
    finally:
        r.stop()


def test_a_summary_missed_by_more_than_its_grace_is_skipped_not_sent_late(factory, db):
    job = f"summary:{chat_id(db)}"
    # The summary was due three hours ago and the process was down since: its time is set to
    # then (the chat's clock), so no later run falls inside the grace whatever the wall clock.
    due = datetime.now(UTC) - timedelta(hours=3)
    config = settings(summary_time=due.astimezone(ZoneInfo("Asia/Shanghai")).strftime("%H:%M"))
    seed(db, job, due, config)
    r = runner(db, "a", config=config)
    try:
        r.start()
        assert wait_for(lambda: job in r.missed)
        assert job not in r.executed and summaries(db) == 0
        stored = dict(r.jobs())
        assert stored[job] > datetime.now(UTC) + timedelta(hours=20)  # tomorrow's run
    finally:
        r.stop()


def test_the_schedule_follows_the_bound_chats_and_keeps_unchanged_jobs(factory, db):
    clock = Clock()
    r = runner(db, "a", clock)
    try:
        r.start()
        first = dict(r.jobs())
        group = chat_id(db)
        assert set(first) == {
            "shortage-scan",
            "reminders",
            "stale-report",
            "policy-recompute",
            f"summary:{group}",
        }
        factory.say("alice", "/bind MAIN zh-Hans", chat="floor2")
        clock.move(seconds=10)
        r.tick()
        second = dict(r.jobs())
        assert len(second) == 6
        assert second[f"summary:{group}"] == first[f"summary:{group}"]
        assert second["stale-report"] == first["stale-report"]
        spec = next(sp for sp in job_specs(db, settings()) if sp.chat == group)
        assert "hour='8', minute='0'" in repr(spec.trigger)
        assert "Asia/Shanghai" in repr(spec.trigger)
    finally:
        r.stop()


def test_stop_releases_the_lease_and_stops_the_scheduler(factory, db, second_db):
    clock = Clock()
    a, b = runner(db, "a", clock), runner(second_db, "b", clock)
    a.start()
    a.stop()
    assert not a.is_leader
    try:
        b.start()
        assert b.is_leader  # at once, without waiting for the TTL
    finally:
        b.stop()


def test_job_run_prints_what_the_job_queued_and_job_list_shows_the_schedule(
    factory, db, db_url, capsys
):
    set_clock(lambda: datetime(2026, 3, 2, 1, tzinfo=UTC))
    assert main(["--database-url", db_url, "job", "run", "summary", "--chat", "group"]) == 0
    out = capsys.readouterr().out
    assert "📨 console:group" in out and "Stock summary — 2026-03-02" in out
    assert "job summary: 1 message(s) queued" in out
    with db.read() as s:  # shown here, so the console chat will not show it again
        states = s.scalars(select(OutboxMessage.state).where(OutboxMessage.target == "group"))
        assert list(states) == ["delivered"]
    assert main(["--database-url", db_url, "job", "run", "shortage-scan"]) == 0
    assert "0 message(s) queued" in capsys.readouterr().out
    assert main(["--database-url", db_url, "job", "run", "nope"]) == 2
    assert main(["--database-url", db_url, "job", "list"]) == 0
    listing = capsys.readouterr().out
    for name in ("summary", "shortage-scan", "reminders", "stale-report"):
        assert name in listing
    assert "summary:" in listing and "not scheduled yet" in listing
