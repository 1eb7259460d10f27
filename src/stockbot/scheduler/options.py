"""Settings of the proactive half (alerts, summaries, reminders, the scheduler).

They read like every other setting — `STOCKBOT_<NAME>` in the environment or `.env`, or
`<name> = …` in `stockbot.toml` — and a field of the same name on `stockbot.config.Settings`
wins, so they can move there without changing a caller.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from stockbot.config import EnvSettings


class Options(EnvSettings):
    alert_digest_over: int = 5
    """More warnings than this for one chat at once become one digest message."""
    alert_snooze_hours: int = 24
    """How long "Snooze 1 day" hides a warning."""
    expiring_within_days: int = 30
    """A batch expiring within this many days (and still in stock) raises an `expiring` alert."""
    scan_days: str = "mon-sat"
    scan_hours: str = "8-18"
    """The shortage scan runs hourly (minute 0) on these days and hours, factory time."""
    summary_time: str = "08:00"
    """Each bound chat's morning summary, in the chat's own timezone."""
    summary_grace_minutes: int = 60
    """A summary missed (service down at 08:00) still goes out if the service is back within
    this long; later, it is skipped until tomorrow (never sent twice)."""
    reminder_hours: int = 24
    """Approvals waiting longer than this are re-posted to approvers; after twice this long
    they are escalated to admins. Once per stage."""
    reminder_every_minutes: int = 30
    qc_remind_hours: int = 24
    """QC-pending receipts older than this are reminded to keepers, once."""
    stale_report_day: str = "mon"
    stale_report_time: str = "09:00"
    lease_ttl_seconds: float = 30.0
    lease_renew_seconds: float = 10.0


_override: Options | None = None


@lru_cache(maxsize=1)
def _loaded() -> Options:
    return Options()


def set_options(options: Options | None) -> None:
    """Tests: `set_options(Options(alert_digest_over=2))`; `set_options(None)` to reset."""
    global _override
    _override = options


def options_for(settings: Any = None) -> Options:
    """The options in force: tests' override, else the environment, with any field that
    `settings` (a `stockbot.config.Settings`) also defines taken from `settings`."""
    base = _override or _loaded()
    if settings is None:
        return base
    fields = getattr(type(settings), "model_fields", {})
    over = {name: getattr(settings, name) for name in Options.model_fields if name in fields}
    return base.model_copy(update=over) if over else base


def hh_mm(value: str) -> tuple[int, int]:
    """`"08:00"` → (8, 0); anything malformed → (8, 0)."""
    try:
        h, m = (int(x) for x in value.strip().split(":", 1))
    except ValueError:
        return 8, 0
    if not (0 <= h < 24 and 0 <= m < 60):
        return 8, 0
    return h, m
