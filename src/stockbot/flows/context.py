"""Who is acting, from where, in which language: what every flow receives.

Flows get a `Ctx`, never a platform object, so the same flow serves Slack, Telegram and the
console, and tests call flows directly.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field

from stockbot.commands.inbound import Person
from stockbot.config import Settings
from stockbot.store.db import Database


@dataclass(frozen=True, slots=True)
class Actor:
    """`user_id` is None for someone we have never seen: the user row is only created inside a
    unit of work that writes (`flows.common.actor_id`), so bad input writes nothing."""

    user_id: int | None
    display_name: str
    platform_user_id: str
    roles: frozenset[str] = field(default_factory=frozenset)
    handle: str | None = None
    """The platform username this message came with; stored when the actor next writes."""
    wrote_language: str | None = None
    """The language this message's text showed, set only when it differs from the one stored
    for them (`users.wrote_language`): the write unit of work records it, so their later
    notices follow it, and a person who keeps writing one language costs no extra statement."""

    def has(self, *roles: str) -> bool:
        return "admin" in self.roles or any(r in self.roles for r in roles)


@dataclass(frozen=True, slots=True)
class Origin:
    """The chat message an action came from: the audit trail's "where"."""

    platform: str
    chat_id: str
    message_id: str | None = None
    event_id: str | None = None

    def columns(self) -> dict[str, str | None]:
        """The audit trail's "where" as the columns every document and posting carries."""
        return {
            "chat_platform": self.platform,
            "chat_id": self.chat_id,
            "message_id": self.message_id,
        }

    def key(self, suffix: str) -> str:
        """An idempotency key derived from the inbound event, so a redelivery acts once.

        An event with neither an event id nor a message id cannot be recognised when redelivered;
        it gets a fresh key rather than one it would share with every other such event."""
        ident = self.event_id or self.message_id or f"anon-{uuid.uuid4().hex}"
        return f"{self.platform}:{self.chat_id}:{ident}:{suffix}"[:200]


@dataclass(frozen=True, slots=True)
class Ctx:
    db: Database
    settings: Settings
    actor: Actor
    origin: Origin
    lang: str
    chat_warehouse_id: int | None = None
    timezone: str | None = None
    """The chat's timezone (times shown to people); the factory's when the chat has none."""
    mentioned: tuple[Person, ...] = ()
    """People the platform marked in the message (names for `<platform>:<id>` in the text)."""
    reply_to: Person | None = None
    """The author of the message this one replies to, as the platform identified them."""

    @property
    def tz(self) -> str:
        return self.timezone or self.settings.timezone


def system_ctx(db: Database, settings: Settings) -> Ctx:
    """The scheduler acting on its own (reminders, scans): nobody's chat, the factory's
    defaults. Used to ask a workflow who may act, never to act."""
    return Ctx(
        db=db,
        settings=settings,
        actor=Actor(None, "stockbot", "system"),
        origin=Origin("system", "scheduler"),
        lang=settings.default_language,
    )
