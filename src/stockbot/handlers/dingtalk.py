"""DingTalk (钉钉) adapter: Stream mode in (dingtalk-stream), the robot's HTTP API out.

```
gateway/connections/open ─→ websocket (dingtalk-stream) ─┬─ /v1.0/im/bot/messages/get
                                                          └─ /v1.0/card/instances/callback
    → host.handle(Inbound) → Reply → dingtalk_render → robot/groupMessages/send,
      robot/oToMessages/batchSend, card/instances/createAndDeliver, PUT card/instances,
      (oapi) media/upload → sampleImageMsg
```
No public URL is needed: the SDK opens an outgoing websocket, receives robot messages and card
button callbacks on it and acks each frame. Everything the bot *sends* goes through
`DingTalkApi` (aiohttp) to `STOCKBOT_DINGTALK_API_URL`, so it can be pointed at a loopback fake,
and so a 429 or a 5xx becomes a `DeliveryError` the outbox retries (the SDK's own send helpers
hard-code the public endpoint and swallow errors).

* **Who and where** — identities are `dingtalk:<staffId>` (the user id the send API takes).
  A group's chat id is its `openConversationId`; a private chat is `dm:<staffId>`, so a reply
  there goes through `oToMessages/batchSend`, like the outbox's `user:<staffId>` targets.
* **Groups** — DingTalk only delivers group messages that @-mention the robot; the mention is
  not in the text. Private chats deliver everything.
* **Naming people** — an @-mention of someone else reaches us as their display name in the text
  (`@张三`) and as their staffId in `atUsers`; one mention of one person becomes
  `dingtalk:<staffId>` (`/role @张三 keeper` works). Several are not guessed at: display names
  repeat and DingTalk does not say which name is which entry.
* **Photos** — a `picture` message's `downloadCode` is exchanged for a URL
  (`robot/messageFiles/download`) and the bytes are read as a label (`Inbound.image`).
* **Images** — a reply's pictures (the summary's chart) are uploaded first
  (`DingTalkApi.upload_image`), then the text goes out, then each picture as a
  `sampleImageMsg` referring to its upload: an upload that fails fails the delivery before
  anything was sent, so the outbox's retry does not repeat the text.
* **Buttons** — a reply with buttons is an interactive card (`dingtalk_card_template_id`);
  a press arrives as a card callback carrying our action id and the chat; the decision
  replaces the card's content in place (PUT), an ephemeral refusal goes to the presser alone.
* **Duplicates** — the SDK may redeliver a frame; its `msgId` / the callback's message id is
  `Inbound.event_id`, and the service's one guard acts on it once.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import re
import threading
from typing import Any

import dingtalk_stream
import requests
from aiohttp import web
from dingtalk_stream import AckMessage, ChatbotMessage
from dingtalk_stream.frames import CallbackMessage

from stockbot.commands.inbound import Inbound
from stockbot.config import Settings
from stockbot.handlers import dingtalk_render
from stockbot.handlers.base import Host, seen_before
from stockbot.handlers.dingtalk_api import DingTalkApi
from stockbot.replies import Reply

__all__ = ["DingTalkAdapter"]

log = logging.getLogger(__name__)

PLATFORM = "dingtalk"
CARD_CALLBACK = "/v1.0/card/instances/callback"
PRIVATE = "1"
"""`conversationType` of a one-to-one chat with the robot ("2": a group)."""
_MENTION_RE = re.compile(r"[@＠][^\s@＠]+")
"""An @-mention as DingTalk writes it into the text: `@` (or the full-width `＠`) and a name."""


class _Stream(dingtalk_stream.DingTalkStreamClient):
    """The SDK's client with one change: the gateway it asks for a websocket is ours to set.

    `open_connection` is the only call the SDK makes to a fixed URL on the way in (the class
    constant `OPEN_CONNECTION_API`, read through the class name); everything after it — the
    websocket, frames, acks, keep-alive, reconnects — is the SDK's own code."""

    def __init__(self, credential: Any, api_url: str) -> None:
        super().__init__(credential, logger=logging.getLogger("dingtalk_stream"))
        self.gateway = api_url.rstrip("/") + "/v1.0/gateway/connections/open"

    def open_connection(self) -> dict[str, Any] | None:
        topics = [{"type": "CALLBACK", "topic": topic} for topic in self.callback_handler_map]
        body = {
            "clientId": self.credential.client_id,
            "clientSecret": self.credential.client_secret,
            "subscriptions": topics,
            "ua": "stockbot",
            "localIp": "",
        }
        try:
            response = requests.post(self.gateway, json=body, timeout=10)
            response.raise_for_status()
            found: dict[str, Any] = response.json()
        except (requests.RequestException, ValueError) as exc:
            log.warning("dingtalk: cannot open a stream connection: %s", exc)
            return None
        return found


