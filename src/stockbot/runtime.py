"""The platform-neutral entry point: `Runtime.handle(Inbound) -> Reply`.

Every adapter (console, Slack, Telegram) builds an `Inbound`, calls `handle`, and renders the
Reply. Here we identify the user and chat (read-only: nothing is written for a message that is
refused), choose the reply language, parse the text or resolve the pressed button, and call the
flow. A flow's polite refusal becomes the reply; anything unexpected becomes a short localised
apology, and the traceback goes to the log, never to the chat.

Each message or press ends as one `Handled` record (who, where, which command, how it ended,
how long it took) handed to the `watchers`: the service's metrics and its one log line per
command hang there, so flows never count anything themselves.
"""

from __future__ import annotations

import importlib
import logging
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from pydantic import TypeAdapter, ValidationError
from sqlalchemy import bindparam, select
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout

import stockbot.messages.runtime  # noqa: F401  (registers the catalogue)
from stockbot.commands.inbound import Inbound
from stockbot.commands.parser import COMMAND_NAMES, Command, ParseError, parse
from stockbot.config import Settings
from stockbot.flows import FLOW_MODULES, conversation
from stockbot.flows.common import Refusal
from stockbot.flows.context import Actor, Ctx, Origin
from stockbot.flows.photo import photo
from stockbot.flows.wiring import subscribe
from stockbot.flows.workflow import Workflow, find_workflow
from stockbot.i18n import detect_language, help_text, normalize_lang, t, tm
from stockbot.replies import Reply
from stockbot.store.db import Database, is_read_only
from stockbot.store.ledger import InsufficientStock, PostingError, QuantityLimitExceeded
from stockbot.store.models import ActionToken, Chat, User, UserIdentity, UserRole
from stockbot.store.types import fmt_qty
from stockbot.text import has_cjk

log = logging.getLogger(__name__)


_COMMAND = TypeAdapter(Command)

_users, _idents, _roles, _chats = (
    m.__table__ for m in (User, UserIdentity, UserRole, Chat)
)  # fmt: skip
_WHO = (
    select(
        _users.c.id,
        _users.c.display_name,
        _users.c.language,
        _users.c.wrote_language,
        _roles.c.role,
    )
    .join(_idents, _idents.c.user_id == _users.c.id)
    .outerjoin(_roles, _roles.c.user_id == _users.c.id)
    .where(_idents.c.platform == bindparam("platform"))
    .where(_idents.c.platform_user_id == bindparam("user"))
)
"""The person behind a platform identity, one row per role (none: a user without roles)."""
_WHERE = (
    select(_chats.c.language, _chats.c.timezone, _chats.c.warehouse_id)
    .where(_chats.c.platform == bindparam("platform"))
    .where(_chats.c.platform_chat_id == bindparam("chat"))
)
"""The chat's language, timezone and bound warehouse."""

Handler = Callable[..., Reply]


@dataclass
class Handled:
    """One message or button press, as operators see it (never its text).

    `outcome`: `ok`; `refused` (the flow said no: a role, a quantity, bad input); `unavailable`
    (the database failed: the user was asked to try again); `error` (a bug, logged)."""

    platform: str
    user: str
    chat: str
    command: str = "message"
    outcome: str = "ok"
    seconds: float = 0.0


Watcher = Callable[[Handled], None]


