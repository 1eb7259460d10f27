"""A loopback fake of the Feishu Open API (the parts stockbot uses), for the real lark-oapi SDK.

It serves the tenant token, ``bot/v3/info``, sending / replying / patching messages and image
upload, records every call, and can fail a method on demand (a 429 with a Feishu rate code).
It also plays Feishu's side of the callbacks: it builds the v2 events a user's message or a
button press produces, posts them to the service's ``/feishu/events`` with the verification
token, and applies a card returned in a callback's answer to the stored card, as Feishu does.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import aiohttp
from aiohttp import web
from lark_oapi.ws.pb.pbbp2_pb2 import Frame

from loopback import serve

APP_ID, APP_SECRET, TOKEN = "cli_test", "secret", "vtoken"
BOT = "ou_b0t"


@dataclass
class Call:
    method: str
    params: dict[str, Any]
    status: int = 200
    code: int = 0


@dataclass
class Message:
    message_id: str
    chat_id: str
    msg_type: str
    content: dict[str, Any]
    reply_to: str | None = None
    updates: list[dict[str, Any]] = field(default_factory=list)

    @property
    def card(self) -> dict[str, Any]:
        return self.updates[-1] if self.updates else self.content

    def text(self) -> str:
        """Every text in the card, joined: what a reader sees."""
        out: list[str] = []

        def walk(node: Any) -> None:
            if isinstance(node, dict):
                if isinstance(node.get("content"), str):
                    out.append(node["content"])
                for value in node.values():
                    walk(value)
            elif isinstance(node, list):
                for value in node:
                    walk(value)

        walk(self.card)
        return "\n".join(out)

    def buttons(self, *, first: bool = False) -> dict[str, str]:
        """label → action id, on the card as it is now (or as it was first sent)."""
        found: dict[str, str] = {}
        for element in (self.content if first else self.card).get("elements", []):
            for action in element.get("actions", []) if element.get("tag") == "action" else []:
                found[action["text"]["content"]] = action["value"]["a"]
        return found


class FakeFeishu:
    def __init__(self) -> None:
        self.calls: list[Call] = []
        self.messages: dict[str, Message] = {}
        self.images: dict[str, bytes] = {}
        self.failures: dict[str, list[tuple[int, int, dict[str, str]]]] = {}
        self.callbacks: list[tuple[int, dict[str, Any]]] = []
        self._ids = itertools.count(1)
        self._runner: web.AppRunner | None = None
        self.url = ""
        self.ws: web.WebSocketResponse | None = None
        self.ws_answers: dict[str, dict[str, Any]] = {}
        self.names: dict[str, str] = {}
        """open_id → display name, as the contact API tells them."""
        self.events_url = ""

    async def start(self) -> str:
        app = web.Application()
        app.router.add_route("*", "/{tail:.*}", self._dispatch)
        self._runner, port = await serve(app, 0)
        self.url = f"http://127.0.0.1:{port}"
        return self.url

    async def stop(self) -> None:
        if self.ws is not None:
            await self.ws.close()
        if self._runner is not None:
            await self._runner.cleanup()

    # --- what the bot did ---------------------------------------------------------------------

    def fail(
        self,
        method: str,
        times: int = 1,
        status: int = 429,
        code: int = 99991400,
        reset: str = "0.2",
    ) -> None:
        self.failures.setdefault(method, []).extend(
            [(status, code, {"x-ogw-ratelimit-reset": reset})] * times
        )

    def sent(self, method: str, *, ok: bool | None = True) -> list[Call]:
        return [c for c in self.calls if c.method == method and (ok is None or (c.code == 0) == ok)]

    def in_chat(self, chat_id: str) -> list[Message]:
        return [m for m in self.messages.values() if m.chat_id == chat_id]

    async def wait_for(self, predicate: Callable[[], Any], timeout: float = 5.0) -> Any:
        deadline = time.monotonic() + timeout
        while True:
            value = predicate()
            if value:
                return value
            if time.monotonic() > deadline:
                raise AssertionError("the fake Feishu never saw what the test waited for")
            await asyncio.sleep(0.02)

    async def card_with(self, chat_id: str, label: str, timeout: float = 5.0) -> Message:
        """The newest card in *chat_id* with a button starting with *label*."""

        def found() -> Message | None:
            for m in reversed(self.in_chat(chat_id)):
                if any(b.startswith(label) for b in m.buttons()):
                    return m
            return None

        return await self.wait_for(found, timeout)

    # --- what the people do -------------------------------------------------------------------

    def message_event(
        self,
        user: str,
        chat_id: str,
        text: str,
        *,
        group: bool = True,
        mention_bot: bool = True,
        token: str = TOKEN,
        at: dict[str, str] | None = None,
    ) -> dict[str, Any]:
        """*at*: ``{"@carol": open_id}`` — those words in *text* become Feishu mentions."""
        mid = f"om_u{next(self._ids)}"
        mentions = []
        if mention_bot:
            text = f"@_user_1 {text}"
            mentions.append({"key": "@_user_1", "id": {"open_id": BOT}, "name": "stockbot"})
        for n, (word, open_id) in enumerate((at or {}).items(), start=2):
            text = text.replace(word, f"@_user_{n}")
            name = self.names.get(open_id, word.lstrip("@"))
            mentions.append({"key": f"@_user_{n}", "id": {"open_id": open_id}, "name": name})
        self.messages[mid] = Message(mid, chat_id, "text", {"text": text})
        return {
            "schema": "2.0",
            "header": {
                "event_id": f"ev{next(self._ids)}",
                "token": token,
                "app_id": APP_ID,
                "event_type": "im.message.receive_v1",
                "create_time": "0",
            },
            "event": {
                "sender": {"sender_id": {"open_id": user}, "sender_type": "user"},
                "message": {
                    "message_id": mid,
                    "chat_id": chat_id,
                    "chat_type": "group" if group else "p2p",
                    "message_type": "text",
                    "content": json.dumps({"text": text}),
                    "mentions": mentions,
                },
            },
        }

    def press_event(
        self, user: str, card: Message, label: str, *, stale: bool = False, token: str = TOKEN
    ) -> dict:
        """A press of *label*; *stale*: on the card as first sent (a copy not yet updated)."""
        action = next(a for b, a in card.buttons(first=stale).items() if b.startswith(label))
        return {
            "schema": "2.0",
            "header": {
                "event_id": f"ev{next(self._ids)}",
                "token": token,
                "app_id": APP_ID,
                "event_type": "card.action.trigger",
                "create_time": "0",
            },
            "event": {
                "operator": {"open_id": user},
                "action": {"value": {"a": action}, "tag": "button"},
                "context": {"open_message_id": card.message_id, "open_chat_id": card.chat_id},
            },
        }

    async def post(
        self,
        event: dict[str, Any],
        headers: dict[str, str] | None = None,
    ) -> tuple[int, dict[str, Any]]:
        """Deliver *event* to the service as Feishu would; applies a returned card."""
        async with (
            aiohttp.ClientSession() as http,
            http.post(
                self.events_url,
                data=json.dumps(event),
                headers=headers or {},
            ) as response,
        ):
            status = response.status
            body = await response.json(content_type=None) if status == 200 else {}
        self.callbacks.append((status, body))
        card = (body.get("card") or {}).get("data") if isinstance(body, dict) else None
        mid = ((event.get("event") or {}).get("context") or {}).get("open_message_id")
        if card and mid in self.messages:
            self.messages[mid].updates.append(card)
        return status, body

    # --- the API ------------------------------------------------------------------------------

    # --- the long connection -------------------------------------------------------------------

    async def _endpoint(self, request: web.Request) -> web.Response:
        body = await request.json()
        self.calls.append(Call("ws.endpoint", body))
        if body.get("AppSecret") != APP_SECRET:
            return web.json_response({"code": 514, "msg": "auth failed"})
        url = self.url.replace("http://", "ws://") + "/ws?device_id=d1&service_id=7"
        config = {
            "PingInterval": 120,
            "ReconnectCount": 1,
            "ReconnectInterval": 1,
            "ReconnectNonce": 0,
        }
        return web.json_response({"code": 0, "data": {"URL": url, "ClientConfig": config}})

    async def _websocket(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse()
        await ws.prepare(request)
        self.ws = ws
        async for msg in ws:
            if msg.type == aiohttp.WSMsgType.BINARY:
                frame = Frame()
                frame.ParseFromString(msg.data)
                headers = {h.key: h.value for h in frame.headers}
                if frame.method == 1:  # a data frame back: the answer to one we pushed
                    self.ws_answers[headers["message_id"]] = json.loads(frame.payload)
        return ws

    async def push(self, event: dict[str, Any], timeout: float = 5.0) -> dict[str, Any]:
        """Send *event* down the long connection; the client's answer (code, data)."""
        await self.wait_for(lambda: self.ws is not None, timeout)
        mid = f"m{next(self._ids)}"
        frame = Frame(SeqID=0, LogID=0, service=7, method=1, payload=json.dumps(event).encode())
        for key, value in (
            ("type", "event"),
            ("message_id", mid),
            ("sum", "1"),
            ("seq", "0"),
            ("trace_id", "t"),
        ):
            header = frame.headers.add()
            header.key, header.value = key, value
        await self.ws.send_bytes(frame.SerializeToString())  # type: ignore[union-attr]
        return await self.wait_for(lambda: self.ws_answers.get(mid), timeout)

    async def _dispatch(self, request: web.Request) -> web.StreamResponse:
        path, verb = request.path, request.method
        if path == "/callback/ws/endpoint":
            return await self._endpoint(request)
        if path == "/ws":
            return await self._websocket(request)
        if path == "/open-apis/auth/v3/tenant_access_token/internal":
            return web.json_response({"code": 0, "tenant_access_token": "t-1", "expire": 7200})
        if request.headers.get("Authorization") != "Bearer t-1":
            return web.json_response({"code": 99991663, "msg": "bad token"}, status=401)
        parts = path.removeprefix("/open-apis/").split("/")
        if path == "/open-apis/bot/v3/info":
            method = "bot.info"
        elif parts[:3] == ["contact", "v3", "users"]:
            method = "user.get"
        elif parts[:3] == ["im", "v1", "images"]:
            method = "image.create"
        elif parts[:3] == ["im", "v1", "messages"] and len(parts) == 3:
            method = "message.create"
        elif parts[:3] == ["im", "v1", "messages"] and parts[-1] == "reply":
            method = "message.reply"
        elif parts[:3] == ["im", "v1", "messages"] and verb == "PATCH":
            method = "message.patch"
        else:
            return web.json_response({"code": 404, "msg": "no such api"}, status=404)
        params: dict[str, Any] = dict(request.query)
        if method == "image.create":
            reader = await request.multipart()
            async for part in reader:
                params[part.name] = await part.read()  # type: ignore[union-attr]
            params["image_type"] = params["image_type"].decode()
        elif verb != "GET":
            params.update(await request.json())
        pending = self.failures.get(method)
        if pending:
            status, code, headers = pending.pop(0)
            self.calls.append(Call(method, params, status, code))
            return web.json_response(
                {"code": code, "msg": "rate limited"}, status=status, headers=headers
            )
        self.calls.append(Call(method, params))
        return web.json_response({"code": 0, "msg": "ok", **self._do(method, parts, params)})

    def _do(self, method: str, parts: list[str], p: dict[str, Any]) -> dict[str, Any]:
        if method == "bot.info":
            return {"bot": {"open_id": BOT, "app_name": "stockbot"}}
        if method == "user.get":
            name = self.names.get(parts[3])
            return {"data": {"user": {"open_id": parts[3], "name": name}}}
        if method == "image.create":
            key = f"img_{next(self._ids)}"
            self.images[key] = p["image"]
            return {"data": {"image_key": key}}
        if method == "message.patch":
            self.messages[parts[3]].updates.append(json.loads(p["content"]))
            return {}
        mid = f"om_b{next(self._ids)}"
        if method == "message.reply":
            to = self.messages[parts[3]]
            chat, reply_to = to.chat_id, to.message_id
        else:
            chat = (
                p["receive_id"] if p["receive_id_type"] == "chat_id" else f"p2p:{p['receive_id']}"
            )
            reply_to = None
        self.messages[mid] = Message(mid, chat, p["msg_type"], json.loads(p["content"]), reply_to)
        return {"data": {"message_id": mid, "chat_id": chat}}
