"""`stockbot run`: one asyncio process serving every configured chat platform.

```
aiohttp server (STOCKBOT_HTTP_HOST:PORT)      adapters (handlers/slack.py, handlers/telegram.py)
  GET  /livez              → the process answers  parse platform events → Inbound
  GET  /readyz, /healthz   → ready? (ops.health)
  GET  /metrics            → Prometheus (ops.metrics)
  POST /slack/events       → Slack adapter        await service.handle(inbound) → Reply → render
  POST /telegram/webhook   → Telegram adapter
  /api/v1/…                → the open API (stockbot.api.http)
outbox dispatcher (dispatch.py)  ← rows flows wrote; delivered through adapter.send, retried
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
import gc
import logging
import signal
import socket
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from aiohttp import web
from prometheus_client import CONTENT_TYPE_LATEST
from sqlalchemy.exc import DBAPIError

from stockbot.api.http import Api
from stockbot.api.webhooks import WebhookSender
from stockbot.commands.inbound import Inbound
from stockbot.config import Settings
from stockbot.dispatch import CLAIM, MAX_ATTEMPTS, OutboxDispatcher
from stockbot.handlers.base import Adapter, handle_once
from stockbot.handlers.board import BoardSite
from stockbot.i18n import register, t
from stockbot.ops.health import readiness, store_report
from stockbot.ops.logs import log_command
from stockbot.ops.metrics import Metrics
from stockbot.replies import Reply
from stockbot.runtime import Handled, Runtime
from stockbot.store.db import Database
from stockbot.store.outbox import RecentlySent

__all__ = ["CLAIM", "MAX_ATTEMPTS", "Service", "StartError"]

log = logging.getLogger(__name__)

register(
    {
        "service.stopping": {
            "en": "stockbot is restarting; please send that again in a minute.",
            "zh-Hans": "stockbot 正在重启，请稍后再发送一次。",
        }
    }
)

SEARCH_FOLLOW_S = 5.0
"""How often the search index catches up on items other processes changed (an import), in the
background rather than in someone's question."""


WARM_WITHIN = 20.0
"""Seconds the start waits for its warm-ups (board trend, the scheduler and its chart: about
1 s of imports, 2.5 s on a new machine's first matplotlib font scan) before it listens anyway.
Listening earlier served the first people beside them on one GIL: 100–300 ms answers in the
first second (issue 13)."""

READY_WITHIN = 5.0
"""Seconds `/readyz` waits for the database before it answers "not ready" anyway."""


class StartError(Exception):
    """A start that cannot work (the port is taken, no permission): one line for the operator."""


@dataclass
class Service(OutboxDispatcher):
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

        host = host or self.settings.http_host
        port = self.settings.http_port if port is None else port
        try:  # a busy port says so now, not after the warm-ups below
            _try_binding(host, port)
        except OSError as exc:
            self._executor.shutdown(wait=False)
            raise StartError(_bind_problem(host, port, exc)) from None
        ItemSearch.of(self.db).warm(self.db, follow=SEARCH_FOLLOW_S)
        warming = [self.board.warm()]
        if self.scheduler is not None:  # before listening: its imports and chart warm-up
            self.scheduler.on_job = self.metrics.job
            await self.call(self.scheduler.start)
            warming += getattr(self.scheduler, "warming", [])
        deadline = time.monotonic() + WARM_WITHIN
        for thread in warming:
            await self.call(thread.join, max(0.0, deadline - time.monotonic()))
        self._runner = web.AppRunner(self.app(), access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, host, port)
        try:
            await site.start()
        except OSError as exc:
            await self._runner.cleanup()
            if self.scheduler is not None:
                await self.call(self.scheduler.stop)
            self._executor.shutdown(wait=False)
            raise StartError(_bind_problem(host, port, exc)) from None
        sockets = getattr(site._server, "sockets", None) or []
        self.port = sockets[0].getsockname()[1] if sockets else port
        for adapter in self.adapters:
            await adapter.start()
        if self.dispatch_loop:
            self._tasks.append(asyncio.create_task(self._dispatch_loop(), name="outbox"))
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
        # Everything built so far (bolt, the mappers, compiled statements, the catalogue) lives
        # as long as the process: out of the collector's full passes, which otherwise walk it
        # all in the middle of someone's request (issue 13). The search index freezes its own.
        gc.collect()
        gc.freeze()
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


def _try_binding(host: str, port: int) -> None:
    """Bind (without listening) every address the server will, and let go: OSError if one is
    taken. The server binds again when it starts listening; this only answers early."""
    if not port:
        return
    for family, kind, proto, _, address in socket.getaddrinfo(
        host or None, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE
    ):
        try:
            probe = socket.socket(family, kind, proto)
        except OSError:  # a family this machine lacks (no IPv6): asyncio's server skips it too
            continue
        with probe:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            if family == socket.AF_INET6:
                probe.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
            probe.bind(address)


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
