"""The item search index, kept current against the database.

The index is built once per process from the items table and then caught up incrementally:
every item write bumps `items.search_rev` (see `store.catalog.upsert_item`), and before each
query the service asks the database for `max(search_rev)` — one indexed lookup — and reloads
only the rows changed since. That keeps several processes (Slack + Telegram + console sharing
one PostgreSQL) consistent without rescanning the table per query.

Building the index for 50,000 items takes 2–4 s; loading a snapshot of it takes milliseconds
(flat buffers, see `stores.py`), so a process starting (`warm`) loads it and asks it one
question before it calls itself ready, and a question asked while a process loads it just
waits for it and is answered by the index itself — the one ranking. Only while an index is
*built* (no usable snapshot: the very first start) are questions answered from the database
(`interim.search_db`, ranked by the same scorer). After a full build the index is saved (in
the background, atomically) to a per-database file in the user's cache directory
(`STOCKBOT_SEARCH_CACHE` overrides the directory; an empty value turns it off). A process
starting later loads the snapshot, catches up on the items changed since by their revisions,
and keeps it only if item count and highest id then agree with the database; otherwise it
builds from scratch. The snapshot is a cache, never the truth.

Whoever changes the catalogue in bulk pays for the index, not the next person who asks:
`stockbot import items` and `stockbot db upgrade` end by building it and writing the snapshot
(`save_snapshot`), so a process started afterwards loads it, and a process that was already
running, finding tens of thousands of changed rows, adopts the newer snapshot instead of
re-indexing them one by one. Long-running processes (`warm(follow=...)`) also catch up in the
background, so a question rarely waits for a catch-up at all.
"""

from __future__ import annotations

import gc
import logging
import shutil
import tempfile
import threading
import time
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from stockbot.lookup import apart, interim, snapshot
from stockbot.lookup.collector import paused
from stockbot.lookup.index import Hit, ItemIndex, SearchDoc
from stockbot.lookup.snapshot import path_for as snapshot_path
from stockbot.store.catalog import items_labelled
from stockbot.store.db import Database
from stockbot.store.models import Item, ItemBarcode

_COLUMNS = (
    Item.id, Item.code, Item.name, Item.aliases, Item.spec, Item.category, Item.barcode,
    Item.active, Item.search_rev,
)  # fmt: skip

_LATEST = select(func.max(Item.__table__.c.search_rev))
"""Asked before every fuzzy question: built once."""

log = logging.getLogger(__name__)


_SETTLE_S = 0.5
"""How long a question waits for a snapshot to load (it takes milliseconds) before it is
answered from the database instead."""

READY_S = 2.0
"""How long `warm` (process start) waits for a snapshot to load and answer its warm-up
question; never for a build."""

_WARM_UP = "hex blot m6x20 螺栓 10k"
"""A question touching every kind of term (a typo, a number, CJK, a unit) — not a code."""

BULK = 1000
"""Changed rows beyond which a catch-up is a bulk change: worth a snapshot of its own."""


def save_snapshot(db: Database) -> tuple[int, Path] | None:
    """Index the catalogue and write its snapshot now: `stockbot import items` and
    `stockbot db upgrade` end with this. None when snapshots are turned off."""
    search = ItemSearch.of(db)
    with db.read() as session:
        path = search.save_snapshot(session)
    return None if path is None else (len(search), path)


def _doc(row, barcodes: dict[int, list[str]]) -> SearchDoc:
    return SearchDoc(
        item_id=row.id,
        code=row.code,
        name=row.name,
        aliases=tuple(row.aliases or ()),
        spec=row.spec or "",
        category=row.category or "",
        barcode=row.barcode,
        barcodes=tuple(barcodes.get(row.id, ())),
    )


def _barcodes(session: Session, since: int | None = None) -> dict[int, list[str]]:
    """Further barcodes (`item_barcodes`) of every item, or of those changed since revision
    `since`: writing an item's barcodes bumps its revision, as any other change does."""
    query = select(ItemBarcode.item_id, ItemBarcode.code).order_by(
        ItemBarcode.item_id, ItemBarcode.code
    )
    if since is not None:
        query = query.join(Item, Item.id == ItemBarcode.item_id).where(Item.search_rev >= since)
    found: dict[int, list[str]] = {}
    for item_id, code in session.execute(query):
        found.setdefault(item_id, []).append(code)
    return found


