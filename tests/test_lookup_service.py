"""The database-backed search cache: incremental catch-up and the on-disk snapshot."""

from __future__ import annotations

import csv
import gc
import os
import random
import threading
import time
from pathlib import Path

import pytest
from sqlalchemy import select

from stockbot.cli import main
from stockbot.demo.catalog import generate_catalog
from stockbot.lookup import interim, snapshot
from stockbot.lookup.entries import SearchDoc
from stockbot.lookup.service import ItemSearch, snapshot_path
from stockbot.store.catalog import upsert_item
from stockbot.store.models import Item

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
    warming = search.warm(db, ready_within=0)  # a question comes before the load is done
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


def test_a_snapshot_loads_as_a_few_buffers_and_a_new_instance_answers_from_its_index(db, cache_dir):  # type: ignore[no-untyped-def]
    many_items(db)
    first = ItemSearch(db.url)
    with db.read() as s:
        first.refresh(s)
    _wait_for(snapshot_path(db.url))
    versions: list[int] = []
    objects = len(gc.get_objects())
    index = snapshot.read(snapshot_path(db.url), lambda v, _rev: not versions.append(v))
    assert len(gc.get_objects()) - objects < 200  # not ~10 objects per item: buffers
    assert versions == [snapshot.VERSION] and len(index) == 1001  # type: ignore[arg-type]
    later = ItemSearch(db.url)
    with db.read() as s:
        assert later.search(s, "hex bolt m7x21") == first.search(s, "hex bolt m7x21")
    assert later.loaded_from_snapshot


# --- the first question after an import, in a new process (issue 10) -----------------------


def import_catalogue(db_url: str, tmp_path: Path, n: int = 3000) -> list[SearchDoc]:
    """`stockbot import items` of a generated catalogue full of look-alikes (it ends by
    writing the search snapshot)."""
    docs = generate_catalog(n, seed=5)
    sheet = tmp_path / "items.csv"
    with sheet.open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["code", "name", "spec", "category", "aliases", "barcode"])
        for d in docs:
            w.writerow([d.code, d.name, d.spec, d.category, ";".join(d.aliases), d.barcode or ""])
    assert main(["--database-url", db_url, "import", "items", str(sheet)]) == 0
    return docs


def names_as_typed(docs: list[SearchDoc], n: int = 40) -> list[str]:
    """Names as people type them: lower case, words shuffled, the Chinese alias."""
    rng = random.Random(7)
    typed = []
    for i, d in enumerate(rng.sample(docs, n)):
        words = d.name.lower().split()
        if i % 3 == 1:
            rng.shuffle(words)
        typed.append(d.aliases[0] if i % 3 == 2 and d.aliases else " ".join(words))
    return typed


def top_codes(db, search: ItemSearch, queries: list[str]) -> dict[str, str]:  # type: ignore[no-untyped-def]
    with db.read() as s:
        tops = {q: search.search(s, q)[0].item_id for q in queries}
        codes = {i: c for i, c in s.execute(select(Item.id, Item.code))}
    return {q: codes[i] for q, i in tops.items()}


def test_a_name_asked_before_a_new_instance_has_loaded_its_index_gets_the_warm_top_hit(
    db, db_url, tmp_path, cache_dir, monkeypatch
):  # type: ignore[no-untyped-def]
    docs = import_catalogue(db_url, tmp_path)
    names = names_as_typed(docs)
    warm = ItemSearch(db_url)
    expected = top_codes(db, warm, names)
    assert warm.loaded_from_snapshot

    # A disk slow to deliver the snapshot: a pipe the load blocks on until it is fed.
    snapshot = snapshot_path(db_url).read_bytes()
    monkeypatch.setenv("STOCKBOT_SEARCH_CACHE", str(tmp_path / "slow"))
    slow = snapshot_path(db_url)
    slow.parent.mkdir()
    os.mkfifo(slow)
    fresh = ItemSearch.of(db)
    loading = fresh.warm(db, ready_within=0)  # the first question comes before the load
    assert len(fresh) == 0 and not fresh.loaded_from_snapshot  # its load is waiting on the disk

    def disk() -> None:
        with slow.open("wb") as pipe:
            pipe.write(snapshot)

    feeding = threading.Thread(target=disk)
    feeding.start()
    assert top_codes(db, fresh, names) == expected
    feeding.join(30)
    loading.join(30)
    assert fresh.loaded_from_snapshot and len(fresh) == len(docs)


def test_a_new_process_is_ready_once_its_index_is_loaded_and_has_answered_a_question(
    db, db_url, tmp_path, cache_dir
):  # type: ignore[no-untyped-def]
    docs = import_catalogue(db_url, tmp_path, n=500)
    fresh = ItemSearch.of(db)
    fresh.warm(db)
    # `warm` returned: the snapshot is loaded, and the warm-up question has been through it
    assert fresh.loaded_from_snapshot and len(fresh) == len(docs)
    assert fresh._index is not None and fresh._index._entries.decoded > 0
    with db.write() as s:  # and it is still the index that answers, caught up
        upsert_item(s, "NEW-PART", name="Copper washer M5")
    with db.read() as s:
        new = s.scalar(select(Item.id).where(Item.code == "NEW-PART"))
        assert fresh.search(s, "copper washr m5")[0].item_id == new