class Runtime:
    """One per process: the database, the settings, and the merged flow tables."""

    def __init__(self, db: Database, settings: Settings) -> None:
        self.db = db
        self.settings = settings
        self._admins = self.settings.admin_identities()
        subscribe(db, self.settings)
        self.commands: dict[str, Handler] = {"help": self._help}
        self.actions: dict[tuple[str, str], Handler] = {}
        self.replies: dict[str, Handler] = {}
        self.workflows: dict[str, Workflow] = {}
        self.watchers: list[Watcher] = []
        """Told of every `Handled` (metrics, the command log); a watcher must not raise."""
        for module in _flow_modules():
            wf = getattr(module, "WF", None)
            if isinstance(wf, Workflow):
                self.workflows[wf.doc_type] = wf
            self.commands.update(getattr(module, "COMMANDS", {}))
            self.actions.update(getattr(module, "ACTIONS", {}))
            self.replies.update(getattr(module, "REPLIES", {}))
        self.offered = _offered(self.commands, self.workflows)
        """The commands that do something, in help order: what `/help`, the Slack manifest
        and the Telegram menu may offer."""

    def _help(self, ctx: Ctx, cmd: Any) -> Reply:
        topic = cmd.topic
        if topic and topic not in self.offered:
            key = "help.unavailable"
        else:
            key = f"help.{topic}" if topic else "help.overview"
        return Reply.text(help_text(topic, ctx.lang, self.offered), key=key)

    # --- entry point ---------------------------------------------------------------------

    def handle(self, inbound: Inbound) -> Reply:
        seen = Handled(inbound.platform, inbound.user_id, inbound.chat_id)
        started = time.perf_counter()
        try:
            return self._handle(inbound, seen)
        finally:
            seen.seconds = time.perf_counter() - started
            for watch in self.watchers:
                try:
                    watch(seen)
                except Exception:
                    log.exception("a runtime watcher failed")

    def _handle(self, inbound: Inbound, seen: Handled) -> Reply:
        lang = self._guess_lang(inbound)
        try:
            ctx = self._context(inbound)
            lang = ctx.lang
            if inbound.action_id is not None:
                seen.command = "press"  # named once the button is known (bounded labels)
                return self._press(ctx, inbound.action_id, seen)
            return self._message(ctx, inbound, seen)
        except (Refusal, PostingError) as exc:
            seen.outcome = "refused"
            return explain(exc, lang)
        except (DBAPIError, PoolTimeout) as exc:
            key = _database_fault(exc)
            seen.outcome = "unavailable" if key else "error"
            log.log(
                logging.WARNING if key else logging.ERROR,
                "failed to handle %s",
                inbound.model_dump(exclude={"text", "image"}),
                exc_info=True,
            )
            key = key or "runtime.error"
            return Reply.text(t(key, lang), ephemeral=True, key=key)
        except Exception:
            seen.outcome = "error"
            log.exception("failed to handle %s", inbound.model_dump(exclude={"text", "image"}))
            return Reply.text(t("runtime.error", lang), ephemeral=True)

    def _message(self, ctx: Ctx, inbound: Inbound, seen: Handled) -> Reply:
        """A typed message: the answer to a pending question, or a command; a photo."""
        if inbound.image is not None:
            seen.command = "photo"
            return photo(
                ctx, inbound.text, inbound.image, lambda said: self._typed(ctx, said, seen)
            )
        text = inbound.text or ""
        if not text.lstrip().startswith(("/", "／")):
            # The bot asked this user something (a reason, a count): a message without a
            # leading slash is the answer, even if it starts with a command word.
            seen.command = "answer"
            answered = self._answer(ctx, text)
            if answered is not None:
                return answered
        return self._typed(ctx, text, seen, console=inbound.platform == "console")

    def _typed(self, ctx: Ctx, text: str, seen: Handled, *, console: bool = False) -> Reply:
        """A command as typed: parsed, then run (or its usage line)."""
        result = parse(text, console=console)
        if isinstance(result, ParseError):
            seen.command, seen.outcome = "unparsed", "refused"
            if result.command in COMMAND_NAMES and result.command not in self.offered:
                # no usage line for a command that would not run even when typed right
                return Reply.text(t("runtime.not_yet", ctx.lang, command=result.command))
            return result.to_reply(ctx.lang)
        seen.command = result.name
        return self.run_command(ctx, result)

    def has_question(self, inbound: Inbound) -> bool:
        """Read-only: is the bot waiting for this person's answer in this chat (a count line, a
        reason)? The console asks before it takes a bare `3` for button [3]."""
        try:
            ctx = self._context(inbound)
            with self.db.read() as s:
                return conversation.pending(ctx, s) is not None
        except Exception:
            log.exception("has_question failed")
            return False

    def run_command(self, ctx: Ctx, cmd: Any) -> Reply:
        doc = getattr(cmd, "doc", None)
        if doc is not None and cmd.name in {"approve", "reject", "cancel"}:
            found = find_workflow(self.workflows, doc)
            if found is None or cmd.name not in found[0].steps:
                return Reply.text(tm("doc.unknown", ctx.lang, doc=doc), ephemeral=True)
            wf, doc_id = found
            return wf.command(ctx, cmd.name, doc_id, cmd)
        handler = self.commands.get(cmd.name)
        if handler is None:
            return Reply.text(t("runtime.not_yet", ctx.lang, command=cmd.name))
        return handler(ctx, cmd)

    def _press(self, ctx: Ctx, action_id: str, seen: Handled | None = None) -> Reply:
        prefix, _, arg = action_id.partition(":")
        # read-only choices carry the item id itself; an id no column can hold is a stale button
        if prefix == "stock" and arg.isascii() and arg.isdigit() and int(arg) < 2**63:
            from stockbot.flows.stock import show

            if seen is not None:
                seen.command = "press:stock"

            return show(ctx, int(arg))
        if prefix != "a":
            raise Refusal(Reply.text(t("button.stale", ctx.lang), ephemeral=True))
        with self.db.read() as s:
            token = s.get(ActionToken, arg)
        if token is None:
            raise Refusal(Reply.text(t("button.stale", ctx.lang), ephemeral=True))
        if seen is not None:
            seen.command = f"press:{token.doc_type}.{token.action}"
        if (token.doc_type, token.action) == ("cmd", "retry"):
            return self._retry(ctx, token.payload)
        wf = self.workflows.get(token.doc_type)
        if wf is not None and token.action in wf.steps:
            return wf.press(ctx, token)
        handler = self.actions.get((token.doc_type, token.action))
        if handler is None:
            raise Refusal(Reply.text(t("button.stale", ctx.lang), ephemeral=True))
        return handler(ctx, token)

    def _retry(self, ctx: Ctx, payload: dict[str, Any]) -> Reply:
        """A pressed "did you mean" choice: the original command, now naming the item."""
        try:
            field = payload.get("field", "item")  # which argument of the command names the item
            cmd = _COMMAND.validate_python({**payload["command"], field: f"#{payload['item_id']}"})
        except (KeyError, ValidationError):
            raise Refusal(Reply.text(t("button.stale", ctx.lang), ephemeral=True)) from None
        return self.run_command(ctx, cmd)

    def _answer(self, ctx: Ctx, text: str) -> Reply | None:
        """The answer to a question the bot asked this user in this chat, if one is pending."""
        if ctx.actor.user_id is None or not text.strip():
            return None
        with self.db.read() as s:
            conv = conversation.pending(ctx, s)
            if conv is None:
                return None
            kind, doc_id = conv.kind, conv.doc_id
        doc_type, action = _question(kind)
        wf = self.workflows.get(doc_type)
        if wf is not None and action in wf.steps:
            return wf.answer(ctx, doc_id, action, text)
        if kind not in self.replies:
            return None
        return self.replies[kind](ctx, conv, text.strip())

    # --- who and where ---------------------------------------------------------------------

    @staticmethod
    def _cjk_lang(inbound: Inbound) -> str | None:
        """Someone writing Chinese is answered in Chinese, whatever the chat's default."""
        text = inbound.text
        return detect_language(text) if text and has_cjk(text) else None

    def _guess_lang(self, inbound: Inbound) -> str:
        return (
            self._cjk_lang(inbound)
            or normalize_lang(inbound.lang_hint)
            or self.settings.default_language
        )

    def _context(self, inbound: Inbound) -> Ctx:
        """Who and where, read-only: unknown users and chats are created only by a flow that
        writes, so a message that is refused leaves no trace.

        Every message and press starts here, so it is two prebuilt Core statements on one
        connection (the person with their roles, the chat), not ORM loads in a session.

        Their language: their `/lang`, else Chinese if this text is written in it, else (a
        button press, which has no text) the one they last wrote in, else the chat's. Typed
        Latin text is answered as before: it says too little (a code, a slash command) to call
        the person English. The person row read here says which language they last wrote in,
        so only a change is passed on, to be recorded by the command's write
        (`Actor.wrote_language`), and a steady writer costs nothing more."""
        where = {"platform": inbound.platform, "user": inbound.user_id, "chat": inbound.chat_id}
        with self.db.read_conn() as conn:
            rows = conn.execute(_WHO, where).all()
            chat = conn.execute(_WHERE, where).first()
        user = rows[0] if rows else None
        roles = {r.role for r in rows if r.role is not None} if user else {"staff"}
        if (inbound.platform, inbound.user_id) in self._admins:
            roles = {*roles, "admin"}
        wrote = self._cjk_lang(inbound)
        lang = (
            (user.language if user else None)
            or wrote
            or (user.wrote_language if user and not inbound.text else None)
            or (chat.language if chat else None)
            or normalize_lang(inbound.lang_hint)
            or self.settings.default_language
        )
        return Ctx(
            db=self.db,
            settings=self.settings,
            actor=Actor(
                user.id if user else None,
                user.display_name if user else (inbound.user_name or inbound.user_id),
                inbound.user_id,
                frozenset(roles),
                inbound.user_handle,
                wrote if wrote != (user.wrote_language if user else None) else None,
            ),
            origin=Origin(inbound.platform, inbound.chat_id, inbound.message_id, inbound.event_id),
            lang=lang,
            chat_warehouse_id=chat.warehouse_id if chat else None,
            timezone=chat.timezone if chat else None,
            mentioned=inbound.mentioned,
            reply_to=inbound.reply_to,
        )


