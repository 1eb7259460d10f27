"""Test fixtures: one real database per test, SQLite by default, PostgreSQL when
`STOCKBOT_TEST_DATABASE_URL` names a server (CI runs the suite on both).

SQLite: the schema is migrated once into a template file and copied per test.
PostgreSQL: a throwaway database is created per test session (so parallel runs on one server
never collide), migrated once, and truncated between tests.
"""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from stockbot.store.db import Database
from stockbot.store.migrate import upgrade
from stockbot.store.models import Base
from stockbot.timeutil import set_clock

PG_URL = os.environ.get("STOCKBOT_TEST_DATABASE_URL", "").strip()
# Tests build their search index fresh: no snapshot files in the user's cache directory
# (tests/test_lookup_service.py turns it on in a temporary directory).
os.environ["STOCKBOT_SEARCH_CACHE"] = ""


def _admin_url(url: str) -> str:
    return make_url(url).set(database="postgres").render_as_string(hide_password=False)


@pytest.fixture(scope="session")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    if not PG_URL:
        template = tmp_path_factory.mktemp("template") / "template.db"
        upgrade(f"sqlite:///{template}")
        yield f"sqlite:///{template}"
        return
    name = f"stockbot_test_{uuid.uuid4().hex[:10]}"
    admin = create_engine(_admin_url(PG_URL), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
    url = make_url(PG_URL).set(database=name).render_as_string(hide_password=False)
    try:
        upgrade(url)
        yield url
    finally:
        with admin.connect() as conn:
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.dispose()


@pytest.fixture
def db_url(database_url: str, tmp_path: Path) -> str:
    """A URL to an empty, fully migrated database for this test."""
    if database_url.startswith("sqlite"):
        src = Path(database_url.removeprefix("sqlite:///"))
        dst = tmp_path / "stockbot.db"
        shutil.copyfile(src, dst)
        return f"sqlite:///{dst}"
    engine = create_engine(database_url)
    tables = ", ".join(f'"{t.name}"' for t in Base.metadata.sorted_tables)
    with engine.begin() as conn:
        conn.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
    engine.dispose()
    return database_url


@pytest.fixture
def db(db_url: str) -> Iterator[Database]:
    database = Database(db_url)
    try:
        yield database
    finally:
        database.dispose()


@pytest.fixture(autouse=True)
def _real_clock() -> Iterator[None]:
    yield
    set_clock(None)
