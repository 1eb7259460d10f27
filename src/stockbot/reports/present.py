"""A report in the reader's language: headers, titles, cells and chart axes as text.

Shared by the three renderers — the chat reply (`flows/reports.py`), and the xlsx and csv
files (`io/report_files.py`) — so a header or an age bucket reads the same everywhere. Numbers
stay numbers for the files; `cell` is the chat's (and csv's words') formatting.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import stockbot.messages.reports  # noqa: F401  (registers the catalogue)
from stockbot.i18n import t
from stockbot.reports.tables import Column, Report, Section
from stockbot.store.types import fmt_qty


def header(col: Column, lang: str, currency: str) -> str:
    text = t(f"rep.col.{col.key}", lang)
    if col.kind == "money":
        return f"{text} ({currency})"
    if col.kind == "percent":
        return f"{text} (%)"
    if col.unit:
        return f"{text} ({col.unit})"
    return text


def title(section: Section, lang: str, currency: str) -> str:
    params = {k: _param(k, v, lang, currency) for k, v in section.params.items()}
    return t(f"rep.sec.{section.title}", lang, **params)


def _param(key: str, value: Any, lang: str, currency: str) -> Any:
    if key == "by":
        return t(f"rep.by.{value}", lang)
    if key == "value" and isinstance(value, Decimal):
        return f"{money(value)} {currency}"
    return value


def period_text(report: Report, lang: str) -> str:
    if report.period is None or report.name == "ageing":
        return t("rep.as_of", lang, date=report.as_of.isoformat())
    return report.period.label


def money(v: Decimal) -> str:
    cents = Decimal(v).quantize(Decimal("0.01"))
    return f"{cents if cents else abs(cents):,}"


def cell(col: Column, value: Any, lang: str) -> str:
    """A value as the chat shows it: `1,234.50`, `85.0%`, `4.20`, `12.5`, `2026-03-01`."""
    if value is None:
        return "—"
    if col.kind == "key":
        return t(f"rep.v.{value}", lang)
    if col.kind == "money":
        return money(value)
    if col.kind == "percent":
        return f"{Decimal(value) * 100:.1f}%"
    if col.kind == "qty":
        return fmt_qty(Decimal(value))
    if col.kind == "count":
        return f"{int(value):,}"
    if col.kind in ("ratio", "days"):
        return f"{Decimal(value):,}"
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def axis(col: Column, lang: str, currency: str) -> str:
    if col.kind == "money":
        return t("rep.axis.money", lang, currency=currency)
    if col.kind == "qty":
        return t("rep.axis.qty", lang, unit=col.unit or "")
    return t(f"rep.axis.{col.kind}", lang) if col.kind in {"days", "percent", "ratio"} else \
        t("rep.axis.count", lang)  # fmt: skip


def chart_png(report: Report, lang: str, currency: str) -> bytes | None:
    """The first section's chart (None when it has none or nothing to draw)."""
    from stockbot.reports.chart import report_chart

    section = report.sections[0]
    spec = section.chart
    if spec is None or not section.rows:
        return None
    xcol = section.column(spec.x)
    labels = [cell(xcol, v, lang) if xcol.kind != "date" else v.strftime("%m-%d")
              for v in section.values(spec.x)][: spec.limit]  # fmt: skip
    series = []
    for key in spec.y:
        col = section.column(key)
        scale = 100.0 if col.kind == "percent" else 1.0
        values = [float(v or 0) * scale for v in section.values(key)][: spec.limit]
        series.append((t(f"rep.col.{key}", lang), values))
    return report_chart(
        labels,
        series,
        kind=spec.kind,
        title=f"{title(section, lang, currency)} — {period_text(report, lang)}",
        axis=axis(section.column(spec.y[0]), lang, currency),
    )
