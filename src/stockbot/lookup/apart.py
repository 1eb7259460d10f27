"""Build a big search index in a child process: the service keeps its memory and its GIL.

A first start without a usable snapshot used to build the index inside the serving process.
For 50,000 items that is 2.5–4 s of pure Python holding the GIL while the first people's
questions, requests and clicks waited (160–400 ms answers in the first two seconds of
`bench_http.py --items 50000`), and ~400 MiB of objects that stay (peak RSS 600 MiB a replica,
against 185 MiB with 2,000 items). Here a child process builds it and writes a snapshot; the
service maps that (milliseconds, pages shared with the page cache), and the child's memory goes
back to the system when it exits. Questions are answered from the database meanwhile, as they
are during any build. Should the child fail, the service builds the index itself, as before.
"""

from __future__ import annotations

import logging
import multiprocessing
from pathlib import Path

log = logging.getLogger(__name__)

APART_FROM = 5_000
"""Active items from which a first build runs in a child process; a smaller catalogue builds
in well under a second, less than a child process takes to start."""
TIMEOUT_S = 600.0


def _build(url: str, path: str) -> None:
    """The child: index the catalogue and write its snapshot at *path*; exit 1 if it could not
    be written (the parent then builds the index itself)."""
    from stockbot.lookup.service import ItemSearch  # the child imports what it needs, once
    from stockbot.store.db import Database

    db = Database(url)
    try:
        with db.read() as session:
            written = ItemSearch(url, snapshot_at=Path(path)).save_snapshot(session)
    finally:
        db.dispose()
    if written is None:
        raise SystemExit(1)


def built(url: str, path: Path, timeout: float = TIMEOUT_S) -> bool:
    """Run the child (a fresh interpreter: `spawn`, never a fork of a threaded process) and
    wait for it. The database URL reaches it through the process pipe, not its command line
    (which `ps` would show with any password in it)."""
    child = multiprocessing.get_context("spawn").Process(
        target=_build, args=(url, str(path)), name="stockbot-search-build", daemon=True
    )
    try:
        child.start()
    except OSError as exc:
        log.warning("search index: no child process (%s); building it here", exc)
        return False
    child.join(timeout)
    if child.is_alive():
        child.kill()
        child.join()
        log.warning("search index: the child took over %.0f s; building it here", timeout)
        return False
    if child.exitcode != 0:
        log.warning("search index: the child failed (exit %s); building it here", child.exitcode)
        return False
    return path.exists()
