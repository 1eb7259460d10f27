"""The item search index, kept current against the database.

The index is built once per process from the items table and then caught up incrementally:
every item write bumps `items.search_rev` (see `store.catalog.upsert_item`), and before each
query the service asks the database for `max(search_rev)` — one indexed lookup — and reloads
only the rows changed since. That keeps several processes (Slack + Telegram + console sharing
one PostgreSQL) consistent without rescanning the table per query.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterable

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from stockbot.lookup.index import Hit, ItemIndex, SearchDoc
from stockbot.store.db import Database
from stockbot.store.models import Item

_COLUMNS = (
    Item.id, Item.code, Item.name, Item.aliases, Item.spec, Item.category, Item.barcode,
    Item.active, Item.search_rev,
)  # fmt: skip


def _doc(row) -> SearchDoc:  # type: ignore[no-untyped-def]
    return SearchDoc(
        item_id=row.id,
        code=row.code,
        name=row.name,
        aliases=tuple(row.aliases or ()),
        spec=row.spec or "",
        category=row.category or "",
        barcode=row.barcode,
    )


class ItemSearch:
    """One per `Database`: `ItemSearch.of(db).search(session, "hex blot m6x20")`."""

    def __init__(self) -> None:
        self._index: ItemIndex | None = None
        self._rev = -1
        self._lock = threading.RLock()

    @classmethod
    def of(cls, db: Database) -> ItemSearch:
        if db.search is None:
            db.search = cls()
        return db.search  # type: ignore[no-any-return]

    def refresh(self, session: Session) -> None:
        latest = session.execute(select(func.max(Item.search_rev))).scalar() or 0
        if self._index is not None and latest <= self._rev:
            return
        with self._lock:
            if self._index is None:
                rows = session.execute(select(*_COLUMNS).where(Item.active.is_(True))).all()
                self._index = ItemIndex(_doc(r) for r in rows)
                self._rev = max((r.search_rev for r in rows), default=latest)
                self._rev = max(self._rev, latest)
                return
            if latest <= self._rev:
                return
            # `>=` re-reads the boundary revision: two writers may have taken the same number.
            rows = session.execute(select(*_COLUMNS).where(Item.search_rev >= self._rev)).all()
            self._apply(rows)
            self._rev = latest

    def _apply(self, rows: Iterable) -> None:  # type: ignore[type-arg]
        assert self._index is not None
        for r in rows:
            if r.active:
                self._index.upsert(_doc(r))
            else:
                self._index.remove(r.id)

    def warm(self, db: Database) -> threading.Thread:
        """Build the index in the background (at process start), so the first fuzzy query does
        not pay for it; a query arriving meanwhile waits on the lock for the build."""

        def build() -> None:
            with db.read() as session:
                self.refresh(session)
            gc.freeze()  # the index is long-lived: keep the collector from rescanning it

        thread = threading.Thread(target=build, name="search-index", daemon=True)
        thread.start()
        return thread

    @staticmethod
    def exact(session: Session, query: str) -> int | None:
        """An exact code or barcode, straight from the database's unique index — answers at
        once even before the fuzzy index is built."""
        q = query.strip()
        if not q or len(q) > 64:
            return None
        return session.scalar(
            select(Item.id)
            .where(Item.active.is_(True), or_(Item.code.in_({q, q.upper()}), Item.barcode == q))
            .limit(1)
        )

    def search(self, session: Session, query: str, limit: int = 10) -> list[Hit]:
        exact = self.exact(session, query)
        if exact is not None:
            return [Hit(item_id=exact, score=100.0, exact=True)]
        self.refresh(session)
        assert self._index is not None
        with self._lock:  # an incremental upsert must not change the index under a query
            return self._index.search(query, limit=limit)

    def __len__(self) -> int:
        return 0 if self._index is None else len(self._index)
