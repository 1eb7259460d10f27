"""Telegram adapter (python-telegram-bot): parse updates → ``service.handle`` → render natively.

```
getUpdates (polling, default)  ─┐                         ┌─ sendMessage / sendPhoto (HTML)
POST /telegram/webhook (secret) ─┴→ Application handlers ─→ host.handle(Inbound)  ─→ Reply
                                    commands, text, buttons  └─ editMessageText (the card)
outbox dispatcher → TelegramAdapter.send(target, reply) → sendMessage; errors → Delivery errors
```
We never let PTB own the event loop (no ``run_polling``/``run_webhook``): the service's loop
runs ``initialize() / start() / updater.start_polling()`` and the reverse on stop.

* **Commands** — a ``CommandHandler`` per name in ``COMMAND_NAMES``, so ``/stock@yourbot m8``
  works in groups with privacy mode on and ``/stock@otherbot`` is left alone. Plain text
  (Chinese aliases, bare answers to a question the bot asked) is handled in private chats, in
  replies to the bot, and after an ``@yourbot`` mention; other group chatter is ignored.
* **Buttons** — callback_data is our action id. The query is answered at once (with the text
  of an ephemeral refusal as an alert, leaving the card alone); any other reply replaces the
  card's text and keyboard (``editMessageText``), so the group sees who decided.
* **Duplicates** — a webhook retry or a re-fetched update carries the same chat + message id (or
  callback query id) as ``Inbound.event_id``; the service's one guard (``handlers.base.
  handle_once``) drops it, and the empty reply it gets sends nothing.
* **Order** — updates of one chat are processed in order, different chats concurrently.
* **Rate limits** — ``AIORateLimiter`` throttles and retries 429s after ``retry_after``; a 429 that
  outlasts its retries reaches the outbox as ``DeliveryError(retry_after=…)``.

Sending (replies, card edits, the outbox) lives in ``telegram_outbound``; rendering in
``telegram_render``.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import hmac
import logging
from collections.abc import Awaitable
from datetime import timedelta
from typing import Any

from aiohttp import web
from telegram import (
    BotCommand,
    CallbackQuery,
    Message,
    Update,
)
from telegram.error import (
    InvalidToken,
    TelegramError,
)
from telegram.ext import (
    AIORateLimiter,
    Application,
    BaseUpdateProcessor,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    filters,
)

from stockbot.barcodes import MAX_BYTES
from stockbot.commands.inbound import Inbound
from stockbot.commands.parser import COMMAND_NAMES
from stockbot.config import Settings
from stockbot.handlers import telegram_render
from stockbot.handlers.base import Contact, DeliveryError, Host, QuietLog, seen_before
from stockbot.handlers.telegram_contact import ContactRequest
from stockbot.handlers.telegram_inbound import replied_author, with_mentions
from stockbot.handlers.telegram_outbound import TelegramOutbound
from stockbot.i18n import normalize_lang, t
from stockbot.replies import Reply, strip_markup
from stockbot.runtime import handled_commands

__all__ = ["TelegramAdapter", "webhook_secret"]

log = logging.getLogger(__name__)

PLATFORM = "telegram"
ALLOWED_UPDATES = ["message", "callback_query"]
ALERT_LIMIT = 200
"""answerCallbackQuery text limit; a longer ephemeral reply is sent as a message instead."""
MENU_LANGUAGES = (("en", None), ("zh-Hans", "zh"))
"""(catalog language, setMyCommands language_code): English is the default menu."""


# ----------------------------------------------------------------------------- helpers


def webhook_secret(settings: Settings) -> str:
    """The webhook ``secret_token``: configured, or derived from the bot token (sha256), which
    fits Telegram's alphabet ``[A-Za-z0-9_-]{1,256}`` and changes when the token does."""
    if settings.telegram_webhook_secret:
        return settings.telegram_webhook_secret
    token = settings.telegram_bot_token or ""
    return hashlib.sha256(f"stockbot-telegram-webhook:{token}".encode()).hexdigest()


def api_urls(api_url: str) -> tuple[str, str]:
    """PTB's ``base_url`` and ``base_file_url``; PTB appends the token to each.

    ``https://api.telegram.org/bot`` → (``…/bot``, ``…/file/bot``); a bare server root such as
    ``http://127.0.0.1:8081`` (a self-hosted Bot API server) gets ``/bot`` appended.
    """
    base = api_url.rstrip("/")
    if "{token}" in base:
        return base, base.replace("/bot{token}", "/file/bot{token}")
    if not base.endswith("/bot"):
        base += "/bot"
    return base, base.removesuffix("/bot") + "/file/bot"


