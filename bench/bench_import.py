"""Benchmark the spreadsheet import/export path: N items, N opening-stock rows, exports.

    .venv/bin/python bench/bench_import.py            # 50,000 items (the target: well < 30 s)
    .venv/bin/python bench/bench_import.py --items 5000

Writes CSV files into a temp dir, imports them into a fresh SQLite *file* database (migrated with
alembic, like production), exports balances and the ledger as csv and xlsx, and prints timings.
`ledger.post` and its two per-balance/per-item loops are timed separately, so a slow stock
import says where its time went.
"""

from __future__ import annotations

import argparse
import csv
import functools
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable, Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from stockbot.io.exports import export_balances, export_ledger
from stockbot.io.imports import import_items, import_stock
from stockbot.store import ledger
from stockbot.store.check import check_balances
from stockbot.store.db import Database
from stockbot.store.migrate import upgrade

ITEM_HEADER = [
    "code", "name", "spec", "unit", "category", "safety_stock", "reorder_point", "reorder_qty",
    "lead_time_days", "unit_cost", "aliases", "barcode",
]  # fmt: skip
STOCK_HEADER = ["code", "warehouse", "location", "batch", "qty", "unit_cost", "expiry"]


def catalog(n: int) -> Iterator[tuple[str, str, str, str, tuple[str, ...], str | None]]:
    """(code, name, spec, category, aliases, barcode): the shared generator when it exists."""
    try:
        from stockbot.demo.catalog import generate_catalog
    except ImportError:
        for i in range(n):
            yield f"P-{i:06d}", f"Part {i}", f"M{i % 30 + 3}x{i % 90 + 10}", "parts", (), None
        return
    for d in generate_catalog(n, seed=7):
        yield d.code, d.name, d.spec, d.category, tuple(d.aliases), d.barcode


def write_files(tmp: Path, n: int) -> tuple[Path, Path]:
    items, stock = tmp / "items.csv", tmp / "stock.csv"
    expiry = date.today() + timedelta(days=365)
    with (
        items.open("w", newline="", encoding="utf-8") as fi,
        stock.open("w", newline="", encoding="utf-8") as fs,
    ):
        wi, ws = csv.writer(fi), csv.writer(fs)
        wi.writerow(ITEM_HEADER)
        ws.writerow(STOCK_HEADER)
        for i, (code, name, spec, category, aliases, barcode) in enumerate(catalog(n)):
            cost = f"{(i % 997) / 100 + 0.05:.2f}"
            wi.writerow(
                [code, name, spec, "pcs", category, 10, 20, 100, 7, cost, ";".join(aliases),
                 barcode or ""]
            )  # fmt: skip
            batched = i % 3 == 0  # a third of the stock arrives in lots with an expiry
            ws.writerow(
                [code, "MAIN" if i % 5 else "SUB", f"A-{i % 50:02d}",
                 f"L{i % 7}" if batched else "", f"{100 + i % 900}.5", cost,
                 expiry.isoformat() if batched else ""]
            )  # fmt: skip
    return items, stock


def timed(acc: dict[str, float], name: str, fn: Callable[..., Any]) -> Callable[..., Any]:
    """Accumulate wall and CPU seconds of `fn` (CPU time: this machine is shared and noisy)."""

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        t, c = time.perf_counter(), time.process_time()
        try:
            return fn(*args, **kwargs)
        finally:
            acc[name] += time.perf_counter() - t
            acc[name + " cpu"] += time.process_time() - c

    return wrapper


def run(acc: dict[str, float], name: str, fn: Callable[[], Any]) -> Any:
    result = timed(acc, name, fn)()
    summary = result.summary()
    print(f"{summary}  [cpu {acc[name + ' cpu']:.1f} s]")
    return result


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--items", type=int, default=50_000)
    args = ap.parse_args()
    acc: dict[str, float] = defaultdict(float)
    # Measurement only: wrap the posting path's phases with timers (behaviour unchanged).
    ledger.post = timed(acc, "ledger.post", ledger.post)  # type: ignore[assignment]
    ledger._apply = timed(acc, "  _apply (per balance)", ledger._apply)  # type: ignore[assignment]
    ledger._bump_daily = timed(acc, "  _bump_daily (per item)", ledger._bump_daily)  # type: ignore[assignment]

    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        t = time.perf_counter()
        items_csv, stock_csv = write_files(tmp, args.items)
        print(f"generate {args.items:,} items + stock rows: {time.perf_counter() - t:.1f} s")
        url = f"sqlite:///{tmp / 'bench.db'}"
        upgrade(url)
        db = Database(url)
        try:
            r1 = run(acc, "items", lambda: import_items(db, items_csv))
            r2 = run(acc, "stock", lambda: import_stock(db, stock_csv))
            assert r1.ok and r2.ok, (r1.error_table(), r2.error_table())
            for name in ("ledger.post", "  _apply (per balance)", "  _bump_daily (per item)"):
                print(f"  {name}: {acc[name]:.2f} s  [cpu {acc[name + ' cpu']:.2f} s]")
            print(
                f"items + stock: {r1.seconds + r2.seconds:.1f} s "
                f"[cpu {acc['items cpu'] + acc['stock cpu']:.1f} s] (target: well under 30 s)"
            )
            run(acc, "again", lambda: import_stock(db, stock_csv))
            for fmt in ("csv", "xlsx"):
                b, led = tmp / f"balances.{fmt}", tmp / f"ledger.{fmt}"
                run(acc, f"balances {fmt}", functools.partial(export_balances, db, b, fmt))
                run(acc, f"ledger {fmt}", functools.partial(export_ledger, db, led, fmt))
            t = time.perf_counter()
            with db.read() as s:
                diffs = check_balances(s)
            print(f"check_balances: {len(diffs)} differences in {time.perf_counter() - t:.1f} s")
        finally:
            db.dispose()


if __name__ == "__main__":
    main()
