"""One clock for the whole program, so tests can move time instead of sleeping."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

_now: Callable[[], datetime] = lambda: datetime.now(UTC)  # noqa: E731


def utcnow() -> datetime:
    """Timezone-aware UTC now (from the injectable clock)."""
    return _now()


def today() -> date:
    return utcnow().date()


def set_clock(fn: Callable[[], datetime] | None) -> None:
    """Tests: `set_clock(lambda: fixed)`; `set_clock(None)` restores the real clock."""
    global _now
    _now = fn if fn is not None else (lambda: datetime.now(UTC))


def as_utc(dt: datetime) -> datetime:
    """SQLite returns naive datetimes for timezone-aware columns; treat them as UTC."""
    return dt.replace(tzinfo=UTC) if dt.tzinfo is None else dt.astimezone(UTC)


def zone(*names: str | None) -> ZoneInfo:
    """The first of `names` that is a known timezone (a chat's, then the factory's …), else UTC.
    The one place a timezone name becomes a zone, so a typo in a setting never raises."""
    for name in names:
        if name:
            try:
                return ZoneInfo(name)
            except (KeyError, ValueError, OSError):
                continue
    return ZoneInfo("UTC")


def local(at: datetime, *names: str | None, fmt: str = "%H:%M") -> str:
    """`at` on the wall clock of the first valid zone in `names` (`HH:MM` by default)."""
    return as_utc(at).astimezone(zone(*names)).strftime(fmt)


def local_date(at: datetime, *names: str | None) -> date:
    return as_utc(at).astimezone(zone(*names)).date()
