"""API keys and webhooks as rows: create (the secret is shown once), list, revoke, verify.

A key reads `sbk_<prefix>_<secret>`; the row keeps the prefix (to find it, and to show in
`apikey list`) and the SHA-256 of the whole key, compared in constant time.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from stockbot.store.db import Database, rowcount
from stockbot.store.models import ApiKey, Webhook
from stockbot.timeutil import utcnow

SCOPES = ("read", "post", "admin")
"""Each scope includes the ones before it."""
WEBHOOK_EVENTS = ("stock.posted", "shortage.opened")


class KeyError_(ValueError):
    """A key that cannot be created (bad name, taken, unknown scope): one line for the CLI."""


@dataclass(frozen=True, slots=True)
class KeyInfo:
    id: int
    name: str
    scope: str
    prefix: str
    created_at: datetime
    revoked_at: datetime | None


def _hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def allows(scope: str, needed: str) -> bool:
    return SCOPES.index(scope) >= SCOPES.index(needed)


def create_key(db: Database, name: str, scope: str) -> str:
    """The new key, in full: the only time anyone sees it."""
    name = name.strip()
    if not name or len(name) > 64 or not name.replace("-", "").replace("_", "").isalnum():
        raise KeyError_("a key name is 1-64 letters, digits, - or _")
    if scope not in SCOPES:
        raise KeyError_(f"scope must be one of {', '.join(SCOPES)}")
    prefix = secrets.token_hex(4)
    key = f"sbk_{prefix}_{secrets.token_urlsafe(32)}"
    with db.write() as s:
        if s.scalar(select(ApiKey.id).where(ApiKey.name == name)) is not None:
            raise KeyError_(f"a key named {name!r} exists; revoke it or choose another name")
        s.add(ApiKey(name=name, scope=scope, prefix=prefix, secret_hash=_hash(key)))
    return key


def list_keys(db: Database) -> list[KeyInfo]:
    with db.read() as s:
        return [
            KeyInfo(k.id, k.name, k.scope, k.prefix, k.created_at, k.revoked_at)
            for k in s.scalars(select(ApiKey).order_by(ApiKey.id))
        ]


def revoke_key(db: Database, name: str) -> bool:
    with db.write() as s:
        done = s.execute(
            update(ApiKey)
            .where(ApiKey.name == name, ApiKey.revoked_at.is_(None))
            .values(revoked_at=utcnow())
        )
        return rowcount(done) == 1


def verify(session: Session, key: str) -> KeyInfo | None:
    """The live key `key` is, or None (malformed, unknown, revoked)."""
    parts = key.split("_")
    if len(parts) < 3 or parts[0] != "sbk" or len(parts[1]) != 8:
        return None
    digest = _hash(key)
    for k in session.scalars(select(ApiKey).where(ApiKey.prefix == parts[1])):
        if k.revoked_at is None and hmac.compare_digest(k.secret_hash, digest):
            return KeyInfo(k.id, k.name, k.scope, k.prefix, k.created_at, None)
    return None


# --- webhooks ---------------------------------------------------------------------------------


def add_webhook(db: Database, url: str, events: list[str]) -> tuple[int, str]:
    """(id, signing secret); the secret is shown once, like a key."""
    if not url.startswith(("http://", "https://")) or len(url) > 500:
        raise KeyError_("a webhook URL starts with http:// or https://")
    unknown = [e for e in events if e not in WEBHOOK_EVENTS]
    if unknown or not events:
        raise KeyError_(f"events are some of {', '.join(WEBHOOK_EVENTS)}")
    secret = f"whsec_{secrets.token_urlsafe(32)}"
    with db.write() as s:
        hook = Webhook(url=url, events=sorted(set(events)), secret=secret)
        s.add(hook)
        s.flush()
        return hook.id, secret


def list_webhooks(db: Database) -> list[tuple[int, str, list[str]]]:
    with db.read() as s:
        rows = s.scalars(select(Webhook).where(Webhook.removed_at.is_(None)).order_by(Webhook.id))
        return [(h.id, h.url, list(h.events)) for h in rows]


def remove_webhook(db: Database, hook_id: int) -> bool:
    with db.write() as s:
        done = s.execute(
            update(Webhook)
            .where(Webhook.id == hook_id, Webhook.removed_at.is_(None))
            .values(removed_at=utcnow())
        )
        return rowcount(done) == 1
