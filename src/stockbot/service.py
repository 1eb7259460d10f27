"""`stockbot run`: one asyncio process serving every configured chat platform.

```
aiohttp server (STOCKBOT_HTTP_HOST:PORT)      adapters (handlers/slack.py, handlers/telegram.py)
  GET  /livez              → the process answers  parse platform events → Inbound
  GET  /readyz, /healthz   → ready? (ops.health)
  GET  /metrics            → Prometheus (ops.metrics)
  POST /slack/events       → Slack adapter        await service.handle(inbound) → Reply → render
  POST /telegram/webhook   → Telegram adapter
  /api/v1/…                → the open API (stockbot.api.http)
outbox dispatcher (this module)  ← rows flows wrote; delivered through adapter.send, retried
scheduler (stockbot.scheduler)   ← jobs that call flows; their messages go through the outbox
```
The wiring (which adapters, the scheduler) is `stockbot.app.build_service`; adapters see the
service only as the `Host` of `stockbot.handlers.base`.
Flows are synchronous SQLAlchemy; they run on a bounded thread pool so the event loop keeps
answering (Slack wants an ack within 3 s). On SIGTERM the service stops taking new work,
finishes what is in flight, flushes the outbox once more, and exits.
"""

from __future__ import annotations

import asyncio
import contextlib
import errno
import logging
import random
import signal
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from aiohttp import web
from prometheus_client import CONTENT_TYPE_LATEST
from sqlalchemy import select, update
from sqlalchemy.exc import DBAPIError

from stockbot.api.http import Api
from stockbot.api.webhooks import WebhookSender
from stockbot.commands.inbound import Inbound
from stockbot.config import Settings
from stockbot.flows.notices import render_for
from stockbot.handlers.base import Adapter, PermanentDeliveryError, handle_once
from stockbot.handlers.board import BoardSite
from stockbot.i18n import register, t
from stockbot.ops.health import readiness, store_report
from stockbot.ops.logs import log_command
from stockbot.ops.metrics import Metrics
from stockbot.replies import Reply
from stockbot.runtime import Handled, Runtime
from stockbot.store.db import Database, rowcount
from stockbot.store.models import OutboxMessage
from stockbot.store.outbox import SENDING, Delivery, RecentlySent
from stockbot.timeutil import as_utc, utcnow

log = logging.getLogger(__name__)

register(
    {
        "service.stopping": {
            "en": "stockbot is restarting; please send that again in a minute.",
            "zh-Hans": "stockbot 正在重启，请稍后再发送一次。",
        }
    }
)

CLAIM = timedelta(seconds=15)
"""How long a claim holds without renewal. A live dispatcher renews its claims every third of
this (`_keep_claims`), so a slow send is never doubled; a killed one's claims lapse within it,
and only the one message it was sending can arrive twice (docs/reliability.md measures it)."""
MAX_ATTEMPTS = 12
"""After this many failed deliveries a message is parked as `failed` (and logged loudly)."""
SEARCH_FOLLOW_S = 5.0
"""How often the search index catches up on items other processes changed (an import), in the
background rather than in someone's question."""


READY_WITHIN = 5.0
"""Seconds `/readyz` waits for the database before it answers "not ready" anyway."""


class StartError(Exception):
    """A start that cannot work (the port is taken, no permission): one line for the operator."""


