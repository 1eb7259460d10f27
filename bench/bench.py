"""stockbot benchmark: `python bench/bench.py [--items 50000] [--movements 1000000] [--url URL]`.

Measures, on a generated factory (SQLite file by default; PostgreSQL with --url):
  1. postings/s through the posting path vs a raw SQLAlchemy Core insert+update baseline,
     single writer and 4 concurrent writers, and the slowest single posting under 4 writers;
  2. `/stock` latency p50/p99 through the console handler (runtime + text renderer);
  3. import of N items and their opening stock from CSV (fresh SQLite file);
  4. process start to first reply (`stockbot chat` in a subprocess, index build included).
It is a benchmark, not a test: it prints numbers and targets and never fails on them.
"""

from __future__ import annotations

import argparse
import csv
import itertools
import os
import random
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

from sqlalchemy import func, select
from tqdm import tqdm

sys.path.insert(0, str(Path(__file__).resolve().parent))

from stockbot.commands.inbound import Inbound
from stockbot.config import get_settings
from stockbot.flows.wiring import subscribe
from stockbot.handlers.text_render import render_text
from stockbot.store import ledger
from stockbot.store.db import Database
from stockbot.store.migrate import upgrade
from stockbot.store.models import Balance, Item, Movement, MovementKind

from generate import generate, write_items_csv

OUT = Path(__file__).resolve().parent / "out"
RESULTS: list[tuple[str, str, str]] = []
BASELINE_LINES: itertools.count[int] = itertools.count(10_000_000)


def report(name: str, value: str, target: str = "") -> None:
    RESULTS.append((name, value, target))
    print(f"  {name:<52} {value:>16}   {target}")


def pct(values: list[float], p: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, round(p / 100 * (len(values) - 1)))]


def prepare(url: str | None, n_items: int, n_movements: int, sync: str = "FULL") -> Database:
    if url is None:
        OUT.mkdir(exist_ok=True)
        path = OUT / f"factory-{n_items}-{n_movements}.db"
        url = f"sqlite:///{path}"
        fresh = not path.exists()
        if fresh:
            tmp = path.with_suffix(".building")
            for suffix in ("", "-wal", "-shm"):
                Path(f"{tmp}{suffix}").unlink(missing_ok=True)
            print(f"generating {n_items:,} items / {n_movements:,} movements into {path} …")
            upgrade(f"sqlite:///{tmp}")
            build = Database(f"sqlite:///{tmp}", synchronous="OFF")
            generate(build, n_items, n_movements)
            build.dispose()
            os.replace(tmp, path)
        else:
            print(f"reusing {path}")
            upgrade(url)  # a factory built by an older stockbot gets this one's schema
    else:
        upgrade(url)
    db = Database(url, synchronous=sync)
    with db.read() as s:
        have = s.scalar(select(func.count(Item.id)))
    if not have:
        print(f"generating {n_items:,} items / {n_movements:,} movements into {url} …")
        generate(db, n_items, n_movements)
    return db


def stocked_items(db: Database, n: int) -> list[tuple[int, int]]:
    with db.read() as s:
        rows = s.execute(
            select(Balance.item_id, Balance.location_id).where(Balance.qty >= 100).limit(n)
        ).all()
    return [(r.item_id, r.location_id) for r in rows]


