"""The database-backed search cache: incremental catch-up and the on-disk snapshot."""

from __future__ import annotations

import pickle
import threading
import time

import pytest

from stockbot.lookup.entries import Hit, SearchDoc
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


# --- questions while the index loads (issue 10) --------------------------------------------------


@pytest.fixture
def slow_load(db):  # type: ignore[no-untyped-def]
    """A process whose index is still loading: `warm` has started and its load is held up
    (another thread holds the index lock for as long as the test needs)."""
    search = ItemSearch.of(db)
    held, release = threading.Event(), threading.Event()

    def hold() -> None:
        with search._lock:
            held.set()
            release.wait(30)

    holder = threading.Thread(target=hold)
    holder.start()
    held.wait(30)
    warming = search.warm(db)
    yield search
    release.set()
    holder.join(30)
    warming.join(30)


def test_a_question_asked_while_the_index_loads_is_answered_from_the_database(db, slow_load):
    bolt, _ = make_item(db, "BOLT-HEX-M12X50", name="Hex bolt M12x50", aliases=["六角螺栓 M12x50"])
    make_item(db, "NUT-M12", name="Hex nut M12", aliases=["六角螺母 M12"])
    with db.read() as s:
        for typed in ("m12x50 hex bolt", "六角螺栓", "bolthexm12x50", "Ｍ１２Ｘ５０"):
            hits = slow_load.search(s, typed)
            assert [h.item_id for h in hits] == [bolt], typed
        assert slow_load.search(s, "washer") == []
    assert len(slow_load) == 0  # answered without the index, which is still loading


def test_the_snapshots_first_part_answers_codes_names_and_traditional_aliases():
    from stockbot.lookup.interim import Haystack

    docs = [
        SearchDoc(1, "BOLT-HEX-M12X50", "Hex bolt M12x50", ("六角螺栓 M12x50",), "8.8级 镀锌"),
        SearchDoc(2, "BOLT-HEX-M12X60", "Hex bolt M12x60", ("六角螺栓 M12x60",), "8.8级 镀锌"),
        SearchDoc(3, "NUT-M12", "Hex nut M12", ("六角螺母",)),
    ]
    haystack = pickle.loads(pickle.dumps(Haystack(docs)))
    assert haystack.search("bolthexm12x60")[0] == Hit(item_id=2, score=100.0, exact=True)
    assert [h.item_id for h in haystack.search("m12x50 bolt")] == [1]
    assert [h.item_id for h in haystack.search("六角螺母")] == [3]
    assert {h.item_id for h in haystack.search("六角螺栓")} == {1, 2}
    assert [h.item_id for h in haystack.search("鍍鋅 m12x60")] == [2]  # 繁體 spec words
    assert haystack.search("") == [] and haystack.search("washer") == []


def test_a_snapshot_holds_the_stand_in_first_and_a_new_process_answers_from_its_index(
    db, cache_dir
):  # type: ignore[no-untyped-def]
    many_items(db)
    first = ItemSearch(db.url)
    with db.read() as s:
        first.refresh(s)
    _wait_for(snapshot_path(db.url))
    with snapshot_path(db.url).open("rb") as f:
        version, _rev, haystack = pickle.load(f)
    assert version == 2 and len(haystack) == 1001
    later = ItemSearch(db.url)
    with db.read() as s:
        assert later.search(s, "hex bolt m7x21")
    assert later.loaded_from_snapshot and later._haystack is None  # only while loading
