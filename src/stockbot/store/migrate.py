"""Alembic, driven from code: `stockbot db upgrade`, and `run`/`demo` upgrade on start.

The migration scripts ship inside the package, so an installed stockbot can upgrade a database
without a checkout or an alembic.ini.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from alembic.config import Config

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
HEAD = "0009"
"""The newest migration. A database already at HEAD skips alembic entirely (importing and
running it costs ~0.5 s of every start); tests/test_migrations.py keeps this equal to alembic's
own head."""


def alembic_config(url: str) -> Config:
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return cfg


def upgrade(url: str, revision: str = "head") -> None:
    if revision == "head" and _stamped_at_head(url):
        return
    from alembic import command

    command.upgrade(alembic_config(url), revision)


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
