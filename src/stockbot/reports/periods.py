"""Report periods, parsed in one place: `7d`, `30d`, `90d`, `2026-11`,
`2026-01-01..2026-03-31`, and the floor's Chinese `本月`, `上月`, `近30天` (繁體 alike).

A period is a closed range of business days `[first, last]`. "The last N days" ends today;
a month is the whole calendar month (this month: up to today). Anything else is refused with
`PeriodError`, which the flows turn into a localized message — nothing here knows a language.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date, timedelta

MAX_DAYS = 3660
"""Ten years: a longer period is a typo."""

_DAYS = re.compile(r"^(?:近|最近|last)?\s*(\d{1,4})\s*(?:d|days?|天|日)$")
_MONTH = re.compile(r"^(\d{4})-(\d{1,2})$")
_RANGE = re.compile(r"^(\d{4}-\d{1,2}-\d{1,2})\s*(?:\.\.|~|～|至|到)\s*(\d{4}-\d{1,2}-\d{1,2})$")
_THIS_MONTH = {"本月", "this-month", "thismonth", "month", "mtd"}
_LAST_MONTH = {"上月", "上个月", "上個月", "last-month", "lastmonth"}


class PeriodError(ValueError):
    """A period nobody can mean; `.text` is what was typed."""

    def __init__(self, text: str) -> None:
        super().__init__(text)
        self.text = text


@dataclass(frozen=True, slots=True)
class Period:
    first: date
    last: date

    @property
    def days(self) -> int:
        return (self.last - self.first).days + 1

    @property
    def label(self) -> str:
        return f"{self.first.isoformat()}..{self.last.isoformat()}"

    @classmethod
    def last_days(cls, n: int, today: date) -> Period:
        return cls(today - timedelta(days=n - 1), today)


def _month(year: int, month: int) -> Period:
    if not (1 <= month <= 12 and 1900 <= year <= 9999):
        raise ValueError
    first = date(year, month, 1)
    nxt = date(year + (month == 12), month % 12 + 1, 1)
    return Period(first, nxt - timedelta(days=1))


def parse_period(text: str | None, today: date, default_days: int = 30) -> Period:
    """The period `text` names (None or blank: the last `default_days` days)."""
    raw = (text or "").strip()
    if not raw:
        return Period.last_days(default_days, today)
    s = unicodedata.normalize("NFKC", raw).lower().replace(" ", "")
    try:
        if m := _DAYS.match(s):
            n = int(m.group(1))
            if not 1 <= n <= MAX_DAYS:
                raise ValueError
            return Period.last_days(n, today)
        if s in _THIS_MONTH:
            return Period(today.replace(day=1), today)
        if s in _LAST_MONTH:
            first_this = today.replace(day=1)
            prev = first_this - timedelta(days=1)
            return _month(prev.year, prev.month)
        if m := _MONTH.match(s):
            return _month(int(m.group(1)), int(m.group(2)))
        if m := _RANGE.match(s):
            first, last = date.fromisoformat(_pad(m.group(1))), date.fromisoformat(_pad(m.group(2)))
            if last < first or (last - first).days >= MAX_DAYS:
                raise ValueError
            return Period(first, last)
    except ValueError:
        raise PeriodError(raw) from None
    raise PeriodError(raw)


def _pad(iso: str) -> str:
    y, m, d = iso.split("-")
    return f"{y}-{int(m):02d}-{int(d):02d}"
