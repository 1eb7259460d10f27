"""stockbot delivery under kills: `python bench/bench_delivery.py [--messages 1000] [--kills 30]
[--url URL] [--seed N]`.

A backlog of N outbox messages (to a handful of Slack channels) is flushed by the service's own
dispatcher (`Service.dispatch_once`, `SlackOutbound` through the real slack-sdk) running in a
subprocess against the loopback fake Slack of `tests/fake_slack.py` over HTTP. While it flushes,
the subprocess is SIGKILLed at random moments (after a random number of posts, plus a random
0–20 ms) and restarted, `--kills` times; then it runs to the end. The fake counts what
arrived: each message is numbered, so a loss or a duplicate is exact.

Prints losses (must be 0: at-least-once) and duplicates per 1,000 delivered. Each kill can
double at most the one message whose post had reached Slack but whose `delivered` mark had not
committed. `tests/test_delivery_kills.py` runs a bounded version of this.

Run as `--dispatch DB_URL SLACK_URL` it is the subprocess: the dispatcher alone, with a short
claim (0.5 s) so a killed dispatcher's claim lapses quickly.
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import os
import random
import signal
import sys
import tempfile
import time
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any

from stockbot.config import Settings
from stockbot.replies import Reply
from stockbot.store.db import Database

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))  # the loopback fake Slack

CLAIM = timedelta(seconds=0.5)
"""The subprocess's claim: short, so the bench measures doubling rather than waiting."""
TARGETS = ["C1", "C2", "C3", "C4"]


class SlackSender:
    """The smallest adapter around the real outbound path (no Bolt app, no HTTP routes)."""

    platform = "slack"

    def __init__(self, slack_url: str) -> None:
        from slack_sdk.web.async_client import AsyncWebClient

        from stockbot.handlers.slack_outbound import SlackOutbound

        self.out = SlackOutbound(AsyncWebClient(token="xoxb-test", base_url=slack_url + "/api/"))

    def routes(self) -> list[Any]:
        return []

    async def start(self) -> None: ...

    async def stop(self) -> None: ...

    async def send(self, target: str, reply: Reply) -> None:
        await self.out.send(target, reply)

    def health(self) -> dict[str, Any]:
        return {"ok": True}


async def dispatch_forever(db_url: str, slack_url: str) -> None:
    from concurrent.futures import ThreadPoolExecutor

    from stockbot.runtime import Runtime
    from stockbot.service import Service

    db = Database(db_url)
    settings = Settings(_env_file=None, admins="")  # type: ignore[call-arg]
    service = Service(
        db=db,
        settings=settings,
        runtime=Runtime(db, settings),
        adapters=[SlackSender(slack_url)],  # type: ignore[list-item]
        claim=CLAIM,
    )
    service._executor = ThreadPoolExecutor(max_workers=2)
    while True:
        if not await service.dispatch_once():
            await asyncio.sleep(0.05)


def queue(db: Database, n: int) -> None:
    from stockbot.flows.routing import enqueue

    with db.write() as s:
        for i in range(n):
            enqueue(s, "slack", TARGETS[i % len(TARGETS)], Reply.text(f"m{i}"), f"bench-{i}")


def pending(db: Database) -> int:
    from sqlalchemy import func, select

    from stockbot.store.models import OutboxMessage

    with db.read() as s:
        return int(
            s.scalar(
                select(func.count())
                .select_from(OutboxMessage)
                .where(OutboxMessage.state != "delivered")
            )
            or 0
        )


@dataclass
class Result:
    messages: int
    kills: int
    arrived: collections.Counter[str] = field(default_factory=collections.Counter)
    seconds: float = 0.0

    @property
    def lost(self) -> int:
        return sum(1 for i in range(self.messages) if self.arrived[f"m{i}"] == 0)

    @property
    def duplicates(self) -> int:
        return sum(c - 1 for c in self.arrived.values() if c > 1)

    @property
    def per_thousand(self) -> float:
        delivered = sum(self.arrived.values())
        return 1000.0 * self.duplicates / delivered if delivered else 0.0


async def run(db_url: str, messages: int, kills: int, seed: int, timeout: float = 120) -> Result:
    """Queue, flush under `kills` SIGKILLs, finish; what the fake Slack received."""
    from fake_slack import FakeSlack

    rng = random.Random(seed)
    db = Database(db_url)
    queue(db, messages)
    fake = FakeSlack()
    url = await fake.start()
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(ROOT / "src"), str(ROOT / "tests")]))
    started = time.monotonic()
    result = Result(messages, 0)

    def posts() -> int:
        return len(fake.called("chat.postMessage"))

    async def spawn() -> asyncio.subprocess.Process:
        return await asyncio.create_subprocess_exec(
            sys.executable, __file__, "--dispatch", db_url, url, env=env
        )

    proc: asyncio.subprocess.Process | None = None
    progress = [0, time.monotonic()]  # posts seen, when that count last grew

    def stalled() -> bool:
        """No new post for `timeout` seconds: a slow machine is not a stall, a silent one is."""
        if (n := posts()) > progress[0]:
            progress[:] = [n, time.monotonic()]
        return time.monotonic() - progress[1] > timeout

    try:
        while result.kills < kills and posts() < messages:
            proc = await spawn()
            seen = posts()
            goal = seen + rng.randint(1, max(1, 2 * messages // (kills + 1)))
            while posts() < min(goal, messages) and proc.returncode is None:
                if stalled():
                    raise TimeoutError(f"dispatcher made no progress for {timeout:.0f} s")
                await asyncio.sleep(0.002)
            await asyncio.sleep(rng.uniform(0, 0.02))
            proc.send_signal(signal.SIGKILL)
            await proc.wait()
            result.kills += 1
        proc = await spawn()
        while pending(db) and not stalled():
            await asyncio.sleep(0.05)
        await asyncio.sleep(0.2)  # anything still on the wire lands
    finally:
        if proc is not None and proc.returncode is None:  # never leave a dispatcher running
            proc.send_signal(signal.SIGKILL)
            await proc.wait()
        await fake.stop()
        db.dispose()
    for call in fake.called("chat.postMessage"):
        result.arrived[str(call.params.get("text", "")).strip()] += 1
    result.seconds = time.monotonic() - started
    return result


def main() -> None:
    if len(sys.argv) == 4 and sys.argv[1] == "--dispatch":
        asyncio.run(dispatch_forever(sys.argv[2], sys.argv[3]))
        return
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--messages", type=int, default=1000)
    parser.add_argument("--kills", type=int, default=30)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--url", help="database URL (default: a fresh SQLite file)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        url = args.url or f"sqlite:///{tmp}/delivery.db"
        from stockbot.store.migrate import upgrade

        upgrade(url)
        r = asyncio.run(run(url, args.messages, args.kills, args.seed, timeout=600))
    print(
        f"{r.messages} messages, {r.kills} kills in {r.seconds:.1f} s: "
        f"lost {r.lost}, duplicates {r.duplicates} "
        f"({r.per_thousand:.1f} per 1,000 delivered; bound: 1 per kill)"
    )


if __name__ == "__main__":
    main()
