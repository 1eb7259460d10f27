"""The outbox dispatcher of `stockbot run`: delivers what flows wrote to the outbox table.

A mixin of `stockbot.service.Service` (which gives it the database, the worker pool's `call`,
the adapters, the webhook sender and the metrics), kept apart because it is its own concern:
claim due rows, send each through its platform's adapter, mark it, renew claims meanwhile,
back off on failure. Its statements are prebuilt Core, on connections rather than ORM sessions:
the loop runs every second on every replica, and each delivered message is marked at once.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
from datetime import timedelta
from typing import TYPE_CHECKING, Any, cast

from sqlalchemy import Table, bindparam, select

from stockbot.flows.notices import render_for
from stockbot.handlers.base import Adapter, PermanentDeliveryError
from stockbot.replies import Reply
from stockbot.store.models import OutboxMessage
from stockbot.store.outbox import SENDING, Delivery
from stockbot.timeutil import as_utc, utcnow

if TYPE_CHECKING:
    from stockbot.api.webhooks import WebhookSender
    from stockbot.config import Settings
    from stockbot.ops.metrics import Metrics
    from stockbot.store.db import Database
    from stockbot.store.outbox import RecentlySent

log = logging.getLogger(__name__)

CLAIM = timedelta(seconds=15)
"""How long a claim holds without renewal. A live dispatcher renews its claims every third of
this (`_keep_claims`), so a slow send is never doubled; a killed one's claims lapse within it,
and only the one message it was sending can arrive twice (docs/reliability.md measures it)."""
MAX_ATTEMPTS = 12
"""After this many failed deliveries a message is parked as `failed` (and logged loudly)."""

_outbox = cast(Table, OutboxMessage.__table__)
_DUE = (
    select(
        _outbox.c.id,
        _outbox.c.platform,
        _outbox.c.target,
        _outbox.c.payload,
        _outbox.c.attempts,
        _outbox.c.state,
        _outbox.c.next_attempt_at,
    )
    .where(
        _outbox.c.state.in_(("pending", "sending")),
        _outbox.c.platform.in_(bindparam("platforms", expanding=True)),
    )
    .order_by(_outbox.c.id)
    .limit(bindparam("limit"))
)
_CLAIM = (
    _outbox.update()
    .where(
        _outbox.c.id == bindparam("row"),
        _outbox.c.state == bindparam("was"),
        _outbox.c.next_attempt_at == bindparam("due"),
    )
    .values(state="sending", next_attempt_at=bindparam("until"))
)
_RENEW = (
    _outbox.update()
    .where(_outbox.c.id.in_(bindparam("ids", expanding=True)), _outbox.c.state == "sending")
    .values(next_attempt_at=bindparam("until"))
)


class OutboxDispatcher:
    """Delivers the outbox; mixed into `Service`, whose fields these are."""

    db: Database
    settings: Settings
    adapters: list[Adapter]
    webhooks: WebhookSender
    metrics: Metrics
    claim: timedelta
    outbox_interval: float
    _recent: RecentlySent
    _stopping: asyncio.Event

    async def call(self, fn: Any, *args: Any) -> Any:  # the service's worker pool
        raise NotImplementedError

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
        with self.db.write_conn() as conn:
            conn.execute(_RENEW, {"ids": ids, "until": utcnow() + self.claim})

    def _render(self, platform: str, target: str, payload: dict[str, Any]) -> Reply:
        """A notice in its reader's language and timezone, looked up now (at delivery)."""
        with self.db.read() as s:
            return render_for(s, self.settings, platform, target, payload)

    def _claim_due(self, platforms: list[str], limit: int) -> list[tuple[Any, ...]]:
        if not platforms:
            return []
        now = utcnow()
        with self.db.read_conn() as conn:
            rows = conn.execute(_DUE, {"platforms": platforms, "limit": limit * 4}).all()
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
        with self.db.write_conn() as conn:
            for r in ready:
                if (r.platform, r.target) in lost:
                    continue  # another dispatcher (a replica) took an earlier one: keep order
                claim = {"row": r.id, "was": r.state, "due": r.next_attempt_at}
                won = conn.execute(_CLAIM, {**claim, "until": now + self.claim}).rowcount
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
        with self.db.write_conn() as conn:
            marked = conn.execute(
                _outbox.update()
                .where(_outbox.c.id == msg_id, _outbox.c.state == "sending")
                .values(**values)
            )
            return marked.rowcount == 1


def _backoff(attempts: int) -> float:
    """1 s, 2 s, 4 s … capped at 5 minutes, with jitter so a recovering API is not stampeded."""
    return min(300.0, 2.0**attempts) * (0.8 + 0.4 * random.random())
