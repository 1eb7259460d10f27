"""`Database.one_transaction()`: the units of work a thread opens inside it are savepoints of
one transaction — each still all-or-nothing on its own, all committed together or not at all,
and after-commit handlers run once, after the real commit. SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from stockbot.store.catalog import ensure_warehouse
from stockbot.store.events import emit
from stockbot.store.models import Warehouse


class Seen:
    """An after-commit handler that records what it saw and whether it was committed then."""

    def __init__(self, db) -> None:  # type: ignore[no-untyped-def]
        self.db = db
        self.calls: list[tuple[list[str], int]] = []

    def saw(self, events) -> None:  # type: ignore[no-untyped-def]
        with self.db.read() as s:  # a fresh connection: sees only what is committed
            committed = s.scalar(select(func.count()).select_from(Warehouse)) or 0
        self.calls.append(([e.code for e in events], committed))


class Made:
    def __init__(self, code: str) -> None:
        self.code = code


def warehouses(db) -> list[str]:  # type: ignore[no-untyped-def]
    with db.read() as s:
        return list(s.scalars(select(Warehouse.code).order_by(Warehouse.code)))


def make(db, code: str, fail: bool = False) -> None:  # type: ignore[no-untyped-def]
    with db.write() as s:
        ensure_warehouse(s, code)
        emit(s, Made(code))
        if fail:
            raise ValueError(code)


def test_units_of_work_inside_commit_together_and_a_failed_one_rolls_back_alone(db):
    seen = Seen(db)
    db.events.subscribe(Made, seen.saw, phase="after")
    with db.one_transaction():
        make(db, "A")
        with pytest.raises(ValueError):
            make(db, "B", fail=True)
        make(db, "C")
        assert warehouses(db) == ["A", "C"]  # a read inside sees the block's own writes
        assert seen.calls == []  # nothing is committed yet: nobody is told
    assert warehouses(db) == ["A", "C"]
    assert seen.calls == [(["A", "C"], 2)]  # once, after the commit, without the failed one


def test_an_error_in_the_block_leaves_nothing_and_tells_nobody(db):
    seen = Seen(db)
    db.events.subscribe(Made, seen.saw, phase="after")
    with pytest.raises(RuntimeError), db.one_transaction():
        make(db, "A")
        raise RuntimeError("the answer could not be stored")
    assert warehouses(db) == []
    assert seen.calls == []


def test_outside_the_block_every_unit_of_work_is_its_own_transaction_again(db):
    with db.one_transaction():
        make(db, "A")
    with pytest.raises(ValueError):
        make(db, "B", fail=True)
    assert warehouses(db) == ["A"]
    with pytest.raises(RuntimeError), db.one_transaction(), db.one_transaction():
        pass  # a block inside a block is refused, not silently joined
