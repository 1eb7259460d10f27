"""The jobs: thin callables that run a flow by name, and the schedule they run on.

APScheduler's SQLAlchemy job store pickles each job, so a job is a *reference* —
`"stockbot.scheduler.jobs:run_job"` with `args=(name, chat)` — never a closure or a bound
method. `run_job` finds the database and settings the process's `SchedulerRunner` bound here.

| job | default schedule | does |
|---|---|---|
| `summary` | per bound chat, 08:00 in the chat's timezone | morning summary (once per local day) |
| `shortage-scan` | hourly, Mon–Sat 08–18, factory time | cover < lead time, expiring, overdue |
| `reminders` | every 30 minutes | approvals waiting > N h / 2N h, QC > 1 day |
| `stale-report` | Mondays 09:00, factory time | stale stock (呆滞料) with value, per chat |
| `policy-recompute` | Sundays 03:00, factory time | dynamic safety stock / reorder points |
"""

from __future__ import annotations

import importlib
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, tzinfo
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select

from stockbot.config import Settings
from stockbot.store.db import Database
from stockbot.store.models import Chat
from stockbot.timeutil import utcnow

log = logging.getLogger(__name__)

JOB_REF = "stockbot.scheduler.jobs:run_job"


def _summary(db: Database, settings: Settings, now: datetime, chat: Any, force: bool) -> int:
    from stockbot.flows.summary import send_summaries

    return send_summaries(db, settings, now, chat=chat, force=force)


def _scan(db: Database, settings: Settings, now: datetime, chat: Any, force: bool) -> int:
    from stockbot.flows.alerts import scan

    return scan(db, settings, now).messages


def _reminders(db: Database, settings: Settings, now: datetime, chat: Any, force: bool) -> int:
    from stockbot.flows.reminders import send_reminders

    return send_reminders(db, settings, now)


def _stale(db: Database, settings: Settings, now: datetime, chat: Any, force: bool) -> int:
    from stockbot.flows.summary import send_stale_reports

    return send_stale_reports(db, settings, now, chat=chat, force=force)


def _policy(db: Database, settings: Settings, now: datetime, chat: Any, force: bool) -> int:
    from stockbot.flows.policy import recompute

    recompute(db, settings, now)
    return 0  # it says nothing to anyone; `/policy <item>` shows what it did


@dataclass(frozen=True, slots=True)
class JobDef:
    name: str
    help: str
    run: Callable[[Database, Settings, datetime, Any, bool], int]
    takes_chat: bool = False


JOBS: dict[str, JobDef] = {
    j.name: j
    for j in (
        JobDef("summary", "morning summary with chart to each bound chat", _summary, True),
        JobDef(
            "shortage-scan",
            "shortage warnings the postings miss: cover < lead time, expiring batches, "
            "overdue POs, reservations",
            _scan,
        ),
        JobDef(
            "reminders",
            "approvals waiting too long (then escalated to admins), QC-pending receipts",
            _reminders,
        ),
        JobDef("stale-report", "weekly stale-stock report (呆滞料) with value", _stale, True),
        JobDef(
            "policy-recompute",
            "weekly: dynamic safety stock and reorder points from usage and lead times",
            _policy,
        ),
    )
}


def execute(
    db: Database,
    settings: Settings,
    name: str,
    chat: Any = None,
    *,
    force: bool = False,
    now: datetime | None = None,
) -> int:
    """Run one job now; returns how many messages it queued. `force` re-sends what was already
    sent today (an operator asking), scheduled runs never do."""
    job = JOBS.get(name)
    if job is None:
        raise KeyError(name)
    _load_flows()
    return job.run(db, settings, now or utcnow(), chat, force)


# --- what APScheduler calls ----------------------------------------------------------------------

Observer = Callable[[str, str, float], None]
_bound: tuple[Database, Settings, Callable[[], bool] | None, Observer | None] | None = None


def bind(
    db: Database,
    settings: Settings,
    guard: Callable[[], bool] | None = None,
    observe: Observer | None = None,
) -> None:
    """Where `run_job` finds the database — set by the process's SchedulerRunner, with
    `guard`: whether this process still holds the lease (a job due just after it was lost is
    skipped here; the new holder runs it), and `observe`: told (job, outcome, seconds) after
    each run (the service's metrics)."""
    global _bound
    _bound = (db, settings, guard, observe)


