"""The database-backed search cache: incremental catch-up and the on-disk snapshot."""

from __future__ import annotations

import time

import pytest

from stockbot.lookup.service import ItemSearch, snapshot_path
from stockbot.store.catalog import upsert_item

from factory import make_item


def _wait_for(path, timeout: float = 30.0) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while not path.exists():
        assert time.monotonic() < deadline, "snapshot was not written"
        time.sleep(0.05)


@pytest.fixture
def cache_dir(tmp_path, monkeypatch):  # type: ignore[no-untyped-def]
    monkeypatch.setenv("STOCKBOT_SEARCH_CACHE", str(tmp_path / "cache"))
    return tmp_path / "cache"


def many_items(db, n: int = 1000) -> None:  # type: ignore[no-untyped-def]
    make_item(db, "SEED")
    with db.write() as s:
        for i in range(n):
            upsert_item(s, f"PART-{i:05d}", name=f"Hex bolt M{6 + i % 10}x{20 + i % 7}")


def test_a_renamed_item_is_found_by_its_new_name_in_a_running_process(db):
    item, _ = make_item(db, "P-100", name="Rubber gasket")
    search = ItemSearch.of(db)
    with db.read() as s:
        assert search.search(s, "rubber gasket")[0].item_id == item
    with db.write() as s:
        upsert_item(s, "P-100", name="Silicone seal")
    with db.read() as s:
        assert search.search(s, "silicone seal")[0].item_id == item
        assert all(h.item_id != item for h in search.search(s, "rubber gasket"))


def test_a_new_process_loads_the_snapshot_and_catches_up_on_later_changes(db, cache_dir):
    many_items(db)
    first = ItemSearch(db.url)
    with db.read() as s:
        first.refresh(s)
    assert not first.loaded_from_snapshot
    _wait_for(snapshot_path(db.url))
    with db.write() as s:  # changes after the snapshot was taken
        upsert_item(s, "PART-00001", name="Silicone seal")
        upsert_item(s, "NEW-PART", name="Copper washer M5")
    second = ItemSearch(db.url)
    with db.read() as s:
        hits = second.search(s, "copper washer m5")
        assert second.loaded_from_snapshot
        assert hits and hits[0].item_id == second.search(s, "NEW-PART")[0].item_id
        assert second.search(s, "silicone seal")


def test_a_snapshot_that_does_not_match_the_database_is_rebuilt(db, cache_dir):
    many_items(db)
    path = snapshot_path(db.url)
    first = ItemSearch(db.url)
    with db.read() as s:
        first.refresh(s)
    _wait_for(path)
    path.write_bytes(b"not a pickle")
    again = ItemSearch(db.url)
    with db.read() as s:
        assert again.search(s, "PART-00007")
    assert not again.loaded_from_snapshot
