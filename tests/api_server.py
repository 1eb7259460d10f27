"""The service's HTTP server on a loopback port, run on its own event loop thread, so tests
and the bench talk to `/api/v1` over real HTTP with a plain synchronous client."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterator
from contextlib import contextmanager

import httpx

from stockbot.runtime import Runtime
from stockbot.service import Service
from stockbot.store.apikeys import create_key
from stockbot.store.db import Database


class Server:
    def __init__(self, db: Database, runtime: Runtime) -> None:
        self.db = db
        self.service = Service(db=db, settings=runtime.settings, runtime=runtime)
        self.service.dispatch_loop = False
        self.loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self.loop.run_forever, daemon=True)

    def run(self, coro):  # type: ignore[no-untyped-def]
        return asyncio.run_coroutine_threadsafe(coro, self.loop).result(60)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.service.port}"

    def client(
        self, scope: str | None = "post", name: str | None = None, **headers: str
    ) -> httpx.Client:
        """A client whose key has `scope` (None: no key at all)."""
        if scope is not None:
            key = create_key(self.db, name or f"erp-{scope}-{len(headers)}", scope)
            headers = {"Authorization": f"Bearer {key}", **headers}
        return httpx.Client(base_url=self.url + "/api/v1", headers=headers, timeout=30)


@contextmanager
def serving(db: Database, runtime: Runtime) -> Iterator[Server]:
    server = Server(db, runtime)
    server._thread.start()
    server.run(server.service.start(host="127.0.0.1", port=0))
    try:
        yield server
    finally:
        server.run(server.service.stop())
        server.loop.call_soon_threadsafe(server.loop.stop)
        server._thread.join(10)
