"""Feishu / Lark adapter (lark-oapi): events → ``host.handle`` → interactive cards.

```
POST /feishu/events (token, encrypt key, signature) ─┐                 ┌─ im/v1/messages (card)
SDK long connection (FEISHU_LONG_CONNECTION=true)  ─┴→ EventDispatcher ─→ host.handle(Inbound)
  im.message.receive_v1  → a command / answer         └─ card.action.trigger → the card updated
outbox dispatcher → FeishuAdapter.send(target, reply) → cards, uploaded images; 429 → retry
```
* **Callbacks** are checked before the SDK sees them: the verification token (compared in
  constant time), and with an encrypt key the body must be encrypted and signed
  (``X-Lark-Signature``); anything else is answered 403 and nothing runs. The SDK's dispatcher
  then answers ``url_verification`` and parses the events into its models.
* **Messages** — private chats always; group chats only when the bot is @-mentioned (Feishu
  sends no others unless the app has the "all group messages" permission). The bot's mention is
  dropped; other mentions become ``feishu:<open_id>`` so ``/role @someone keeper`` works.
  The event is acknowledged at once and answered as a reply to the message.
* **Buttons** — a press is answered in the callback's own response within Feishu's 3 s: a
  refusal as a toast (the card stays), a decision as the card's new content (``update_multi``
  cards change for everyone). A slower answer updates the card afterwards (``PATCH``).
* **Duplicates** — Feishu's ``event_id`` is ``Inbound.event_id``: the one guard drops a retry.
"""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
import hashlib
import hmac
import json
import logging
import threading
from typing import Any

import lark_oapi as lark
from aiohttp import web
from lark_oapi.api.im.v1 import P2ImMessageReceiveV1
from lark_oapi.core.utils.decryptor import AESCipher
from lark_oapi.event.callback.model.p2_card_action_trigger import (
    P2CardActionTrigger,
    P2CardActionTriggerResponse,
)

from stockbot.commands.inbound import Inbound, Person
from stockbot.config import Settings
from stockbot.handlers import feishu_render
from stockbot.handlers.base import Contact, DeliveryError, Host, QuietLog
from stockbot.handlers.feishu_outbound import FeishuOutbound, receive_id
from stockbot.replies import Reply

__all__ = ["FeishuAdapter", "signature"]

log = logging.getLogger(__name__)

PLATFORM = "feishu"
ANSWER_WITHIN = 2.5
"""Seconds a button press may take before the callback is answered without the new card."""

_CAUGHT: contextvars.ContextVar[list[tuple[str, Any]] | None] = contextvars.ContextVar(
    "feishu_caught", default=None
)


def signature(timestamp: str, nonce: str, encrypt_key: str, body: bytes) -> str:
    """``X-Lark-Signature``: sha256 of timestamp + nonce + encrypt key + body, hex."""
    return hashlib.sha256((timestamp + nonce + encrypt_key).encode() + body).hexdigest()


