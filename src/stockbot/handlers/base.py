"""The seam between the service and the chat platforms.

An adapter (Slack, Telegram) depends on this module only, never on `stockbot.service`: it is
handed a `Host` — what it needs from the process that runs it — and offers the `Adapter`
protocol back. The service implements `Host` and drives adapters through `Adapter`, so the
two can change independently and an adapter can be tested against a small fake host.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from datetime import datetime
from typing import Any, Protocol

from aiohttp import web
from sqlalchemy.exc import DBAPIError

from stockbot.commands.inbound import Inbound
from stockbot.commands.parser import ParseError, parse
from stockbot.replies import Reply
from stockbot.store.db import Database, is_read_only
from stockbot.store.inbox import delivered, first_delivery, maybe_prune, record
from stockbot.timeutil import utcnow

log = logging.getLogger(__name__)


class DeliveryError(Exception):
    """A send that may succeed later; `retry_after` (seconds) when the platform said so."""

    def __init__(self, message: str, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class PermanentDeliveryError(Exception):
    """A send that will never succeed (unknown chat, bot removed): parked as failed."""


class Host(Protocol):
    """What an adapter needs from the process that runs it."""

    @property
    def db(self) -> Database:
        """The database, for the adapter's own bookkeeping (redelivered event ids)."""

    async def handle(self, inbound: Inbound) -> Reply:
        """Run the inbound message or button press through the flows; the reply to render."""

    async def call(self, fn: Callable[..., Any], *args: Any) -> Any:
        """Run blocking work (database access) off the event loop."""


class Adapter(Protocol):
    """What a chat platform plugs into the service."""

    platform: str

    def routes(self) -> list[web.RouteDef]:
        """HTTP endpoints this adapter serves on the service's port (may be empty)."""

    async def start(self) -> None:
        """Begin receiving (polling, Socket Mode…); return once running."""

    async def stop(self) -> None: ...

    async def send(self, target: str, reply: Reply) -> None:
        """Deliver one outbox message: `target` is a platform chat id or `user:<user id>`.
        Raise DeliveryError (retry) or PermanentDeliveryError (give up)."""

    def health(self) -> dict[str, Any]:
        """`ok` (ready to serve), plus what an operator needs to see why not: readiness
        (`/readyz`) is not ready while any adapter says `ok: False`."""


class Contact:
    """When an adapter last reached its platform's API, and the last time it could not.

    Every outgoing API call reports here (the adapters wrap their HTTP clients), so readiness
    is measured, not assumed: an adapter whose calls all fail with a connection error is not
    ready, and becomes ready again with its next successful call. A refusal from the platform
    (an unknown chat, a 4xx) is still contact: the API was reached."""

    def __init__(self) -> None:
        self.last_contact: datetime | None = None
        self.last_error: str | None = None
        self.last_error_at: datetime | None = None
        self.failures = 0
        """Failed calls in a row since the last contact."""

    def reached(self) -> None:
        self.last_contact = utcnow()
        self.failures = 0

    def failed(self, reason: object) -> None:
        self.last_error = (str(reason) or type(reason).__name__)[:300]
        self.last_error_at = utcnow()
        self.failures += 1

    @property
    def reachable(self) -> bool:
        """No failure since the last contact (or no call made yet)."""
        if self.last_error_at is None:
            return True
        return self.last_contact is not None and self.last_contact > self.last_error_at

    def report(self) -> dict[str, Any]:
        def iso(when: datetime | None) -> str | None:
            return when.isoformat() if when else None

        return {
            "last_contact": iso(self.last_contact),
            "last_error": self.last_error,
            "last_error_at": iso(self.last_error_at),
            "failures_in_a_row": self.failures,
        }


async def seen_before(host: Host, platform: str, event_id: str | None) -> bool:
    """A delivery the service has already acted on (a platform's retry): an adapter asks before
    fetching a photo, so a redelivered upload is not downloaded again only to be dropped by
    `handle_once`, which still decides (two copies at once both fetch; one acts)."""
    if not event_id:
        return False
    try:
        return bool(await host.call(delivered, host.db, platform, event_id))
    except DBAPIError:  # the database is away: let the guard answer as it does then
        return False


def handle_once(db: Database, handle: Callable[[Inbound], Reply], inbound: Inbound) -> Reply:
    """*handle* the inbound unless its delivery (``event_id``) was seen before.

    The one duplicate guard for every adapter and path (`stockbot.store.inbox`): a replayed or
    redelivered event gets an empty Reply, which every renderer turns into nothing at all —
    Slack answers only the empty ack, Telegram sends nothing, the console prints nothing.

    Anything that may write records its delivery in the same transaction as the flow's work
    (`Database.one_transaction`; the flow's units of work are savepoints in it): one commit
    per message instead of two. A lookup, a report or a list (`looks_up` on the command) or a
    photo records it first, on its own, and runs outside SQLite's write lock.

    A read-only database cannot record the delivery; then the guard stands aside, since a
    replay can change nothing either: writes answer `runtime.read_only`, lookups still answer."""
    if not inbound.event_id:
        return handle(inbound)
    reply: Reply | None = None
    ran = handled = False
    try:
        if _apart(inbound):
            ran = first_delivery(db, inbound.platform, inbound.event_id)
        else:
            with db.one_transaction() as conn:
                if record(conn, inbound.platform, inbound.event_id):
                    ran = handled = True
                    reply = handle(inbound)
    except DBAPIError as exc:
        if handled or not is_read_only(exc):
            raise
        return handle(inbound)
    if not ran:
        log.info("%s: delivery %s already handled; skipped", inbound.platform, inbound.event_id)
        return Reply()
    if reply is None:
        return handle(inbound)  # a lookup, its delivery recorded
    maybe_prune(db)
    return reply


def _apart(inbound: Inbound) -> bool:
    """Record the delivery on its own first? A photo (decoding a barcode must not hold the
    write lock), a typed command that `looks_up`, or a pressed "show this item" choice. A
    plain message may answer a question the bot asked, so only a `/command` counts."""
    if inbound.image is not None:
        return True
    if inbound.action_id is not None:
        return inbound.action_id.startswith("stock:")
    text = (inbound.text or "").lstrip()
    if not text.startswith(("/", "／")):
        return False
    cmd = parse(text)
    return not isinstance(cmd, ParseError) and cmd.looks_up


class QuietLog:
    """One short log line per *reason* at most every *every* seconds, with how many were
    swallowed since: unauthenticated junk must not be able to fill the disk (issue 9, item 4)."""

    def __init__(self, logger: logging.Logger, every: float = 10.0) -> None:
        self.logger = logger
        self.every = every
        self._lock = threading.Lock()
        self._last: dict[str, float] = {}
        self._quiet: dict[str, int] = {}

    def warn(self, reason: str, source: object = None) -> None:
        now = time.monotonic()
        with self._lock:
            last = self._last.get(reason)
            if last is not None and now - last < self.every:
                self._quiet[reason] = self._quiet.get(reason, 0) + 1
                return
            self._last[reason] = now
            more = self._quiet.pop(reason, 0)
        extra = f" (+{more} more in the last {self.every:.0f}s)" if more else ""
        self.logger.warning("refused: %s from %s%s", reason, source or "?", extra)
