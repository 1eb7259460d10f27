"""Delivering webhook events: the outbox rows `flows.webhooks` wrote, POSTed signed.

The service's dispatcher claims, retries with backoff (1 s, 2 s, 4 s … capped, jittered) and
parks after its attempt limit, exactly as for chat messages; this is only the last hop.
Each POST carries
- `Stockbot-Event-Id` (also the body's `id`): the same for every retry, so a receiver that
  answered but whose answer was lost drops the repeat;
- `Stockbot-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>" under the
  webhook's secret>`: the receiver checks it and refuses old timestamps (a replay).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from collections.abc import Awaitable, Callable
from typing import Any

import aiohttp

from stockbot.handlers.base import DeliveryError, PermanentDeliveryError
from stockbot.store.db import Database
from stockbot.store.models import Webhook

TIMEOUT = aiohttp.ClientTimeout(total=10)


def signature(secret: str, timestamp: int, body: bytes) -> str:
    mac = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256)
    return f"t={timestamp},v1={mac.hexdigest()}"


def verify(secret: str, header: str, body: bytes, tolerance: float = 300) -> bool:
    """What a receiver does (and the tests): the signature matches and is recent."""
    parts = dict(p.split("=", 1) for p in header.split(",") if "=" in p)
    try:
        ts = int(parts["t"])
    except (KeyError, ValueError):
        return False
    expected = signature(secret, ts, body).split("v1=", 1)[1]
    return abs(time.time() - ts) <= tolerance and hmac.compare_digest(expected, parts.get("v1", ""))


class WebhookSender:
    """The `webhook` platform of the outbox: `send(target=webhook id, payload)`."""

    platform = "webhook"
    raw = True
    """The dispatcher hands over the stored payload itself, not a rendered Reply."""

    def __init__(self, db: Database, call: Callable[..., Awaitable[Any]]) -> None:
        self.db, self.call = db, call
        self._session: aiohttp.ClientSession | None = None

    def _hook(self, hook_id: int) -> tuple[str, str] | None:
        with self.db.read() as s:
            hook = s.get(Webhook, hook_id)
            if hook is None or hook.removed_at is not None:
                return None
            return hook.url, hook.secret

    async def send(self, target: str, payload: Any) -> None:
        found = await self.call(self._hook, int(target)) if target.isdigit() else None
        if found is None:
            raise PermanentDeliveryError(f"webhook {target} was removed")
        url, secret = found
        body = json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode()
        headers = {
            "Content-Type": "application/json",
            "User-Agent": "stockbot-webhooks/1",
            "Stockbot-Event": str(payload.get("type", "")),
            "Stockbot-Event-Id": str(payload.get("id", "")),
            "Stockbot-Signature": signature(secret, int(time.time()), body),
        }
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession(timeout=TIMEOUT)
        try:
            async with self._session.post(url, data=body, headers=headers) as answer:
                if answer.status >= 300:
                    raise DeliveryError(f"{url} answered {answer.status}")
        except (aiohttp.ClientError, TimeoutError) as exc:
            raise DeliveryError(f"{url}: {exc or type(exc).__name__}") from None

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()
