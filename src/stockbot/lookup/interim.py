"""Answers for the second or two while the in-memory index is still loading.

A brand-new process loads the search index in the background (about a second for 50,000
items: millions of small objects to unpickle). A question asked in that second used to wait for
the load, so the first person of the day waited longest. Now it is answered at once, plainer
than the index would (every query word must occur in the item's code, name, aliases or spec;
no typo forgiveness, no number heads), from one of two places:

- `Haystack`: the snapshot's first part, one normalized line per item in a single string with
  two int arrays beside it. It unpickles in milliseconds (three objects, not millions), and a
  substring search over it is a C-level scan of a few MB. `service` publishes it before it
  starts on the index proper.
- `search_db`: no snapshot at all (the very first start builds the index, 2–4 s): a bounded
  substring query over the items table. The database scans outside the GIL, so the build keeps
  going meanwhile. Aliases are a JSON column stored by `json.dumps` (non-ASCII as `\\uXXXX`),
  so a CJK word is looked for in that spelling too.

Both rank the same way (`_rank`). Items changed after the snapshot are not in the haystack;
for that second they are found as they were.
"""

from __future__ import annotations

import json
import re
from array import array
from bisect import bisect_right
from collections.abc import Iterable, Sequence
from typing import Any

from rapidfuzz import fuzz
from sqlalchemy import String, and_, cast, func, or_, select
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement

from stockbot.lookup.entries import Hit, SearchDoc
from stockbot.lookup.tokens import normalize
from stockbot.store.models import Item

_MAX_WORDS = 4
_MAX_CHARS = 100
_ROWS = 60
"""Matching items read and ranked at most (the index ranks 150)."""
_SCAN = 5_000
"""Lines the haystack tests against the other words at most, from the rarest word's hits."""
_NOT_CODE = re.compile(r"[^0-9a-z]")


def _words(query: str) -> list[str]:
    """The query's words in the index's spelling (full-width, 繁體, case folded), longest —
    usually most selective — first."""
    return sorted(set(normalize(query[:_MAX_CHARS]).split()), key=len, reverse=True)[:_MAX_WORDS]


def _flat(code: str) -> str:
    return _NOT_CODE.sub("", code.lower())


def _similar(q: str, name: str) -> float:
    """Covers the query (any word order), and among those that do, the shortest name first:
    `hex bolt m12x50` before `hex bolt m12x50 stainless`."""
    return 0.7 * fuzz.token_set_ratio(q, name) + 0.3 * fuzz.token_sort_ratio(q, name)


def _rank(
    words: list[str], flat: str, rows: Iterable[tuple[int, str, Sequence[str]]], limit: int
) -> list[Hit]:
    """(id, code, names) → hits: the code typed in any spelling is exact; the rest by how well
    the query covers a name or alias, below what the index would give a clear hit."""
    q = " ".join(words)
    hits = []
    for item_id, code, names in rows:
        if _flat(code) == flat:
            hits.append(Hit(item_id=item_id, score=100.0, exact=True))
            continue
        best = max((_similar(q, normalize(n)) for n in names), default=0.0)
        hits.append(Hit(item_id=item_id, score=round(best * 0.9, 1), exact=False))
    hits.sort(key=lambda h: (not h.exact, -h.score, h.item_id))
    return hits[:limit]


# --- from the snapshot -----------------------------------------------------------------------


class Haystack:
    """Every item as one normalized line — `flatcode code name | alias | spec` — in one
    string of bytes, with each line's item id and start beside it."""

    __slots__ = ("_ids", "_starts", "_text")

    def __init__(self, docs: Iterable[SearchDoc]) -> None:
        ids, starts, lines, at = array("i"), array("i"), [], 0
        for d in docs:
            names = " | ".join(normalize(n) for n in (d.name, *d.aliases))
            line = f"{_flat(d.code)} {d.code}\t{names}\t{normalize(d.spec)}\n".encode()
            ids.append(d.item_id)
            starts.append(at)
            lines.append(line)
            at += len(line)
        # UTF-8 bytes, not str: unpickled without decoding (a copy), searched as bytes
        self._ids, self._starts, self._text = ids, starts, b"".join(lines)

    def __len__(self) -> int:
        return len(self._ids)

    def search(self, query: str, limit: int = 10) -> list[Hit]:
        words = _words(query)
        if not words:
            return []
        text, starts = self._text, self._starts
        first, rest = words[0].encode(), [w.encode() for w in words[1:]]
        rows: list[tuple[int, str, Sequence[str]]] = []
        pos, scanned = text.find(first), 0
        while pos != -1 and len(rows) < _ROWS and scanned < _SCAN:
            n = bisect_right(starts, pos) - 1
            end = starts[n + 1] if n + 1 < len(starts) else len(text)
            line, scanned = text[starts[n] : end], scanned + 1
            if all(w in line for w in rest):
                code_part, names, _spec = line.decode().split("\t")
                rows.append((self._ids[n], code_part.split(" ", 1)[1], names.split(" | ")))
            pos = text.find(first, end)  # on to the next line
        return _rank(words, _flat(query), rows, limit)


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
    found = and_(*(_matches(w, sqlite) for w in words))
    if len(words) == 1 and words[0].isalnum() and not words[0].isalpha():
        found = or_(found, _contains(func.replace(Item.code, "-", ""), words[0], sqlite))
    rows = session.execute(
        select(Item.id, Item.code, Item.name, Item.aliases)
        .where(Item.active.is_(True), found)
        .limit(_ROWS)
    ).all()
    found_rows = ((r.id, r.code, [r.name, *(r.aliases or ())]) for r in rows)
    return _rank(words, _flat(query), found_rows, limit)
