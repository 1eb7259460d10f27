"""stockbot proactive benchmark: `python bench/bench_scheduler.py [--items 50000]
[--movements 1000000] [--url URL]`.

On a generated factory (the cached `bench/out/factory-N-M.db` that `bench/bench.py` builds,
copied so this run cannot disturb it; generated with `bench/generate.py` if missing):
  1. the hourly shortage scan of every item — the first one (opening every alert) and a
     steady-state one (nothing new: what runs every hour);
  2. the morning summary with its chart: the numbers (`reports.summary`), the chart PNG,
     and the whole job for one bound chat (render + outbox) — cold (first chart in the process:
     matplotlib import and font registration) and warm;
  3. what the event-driven alert hook costs a posting (postings/s with and without it).
It is a benchmark, not a test: it prints numbers and targets and never fails on them.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import time
from decimal import Decimal
from pathlib import Path

from sqlalchemy import func, select

sys.path.insert(0, str(Path(__file__).resolve().parent))

from stockbot.config import get_settings
from stockbot.store import ledger
from stockbot.store.db import Database
from stockbot.store.migrate import upgrade
from stockbot.store.models import Alert, Balance, Chat, Item, Movement, MovementKind, Warehouse

from generate import generate

OUT = Path(__file__).resolve().parent / "out"


def report(name: str, value: str, target: str = "") -> None:
    print(f"  {name:<58} {value:>14}   {target}")


def prepare(url: str | None, n_items: int, n_movements: int) -> Database:
    if url is not None:
        upgrade(url)
        db = Database(url)
        with db.read() as s:
            have = s.scalar(select(func.count(Item.id)))
        if not have:
            generate(db, n_items, n_movements)
        return db
    OUT.mkdir(exist_ok=True)
    cached = OUT / f"factory-{n_items}-{n_movements}.db"
    mine = OUT / f"scheduler-{n_items}-{n_movements}.db"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{mine}{suffix}").unlink(missing_ok=True)
    if cached.exists():
        print(f"copying {cached.name} → {mine.name}")
        shutil.copyfile(cached, mine)
        upgrade(f"sqlite:///{mine}")
    else:
        print(f"generating {n_items:,} items / {n_movements:,} movements into {mine} …")
        upgrade(f"sqlite:///{mine}")
        build = Database(f"sqlite:///{mine}", synchronous="OFF")
        generate(build, n_items, n_movements)
        build.dispose()
    return Database(f"sqlite:///{mine}")


def timed(fn, repeat: int = 1):  # type: ignore[no-untyped-def]
    times, result = [], None
    for _ in range(repeat):
        t = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - t)
    return result, times


def bench_scan(db: Database) -> None:
    from stockbot.flows import alerts

    settings = get_settings()
    with db.write() as s:
        s.query(Alert).delete()
    outcome, (first,) = timed(lambda: alerts.scan(db, settings))
    with db.read() as s:
        n_items = s.scalar(select(func.count(Item.id)))
    report(
        f"shortage scan, first ({n_items:,} items; opens {len(outcome.announced):,} alerts)",
        f"{first * 1000:.0f} ms",
        "(one digest per chat)",
    )
    again, times = timed(lambda: alerts.scan(db, settings), repeat=3)
    assert not again.announced and not again.closed
    report(
        "shortage scan, steady state (nothing new), median of 3",
        f"{statistics.median(times) * 1000:.0f} ms",
        "target ≤ 1000 ms",
    )


def bench_summary(db: Database) -> None:
    from stockbot import reports
    from stockbot.flows import summary as flow
    from stockbot.timeutil import utcnow

    # the generated history spans 180 days; 90 makes the stale-stock part do real work
    settings = get_settings().model_copy(update={"stale_days": 90})
    with db.write() as s:
        wh = s.scalar(select(Warehouse.id).order_by(Warehouse.id).limit(1))
        if not s.scalar(select(Chat.id).where(Chat.platform_chat_id == "bench")):
            s.add(Chat(platform="console", platform_chat_id="bench", warehouse_id=wh))
    now = utcnow()
    today = ledger.business_day(now, settings.timezone)

    def data():  # type: ignore[no-untyped-def]
        with db.read() as s:
            return reports.summary(s, today, stale_days=settings.stale_days)

    summary, (cold_data,) = timed(data)
    png, (cold_chart,) = timed(lambda: flow.chart_png(summary, "zh-Hans"))
    report(
        f"summary numbers ({len(summary.below_safety):,} below safety, "
        f"{summary.stale_count:,} stale)",
        f"{cold_data * 1000:.0f} ms",
    )
    report("summary chart PNG, cold (matplotlib import + CJK font)", f"{cold_chart * 1000:.0f} ms")
    _, times = timed(data, repeat=3)
    _, chart_times = timed(lambda: flow.chart_png(summary, "zh-Hans"), repeat=3)
    report("summary numbers, warm, median of 3", f"{statistics.median(times) * 1000:.0f} ms")
    report(
        f"summary chart PNG, warm, median of 3 ({len(png) // 1024} KB)",
        f"{statistics.median(chart_times) * 1000:.0f} ms",
    )
    report(
        "summary with chart, cold (numbers + first chart)",
        f"{(cold_data + cold_chart) * 1000:.0f} ms",
        "target ≤ 2000 ms",
    )
    _, job_times = timed(
        lambda: flow.send_summaries(db, settings, utcnow(), chat="bench", force=True), repeat=3
    )
    report(
        "summary job for one chat (numbers, text, chart, outbox), warm",
        f"{statistics.median(job_times) * 1000:.0f} ms",
        "target ≤ 2000 ms",
    )
    _, stale_times = timed(lambda: flow.stale_reply(db, settings, "en", utcnow()), repeat=3)
    report(
        "stale-stock report (呆滞料), median of 3",
        f"{statistics.median(stale_times) * 1000:.0f} ms",
    )


def bench_hook(db: Database, n: int = 1000) -> None:
    from stockbot.flows import alerts

    with db.read() as s:
        targets = s.execute(
            select(Balance.item_id, Balance.location_id)
            .join(Item, Item.id == Balance.item_id)
            .where(Balance.qty >= 1000, Item.reorder_point > Decimal(0))
            .limit(200)
        ).all()
        base = s.scalar(select(func.max(Movement.id))) or 0
    if not targets:
        print("  (no stocked items with thresholds for the hook benchmark)")
        return

    def run(label: str, muted: bool) -> float:
        t = time.perf_counter()
        for i in range(n):
            item_id, loc = targets[i % len(targets)]
            with db.write() as s:
                ledger.post(
                    s.connection(),
                    ledger.Meta(f"bench-hook:{label}:{base}:{i}", "issue"),
                    [ledger.Line(item_id, loc, Decimal(-1), MovementKind.ISSUE)],
                )
        return n / (time.perf_counter() - t)

    with alerts.muted():
        without = run("off", True)
    with_hook = run("on", False)
    report("postings/s, single writer, alert hook muted", f"{without:.0f} tx/s")
    report(
        "postings/s, single writer, alert hook on (items with thresholds)",
        f"{with_hook:.0f} tx/s",
        f"{with_hook / without:.0%} of muted",
    )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--items", type=int, default=50_000)
    ap.add_argument("--movements", type=int, default=1_000_000)
    ap.add_argument("--url", help="PostgreSQL URL (default: a SQLite file in bench/out/)")
    ap.add_argument("--skip", default="", help="comma-separated: scan,summary,hook")
    args = ap.parse_args()
    skip = set(filter(None, args.skip.split(",")))
    db = prepare(args.url, args.items, args.movements)
    print(f"database: {db.dialect}")
    t0 = time.perf_counter()
    if "scan" not in skip:
        bench_scan(db)
    if "summary" not in skip:
        bench_summary(db)
    if "hook" not in skip:
        bench_hook(db)
    print(f"\nbench_scheduler: done in {time.perf_counter() - t0:.0f} s")
    db.dispose()


if __name__ == "__main__":
    main()