def explain(exc: Refusal | PostingError, lang: str) -> Reply:
    """A flow's polite refusal, or the posting path's, as the words the chat shows (the API
    answers a refused write with the same words)."""
    if isinstance(exc, Refusal):
        return exc.reply
    if isinstance(exc, InsufficientStock):
        return Reply.text(
            tm(
                "runtime.insufficient",
                lang,
                item=exc.item_code,
                place=f" @ {exc.location}" if exc.location else "",
                on_hand=fmt_qty(exc.on_hand),
                requested=fmt_qty(exc.requested),
                short=fmt_qty(exc.shortfall),
            ),
            ephemeral=True,
            key="runtime.insufficient",
        )
    if isinstance(exc, QuantityLimitExceeded):
        params = {**exc.params, "what": t(f"posting.what.{exc.what}", lang)}
        return Reply.text(tm(exc.message_key, lang, **params), ephemeral=True, key=exc.message_key)
    return Reply.text(
        tm("runtime.posting_refused", lang, reason=str(exc)),
        ephemeral=True,
        key="runtime.posting_refused",
    )


def _flow_modules() -> list[Any]:
    return [importlib.import_module(f"stockbot.flows.{name}") for name in FLOW_MODULES]


_DOCUMENT_COMMANDS = ("approve", "reject", "cancel")
"""Commands the runtime hands to a document's workflow (`/approve MR-12`), not to COMMANDS."""


