"""The item search index, kept current against the database.

The index is built once per process from the items table and then caught up incrementally:
every item write bumps `items.search_rev` (see `store.catalog.upsert_item`), and before each
query the service asks the database for `max(search_rev)` — one indexed lookup — and reloads
only the rows changed since. That keeps several processes (Slack + Telegram + console sharing
one PostgreSQL) consistent without rescanning the table per query.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable

from sqlalchemy import func, select
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

    def search(self, session: Session, query: str, limit: int = 10) -> list[Hit]:
        self.refresh(session)
        assert self._index is not None
        with self._lock:  # an incremental upsert must not change the index under a query
            return self._index.search(query, limit=limit)

    def __len__(self) -> int:
        return 0 if self._index is None else len(self._index)