@dataclass
class Service:
    db: Database
    settings: Settings
    runtime: Runtime
    adapters: list[Adapter] = field(default_factory=list)
    workers: int = 8
    outbox_interval: float = 1.0
    dispatch_loop: bool = True
    """False: nothing delivers the outbox but explicit `dispatch_once()` calls (tests)."""
    _executor: ThreadPoolExecutor | None = None
    _runner: web.AppRunner | None = None
    _tasks: list[asyncio.Task[Any]] = field(default_factory=list)
    _stopping: asyncio.Event = field(default_factory=asyncio.Event)
    _in_flight: int = 0
    scheduler: Any = None
    port: int | None = None
    claim: timedelta = CLAIM
    _recent: RecentlySent = field(default_factory=RecentlySent)
    metrics: Metrics = field(init=False)
    api: Api = field(init=False)
    webhooks: WebhookSender = field(init=False)
    _unready: str = ""
    board: BoardSite = field(init=False)

    def __post_init__(self) -> None:
        self.board = BoardSite(self, self.settings)
        self.metrics = Metrics(
            self.db,
            is_leader=lambda: bool(getattr(self.scheduler, "is_leader", False)),
            platforms=lambda: [a.platform for a in self.adapters],
        )
        self.runtime.watchers += [self.metrics.command, log_command]
        self.api = Api(self.runtime, self.call, rate=self.settings.api_rate_limit)
        self.webhooks = WebhookSender(self.db, self.call)

    # --- flows from async code -----------------------------------------------------------

    async def handle(self, inbound: Inbound) -> Reply:
        """Run the (synchronous) runtime on the worker pool; refuse new work when stopping.

        Every adapter comes through here, so this is where a replayed or redelivered event is
        dropped (`stockbot.store.inbox`): it gets an empty Reply, which every renderer turns into
        nothing at all (Slack: only the empty ack; Telegram: nothing sent)."""
        if self._stopping.is_set():
            return Reply.text(t("service.stopping", self.settings.default_language))
        try:
            return await self.call(handle_once, self.db, self.runtime.handle, inbound)
        except DBAPIError:  # the duplicate guard could not reach the database
            log.warning("%s: database unavailable before the runtime", inbound.platform)
            seen = Handled(inbound.platform, inbound.user_id, inbound.chat_id)
            seen.outcome = "unavailable"
            self.metrics.command(seen)
            lang = inbound.lang_hint or self.settings.default_language
            return Reply.text(t("runtime.try_again", lang), ephemeral=True, key="runtime.try_again")

    async def call(self, fn: Callable[..., Any], *args: Any) -> Any:
        assert self._executor is not None, "service not started"
        self._in_flight += 1
        try:
            return await asyncio.get_running_loop().run_in_executor(self._executor, fn, *args)
        finally:
            self._in_flight -= 1

    # --- lifecycle -------------------------------------------------------------------------

    def app(self) -> web.Application:
        """The one HTTP server: operations routes, then each adapter's (later an API and a
        board mount here too)."""
        app = web.Application()
        app.router.add_get("/livez", self._livez)
        app.router.add_get("/readyz", self._readyz)
        app.router.add_get("/healthz", self._readyz)  # the old name; the same answer
        app.router.add_get("/metrics", self._metrics)
        app.add_routes(self.api.routes())
        app.add_routes(self.board.routes())
        for adapter in self.adapters:
            app.add_routes(adapter.routes())
        return app

    async def start(self, host: str | None = None, port: int | None = None) -> None:
        self._executor = ThreadPoolExecutor(max_workers=self.workers, thread_name_prefix="flow")
        from stockbot.lookup.service import ItemSearch

        ItemSearch.of(self.db).warm(self.db, follow=SEARCH_FOLLOW_S)
        self.board.warm()
        self._runner = web.AppRunner(self.app(), access_log=None)
        await self._runner.setup()
        host = host or self.settings.http_host
        port = self.settings.http_port if port is None else port
        site = web.TCPSite(self._runner, host, port)
        try:
            await site.start()
        except OSError as exc:
            await self._runner.cleanup()
            self._executor.shutdown(wait=False)
            raise StartError(_bind_problem(host, port, exc)) from None
        sockets = getattr(site._server, "sockets", None) or []
        self.port = sockets[0].getsockname()[1] if sockets else port
        for adapter in self.adapters:
            await adapter.start()
        if self.dispatch_loop:
            self._tasks.append(asyncio.create_task(self._dispatch_loop(), name="outbox"))
        if self.scheduler is not None:
            self.scheduler.on_job = self.metrics.job
            await self.call(self.scheduler.start)
        log.info(
            "stockbot serving on %s:%s with %s",
            host or self.settings.http_host,
            self.port,
            [a.platform for a in self.adapters] or "no chat platforms",
        )

    async def stop(self) -> None:
        """Graceful: no new work, let in-flight flows finish, flush the outbox, close."""
        self._stopping.set()  # handle() now answers "restarting" instead of taking work
        if self.scheduler is not None:
            await self.call(self.scheduler.stop)
        for _ in range(200):  # let in-flight flows finish (bounded: 10 s)
            if self._in_flight == 0:
                break
            await asyncio.sleep(0.05)
        await self.board.stop()
        for task in self._tasks:
            task.cancel()
        with contextlib.suppress(Exception):
            await self.dispatch_once()  # flush while the adapters can still send
        for adapter in self.adapters:
            with contextlib.suppress(Exception):
                await adapter.stop()
        await self.webhooks.close()
        if self._runner is not None:
            await self._runner.cleanup()
        if self._executor is not None:
            self._executor.shutdown(wait=True)
        if self.db.search is not None:
            self.db.search.stop()

    async def serve_forever(self, announce: Callable[[], None] | None = None) -> None:
        """Start, call `announce` once listening, serve until SIGTERM/SIGINT, stop gracefully."""
        await self.start()
        if announce is not None:
            announce()
        loop = asyncio.get_running_loop()
        done = asyncio.Event()
        for sig in (signal.SIGTERM, signal.SIGINT):
            with contextlib.suppress(NotImplementedError):
                loop.add_signal_handler(sig, done.set)
        await done.wait()
        log.info("stopping: finishing in-flight work and flushing the outbox")
        await self.stop()

    # --- health ------------------------------------------------------------------------------

    async def _livez(self, _request: web.Request) -> web.Response:
        return web.json_response({"ok": True})

    async def _readyz(self, _request: web.Request) -> web.Response:
        """Ready or not, and why (`stockbot.ops.health`): 200 or 503 with the same JSON."""
        try:
            store = await asyncio.wait_for(
                self.call(store_report, self.db, self.scheduler), READY_WITHIN
            )
        except Exception as exc:  # a hung database, a saturated pool
            reason = (
                f"no answer within {READY_WITHIN:.0f} s"
                if isinstance(exc, TimeoutError)
                else str(exc).splitlines()[0]
            )
            store = {"database": {"ok": False, "dialect": self.db.dialect, "error": reason}}
        body = readiness(
            store, {a.platform: a.health() for a in self.adapters}, self._stopping.is_set()
        )
        why = "" if body["ok"] else _why_not(body)
        if why != self._unready:  # said once per change, not at every probe
            self._unready = why
            if why:
                log.warning("not ready: %s", why)
            else:
                log.warning("ready again")
        return web.json_response(body, status=200 if body["ok"] else 503)

    async def _metrics(self, _request: web.Request) -> web.Response:
        body = await self.call(self.metrics.render)
        return web.Response(body=body, headers={"Content-Type": CONTENT_TYPE_LATEST})

    # --- the outbox dispatcher -----------------------------------------------------------

    async def _dispatch_loop(self) -> None:
        while not self._stopping.is_set():
            try:
                await self.dispatch_once()
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("outbox dispatch failed")
            await asyncio.sleep(self.outbox_interval)

    async def dispatch_once(self, limit: int = 50) -> int:
        """Deliver what is due; returns how many were delivered.

        Each row is first *claimed* (pending → sending, with a claim expiry) by a conditional
        update, so two dispatchers — the loop and a shutdown flush, or two processes — never
        send the same message. While this call works its claims are renewed; a claim left
        behind by a crash lapses after `claim` and is retried. Each row is marked delivered
        the moment its send returns, so a kill can double at most the one send in flight."""
        senders: dict[str, Any] = {a.platform: a for a in self.adapters}
        senders[self.webhooks.platform] = self.webhooks
        due = await self.call(self._claim_due, list(senders), limit)
        if not due:
            return 0
        open_claims = {row[0] for row in due}
        keeper = asyncio.create_task(self._keep_claims(open_claims))
        try:
            return await self._deliver(senders, due, open_claims)
        finally:
            keeper.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await keeper

    async def _deliver(
        self, senders: dict[str, Adapter], due: list[tuple[Any, ...]], open_claims: set[int]
    ) -> int:
        delivered = 0
        held: set[tuple[str, str]] = set()  # targets whose earlier message just failed
        for msg_id, platform, target, payload, attempts in due:
            try:
                if (platform, target) in held:  # keep each chat's messages in order
                    await self.call(self._mark, msg_id, "pending", attempts, None, 0.0)
                    continue
                outcome = await self._send_one(senders[platform], msg_id, target, payload, attempts)
            finally:
                open_claims.discard(msg_id)
            if outcome == "delivered":
                delivered += 1
            elif outcome == "retry":
                held.add((platform, target))
        return delivered

    async def _send_one(
        self, sender: Adapter, msg_id: int, target: str, payload: dict[str, Any], attempts: int
    ) -> str:
        """Send one claimed row and mark it at once; "delivered", "retry", "parked" or "lost"
        (our claim was taken over, so another dispatcher owns the row now)."""
        platform = sender.platform
        if msg_id in self._recent:  # sent by this process, but the mark did not stick
            marked = await self.call(
                self._mark, msg_id, "delivered", attempts + 1, None, None, self._recent.get(msg_id)
            )
            return "delivered" if marked else "lost"
        delivery = Delivery(msg_id, attempts)
        token = SENDING.set(delivery)
        try:
            raw = getattr(sender, "raw", False)  # webhooks: the stored event itself
            reply: Any = (
                payload if raw else await self.call(self._render, platform, target, payload)
            )
            await sender.send(target, reply)
        except PermanentDeliveryError as exc:
            self.metrics.delivery_failures.labels(platform, "parked").inc()
            log.error("outbox %s to %s:%s failed for good: %s", msg_id, platform, target, exc)
            await self.call(self._mark, msg_id, "failed", attempts + 1, str(exc), None)
            return "parked"
        except Exception as exc:  # every other failure is retried
            retry_after = getattr(exc, "retry_after", None)
            delay = retry_after if retry_after is not None else _backoff(attempts)
            state = "failed" if attempts + 1 >= MAX_ATTEMPTS else "pending"
            kind = "parked" if state == "failed" else "retry"
            self.metrics.delivery_failures.labels(platform, kind).inc()
            log.warning(
                "outbox %s to %s:%s failed (attempt %d), retry in %.0fs: %s",
                msg_id,
                platform,
                target,
                attempts + 1,
                delay,
                exc,
            )
            await self.call(self._mark, msg_id, state, attempts + 1, str(exc)[:500], delay)
            return "retry"
        finally:
            SENDING.reset(token)
        posted = ",".join(delivery.posted)[:200] or None
        self.metrics.deliveries.labels(platform).inc()
        self._recent.add(msg_id, posted)
        marked = await self.call(self._mark, msg_id, "delivered", attempts + 1, None, None, posted)
        return "delivered" if marked else "lost"

    async def _keep_claims(self, open_claims: set[int]) -> None:
        """Renew this dispatcher's claims every third of `claim` while it works through them."""
        while True:
            await asyncio.sleep(self.claim.total_seconds() / 3)
            if open_claims:
                await self.call(self._renew, sorted(open_claims))

    def _renew(self, ids: list[int]) -> None:
        with self.db.write() as s:
            s.execute(
                update(OutboxMessage)
                .where(OutboxMessage.id.in_(ids), OutboxMessage.state == "sending")
                .values(next_attempt_at=utcnow() + self.claim)
            )

    def _render(self, platform: str, target: str, payload: dict[str, Any]) -> Reply:
        """A notice in its reader's language and timezone, looked up now (at delivery)."""
        with self.db.read() as s:
            return render_for(s, self.settings, platform, target, payload)

    def _claim_due(self, platforms: list[str], limit: int) -> list[tuple[Any, ...]]:
        if not platforms:
            return []
        now = utcnow()
        with self.db.read() as s:
            rows = s.execute(
                select(
                    OutboxMessage.id,
                    OutboxMessage.platform,
                    OutboxMessage.target,
                    OutboxMessage.payload,
                    OutboxMessage.attempts,
                    OutboxMessage.state,
                    OutboxMessage.next_attempt_at,
                )
                .where(
                    OutboxMessage.state.in_(("pending", "sending")),
                    OutboxMessage.platform.in_(platforms),
                )
                .order_by(OutboxMessage.id)
                .limit(limit * 4)
            ).all()
        # A message still waiting (backing off, or claimed by someone else) holds back the
        # later messages to the same chat: each chat sees its messages in order.
        blocked: set[tuple[str, str]] = set()
        ready: list[Any] = []
        for r in rows:
            key = (r.platform, r.target)
            if as_utc(r.next_attempt_at) > now or key in blocked:
                blocked.add(key)
            elif len(ready) < limit:
                ready.append(r)
        claimed: list[tuple[Any, ...]] = []
        lost: set[tuple[str, str]] = set()
        if not ready:
            return claimed
        # One write transaction for the whole batch (one commit, one turn at SQLite's writer
        # lock instead of one per row behind every request's). Each claim stays conditional;
        # rows are taken in id order, so two replicas' batches lock in the same order.
        with self.db.write() as s:
            for r in ready:
                if (r.platform, r.target) in lost:
                    continue  # another dispatcher (a replica) took an earlier one: keep order
                won = rowcount(
                    s.execute(
                        update(OutboxMessage)
                        .where(
                            OutboxMessage.id == r.id,
                            OutboxMessage.state == r.state,
                            OutboxMessage.next_attempt_at == r.next_attempt_at,
                        )
                        .values(state="sending", next_attempt_at=now + self.claim)
                    )
                )
                if won == 1:
                    claimed.append((r.id, r.platform, r.target, r.payload, r.attempts))
                else:
                    lost.add((r.platform, r.target))
        return claimed

    def _mark(
        self,
        msg_id: int,
        state: str,
        attempts: int,
        error: str | None,
        delay: float | None,
        platform_id: str | None = None,
    ) -> bool:
        """Conditional on our claim: a message is marked delivered exactly once."""
        values: dict[str, Any] = {"state": state, "attempts": attempts, "last_error": error}
        if state == "delivered":
            values["delivered_at"] = utcnow()
            values["platform_message_id"] = platform_id
        values["next_attempt_at"] = utcnow() + timedelta(seconds=delay or 0)
        with self.db.write() as s:
            return (
                rowcount(
                    s.execute(
                        update(OutboxMessage)
                        .where(OutboxMessage.id == msg_id, OutboxMessage.state == "sending")
                        .values(**values)
                    )
                )
                == 1
            )


