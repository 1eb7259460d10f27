"""The live stock board on the service's one HTTP server (库存看板).

```
GET /board?k=<token>[&lang=zh-Hans][&partial=1]  the page (or only its <main>, for a redraw)
GET /board/events?k=<token>                       server-sent events: `version` on each change
GET /board/version?k=<token>                      {"version": N}: the fallback for polling
GET /board/static/…                               Chart.js (vendored, MIT), board.js, board.css
```
The page is rendered on the server (jinja2) from `stockbot.reports.board`; the browser only
draws the charts and swaps in a fresh `<main>` when the version changes. A version
(`reports.board.version`) marks the newest posting, decision and shortage incident, and the
day. This process hears of its own changes at once (the unit of work's events, through
`flows.board.Pulse`); changes made by another replica are found by reading the version every
`POLL_S`, so every replica's board follows every change — a posting, a request raised or
approved, a shortage opened or closed, a purchase order falling overdue at midnight.
A bad, expired or revoked link is a 403 with the reason, in the asked language.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import threading
import time
from datetime import date
from pathlib import Path
from typing import Any

import jinja2
from aiohttp import web

from stockbot.config import Settings
from stockbot.flows.board import Viewer, pulse_of, viewer_for
from stockbot.handlers.base import Host
from stockbot.handlers.board.view import context
from stockbot.i18n import LANGS, normalize_lang, t
from stockbot.reports.board import Board, Trend, board, trend, version
from stockbot.timeutil import local_date, utcnow

HERE = Path(__file__).parent
POLL_S = 1.0
"""How often the version is read for postings other replicas made."""
HEARTBEAT_S = 15.0
CACHE_S = 10.0

_ENV = jinja2.Environment(
    loader=jinja2.FileSystemLoader(HERE / "templates"),
    autoescape=jinja2.select_autoescape(["html"]),
    trim_blocks=True,
    lstrip_blocks=True,
)


class BoardSite:
    """The board's routes; one per service. `host` runs the database reads off the loop."""

    def __init__(self, host: Host, settings: Settings) -> None:
        self.host = host
        self.settings = settings
        self._version: str | None = None
        self._changed: asyncio.Event | None = None
        self._wake: asyncio.Event | None = None
        self._watcher: asyncio.Task[None] | None = None
        self._stop_listening: Any = None
        self._lock = threading.Lock()
        self._closing = False
        self._cached: tuple[str, float, Board] | None = None
        self._trend: tuple[date, Trend] | None = None

    def routes(self) -> list[web.AbstractRouteDef]:
        return [
            web.get("/board", self.page),
            web.get("/board/events", self.events),
            web.get("/board/version", self.current),
            web.static("/board/static", HERE / "static"),
        ]

    # --- who is asking ---------------------------------------------------------------------

    def _lang(self, request: web.Request, viewer: Viewer | None) -> str:
        asked = request.query.get("lang")
        chosen = normalize_lang(asked) if asked else None
        if chosen in LANGS:
            return str(chosen)
        if viewer is not None:
            return viewer.lang
        return normalize_lang(self.settings.default_language) or "en"

    async def _viewer(self, request: web.Request) -> Viewer | None:
        return await self.host.call(viewer_for, self.host.db, self.settings, request.query.get("k"))

    def _denied(self, request: web.Request) -> web.Response:
        lang = self._lang(request, None)
        html = _ENV.get_template("denied.html").render(t=lambda k, **p: t(k, lang, **p), lang=lang)
        return web.Response(status=403, text=html, content_type="text/html")

    # --- the page ----------------------------------------------------------------------------

    def _numbers(self) -> Board:
        """The board's numbers, shared by every viewer: computed once per version (and at most
        CACHE_S old, for the ages it shows: "waiting 5 min"); the 30-day trend once a day. One
        thread computes while the others wait for its result."""
        tz = self.settings.timezone
        today = local_date(utcnow(), tz)
        with self._lock:
            with self.host.db.read() as s:
                v = version(s, today)
                hit = self._cached
                if hit and hit[0] == v and time.monotonic() - hit[1] < CACHE_S:
                    return hit[2]
                if self._trend is None or self._trend[0] != today:
                    self._trend = (today, trend(s, today))
                data = board(s, today, tz, daily=self._trend[1])
            self._cached = (data.version, time.monotonic(), data)
            return data

    def warm(self) -> threading.Thread:
        """Compute the day's trend in the background at start (like the search index), so the
        first person to open the board does not wait for it."""

        def run() -> None:
            tz = self.settings.timezone
            today = local_date(utcnow(), tz)
            with contextlib.suppress(Exception), self._lock, self.host.db.read() as s:
                if self._trend is None or self._trend[0] != today:
                    self._trend = (today, trend(s, today))

        thread = threading.Thread(target=run, name="board-warm", daemon=True)
        thread.start()
        return thread

    def _render(self, viewer: Viewer, lang: str, partial: bool) -> str:
        tz = self.settings.timezone
        data = self._numbers()
        ctx = context(data, viewer, lang, tz, self.settings.currency)
        ctx["charts_json"] = json.dumps(ctx["charts"], ensure_ascii=False).replace("</", "<\\/")
        name = "main.html" if partial else "board.html"
        return _ENV.get_template(name).render(**ctx)

    async def page(self, request: web.Request) -> web.Response:
        viewer = await self._viewer(request)
        if viewer is None:
            return self._denied(request)
        lang = self._lang(request, viewer)
        partial = request.query.get("partial") == "1"
        html = await self.host.call(self._render, viewer, lang, partial)
        return web.Response(
            text=html,
            content_type="text/html",
            headers={"Cache-Control": "no-store", "Referrer-Policy": "no-referrer"},
        )

    async def current(self, request: web.Request) -> web.Response:
        if await self._viewer(request) is None:
            return web.json_response({"error": "forbidden"}, status=403)
        return web.json_response({"version": await self._read_version()})

    # --- live updates ------------------------------------------------------------------------

    async def _read_version(self) -> str:
        def read() -> str:
            today = local_date(utcnow(), self.settings.timezone)
            with self.host.db.read() as s:
                return version(s, today)

        return str(await self.host.call(read))

    def _ensure_watcher(self) -> None:
        if self._watcher is not None and not self._watcher.done():
            return
        loop = asyncio.get_running_loop()
        self._changed = asyncio.Event()
        self._wake = asyncio.Event()
        wake = self._wake

        def woken() -> None:
            loop.call_soon_threadsafe(wake.set)

        self._stop_listening = pulse_of(self.host.db).listen(woken)
        self._watcher = asyncio.create_task(self._watch(), name="board-version")

    async def _watch(self) -> None:
        """Read the version when woken by a change here, or every POLL_S for the others'."""
        assert self._wake is not None
        try:
            while True:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._wake.wait(), POLL_S)
                self._wake.clear()
                with contextlib.suppress(Exception):  # a database hiccup: try again next time
                    v = await self._read_version()
                    if v != self._version:
                        self._version = v
                        changed, self._changed = self._changed, asyncio.Event()
                        if changed is not None:
                            changed.set()
        finally:
            if self._stop_listening is not None:
                self._stop_listening()

    async def stop(self) -> None:
        """End the event streams (browsers reconnect to another replica, or after the restart)
        so that a board left open does not hold the shutdown, then the watcher."""
        self._closing = True
        if self._changed is not None:
            self._changed.set()
        if self._watcher is not None:
            self._watcher.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._watcher

    async def events(self, request: web.Request) -> web.StreamResponse:
        if await self._viewer(request) is None:
            return web.json_response({"error": "forbidden"}, status=403)
        self._ensure_watcher()
        resp = web.StreamResponse(
            headers={
                "Content-Type": "text/event-stream",
                "Cache-Control": "no-store",
                "X-Accel-Buffering": "no",  # a proxy in front must not hold the stream back
            }
        )
        await resp.prepare(request)
        sent = await self._read_version()
        await resp.write(f"retry: 3000\nevent: version\ndata: {sent}\n\n".encode())
        try:
            while not self._closing:
                assert self._changed is not None
                changed = self._changed
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(changed.wait(), HEARTBEAT_S)
                if self._closing:
                    break
                if self._version is not None and self._version != sent:
                    sent = self._version
                    await resp.write(f"event: version\ndata: {sent}\n\n".encode())
                else:
                    await resp.write(b": keep-alive\n\n")
        except (ConnectionResetError, asyncio.CancelledError):
            pass
        return resp
