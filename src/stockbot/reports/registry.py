"""The one list of reports: chat (`/report`, `/report <name> [period] [options]`) and the
command line (`stockbot report <name> ...`) both list and dispatch from `REPORTS`.

Each entry names its function, its aliases (中文 included), whether it reads a period (or a
usage window, or neither) and which option words it takes. Its one-line description is the
message `rep.desc.<name>`; its tables' headers are `rep.col.<key>`.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, replace
from decimal import Decimal, InvalidOperation
from typing import Literal

from sqlalchemy.orm import Session

from stockbot.reports import activity, inventory
from stockbot.reports.inventory import Args
from stockbot.reports.periods import PeriodError, parse_period
from stockbot.reports.tables import Report

PeriodUse = Literal["period", "window", "none"]


class OptionError(ValueError):
    """A word the report does not understand (`.text`), or a report given a period it ignores."""

    def __init__(self, text: str) -> None:
        super().__init__(text)
        self.text = text


@dataclass(frozen=True, slots=True)
class ReportDef:
    name: str
    run: Callable[[Session, Args], Report]
    aliases: tuple[str, ...] = ()
    period: PeriodUse = "period"
    default_days: int = 30
    by: tuple[str, ...] = ()
    """Grouping words the report accepts (the first is the default)."""
    split: bool = False
    """Takes an ABC split like `70/20/10`."""


BY_WORDS = {
    "day": "day", "daily": "day", "按天": "day", "按日": "day", "天": "day", "日": "day",
    "category": "category", "cat": "category", "按类别": "category", "按類別": "category",
    "类别": "category", "類別": "category", "分类": "category", "分類": "category",
    "warehouse": "warehouse", "wh": "warehouse", "按仓库": "warehouse", "按倉庫": "warehouse",
    "仓库": "warehouse", "倉庫": "warehouse",
}  # fmt: skip

REPORTS: dict[str, ReportDef] = {
    r.name: r
    for r in (
        ReportDef("turnover", inventory.turnover, ("周转", "週轉", "库存周转", "庫存週轉"),
                  default_days=90),
        ReportDef("ageing", inventory.ageing,
                  ("aging", "age", "库龄", "庫齡", "stale", "呆滞料", "呆滞", "呆滯料", "呆滯"),
                  period="none"),
        ReportDef("abc", inventory.abc, ("abc分类", "abc分類"), default_days=90, split=True),
        ReportDef("cover", inventory.cover, ("可用天数", "可用天數", "days"), period="window"),
        ReportDef("suppliers", activity.suppliers, ("supplier", "供应商", "供應商"),
                  default_days=90),
        ReportDef("shortages", activity.shortages, ("shortage", "缺料", "复盘", "復盤")),
        ReportDef("movements", activity.movements, ("movement", "出入库", "出入庫"),
                  by=("day", "category", "warehouse")),
    )
}  # fmt: skip


def _norm(text: str) -> str:
    return unicodedata.normalize("NFKC", text).strip().lower()


def find(name: str) -> ReportDef | None:
    """A report by its name or any alias (case and width ignored)."""
    key = _norm(name)
    for r in REPORTS.values():
        if key == r.name or key in r.aliases:
            return r
    return None


_SPLIT = re.compile(r"^(\d{1,2}(?:\.\d+)?)/(\d{1,2}(?:\.\d+)?)/(\d{1,2}(?:\.\d+)?)$")


def parse_split(text: str) -> tuple[Decimal, Decimal, Decimal] | None:
    """`80/15/5` → (80, 15, 5); None unless it is three shares adding up to 100."""
    m = _SPLIT.match(_norm(text))
    if not m:
        return None
    try:
        a, b, c = (Decimal(x) for x in m.groups())
    except InvalidOperation:
        return None
    return (a, b, c) if a + b + c == 100 and a > 0 and b >= 0 and c >= 0 else None


def make_args(report: ReportDef, words: list[str], base: Args) -> Args:
    """The report's arguments from what was typed after its name: at most one period, and the
    report's option words. Raises PeriodError or OptionError; never guesses."""
    args = replace(base, by=report.by[0] if report.by else "day")
    period_text: str | None = None
    for word in words:
        w = _norm(word)
        if report.by and w in BY_WORDS and BY_WORDS[w] in report.by:
            args.by = BY_WORDS[w]
            continue
        if report.split and (split := parse_split(w)) is not None:
            args.abc_split = split
            continue
        if report.split and "/" in w:
            raise OptionError(word)
        if period_text is not None:
            raise OptionError(word)
        period_text = word
    if report.period == "none":
        if period_text is not None:
            raise OptionError(period_text)
        args.period = parse_period(None, base.today, 1)
    else:
        days = base.usage_window_days if report.period == "window" else report.default_days
        args.period = parse_period(period_text, base.today, days)
        if report.period == "window" and args.period.last != base.today:
            raise PeriodError(period_text or "")
    return args


def run(session: Session, report: ReportDef, args: Args) -> Report:
    return report.run(session, args)


__all__ = ["REPORTS", "OptionError", "PeriodError", "ReportDef", "find", "make_args", "run"]