def bench_postings(db: Database, n: int, writers: int, run: str) -> None:
    targets = stocked_items(db, 2000)
    rng = random.Random(writers)
    wh = {}
    with db.read() as s:
        for item_id, loc in targets:
            wh[(item_id, loc)] = s.scalar(
                select(Balance.warehouse_id).where(Balance.item_id == item_id)
            )

    def via_ledger(i: int, lat: list[float]) -> None:
        item_id, loc = rng.choice(targets)
        t = time.perf_counter()
        with db.write() as s:
            ledger.post(
                s.connection(),
                ledger.Meta(f"bench:{run}:{writers}:{i}", "issue"),
                [ledger.Line(item_id, loc, Decimal(-1), MovementKind.ISSUE)],
            )
        lat.append(time.perf_counter() - t)

    mt, bt = Movement.__table__, Balance.__table__
    global BASELINE_LINES
    with db.read() as s:  # the factory file is reused between runs: continue after its lines
        last = s.scalar(select(func.max(Movement.line_no)).where(Movement.posting_id == 1))
    BASELINE_LINES = itertools.count(max(10_000_000, (last or 0) + 1))
    raw_engine = db.engine.execution_options(sqlite_begin="IMMEDIATE")

    def via_core(i: int, lat: list[float]) -> None:
        item_id, loc = rng.choice(targets)
        t = time.perf_counter()
        with raw_engine.begin() as conn:
            conn.execute(
                bt.update()
                .where(bt.c.item_id == item_id, bt.c.location_id == loc, bt.c.batch_id.is_(None))
                .values(qty=bt.c.qty - Decimal(1))
            )
            conn.execute(
                mt.insert().values(
                    posting_id=1,
                    line_no=next(BASELINE_LINES),
                    kind="issue",
                    item_id=item_id,
                    warehouse_id=wh[(item_id, loc)],
                    location_id=loc,
                    qty=Decimal(-1),
                )
            )
        lat.append(time.perf_counter() - t)

    results = {}
    for name, fn in (("core baseline", via_core), ("posting path", via_ledger)):
        lat: list[float] = []
        per = n // writers

        def work(w: int, fn: Callable = fn, lat: list[float] = lat, per: int = per) -> None:
            for i in range(per):
                fn(w * per + i, lat)

        threads = [threading.Thread(target=work, args=(w,)) for w in range(writers)]
        t0 = time.perf_counter()
        for th in threads:
            th.start()
        for th in threads:
            th.join()
        elapsed = time.perf_counter() - t0
        results[name] = (len(lat) / elapsed, max(lat), pct(lat, 99))
    base, ours = results["core baseline"], results["posting path"]
    label = "1 writer" if writers == 1 else f"{writers} concurrent writers"
    report(
        f"postings/s, {label}: posting path",
        f"{ours[0]:,.0f} tx/s",
        f"{ours[0] / base[0]:.0%} of baseline (target ≥ 50%)",
    )
    report(f"postings/s, {label}: raw Core insert+update", f"{base[0]:,.0f} tx/s")
    if writers > 1:
        report(
            f"slowest posting, {label}",
            f"{ours[1] * 1000:.1f} ms",
            f"p99 {ours[2] * 1000:.1f} ms (target max ≤ 100 ms); "
            f"raw Core max {base[1] * 1000:.0f} ms",
        )


