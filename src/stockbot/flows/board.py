"""The live stock board (库存看板): who may open it, and when it should redraw.

```
/board (chat) ──▶ board_links row (12 h) ──▶ private message: <public url>/board?k=<id>.<hmac>
GET /board?k=… ──▶ open_link: signature, row not revoked, not expired, user active
               ──▶ Viewer (roles read now, so a role taken away shows at the next load)
/board revoke  ──▶ every link of that person stops opening the board
StockPosted, DocumentDecided, ShortageOpened/Closed (after commit) ──▶ Pulse.changed
                             ──▶ the web board's listeners (SSE) read the version now
```
No passwords: a link is a bearer token for one person, signed so that a guessed or altered id
opens nothing, and stored so that it can be revoked. What the board shows is the person's role's
(`Viewer.sees_values`: staff see quantities and documents, never money).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import threading
import weakref
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

import stockbot.messages.board  # noqa: F401  (registers the catalogue)
from stockbot.config import Settings
from stockbot.flows import routing
from stockbot.flows.common import actor_id
from stockbot.flows.context import Ctx
from stockbot.flows.notices import Notice
from stockbot.i18n import normalize_lang, t
from stockbot.replies import Reply
from stockbot.store.db import Database
from stockbot.store.models import BoardLink, User, UserRole
from stockbot.timeutil import as_utc, utcnow

VALUE_ROLES = ("admin", "approver", "purchaser", "keeper")
"""Roles that see money on the board; everyone else (staff) sees quantities only."""


# --- signed links -----------------------------------------------------------------------------


def _secret(settings: Settings) -> bytes:
    if settings.board_secret:
        return settings.board_secret.encode()
    parts = (
        settings.database_url,
        settings.slack_signing_secret or "",
        settings.telegram_bot_token or "",
        "stockbot-board",
    )
    return hashlib.sha256("\x00".join(parts).encode()).digest()


def _signature(settings: Settings, link_id: str) -> str:
    mac = hmac.new(_secret(settings), link_id.encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(mac[:18]).decode()


def token_for(settings: Settings, link_id: str) -> str:
    return f"{link_id}.{_signature(settings, link_id)}"


def board_url(settings: Settings, token: str) -> str:
    base = settings.public_url or f"http://{settings.http_host}:{settings.http_port}"
    return f"{base.rstrip('/')}/board?k={token}"


def make_link(s: Session, settings: Settings, user_id: int) -> str:
    """A new link for `user_id`, valid `board_link_hours`; returns its token."""
    link_id = secrets.token_hex(16)
    now = utcnow()
    s.add(
        BoardLink(
            id=link_id,
            user_id=user_id,
            created_at=now,
            expires_at=now + timedelta(hours=settings.board_link_hours),
        )
    )
    s.flush()
    return token_for(settings, link_id)


@dataclass(frozen=True, slots=True)
class Viewer:
    user_id: int
    name: str
    roles: frozenset[str]
    lang: str

    @property
    def sees_values(self) -> bool:
        return any(r in self.roles for r in VALUE_ROLES)


def open_link(db: Database, token: str | None, default_lang: str = "en") -> Viewer | None:
    """The person a token stands for, or None: bad signature, unknown, revoked or expired
    link, or a user no longer active. Reads only."""
    link_id, _, sig = (token or "").partition(".")
    if not link_id or not sig:
        return None
    with db.read() as s:
        row = s.get(BoardLink, link_id)
        if row is None or row.revoked_at is not None or as_utc(row.expires_at) <= utcnow():
            return None
        user = s.get(User, row.user_id)
        if user is None or not user.active:
            return None
        roles = frozenset(
            r for (r,) in s.execute(select(UserRole.role).where(UserRole.user_id == user.id))
        )
        return Viewer(
            user.id, user.display_name, roles, normalize_lang(user.reads_in or default_lang) or "en"
        )


def check_signature(settings: Settings, token: str | None) -> bool:
    link_id, _, sig = (token or "").partition(".")
    return bool(link_id) and hmac.compare_digest(sig, _signature(settings, link_id))


def viewer_for(db: Database, settings: Settings, token: str | None) -> Viewer | None:
    """`open_link` behind the signature check: a forged token never reaches the database."""
    if not check_signature(settings, token):
        return None
    return open_link(db, token, settings.default_language)


def revoke_links(s: Session, user_id: int) -> int:
    """Revoke every live link of the person; how many."""
    result = s.execute(
        update(BoardLink)
        .where(BoardLink.user_id == user_id, BoardLink.revoked_at.is_(None))
        .values(revoked_at=utcnow())
    )
    return int(getattr(result, "rowcount", 0) or 0)


# --- the chat command ---------------------------------------------------------------------------


def board(ctx: Ctx, cmd: Any) -> Reply:
    """`/board`: a private message with a fresh link; `/board revoke`: the old ones stop."""
    if (getattr(cmd, "action", "") or "") == "revoke":
        with ctx.db.write() as s:
            n = revoke_links(s, actor_id(ctx, s))
        return Reply.text(t("board.revoked", ctx.lang, n=n), ephemeral=True, key="board.revoked")
    with ctx.db.write() as s:
        uid = actor_id(ctx, s)
        url = board_url(ctx.settings, make_link(s, ctx.settings, uid))
        notice = Notice("board.link", {"url": url, "hours": ctx.settings.board_link_hours})
        sent = routing.to_user(s, uid, notice)
    if not sent:  # nobody to write to privately: the link in this answer, to this person only
        return Reply.text(
            t("board.link", ctx.lang, url=url, hours=ctx.settings.board_link_hours),
            ephemeral=True,
            key="board.link",
        )
    return Reply.text(
        t("board.sent", ctx.lang, hours=ctx.settings.board_link_hours),
        ephemeral=True,
        key="board.sent",
    )


# --- live updates -------------------------------------------------------------------------------


class Pulse:
    """ "Something the board shows changed here": this process's own units of work say so after
    they commit (a posting, a document decided, a shortage incident opened or closed), and the
    web board's listeners (SSE) read the version at once. Replicas that did not make the change
    learn of it by reading `reports.board.version` every second instead."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._listeners: list[Callable[[], None]] = []

    def listen(self, fn: Callable[[], None]) -> Callable[[], None]:
        with self._lock:
            self._listeners.append(fn)

        def stop() -> None:
            with self._lock:
                if fn in self._listeners:
                    self._listeners.remove(fn)

        return stop

    def changed(self) -> None:
        with self._lock:
            listeners = list(self._listeners)
        for fn in listeners:
            fn()


_PULSES: weakref.WeakKeyDictionary[Database, Pulse] = weakref.WeakKeyDictionary()
_PULSES_LOCK = threading.Lock()


def pulse_of(db: Database) -> Pulse:
    with _PULSES_LOCK:
        pulse = _PULSES.get(db)
        if pulse is None:
            pulse = _PULSES[db] = Pulse()
        return pulse


def on_change(_events: Sequence[object], *, db: Database) -> None:
    """After commit, for every event that changes what the board shows (`flows.wiring`): wake
    the open boards (not needed for correctness — they also read the version every second)."""
    pulse_of(db).changed()


COMMANDS = {"board": board}
DOC_COMMANDS: dict = {}
ACTIONS: dict = {}
REPLIES: dict = {}