def test_what_questions_decode_from_a_loaded_index_is_frozen_once_it_adds_up(
    db, db_url, tmp_path, cache_dir
):  # type: ignore[no-untyped-def]
    """Entries a question decodes from the snapshot are long-lived: left to the collector,
    every collection in a later question would walk them again (tens of ms)."""
    docs = import_catalogue(db_url, tmp_path, n=500)
    fresh = ItemSearch(db_url)
    try:
        with db.read() as s:
            fresh.refresh(s)
        assert fresh.loaded_from_snapshot
        index = fresh._index
        assert index is not None

        # the first question: no collection while it decodes, only once that is frozen
        frozen, before = gc.get_freeze_count(), index._entries.decoded
        runs: list[tuple[int, int]] = []
        threshold = gc.get_threshold()
        gc.set_threshold(1, 1, 1)  # any allocation would start a collection
        gc.callbacks.append(
            lambda _phase, _info: runs.append((index._entries.decoded, gc.get_freeze_count()))
        )
        try:
            assert index.search(docs[-1].name)
        finally:
            gc.callbacks.pop()
            gc.set_threshold(*threshold)
        assert index._entries.decoded >= before + 32
        assert all(now > frozen for decoded, now in runs if decoded > before)
        assert gc.isenabled()  # off only while a search decodes

        # more questions: what they decoded is frozen too, not the collector's to walk
        frozen = gc.get_freeze_count()
        with db.read() as s:
            for name in names_as_typed(docs, 20):
                assert fresh.search(s, name)
        decoded = [index._entries.get(i) for i in list(index._entries._live)[:200]]
        tracked = {id(o) for o in gc.get_objects()}
        assert index._entries.decoded >= 100 and gc.get_freeze_count() > frozen
        assert sum(id(e) not in tracked for e in decoded) >= 100
    finally:
        gc.unfreeze()


def test_while_an_index_is_built_the_database_answers_names_as_the_index_ranks_them(
    db, db_url, tmp_path, cache_dir
):  # type: ignore[no-untyped-def]
    docs = import_catalogue(db_url, tmp_path)
    names = names_as_typed(docs)
    expected = top_codes(db, ItemSearch(db_url), names)
    with db.read() as s:
        codes = {i: c for i, c in s.execute(select(Item.id, Item.code))}
        answered = {q: codes[interim.search_db(s, q)[0].item_id] for q in names}
    assert answered == expected


def test_the_collector_stays_off_until_the_last_of_overlapping_pauses_ends() -> None:
    """A search (pausing the collector while it decodes) that ends during a catch-up (pausing
    it while it re-indexes thousands of rows) must not turn it back on under the catch-up."""
    from stockbot.lookup.collector import paused

    assert gc.isenabled()
    catch_up_started, search_done, finish = threading.Event(), threading.Event(), threading.Event()
    seen: list[bool] = []

    def catch_up() -> None:
        with paused():
            catch_up_started.set()
            search_done.wait(30)
            seen.append(gc.isenabled())  # the search has ended meanwhile
            finish.wait(30)

    with paused():  # a search, begun first
        worker = threading.Thread(target=catch_up)
        worker.start()
        catch_up_started.wait(30)
    search_done.set()
    finish.set()
    worker.join(30)
    assert seen == [False]
    assert gc.isenabled()  # back on once the last pause ended


def test_a_big_catalogues_first_index_is_built_in_a_child_and_answers_like_one_built_here(db):
    """A service's first build of a big catalogue runs in a child process (`lookup.apart`):
    the serving process keeps its GIL and its memory, and maps what the child wrote."""
    many_items(db, 300)
    here = ItemSearch(db.url)
    with db.read() as s:
        here.refresh(s)
        expected = [h.item_id for h in here.search(s, "hex blot m8x22", limit=5)]
    apart = ItemSearch(db.url)
    apart.apart_from = 100  # "big" for the test; 5,000 items in a factory
    apart.warm(db).join(120)
    assert apart.built_apart and len(apart) == len(here)
    with db.write() as s:  # and it is caught up as any index is
        upsert_item(s, "NEW-PART", name="Copper washer M5")
    with db.read() as s:
        assert [h.item_id for h in apart.search(s, "hex blot m8x22", limit=5)] == expected
        new = s.scalar(select(Item.id).where(Item.code == "NEW-PART"))
        assert apart.search(s, "copper washr m5")[0].item_id == new


def test_when_the_child_cannot_write_its_snapshot_the_index_is_built_here(
    db, tmp_path, monkeypatch, caplog
):  # type: ignore[no-untyped-def]
    """A cache directory that cannot be made (a file is in its way): the child fails, and
    the service builds the index itself, as it did before there was a child."""
    blocked = tmp_path / "not-a-directory"
    blocked.write_text("")
    monkeypatch.setenv("STOCKBOT_SEARCH_CACHE", str(blocked))
    many_items(db, 300)
    search = ItemSearch(db.url)
    search.apart_from = 100
    search.warm(db).join(120)
    assert "the child failed (exit 1)" in caplog.text
    assert not search.built_apart and not search.loaded_from_snapshot
    assert len(search) == 301
    with db.read() as s:
        assert search.search(s, "PART-00007")[0].exact
