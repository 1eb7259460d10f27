"""`/stock` right after `stockbot import items`, as the floor meets it (issue 10).

    .venv/bin/python bench/bench_lookup.py --after-import [--items 50000] [--url URL]
        [--compare OTHER/src]

1. a fresh database (a new SQLite file; `--url` names a PostgreSQL server, on which a scratch
   database is created and dropped);
2. `stockbot import items` of the generated catalogue, in a subprocess, exactly as typed by an
   admin (the import ends by indexing the catalogue and writing the search snapshot);
3. a new process that opens the database the way `stockbot chat` does (the console handler,
   the index warming in the background) and at once asks 120 code lookups and 120 name
   lookups, alternating and starting with a name (the worst case: it needs the index) —
   "cold", the first user of the day; then the same 240 again in that process — "warm";
4. the multi-process case: a process started *before* the import (an empty catalogue, like a
   `stockbot run` left running), asked the same questions right after the import finishes.

It prints when the new process was ready — `warm()` returned, as `stockbot chat` shows its
prompt then — and when it answered its first question, both counted from its launch; then
per pass the first lookup's latency (from the moment it is asked: "first" excludes process
start), p50, p99 and max — wall time, and the CPU time of the thread that answered (what the
question itself cost, without the time it waited for the GIL or for another process on a
shared machine) — and never fails on them; a lookup that does not find the item it was
derived from is counted (codes must all be found).

`--compare OTHER/src` runs the whole scenario first with another checkout's code (the previous
main, say) and then with this one, back to back, so the two are measured under the same load;
the load average is printed before and after each.
"""

from __future__ import annotations

import contextlib
import cProfile
import gc
import json
import os
import pstats
import random
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from stockbot.demo.catalog import generate_catalog
from stockbot.lookup.index import SearchDoc

from generate import scratch_database, write_items_csv

N_EACH = 120


def _queries(docs: list[SearchDoc], seed: int) -> list[tuple[str, str, str]]:
    """(kind, query, code it was derived from): codes as typed (exact, lower case, without
    dashes), names as typed (lower case, words shuffled, the Chinese alias), alternating."""
    rng = random.Random(seed)
    codes, names = [], []
    for d in rng.sample(docs, N_EACH):
        form = rng.randrange(3)
        q = d.code if form == 0 else d.code.lower() if form == 1 else d.code.replace("-", "")
        codes.append(("code", q, d.code))
    for d in rng.sample(docs, N_EACH):
        form = rng.randrange(3)
        if form == 2 and d.aliases:
            q = d.aliases[0]
        else:
            words = d.name.lower().split()
            if form == 1:
                rng.shuffle(words)
            q = " ".join(words)
        names.append(("name", q, d.code))
    return [q for pair in zip(names, codes, strict=True) for q in pair]


def _pct(xs: list[float], p: float) -> float:
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(p / 100 * len(xs)))]


def probe(url: str, queries_file: str, wait_for: str | None) -> int:
    """The new process: open as `stockbot chat` does, then ask (after `wait_for` exists)."""
    t_start = time.perf_counter()
    from stockbot.cli import _open, _settings
    from stockbot.commands.inbound import Inbound
    from stockbot.handlers.console_app import console_handle
    from stockbot.handlers.text_render import render_text
    from stockbot.lookup.service import ItemSearch
    from stockbot.runtime import Runtime

    class Args:
        database_url = url

    runtime = Runtime(_open(Args()), _settings())  # type: ignore[arg-type]
    search = ItemSearch.of(runtime.db)
    search.warm(runtime.db, follow=5.0)  # as `stockbot chat` (follow: as `stockbot run`)
    handle = console_handle(runtime)
    ready, ready_at, ready_cpu = time.perf_counter() - t_start, time.time(), time.process_time()
    queries = json.loads(Path(queries_file).read_text(encoding="utf-8"))
    if wait_for:
        print(json.dumps({"ready": True}), flush=True)
        while not Path(wait_for).exists():
            time.sleep(0.01)
    pauses: list[float] = []
    started, first_at = [0.0], 0.0

    young: list[float] = []

    def collector(phase: str, info: dict) -> None:
        if threading.current_thread() is threading.main_thread():
            if phase == "start":
                started[0] = time.perf_counter()
            else:
                took = (time.perf_counter() - started[0]) * 1000
                (pauses if info["generation"] == 2 else young).append(took)

    gc.callbacks.append(collector)
    profiled = int(os.environ.get("STOCKBOT_BENCH_PROFILE") or 0)
    """The first N cold questions profiled on the asking thread (to stderr)."""
    passes = []
    for n_pass in range(2):
        lat, cpu, missed = [], [], []
        for i, (kind, q, code) in enumerate(queries):
            profile = cProfile.Profile() if n_pass == 0 and i < profiled else None
            c, t = time.thread_time(), time.perf_counter()
            if profile:
                profile.enable()
            reply = handle(
                Inbound(platform="console", user_id="bench", chat_id="bench",
                        message_id=f"{n_pass}.{i}", text=f"/stock {q}")
            )  # fmt: skip
            text = render_text(reply, lambda b: 1)
            lat.append((time.perf_counter() - t) * 1000)
            cpu.append((time.thread_time() - c) * 1000)
            if n_pass == 0 and i == 0:
                first_at = time.time()
            if profile:
                profile.disable()
                print(f"-- {kind} {q!r}: cpu {cpu[-1]:.1f} ms", file=sys.stderr)
                pstats.Stats(profile, stream=sys.stderr).sort_stats("cumtime").print_stats(14)
            if code not in text:
                missed.append(kind)
        passes.append({"lat": lat, "cpu": cpu, "missed": missed, "gc": pauses[:],
                       "young_gc": young[:]})  # fmt: skip
        pauses.clear()
        young.clear()
    print(json.dumps({"ready_s": ready, "ready_at": ready_at, "first_at": first_at,
                      "ready_cpu_s": ready_cpu,
                      "snapshot": search.loaded_from_snapshot, "passes": passes}),
          flush=True)  # fmt: skip
    return 0


