"""Alembic, driven from code: `stockbot db upgrade`, and `run`/`demo` upgrade on start.

The migration scripts ship inside the package, so an installed stockbot can upgrade a database
without a checkout or an alembic.ini.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from alembic.config import Config

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
HEAD = "0019"
"""The newest migration. A database already at HEAD skips alembic entirely (importing and
running it costs ~0.5 s of every start); tests/test_migrations.py keeps this equal to alembic's
own head."""


def alembic_config(url: str) -> Config:
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return cfg


MIGRATION_LOCK = 0x53544B4D  # "STKM": the advisory lock one migrating replica holds


def upgrade(url: str, revision: str = "head") -> None:
    """Bring the schema to *revision*. Replicas starting together on one PostgreSQL database
    all get here: the first takes an advisory lock and migrates, the others wait on it and then
    find the database at head (without the lock two of them would both create the tables)."""
    if revision == "head" and _stamped_at_head(url):
        return
    from alembic import command

    with _migration_lock(url):
        if revision == "head" and _stamped_at_head(url):
            return
        command.upgrade(alembic_config(url), revision)


@contextmanager
def _migration_lock(url: str) -> Iterator[None]:
    """A session advisory lock on PostgreSQL, held on its own connection while alembic works on
    another; nothing on SQLite, whose writers are serial anyway."""
    if url.startswith("sqlite"):
        yield
        return
    from sqlalchemy import create_engine, func, select

    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            conn.execute(select(func.pg_advisory_lock(MIGRATION_LOCK)))
            conn.commit()
            try:
                yield
            finally:
                conn.execute(select(func.pg_advisory_unlock(MIGRATION_LOCK)))
                conn.commit()
    finally:
        engine.dispose()


def _stamped_at_head(url: str) -> bool:
    from sqlalchemy import create_engine, text
    from sqlalchemy.exc import SQLAlchemyError

    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            return conn.execute(text("SELECT version_num FROM alembic_version")).scalar() == HEAD
    except SQLAlchemyError:
        return False  # no version table yet: a new database
    finally:
        engine.dispose()


def current_revision(url: str) -> str | None:
    from alembic.runtime.migration import MigrationContext
    from sqlalchemy import create_engine

    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            return MigrationContext.configure(conn).get_current_revision()
    finally:
        engine.dispose()
