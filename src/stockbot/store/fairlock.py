"""A first-come-first-served lock for this process's SQLite writers.

SQLite's busy handler is not fair (one writer can starve for over a second while others keep
getting the file lock), so writers inside one process queue here and only the head of the
queue contends for the file lock (`store.db`)."""

from __future__ import annotations

import threading
from collections import deque


class FairLock:
    """A FIFO lock: threads acquire in arrival order (threading.Lock makes no promise).

    The releasing thread hands the lock straight to the longest waiter, waking that one thread
    only, so the handover costs one wake-up rather than a stampede of every waiter."""

    def __init__(self) -> None:
        self._guard = threading.Lock()
        self._waiters: deque[threading.Lock] = deque()
        self._held = False

    def __enter__(self) -> FairLock:
        with self._guard:
            if not self._held:
                self._held = True
                return self
            turn = threading.Lock()
            turn.acquire()
            self._waiters.append(turn)
        turn.acquire()  # released by the previous holder: the lock is now ours
        return self

    def __exit__(self, *exc: object) -> None:
        with self._guard:
            if self._waiters:
                self._waiters.popleft().release()  # stays held: ownership passes on
            else:
                self._held = False
