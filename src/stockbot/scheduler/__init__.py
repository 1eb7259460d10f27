"""The scheduler: jobs that call flows by name, run once across processes (a database lease).

`SchedulerRunner(db, settings)` with `start()` / `stop()` / `run_job(name, chat)`; see
`stockbot.scheduler.runner`. Imported lazily, so APScheduler loads only where it runs.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from stockbot.scheduler.runner import SchedulerRunner

__all__ = ["SchedulerRunner"]


def __getattr__(name: str) -> Any:
    if name == "SchedulerRunner":
        from stockbot.scheduler.runner import SchedulerRunner

        return SchedulerRunner
    raise AttributeError(name)