def _describe(command: str, lang: str) -> str:
    """A menu description: the first line of ``help.<command>``, markup removed, ≤ 256."""
    key = f"help.{command}"
    text = t(key, lang)
    if text == key:
        text = t(f"usage.{command}", lang)
    line = strip_markup(text).strip().splitlines()[0] if text.strip() else command
    line = " ".join(line.split()) or command
    return line if len(line) <= 256 else line[:255] + "…"


class _PerChatOrder(BaseUpdateProcessor):
    """Updates of one chat in arrival order; different chats concurrently."""

    def __init__(self, max_concurrent_updates: int) -> None:
        super().__init__(max_concurrent_updates)
        self._locks: dict[int, asyncio.Lock] = {}
        self._waiting: dict[int, int] = {}

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        chat = update.effective_chat if isinstance(update, Update) else None
        if chat is None:
            await coroutine
            return
        lock = self._locks.setdefault(chat.id, asyncio.Lock())
        self._waiting[chat.id] = self._waiting.get(chat.id, 0) + 1
        try:
            async with lock:
                await coroutine
        finally:
            self._waiting[chat.id] -= 1
            if not self._waiting[chat.id]:
                del self._waiting[chat.id], self._locks[chat.id]

    async def initialize(self) -> None:
        """Nothing to allocate."""

    async def shutdown(self) -> None:
        """Nothing to free."""


# ----------------------------------------------------------------------------- the adapter


