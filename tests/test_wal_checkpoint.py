"""SQLite's log is written back by the background checkpointer, not inside a user's commit."""

from __future__ import annotations

from pathlib import Path

import pytest

from stockbot.store.checkpoint import BACKSTOP_PAGES
from stockbot.store.db import Database

from factory import make_item, post


@pytest.fixture
def sqlite_db(tmp_path: Path, db_url: str) -> Database:
    if not db_url.startswith("sqlite"):
        pytest.skip("the write-ahead log is SQLite's")
    return Database(db_url)


def test_a_commit_leaves_the_log_to_the_checkpointer_which_writes_it_all_back(
    sqlite_db: Database,
):
    db = sqlite_db
    try:
        with db.engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA wal_autocheckpoint").scalar() == BACKSTOP_PAGES
        checkpointer = db._checkpointer
        assert checkpointer is not None
        item, loc = make_item(db)
        checkpointer.passed.clear()
        post(db, item, loc, "5")
        assert checkpointer.passed.wait(10), "no checkpoint after a write"
        assert checkpointer.last is not None
        busy, log_pages, written = checkpointer.last
        assert busy == 0
        assert log_pages > 0
        assert written == log_pages
    finally:
        db.dispose()
    assert checkpointer._thread is not None and not checkpointer._thread.is_alive()


def test_a_process_that_only_reads_starts_no_checkpointer(sqlite_db: Database):
    db = sqlite_db
    try:
        with db.read() as s:
            s.connection().exec_driver_sql("SELECT count(*) FROM items").scalar()
        assert db._checkpointer is not None and db._checkpointer._thread is None
    finally:
        db.dispose()
