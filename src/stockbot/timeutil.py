"""One clock for the whole program, so tests can move time instead of sleeping."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime

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
