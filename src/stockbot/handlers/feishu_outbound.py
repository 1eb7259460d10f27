"""Feishu outbound through the official SDK (lark-oapi): send a card, upload and send an image,
reply in a thread, patch the pressed card; and the outbox's error mapping.

The SDK's calls are synchronous (``requests``) and fetch the tenant token themselves, so each
runs on a worker thread (`asyncio.to_thread`): the event loop keeps answering callbacks.

Errors: HTTP 429 or a Feishu rate-limit code (`RATE_LIMIT_CODES`, whatever the HTTP status:
Feishu answers some limits with 400) becomes `DeliveryError(retry_after=…)` (the
``x-ogw-ratelimit-reset`` header when given), so the outbox waits and sends once more; a
message still being sent (`TRANSIENT_CODES`) is retried; a chat the bot is not in, a user it
cannot reach, or any other 400/403/404 is permanent; anything else is retried.
"""

from __future__ import annotations

import asyncio
import io
import json
import logging
from collections import OrderedDict
from typing import Any

import lark_oapi as lark
from lark_oapi.api.contact.v3 import GetUserRequest
from lark_oapi.api.im.v1 import (
    CreateImageRequest,
    CreateImageRequestBody,
    CreateMessageRequest,
    CreateMessageRequestBody,
    PatchMessageRequest,
    PatchMessageRequestBody,
    ReplyMessageRequest,
    ReplyMessageRequestBody,
)

from stockbot.handlers.base import Contact, DeliveryError, PermanentDeliveryError
from stockbot.handlers.feishu_render import FeishuMessage, card_json, render
from stockbot.replies import Reply
from stockbot.store.outbox import SENDING

__all__ = ["RATE_LIMIT_CODES", "TRANSIENT_CODES", "FeishuError", "FeishuOutbound"]

log = logging.getLogger(__name__)

RATE_LIMIT_CODES = frozenset({99991400, 230020, 11232})
"""Feishu's "too many requests" codes, as Feishu documents them:

- 99991400 "request trigger frequency limit": the gateway's per-API limit, HTTP 429 with
  ``x-ogw-ratelimit-reset`` (seconds) — HTTP 400 from some older APIs. "Rate limits",
  https://open.feishu.cn/document/server-docs/api-call-guide/frequency-control
- 230020 "This operation triggers the frequency limit", HTTP 400: the 5 QPS per user and per
  group of sending and replying to messages. The error tables of "Send message",
  https://open.feishu.cn/document/server-docs/im-v1/message/create (and message/reply).
- 11232, the message service's own limit at busy times (the "Rate limits" page warns of it
  for messages sent on the hour and half hour).

lark-oapi 1.7's `channel/errors.py` files 99991400 under permissions and 230020 under
"target revoked"; Feishu's pages above say otherwise, and we follow Feishu."""
TRANSIENT_CODES = frozenset({230049})
""""The message is being sent" (HTTP 400, "Send message"'s error table): not a refusal —
sending again later is what the page asks for."""
PERMANENT_CODES = frozenset({230001, 230002, 230006, 230013, 230017, 230034, 99992361})
"""Codes that a retry cannot fix: bad receive id, bot not in the chat, bot not usable by the
user, no permission to reach them, the open_id is not of this app."""


INTERACTIVE_WAIT = 5.0
"""Longest wait (s) for a rate limit before the one more try of an interactive answer."""
_NAMES_KEEP = 5000
"""Display names remembered (one API call per person per process otherwise)."""


class FeishuError(Exception):
    def __init__(self, status: int, code: int, msg: str, retry_after: float | None) -> None:
        super().__init__(f"feishu {status}/{code}: {msg}")
        self.status, self.code, self.retry_after = status, code, retry_after

    @property
    def rate_limited(self) -> bool:
        return self.status == 429 or self.code in RATE_LIMIT_CODES


def receive_id(target: str) -> tuple[str, str]:
    """Outbox target → (receive_id_type, receive_id): ``user:<open_id>`` is a private message."""
    if target.startswith("user:"):
        return "open_id", target.removeprefix("user:")
    return "chat_id", target


