"""Faults survived: the database dropping a unit of work at its commit, a platform answering 500
for a while, a read-only SQLite file. Each fault is injected for real where the test can (a
terminated PostgreSQL backend, a SQLite file opened read-only, a fake Slack answering 500) and
the test waits on state, never on a sleep."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import create_engine, event, select
from sqlalchemy.engine import Connection
from sqlalchemy.exc import OperationalError

from stockbot.cli import main
from stockbot.flows.routing import enqueue
from stockbot.replies import Reply
from stockbot.service import MAX_ATTEMPTS
from stockbot.store.check import check_balances
from stockbot.store.db import Database
from stockbot.store.models import OutboxMessage
from stockbot.timeutil import set_clock
from test_slack_e2e import FLOOR, Slack, people, queue, run
from test_telegram_e2e import Scene, crew, play

from transcript import Floor, row_counts

# ------------------------------------------------------------------------ database dropped


@contextmanager
def dropped_at_next_commit(db: Database) -> Iterator[list[str]]:
    """The next COMMIT on *db* fails as a lost server would make it fail.

    PostgreSQL: a second connection terminates the committing backend (`pg_terminate_backend`)
    just before COMMIT is sent, so the driver's own error comes back. SQLite has no server to
    lose: the commit hook raises the OperationalError a failing disk (SQLITE_IOERR) gives.
    Yields the list of faults injected, to prove the hook fired exactly once."""
    fired: list[str] = []
    killer = create_engine(db.url, isolation_level="AUTOCOMMIT") if not db.is_sqlite else None

    def on_commit(conn: Connection) -> None:
        if fired:
            return
        if killer is None:
            fired.append("sqlite: disk I/O error at COMMIT")
            raise OperationalError("COMMIT", None, sqlite3.OperationalError("disk I/O error"))
        pid = conn.connection.dbapi_connection.info.backend_pid  # type: ignore[union-attr]
        with killer.connect() as other:
            other.exec_driver_sql(f"SELECT pg_terminate_backend({int(pid)})")
        fired.append(f"postgresql: backend {pid} terminated before COMMIT")

    event.listen(db.engine, "commit", on_commit)
    try:
        yield fired
    finally:
        event.remove(db.engine, "commit", on_commit)
        if killer is not None:
            killer.dispose()


def test_a_unit_of_work_lost_at_commit_is_rolled_back_and_the_retry_succeeds_once(db):
    floor = Floor(db).people()
    m8 = floor.item("M8", 0)
    before = row_counts(db)

    with dropped_at_next_commit(db) as fired:
        lost = floor.say("carol", "/receive m8 10")
    assert len(fired) == 1, fired
    assert lost.keys() == ["runtime.try_again"]
    assert row_counts(db) == before  # the whole unit of work rolled back
    assert floor.on_hand(m8) == 0

    again = floor.say("carol", "/receive m8 10")  # the user tries again: a new message
    assert "runtime.try_again" not in again.keys() and "runtime.error" not in again.keys()
    assert floor.on_hand(m8) == 10
    assert floor.say("carol", "/stock m8")
    assert floor.on_hand(m8) == 10  # once, not twice
    with db.read() as s:
        assert check_balances(s) == []


# ------------------------------------------------------------------------ read-only SQLite


def test_a_read_only_sqlite_file_refuses_writes_politely_and_still_answers_reads(db, db_url):
    """As root (the test container) chmod 0444 does not stop writes, so the file is opened the
    other honest way: SQLite's own read-only mode (`file:…?mode=ro`, SQLITE_OPEN_READONLY), the
    same SQLITE_READONLY error a read-only file or mount gives."""
    if not db.is_sqlite:
        pytest.skip("read-only file: SQLite only (PostgreSQL read-only is a server setting)")
    floor = Floor(db).people()
    m8 = floor.item("M8", 25)
    before = row_counts(db)
    path = db_url.removeprefix("sqlite:///")
    ro = Database(f"sqlite:///file:{path}?mode=ro&uri=true")
    try:
        stuck = Floor(ro)
        refused = stuck.say("carol", "/receive m8 10")
        assert refused.keys() == ["runtime.read_only"], refused.keys()
        assert stuck.say("bob", "/request m8 3").keys() == ["runtime.read_only"]
        looked = stuck.say("bob", "/stock m8")
        assert "runtime.read_only" not in looked.keys() and "runtime.error" not in looked.keys()
        assert "25" in looked.plain()
    finally:
        ro.dispose()
    assert row_counts(db) == before
    assert main(["--database-url", db_url, "check"]) == 0  # writable again: the books agree
    assert floor.say("carol", "/receive m8 10").keys() != ["runtime.read_only"]
    assert floor.on_hand(m8) == 35


# ------------------------------------------------------------------------ platform outage


def test_a_slack_outage_of_500s_then_recovery_delivers_everything_once_and_in_order(db):
    """Slack answers HTTP 500 to the first eight `chat.postMessage` calls. The dispatcher backs
    off per chat (the clock is moved past each backoff instead of sleeping) and holds a chat's
    later messages behind its failed one; when Slack recovers every message arrives exactly once,
    in the order it was queued, per chat."""
    now = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)
    set_clock(lambda: now)
    people(db)
    floor = [f"floor {n}" for n in range(1, 5)]
    dave = [f"dave {n}" for n in range(1, 4)]
    for n, text in enumerate(floor):
        queue(db, FLOOR, Reply.text(text), f"floor{n}")
    for n, text in enumerate(dave):
        queue(db, "user:U0DAVE", Reply.text(text), f"dave{n}")

    async def scenario(slack: Slack) -> tuple[int, list[str], list[str], int]:
        nonlocal now
        slack.fake.fail("chat.postMessage", status=500, error="internal_error", times=8)
        delivered = rounds = 0
        while delivered < len(floor) + len(dave):
            rounds += 1
            assert rounds <= MAX_ATTEMPTS, f"still undelivered after {rounds} rounds"
            delivered += await slack.deliver()
            now += timedelta(minutes=6)  # past the longest backoff (5 min + jitter)
        assert await slack.deliver() == 0
        # what fake Slack accepted, not our own bookkeeping
        return (
            rounds,
            [m.text for m in slack.fake.in_channel(FLOOR)],
            [m.text for m in slack.fake.in_channel("D0DAVE")],
            len(slack.fake.called("chat.postMessage")),
        )

    rounds, got_floor, got_dave, posts = run(db, scenario)
    assert rounds > 4  # the outage lasted several rounds: two chats, eight failures
    assert got_floor == floor
    assert got_dave == dave
    assert posts == 8 + len(floor) + len(dave)  # the refused ones, then each message once
    with db.read() as s:
        rows = s.execute(select(OutboxMessage.state, OutboxMessage.attempts)).all()
    assert {state for state, _ in rows} == {"delivered"}
    assert max(attempts for _, attempts in rows) > 1


@pytest.mark.filterwarnings("ignore::telegram.warnings.PTBDeprecationWarning")  # PTB's own
def test_a_telegram_outage_of_500s_then_recovery_delivers_everything_once_and_in_order(db):
    """The same outage through the real Telegram adapter and the running dispatch loop: the
    clock is moved on while the test polls (bounded), so each backoff ends at once."""
    now = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)
    set_clock(lambda: now)
    crew(db)
    carol = [f"carol {n}" for n in range(1, 4)]
    dave = [f"dave {n}" for n in range(1, 3)]

    async def scenario(sc: Scene) -> None:
        fake = sc.fake
        fake.fail("sendMessage", times=6, status=500, description="Internal Server Error")
        # queued only now: the running dispatcher must meet the outage, not beat it
        with db.write() as s:
            for n, text in enumerate(carol):
                enqueue(s, "telegram", "user:2001", Reply.text(text), dedupe_key=f"c{n}")
            for n, text in enumerate(dave):
                enqueue(s, "telegram", "user:2002", Reply.text(text), dedupe_key=f"d{n}")

        def recovered() -> bool:
            nonlocal now
            now += timedelta(minutes=6)  # past the longest backoff
            with db.read() as s:
                states = set(s.scalars(select(OutboxMessage.state)))
            return states == {"delivered"}

        await fake.wait_for(recovered, timeout=15)
        sent = fake.sent("sendMessage", ok=None)
        assert [c.status for c in sent].count(500) == 6
        for chat, texts in ((2001, carol), (2002, dave)):
            got = [c.params["text"] for c in fake.sent("sendMessage", chat_id=chat)]
            assert got == texts

    play(db, scenario)
