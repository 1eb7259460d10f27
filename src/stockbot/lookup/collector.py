"""The cyclic garbage collector paused while the index allocates long-lived objects.

`gc.disable()` is process-wide. Two threads pausing it each on their own — a question's search
and a catch-up re-indexing tens of thousands of rows — let the first to finish turn it back on
under the other: the catch-up then ran with the collector on (about half again as long, and its
full collections walking the growing index while holding the GIL, so the questions meanwhile
stalled hundreds of ms). So every pause goes through `paused()`: the first one in turns the
collector off, the last one out turns it back on (if it was on before the first).
"""

from __future__ import annotations

import contextlib
import gc
import threading
from collections.abc import Iterator

_lock = threading.Lock()
_depth = 0
_was_on = False


@contextlib.contextmanager
def paused() -> Iterator[None]:
    global _depth, _was_on
    with _lock:
        if _depth == 0:
            _was_on = gc.isenabled()
            gc.disable()
        _depth += 1
    try:
        yield
    finally:
        with _lock:
            _depth -= 1
            if _depth == 0 and _was_on:
                gc.enable()
