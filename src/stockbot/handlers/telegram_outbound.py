"""Telegram outbound: sending rendered replies, editing the pressed card, and the outbox's
`send` with its delivery-error mapping.

A 429 that outlasts the rate limiter's retries becomes `DeliveryError(retry_after=…)`; a
blocked bot, a kicked bot or an unknown chat (Forbidden, BadRequest) is permanent; every other
Telegram error is retried by the outbox. HTML Telegram refuses is re-sent as plain text, and a
group that became a supergroup is followed to its new id.
"""

from __future__ import annotations

import hashlib
import html
import logging
import re
import warnings
from collections import OrderedDict
from datetime import timedelta
from typing import Any

from telegram import Bot, Message, ReplyParameters
from telegram.constants import ParseMode
from telegram.error import BadRequest, ChatMigrated, Forbidden, RetryAfter, TelegramError

from stockbot.handlers import telegram_render
from stockbot.handlers.base import DeliveryError, PermanentDeliveryError
from stockbot.replies import Reply
from stockbot.store.outbox import SENDING

__all__ = ["TelegramOutbound"]

log = logging.getLogger(__name__)

_PARTIAL_KEEP = 1000
"""How many cut-short outbox sends to remember (so a retry resumes after the parts sent)."""


class TelegramOutbound:
    """Sending through one bot (the application's, rate-limited)."""

    def __init__(self, bot: Bot) -> None:
        self.bot = bot
        self._partial: OrderedDict[str, int] = OrderedDict()  # outbox sends cut short

    async def send(self, target: str, reply: Reply) -> None:
        """Deliver one outbox message (maybe several Telegram messages). A retry after a partial
        failure resumes after the parts already delivered."""
        chat_id = chat_id_of(target)
        messages = telegram_render.render(reply)
        key = hashlib.sha256(f"{target}\n{reply.model_dump_json()}".encode()).hexdigest()
        done = self._partial.get(key, 0)
        try:
            delivery = SENDING.get()
            for index in range(done, len(messages)):
                sent = await self.send_one(chat_id, messages[index])
                if delivery is not None and sent is not None:
                    delivery.posted.append(str(sent.message_id))
                self._partial[key] = index + 1
                self._partial.move_to_end(key)
                while len(self._partial) > 1000:
                    self._partial.popitem(last=False)
        except RetryAfter as exc:
            raise DeliveryError(str(exc), retry_after=retry_after_of(exc)) from exc
        except (Forbidden, BadRequest) as exc:  # blocked, kicked, chat not found, refused
            raise PermanentDeliveryError(str(exc)) from exc
        except TelegramError as exc:  # NetworkError, TimedOut, Conflict, 5xx …
            raise DeliveryError(str(exc)) from exc
        self._partial.pop(key, None)

    async def edit(self, card: Message, message: telegram_render.Message) -> bool:
        """Replace the card's text and keyboard; False when it cannot be edited."""
        try:
            await self.bot.edit_message_text(
                text=message.text,
                chat_id=card.chat.id,
                message_id=card.message_id,
                parse_mode=ParseMode.HTML,
                reply_markup=message.keyboard,
            )
        except BadRequest as exc:
            if "not modified" in str(exc).lower():
                return True
            log.info("telegram: cannot edit message %s (%s); sending anew", card.message_id, exc)
            return False
        return True

    async def send_all(
        self, chat_id: int | str, messages: list[telegram_render.Message], reply_to: int | None
    ) -> None:
        """Send a rendered interactive reply; failures are logged (the user may ask again)."""
        try:
            for index, message in enumerate(messages):
                await self.send_one(chat_id, message, reply_to if index == 0 else None)
        except TelegramError as exc:
            log.warning("telegram: reply to %s failed: %s", chat_id, exc)

    async def send_one(
        self, chat_id: int | str, message: telegram_render.Message, reply_to: int | None = None
    ) -> Message | None:
        """Send one rendered message; the Message Telegram made of it (its id goes on the
        outbox row)."""
        params = (
            ReplyParameters(message_id=reply_to, allow_sending_without_reply=True)
            if reply_to is not None
            else None
        )
        bot = self.bot
        try:
            if message.photo is not None:
                return await bot.send_photo(
                    chat_id,
                    photo=message.photo,
                    caption=message.text or None,
                    parse_mode=ParseMode.HTML,
                    reply_markup=message.keyboard,
                    reply_parameters=params,
                )
            try:
                return await bot.send_message(
                    chat_id,
                    message.text,
                    parse_mode=ParseMode.HTML,
                    reply_markup=message.keyboard,
                    reply_parameters=params,
                )
            except BadRequest as exc:
                if "parse entities" not in str(exc).lower():
                    raise
                # Our HTML should always parse; if Telegram disagrees, plain text beats nothing.
                log.error("telegram refused our HTML (%s); sending plain text", exc)
                return await bot.send_message(
                    chat_id,
                    html_to_plain(message.text),
                    reply_markup=message.keyboard,
                    reply_parameters=params,
                )
        except ChatMigrated as exc:  # a group became a supergroup: same chat, new id
            log.warning("telegram: chat %s migrated to %s", chat_id, exc.new_chat_id)
            return await self.send_one(exc.new_chat_id, message, None)


def retry_after_of(exc: RetryAfter) -> float:
    with warnings.catch_warnings():  # PTB 22 warns that the int form is deprecated
        warnings.simplefilter("ignore")
        value: Any = exc.retry_after
    return value.total_seconds() if isinstance(value, timedelta) else float(value)


def chat_id_of(target: str) -> int | str:
    """Outbox target → chat id: ``user:<id>`` is the private chat with that user."""
    raw = target.removeprefix("user:")
    try:
        return int(raw)
    except ValueError:
        return raw  # "@channelusername"


_TAG_RE = re.compile(r"<[^>]+>")


def html_to_plain(text: str) -> str:
    return html.unescape(_TAG_RE.sub("", text))
