"""`SchedulerRunner`: APScheduler, run once across every `stockbot run` process.

```
every ~10 s (tick):  take/renew the `scheduler` lease (one conditional UPDATE)
   won  ──▶ not running yet?  start BackgroundScheduler (paused), sync the schedule, resume
            running?          sync the schedule (new bound chats get their summary job)
   lost ──▶ running?          shut it down: another process holds the lease now
stop():  shut the scheduler down, release the lease (a peer takes over at its next tick)
```
Jobs live in the same database (APScheduler's SQLAlchemyJobStore, table `scheduler_jobs`), so
a new holder carries on with the same next-run times. A run missed while nobody held the lease
(the service down at 08:00) runs once when a holder starts, if still within its misfire grace
(`coalesce=True`: several missed runs become one), and is skipped otherwise. The jobs
themselves claim what they post (`sent_notices`), so even a takeover in the middle of a run
posts once.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import func, select

from stockbot.config import Settings
from stockbot.scheduler import jobs
from stockbot.scheduler.lease import DbLease
from stockbot.store.db import Database
from stockbot.store.models import OutboxMessage
from stockbot.timeutil import utcnow

log = logging.getLogger(__name__)

LEASE_NAME = "scheduler"
JOB_TABLE = "scheduler_jobs"


class SchedulerRunner:
    """Start/stop from the service (sync; it calls them on its thread pool); `run_job` for
    `stockbot job run`. `background=False` leaves the renewal to explicit `tick()` calls
    (tests); `clock` drives the lease."""

    def __init__(
        self,
        db: Database,
        settings: Settings,
        *,
        clock: Callable[[], datetime] | None = None,
        holder: str | None = None,
        background: bool = True,
    ) -> None:
        self.db = db
        self.settings = settings
        self.clock = clock or utcnow
        self.holder = holder or f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
        self.lease = DbLease(
            db, LEASE_NAME, self.holder, self.settings.lease_ttl_seconds, self.clock
        )
        self.background = background
        self.executed: list[str] = []
        """Job ids this runner's scheduler ran (for tests and the log)."""
        self.missed: list[str] = []
        self.on_job: Callable[[str, str, float], None] | None = None
        """Told (job name, outcome, seconds) after each run here: the service's metrics."""
        self._scheduler: Any = None
        self._lock = threading.RLock()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.warming: list[threading.Thread] = []
        """Start-up work still running on threads (the chart warm-up): the service waits for it
        before it listens, so the first people served do not share the GIL with it."""

    # --- lifecycle ---------------------------------------------------------------------------

    @property
    def is_leader(self) -> bool:
        return self._scheduler is not None

    def start(self) -> None:
        self._stop.clear()
        if self.background:  # the morning summary's chart should not pay matplotlib's start
            from stockbot.reports.chart import warm_up_in_background

            self.warming.append(warm_up_in_background())
        try:
            self.tick()
        except Exception:
            log.exception("scheduler lease: first attempt failed; retrying in the background")
        if self.background and self._thread is None:
            self._thread = threading.Thread(target=self._loop, name="scheduler-lease", daemon=True)
            self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=30)
            self._thread = None
        with self._lock:
            self._shutdown(wait=True)
            if self.lease.expires_at is not None:
                try:
                    self.lease.release()
                except Exception:
                    log.exception("scheduler lease: release failed; it expires on its own")

    def _loop(self) -> None:
        while not self._stop.wait(self.settings.lease_renew_seconds):
            try:
                self.tick()
            except Exception:
                log.exception("scheduler lease: renewal failed")

    def tick(self) -> bool:
        """Take or renew the lease; start, sync or stop the scheduler to match. True if held."""
        with self._lock:
            try:
                held = self.lease.acquire()
            except Exception:
                log.exception("scheduler lease: database unreachable")
                held = self.lease.held()  # keep running only while our last renewal covers us
            if held:
                if self._scheduler is None:
                    self._start_scheduler()
                else:
                    try:
                        self._sync()
                    except Exception:
                        log.exception("scheduler: could not sync the schedule")
            elif self._scheduler is not None:
                log.warning("scheduler lease lost to another process; stopping the scheduler")
                self._shutdown(wait=False)
            return held

    # --- the APScheduler instance ------------------------------------------------------------

    def _start_scheduler(self) -> None:
        from apscheduler.events import EVENT_JOB_ERROR, EVENT_JOB_EXECUTED, EVENT_JOB_MISSED

        jobs.bind(self.db, self.settings, guard=self.lease.held, observe=self.on_job)
        scheduler = new_scheduler(self.db)

        def listen(event: Any) -> None:
            if event.code == EVENT_JOB_MISSED:
                self.missed.append(event.job_id)
                log.warning("job %s missed its run at %s", event.job_id, event.scheduled_run_time)
            else:
                self.executed.append(event.job_id)

        scheduler.add_listener(listen, EVENT_JOB_EXECUTED | EVENT_JOB_ERROR | EVENT_JOB_MISSED)
        scheduler.start(paused=True)
        self._scheduler = scheduler
        try:
            self._sync()
        except Exception:
            log.exception("scheduler: could not sync the schedule; running what is stored")
        scheduler.resume()
        log.info("scheduler started (lease holder %s)", self.holder)

    def _sync(self) -> None:
        """Make the job store hold exactly the schedule; a job whose schedule is unchanged is
        left alone, so its next run time (maybe a missed one) is kept."""
        scheduler = self._scheduler
        if scheduler is None:
            return
        specs = {spec.id: spec for spec in jobs.job_specs(self.db, self.settings)}
        stored = {job.id: job for job in scheduler.get_jobs()}
        for job_id in stored.keys() - specs.keys():
            scheduler.remove_job(job_id)
        for job_id, spec in specs.items():
            job = stored.get(job_id)
            if job is None or not spec.matches(job):
                spec.add_to(scheduler)

    def _shutdown(self, wait: bool) -> None:
        scheduler, self._scheduler = self._scheduler, None
        if scheduler is not None:
            close_scheduler(scheduler, wait)

    def jobs(self) -> list[tuple[str, datetime | None]]:
        """(job id, next run) as stored, without starting anything."""
        from stockbot.store.models import SchedulerJob

        with self.db.read() as s:
            rows = s.execute(
                select(SchedulerJob.id, SchedulerJob.next_run_time).order_by(SchedulerJob.id)
            ).all()
        return [
            (job_id, datetime.fromtimestamp(ts, UTC) if ts is not None else None)
            for job_id, ts in rows
        ]

    # --- operators ---------------------------------------------------------------------------

    def run_job(self, name: str, chat: str | int | None = None) -> list[str]:
        """Run a job now (`stockbot job run`), whoever holds the lease; returns one line per
        message it queued. Console messages are shown here and marked delivered."""
        from stockbot.store.outbox import mark_delivered

        with self.db.read() as s:
            before = s.scalar(select(func.max(OutboxMessage.id))) or 0
        jobs.execute(self.db, self.settings, name, chat, force=True, now=self.clock())
        with self.db.read() as s:
            rows = s.scalars(
                select(OutboxMessage).where(OutboxMessage.id > before).order_by(OutboxMessage.id)
            ).all()
        out = []
        for row in rows:
            out.append(describe(row))
            if row.platform == "console":
                mark_delivered(self.db, row.id)
        return out


