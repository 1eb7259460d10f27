"""`stockbot backup FILE` / `stockbot restore FILE`.

SQLite: sqlite3's online backup API copies the database page by page inside read transactions,
so a running service keeps writing while it is backed up and the copy is one consistent
moment (a plain `cp` of a WAL database can catch half a transaction). Restore copies the other
way through the same API, after checking that the file is a sound stockbot database, so a typo
never replaces the ledger with garbage; the caller then proves the balances (`stockbot check`).

PostgreSQL: `pg_dump`/`pg_restore` already do this well (and need server access we should not
re-implement), so we print the commands for this database instead.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.engine import URL, make_url

PAGES_PER_STEP = 1024
"""Pages copied per step; between steps other writers may commit (4 MiB at 4 KiB pages)."""


class BackupError(Exception):
    """Something an operator can fix; the message is one clear line."""


@dataclass(frozen=True)
class PgCommands:
    dump: str
    restore: str


def sqlite_file(url: str) -> Path | None:
    """The database file of a SQLite URL; None for other databases."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        return None
    if not parsed.database or parsed.database == ":memory:":
        raise BackupError("an in-memory SQLite database has nothing to back up")
    return Path(parsed.database)


def backup_sqlite(database: Path, dest: Path) -> int:
    """Copy the live *database* to *dest* (must not exist); returns the bytes written."""
    if not database.exists():
        raise BackupError(f"no database file at {database}")
    if dest.exists():
        raise BackupError(f"{dest} exists already; choose a new file name")
    tmp = dest.with_name(dest.name + ".partial")
    source = sqlite3.connect(f"file:{database}?mode=ro", uri=True)
    try:
        target = sqlite3.connect(tmp)
        try:
            source.backup(target, pages=PAGES_PER_STEP)
        finally:
            target.close()
    except sqlite3.Error as exc:
        tmp.unlink(missing_ok=True)
        raise BackupError(f"backup failed: {exc}") from exc
    finally:
        source.close()
    tmp.replace(dest)  # a half-written backup never carries the final name
    return dest.stat().st_size


def restore_sqlite(backup: Path, database: Path) -> None:
    """Replace *database* with the contents of *backup*, after checking the backup."""
    problem = _unsound(backup)
    if problem:
        raise BackupError(f"{backup} cannot be restored: {problem}")
    database.parent.mkdir(parents=True, exist_ok=True)
    source = sqlite3.connect(f"file:{backup}?mode=ro", uri=True)
    try:
        target = sqlite3.connect(database, timeout=30)
        try:
            source.backup(target, pages=PAGES_PER_STEP)
        finally:
            target.close()
    except sqlite3.Error as exc:
        raise BackupError(f"restore failed: {exc}") from exc
    finally:
        source.close()


def _unsound(path: Path) -> str | None:
    if not path.is_file():
        return "no such file"
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            verdict = conn.execute("PRAGMA quick_check").fetchone()[0]
            if verdict != "ok":
                return f"damaged ({verdict})"
            tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master")}
        finally:
            conn.close()
    except sqlite3.DatabaseError as exc:
        return f"not a SQLite database ({exc})"
    if not {"alembic_version", "movements"} <= tables:
        return "not a stockbot database (no alembic_version or movements table)"
    return None


def pg_commands(url: str, file: str) -> PgCommands:
    """The pg_dump / pg_restore lines for this database (libpq URL, password left out: use
    PGPASSWORD or ~/.pgpass)."""
    given = make_url(url)
    libpq = URL.create(
        "postgresql", given.username, None, given.host, given.port, given.database, given.query
    )
    where = libpq.render_as_string(hide_password=False)
    return PgCommands(
        dump=f"pg_dump --format=custom --no-owner --file={file} '{where}'",
        restore=f"pg_restore --clean --if-exists --no-owner --dbname='{where}' {file}",
    )
