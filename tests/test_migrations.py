"""Migrations: the schema is created, stamped, and a second upgrade is a no-op."""

from __future__ import annotations

from stockbot.store.migrate import current_revision, upgrade
from stockbot.store.models import Base


def test_upgrading_twice_is_harmless_and_the_database_is_stamped_at_head(db_url):
    upgrade(db_url)  # the fixture already upgraded once
    from alembic.script import ScriptDirectory

    from stockbot.store.migrate import alembic_config

    head = ScriptDirectory.from_config(alembic_config(db_url)).get_current_head()
    assert current_revision(db_url) == head


def test_the_migrations_create_every_table_the_models_declare(db):
    from sqlalchemy import inspect

    tables = set(inspect(db.engine).get_table_names())
    assert set(Base.metadata.tables) <= tables


def test_the_fast_path_head_constant_is_alembics_head(db_url):
    from alembic.script import ScriptDirectory

    from stockbot.store.migrate import HEAD, alembic_config

    assert ScriptDirectory.from_config(alembic_config(db_url)).get_current_head() == HEAD
