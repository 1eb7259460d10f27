"""Shared import machinery: parse a sheet into typed rows, duplicates, chunked lookups."""

from __future__ import annotations

import sys
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any, TypeVar

from pydantic import ValidationError
from sqlalchemy import Connection, select
from tqdm import tqdm

from stockbot.io.imports.report import ImportReport, RowError
from stockbot.io.imports.rows import Row
from stockbot.io.tabular import Cell, Table, TableError, Vocabulary, open_table

_CHUNK = 5000
"""Codes per `IN (...)` query: well under SQLite's 32,766 and PostgreSQL's 65,535 parameters."""


# --- shared machinery ---------------------------------------------------------------------------

R = TypeVar("R", bound=Row)


class Rollback(Exception):
    """Leaves a write block so the unit of work rolls back (the report is already filled in)."""


def _bar(progress: bool, total: int | None, desc: str) -> tqdm[Any]:
    """A tqdm bar only when asked for and stderr is a terminal (`disable=None`)."""
    return tqdm(
        total=total,
        desc=desc,
        unit=" rows",
        file=sys.stderr,
        disable=None if progress else True,
        leave=False,
    )


def parse_sheet(
    path: Path,
    vocabulary: Vocabulary,
    model: type[R],
    report: ImportReport,
    progress: bool,
    defaults: dict[str, Cell] | None = None,
) -> tuple[list[tuple[int, R]], Table | None]:
    """Read and validate every row; problems go to `report.errors`, good rows are returned.

    The table comes back as None when the file as a whole is unusable (unreadable, a required
    column missing, two columns meaning one field): then row-by-row messages would be noise.
    """
    good: list[tuple[int, R]] = []
    try:
        with open_table(path, vocabulary) as table:
            for name, headers in table.duplicates.items():
                report.errors.append(
                    RowError(
                        table.header_row,
                        headers[1],
                        f"{' and '.join(repr(h) for h in headers)} both mean {name}; keep one",
                    )
                )
            for name in table.missing(vocabulary.required):
                if defaults and name in defaults:
                    continue
                report.errors.append(
                    RowError(
                        None,
                        name,
                        f"required column {name!r} is missing (found: {', '.join(table.headers)})",
                    )
                )
            if report.errors:  # a file-level problem: row messages would only be noise
                return good, None
            if table.ignored:
                report.notes.append(f"ignored columns: {', '.join(table.ignored)}")
            header_of = {name: table.header_of(name) for name in vocabulary.fields}
            with _bar(progress, table.total_rows, f"reading {path.name}") as bar:
                for n, cells in table.rows:
                    report.rows_read += 1
                    if defaults:
                        cells = {**defaults, **cells}
                    try:
                        good.append((n, model.model_validate(cells)))
                    except ValidationError as exc:
                        report.errors.extend(_row_errors(n, exc, header_of))
                    bar.update()
            return good, table
    except TableError as exc:
        report.errors.append(RowError(None, None, str(exc)))
        return good, None


def _row_errors(row: int, exc: ValidationError, header_of: dict[str, str]) -> Iterator[RowError]:
    for err in exc.errors(include_url=False, include_input=False):
        name = str(err["loc"][0]) if err["loc"] else ""
        msg = err["msg"].removeprefix("Value error, ")
        if err["type"] == "missing":
            msg = "is empty; a value is required"
        yield RowError(row, header_of.get(name, name) or None, msg)


def duplicates(
    rows: Sequence[tuple[int, Any]],
    key: Callable[[Any], Any],
    column: str,
    what: Callable[[Any], str],
    report: ImportReport,
) -> None:
    first: dict[Any, int] = {}
    for n, row in rows:
        k = key(row)
        if k in first:
            report.errors.append(RowError(n, column, f"{what(row)} is also on row {first[k]}"))
        else:
            first[k] = n


def chunks(values: Sequence[Any], size: int = _CHUNK) -> Iterator[Sequence[Any]]:
    for i in range(0, len(values), size):
        yield values[i : i + size]


def lookup_codes(
    conn: Connection, column: Any, wanted: Iterable[str], *cols: Any
) -> dict[str, Any]:
    """{code: row} for the codes that exist, in a few `IN` queries (not one per row)."""
    codes = sorted(set(wanted))
    out: dict[str, Any] = {}
    for chunk in chunks(codes):
        for row in conn.execute(select(column, *cols).where(column.in_(chunk))):
            out[row[0]] = row
    return out


def finish(report: ImportReport, started: float) -> ImportReport:
    report.ok = not report.errors
    report.seconds = time.perf_counter() - started
    return report