class TelegramAdapter:
    """The ``Adapter`` for Telegram: polling by default, webhook when a URL is configured."""

    platform = PLATFORM

    def __init__(
        self,
        service: Host,
        settings: Settings,
        *,
        poll_timeout: float = 10.0,
        answer_within: float = 1.0,
        max_retries: int = 2,
        concurrency: int = 32,
    ) -> None:
        if not settings.telegram_bot_token:
            raise ValueError("TELEGRAM_BOT_TOKEN is not set")
        self.service = service
        self.settings = settings
        self.webhook_url = settings.telegram_webhook_url or None
        self.mode = "webhook" if self.webhook_url else "polling"
        self.secret = webhook_secret(settings)
        self.poll_timeout = poll_timeout
        self.answer_within = answer_within
        self._ready = False
        self._error: str | None = None
        self._boot_task: asyncio.Task[None] | None = None
        self._junk = QuietLog(log)
        self.contact = Contact()
        # httpx logs every request URL at INFO, and Bot API URLs contain the token.
        httpx_log = logging.getLogger("httpx")
        httpx_log.setLevel(max(httpx_log.level, logging.WARNING))
        base_url, base_file_url = api_urls(settings.telegram_api_url)
        self.app = (
            Application.builder()
            .token(settings.telegram_bot_token)
            .base_url(base_url)
            .base_file_url(base_file_url)
            .request(ContactRequest(self.contact, connection_pool_size=256))
            .get_updates_request(ContactRequest(self.contact, connection_pool_size=1))
            .rate_limiter(AIORateLimiter(max_retries=max_retries))
            .concurrent_updates(_PerChatOrder(concurrency))
            .job_queue(None)
            .build()
        )
        self.out = TelegramOutbound(self.app.bot)
        message = filters.UpdateType.MESSAGE
        self.app.add_handler(CommandHandler(list(COMMAND_NAMES), self._on_command, filters=message))
        self.app.add_handler(CommandHandler("start", self._on_start, filters=message))
        self.app.add_handler(
            MessageHandler(message & filters.TEXT & ~filters.COMMAND, self._on_text)
        )
        self.app.add_handler(
            MessageHandler(message & (filters.PHOTO | filters.Document.IMAGE), self._on_photo)
        )
        self.app.add_handler(  # an unknown /command in a private chat gets the usage answer
            MessageHandler(message & filters.COMMAND & filters.ChatType.PRIVATE, self._on_command)
        )
        self.app.add_handler(CallbackQueryHandler(self._on_callback))
        self.app.add_error_handler(self._on_error)

    # --- Adapter protocol ----------------------------------------------------------------

    def routes(self) -> list[web.RouteDef]:
        if self.mode != "webhook":
            return []
        return [web.post("/telegram/webhook", self._webhook)]

    async def start(self) -> None:
        """Connect (getMe), register the command menu, then poll or set the webhook. A Bot API
        that cannot be reached does not stop the service: we keep retrying in the background
        (health says so) and the outbox keeps what it could not deliver."""
        try:
            await self._boot()
        except InvalidToken:
            raise
        except TelegramError as exc:
            self._error = str(exc)
            log.warning("telegram: cannot start yet (%s); retrying in the background", exc)
            self._boot_task = asyncio.create_task(self._boot_retry(), name="telegram-boot")

    async def stop(self) -> None:
        self._ready = False
        if self._boot_task is not None:
            self._boot_task.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self._boot_task
        updater = self.app.updater
        if updater is not None and updater.running:
            await updater.stop()
        if self.app.running:
            await self.app.stop()  # finishes the updates already taken
        await self.app.shutdown()

    async def send(self, target: str, reply: Reply) -> None:
        """Deliver one outbox message (maybe several Telegram messages). A retry after a partial
        failure resumes after the parts already delivered."""
        if not self._ready:
            raise DeliveryError("telegram is not connected")
        await self.out.send(target, reply)

    def health(self) -> dict[str, Any]:
        """Ready once started and while the Bot API answers (`Contact`): an adapter whose
        every call fails with a connection error is not ready, whatever it said at start."""
        ok = self._ready and self.contact.reachable
        body: dict[str, Any] = {"ok": ok, "mode": self.mode, **self.contact.report()}
        if self._ready:
            with contextlib.suppress(Exception):
                body["bot"] = self.app.bot.username
        if self._error and not self._ready:
            body["error"] = self._error
        return body

    # --- lifecycle ---------------------------------------------------------------------------

    async def _boot(self) -> None:
        app = self.app
        await app.initialize()  # getMe: the bot's username, needed for /cmd@bot
        await self._register_menu()
        if self.mode == "webhook":
            await app.bot.set_webhook(
                url=self.webhook_url or "",
                secret_token=self.secret,
                allowed_updates=ALLOWED_UPDATES,
            )
        if not app.running:
            await app.start()
        if self.mode == "polling" and app.updater is not None and not app.updater.running:
            # start_polling calls deleteWebhook first (PTB's bootstrap), then long-polls.
            await app.updater.start_polling(
                timeout=timedelta(seconds=self.poll_timeout),
                allowed_updates=ALLOWED_UPDATES,
            )
        self._ready, self._error = True, None
        log.info("telegram: @%s ready (%s)", app.bot.username, self.mode)

    async def _boot_retry(self) -> None:
        delay = 1.0
        while not self._ready:
            await asyncio.sleep(delay)
            try:
                await self._boot()
            except TelegramError as exc:
                self._error = str(exc)
                delay = min(delay * 2, 60.0)
                log.warning("telegram: still cannot start (%s); next try in %.0fs", exc, delay)

    async def _register_menu(self) -> None:
        """setMyCommands per language, so users pick commands instead of remembering them."""
        offered = handled_commands()  # only what does something is offered
        for lang, code in MENU_LANGUAGES:
            commands = [BotCommand(name, _describe(name, lang)) for name in offered]
            try:
                await self.app.bot.set_my_commands(commands, language_code=code)
            except TelegramError as exc:  # a missing menu is no reason to stay offline
                log.warning("telegram: setMyCommands(%s) failed: %s", code or "default", exc)

    # --- webhook -----------------------------------------------------------------------------

    async def _webhook(self, request: web.Request) -> web.Response:
        given = request.headers.get("X-Telegram-Bot-Api-Secret-Token", "")
        if not hmac.compare_digest(given.encode(), self.secret.encode()):
            self._junk.warn("telegram webhook, wrong secret token", request.remote)
            return web.Response(status=403, text="forbidden")
        if not self._ready:
            return web.Response(status=503, text="starting")  # Telegram retries later
        try:
            data = await request.json()
            update = Update.de_json(data, self.app.bot)
        except Exception:
            self._junk.warn("telegram webhook, unreadable update", request.remote)
            return web.Response(status=400, text="bad update")
        await self.app.update_queue.put(update)  # processed by the application; answer now
        return web.Response(text="ok")

    # --- inbound -----------------------------------------------------------------------------

    async def _on_start(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Telegram sends /start when someone opens the bot: answer with the help."""
        await self._on_command(update, context, text="/help")

    async def _on_text(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        message = update.message
        if message is None or message.text is None:
            return
        if self._addressed(message, message.text, context.bot.id, context.bot.username):
            await self._on_command(update, context)

    @staticmethod
    def _addressed(message: Message, text: str, bot_id: int, username: str | None) -> bool:
        """Whether a group message is meant for us: a reply to the bot or an ``@yourbot``
        mention (a private chat always is). Other group chatter is left alone."""
        if message.chat.type == "private":
            return True
        replied = message.reply_to_message
        if replied is not None and replied.from_user is not None and replied.from_user.id == bot_id:
            return True
        name = (username or "").lower()
        return bool(name) and text.lstrip().lower().startswith(f"@{name}")

    async def _on_photo(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """A photo or image file: its codes are read as a lookup (or a receipt's label). In a
        group only when meant for us — a ``/command`` caption for this bot (``/stock``,
        ``/receive 20``), an @mention, or a reply to the bot."""
        message = update.message
        if message is None:
            return
        caption = message.caption
        said = (caption or "").lstrip()
        name = (context.bot.username or "").lower()
        word = said.split(maxsplit=1)[0].lower() if said else ""
        command_for_us = word.startswith("/") and ("@" not in word or word.endswith(f"@{name}"))
        if not (command_for_us or self._addressed(message, said, context.bot.id, name)):
            return
        media = message.photo[-1] if message.photo else message.document
        if media is None or (media.file_size or 0) > MAX_BYTES:
            return
        if await seen_before(self.service, PLATFORM, _event_id(message)):
            return  # a re-sent update, already answered: no second download
        try:
            image = bytes(await (await media.get_file()).download_as_bytearray())
        except TelegramError as exc:
            log.warning("telegram: could not fetch a photo: %s", exc)
            return
        await self._on_command(update, context, text=caption, image=image)

    async def _on_command(
        self,
        update: Update,
        _context: ContextTypes.DEFAULT_TYPE,
        text: str | None = None,
        image: bytes | None = None,
    ) -> None:
        message, user = update.message, update.effective_user
        if message is None or user is None or user.is_bot or not (text or message.text or image):
            return
        chat = message.chat
        event_id = _event_id(message)  # the service's guard acts on it once
        said, mentioned = (text, ()) if text or image else with_mentions(message)
        inbound = Inbound(
            platform=PLATFORM,
            user_id=str(user.id),
            user_name=user.username or user.full_name,
            user_handle=user.username,
            chat_id=str(chat.id),
            message_id=str(message.message_id),
            text=said,
            lang_hint=normalize_lang(user.language_code),
            event_id=event_id,
            mentioned=mentioned,
            reply_to=replied_author(message, _context.bot.id),
            image=image,
        )
        reply = await self.service.handle(inbound)
        reply_to = message.message_id if chat.type != "private" else None
        await self.out.send_all(chat.id, telegram_render.render(reply), reply_to)

    async def _on_callback(self, update: Update, _context: ContextTypes.DEFAULT_TYPE) -> None:
        query = update.callback_query
        if query is None:
            return
        if not isinstance(query.data, str) or not query.data:
            await self._answer(query)
            return
        card = query.message if isinstance(query.message, Message) else None
        chat = card.chat if card is not None else None
        chat_id = chat.id if chat is not None else query.from_user.id
        event_id = f"cb:{query.id}"  # the service's guard acts on it once
        user = query.from_user
        inbound = Inbound(
            platform=PLATFORM,
            user_id=str(user.id),
            user_name=user.username or user.full_name,
            user_handle=user.username,
            chat_id=str(chat_id),
            message_id=str(card.message_id) if card is not None else None,
            action_id=query.data,
            lang_hint=normalize_lang(user.language_code),
            event_id=event_id,
        )
        # Answer at once: with the refusal text when the flow says no quickly, empty otherwise.
        task = asyncio.ensure_future(self.service.handle(inbound))
        answered = False
        try:
            finished, _ = await asyncio.wait({task}, timeout=self.answer_within)
            if not finished:
                answered = await self._answer(query)
            reply = await task
        except Exception:
            if not answered:
                await self._answer(query)
            raise
        messages = telegram_render.render(reply)
        in_group = chat is not None and chat.type != "private"
        reply_to = card.message_id if card is not None and in_group else None
        if reply.ephemeral:
            note = " ".join(reply.plain().split())
            if not answered and 0 < len(note) <= ALERT_LIMIT:
                await self._answer(query, note, alert=True)
                return
            if not answered:
                await self._answer(query)
            await self.out.send_all(chat_id, messages, reply_to)
            return
        if not answered:
            await self._answer(query)
        if (
            messages
            and card is not None
            and card.text is not None  # a photo card has a caption, not text: sent anew
            and not messages[0].is_photo
            and await self.out.edit(card, messages[0])
        ):
            messages = messages[1:]
        await self.out.send_all(chat_id, messages, reply_to if messages else None)

    async def _on_error(self, update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
        log.error("telegram: handling update failed", exc_info=context.error)

    # --- outbound ----------------------------------------------------------------------------

    async def _answer(
        self, query: CallbackQuery, text: str | None = None, *, alert: bool = False
    ) -> bool:
        try:
            await query.answer(text=text, show_alert=alert or None)
        except TelegramError as exc:  # too old to answer, or the API hiccuped: not fatal
            log.warning("telegram: answerCallbackQuery failed: %s", exc)
        return True


def _event_id(message: Message) -> str:
    """A message's delivery identity for the service's guard: its chat and message id."""
    return f"{message.chat.id}:{message.message_id}"
