"""`/stock` right after `stockbot import items`, as the floor meets it (issue 10).

    .venv/bin/python bench/bench_lookup.py --after-import [--items 50000] [--url URL]

1. a fresh database (a new SQLite file; `--url` names an empty PostgreSQL database instead);
2. `stockbot import items` of the generated catalogue, in a subprocess, exactly as typed by an
   admin (the import ends by indexing the catalogue and writing the search snapshot);
3. a new process that opens the database the way `stockbot chat` does (the console handler,
   the index warming in the background) and at once asks 120 code lookups and 120 name
   lookups, alternating and starting with a name (the worst case: it needs the index) —
   "cold", the first user of the day; then the same 240 again in that process — "warm";
4. the multi-process case: a process started *before* the import (an empty catalogue, like a
   `stockbot run` left running), asked the same questions right after the import finishes.

It prints the first lookup's latency, p50, p99 and max of each pass and never fails on them;
a lookup that does not find the item it was derived from is counted (codes must all be found).
"""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from stockbot.demo.catalog import generate_catalog
from stockbot.lookup.index import SearchDoc

from generate import write_items_csv

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
    ready = time.perf_counter() - t_start
    queries = json.loads(Path(queries_file).read_text(encoding="utf-8"))
    if wait_for:
        print(json.dumps({"ready": True}), flush=True)
        while not Path(wait_for).exists():
            time.sleep(0.01)
    passes = []
    for n_pass in range(2):
        lat, missed = [], []
        for i, (kind, q, code) in enumerate(queries):
            t = time.perf_counter()
            reply = handle(
                Inbound(platform="console", user_id="bench", chat_id="bench",
                        message_id=f"{n_pass}.{i}", text=f"/stock {q}")
            )  # fmt: skip
            text = render_text(reply, lambda b: 1)
            lat.append((time.perf_counter() - t) * 1000)
            if code not in text:
                missed.append(kind)
        passes.append({"lat": lat, "missed": missed})
    print(json.dumps({"ready_s": ready, "snapshot": search.loaded_from_snapshot,
                      "passes": passes}), flush=True)  # fmt: skip
    return 0


def _report(label: str, queries: list[tuple[str, str, str]], result: dict) -> None:
    for name, run in zip(("cold", "warm"), result["passes"], strict=True):
        lat = run["lat"]
        for kind in ("code", "name", "all"):
            xs = [x for x, q in zip(lat, queries, strict=True) if kind in ("all", q[0])]
            missed = sum(1 for m in run["missed"] if kind in ("all", m))
            print(f"  {label:<22} {name:<4} {kind:<4} n={len(xs):<3} first {xs[0]:8.1f} ms  "
                  f"p50 {_pct(xs, 50):6.1f}  p99 {_pct(xs, 99):7.1f}  max {max(xs):7.1f} ms"
                  f"  not found {missed}")  # fmt: skip


def main(n_items: int, url: str | None, seed: int = 11) -> int:
    with tempfile.TemporaryDirectory() as tmp:
        tmpdir = Path(tmp)
        url = url or f"sqlite:///{tmpdir / 'fresh.db'}"
        env = {**os.environ, "STOCKBOT_SEARCH_CACHE": str(tmpdir / "cache"),
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

        fresh = subprocess.run(me, env=env, capture_output=True, text=True, timeout=600)
        assert fresh.returncode == 0, fresh.stderr
        result = json.loads(fresh.stdout.splitlines()[-1])
        print(f"new process: ready in {result['ready_s']:.2f} s, index from the import's "
              f"snapshot: {result['snapshot']}")  # fmt: skip
        _report("new process", queries, result)
        _report("running before import", queries, running)
    return 0


if __name__ == "__main__" and sys.argv[1:2] == ["--probe"]:
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    raise SystemExit(probe(sys.argv[2], sys.argv[3], sys.argv[4] if len(sys.argv) > 4 else None))
