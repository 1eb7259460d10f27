"""End-to-end latency through the Slack HTTP endpoint: `python bench/bench_http.py
[--db sqlite|pg] [--url URL] [--replicas N] [--users 50] [--rounds 6] [--items 2000] [--think 0]`.

Real `stockbot run` replicas (subprocesses, `tests/replicas.py`) serve Slack in HTTP mode against
the loopback fake Web API of `tests/fake_slack.py`. *users* simulated people work concurrently,
each in their own channel, each round: `/stock <fuzzy name>`, `/request <item> 1` (every item
needs approval), then the approver presses Approve on that card. Requests are signed as Slack
signs them and spread round-robin over the replicas (a load balancer). Measured per kind:

- **ack**: the HTTP answer to Slack's POST (Slack wants it within 3 s);
- **end to end**: from the POST until the answer reaches the fake's `response_url` (what a person
  waits for: the ephemeral card, the edited card);
- **peak RSS** of each replica (Linux VmHWM) after the load.

SQLite runs one replica (one process per file); PostgreSQL runs `--replicas` (default 2) on a
throwaway database created on the server of `--url`.

The load model is a closed loop: each person waits for every answer before the next step, and
pauses a random 0–2×`--think` seconds before each round. With `--think 0` the 50 people send as
fast as they are answered, so latency is just 50 ÷ throughput (Little's law) and shows capacity,
not what a person waits; with think time T the offered load is about 3 × users ÷ T requests a
second (50 people, T = 10 s: 15 requests/s — far above a real factory's rate). Also printed:
the replicas' CPU per request (user + system, /proc), which does not depend on how busy the
rest of the machine is, and so says what the 2 cores can do: one process runs Python on one
core at a time (the GIL), so a replica's ceiling is about 1000 ÷ (CPU ms a request) requests/s.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import json
import os
import random
import statistics
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

import aiohttp
from aiohttp import web
from sqlalchemy import select, update

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))  # the fake Slack, the replicas, Slack's signed requests
sys.path.insert(0, str(ROOT / "bench"))

from stockbot.lookup.service import save_snapshot  # noqa: E402
from stockbot.store.catalog import ensure_user  # noqa: E402
from stockbot.store.db import Database  # noqa: E402
from stockbot.store.migrate import upgrade  # noqa: E402
from stockbot.store.models import Balance, Item  # noqa: E402

from fake_slack import FakeSlack, Message  # noqa: E402
from generate import generate, scratch_database  # noqa: E402
from replicas import Replica, replica_env, start_replica  # noqa: E402
from slack_requests import click_body, fake_users, people, signed, slash_body  # noqa: E402

APPROVER = "U0DAVE"
TARGETS = {"stock": 50.0, "request": 100.0, "click": 100.0}  # p99 ms
ACK_LIMIT = 3000.0
RSS_LIMIT = 250.0


class TimedSlack(FakeSlack):
    """The fake Web API, noting when each `response_url` answer arrives."""

    def __init__(self, **kw: Any) -> None:
        super().__init__(**kw)
        self.waiting: dict[str, asyncio.Future[float]] = {}

    def expect(self, body: str) -> asyncio.Future[float]:
        """A future resolved (with the arrival time) by the answer to this request body."""
        form = parse_qs(body)
        url = form["response_url"][0] if "response_url" in form else (
            json.loads(form["payload"][0])["response_url"]
        )  # fmt: skip
        fut: asyncio.Future[float] = asyncio.get_running_loop().create_future()
        self.waiting[url.rsplit("/", 1)[1]] = fut
        return fut

    async def _response(self, request: web.Request) -> web.Response:
        fut = self.waiting.pop(request.match_info["token"], None)
        answer = await super()._response(request)
        if fut is not None and not fut.done():
            fut.set_result(time.perf_counter())
        return answer


class Load:
    def __init__(self, fake: TimedSlack, replicas: list[Replica], http: aiohttp.ClientSession):
        self.fake, self.http = fake, http
        self.next_replica = itertools.cycle(replicas)
        self.ack: dict[str, list[float]] = defaultdict(list)
        self.e2e: dict[str, list[float]] = defaultdict(list)
        self.errors: list[str] = []
        self.started: dict[str, list[float]] = defaultdict(list)
        """Per kind, when each measured request was sent (perf_counter), beside `e2e`."""
        self._n = itertools.count(1)
        self.think = 0.0
        """Mean seconds a person pauses before each round (0: closed loop, as fast as answered)."""

    async def send(self, kind: str, body: str, record: bool = True) -> None:
        done = self.fake.expect(body)
        replica = next(self.next_replica)
        t0 = time.perf_counter()
        async with self.http.post(replica.events, data=body.encode(), headers=signed(body)) as r:
            await r.read()
            status = r.status
        t_ack = time.perf_counter()
        if status != 200:
            self.errors.append(f"{kind}: HTTP {status} from {replica.name}")
            return
        try:
            arrived = await asyncio.wait_for(done, 30)
        except TimeoutError:
            self.errors.append(f"{kind}: no answer within 30 s")
            return
        if record:
            self.ack[kind].append((t_ack - t0) * 1000)
            self.e2e[kind].append((arrived - t0) * 1000)
            self.started[kind].append(t0)

    def trigger(self) -> str:
        return f"trig.bench.{next(self._n)}"

    async def person(self, user: str, channel: str, queries: list[str], codes: list[str],
                     rounds: int) -> None:  # fmt: skip
        rng = random.Random(user)
        for k in range(rounds):
            if self.think:
                await asyncio.sleep(rng.uniform(0, 2 * self.think))
            q = queries[(hash(user) + k) % len(queries)]
            await self.send("stock", slash_body(self.fake, user, f"/stock {q}", self.trigger(),
                                                channel))  # fmt: skip
            code = codes[(hash(user) * 7 + k) % len(codes)]
            await self.send("request", slash_body(self.fake, user, f"/request {code} 1",
                                                  self.trigger(), channel))  # fmt: skip
            card = newest_card(self.fake, channel)
            if card is None:
                self.errors.append(f"request by {user}: no card with buttons")
                continue
            await self.send("click", click_body(self.fake, APPROVER, card, "Approve",
                                                self.trigger()))  # fmt: skip


def newest_card(fake: FakeSlack, channel: str) -> Message | None:
    cards = [m for m in fake.messages if m.channel == channel and m.buttons()]
    return cards[-1] if cards else None


def pct(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q / 100 * (len(ordered) - 1)))]


def prepare(url: str, n_items: int, users: int) -> tuple[list[str], list[str]]:
    """Migrate, generate the factory, make every item need approval; (queries, codes)."""
    upgrade(url)
    db = Database(url)
    try:
        generate(db, n_items, n_items * 10, log=lambda *_: None)
        people(db)
        with db.write() as s:
            s.execute(update(Item).values(needs_approval=True))
            for n in range(users):
                ensure_user(s, "slack", f"U{n:04d}", f"Worker {n}")
        with db.read() as s:
            rows = s.execute(
                select(Item.code, Item.name)
                .join(Balance, Balance.item_id == Item.id)
                .where(Balance.qty >= 500)
                .order_by(Item.id)
                .limit(400)
            ).all()
    finally:
        db.dispose()
    codes = [code for code, _ in rows]
    queries = [" ".join(name.lower().split()[:2]) for _, name in rows]
    return queries, codes


async def measure(url: str, args: argparse.Namespace, work: Path) -> dict[str, Any]:
    queries, codes = prepare(url, args.items, args.users)
    fake = TimedSlack(users=fake_users())
    await fake.start()
    env = replica_env(url, fake.url)
    if args.imported:  # as `stockbot import items` leaves it: the index's snapshot written
        env["STOCKBOT_SEARCH_CACHE"] = os.environ["STOCKBOT_SEARCH_CACHE"] = str(work / "cache")
        db = Database(url)
        try:
            save_snapshot(db)
        finally:
            db.dispose()
    replicas: list[Replica] = []
    try:
        for n in range(args.replicas):
            replicas.append(await start_replica(chr(ord("a") + n), env, work, timeout=120))
        connector = aiohttp.TCPConnector(limit=args.users * 2)
        async with aiohttp.ClientSession(connector=connector) as http:
            load = Load(fake, replicas, http)
            load.think = args.think
            for _ in replicas:  # warm each replica's index and code paths (not measured)
                await load.send("stock", slash_body(fake, "U0000", "/stock bolt", load.trigger(),
                                                    "CWARM"), record=False)  # fmt: skip
            cpu0 = {r.name: r.cpu_seconds() for r in replicas}
            own0 = time.process_time()
            t0 = time.perf_counter()
            await asyncio.gather(
                *(
                    load.person(f"U{n:04d}", f"C{n:04d}", queries, codes, args.rounds)
                    for n in range(args.users)
                )
            )
            wall = time.perf_counter() - t0
        cpu = sum(r.cpu_seconds() - cpu0[r.name] for r in replicas)
        own = time.process_time() - own0
        rss = {r.name: r.peak_rss_mb() for r in replicas}
    finally:
        for r in replicas:
            await r.stop()
        await fake.stop()
    return {"load": load, "wall": wall, "rss": rss, "cpu": cpu, "own": own, "t0": t0}


def report(label: str, result: dict[str, Any], args: argparse.Namespace) -> None:
    load: Load = result["load"]
    total = sum(len(v) for v in load.e2e.values())
    print(f"\n{label}: {args.users} users × {args.rounds} rounds (think {args.think:g} s), "
          f"{total} requests in "
          f"{result['wall']:.1f} s ({total / result['wall']:.0f}/s)")  # fmt: skip
    print(f"{'kind':<9}{'n':>6}{'p50':>9}{'p95':>9}{'p99':>9}{'max':>9}  ms end to end; "
          f"ack p99/max   target p99")  # fmt: skip
    for kind in ("stock", "request", "click"):
        e2e, ack = load.e2e[kind], load.ack[kind]
        p99 = pct(e2e, 99)
        verdict = "ok" if p99 <= TARGETS[kind] else "MISSED"
        print(
            f"{kind:<9}{len(e2e):>6}{pct(e2e, 50):>9.0f}{pct(e2e, 95):>9.0f}{p99:>9.0f}"
            f"{max(e2e, default=float('nan')):>9.0f}  "
            f"{pct(ack, 99):>6.0f}/{max(ack, default=0):.0f}"
            f"   ≤ {TARGETS[kind]:.0f} {verdict}"
        )
    for kind in ("stock", "request", "click"):  # when the tail happened: a start-up or a burst
        worst = sorted(zip(load.e2e[kind], load.started[kind], strict=True), reverse=True)[:4]
        print(f"  slowest {kind}: " + ", ".join(
            f"{ms:.0f} ms at {at - result['t0']:.1f} s" for ms, at in worst))  # fmt: skip
    per = result["cpu"] / max(total, 1) * 1000
    offered = f"~{3 * args.users / args.think:.0f}/s" if args.think else "as fast as answered"
    print(f"replica CPU {result['cpu']:.1f} s = {per:.1f} ms a request: ~{1000 / per:.0f}/s for "
          f"each core a replica has to itself; offered {offered}; the fake Slack and the load "
          f"generator (this process) used {result['own']:.1f} s")  # fmt: skip
    worst_ack = max((max(v) for v in load.ack.values() if v), default=0.0)
    print(f"ack max {worst_ack:.0f} ms ({'ok' if worst_ack < ACK_LIMIT else 'MISSED'} < 3 s)")
    for name, mb in result["rss"].items():
        print(f"replica {name}: peak RSS {mb:.0f} MiB ({'ok' if mb <= RSS_LIMIT else 'MISSED'})")
    if load.errors:
        print(f"{len(load.errors)} errors, e.g. {load.errors[:3]}")
    print(f"mean e2e all kinds: {statistics.fmean(x for v in load.e2e.values() for x in v):.0f} ms")


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--db", choices=["sqlite", "pg"], default="sqlite")
    p.add_argument("--url", default="postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
    p.add_argument("--replicas", type=int)
    p.add_argument("--users", type=int, default=50)
    p.add_argument("--rounds", type=int, default=6)
    p.add_argument("--items", type=int, default=2000)
    p.add_argument("--think", type=float, default=0.0, help="mean pause per round, seconds")
    p.add_argument(
        "--imported",
        action="store_true",
        help="write the search index's snapshot first, as `stockbot import items` does; "
        "without it every replica starts as on a new machine and builds the index",
    )
    args = p.parse_args()
    args.replicas = args.replicas or (1 if args.db == "sqlite" else 2)
    with tempfile.TemporaryDirectory(prefix="stockbot-bench-http-") as tmp:
        work = Path(tmp)
        if args.db == "sqlite":
            result = asyncio.run(measure(f"sqlite:///{work / 'bench.db'}", args, work))
            report(f"SQLite, {args.replicas} replica", result, args)
            return 0
        with scratch_database(args.url) as url:
            result = asyncio.run(measure(url, args, work))
            report(f"PostgreSQL, {args.replicas} replicas", result, args)
    return 0


if __name__ == "__main__":
    sys.exit(main())
