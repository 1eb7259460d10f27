"""Answers for the seconds while a process *builds* its search index (no usable snapshot).

A snapshot loads in milliseconds (`stores.py`), so a question asked while a process loads one
waits for it and the index answers. Only the very first start on a database — or a snapshot
that does not match it — builds the index from the table (2–4 s for 50,000 items). A question
meanwhile is answered from here: a bounded substring query over the items table (every query
word in the code, name or aliases; the database scans outside the GIL, so the build keeps
going), the plainest variants first; its rows are then ranked by the index's own scorer — a
small `ItemIndex` of just those items — so an item found here ranks as the index ranks it.
What it cannot do is forgive a typo: the words must be there. Aliases are a JSON column
stored by `json.dumps` (non-ASCII as `\\uXXXX`), so a CJK word is looked for in that spelling
too.
"""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import String, and_, cast, func, or_, select
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement

from stockbot.lookup.entries import Hit, SearchDoc
from stockbot.lookup.index import ItemIndex
from stockbot.lookup.tokens import normalize
from stockbot.store.models import Item

_MAX_WORDS = 4
_MAX_CHARS = 100
_ROWS = 150
"""Matching items read and ranked at most (as many as the index's own candidates)."""


def _words(query: str) -> dict[str, set[str]]:
    """The query's words in the index's spelling (full-width, 繁體, case folded), longest —
    usually most selective — first; each with the spellings to look for in the table: itself,
    and the word as typed when normalising changed it (`6mm²` is stored so, not as `6mm2`)."""
    spellings: dict[str, set[str]] = {}
    for chunk in query[:_MAX_CHARS].split():
        for word in normalize(chunk).split():
            spellings.setdefault(word, {word}).add(chunk.lower())
    for word in normalize(query[:_MAX_CHARS]).split():  # joined across chunks: `6 x 20`
        spellings.setdefault(word, {word})
    longest = sorted(spellings, key=len, reverse=True)[:_MAX_WORDS]
    return {w: spellings[w] for w in longest}


# --- from the database -----------------------------------------------------------------------


def _like(pattern: str) -> str:
    return "%" + pattern.replace("/", "//").replace("%", "/%").replace("_", "/_") + "%"


def _contains(column: Any, word: str, sqlite: bool) -> ColumnElement[bool]:
    """Case-folded substring test; SQLite's LIKE already folds ASCII case, and a `lower()`
    per row would double the scan."""
    if sqlite:
        return column.like(_like(word), escape="/")
    return column.ilike(_like(word), escape="/")


def _matches(word: str, sqlite: bool) -> ColumnElement[bool]:
    """One word in the name, the aliases or the code: SQL stops at the first that holds, and
    a row failing the most selective word (the first) is not tested for the rest."""
    aliases = cast(Item.aliases, String)
    options = [_contains(Item.name, word, sqlite), _contains(aliases, word, sqlite)]
    if word.isascii():
        options.append(_contains(Item.code, word, sqlite))
    else:  # the JSON column holds `\\uXXXX`
        options.append(_contains(aliases, json.dumps(word)[1:-1], sqlite))
    return or_(*options)


def search_db(session: Session, query: str, limit: int = 10) -> list[Hit]:
    """Items whose code/name/aliases contain every word of `query`, best first."""
    words = _words(query)
    if not words:
        return []
    sqlite = session.get_bind().dialect.name == "sqlite"
    found = and_(*(or_(*(_matches(w, sqlite) for w in spellings)) for spellings in words.values()))
    (first, *more) = words
    if not more and first.isalnum() and not first.isalpha():
        found = or_(found, _contains(func.replace(Item.code, "-", ""), first, sqlite))
    rows = session.execute(
        select(Item.id, Item.code, Item.name, Item.aliases, Item.spec, Item.category)
        .where(Item.active.is_(True), found)
        .order_by(func.length(Item.name), Item.id)  # the plain variants, as the index prefers
        .limit(_ROWS)
    ).all()
    docs = (
        SearchDoc(r.id, r.code, r.name, tuple(r.aliases or ()), r.spec or "", r.category or "")
        for r in rows
    )
    return ItemIndex(docs).search(query, limit)