def _report(label: str, queries: list[tuple[str, str, str]], result: dict) -> None:
    for name, run in zip(("cold", "warm"), result["passes"], strict=True):
        for kind in ("code", "name", "all"):
            xs = [x for x, q in zip(run["lat"], queries, strict=True) if kind in ("all", q[0])]
            cs = [x for x, q in zip(run["cpu"], queries, strict=True) if kind in ("all", q[0])]
            missed = sum(1 for m in run["missed"] if kind in ("all", m))
            if kind == "all":
                young = run.get("young_gc", [])
                print(f"  {label:<22} {name:<4} full collections on the asking thread: "
                      f"{len(run['gc'])}, longest {max(run['gc'], default=0):.1f} ms; young "
                      f"ones: {len(young)}, {sum(young):.0f} ms in all, longest "
                      f"{max(young, default=0):.1f} ms")  # fmt: skip
            print(f"  {label:<22} {name:<4} {kind:<4} n={len(xs):<3} first {xs[0]:7.1f} ms  "
                  f"p50 {_pct(xs, 50):6.1f}  p99 {_pct(xs, 99):6.1f}  max {max(xs):7.1f} ms  "
                  f"| cpu first {cs[0]:6.1f}  p50 {_pct(cs, 50):5.1f}  p99 {_pct(cs, 99):6.1f} ms"
                  f"  | not found {missed}")  # fmt: skip


def _load() -> str:
    return "load average " + " ".join(f"{x:.2f}" for x in os.getloadavg())


def main(n_items: int, url: str | None, seed: int = 11, compare: str | None = None) -> int:
    here = str(Path(__file__).resolve().parents[1] / "src")
    for label, src in ((("other", compare),) if compare else ()) + (("this", here),):
        print(f"== {label} code ({src}), {_load()}")
        with scratch_database(url) if url else contextlib.nullcontext() as scratch:
            _scenario(n_items, scratch, seed, src)
        print(f"   {_load()}")
    return 0


def _scenario(n_items: int, url: str | None, seed: int, src: str) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        tmpdir = Path(tmp)
        url = url or f"sqlite:///{tmpdir / 'fresh.db'}"
        env = {**os.environ, "STOCKBOT_SEARCH_CACHE": str(tmpdir / "cache"), "PYTHONPATH": src,
               "STOCKBOT_DATABASE_URL": url, "PYTHONUNBUFFERED": "1"}  # fmt: skip
        docs = generate_catalog(n_items, seed=seed)
        items_csv, queries_file = tmpdir / "items.csv", tmpdir / "queries.json"
        write_items_csv(docs, items_csv)
        queries = _queries(docs, seed)
        queries_file.write_text(json.dumps(queries), encoding="utf-8")
        me = [sys.executable, str(Path(__file__).resolve()), "--probe", url, str(queries_file)]
        subprocess.run([sys.executable, "-m", "stockbot.cli", "db", "upgrade"], env=env,
                       check=True, capture_output=True)  # fmt: skip

        # a process running since before the import (an empty catalogue)
        done = tmpdir / "imported"
        before = subprocess.Popen([*me, str(done)], env=env, stdout=subprocess.PIPE, text=True)
        assert before.stdout is not None
        before.stdout.readline()  # ready

        t0 = time.perf_counter()
        imp = subprocess.run([sys.executable, "-m", "stockbot.cli", "import", "items",
                              str(items_csv)], env=env, capture_output=True, text=True)  # fmt: skip
        took = time.perf_counter() - t0
        assert imp.returncode == 0, imp.stderr
        print(f"stockbot import items ({n_items:,}): {took:.1f} s")
        for line in imp.stdout.splitlines():
            print(f"  | {line.strip()}")
        done.touch()
        running = json.loads(before.communicate(timeout=600)[0].splitlines()[-1])

        launched = time.time()
        fresh = subprocess.run(me, env=env, capture_output=True, text=True, timeout=600)
        assert fresh.returncode == 0, fresh.stderr
        result = json.loads(fresh.stdout.splitlines()[-1])
        print(f"new process: launch → ready {result['ready_at'] - launched:.2f} s (opening "
              f"as `stockbot chat` took {result['ready_s']:.2f} s of it; process CPU time "
              f"by then {result['ready_cpu_s']:.2f} s), launch → first "
              f"answer {result['first_at'] - launched:.2f} s; index from the import's "
              f"snapshot: {result['snapshot']}")  # fmt: skip
        _report("new process", queries, result)
        _report("running before import", queries, running)


if __name__ == "__main__" and sys.argv[1:2] == ["--probe"]:
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    raise SystemExit(probe(sys.argv[2], sys.argv[3], sys.argv[4] if len(sys.argv) > 4 else None))
