"""Benchmark of `stockbot.lookup.index`: build time and query latency at 50,000 items.

Not a test (timings depend on the machine); run it by hand:

    .venv/bin/python bench/bench_lookup.py [--items 50000] [--queries 2000] [--seed 0]
    .venv/bin/python bench/bench_lookup.py --after-import [--items 50000] [--compare SRC]

`--after-import` measures the whole path instead (`bench/lookup_after_import.py`): a fresh
database, `stockbot import items`, then `/stock` in a new process and in one running since
before the import — the first lookups, p50, p99, max.

The queries are derived from the generated catalog the way people type in chat: codes
without dashes, English names with one typo, shuffled word order, Chinese aliases cut down
to fragments (some in Traditional characters, some full-width), bare dimensions, and
hostile input (empty, 10 KB of junk). Besides latency it prints how often the item the
query was derived from came first / in the top 5 - a rough quality signal, since many
derived queries are ambiguous by nature (`m8 螺栓` fits hundreds of items).
"""

from __future__ import annotations

import argparse
import gc
import random
import statistics
import string
import sys
import time
import unicodedata
from collections import defaultdict
from collections.abc import Callable

import opencc

sys.path.insert(0, str(__import__("pathlib").Path(__file__).resolve().parent))

from stockbot.demo.catalog import generate_catalog
from stockbot.lookup.index import ItemIndex, SearchDoc

_S2T = opencc.OpenCC("s2t")


def _typo(word: str, rng: random.Random) -> str:
    """One keyboard slip: swap, drop, double or replace a letter (words of 4+ letters)."""
    if len(word) < 4 or not word.isalpha():
        return word
    i = rng.randrange(1, len(word) - 1)
    kind = rng.randrange(4)
    if kind == 0:
        return word[:i] + word[i + 1] + word[i] + word[i + 2 :]
    if kind == 1:
        return word[:i] + word[i + 1 :]
    if kind == 2:
        return word[:i] + word[i] + word[i:]
    return word[:i] + rng.choice(string.ascii_lowercase) + word[i + 1 :]


def _fullwidth(text: str) -> str:
    return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in text)


def _q_code(doc: SearchDoc, rng: random.Random) -> str:
    code = doc.code.lower()
    return code.replace("-", "") if rng.random() < 0.5 else code


def _q_typo_name(doc: SearchDoc, rng: random.Random) -> str:
    words = doc.name.split()
    alpha = [i for i, w in enumerate(words) if len(w) >= 4 and w.isalpha()]
    if alpha:
        i = rng.choice(alpha)
        words[i] = _typo(words[i].lower(), rng)
    return " ".join(words).lower()


def _q_shuffled(doc: SearchDoc, rng: random.Random) -> str:
    words = doc.name.lower().split()
    rng.shuffle(words)
    return " ".join(words)


def _q_chinese(doc: SearchDoc, rng: random.Random) -> str:
    """The Chinese alias, maybe missing a detail, glued (`六角螺栓M6x20`) or Traditional."""
    alias = doc.aliases[0] if doc.aliases else doc.name
    parts = alias.split()
    if len(parts) > 2 and rng.random() < 0.5:
        parts.pop(rng.randrange(1, len(parts)))
    if len(parts) > 1 and rng.random() < 0.5:
        parts[:2] = [parts[0] + parts[1]]
    text = " ".join(parts)
    return _S2T.convert(text) if rng.random() < 0.3 else text


def _q_fullwidth(doc: SearchDoc, rng: random.Random) -> str:
    alias = doc.aliases[0] if doc.aliases else doc.name
    return _fullwidth(alias.replace("x", "×"))


def _q_dimension(doc: SearchDoc, rng: random.Random) -> str:
    tokens = [t for t in doc.name.split() if any(c.isdigit() for c in t)]
    return " ".join(tokens) or doc.name


def _q_hostile(doc: SearchDoc, rng: random.Random) -> str:
    choice = rng.randrange(3)
    if choice == 0:
        return ""
    if choice == 1:
        return "".join(rng.choice(string.printable) for _ in range(10_000))
    return "".join(chr(rng.randrange(0x4E00, 0x9FFF)) for _ in range(3_000))


_KINDS: dict[str, Callable[[SearchDoc, random.Random], str]] = {
    "code": _q_code,
    "typo-en": _q_typo_name,
    "word-order": _q_shuffled,
    "chinese": _q_chinese,
    "full-width": _q_fullwidth,
    "dimension": _q_dimension,
    "hostile": _q_hostile,
}
_WEIGHTS = {
    "code": 2,
    "typo-en": 4,
    "word-order": 2,
    "chinese": 4,
    "full-width": 1,
    "dimension": 2,
    "hostile": 1,
}


