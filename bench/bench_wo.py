"""Benchmark of work orders (issue 11): the kitting check of a 3-level BOM with 200 distinct
components, and release + issue kit of its 200 lines, on the generated factory.

Not a test (timings depend on the machine); run it by hand:

    .venv/bin/python bench/bench_wo.py [--items 50000] [--movements 1000000] [--runs 200]

The factory is `bench/bench.py`'s (`bench/generate.py`, reused from `bench/out/`); this adds a
product with 4 sub-assemblies × 5 sub-sub-assemblies × 10 leaves = 200 stocked components.
"""

from __future__ import annotations

import argparse
import cProfile
import gc
import pstats
import time
from decimal import Decimal

from sqlalchemy import event, select

from bench import pct, prepare
from stockbot.commands.inbound import Inbound
from stockbot.config import Settings
from stockbot.flows.kitting import kit_rows, requirement
from stockbot.runtime import Runtime
from stockbot.store.catalog import ensure_user, grant_role, upsert_item
from stockbot.store.db import Database
from stockbot.store.migrate import upgrade
from stockbot.store.models import Balance, BomLine, Item, Role, WorkOrder


def build_bom(db: Database) -> int:
    """The 3-level product (built once per database); returns its id."""
    with db.write() as s:
        have = s.scalar(select(Item.id).where(Item.code == "BENCH-PRODUCT"))
        if have is not None:
            return have
        leaves = s.scalars(
            select(Balance.item_id).where(Balance.qty >= 500).order_by(Balance.item_id).limit(200)
        ).all()
        assert len(leaves) == 200, "the factory has too few stocked items"
        product = upsert_item(s, "BENCH-PRODUCT", name="bench product")
        n = 0
        for a in range(4):
            sub = upsert_item(s, f"BENCH-S{a}", name=f"sub-assembly {a}")
            s.add(BomLine(product_id=product.id, component_id=sub.id, qty_per=Decimal(1),
                          scrap_pct=Decimal(2)))  # fmt: skip
            for b in range(5):
                subsub = upsert_item(s, f"BENCH-S{a}-{b}", name=f"part {a}.{b}")
                s.add(BomLine(product_id=sub.id, component_id=subsub.id, qty_per=Decimal(2)))
                for _ in range(10):
                    s.add(BomLine(product_id=subsub.id, component_id=leaves[n],
                                  qty_per=Decimal("0.5"), scrap_pct=Decimal(5)))  # fmt: skip
                    n += 1
        return product.id


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--items", type=int, default=50_000)
    ap.add_argument("--movements", type=int, default=1_000_000)
    ap.add_argument("--runs", type=int, default=200)
    ap.add_argument("--orders", type=int, default=20)
    ap.add_argument("--url")
    ap.add_argument("--no-freeze", action="store_true",
                    help="leave the set-up's objects to the collector (see below)")  # fmt: skip
    ap.add_argument("--profile", type=int, default=0, metavar="N",
                    help="profile release + issue kit: print N top functions by own time "
                         "and the Python calls per order")  # fmt: skip
    ap.add_argument("--filter", default="", help="only the profile's functions matching this")
    ap.add_argument("--sort", default="tottime", help="the profile's order (cumulative, …)")
    args = ap.parse_args()
    db = prepare(args.url, args.items, args.movements)
    upgrade(str(db.engine.url.render_as_string(hide_password=False)))
    product = build_bom(db)
    with db.write() as s:
        keeper = ensure_user(s, "console", "kim", "Kim")
        grant_role(s, keeper, Role.ADMIN)
    runtime = Runtime(db, Settings(_env_file=None, admins=""))  # type: ignore[call-arg]
    n = 0

    def say(text: str) -> object:
        nonlocal n
        n += 1
        return runtime.handle(Inbound(platform="console", user_id="kim", chat_id="bench",
                                      message_id=f"m{n}", text=text))  # fmt: skip

    say("/wo BENCH-PRODUCT 1")
    with db.read() as s:
        wo = s.scalars(select(WorkOrder).order_by(WorkOrder.id.desc()).limit(1)).one()
        rows = kit_rows(s, wo)
    assert len(rows) == 200, len(rows)
    if not args.no_freeze:
        # As a running bot has done by now: `service.py` warms the search index at start and
        # `ItemSearch` then `gc.freeze()`s everything long-lived. Without it every full
        # collection walks the whole process (~125,000 objects, 60–75 ms here), and one falls
        # into every ~25th check: that was this bench's p99.
        gc.freeze()
    full = [0]

    def _count_full(phase: str, info: dict[str, int]) -> None:
        full[0] += phase == "start" and info["generation"] == 2

    gc.callbacks.append(_count_full)
    check, check_cpu = [], []
    for _ in range(args.runs):
        c = time.process_time()
        t = time.perf_counter()
        with db.read() as s:
            _, items = requirement(s, product, Decimal(1))
            kit_rows(s, wo, items=items)  # as `/wo` does: the items the explosion loaded
        check.append((time.perf_counter() - t) * 1000)
        check_cpu.append((time.process_time() - c) * 1000)
    gc.callbacks.remove(_count_full)
    create = []
    for _ in range(args.orders):
        t = time.perf_counter()
        say("/wo BENCH-PRODUCT 1")
        create.append((time.perf_counter() - t) * 1000)
    with db.read() as s:
        ids = s.scalars(
            select(WorkOrder.id).where(WorkOrder.state == "open").order_by(WorkOrder.id)
        ).all()
    wf = runtime.workflows["wo"]
    ctx = runtime._context(Inbound(platform="console", user_id="kim", chat_id="bench",
                                   message_id="x", text=""))  # fmt: skip
    statements = [0]

    @event.listens_for(db.engine, "before_cursor_execute")
    def _count(*_: object) -> None:
        statements[0] += 1

    release, issue, cpu, own, stmts = [], [], [], [], []
    gcs = [0, 0, 0]

    def _count_gc(phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            gcs[info["generation"]] += 1

    gc.callbacks.append(_count_gc)
    prof = cProfile.Profile() if args.profile else None
    for wo_id in ids[: args.orders]:
        if prof is not None:
            prof.enable()
        c, statements[0] = time.process_time(), 0
        th = time.thread_time()
        t = time.perf_counter()
        wf.act(ctx, wo_id, "release")
        t2 = time.perf_counter()
        n_release = statements[0]
        wf.act(ctx, wo_id, "issue")
        t3 = time.perf_counter()
        if prof is not None:
            prof.disable()
        cpu.append((time.process_time() - c) * 1000)
        own.append((time.thread_time() - th) * 1000)
        stmts.append((n_release, statements[0] - n_release))
        release.append((t2 - t) * 1000)
        issue.append((t3 - t2) * 1000)
    gc.callbacks.remove(_count_gc)
    both = [a + b for a, b in zip(release, issue, strict=True)]
    print(
        f"kitting check (explode 3 levels + 200-component check), {args.runs} runs: "
        f"p50 {pct(check, 50):.1f} ms, p99 {pct(check, 99):.1f} ms"
        f" (CPU time p50 {pct(check_cpu, 50):.1f} ms, p99 {pct(check_cpu, 99):.1f} ms;"
        f" {full[0]} full garbage collections{'' if args.no_freeze else ', after gc.freeze()'})"
    )
    print(
        f"/wo create through the runtime (explode, 200 lines, card), {args.orders} runs: "
        f"p50 {pct(create, 50):.1f} ms, p99 {pct(create, 99):.1f} ms"
    )
    print(f"release of 200 lines: p50 {pct(release, 50):.1f} ms, max {max(release):.1f} ms")
    print(f"issue kit of 200 lines: p50 {pct(issue, 50):.1f} ms, max {max(issue):.1f} ms")
    print(f"release + issue kit: p50 {pct(both, 50):.1f} ms, p99 {pct(both, 99):.1f} ms,"
          f" max {max(both):.1f} ms")  # fmt: skip
    # CPU time is this process's own (SQLite runs in it): steadier than wall time on a
    # machine shared with other work.
    print(f"release + issue kit, CPU time: p50 {pct(cpu, 50):.1f} ms, p99 {pct(cpu, 99):.1f} ms,"
          f" max {max(cpu):.1f} ms")  # fmt: skip
    # The thread's own: without the background WAL checkpointer's (store/checkpoint.py)
    print(f"release + issue kit, this thread's CPU time: p50 {pct(own, 50):.1f} ms,"
          f" p99 {pct(own, 99):.1f} ms, max {max(own):.1f} ms;"
          f" garbage collections during them (gen 0/1/2): {gcs[0]}/{gcs[1]}/{gcs[2]}")  # fmt: skip
    print(f"SQL statements, release / issue kit: {stmts[0][0]} / {stmts[0][1]}")
    if prof is not None:
        stats = pstats.Stats(prof)
        calls = stats.total_calls  # type: ignore[attr-defined]
        print(f"Python calls per release + issue kit (cProfile): {calls // len(release):,}"
              " (the times above include the profiler's overhead)")  # fmt: skip
        stats.sort_stats(args.sort).print_stats(args.filter, args.profile)


if __name__ == "__main__":
    main()