class _Handler(dingtalk_stream.CallbackHandler):
    """One Stream topic → an adapter coroutine on the service's loop; the frame is acked (on
    the stream's own loop) once it has been handled."""

    def __init__(self, on_frame: Any, loop: asyncio.AbstractEventLoop) -> None:
        super().__init__()
        self.on_frame = on_frame
        self.loop = loop

    async def process(self, message: CallbackMessage) -> tuple[int, str]:
        try:
            done = asyncio.run_coroutine_threadsafe(self.on_frame(message), self.loop)
            await asyncio.wrap_future(done)
        except Exception:
            log.exception("dingtalk: handling a frame failed")
        return AckMessage.STATUS_OK, "OK"


class DingTalkAdapter:
    """The `Adapter` for DingTalk (Stream mode)."""

    platform = PLATFORM

    def __init__(self, service: Host, settings: Settings) -> None:
        if not (settings.dingtalk_client_id and settings.dingtalk_client_secret):
            raise ValueError("DINGTALK_CLIENT_ID and DINGTALK_CLIENT_SECRET must be set")
        self.service = service
        self.settings = settings
        self.api = DingTalkApi(
            settings.dingtalk_api_url,
            settings.dingtalk_client_id,
            settings.dingtalk_client_secret,
            settings.dingtalk_oapi_url,
        )
        self.template = settings.dingtalk_card_template_id
        credential = dingtalk_stream.Credential(
            settings.dingtalk_client_id, settings.dingtalk_client_secret
        )
        self.stream = _Stream(credential, settings.dingtalk_api_url)
        self._thread: threading.Thread | None = None
        self._loop: asyncio.AbstractEventLoop | None = None

    # --- Adapter protocol ----------------------------------------------------------------

    def routes(self) -> list[web.RouteDef]:
        return []  # Stream mode: nothing listens for DingTalk

    async def start(self) -> None:
        """The SDK's client runs on a loop of its own in a thread: it opens the connection
        with blocking `requests` and sleeps between reconnects, which must not stall the
        service's loop. Frames are handed over to this loop (`_Handler`)."""
        here = asyncio.get_running_loop()
        for topic, handle in (
            (ChatbotMessage.TOPIC, self._on_message),
            (CARD_CALLBACK, self._on_card),
        ):
            self.stream.register_callback_handler(topic, _Handler(handle, here))
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(
            target=self._run_stream, name="dingtalk-stream", daemon=True
        )
        self._thread.start()

    def _run_stream(self) -> None:
        assert self._loop is not None
        asyncio.set_event_loop(self._loop)
        with contextlib.suppress(RuntimeError, asyncio.CancelledError):  # stopped by stop()
            self._loop.run_until_complete(self.stream.start())

    async def stop(self) -> None:
        loop = self._loop
        if loop is not None and not loop.is_closed():
            ws = self.stream.websocket
            if ws is not None:
                with contextlib.suppress(Exception):
                    await asyncio.wrap_future(asyncio.run_coroutine_threadsafe(ws.close(), loop))
            loop.call_soon_threadsafe(loop.stop)
        if self._thread is not None:
            await asyncio.to_thread(self._thread.join, 5)
        await self.api.close()

    async def send(self, target: str, reply: Reply) -> None:
        card = dingtalk_render.render(reply)
        if card is not None:
            await self._deliver(target, card)

    def health(self) -> dict[str, Any]:
        connected = self.stream.websocket is not None and _open(self.stream.websocket)
        ok = connected and self.api.contact.reachable
        return {"ok": ok, "mode": "stream", "connected": connected, **self.api.contact.report()}

    # --- inbound ---------------------------------------------------------------------------

    async def _on_message(self, frame: CallbackMessage) -> None:
        msg = ChatbotMessage.from_dict(frame.data)
        user = msg.sender_staff_id or msg.sender_id
        if not user or not msg.conversation_id:
            return
        private = msg.conversation_type == PRIVATE
        chat = f"dm:{user}" if private else msg.conversation_id
        text, image = None, None
        if msg.message_type == "text" and msg.text is not None:
            text = named_mentions((msg.text.content or "").strip(), msg)
        elif msg.message_type == "picture" and msg.image_content is not None:
            if await seen_before(self.service, PLATFORM, msg.message_id):
                return  # a redelivered frame, already answered: no second download
            image = await self.api.download(msg.robot_code, msg.image_content.download_code)
            if image is None:
                return
        if not text and image is None:
            return
        inbound = Inbound(
            platform=PLATFORM,
            user_id=user,
            user_name=msg.sender_nick,
            chat_id=chat,
            message_id=msg.message_id,
            text=text or None,
            image=image,
            event_id=msg.message_id,
        )
        reply = await self.service.handle(inbound)
        card = dingtalk_render.render(reply)
        if card is not None:
            await self._deliver(chat, card)

    async def _on_card(self, frame: CallbackMessage) -> None:
        data = frame.data
        user = data.get("userId")
        track = data.get("outTrackId")
        try:
            content = json.loads(data.get("content") or "{}")
            params = content["cardPrivateData"]["params"]
            action, chat = str(params["action"]), str(params["chat"])
        except (ValueError, KeyError, TypeError):
            log.warning("dingtalk: a card callback without our action")
            return
        if not user or not track:
            return
        inbound = Inbound(
            platform=PLATFORM,
            user_id=user,
            chat_id=chat,
            message_id=track,
            action_id=action,
            event_id=f"cb:{frame.headers.message_id}",
        )
        reply = await self.service.handle(inbound)
        card = dingtalk_render.render(reply)
        if card is None:
            return
        if reply.ephemeral:  # a refusal is for the presser alone; the card stays as it is
            await self._deliver(f"dm:{user}", card)
            return
        await self.api.update_card(track, card.card_data(chat))
        if card.images:  # a card holds no picture: they follow it in the chat
            await self._pictures(chat, await self._upload(card))

    # --- outbound --------------------------------------------------------------------------

    async def _deliver(self, target: str, card: dingtalk_render.Card) -> None:
        """To a group (`openConversationId`) or a person (`dm:` / `user:<staffId>`): a card when
        there are buttons and a template to show them, markdown otherwise; then the pictures."""
        media = await self._upload(card)  # before anything is sent: see the module's Images
        person = _person(target)
        if card.buttons and self.template:
            await self.api.create_card(self.template, card.card_data(target), group=target
                                       if person is None else None, user=person)  # fmt: skip
        else:
            if card.buttons:  # no template: the options as text, still usable by typing
                card.markdown += "\n\n" + "\n".join(f"- {b['text']}" for b in card.buttons)
            await self._send(target, card.sample_markdown(), "sampleMarkdown")
        await self._pictures(target, media)

    async def _upload(self, card: dingtalk_render.Card) -> list[str]:
        return [await self.api.upload_image(image.png) for image in card.images]

    async def _pictures(self, target: str, media: list[str]) -> None:
        for media_id in media:
            await self._send(target, dingtalk_render.sample_image(media_id), "sampleImageMsg")

    async def _send(self, target: str, param: dict[str, str], msg_key: str) -> None:
        person = _person(target)
        if person is not None:
            await self.api.send_private(person, param, msg_key)
        else:
            await self.api.send_group(target, param, msg_key)


def _person(target: str) -> str | None:
    """The staffId of a private target (`dm:<staffId>`, the outbox's `user:<staffId>`)."""
    return target.split(":", 1)[1] if target.startswith(("dm:", "user:")) else None


def _open(ws: Any) -> bool:
    state = getattr(ws, "state", None)
    return getattr(state, "name", "OPEN") == "OPEN" if state is not None else True


def named_mentions(text: str, msg: ChatbotMessage) -> str:
    """The text with its one @-mention of a person as `dingtalk:<staffId>`, the identity the
    parser takes. DingTalk puts the mentioned display name in the text and the staffId in
    `atUsers` (beside the robot's own entry, which has none); with one of each the pairing is
    certain. With several, the text stays as typed: names repeat (two 张伟) and the order of
    `atUsers` is not promised, so a role must not be granted to a guess."""
    people = {u.staff_id for u in msg.at_users or [] if u.staff_id}
    mentions = _MENTION_RE.findall(text)
    if len(people) != 1 or len(mentions) != 1:
        return text
    return text.replace(mentions[0], f"dingtalk:{people.pop()}", 1)
