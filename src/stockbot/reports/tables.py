"""What a report returns: typed tables that three renderers share (chat, xlsx, csv).

A report knows no language and no format. Its cells are values — `Decimal` for quantities and
money, `int` for counts, `date`, plain text for codes and names, and for words the reader should
see translated (an age bucket, a cause, a class) a `key` cell naming a message. Each `Column`
says what its values are (`kind`), in which unit or currency, so the chat table formats
`1,234.50`, the chart labels its axis "Value (CNY)", and the xlsx cell gets `#,##0.00`.
Headers are message keys too: `rep.col.<key>`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any, Literal

from stockbot.reports.periods import Period

Kind = Literal["text", "key", "qty", "money", "ratio", "percent", "days", "count", "date"]
"""text: shown as is; key: a message key suffix (`rep.v.<value>`), translated; qty: a Decimal in
the row's unit; money: a Decimal in the report's currency; ratio: a Decimal like 4.2 (×);
percent: a Decimal fraction 0–1 shown as %; days: a Decimal number of days; count: an int."""

NUMERIC: frozenset[str] = frozenset({"qty", "money", "ratio", "percent", "days", "count"})


@dataclass(frozen=True, slots=True)
class Column:
    key: str
    kind: Kind = "text"
    unit: str | None = None
    """A fixed unit (`pcs`), or None: quantities in several units carry a `unit` column."""

    @property
    def currency(self) -> bool:
        return self.kind == "money"

    @property
    def numeric(self) -> bool:
        return self.kind in NUMERIC


@dataclass(frozen=True, slots=True)
class Chart:
    """How the first section is drawn: `kind` bar (vertical), barh (horizontal, a ranking),
    line (over days); `x` the label column, `y` the value columns (same `kind`, one axis)."""

    kind: Literal["bar", "barh", "line"]
    x: str
    y: tuple[str, ...]
    limit: int = 15


@dataclass(slots=True)
class Section:
    """One table: `title` is a message key (`rep.sec.<title>`), `params` its placeholders."""

    title: str
    columns: tuple[Column, ...]
    rows: list[tuple[Any, ...]] = field(default_factory=list)
    chart: Chart | None = None
    params: dict[str, Any] = field(default_factory=dict)

    def column(self, key: str) -> Column:
        for c in self.columns:
            if c.key == key:
                return c
        raise KeyError(key)

    def values(self, key: str) -> list[Any]:
        i = [c.key for c in self.columns].index(key)
        return [r[i] for r in self.rows]


@dataclass(slots=True)
class Report:
    name: str
    period: Period | None
    as_of: date
    sections: list[Section] = field(default_factory=list)
    notes: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    """Message keys (`rep.note.<key>`) with their parameters: what the reader should know."""

    def section(self, title: str) -> Section:
        for s in self.sections:
            if s.title == title:
                return s
        raise KeyError(title)


def share(part: Decimal, whole: Decimal) -> Decimal:
    """part ÷ whole as a fraction to 4 places (0 when the whole is 0)."""
    if not whole:
        return Decimal(0)
    return (part / whole).quantize(Decimal("0.0001"))