class FeishuAdapter:
    """The ``Adapter`` for Feishu: HTTP callbacks by default, the long connection on request."""

    platform = PLATFORM

    def __init__(self, service: Host, settings: Settings) -> None:
        if not (settings.feishu_app_id and settings.feishu_app_secret):
            raise ValueError("FEISHU_APP_ID and FEISHU_APP_SECRET must both be set")
        self.service = service
        self.settings = settings
        self.mode = "long-connection" if settings.feishu_long_connection else "http"
        self.token = settings.feishu_verification_token or ""
        self.encrypt_key = settings.feishu_encrypt_key or ""
        self.bot_open_id: str | None = None
        self.contact = Contact()
        self._junk = QuietLog(log)
        self._ready = False
        self._loop: asyncio.AbstractEventLoop | None = None
        self._chat_locks: dict[str, asyncio.Lock] = {}
        self._tasks: set[asyncio.Task[None]] = set()
        self._ws: tuple[asyncio.AbstractEventLoop, Any] | None = None
        self._ws_thread: threading.Thread | None = None
        self.client = (
            lark.Client.builder()
            .app_id(settings.feishu_app_id)
            .app_secret(settings.feishu_app_secret)
            .domain(settings.feishu_api_url.rstrip("/"))
            .log_level(lark.LogLevel.WARNING)
            .build()
        )
        self.out = FeishuOutbound(self.client, self.contact)
        self.dispatcher = (
            lark.EventDispatcherHandler.builder(self.encrypt_key, self.token)
            .register_p2_im_message_receive_v1(self._on_message)
            .register_p2_card_action_trigger(self._on_card)
            .build()
        )

    # --- Adapter protocol ----------------------------------------------------------------

    def routes(self) -> list[web.RouteDef]:
        return [] if self.mode != "http" else [web.post("/feishu/events", self._events)]

    async def start(self) -> None:
        self._loop = asyncio.get_running_loop()
        await self._whoami()
        if self.mode == "long-connection":
            self._ws_thread = threading.Thread(
                target=self._long_connection, name="feishu-ws", daemon=True
            )
            self._ws_thread.start()
        self._ready = True
        log.info("feishu: bot %s ready (%s)", self.bot_open_id or "?", self.mode)

    async def stop(self) -> None:
        self._ready = False
        if self._ws is not None:
            ws_loop, client = self._ws
            client._auto_reconnect = False
            with contextlib.suppress(Exception):
                done = asyncio.run_coroutine_threadsafe(client._disconnect(), ws_loop)
                await asyncio.wrap_future(done)
            ws_loop.call_soon_threadsafe(ws_loop.stop)
            if self._ws_thread is not None:
                await asyncio.to_thread(self._ws_thread.join, 5)
        for task in list(self._tasks):
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await asyncio.wait_for(task, 5)

    async def send(self, target: str, reply: Reply) -> None:
        if not self._ready:
            raise DeliveryError("feishu is not started")
        await self.out.send(target, reply)

    def health(self) -> dict[str, Any]:
        ok = self._ready and self.contact.reachable
        return {"ok": ok, "mode": self.mode, "bot": self.bot_open_id, **self.contact.report()}

    # --- lifecycle ---------------------------------------------------------------------------

    async def _whoami(self) -> None:
        """The bot's own open_id (``bot/v3/info``), to tell its @-mention from others'."""
        request = (
            lark.BaseRequest.builder()
            .http_method(lark.HttpMethod.GET)
            .uri("/open-apis/bot/v3/info")
            .token_types({lark.AccessTokenType.TENANT})
            .build()
        )
        try:
            response = await asyncio.to_thread(self.client.request, request)
            body = json.loads(response.raw.content or b"{}")
            self.bot_open_id = (body.get("bot") or {}).get("open_id")
            self.contact.reached()
        except Exception as exc:  # not fatal: Feishu sends only mentions of us to groups
            self.contact.failed(exc)
            log.warning("feishu: bot info unavailable (%s); group mentions taken as ours", exc)

    def _long_connection(self) -> None:
        """The SDK's websocket client on its own thread and loop (it runs its module's loop
        with ``run_until_complete`` and never returns); events reach the same dispatcher."""
        import lark_oapi.ws.client as ws_client

        loop = asyncio.new_event_loop()
        asyncio.set_event_loop(loop)
        ws_client.loop = loop  # the SDK keeps the loop it was imported on
        client = ws_client.Client(
            self.settings.feishu_app_id or "",
            self.settings.feishu_app_secret or "",
            event_handler=self.dispatcher,
            domain=self.settings.feishu_api_url.rstrip("/"),
            log_level=lark.LogLevel.WARNING,
        )
        self._ws = (loop, client)
        try:
            client.start()
        except Exception as exc:
            if self._ready:
                log.exception("feishu: long connection ended")
            else:
                log.info("feishu: long connection closed (%s)", type(exc).__name__)

    # --- HTTP callbacks ----------------------------------------------------------------------

    def refusal(self, body: bytes, headers: Any) -> str | None:
        """Why this callback is not from Feishu, or None when it is."""
        if not self.token:
            return "no FEISHU_VERIFICATION_TOKEN configured"
        try:
            outer = json.loads(body)
            if self.encrypt_key:
                if not isinstance(outer.get("encrypt"), str):
                    return "plain body while an encrypt key is set"
                plain = json.loads(AESCipher(self.encrypt_key).decrypt_str(outer["encrypt"]))
            else:
                plain = outer
            token = plain.get("token") or (plain.get("header") or {}).get("token") or ""
        except Exception:
            return "unreadable body"
        if not hmac.compare_digest(str(token).encode(), self.token.encode()):
            return "wrong verification token"
        if self.encrypt_key and plain.get("type") != "url_verification":
            expected = signature(
                headers.get("X-Lark-Request-Timestamp", ""),
                headers.get("X-Lark-Request-Nonce", ""),
                self.encrypt_key,
                body,
            )
            given = headers.get("X-Lark-Signature", "")
            if not hmac.compare_digest(given.encode(), expected.encode()):
                return "bad signature"
        return None

    async def _events(self, request: web.Request) -> web.Response:
        body = await request.read()
        why = self.refusal(body, request.headers)
        if why is not None:
            self._junk.warn(f"feishu callback, {why}", request.remote)
            return web.Response(status=403, text="forbidden")
        raw = lark.RawRequest()
        raw.uri, raw.body, raw.headers = request.path, body, dict(request.headers)
        caught: list[tuple[str, Any]] = []
        token = _CAUGHT.set(caught)
        try:
            answer = self.dispatcher.do(raw)
        finally:
            _CAUGHT.reset(token)
        content = answer.content or b"{}"
        if answer.status_code == 500 and b"processor not found" in content:
            # an event the app is subscribed to but we do not handle (the bot added to a
            # chat…): acknowledged, so Feishu does not redeliver it for hours
            return web.json_response({"msg": "ignored"})
        for kind, item in caught:
            if kind == "message":
                self._spawn(self._answer(*item))
            elif kind == "card":
                content = json.dumps(await self._press(*item), ensure_ascii=False).encode()
        return web.Response(
            status=answer.status_code or 200, body=content, content_type="application/json"
        )

    def _spawn(self, coroutine: Any) -> None:
        task = asyncio.ensure_future(coroutine)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    # --- inbound -----------------------------------------------------------------------------

    def _on_message(self, data: P2ImMessageReceiveV1) -> None:
        item = self.message_inbound(data)
        if item is None:
            return
        caught = _CAUGHT.get()
        if caught is not None:
            caught.append(("message", item))
        elif self._loop is not None:  # the long connection's thread
            asyncio.run_coroutine_threadsafe(self._answer(*item), self._loop)

    def message_inbound(self, data: P2ImMessageReceiveV1) -> tuple[Inbound, str, bool] | None:
        """(inbound, message id, in a group) for a text message meant for us, else None."""
        event = data.event
        message = event.message if event is not None else None
        sender = event.sender if event is not None else None
        if message is None or sender is None or sender.sender_type != "user":
            return None
        open_id = sender.sender_id.open_id if sender.sender_id is not None else None
        if not open_id or message.message_type != "text" or not message.chat_id:
            return None
        try:
            text = str(json.loads(message.content or "{}").get("text") or "")
        except ValueError:
            return None
        group = message.chat_type != "p2p"
        ours, mentioned = False, []
        for m in message.mentions or []:
            who = m.id.open_id if m.id is not None else None
            if not m.key:
                continue
            unknown_bot = self.bot_open_id is None and group
            if who is not None and (who == self.bot_open_id or unknown_bot):
                ours, text = True, text.replace(m.key, " ")
            elif who:
                text = text.replace(m.key, f"feishu:{who}")
                mentioned.append(Person(user_id=who, name=m.name))
        if (group and not ours) or not text.strip():
            return None
        header = data.header
        inbound = Inbound(
            platform=PLATFORM,
            user_id=open_id,
            chat_id=message.chat_id,
            message_id=message.message_id,
            text=" ".join(text.split()),
            event_id=(header.event_id if header is not None else None) or message.message_id,
            mentioned=tuple(mentioned),
        )
        return inbound, message.message_id or "", group

    async def _answer(self, inbound: Inbound, message_id: str, _group: bool) -> None:
        """Messages of one chat in arrival order; different chats concurrently."""
        lock = self._chat_locks.setdefault(inbound.chat_id, asyncio.Lock())
        async with lock:
            reply = await self.service.handle(await self._named(inbound))
            await self.out.reply_all(inbound.chat_id, message_id or None, reply)

    def _on_card(self, data: P2CardActionTrigger) -> P2CardActionTriggerResponse:
        item = self.card_inbound(data)
        if item is None:
            return P2CardActionTriggerResponse({})
        caught = _CAUGHT.get()
        if caught is not None:
            caught.append(("card", item))
            return P2CardActionTriggerResponse({})
        if self._loop is None:
            return P2CardActionTriggerResponse({})
        future = asyncio.run_coroutine_threadsafe(self._press(*item), self._loop)
        return P2CardActionTriggerResponse(future.result(timeout=ANSWER_WITHIN + 0.3))

    def card_inbound(self, data: P2CardActionTrigger) -> tuple[Inbound, str | None] | None:
        event = data.event
        if event is None or event.action is None or event.operator is None:
            return None
        action = (event.action.value or {}).get("a")
        user = event.operator.open_id
        context = event.context
        chat = context.open_chat_id if context is not None else None
        card = context.open_message_id if context is not None else None
        if not isinstance(action, str) or not action or not user:
            return None
        header = data.header
        inbound = Inbound(
            platform=PLATFORM,
            user_id=user,
            chat_id=chat or f"user:{user}",
            message_id=card,
            action_id=action,
            event_id=f"card:{header.event_id}" if header is not None else None,
        )
        return inbound, card

    async def _press(self, inbound: Inbound, card: str | None) -> dict[str, Any]:
        """The callback's answer: a toast for a refusal, the card's new content for a
        decision; later messages of the reply go to the chat as new messages."""
        task = asyncio.ensure_future(self._handle_named(inbound))
        try:
            reply = await asyncio.wait_for(asyncio.shield(task), ANSWER_WITHIN)
        except TimeoutError:
            self._spawn(self._late(task, inbound, card))
            return {}
        return await self._decided(reply, inbound, card)

    async def _named(self, inbound: Inbound) -> Inbound:
        name = await self.out.name_of(inbound.user_id)
        return inbound.model_copy(update={"user_name": name}) if name else inbound

    async def _handle_named(self, inbound: Inbound) -> Reply:
        return await self.service.handle(await self._named(inbound))

    async def _decided(self, reply: Reply, inbound: Inbound, card: str | None) -> dict[str, Any]:
        if not reply.blocks:
            return {}
        if reply.ephemeral:
            note = " ".join(reply.plain().split())
            return {"toast": {"type": "info", "content": note[:500]}}
        messages = feishu_render.render(reply)
        body: dict[str, Any] = {}
        if messages and messages[0].card is not None and card is not None:
            body["card"] = {"type": "raw", "data": messages[0].card}
            messages = messages[1:]
        if messages:
            self._spawn(self._send_rest(inbound.chat_id, messages))
        return body

    async def _send_rest(self, chat_id: str, messages: list[feishu_render.FeishuMessage]) -> None:
        kind, rid = receive_id(chat_id)
        try:
            for message in messages:
                await self.out.send_one(kind, rid, message)
        except Exception as exc:
            log.warning("feishu: follow-up to %s failed: %s", chat_id, exc)

    async def _late(self, task: asyncio.Task[Reply], inbound: Inbound, card: str | None) -> None:
        reply = await task
        if reply.ephemeral or not reply.blocks:
            return
        messages = feishu_render.render(reply)
        first = messages[0] if messages else None
        if card is not None and first is not None and first.card is not None:
            messages = messages[1:] if await self.out.patch(card, first) else messages
        await self._send_rest(inbound.chat_id, messages)
