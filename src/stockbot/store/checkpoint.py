"""SQLite's write-ahead log written back to the database file off the request path.

By default SQLite checkpoints inside whichever commit first pushes the log past 1,000 pages:
that commit copies ~4 MB into the database file and fsyncs it before returning, so about one
write in twenty — a keeper's kit issue, an approval click — waited 300–550 ms longer than the
others (`bench/bench_wo.py`: release + issue kit p50 ~150 ms, p99 ~550 ms, with no extra CPU).

Here a daemon thread of each writing process runs a PASSIVE checkpoint (it never waits for a
reader or a writer, and a writer never waits for it) a moment after writes commit, and each
connection's own automatic checkpoint is raised to `BACKSTOP_PAGES`: should the thread fall
behind (a process stopped in a debugger, a disk that stalls), the log is still bounded, as
before, just later. The thread starts at the first write (a process that only reads never
starts one) and only wakes after a write, so an idle replica and a deleted test file cost
nothing.
"""

from __future__ import annotations

import logging
import threading
from typing import Any

from sqlalchemy.engine import Engine

log = logging.getLogger(__name__)

BACKSTOP_PAGES = 16_000
"""`PRAGMA wal_autocheckpoint` for every connection (pages of 4 KiB: ~64 MB of log)."""

DELAY_S = 0.5
"""How long after a write the thread checkpoints: writes in between are written back once."""


class WalCheckpointer:
    """One per `Database` on a SQLite file; `wrote()` after each committed write."""

    def __init__(self, engine: Engine, delay: float = DELAY_S) -> None:
        self._engine = engine
        self._delay = delay
        self._written = threading.Event()
        self._stopped = threading.Event()
        self._start = threading.Lock()
        self._thread: threading.Thread | None = None
        self.last: tuple[Any, ...] | None = None
        """The last pass's (busy, log pages, pages written back): 0, n, n when it caught up."""
        self.passed = threading.Event()
        """Set after each pass (tests and benches wait on it; clear it first)."""

    def wrote(self) -> None:
        """A write committed: the log is written back within `delay` seconds."""
        self._written.set()
        if self._thread is None:
            with self._start:
                if self._thread is None and not self._stopped.is_set():
                    self._thread = threading.Thread(
                        target=self._run, name="sqlite-checkpoint", daemon=True
                    )
                    self._thread.start()

    def checkpoint(self) -> tuple[Any, ...] | None:
        """One PASSIVE checkpoint now: (busy, log pages, pages written back), as SQLite says.

        On the raw connection, outside any transaction (the pool's connections run in
        autocommit: `store.db` takes transaction control itself)."""
        raw = self._engine.raw_connection()
        try:
            row = raw.cursor().execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()
        finally:
            raw.close()
        return tuple(row) if row is not None else None

    def _run(self) -> None:
        while True:
            self._written.wait()
            if self._stopped.wait(self._delay):
                return
            self._written.clear()
            try:
                self.last = self.checkpoint()
            except Exception:  # a read-only or vanished file: the backstop still bounds it
                log.warning("WAL checkpoint failed; SQLite's own takes over", exc_info=True)
                return
            self.passed.set()

    def stop(self) -> None:
        self._stopped.set()
        self._written.set()
        thread = self._thread
        if thread is not None and thread is not threading.current_thread():
            thread.join(timeout=5)
