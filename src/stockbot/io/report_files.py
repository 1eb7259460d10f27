"""A report as a file: xlsx (one sheet per table: localized headers, column widths, number
formats by column kind — money `#,##0.00`, percent `0.0%`, dates) or csv (UTF-8 with BOM, each
table after its title, numbers as plain digits, percentages × 100 as the header's `(%)` says).

The same `Report` the chat shows (`stockbot.reports.tables`), the same words
(`stockbot.reports.present`), written atomically with the exports' helpers.
"""

from __future__ import annotations

import csv
import re
import unicodedata
from decimal import Decimal
from pathlib import Path
from typing import Any

from stockbot.io.exports import _atomic, _csv_value, _format
from stockbot.reports import present
from stockbot.reports.tables import Column, Report, Section

NUMBER_FORMATS = {
    "money": "#,##0.00",
    "percent": "0.0%",
    "ratio": "0.00",
    "days": "0.0",
    "count": "#,##0",
    "qty": "#,##0.######",
    "date": "yyyy-mm-dd",
}
MAX_WIDTH = 60


def write_report(report: Report, path: Path, fmt: str | None, lang: str, currency: str) -> int:
    """Write the report; returns the number of data rows. `fmt` None: from the suffix."""
    kind = _format(path, fmt)
    with _atomic(path) as tmp:
        if kind == "csv":
            _csv(report, tmp, lang, currency)
        else:
            _xlsx(report, tmp, lang, currency)
    return sum(len(s.rows) for s in report.sections)


def _value(col: Column, v: Any, lang: str) -> Any:
    """A cell for a file: numbers stay numbers, words are translated."""
    if v is None:
        return None
    if col.kind == "key":
        return present.cell(col, v, lang)
    if col.kind == "count":
        return int(v)
    return v


def _csv(report: Report, path: Path, lang: str, currency: str) -> None:
    with open(path, "w", encoding="utf-8-sig", newline="") as f:
        out = csv.writer(f)
        for n, section in enumerate(report.sections):
            if n:
                out.writerow([])
            out.writerow([_csv_value(present.title(section, lang, currency)),
                          present.period_text(report, lang)])  # fmt: skip
            out.writerow([present.header(c, lang, currency) for c in section.columns])
            for row in section.rows:
                cells = []
                for c, v in zip(section.columns, row, strict=True):
                    v = _value(c, v, lang)
                    if c.kind == "percent" and v is not None:
                        v = (Decimal(v) * 100).quantize(Decimal("0.01"))
                    cells.append(_csv_value(v))
                out.writerow(cells)


def _width(text: str) -> int:
    """Display width: a CJK character takes two columns."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _sheet_name(text: str, taken: set[str]) -> str:
    name = re.sub(r"[\[\]\*\?/\\:]", " ", text)[:31].strip() or "Sheet"
    base, k = name, 2
    while name in taken:
        name = f"{base[:28]} {k}"
        k += 1
    taken.add(name)
    return name


def _xlsx(report: Report, path: Path, lang: str, currency: str) -> None:
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    wb = Workbook(write_only=True)
    taken: set[str] = set()
    for section in report.sections:
        ws = wb.create_sheet(_sheet_name(present.title(section, lang, currency), taken))
        headers = [present.header(c, lang, currency) for c in section.columns]
        for k, (col, head) in enumerate(zip(section.columns, headers, strict=True), start=1):
            ws.column_dimensions[get_column_letter(k)].width = _col_width(section, col, head, lang)
        ws.freeze_panes = "A3"
        title = WriteOnlyCell(ws, value=f"{present.title(section, lang, currency)} — "
                              f"{present.period_text(report, lang)}")  # fmt: skip
        title.font = Font(bold=True)
        ws.append([title])
        bold = []
        for head in headers:
            c = WriteOnlyCell(ws, value=head)
            c.font = Font(bold=True)
            bold.append(c)
        ws.append(bold)
        for row in section.rows:
            cells = []
            for col, v in zip(section.columns, row, strict=True):
                c = WriteOnlyCell(ws, value=_value(col, v, lang))
                if isinstance(c.value, str):
                    c.data_type = "s"  # a name typed as "=…" stays text
                elif col.kind in NUMBER_FORMATS:
                    c.number_format = NUMBER_FORMATS[col.kind]
                cells.append(c)
            ws.append(cells)
    wb.save(path)


def _col_width(section: Section, col: Column, head: str, lang: str) -> float:
    sample = section.rows[:200]
    i = section.columns.index(col)
    widest = max([_width(head)] + [_width(present.cell(col, r[i], lang)) for r in sample])
    return float(min(MAX_WIDTH, widest + 2))