def run_job(name: str, chat: Any = None) -> int:
    """The pickled job target: `run_job("summary", 12)`."""
    if _bound is None:
        raise RuntimeError(f"job {name}: no SchedulerRunner has bound a database in this process")
    db, settings, guard, observe = _bound
    if guard is not None and not guard():
        log.warning("job %s skipped: this process no longer holds the scheduler lease", name)
        return 0
    started, outcome = time.perf_counter(), "error"
    try:
        sent = execute(db, settings, name, chat)
        outcome = "ok"
    finally:
        if observe is not None:
            observe(name, outcome, time.perf_counter() - started)
    log.info("job %s%s queued %d message(s)", name, f" chat {chat}" if chat else "", sent)
    return sent


def _load_flows() -> None:
    """Every flow module, as the runtime loads them: their messages and the posting hook."""
    from stockbot.flows import FLOW_MODULES

    for module in FLOW_MODULES:
        importlib.import_module(f"stockbot.flows.{module}")


# --- the schedule ------------------------------------------------------------------------------


def _zone(name: str | None, fallback: str) -> tzinfo:
    for candidate in (name, fallback, "UTC"):
        if candidate:
            try:
                return ZoneInfo(candidate)
            except (KeyError, ValueError, OSError):
                continue
    return ZoneInfo("UTC")


@dataclass(frozen=True, slots=True)
class JobSpec:
    """One scheduled job as it should be in the job store."""

    id: str
    name: str
    chat: int | None
    trigger: Any
    grace: int
    """misfire_grace_time in seconds: how late a missed run may still run (once, coalesced)."""

    @property
    def args(self) -> tuple[Any, ...]:
        return (self.name, self.chat) if self.chat is not None else (self.name,)

    def matches(self, job: Any) -> bool:
        return (
            job.func_ref == JOB_REF
            and tuple(job.args) == self.args
            and repr(job.trigger) == repr(self.trigger)
            and job.misfire_grace_time == self.grace
            and job.coalesce is True
        )

    def add_to(self, scheduler: Any, **extra: Any) -> Any:
        return scheduler.add_job(
            JOB_REF,
            trigger=self.trigger,
            args=self.args,
            id=self.id,
            name=self.id,
            replace_existing=True,
            misfire_grace_time=self.grace,
            coalesce=True,
            max_instances=1,
            **extra,
        )


def job_specs(db: Database, settings: Settings) -> list[JobSpec]:
    """The schedule: the four factory-wide jobs, and one summary per bound chat."""
    from apscheduler.triggers.cron import CronTrigger

    factory_tz = _zone(settings.timezone, "UTC")
    stale_h, stale_m = hh_mm(settings.stale_report_time)
    every = max(1, min(59, settings.reminder_every_minutes))
    specs = [
        JobSpec(
            "shortage-scan",
            "shortage-scan",
            None,
            CronTrigger(
                day_of_week=settings.scan_days,
                hour=settings.scan_hours,
                minute=0,
                timezone=factory_tz,
            ),
            30 * 60,
        ),
        JobSpec(
            "reminders",
            "reminders",
            None,
            CronTrigger(minute=f"*/{every}", timezone=factory_tz),
            15 * 60,
        ),
        JobSpec(
            "stale-report",
            "stale-report",
            None,
            CronTrigger(
                day_of_week=settings.stale_report_day,
                hour=stale_h,
                minute=stale_m,
                timezone=factory_tz,
            ),
            6 * 3600,
        ),
        JobSpec(
            "policy-recompute",
            "policy-recompute",
            None,
            CronTrigger(
                day_of_week=settings.policy_recompute_day,
                hour=hh_mm(settings.policy_recompute_time)[0],
                minute=hh_mm(settings.policy_recompute_time)[1],
                timezone=factory_tz,
            ),
            24 * 3600,
        ),
    ]
    hour, minute = hh_mm(settings.summary_time)
    with db.read() as s:
        chats = s.execute(
            select(Chat.id, Chat.timezone).where(Chat.warehouse_id.is_not(None)).order_by(Chat.id)
        ).all()
    for chat_id, tz in chats:
        specs.append(
            JobSpec(
                f"summary:{chat_id}",
                "summary",
                chat_id,
                CronTrigger(hour=hour, minute=minute, timezone=_zone(tz, settings.timezone)),
                settings.summary_grace_minutes * 60,
            )
        )
    return specs


def hh_mm(value: str) -> tuple[int, int]:
    """`"08:00"` → (8, 0); anything malformed → (8, 0)."""
    try:
        h, m = (int(x) for x in value.strip().split(":", 1))
    except ValueError:
        return 8, 0
    if not (0 <= h < 24 and 0 <= m < 60):
        return 8, 0
    return h, m
