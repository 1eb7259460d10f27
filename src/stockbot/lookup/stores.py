"""The index's tables, packed for a snapshot that loads in milliseconds (issue 10).

Unpickling the index as Python objects — a set per posting, a frozenset and tuples per item —
took about a second at 50,000 items (millions of small objects) while holding the GIL, so the
first questions of a new process waited for it or were answered by a plainer stand-in. Here a
snapshot is a handful of flat buffers instead:

- `Table` (a word, number, gram, code or name → item ids): the keys sorted and concatenated in
  one UTF-8 `bytes`, each key's ids in one `array('i')`, with offsets beside them; a key is
  found by binary search and becomes a `set` only when first read or written.
- `Entries` (item id → `Entry`): one encoded line per item (`Entry.encode`), decoded when the
  scorer first reads that item.

What a running index changes lives in ordinary dicts over the packed part (`_live`), so
`upsert`/`remove` stay cheap; `pack` merges both for the next snapshot. The packed parts are
read through memoryviews, so they may live in a mapped file (`snapshot.read`): loading copies
nothing, and turning rows into objects is spread over the questions that need them, a few
hundred per question at most.
"""

from __future__ import annotations

import pickle
from array import array
from bisect import bisect_left
from collections.abc import Iterator
from typing import Any, Literal

from stockbot.lookup.entries import Entry

Packed = tuple[Any, ...]


def _view(buffer: Any, fmt: Literal["B", "i", "q"]) -> memoryview:
    """A packed part as a flat memoryview of `fmt` items, wherever its bytes are (an array
    just packed, `bytes` unpickled in-band, a slice of a mapped snapshot)."""
    raw = memoryview(buffer)
    return raw.cast("B").cast(fmt) if raw.format != fmt else raw


def buffers(packed: Packed) -> Packed:
    """`packed` as pickle buffers: written out-of-band when the pickler takes them
    (`snapshot.write`), else in-band as bytes."""
    return tuple(pickle.PickleBuffer(part) for part in packed)


def _offsets(lengths: Iterator[int]) -> array:
    out, at = array("q", [0]), 0
    for n in lengths:
        at += n
        out.append(at)
    return out


class Table:
    """str → set of item ids, over a packed, sorted, read-only part from a snapshot."""

    __slots__ = ("_id_offs", "_ids", "_key_offs", "_keys", "_live", "_n", "loaded")

    def __init__(self, packed: Packed | None = None) -> None:
        self._live: dict[str, set[int]] = {}
        """Read or changed keys; an empty set stands for a key no item has any more."""
        keys, key_offs, ids, id_offs = packed or (b"", array("q", [0]), array("i"), array("q", [0]))
        self._keys = _view(keys, "B")
        self._key_offs = _view(key_offs, "q")
        self._ids = _view(ids, "i")
        self._id_offs = _view(id_offs, "q")
        self._n = len(self._key_offs) - 1
        self.loaded = 0
        """Ids turned into sets from the packed part so far (see `ItemIndex._settle`)."""

    def _find(self, key: str) -> int:
        """The packed row of `key`, or -1 (keys are sorted by their UTF-8 bytes, which is
        code-point order)."""
        want, keys, offs = key.encode(), self._keys, self._key_offs
        lo, hi = 0, self._n
        while lo < hi:
            mid = (lo + hi) // 2
            if bytes(keys[offs[mid] : offs[mid + 1]]) < want:
                lo = mid + 1
            else:
                hi = mid
        if lo < self._n and keys[offs[lo] : offs[lo + 1]] == want:
            return lo
        return -1

    def get(self, key: str) -> set[int] | None:
        """The ids under `key` (the live set itself: read it, do not change it), or None."""
        found = self._live.get(key)
        if found is not None or not self._n:
            return found or None
        row = self._find(key)
        if row < 0:
            return None
        found = self._live[key] = set(self._ids[self._id_offs[row] : self._id_offs[row + 1]])
        self.loaded += len(found)
        return found

    def __contains__(self, key: object) -> bool:
        if not isinstance(key, str):
            return False
        found = self._live.get(key)
        return bool(found) if found is not None else self._n > 0 and self._find(key) >= 0

    def add(self, key: str, item_id: int) -> bool:
        """File `item_id` under `key`; True when the key is new (no item had it)."""
        found = self.get(key)
        if found:
            found.add(item_id)
            return False
        self._live[key] = {item_id}
        return True

    def discard(self, key: str, item_id: int) -> bool:
        """Take `item_id` out of `key`; True when no item has the key any more."""
        found = self.get(key)
        if not found:
            return False
        found.discard(item_id)
        return not found

    def keys(self) -> list[str]:
        """Every key some item has (for the vocabularies: a rebuild, not a question's work)."""
        live = self._live
        keys, offs = self._keys, self._key_offs
        packed = (str(keys[offs[i] : offs[i + 1]], "utf-8") for i in range(self._n))
        return [k for k in packed if k not in live] + [k for k, s in live.items() if s]

    def values(self) -> Iterator[set[int]]:
        for key in self.keys():
            found = self.get(key)
            if found:
                yield found

    def __len__(self) -> int:
        return len(self.keys())

    def pack(self) -> Packed:
        """The whole table, packed: (keys, key offsets, ids, id offsets)."""
        live, rows = self._live, list[tuple[str, Any]]()
        keys, offs, ids, id_offs = self._keys, self._key_offs, self._ids, self._id_offs
        for i in range(self._n):
            key = str(keys[offs[i] : offs[i + 1]], "utf-8")
            if key not in live:
                rows.append((key, ids[id_offs[i] : id_offs[i + 1]]))
        rows += [(k, array("i", sorted(s))) for k, s in live.items() if s]
        rows.sort(key=lambda r: r[0])
        blob = [k.encode() for k, _ in rows]
        out = array("i")
        for _, row_ids in rows:
            out.extend(row_ids)
        return (
            b"".join(blob),
            _offsets(len(b) for b in blob),
            out,
            _offsets(len(r) for _, r in rows),
        )