def queries_for(db: Database, n: int) -> list[str]:
    rng = random.Random(3)
    with db.read() as s:
        rows = s.execute(select(Item.code, Item.name, Item.aliases).limit(50_000)).all()
    import opencc

    s2t = opencc.OpenCC("s2t")
    out = []
    for _ in range(n):
        code, name, aliases = rng.choice(rows)
        kind = rng.random()
        if kind < 0.2:
            out.append(code.lower())
        elif kind < 0.5:
            words = name.split()
            w = rng.randrange(len(words))
            word = words[w]
            if len(word) > 3:
                j = rng.randrange(len(word) - 1)
                words[w] = word[:j] + word[j + 1] + word[j] + word[j + 2 :]
            out.append(" ".join(words))
        elif kind < 0.85 and aliases:
            alias = rng.choice(aliases)
            out.append(alias[: max(2, len(alias) * 2 // 3)])
        elif aliases:
            out.append(s2t.convert(rng.choice(aliases)))
        else:
            out.append(name)
    return out


def bench_stock(db: Database, n: int) -> None:
    from stockbot.runtime import Runtime

    runtime = Runtime(db, get_settings())
    queries = queries_for(db, n)
    t0 = time.perf_counter()
    runtime.handle(Inbound(platform="console", user_id="bench", chat_id="bench", text="/stock x"))
    report("search index build (first query)", f"{(time.perf_counter() - t0) * 1000:.0f} ms")
    lat = []
    for i, q in enumerate(tqdm(queries, desc="/stock", disable=None, leave=False)):
        t = time.perf_counter()
        reply = runtime.handle(
            Inbound(
                platform="console",
                user_id="bench",
                chat_id="bench",
                message_id=str(i),
                text=f"/stock {q}",
            )
        )
        render_text(reply, lambda b: 1)
        lat.append(time.perf_counter() - t)
    report("/stock latency p50 (console handler)", f"{pct(lat, 50) * 1000:.1f} ms")
    report(
        "/stock latency p99 (console handler)", f"{pct(lat, 99) * 1000:.1f} ms", "target ≤ 30 ms"
    )


def bench_import(n_items: int) -> None:
    from stockbot.demo.catalog import generate_catalog
    from stockbot.io.imports import import_items, import_stock

    with tempfile.TemporaryDirectory() as tmp:
        tmpdir = Path(tmp)
        docs = generate_catalog(n_items, seed=11)
        items_csv, stock_csv = tmpdir / "items.csv", tmpdir / "stock.csv"
        write_items_csv(docs, items_csv)
        with stock_csv.open("w", newline="", encoding="utf-8") as f:
            w = csv.writer(f)
            w.writerow(["code", "warehouse", "location", "batch", "qty", "unit_cost", "expiry"])
            for i, d in enumerate(docs):
                w.writerow([d.code, "MAIN", f"A-{i % 50:02d}", "", 100 + i % 900, "1.25", ""])
        url = f"sqlite:///{tmpdir / 'import.db'}"
        upgrade(url)
        db = Database(url)
        t0 = time.perf_counter()
        r1 = import_items(db, items_csv)
        t1 = time.perf_counter()
        r2 = import_stock(db, stock_csv)
        t2 = time.perf_counter()
        assert r1.ok and r2.ok, (r1.error_table(), r2.error_table())
        report(f"import {n_items:,} items (csv)", f"{t1 - t0:.1f} s")
        report(f"import {n_items:,} opening-stock rows (csv)", f"{t2 - t1:.1f} s")
        report("import items + stock", f"{t2 - t0:.1f} s", "target ≤ 30 s")
        db.dispose()


def bench_startup(db: Database) -> None:
    """Wall time of `stockbot chat` answering one line on stdin, from process start to exit."""
    with db.read() as s:
        code, name = s.execute(select(Item.code, Item.name).limit(1)).one()
    env = {**os.environ, "STOCKBOT_DATABASE_URL": db.url}
    typo = name.replace("o", "0", 1) if "o" in name else name + "x"
    for label, line, expect in (
        ("exact code", f"/stock {code}", code),
        ("fuzzy query, incl. index build", f"/stock {typo.lower()}", ""),
    ):
        times = []
        for _ in range(3):
            # Time until the reply's first line is on stdout (not until the process has torn
            # down its index at exit).
            t0 = time.perf_counter()
            proc = subprocess.Popen(
                [sys.executable, "-m", "stockbot.cli", "chat", "--as", "bench"],
                stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                text=True, env=env,
            )  # fmt: skip
            assert proc.stdin is not None and proc.stdout is not None
            proc.stdin.write(line + "\n")
            proc.stdin.flush()
            first = proc.stdout.readline()
            times.append(time.perf_counter() - t0)
            proc.stdin.close()
            rest = proc.stdout.read()
            proc.wait(timeout=60)
            assert expect in first + rest, first + rest
        report(
            f"process start → first /stock reply ({label})",
            f"{min(times):.2f} s",
            f"median {statistics.median(times):.2f} s (target ≤ 2 s)",
        )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--items", type=int, default=50_000)
    ap.add_argument("--movements", type=int, default=1_000_000)
    ap.add_argument("--url", help="PostgreSQL URL (default: a SQLite file in bench/out/)")
    ap.add_argument("--postings", type=int, default=4000)
    ap.add_argument("--queries", type=int, default=1000)
    ap.add_argument("--skip", default="", help="comma list of: postings,stock,import,startup")
    ap.add_argument(
        "--synchronous",
        default="FULL",
        choices=["FULL", "NORMAL"],
        help="SQLite synchronous mode for the measured connections (default FULL)",
    )
    args = ap.parse_args()
    skip = set(filter(None, args.skip.split(",")))
    t0 = time.perf_counter()
    db = prepare(args.url, args.items, args.movements, args.synchronous)
    # wired as `stockbot run` wires it: every posting raises StockPosted and the shortage
    # check runs in its unit of work, as it does in production
    subscribe(db, get_settings())
    print(
        f"\nstockbot benchmark — {db.dialect}, {args.items:,} items, "
        f"{args.movements:,} movements, {os.cpu_count()} cores"
    )
    if "postings" not in skip:
        bench_postings(db, args.postings, 1, run=str(time.time_ns()))
        bench_postings(db, args.postings, 4, run=str(time.time_ns()))
    if "stock" not in skip:
        bench_stock(db, args.queries)
    if "startup" not in skip:
        bench_startup(db)
    if "import" not in skip and args.url is None:
        bench_import(args.items)
    print(f"\nbench: {len(RESULTS)} measurements in {time.perf_counter() - t0:.0f} s")


if __name__ == "__main__":
    main()
