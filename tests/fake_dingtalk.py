"""A loopback fake of DingTalk's open API and Stream gateway (aiohttp on 127.0.0.1).

The real dingtalk-stream client asks ``/v1.0/gateway/connections/open`` for an endpoint and a
ticket (client id and secret checked), opens the websocket, and receives frames the test pushes
(``say``, ``send_picture``, ``press``); its acks come back and are kept (``acks``). The bot's
sends arrive over HTTP as to api.dingtalk.com: an access token is required on every call
(``x-acs-dingtalk-access-token``), ``fail`` makes the next N calls of a path fail (429 …),
and every call is kept (``calls``, ``sent``, ``wait_for``).

Pictures as DingTalk takes them: ``POST /media/upload?access_token=…`` on the older host
(multipart: ``type=image`` and a ``media`` file part, answered with a ``media_id`` in an
``errcode`` envelope), then a robot message with ``msgKey: sampleImageMsg`` whose
``photoURL`` must name an upload this fake handed out — anything else is refused the way
DingTalk refuses a bad parameter (400), so a picture can only arrive by the documented route.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from aiohttp import WSMsgType, web

CLIENT_ID = "dingbot-test"
CLIENT_SECRET = "s3cret"
TOKEN = "tok-1"


@dataclass
class Call:
    method: str
    path: str
    body: dict[str, Any]
    status: int = 200
    at: float = field(default_factory=time.monotonic)


class FakeDingTalk:
    def __init__(self) -> None:
        self.calls: list[Call] = []
        self.acks: list[dict[str, Any]] = []
        self.cards: dict[str, dict[str, str]] = {}  # outTrackId → the card's variables now
        self.files: dict[str, bytes] = {}
        self.frames: dict[str, tuple[str, dict[str, Any]]] = {}  # message id → (topic, data)
        self.media: dict[str, bytes] = {}  # media_id → the uploaded bytes
        self._failures: dict[str, list[int]] = {}
        self._errcodes: dict[str, list[int]] = {}
        self._ws: web.WebSocketResponse | None = None
        self._connected = asyncio.Event()
        self._ids = itertools.count(1)
        self._runner: web.AppRunner | None = None
        self.url = ""

    async def start(self) -> str:
        app = web.Application()
        app.router.add_get("/gateway", self._gateway)
        app.router.add_get("/files/{code}", self._file)
        app.router.add_post("/media/upload", self._upload)
        app.router.add_route("*", "/{path:v1\\.0/.+}", self._api)
        self._runner = web.AppRunner(app)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        self.url = f"http://127.0.0.1:{port}"
        return self.url

    async def stop(self) -> None:
        if self._ws is not None:
            await self._ws.close()
        if self._runner is not None:
            await self._runner.cleanup()

    # --- the Stream side --------------------------------------------------------------------

    async def connected(self, timeout: float = 5.0) -> None:
        await asyncio.wait_for(self._connected.wait(), timeout)

    async def _gateway(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse()
        if request.query.get("ticket") != "ticket-1":
            raise web.HTTPForbidden()
        await ws.prepare(request)
        self._ws = ws
        self._connected.set()
        async for msg in ws:
            if msg.type == WSMsgType.TEXT:
                self.acks.append(json.loads(msg.data))
        return ws

    async def push(self, topic: str, data: dict[str, Any], message_id: str | None = None) -> str:
        await self.connected()
        assert self._ws is not None
        message_id = message_id or f"frame-{next(self._ids)}"
        self.frames[message_id] = (topic, data)
        frame = {
            "specVersion": "1.0",
            "type": "CALLBACK",
            "headers": {
                "appId": CLIENT_ID, "connectionId": "c1", "contentType": "application/json",
                "messageId": message_id, "time": str(int(time.time() * 1000)), "topic": topic,
            },
            "data": json.dumps(data, ensure_ascii=False),
        }  # fmt: skip
        await self._ws.send_str(json.dumps(frame, ensure_ascii=False))
        return message_id

    def _message(self, user: tuple[str, str], chat: str | None) -> dict[str, Any]:
        staff, nick = user
        return {
            "conversationId": chat or f"cid-dm-{staff}",
            "conversationType": "2" if chat else "1",
            "msgId": f"msg{next(self._ids)}",
            "senderNick": nick,
            "senderStaffId": staff,
            "senderId": f"$:LWCP_v1:${staff}",
            "robotCode": CLIENT_ID,
            "chatbotUserId": "$:bot",
            "isInAtList": True,
            "createAt": int(time.time() * 1000),
            "sessionWebhook": f"{self.url}/robot/sendBySession",
        }

    async def say(
        self,
        user: tuple[str, str],
        text: str,
        chat: str | None = None,
        mentions: Sequence[tuple[str, str]] = (),
    ) -> dict:
        """A text message to the robot (a group @-mention when *chat*, else a private chat).
        *mentions*: people @-mentioned in *text* (as `@nick`), listed in `atUsers` with their
        staffId after the robot's own entry, as DingTalk sends them."""
        data = {**self._message(user, chat), "msgtype": "text", "text": {"content": f" {text}"}}
        data["atUsers"] = [{"dingtalkId": "$:bot"}] + [
            {"dingtalkId": f"$:LWCP_v1:${staff}", "staffId": staff} for staff, _ in mentions
        ]
        await self.push("/v1.0/im/bot/messages/get", data)
        return data

    async def send_picture(
        self, user: tuple[str, str], image: bytes, chat: str | None = None
    ) -> dict:
        code = f"dl{next(self._ids)}"
        self.files[code] = image
        data = {**self._message(user, chat), "msgtype": "picture",
                "content": {"downloadCode": code, "pictureDownloadCode": code}}  # fmt: skip
        await self.push("/v1.0/im/bot/messages/get", data)
        return data

    async def redeliver(self, message_id: str) -> None:
        """The same frame again, as DingTalk does when it did not see the ack in time."""
        topic, data = self.frames[message_id]
        await self.push(topic, data, message_id)

    async def press(self, user: str, track: str, text: str, message_id: str | None = None) -> str:
        """Press the button labelled *text* (prefix) on card *track*, as DingTalk calls back."""
        buttons = json.loads(self.cards[track]["buttons"])
        button = next(b for b in buttons if b["text"].startswith(text))
        content = {"cardPrivateData": {"actionIds": ["press"], "params": button}}
        data = {"outTrackId": track, "userId": user, "corpId": "ding1", "type": "actionCallback",
                "content": json.dumps(content)}  # fmt: skip
        return await self.push("/v1.0/card/instances/callback", data, message_id)

    # --- the HTTP side ----------------------------------------------------------------------

    def fail(self, path: str, times: int = 1, status: int = 429) -> None:
        self._failures.setdefault(path, []).extend([status] * times)

    def fail_upload(self, errcode: int, times: int = 1) -> None:
        """The next *times* uploads answer HTTP 200 with this ``errcode`` (-1: busy …)."""
        self._errcodes.setdefault("/media/upload", []).extend([errcode] * times)

    async def _upload(self, request: web.Request) -> web.Response:
        """``/media/upload`` as the older host answers: HTTP 200 and an ``errcode``."""
        form = await request.post()
        media = form.get("media")
        body: dict[str, Any] = {"type": form.get("type")}
        if hasattr(media, "file"):
            body.update(filename=media.filename, content_type=media.content_type)
        call = Call("POST", "/media/upload", body)
        self.calls.append(call)

        def answer(errcode: int, errmsg: str, **extra: Any) -> web.Response:
            call.status = 200 if errcode == 0 else 600  # sent() counts only the successes
            return web.json_response({"errcode": errcode, "errmsg": errmsg, **extra})

        if request.query.get("access_token") != TOKEN:
            return answer(40014, "不合法的access_token")
        errcodes = self._errcodes.get("/media/upload")
        if errcodes:
            return answer(errcodes.pop(0), "系统繁忙")
        if form.get("type") != "image" or not hasattr(media, "file"):
            return answer(40035, "缺少参数 type 或 media")
        data = media.file.read()
        if media.content_type != "image/png" or not data.startswith(b"\x89PNG\r\n\x1a\n"):
            return answer(40005, "不支持的文件格式")
        media_id = f"@lAz{next(self._ids)}"
        self.media[media_id] = data
        return answer(0, "ok", media_id=media_id, type="image", created_at=int(time.time()))

    def sent(self, path: str, **where: Any) -> list[Call]:
        return [
            c for c in self.calls
            if c.path == path and c.status == 200
            and all(c.body.get(k) == v for k, v in where.items())
        ]  # fmt: skip

    async def wait_for(self, predicate: Callable[[], Any], timeout: float = 5.0) -> Any:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            found = predicate()
            if found:
                return found
            await asyncio.sleep(0.02)
        raise AssertionError("timed out waiting for the fake DingTalk")

    async def _file(self, request: web.Request) -> web.Response:
        data = self.files.get(request.match_info["code"])
        return (
            web.Response(body=data, content_type="image/jpeg") if data else web.Response(status=404)
        )

    async def _api(self, request: web.Request) -> web.Response:
        path = "/" + request.match_info["path"]
        body = await request.json() if request.can_read_body else {}
        call = Call(request.method, path, body)
        self.calls.append(call)

        def answer(status: int, payload: dict[str, Any], **headers: str) -> web.Response:
            call.status = status
            return web.json_response(payload, status=status, headers=headers)

        if path == "/v1.0/gateway/connections/open":
            if (body.get("clientId"), body.get("clientSecret")) != (CLIENT_ID, CLIENT_SECRET):
                return answer(401, {"code": "InvalidAuthentication"})
            return answer(200, {"endpoint": f"ws://{self.url.removeprefix('http://')}/gateway",
                                "ticket": "ticket-1"})  # fmt: skip
        if path == "/v1.0/oauth2/accessToken":
            if (body.get("appKey"), body.get("appSecret")) != (CLIENT_ID, CLIENT_SECRET):
                return answer(400, {"code": "invalidClientIdOrSecret"})
            return answer(200, {"accessToken": TOKEN, "expireIn": 7200})
        if request.headers.get("x-acs-dingtalk-access-token") != TOKEN:
            return answer(401, {"code": "InvalidAuthentication"})
        failures = self._failures.get(path)
        if failures:
            status = failures.pop(0)
            return answer(
                status, {"code": "Throttling"}, **({"Retry-After": "0"} if status == 429 else {})
            )
        if path == "/v1.0/card/instances/createAndDeliver":
            self.cards[body["outTrackId"]] = dict(body["cardData"]["cardParamMap"])
            return answer(200, {"success": True, "result": {"outTrackId": body["outTrackId"]}})
        if path == "/v1.0/card/instances" and request.method == "PUT":
            if body["outTrackId"] not in self.cards:
                return answer(400, {"code": "cardNotFound"})
            self.cards[body["outTrackId"]].update(body["cardData"]["cardParamMap"])
            return answer(200, {"success": True})
        if path == "/v1.0/robot/messageFiles/download":
            return answer(200, {"downloadUrl": f"{self.url}/files/{body.get('downloadCode')}"})
        if path in {"/v1.0/robot/groupMessages/send", "/v1.0/robot/oToMessages/batchSend"}:
            param = json.loads(body["msgParam"])  # must be a JSON string, as DingTalk requires
            if body["msgKey"] == "sampleImageMsg" and param.get("photoURL") not in self.media:
                return answer(400, {"code": "param.photoURL", "message": "invalid photoURL"})
            return answer(200, {"processQueryKey": f"q{next(self._ids)}"})
        return answer(404, {"code": "NotFound"})

    # --- reading what the bot said ----------------------------------------------------------

    def markdowns(self, *, group: str | None = None, user: str | None = None) -> list[str]:
        """The markdown texts sent to a group or a person, oldest first."""
        return [
            json.loads(c.body["msgParam"])["text"]
            for c in self.sends(group=group, user=user)
            if c.body["msgKey"] == "sampleMarkdown"
        ]

    def sends(self, *, group: str | None = None, user: str | None = None) -> list[Call]:
        """The robot messages (any msgKey) delivered to a group or a person, oldest first."""
        return [
            c for c in self.calls
            if c.status == 200
            and (
                (group and c.path == "/v1.0/robot/groupMessages/send"
                 and c.body["openConversationId"] == group)
                or (user and c.path == "/v1.0/robot/oToMessages/batchSend"
                    and user in c.body["userIds"])
            )
        ]  # fmt: skip

    def images(self, *, group: str | None = None, user: str | None = None) -> list[bytes]:
        """The pictures a group or a person received (the bytes of the upload each named)."""
        return [
            self.media[json.loads(c.body["msgParam"])["photoURL"]]
            for c in self.sends(group=group, user=user)
            if c.body["msgKey"] == "sampleImageMsg"
        ]

    def cards_in(self, space: str) -> list[str]:
        """outTrackIds of the cards delivered to *space* (`IM_GROUP.<cid>`, `IM_ROBOT.<uid>`)."""
        return [
            c.body["outTrackId"] for c in self.calls
            if c.path == "/v1.0/card/instances/createAndDeliver" and c.status == 200
            and c.body["openSpaceId"].endswith(space)
        ]  # fmt: skip
