"""The search snapshot file: where it lives, how it is written and read.

Layout: a magic line, the length of a small header pickle — (version, revision, the index's
pickle length, its buffers' lengths) — the header, the index's pickle (protocol 5, its large
buffers out-of-band), then the buffers themselves, each at an 8-byte boundary. A reader maps
the file and hands the index memoryviews into the mapping, so loading 50,000 items copies
nothing: pages are read as questions touch them. A file that cannot be mapped (a pipe) is
read into one buffer instead.

The file is only ever replaced whole (`os.replace` of a finished temporary file), which a
mapping survives: it keeps the old file's pages until the index that uses them is dropped.
Truncating the file in place under a running process would not be survived (SIGBUS), so
nothing but `write` should touch it.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import mmap
import os
import pickle
import struct
import threading
from io import BufferedReader
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)

VERSION = 4
"""4: header + index pickle + out-of-band buffers (`ItemIndex.__getstate__`)."""
_MAGIC = b"stockbot search\n"
_LENGTH = struct.Struct("<Q")
_ALIGN = 8


def path_for(url: str) -> Path | None:
    """A per-database file in the user's cache directory (`STOCKBOT_SEARCH_CACHE` overrides
    the directory; an empty value turns snapshots off)."""
    where = os.environ.get("STOCKBOT_SEARCH_CACHE")
    if where == "":
        return None
    base = (
        Path(where)
        if where
        else Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "stockbot"
    )
    return base / f"search-{hashlib.sha256(url.encode()).hexdigest()[:16]}.pickle"


def _pad(at: int) -> int:
    return -at % _ALIGN


def write(path: Path, rev: int, index: object) -> bool:
    """Write `index` as it stands at revision `rev`, atomically (a reader never sees half a
    file)."""
    tmp = path.with_name(f"{path.name}.{os.getpid()}.{threading.get_ident()}.tmp")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        buffers: list[pickle.PickleBuffer] = []
        data = pickle.dumps(index, protocol=5, buffer_callback=buffers.append)
        raws = [b.raw() for b in buffers]
        header = pickle.dumps((VERSION, rev, len(data), [r.nbytes for r in raws]), protocol=5)
        with tmp.open("wb") as f:
            f.write(_MAGIC + _LENGTH.pack(len(header)) + header + data)
            at = len(_MAGIC) + _LENGTH.size + len(header) + len(data)
            for raw in raws:
                f.write(b"\0" * _pad(at))
                at += _pad(at)
                f.write(raw)
                at += raw.nbytes
        os.replace(tmp, path)
        return True
    except OSError as exc:
        log.warning("could not save the search snapshot: %s", exc)
        with contextlib.suppress(OSError):
            tmp.unlink()
        return False


def read(path: Path, usable: Any) -> object | None:
    """The index in the file at `path`, if `usable(version, rev)` says so after reading the
    header (else None, without reading the rest). Raises on a torn or foreign file."""
    with path.open("rb") as f:
        if f.read(len(_MAGIC)) != _MAGIC:
            raise ValueError("not a search snapshot")
        (size,) = _LENGTH.unpack(f.read(_LENGTH.size))
        version, rev, data_len, lengths = pickle.loads(f.read(size))
        if not usable(version, rev):
            return None
        at = len(_MAGIC) + _LENGTH.size + size
        data, views = _mapped(f, at, data_len, lengths) or _streamed(f, at, data_len, lengths)
        return pickle.loads(data, buffers=views)


def _layout(at: int, data_len: int, lengths: list[int]) -> list[tuple[int, int]]:
    at += data_len
    spans = []
    for n in lengths:
        at += _pad(at)
        spans.append((at, n))
        at += n
    return spans


def _mapped(
    f: BufferedReader, at: int, data_len: int, lengths: list[int]
) -> tuple[bytes, list[memoryview]] | None:
    try:
        mapping = mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ)
    except (OSError, ValueError):  # a pipe, an empty file: read it instead
        return None
    spans = _layout(at, data_len, lengths)
    if spans and spans[-1][0] + spans[-1][1] > len(mapping):
        raise ValueError("search snapshot is shorter than its header says")
    whole = memoryview(mapping)
    return mapping[at : at + data_len], [whole[a : a + n] for a, n in spans]


def _streamed(
    f: BufferedReader, at: int, data_len: int, lengths: list[int]
) -> tuple[bytes, list[memoryview]]:
    data = f.read(data_len)
    views, pos = [], at + data_len
    for start, n in _layout(at, data_len, lengths):
        f.read(start - pos)  # the padding
        buf = bytearray(n)
        if f.readinto(buf) != n:
            raise ValueError("search snapshot is shorter than its header says")
        views.append(memoryview(buf))
        pos = start + n
    return data, views