def _pct(sorted_ms: list[float], p: float) -> float:
    return sorted_ms[min(len(sorted_ms) - 1, int(p / 100 * len(sorted_ms)))]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--items", type=int, default=50_000)
    ap.add_argument("--queries", type=int, default=2_000)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--after-import", action="store_true", help="import, then /stock cold/warm")
    ap.add_argument("--url", help="--after-import: a PostgreSQL server instead of a new SQLite")
    ap.add_argument("--compare", help="--after-import: first run another checkout's src dir")
    args = ap.parse_args(argv)
    if args.after_import:
        import lookup_after_import

        return lookup_after_import.main(args.items, args.url, compare=args.compare)

    t0 = time.perf_counter()
    docs = generate_catalog(args.items, seed=args.seed)
    t1 = time.perf_counter()
    index = ItemIndex(docs)
    t2 = time.perf_counter()
    print(f"catalog: {len(docs):,} items generated in {t1 - t0:.2f} s")
    print(f"build:   {t2 - t1:.2f} s ({(t2 - t1) / max(1, len(docs)) * 1e6:.0f} us/item)")

    rng = random.Random(args.seed + 1)
    kinds = list(_KINDS)
    weights = [_WEIGHTS[k] for k in kinds]
    work: list[tuple[str, str, int]] = []
    for _ in range(args.queries):
        kind = rng.choices(kinds, weights)[0]
        doc = rng.choice(docs)
        work.append((kind, _KINDS[kind](doc, rng), doc.item_id))

    for _kind, q, _ in work[:50]:  # warm caches the way a running bot would have them
        index.search(q)

    lat: dict[str, list[float]] = defaultdict(list)
    cpu: list[float] = []
    first: dict[str, int] = defaultdict(int)
    top5: dict[str, int] = defaultdict(int)
    gc.collect()
    for kind, q, want in work:
        c = time.thread_time()
        t = time.perf_counter()
        hits = index.search(q, limit=10)
        lat[kind].append((time.perf_counter() - t) * 1000)
        cpu.append((time.thread_time() - c) * 1000)
        ids = [h.item_id for h in hits]
        first[kind] += bool(ids) and ids[0] == want
        top5[kind] += want in ids[:5]

    every = sorted(x for v in lat.values() for x in v)
    print(f"queries: {len(every):,} mixed")
    print(
        f"latency: p50 {_pct(every, 50):.2f} ms  p90 {_pct(every, 90):.2f} ms  "
        f"p99 {_pct(every, 99):.2f} ms  max {every[-1]:.2f} ms  "
        f"mean {statistics.fmean(every):.2f} ms"
    )
    cpu.sort()
    print(
        f"cpu:     p50 {_pct(cpu, 50):.2f} ms  p90 {_pct(cpu, 90):.2f} ms  "
        f"p99 {_pct(cpu, 99):.2f} ms  max {cpu[-1]:.2f} ms  "
        "(thread CPU time: the search's own cost, without time lost to other processes)"
    )
    print(f"{'kind':<11} {'n':>5} {'p50 ms':>7} {'p99 ms':>7} {'max ms':>7} {'1st':>6} {'top5':>6}")
    for kind in kinds:
        xs = sorted(lat[kind])
        if not xs:
            continue
        n = len(xs)
        quality = kind != "hostile"
        print(
            f"{kind:<11} {n:>5} {_pct(xs, 50):>7.2f} {_pct(xs, 99):>7.2f} {xs[-1]:>7.2f} "
            + (
                f"{first[kind] / n:>6.0%} {top5[kind] / n:>6.0%}"
                if quality
                else f"{'-':>6} {'-':>6}"
            )
        )

    # Incremental maintenance: rename and delete without a rebuild.
    victim = docs[len(docs) // 2]
    t = time.perf_counter()
    for k in range(200):
        d = docs[k]
        index.upsert(
            SearchDoc(d.item_id, d.code, d.name + " rev2", d.aliases, d.spec, d.category, d.barcode)
        )
    t_upsert = (time.perf_counter() - t) / 200 * 1000
    t = time.perf_counter()
    index.remove(victim.item_id)
    t_remove = (time.perf_counter() - t) * 1000
    print(f"upsert:  {t_upsert:.3f} ms each   remove: {t_remove:.3f} ms")
    print(f"python {sys.version.split()[0]}, unicodedata {unicodedata.unidata_version}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