class Entries:
    """item id → `Entry`, over a packed part from a snapshot (decoded on first read)."""

    __slots__ = ("_blob", "_count", "_gone", "_ids", "_live", "_offs", "decoded")

    def __init__(self, packed: Packed | None = None) -> None:
        ids, offs, blob = packed or (array("i"), array("q", [0]), b"")
        self._ids = _view(ids, "i")
        self._offs = _view(offs, "q")
        self._blob = _view(blob, "B")
        self._live: dict[int, Entry] = {}
        self._gone: set[int] = set()
        """Packed ids removed since (or replaced: the live entry wins)."""
        self._count = len(self._ids)
        self.decoded = 0
        """Entries decoded from the packed part so far (see `ItemIndex._settle`)."""

    def _row(self, item_id: int) -> int:
        ids = self._ids
        i = bisect_left(ids, item_id)
        return i if i < len(ids) and ids[i] == item_id and item_id not in self._gone else -1

    def get(self, item_id: int) -> Entry | None:
        found = self._live.get(item_id)
        if found is not None or not self._ids:
            return found
        row = self._row(item_id)
        if row < 0:
            return None
        line = str(self._blob[self._offs[row] : self._offs[row + 1]], "utf-8")
        found = self._live[item_id] = Entry.decode(line)
        self.decoded += 1
        return found

    def __contains__(self, item_id: object) -> bool:
        if not isinstance(item_id, int):
            return False
        return item_id in self._live or (bool(self._ids) and self._row(item_id) >= 0)

    def __len__(self) -> int:
        return self._count

    def put(self, item_id: int, entry: Entry) -> None:
        """Add (or replace) an item's entry."""
        if item_id not in self:
            self._count += 1
        self._live[item_id] = entry

    def pop(self, item_id: int) -> Entry | None:
        found = self.get(item_id)
        if found is None:
            return None
        del self._live[item_id]
        if self._ids:
            self._gone.add(item_id)
        self._count -= 1
        return found

    def pack(self) -> Packed:
        """Every entry, packed: (sorted ids, offsets, encoded lines)."""
        blob, offs = self._blob, self._offs
        rows: dict[int, bytes] = {}
        for row, item_id in enumerate(self._ids):
            if item_id not in self._gone and item_id not in self._live:
                rows[item_id] = bytes(blob[offs[row] : offs[row + 1]])
        for item_id, entry in self._live.items():
            rows[item_id] = entry.encode()
        ids = sorted(rows)
        lines = [rows[i] for i in ids]
        return array("i", ids), _offsets(len(b) for b in lines), b"".join(lines)
