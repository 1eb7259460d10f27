"""`stockbot import …` from the command line: it says which database it wrote to, records who
imported (the operating-system user or `--as NAME`), dates a new batch on the factory's
calendar, and skips opening-stock rows with nothing on hand."""

from __future__ import annotations

import csv
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from stockbot.cli import main
from stockbot.config import get_settings
from stockbot.i18n import t
from stockbot.replies import Table
from stockbot.store.db import Database
from stockbot.store.models import Batch, Movement, Posting
from stockbot.timeutil import local_date, set_clock

from transcript import Floor

HEADER = ["code", "warehouse", "location", "batch", "qty", "unit_cost", "expiry"]


def write_csv(path: Path, rows: list[list[Any]]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as f:
        csv.writer(f).writerows(rows)
    return path


def stock_file(tmp_path: Path, *rows: list[Any]) -> Path:
    return write_csv(tmp_path / "stock.csv", [HEADER, *rows])


@pytest.fixture
def floor(db):  # type: ignore[no-untyped-def]
    floor = Floor(db).people()
    floor.item("M8", name="Hex bolt M8")
    floor.item("M10", name="Hex bolt M10")
    floor.item("RESIN", name="Epoxy resin", batch_tracked=True)
    return floor


def who_column(floor: Floor, code: str) -> list[str]:
    reply = floor.say("alice", f"/history {code}")
    table = next(b for b in reply.blocks if isinstance(b, Table))
    who = table.headers.index(t("hist.col.who", "en"))
    return [row[who] for row in table.rows]


def test_the_import_says_which_database_it_wrote_to_and_who_imported(
    floor, db_url, tmp_path, capsys
) -> None:
    path = stock_file(tmp_path, ["M8", "MAIN", "", "", "40", "", ""])
    assert main(["--database-url", db_url, "import", "stock", str(path), "--as", "ann"]) == 0
    out = capsys.readouterr().out
    assert f"wrote to {Database(db_url).where}, as ann" in out
    assert who_column(floor, "M8") == ["ann"]


def test_without_as_the_importer_is_the_operating_system_user(
    floor, db_url, tmp_path, monkeypatch, capsys
) -> None:
    monkeypatch.setattr("getpass.getuser", lambda: "opsuser")
    path = stock_file(tmp_path, ["M8", "MAIN", "", "", "40", "", ""])
    assert main(["--database-url", db_url, "import", "stock", str(path)]) == 0
    assert "as opsuser" in capsys.readouterr().out
    assert who_column(floor, "M8") == ["opsuser"]


def test_a_sqlite_database_is_named_by_its_absolute_path(tmp_path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    db = Database("sqlite:///relative.db")
    try:
        assert db.where == str(tmp_path / "relative.db")
    finally:
        db.dispose()


def test_a_server_database_is_named_by_its_url_without_the_password() -> None:
    db = Database("postgresql+psycopg://stock:s3cret@db.example:5432/stockbot")
    try:
        assert "s3cret" not in db.where
        assert db.where.startswith("postgresql+psycopg://stock:***@db.example:5432/stockbot")
    finally:
        db.dispose()


def test_a_refused_import_says_nothing_was_written_there(floor, db_url, tmp_path, capsys) -> None:
    path = stock_file(tmp_path, ["NOPE", "MAIN", "", "", "4", "", ""])
    assert main(["--database-url", db_url, "import", "stock", str(path), "--as", "ann"]) == 1
    assert f"nothing written to {Database(db_url).where}" in capsys.readouterr().out


def test_a_new_batch_is_received_on_the_factorys_date_like_its_movement(
    floor, db, db_url, tmp_path
) -> None:
    # 20:00 UTC is already the next day in the factory's timezone (Asia/Shanghai by default)
    set_clock(lambda: datetime(2026, 3, 1, 20, 0, tzinfo=UTC))
    tz = get_settings().timezone
    path = stock_file(tmp_path, ["RESIN", "MAIN", "", "LOT-1", "5", "", "2027-01-31"])
    assert main(["--database-url", db_url, "import", "stock", str(path), "--as", "ann"]) == 0
    with db.read() as s:
        batch = s.scalars(select(Batch)).one()
        moved = s.scalars(select(Movement)).one()
    assert batch.received_on == local_date(moved.created_at, tz)
    assert batch.received_on == local_date(datetime(2026, 3, 1, 20, 0, tzinfo=UTC), tz)


def test_zero_quantity_rows_are_skipped_counted_and_the_rest_is_posted(
    floor, db, db_url, tmp_path, capsys
) -> None:
    path = stock_file(
        tmp_path,
        ["M8", "MAIN", "", "", "40", "", ""],
        ["M10", "MAIN", "", "", "0", "", ""],
        ["RESIN", "MAIN", "", "", "0", "", ""],  # no batch, but nothing on hand: skipped
    )
    assert main(["--database-url", db_url, "import", "stock", str(path), "--as", "ann"]) == 0
    assert "skipped 2 rows with zero quantity" in capsys.readouterr().out
    with db.read() as s:
        assert s.scalar(select(func.count()).select_from(Movement)) == 1
        assert s.scalar(select(Movement.qty)) == Decimal(40)


def test_a_sheet_of_only_zero_rows_posts_nothing_and_says_so(floor, db, db_url, tmp_path, capsys):
    path = stock_file(tmp_path, ["M8", "MAIN", "", "", "0", "", ""])
    assert main(["--database-url", db_url, "import", "stock", str(path), "--as", "ann"]) == 0
    out = capsys.readouterr().out
    assert "0 lines posted" in out and "skipped 1 row with zero quantity" in out
    with db.read() as s:
        assert s.scalar(select(func.count()).select_from(Posting)) == 0


def test_a_negative_quantity_is_still_refused(floor, db, db_url, tmp_path) -> None:
    path = stock_file(tmp_path, ["M8", "MAIN", "", "", "-1", "", ""])
    assert main(["--database-url", db_url, "import", "stock", str(path), "--as", "ann"]) == 1
    with db.read() as s:
        assert s.scalar(select(func.count()).select_from(Posting)) == 0
