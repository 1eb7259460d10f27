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


def test_migration_0016_gives_every_existing_purchase_request_its_one_line(db, db_url):
    """Requests made before lines existed (the shape at 0014: one item per request) each get
    one line: item, quantity, amount; the price and warehouse of the order it became (else
    the item's cost); the shortage it was raised from; the work order its note names."""
    from decimal import Decimal as D

    from alembic import command
    from sqlalchemy import inspect, select, text

    from stockbot.store.catalog import upsert_supplier
    from stockbot.store.migrate import alembic_config
    from stockbot.store.models import BomLine, PurchaseOrderLine, PurchaseRequestLine

    from transcript import Floor

    floor = Floor(db).people()
    with db.write() as s:
        acme = upsert_supplier(s, "ACME", name="Acme").id
    bolt = floor.item("BOLT", unit_cost=D("0.5"), default_supplier_id=acme)
    seat = floor.item("SEAT", stock=5, unit_cost=D(30))
    chair = floor.item("CHAIR")
    with db.write() as s:
        s.add(BomLine(product_id=chair, component_id=seat, qty_per=D(1), scrap_pct=D(0)))
    floor.say("bob", "/purchase BOLT 100")  # PR-1, waiting
    floor.say("bob", "/purchase BOLT 200")  # PR-2, ordered
    floor.say("dave", "/approve PR-2")
    floor.say("bob", "/request SEAT 20")  # short: the card's "Request purchase" → PR-3
    floor.press("bob", "Request purchase")
    floor.say("bob", "/wo CHAIR 50")  # short of seats → PR-4, note WO-00001, then ordered
    floor.press("erin", "Request purchase for all shortages")
    floor.say("dave", "/approve PR-4")

    def lines() -> list[tuple]:  # type: ignore[type-arg]
        with db.read() as s:
            return [
                tuple(r)
                for r in s.execute(
                    select(PurchaseRequestLine.request_id, PurchaseRequestLine.item_id,
                           PurchaseRequestLine.qty, PurchaseRequestLine.unit_price,
                           PurchaseRequestLine.amount, PurchaseRequestLine.work_order_id,
                           PurchaseRequestLine.incident_id)
                    .order_by(PurchaseRequestLine.request_id)
                )
            ]  # fmt: skip

    def po_warehouses() -> set[int | None]:
        with db.read() as s:
            return set(s.scalars(select(PurchaseOrderLine.warehouse_id)))

    made = lines()
    assert [(r[0], r[1], r[5], r[6]) for r in made] == [
        (1, bolt, None, None),
        (2, bolt, None, None),
        (3, seat, None, 1),
        (4, seat, 1, None),
    ]
    [warehouse] = po_warehouses()
    db.dispose()
    command.downgrade(alembic_config(db_url), "0014")
    try:
        with db.read() as s:
            assert "purchase_request_lines" not in inspect(s.connection()).get_table_names()
            old = s.execute(text("SELECT id, item_id FROM purchase_requests ORDER BY id")).all()
        assert [tuple(r) for r in old] == [(1, bolt), (2, bolt), (3, seat), (4, seat)]
    finally:
        db.dispose()
        upgrade(db_url)
    assert lines() == made
    with db.read() as s:
        got = {
            pr: wh
            for pr, wh in s.execute(
                select(PurchaseRequestLine.request_id, PurchaseRequestLine.warehouse_id)
            )
        }
    assert got == {1: None, 2: warehouse, 3: None, 4: warehouse}  # from the order it became