def _offered(commands: Mapping[str, Any], workflows: Mapping[str, Workflow]) -> tuple[str, ...]:
    handled = set(commands) | {
        name for name in _DOCUMENT_COMMANDS if any(name in wf.steps for wf in workflows.values())
    }
    return tuple(name for name in COMMAND_NAMES if name in handled)


def handled_commands() -> tuple[str, ...]:
    """The commands some flow handles, in help order, without building a Runtime: the Slack
    manifest generator and the Telegram menu offer exactly these."""
    commands: dict[str, Any] = {"help": None}
    workflows: dict[str, Workflow] = {}
    for module in _flow_modules():
        wf = getattr(module, "WF", None)
        if isinstance(wf, Workflow):
            workflows[wf.doc_type] = wf
        commands.update(getattr(module, "COMMANDS", {}))
    return _offered(commands, workflows)


def _database_fault(exc: DBAPIError | PoolTimeout) -> str | None:
    """The message for a database that failed rather than our code: a read-only SQLite file
    (SQLITE_READONLY: fix the file, retrying will not help) or a lost or refused connection
    (the unit of work rolled back; the pool replaces the connection, so a retry in a moment
    usually succeeds). Anything else (a constraint, a bad statement) is a bug: the generic
    apology. Every connection busy past the pool's timeout is a try-again too."""
    if isinstance(exc, PoolTimeout):
        return "runtime.try_again"
    if is_read_only(exc):
        return "runtime.read_only"
    if exc.connection_invalidated or isinstance(exc, OperationalError):
        return "runtime.try_again"
    return None


def _question(kind: str) -> tuple[str, str]:
    """(document type, step) a stored question answers: `why:mr:reject`, or the
    `mr_reject_reason` kind questions had before the workflow existed."""
    if kind.startswith("why:"):
        _, doc_type, action = kind.split(":", 2)
        return doc_type, action
    if kind.endswith("_reject_reason"):
        return kind.removesuffix("_reject_reason"), "reject"
    return "", ""
