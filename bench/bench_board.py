"""The live board's first load: `python bench/bench_board.py [--items 50000] [--movements 1000000]
[--url URL] [--runs 10]`.

On the generated factory (`bench/bench.py`'s cached `bench/out/factory-N-M.db`, or a
PostgreSQL database at `--url`), a real `stockbot run` service (in this process, on a loopback
port) serves `/board` over HTTP to an admin (values) and to a staff member (no values):
  - **first load**: the first `GET /board` of a settled service (`--settle` s after start, the
    search index built) right after a posting: templates compiled, no numbers cached — what
    someone opening the link waits for, target ≤ 1 s; also one right after start;
  - loads again (the numbers are shared per version), and the redraw after each posting
    (`/board?partial=1`, a new version each time: what every open board does);
  - the numbers alone (`stockbot.reports.board.board`), to see where the time goes.
The generated history fills every section but suppliers (it has no PO receipts); the board's
cost is dominated by the per-item aggregations, which scale with items and balances.
It is a benchmark, not a test: it prints numbers and targets and never fails on them.
"""

from __future__ import annotations

import argparse
import asyncio
import time
from decimal import Decimal
from typing import Any

import aiohttp
from sqlalchemy import select

from bench import pct, prepare
from stockbot.config import Settings
from stockbot.flows.board import make_link
from stockbot.reports.board import board
from stockbot.runtime import Runtime
from stockbot.service import Service
from stockbot.store import ledger
from stockbot.store.catalog import ensure_user, grant_role
from stockbot.store.db import Database
from stockbot.store.migrate import upgrade
from stockbot.store.models import Balance, MovementKind, Role
from stockbot.timeutil import local_date, utcnow

TARGET_MS = 1000.0


def links(db: Database, settings: Settings) -> dict[str, str]:
    with db.write() as s:
        admin = ensure_user(s, "console", "bench-admin", "Bench Admin")
        grant_role(s, admin, Role.ADMIN)
        staff = ensure_user(s, "console", "bench-staff", "Bench Staff")
        return {
            "admin": "/board?k=" + make_link(s, settings, admin.id),
            "staff": "/board?k=" + make_link(s, settings, staff.id),
        }


async def load(http: aiohttp.ClientSession, url: str) -> tuple[float, int, int]:
    t = time.perf_counter()
    async with http.get(url) as r:
        body = await r.read()
        return (time.perf_counter() - t) * 1000, r.status, len(body)


def post_one(db: Database, n: int) -> None:
    """One receipt through the posting path: a new version, as a keeper's `/receive` makes."""
    with db.write() as s:
        item_id, location_id = s.execute(select(Balance.item_id, Balance.location_id)).first()
        ledger.post(
            s.connection(),
            ledger.Meta(f"bench-board-{n}-{time.time_ns()}", "receipt"),
            [ledger.Line(item_id, location_id, Decimal(1), MovementKind.RECEIPT)],
        )


async def run(db: Database, settings: Settings, runs: int, settle: float) -> dict[str, Any]:
    paths = links(db, settings)
    svc = Service(db=db, settings=settings, runtime=Runtime(db, settings), dispatch_loop=False)
    await svc.start(host="127.0.0.1", port=0)
    out: dict[str, Any] = {}
    try:
        base = f"http://127.0.0.1:{svc.port}"
        async with aiohttp.ClientSession() as http:
            out["start"] = await load(http, base + paths["staff"])  # while the index builds
            await asyncio.sleep(settle)  # let the search index finish building, as in service
            post_one(db, 0)
            svc.board._cached = None  # nothing cached but the day's trend (warmed at start)
            out["first"] = await load(http, base + paths["admin"])
            for who, path in paths.items():
                out[who] = [await load(http, base + path) for _ in range(runs)]
            out["partial"] = []
            for n in range(runs):
                post_one(db, n + 1)
                out["partial"].append(await load(http, base + paths["admin"] + "&partial=1"))
    finally:
        await svc.stop()
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--items", type=int, default=50_000)
    ap.add_argument("--movements", type=int, default=1_000_000)
    ap.add_argument("--runs", type=int, default=10)
    ap.add_argument("--settle", type=float, default=20.0)
    ap.add_argument("--url")
    args = ap.parse_args()
    db = prepare(args.url, args.items, args.movements)
    upgrade(db.url)  # a factory generated before the board_links table
    settings = Settings(_env_file=None, database_url=str(db.url))  # type: ignore[call-arg]
    today = local_date(utcnow(), settings.timezone)
    t = time.perf_counter()
    with db.read() as s:
        numbers = board(s, today, settings.timezone)
    numbers_ms = (time.perf_counter() - t) * 1000
    got = asyncio.run(run(db, settings, args.runs, args.settle))
    first_ms, status, size = got["first"]
    start_ms = got["start"][0]
    print(f"board on {db.dialect}, {args.items:,} items / {args.movements:,} movements")
    print(f"  numbers alone (reports.board.board), cold        {numbers_ms:8.0f} ms")
    sm = numbers.summary
    print(f"    stock-outs {len(sm.stockouts):,}, below safety {len(sm.below_safety):,}, "
          f"categories {len(numbers.by_category)}")  # fmt: skip
    verdict = "ok" if first_ms <= TARGET_MS else "OVER"
    print(f"  GET /board first load (HTTP {status}, {size / 1024:.0f} KiB) "
          f"{first_ms:8.0f} ms   target ≤ {TARGET_MS:.0f} ms: {verdict}")  # fmt: skip
    print(f"  GET /board right after start (search index building) {start_ms:8.0f} ms")
    for key, label in (("admin", "admin, again"), ("staff", "staff (no values), again"),
                       ("partial", "redraw after each posting")):  # fmt: skip
        ms = [m for m, _, _ in got[key]]
        print(f"  GET /board {label:<36} p50 {pct(ms, 50):6.0f} ms  p99 {pct(ms, 99):6.0f} ms")
    db.dispose()


if __name__ == "__main__":
    main()