def _bind_problem(host: str, port: int, exc: OSError) -> str:
    """A listening socket that could not be opened, in one line naming the setting to change."""
    where = f"{host}:{port}"
    if exc.errno == errno.EADDRINUSE:
        return f"{where} is already in use: stop the other process or set STOCKBOT_HTTP_PORT"
    if exc.errno == errno.EACCES:
        return f"no permission to listen on {where}: use a port above 1023 (STOCKBOT_HTTP_PORT)"
    if exc.errno == errno.EADDRNOTAVAIL:
        return f"{host} is not an address of this machine (STOCKBOT_HTTP_HOST)"
    return f"cannot listen on {where}: {exc.strerror or exc}"


def _why_not(body: dict[str, Any]) -> str:
    reasons = []
    if not body["database"]["ok"]:
        reasons.append(f"database: {body['database'].get('error', 'not ok')}")
    for platform, health in body["adapters"].items():
        if not health.get("ok"):
            error = health.get("last_error") or health.get("error") or "not ok"
            reasons.append(f"{platform}: {error}")
    if body["stopping"]:
        reasons.append("stopping")
    return "; ".join(reasons)


def _backoff(attempts: int) -> float:
    """1 s, 2 s, 4 s … capped at 5 minutes, with jitter so a recovering API is not stampeded."""
    return min(300.0, 2.0**attempts) * (0.8 + 0.4 * random.random())
