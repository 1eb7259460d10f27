"""`stockbot backup` / `stockbot restore`: an online SQLite copy that restores to the same
ledger (proved by `stockbot check`), refusals that change nothing, and the pg_dump line."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import func, select

from stockbot.cli import main
from stockbot.store.models import Movement

from factory import make_item, post


@pytest.fixture
def sqlite_only(db_url: str) -> str:
    if not db_url.startswith("sqlite"):
        pytest.skip("SQLite backup; PostgreSQL uses pg_dump (tested below)")
    return db_url


def movements(db) -> int:  # type: ignore[no-untyped-def]
    with db.read() as s:
        return s.scalar(select(func.count(Movement.id))) or 0


def on_hand(db) -> Decimal:  # type: ignore[no-untyped-def]
    with db.read() as s:
        return s.scalar(select(func.sum(Movement.qty))) or Decimal(0)


def test_a_backup_restores_to_the_ledger_it_was_taken_from_and_check_proves_it(
    db, sqlite_only, tmp_path, capsys
):
    item, loc = make_item(db)
    post(db, item, loc, "10")
    backup = tmp_path / "nightly.db"
    assert main(["--database-url", sqlite_only, "backup", str(backup)]) == 0
    post(db, item, loc, "5")  # work after the backup…
    assert on_hand(db) == Decimal(15)
    db.dispose()

    assert main(["--database-url", sqlite_only, "restore", str(backup)]) == 0
    assert "every balance equals its ledger" in capsys.readouterr().out
    assert on_hand(db) == Decimal(10)  # …is gone: the ledger is the one backed up
    assert movements(db) == 1


def test_a_backup_never_overwrites_a_file(db, sqlite_only, tmp_path, capsys):
    existing = tmp_path / "keep.db"
    existing.write_bytes(b"precious")
    assert main(["--database-url", sqlite_only, "backup", str(existing)]) == 1
    assert "exists already" in capsys.readouterr().err
    assert existing.read_bytes() == b"precious"


@pytest.mark.parametrize("content", [b"", b"not a database at all" * 100])
def test_restoring_something_that_is_not_a_stockbot_database_changes_nothing(
    db, sqlite_only, tmp_path, capsys, content
):
    item, loc = make_item(db)
    post(db, item, loc, "10")
    junk = tmp_path / "junk.db"
    junk.write_bytes(content)
    assert main(["--database-url", sqlite_only, "restore", str(junk)]) == 1
    assert "cannot be restored" in capsys.readouterr().err
    assert movements(db) == 1


def test_restoring_a_missing_file_says_so(db, sqlite_only, tmp_path, capsys):
    assert main(["--database-url", sqlite_only, "restore", str(tmp_path / "nope.db")]) == 1
    assert "no such file" in capsys.readouterr().err


def test_postgresql_gets_the_pg_dump_and_pg_restore_lines_without_the_password(capsys):
    url = "postgresql+psycopg://stockbot:hunter2@db.internal:5432/stockbot"
    assert main(["--database-url", url, "backup", "/var/backups/stockbot.dump"]) == 0
    out = capsys.readouterr().out
    assert "pg_dump --format=custom" in out
    assert "postgresql://stockbot@db.internal:5432/stockbot" in out
    assert "hunter2" not in out and "+psycopg" not in out
    assert main(["--database-url", url, "restore", "/var/backups/stockbot.dump"]) == 0
    out = capsys.readouterr().out
    assert "pg_restore --clean" in out and "stockbot check" in out


def test_the_backup_is_a_file_sqlite_can_open_while_the_service_keeps_writing(
    db, sqlite_only, tmp_path
):
    """Online: a write transaction open elsewhere does not stop the copy, nor go half into it."""
    import sqlite3

    item, loc = make_item(db)
    post(db, item, loc, "10")
    live = Path(sqlite_only.removeprefix("sqlite:///"))
    writer = sqlite3.connect(live, isolation_level=None)
    writer.execute("BEGIN IMMEDIATE")
    writer.execute("DELETE FROM movements")  # uncommitted while the backup runs
    try:
        assert main(["--database-url", sqlite_only, "backup", str(tmp_path / "b.db")]) == 0
    finally:
        writer.execute("ROLLBACK")
        writer.close()
    copy = sqlite3.connect(tmp_path / "b.db")
    assert copy.execute("SELECT count(*) FROM movements").fetchone()[0] == 1
