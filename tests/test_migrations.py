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


def test_replicas_starting_together_on_a_new_postgresql_database_migrate_it_once(db_url):
    """Two `stockbot run` replicas upgrade on start; on a fresh PostgreSQL database they race.
    The advisory lock lets one migrate while the other waits, then finds it at head."""
    import threading
    import uuid

    import pytest
    from sqlalchemy import create_engine
    from sqlalchemy.engine import make_url

    from stockbot.store.migrate import HEAD

    if db_url.startswith("sqlite"):
        pytest.skip("PostgreSQL only: SQLite has one process per file")
    name = f"stockbot_race_{uuid.uuid4().hex[:8]}"
    admin = create_engine(
        make_url(db_url).set(database="postgres").render_as_string(hide_password=False),
        isolation_level="AUTOCOMMIT",
    )
    with admin.connect() as conn:
        conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
    url = make_url(db_url).set(database=name).render_as_string(hide_password=False)
    errors: list[BaseException] = []

    def start() -> None:
        try:
            upgrade(url)
        except BaseException as exc:
            errors.append(exc)

    try:
        threads = [threading.Thread(target=start) for _ in range(3)]
        for th in threads:
            th.start()
        for th in threads:
            th.join(timeout=60)
        assert errors == []
        assert current_revision(url) == HEAD
    finally:
        with admin.connect() as conn:
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.dispose()