def new_scheduler(db: Database) -> Any:
    """A BackgroundScheduler (UTC) on the database's own job table, not yet started."""
    from apscheduler.executors.pool import ThreadPoolExecutor
    from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
    from apscheduler.schedulers.background import BackgroundScheduler

    class JobStore(SQLAlchemyJobStore):
        def shutdown(self) -> None:
            """The engine is the application's: APScheduler's own shutdown would dispose it."""

    return BackgroundScheduler(
        jobstores={"default": JobStore(engine=db.engine, tablename=JOB_TABLE)},
        executors={"default": ThreadPoolExecutor(2)},
        job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": 3600},
        timezone=UTC,
    )


def close_scheduler(scheduler: Any, wait: bool = True) -> None:
    """Shut down without touching the stored jobs. APScheduler 3 runs one last pass over the
    due jobs after `shutdown()` (its loop wakes up once more) and, its executor being gone,
    would advance their next run time without running them — a run lost for the next holder.
    Detaching the job store first leaves that pass nothing to do."""
    try:
        scheduler.remove_jobstore("default", shutdown=False)
    except Exception:
        log.debug("scheduler: job store already detached")
    try:
        scheduler.shutdown(wait=wait)
    except Exception:
        log.exception("scheduler: shutdown failed")


def describe(row: OutboxMessage) -> str:
    """An outbox row as text: who it is for, then the message as the console shows it."""
    from stockbot.handlers.text_render import render_text
    from stockbot.replies import Reply

    reply = Reply.model_validate(row.payload)
    numbers: dict[str, int] = {}

    def number(button: Any) -> int:
        return numbers.setdefault(button.action_id, len(numbers) + 1)

    return f"📨 {row.platform}:{row.target}\n{render_text(reply, number)}"