class FeishuOutbound:
    def __init__(self, client: lark.Client, contact: Contact) -> None:
        self.client = client
        self.contact = contact
        self._names: OrderedDict[str, str | None] = OrderedDict()

    async def name_of(self, open_id: str) -> str | None:
        """The person's display name (``contact/v3/users``), remembered; None when the app may
        not read contacts — cards then show the open_id, and nothing else changes."""
        if open_id in self._names:
            self._names.move_to_end(open_id)
            return self._names[open_id]
        request = GetUserRequest.builder().user_id(open_id).user_id_type("open_id").build()
        try:
            response = await self._call(self.client.contact.v3.user.get, request)
            user = response.data.user if response.data is not None else None
            name = (user.name or None) if user is not None else None
        except (FeishuError, DeliveryError) as exc:
            log.info("feishu: no name for %s (%s)", open_id, exc)
            return None  # not remembered: the permission may be granted later
        self._names[open_id] = name
        while len(self._names) > _NAMES_KEEP:
            self._names.popitem(last=False)
        return name

    async def _call(self, fn: Any, request: Any) -> Any:
        try:
            response = await asyncio.to_thread(fn, request)
        except Exception as exc:  # connection refused, timeout: the API was not reached
            self.contact.failed(exc)
            raise DeliveryError(f"feishu unreachable: {exc}") from exc
        raw = getattr(response, "raw", None)
        status = getattr(raw, "status_code", None) or 200
        self.contact.reached()
        if response.success() and status < 400:
            return response
        headers = {k.lower(): v for k, v in (getattr(raw, "headers", None) or {}).items()}
        reset = headers.get("x-ogw-ratelimit-reset") or headers.get("retry-after")
        retry_after = float(reset) if reset and reset.replace(".", "", 1).isdigit() else None
        raise FeishuError(status, int(response.code or 0), str(response.msg), retry_after)

    # --- the outbox ---------------------------------------------------------------------------

    async def send(self, target: str, reply: Reply) -> None:
        kind, rid = receive_id(target)
        try:
            for message in render(reply):
                sent = await self.send_one(kind, rid, message)
                delivery = SENDING.get()
                if delivery is not None and sent:
                    delivery.posted.append(sent)
        except FeishuError as exc:
            if exc.rate_limited:
                raise DeliveryError(str(exc), retry_after=exc.retry_after or 1.0) from exc
            if exc.code in TRANSIENT_CODES:
                raise DeliveryError(str(exc)) from exc
            if exc.code in PERMANENT_CODES or exc.status in (400, 403, 404):
                raise PermanentDeliveryError(str(exc)) from exc
            raise DeliveryError(str(exc)) from exc

    # --- single messages ----------------------------------------------------------------------

    async def content(self, message: FeishuMessage) -> tuple[str, str]:
        """(msg_type, content) — uploading the image first when the message is one."""
        if message.png is None:
            return "interactive", card_json(message)
        upload = (
            CreateImageRequest.builder()
            .request_body(
                CreateImageRequestBody.builder()
                .image_type("message")
                .image(io.BytesIO(message.png))
                .build()
            )
            .build()
        )
        uploaded = await self._call(self.client.im.v1.image.create, upload)
        return "image", json.dumps({"image_key": uploaded.data.image_key})

    async def send_one(self, kind: str, rid: str, message: FeishuMessage) -> str | None:
        msg_type, content = await self.content(message)
        request = (
            CreateMessageRequest.builder()
            .receive_id_type(kind)
            .request_body(
                CreateMessageRequestBody.builder()
                .receive_id(rid)
                .msg_type(msg_type)
                .content(content)
                .build()
            )
            .build()
        )
        response = await self._call(self.client.im.v1.message.create, request)
        return getattr(response.data, "message_id", None)

    async def reply_all(self, chat_id: str, to_message: str | None, reply: Reply) -> None:
        """An interactive answer: a reply to the user's message (threaded in a group), or a
        new message in the chat. A rate limit is waited out once (the person is waiting, and
        no outbox row carries this answer); other failures are logged: the user may ask again."""

        async def answer(message: FeishuMessage) -> None:
            if to_message is None:
                await self.send_one("chat_id", chat_id, message)
                return
            msg_type, content = await self.content(message)
            request = (
                ReplyMessageRequest.builder()
                .message_id(to_message)
                .request_body(
                    ReplyMessageRequestBody.builder().msg_type(msg_type).content(content).build()
                )
                .build()
            )
            await self._call(self.client.im.v1.message.reply, request)

        try:
            for message in render(reply):
                try:
                    await answer(message)
                except FeishuError as exc:
                    if not exc.rate_limited:
                        raise
                    await asyncio.sleep(min(exc.retry_after or 1.0, INTERACTIVE_WAIT))
                    await answer(message)
        except (FeishuError, DeliveryError) as exc:
            log.warning("feishu: reply in %s failed: %s", chat_id, exc)

    async def patch(self, message_id: str, message: FeishuMessage) -> bool:
        """Replace a card's content (a decision made after the callback was answered)."""
        request = (
            PatchMessageRequest.builder()
            .message_id(message_id)
            .request_body(PatchMessageRequestBody.builder().content(card_json(message)).build())
            .build()
        )
        try:
            await self._call(self.client.im.v1.message.patch, request)
        except (FeishuError, DeliveryError) as exc:
            log.info("feishu: cannot update card %s (%s)", message_id, exc)
            return False
        return True