def _changed(session: Session, since: int) -> tuple[Sequence[Any], dict[int, list[str]]]:
    """Items (and their further barcodes) at or after revision `since` — `>=`: two writers
    may have taken the same number."""
    rows = session.execute(select(*_COLUMNS).where(Item.search_rev >= since)).all()
    return rows, (_barcodes(session, since) if rows else {})


class ItemSearch:
    """One per `Database`: `ItemSearch.of(db).search(session, "hex blot m6x20")`."""

    def __init__(self, url: str | None = None, *, snapshot_at: Path | None = None) -> None:
        self._index: ItemIndex | None = None
        self._rev = -1
        self._lock = threading.RLock()
        self._snapshot = snapshot_at or (snapshot_path(url) if url else None)
        self.loaded_from_snapshot = False
        self.apart_from = apart.APART_FROM
        """Active items from which a warmed process's first build runs in a child (`apart`)."""
        self.built_apart = False
        self._stopped = threading.Event()
        self._loading = threading.Event()
        self._db: Database | None = None
        self._settled = threading.Event()
        """Clear while a load is under way and may still publish a snapshot's index (the few
        milliseconds a question waits for it); set once it has, or once it turned out to be a
        build (seconds: questions meanwhile are answered from the database)."""
        self._settled.set()

    def stop(self) -> None:
        """End the background catch-up of `warm(follow=...)` (the process is shutting down)."""
        self._stopped.set()

    @classmethod
    def of(cls, db: Database) -> ItemSearch:
        if db.search is None:
            db.search = cls(db.url)
        return db.search

    def _fingerprint(self, session: Session) -> tuple[int, int]:
        count, top = session.execute(
            select(func.count(Item.id), func.max(Item.id)).where(Item.active.is_(True))
        ).one()
        return count, top or 0

    def _load_snapshot(
        self, session: Session, latest: int, newer_than: int = -1, path: Path | None = None
    ) -> bool:
        """Adopt the saved index (at *path*, else this database's snapshot file) if it is from
        this database's past (and, catching up a running process, newer than what it has);
        catch it up, check it against the database, and only then publish it."""
        path = path or self._snapshot
        if path is None or not path.exists():
            return False
        found: list[int] = []

        def usable(version: int, rev: int) -> bool:
            found.append(rev)
            return version == snapshot.VERSION and newer_than < rev <= latest

        try:
            with paused():
                index = snapshot.read(path, usable)
        except Exception as exc:  # a torn or foreign file is just a missing cache
            log.warning("search snapshot unusable (%s); rebuilding", exc)
            return False
        if not isinstance(index, ItemIndex):
            return False
        rev = found[0]
        rows, barcodes = _changed(session, rev)
        with paused():
            _apply(index, rows, barcodes)
        count, top = self._fingerprint(session)
        if len(index) != count or (count and top not in index):
            return False
        self._index, self._rev = index, latest
        self.loaded_from_snapshot = True
        # whatever the process holds by now is long-lived: a full collection after this load
        # would otherwise walk all of it in whichever thread allocates next (a question)
        gc.freeze()
        if len(rows) > BULK:
            self._save_later()
        return True

    def _save_later(self) -> None:
        path, index, rev = self._snapshot, self._index, self._rev
        if path is None or index is None:
            return

        def save() -> None:
            with self._lock:  # no incremental upsert while it is pickled
                snapshot.write(path, rev, index)

        # not a daemon: a short-lived process (one console line) still finishes writing it
        threading.Thread(target=save, name="search-snapshot", daemon=False).start()

    def save_snapshot(self, session: Session) -> Path | None:
        """Bring the index up to date and write its snapshot now (the end of a bulk change:
        an import, an upgrade), so that no later question pays for building it."""
        if self._snapshot is None:
            return None
        latest = session.execute(select(func.max(Item.search_rev))).scalar() or 0
        with self._lock:
            # built afresh: after a bulk change that is faster than catching an old one up
            self._build(session, latest)
            assert self._index is not None
            return (
                self._snapshot if snapshot.write(self._snapshot, self._rev, self._index) else None
            )

    def refresh(self, session: Session, asking: bool = False) -> bool:
        """Catch the index up with the items table. `asking` (a question waits on this): a bulk
        catch-up in a warmed process is handed to the background instead, and False says the
        question should be answered by `interim` meanwhile."""
        latest = session.execute(_LATEST).scalar() or 0
        if self._index is not None and latest <= self._rev:
            return True
        if asking and self._db is not None and self._bulk_behind(session):
            self._catch_up_later(self._db)
            return False
        with self._lock:
            try:
                self._locked_refresh(session, latest)
            finally:
                self._settled.set()  # published, or found wanting: nobody waits for it now
        return True

    def _begin_loading(self) -> None:
        self._settled.clear()
        self._loading.set()

    def _catch_up_later(self, db: Database) -> None:
        if self._loading.is_set():
            return
        self._begin_loading()

        def catch_up() -> None:
            try:
                with db.read() as session:
                    self.refresh(session)
            except Exception as exc:  # the database is away: the next question tries again
                log.warning("search index catch-up failed: %s", str(exc).splitlines()[0])
            finally:
                self._loading.clear()

        threading.Thread(target=catch_up, name="search-catch-up", daemon=True).start()

    def _locked_refresh(self, session: Session, latest: int) -> None:
        if self._index is None:
            if self._load_snapshot(session, latest):
                return
            self._settled.set()  # a build takes seconds: questions go to the database
            if self._build_apart(session):
                return
            self._build(session, latest)
            if len(self) >= BULK:  # small catalogues build faster than they load
                self._save_later()
            return
        if latest <= self._rev:
            return
        bulk = self._bulk_behind(session)
        if bulk:
            self._begin_loading()  # questions wait for the adoption, not for this lock
        try:
            if bulk and self._load_snapshot(session, latest, newer_than=self._rev):
                return
            self._settled.set()  # one row at a time: questions go to the database meanwhile
            rows, barcodes = _changed(session, self._rev)
            with paused():
                _apply(self._index, rows, barcodes)
            if bulk:  # (another process's import, before its snapshot was written)
                gc.freeze()  # long-lived now: no full collection in a question walks them
            self._rev = latest
        finally:
            if bulk:
                self._loading.clear()

    def _bulk_behind(self, session: Session) -> bool:
        """So many items changed since the index's revision (another process imported a
        catalogue) that adopting that process's snapshot beats re-indexing them one by one."""
        if self._index is None:
            return False
        backlog = session.scalar(select(func.count(Item.id)).where(Item.search_rev >= self._rev))
        return (backlog or 0) > max(BULK, len(self._index) // 4)

    def _build_apart(self, session: Session) -> bool:
        """A big catalogue's first build, in a child process (`apart`), for a process that
        warmed the index (a service); then the snapshot it wrote is loaded like any other. A
        temporary file stands in when snapshots are turned off."""
        if self._db is None or self._fingerprint(session)[0] < self.apart_from:
            return False
        temp = None if self._snapshot is not None else Path(tempfile.mkdtemp(prefix="stockbot-"))
        path = self._snapshot or Path(temp or ".") / "search.snapshot"
        try:
            if not apart.built(self._db.url, path):
                return False
            with self._db.read() as fresh:  # what changed while the child built is caught up
                latest = fresh.execute(_LATEST).scalar() or 0
                self.built_apart = self._load_snapshot(fresh, latest, path=path)
            if not self.built_apart:
                log.warning("search index: the child's snapshot was not usable; building here")
            return self.built_apart
        finally:
            if temp is not None:  # the mapping keeps its pages after the file is gone
                shutil.rmtree(temp, ignore_errors=True)

    def _build(self, session: Session, latest: int) -> None:
        rows = session.execute(select(*_COLUMNS).where(Item.active.is_(True))).all()
        barcodes = _barcodes(session)
        self._index = ItemIndex(_doc(r, barcodes) for r in rows)
        self._rev = max(max((r.search_rev for r in rows), default=latest), latest)
        gc.freeze()  # millions of long-lived objects: keep full collections off them

    def warm(
        self, db: Database, follow: float | None = None, ready_within: float = READY_S
    ) -> threading.Thread:
        """Load (or build) the index in the background at process start, so the first fuzzy
        query does not pay for it. A snapshot's load (milliseconds) is waited for, up to
        `ready_within` seconds, and then one question is asked of it (`_warm_up`): the
        process's one-off costs — the ORM's mapper set-up, compiling the search's statements,
        rapidfuzz's and OpenCC's first calls — are paid here, before the process says it is
        ready, not in its first user's question. A build (seconds) is not waited for: a query
        meanwhile is answered from the database. With `follow`, keep catching up every
        `follow` seconds, so that after another process's bulk change the catch-up happens
        here rather than in someone's question."""
        warmed = threading.Event()

        def build() -> None:
            built = False
            while True:
                try:
                    with db.read() as session:
                        self.refresh(session)
                        if not built:
                            built = True
                            self._warm_up(session)
                            gc.freeze()  # the index is long-lived: keep the collector off it
                except Exception as exc:  # the database is away: a later round or question
                    log.warning("search index catch-up failed: %s", str(exc).splitlines()[0])
                    self._settled.set()  # no load under way: nobody waits for one
                finally:
                    self._loading.clear()
                    warmed.set()
                if not follow or self._stopped.wait(follow):
                    return

        self._db = db
        if self._index is None:
            self._begin_loading()
        thread = threading.Thread(target=build, name="search-index", daemon=True)
        thread.start()
        deadline = time.monotonic() + ready_within
        if ready_within > 0 and self._settled.wait(ready_within) and self._index is not None:
            warmed.wait(max(0.0, deadline - time.monotonic()))  # a load: then the warm-up
        return thread

    def _warm_up(self, session: Session) -> None:
        """One question through the whole search path, answered and forgotten."""
        if self._index is not None:
            self.search(session, _WARM_UP)

    @staticmethod
    def exact(session: Session, query: str) -> int | None:
        """An exact code or barcode, straight from the database's unique index — answers at
        once even before the fuzzy index is built."""
        # a barcode two items share (a re-labelled part) is a question, not an answer
        same = items_labelled(session, query, limit=2)
        return same[0] if len(same) == 1 else None

    def search(self, session: Session, query: str, limit: int = 10) -> list[Hit]:
        exact = self.exact(session, query)
        if exact is not None:
            return [Hit(item_id=exact, score=100.0, exact=True)]
        if not self._ready(session):
            return interim.search_db(session, query, limit)
        with self._lock:  # an incremental upsert must not change the index under a query
            assert self._index is not None
            return self._index.search(query, limit=limit)

    def _ready(self, session: Session) -> bool:
        """Whether the index can answer now, caught up. A load under way (the first, or the
        adoption of a bulk change's snapshot) is waited for: a snapshot loads in milliseconds.
        Never a build: False, and the database answers meanwhile."""
        if not self._loading.is_set() and self.refresh(session, asking=True):
            return True
        self._settled.wait(_SETTLE_S)
        if not self._settled.is_set() or self._index is None:
            return False
        if self._loading.is_set() and not self._fresh(session):
            return False  # re-indexing row by row: not under this lock
        return self.refresh(session, asking=True)

    def _fresh(self, session: Session) -> bool:
        latest = session.execute(select(func.max(Item.search_rev))).scalar() or 0
        return latest <= self._rev

    def __len__(self) -> int:
        return 0 if self._index is None else len(self._index)


def _apply(index: ItemIndex, rows: Iterable, barcodes: dict[int, list[str]]) -> None:
    for r in rows:
        if r.active:
            index.upsert(_doc(r, barcodes))
        else:
            index.remove(r.id)
