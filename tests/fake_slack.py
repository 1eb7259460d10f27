"""A loopback fake of the Slack Web API (and of `response_url`s, file uploads and the Socket
Mode websocket), good enough for the real slack-sdk / slack-bolt to talk to.

It records every call, keeps the channels' messages (so a test can "see" a card and press its
buttons the way a person would), validates our Block Kit against Slack's limits (answering
`invalid_blocks` like Slack does), and can be told to fail: `fake.fail("chat.postMessage",
status=429, headers={"Retry-After": "0"})`. Everything listens on 127.0.0.1.

Files people share (`share`): served at their `url_private` only to `Authorization: Bearer
xoxb-test` — anyone else gets Slack's HTML sign-in page with a 200, as Slack does — and
described by `files.info`; `downloads` keeps who fetched what.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import time
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl

from aiohttp import WSMsgType, web

from loopback import serve

BOT_USER = "UBOT"
TEAM = "T0FACTORY"


@dataclass
class Call:
    method: str
    params: dict[str, Any]
    token: str | None = None


@dataclass
class Message:
    channel: str
    ts: str
    text: str
    blocks: list[dict[str, Any]] = field(default_factory=list)
    thread_ts: str | None = None
    ephemeral_to: str | None = None  # user id for an ephemeral message
    via: str = "chat.postMessage"
    history: list[dict[str, Any]] = field(default_factory=list)  # earlier versions

    def buttons(self) -> list[dict[str, Any]]:
        return [
            e
            for b in self.blocks
            if b.get("type") == "actions"
            for e in b.get("elements", [])
            if e.get("type") == "button"
        ]

    def button(self, label: str) -> dict[str, Any]:
        found = [b for b in self.buttons() if b["text"]["text"].startswith(label)]
        assert found, f"no button {label!r} in {[b['text']['text'] for b in self.buttons()]}"
        return found[0]

    def all_text(self) -> str:
        """The text a person would read (section texts and fields, raw mrkdwn)."""
        parts = []
        for b in self.blocks:
            if b.get("text"):
                parts.append(b["text"]["text"])
            parts += [f["text"] for f in b.get("fields", [])]
        return "\n".join(parts) or self.text


@dataclass
class Failure:
    status: int
    error: str
    headers: dict[str, str]
    times: int


class FakeSlack:
    def __init__(self, users: dict[str, dict[str, Any]] | None = None) -> None:
        self.users = users or {}
        self.calls: list[Call] = []
        self.messages: list[Message] = []
        self.uploads: dict[str, bytes] = {}
        self.files: list[dict[str, Any]] = []
        self.views: list[dict[str, Any]] = []
        self.shared: dict[str, tuple[dict[str, Any], bytes]] = {}  # file id → (file, bytes)
        self.downloads: list[tuple[str, str | None]] = []  # (file id, Authorization header)
        self.responses: list[dict[str, Any]] = []  # every POST to a response_url
        self.missing_channels: set[str] = set()
        self._failures: dict[str, list[Failure]] = {}
        self._response_urls: dict[str, dict[str, Any]] = {}
        self._ts = itertools.count(1)
        self._ids = itertools.count(1)
        self._runner: web.AppRunner | None = None
        self.url = ""
        self.socket_acks: list[dict[str, Any]] = []
        self._sockets: list[web.WebSocketResponse] = []
        self.socket_connected = asyncio.Event()

    # --- server ------------------------------------------------------------------------------

    async def start(self, port: int = 0) -> str:
        """Listen on *port* (0: any free one); a test restarts a stopped fake on its old port
        to bring "Slack" back."""
        app = web.Application()
        app.router.add_route("*", "/api/{method}", self._api)
        app.router.add_post("/response/{token}", self._response)
        app.router.add_post("/upload/{file_id}", self._upload)
        app.router.add_get("/socket", self._socket)
        app.router.add_get("/files-pri/{file_id}/{name}", self._download)
        self._runner, port = await serve(app, port)
        self.url = f"http://127.0.0.1:{port}"
        return self.url

    async def stop(self) -> None:
        for ws in self._sockets:
            await ws.close()
        if self._runner is not None:
            await self._runner.cleanup()

    # --- what a test uses --------------------------------------------------------------------

    def fail(
        self,
        method: str,
        *,
        status: int = 200,
        error: str = "internal_error",
        headers: dict[str, str] | None = None,
        times: int = 1,
    ) -> None:
        """The next *times* calls of *method* fail (HTTP *status*, Slack *error*)."""
        self._failures.setdefault(method, []).append(Failure(status, error, headers or {}, times))

    def response_url(self, channel: str, user: str, ts: str | None = None) -> str:
        """A response_url as Slack puts in a slash command or a block_actions payload."""
        token = f"R{next(self._ids)}"
        self._response_urls[token] = {"channel": channel, "user": user, "ts": ts, "uses": 0}
        return f"{self.url}/response/{token}"

    def share(
        self,
        data: bytes,
        *,
        name: str = "label.jpg",
        mimetype: str = "image/jpeg",
        stub: bool = False,
    ) -> dict[str, Any]:
        """A file someone uploads, as the `files` entry of their message event; *stub*: only
        the id and ``file_access: check_file_info`` (Slack Connect, newer uploads)."""
        file_id = f"F{next(self._ids):08d}"
        url = f"{self.url}/files-pri/{TEAM}-{file_id}/{name}"
        file = {"id": file_id, "name": name, "mimetype": mimetype,
                "filetype": name.rsplit(".", 1)[-1], "size": len(data), "mode": "hosted",
                "url_private": url, "url_private_download": url + "?download=1"}  # fmt: skip
        self.shared[file_id] = (file, data)
        if stub:
            return {"id": file_id, "mode": "file_access", "file_access": "check_file_info"}
        return dict(file)

    def called(self, method: str) -> list[Call]:
        return [c for c in self.calls if c.method == method]

    def in_channel(self, channel: str) -> list[Message]:
        return [m for m in self.messages if m.channel == channel and m.ephemeral_to is None]

    def ephemeral(self, user: str) -> list[Message]:
        return [m for m in self.messages if m.ephemeral_to == user]

    def message(self, channel: str, ts: str) -> Message:
        return next(m for m in self.messages if m.channel == channel and m.ts == ts)

    async def wait_for(self, predicate: Any, timeout: float = 5.0) -> Any:
        """Poll *predicate* until truthy (bounded); return its value."""
        deadline = time.monotonic() + timeout
        while True:
            value = predicate()
            if value:
                return value
            if time.monotonic() > deadline:
                raise AssertionError(f"timed out waiting; calls: {[c.method for c in self.calls]}")
            await asyncio.sleep(0.01)

    async def socket_send(self, envelope: dict[str, Any]) -> None:
        for ws in self._sockets:
            await ws.send_str(json.dumps(envelope))

    # --- the Web API -------------------------------------------------------------------------

    async def _params(self, request: web.Request) -> dict[str, Any]:
        params: dict[str, Any] = dict(request.query)
        if request.can_read_body:
            raw = await request.text()
            if request.content_type == "application/json":
                params.update(json.loads(raw or "{}"))
            elif raw:
                params.update(dict(parse_qsl(raw, keep_blank_values=True)))
        for key in ("blocks", "view", "files"):
            if isinstance(params.get(key), str):
                params[key] = json.loads(params[key])
        return params

    async def _api(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        params = await self._params(request)
        auth = request.headers.get("Authorization", "")
        token = auth.removeprefix("Bearer ") or params.get("token")
        self.calls.append(Call(method, params, token))
        queue = self._failures.get(method)
        if queue:
            failure = queue[0]
            failure.times -= 1
            if failure.times <= 0:
                queue.pop(0)
            return web.json_response(
                {"ok": False, "error": failure.error},
                status=failure.status,
                headers=failure.headers,
            )
        if method == "apps.connections.open":
            if not (token or "").startswith("xapp-"):
                return _error("invalid_auth")
            return _ok(url=self.url.replace("http", "ws") + "/socket")
        if token != "xoxb-test":
            return _error("invalid_auth")
        handler = getattr(self, "_m_" + method.replace(".", "_"), None)
        if handler is None:
            return _error("unknown_method")
        return handler(params)

    def _m_auth_test(self, _p: dict[str, Any]) -> web.Response:
        return _ok(
            url="https://factory.slack.com/",
            team="Factory",
            user="stockbot",
            team_id=TEAM,
            user_id=BOT_USER,
            bot_id="BBOT",
        )

    def _m_users_info(self, p: dict[str, Any]) -> web.Response:
        user = self.users.get(p.get("user", ""))
        if user is None:
            return _error("user_not_found")
        return _ok(
            user={
                "id": p["user"],
                "name": user.get("name"),
                "real_name": user.get("real_name"),
                "locale": user.get("locale", "en-US"),
                "profile": {
                    "display_name": user.get("display_name", ""),
                    "real_name": user.get("real_name", ""),
                },
            }
        )

    def _new_ts(self) -> str:
        return f"1750000000.{next(self._ts):06d}"

    def _channel_ok(self, channel: str | None) -> str | None:
        if not channel:
            return "channel_not_found"
        if channel in self.missing_channels:
            return "channel_not_found"
        return None

    def _m_chat_postMessage(self, p: dict[str, Any]) -> web.Response:
        if err := self._channel_ok(p.get("channel")) or _validate(p):
            return _error(err)
        msg = Message(
            channel=p["channel"],
            ts=self._new_ts(),
            text=p.get("text", ""),
            blocks=p.get("blocks") or [],
            thread_ts=p.get("thread_ts"),
        )
        self.messages.append(msg)
        return _ok(channel=msg.channel, ts=msg.ts, message={"text": msg.text, "ts": msg.ts})

    def _m_chat_postEphemeral(self, p: dict[str, Any]) -> web.Response:
        if err := self._channel_ok(p.get("channel")) or _validate(p):
            return _error(err)
        if p.get("user") not in self.users:
            return _error("user_not_in_channel")
        msg = Message(
            channel=p["channel"],
            ts=self._new_ts(),
            text=p.get("text", ""),
            blocks=p.get("blocks") or [],
            thread_ts=p.get("thread_ts"),
            ephemeral_to=p["user"],
            via="chat.postEphemeral",
        )
        self.messages.append(msg)
        return _ok(message_ts=msg.ts)

    def _m_chat_update(self, p: dict[str, Any]) -> web.Response:
        if err := self._channel_ok(p.get("channel")) or _validate(p):
            return _error(err)
        found = [m for m in self.messages if m.channel == p["channel"] and m.ts == p.get("ts")]
        if not found:
            return _error("message_not_found")
        msg = found[0]
        msg.history.append({"text": msg.text, "blocks": msg.blocks})
        msg.text, msg.blocks = p.get("text", ""), p.get("blocks") or []
        return _ok(channel=msg.channel, ts=msg.ts, text=msg.text)

    def _m_conversations_open(self, p: dict[str, Any]) -> web.Response:
        user = p.get("users", "")
        if user not in self.users:
            return _error("user_not_found")
        return _ok(channel={"id": "D" + user.removeprefix("U")})

    def _m_views_open(self, p: dict[str, Any]) -> web.Response:
        if not p.get("trigger_id"):
            return _error("invalid_trigger_id")
        view = dict(p.get("view") or {})
        view["id"] = f"V{next(self._ids)}"
        self.views.append(view)
        return _ok(view=view)

    def _m_files_info(self, p: dict[str, Any]) -> web.Response:
        found = self.shared.get(p.get("file", ""))
        return _ok(file=found[0]) if found else _error("file_not_found")

    async def _download(self, request: web.Request) -> web.Response:
        file_id = request.match_info["file_id"].rsplit("-", 1)[-1]
        auth = request.headers.get("Authorization")
        self.downloads.append((file_id, auth))
        found = self.shared.get(file_id)
        if found is None:
            return web.Response(status=404, text="file_not_found")
        if auth != "Bearer xoxb-test":  # Slack answers the sign-in page, not an error
            return web.Response(text="<html>Sign in to Slack</html>", content_type="text/html")
        return web.Response(body=found[1], content_type=found[0]["mimetype"])

    def _m_files_getUploadURLExternal(self, p: dict[str, Any]) -> web.Response:
        file_id = f"F{next(self._ids)}"
        self.files.append({"id": file_id, "filename": p.get("filename"), "length": p["length"]})
        return _ok(upload_url=f"{self.url}/upload/{file_id}", file_id=file_id)

    def _m_files_completeUploadExternal(self, p: dict[str, Any]) -> web.Response:
        if err := self._channel_ok(p.get("channel_id")):
            return _error(err)
        done = []
        for f in p.get("files") or []:
            record = next((x for x in self.files if x["id"] == f["id"]), None)
            if record is None or f["id"] not in self.uploads:
                return _error("file_not_found")
            record.update(title=f.get("title"), channel=p.get("channel_id"), shared=True)
            record["thread_ts"] = p.get("thread_ts")
            done.append({"id": f["id"], "title": f.get("title")})
        return _ok(files=done)

    async def _upload(self, request: web.Request) -> web.Response:
        file_id = request.match_info["file_id"]
        self.uploads[file_id] = await request.read()
        return web.Response(text=f"OK - {len(self.uploads[file_id])}")

    # --- response_url ------------------------------------------------------------------------

    async def _response(self, request: web.Request) -> web.Response:
        where = self._response_urls.get(request.match_info["token"])
        if where is None:
            return web.Response(status=404, text="no_response_url")
        where["uses"] += 1
        if where["uses"] > 5:  # Slack: at most five responses per response_url
            return web.Response(status=404, text="used_up")
        body = await request.json()
        self.responses.append({**body, "_to": dict(where)})
        if err := _validate(body):
            return web.Response(status=400, text=err)
        if body.get("replace_original") and where["ts"]:
            msg = self.message(where["channel"], where["ts"])
            msg.history.append({"text": msg.text, "blocks": msg.blocks})
            msg.text, msg.blocks = body.get("text", ""), body.get("blocks") or []
            return web.Response(text="ok")
        ephemeral = body.get("response_type", "ephemeral") == "ephemeral"
        msg = Message(
            channel=where["channel"],
            ts=self._new_ts(),
            text=body.get("text", ""),
            blocks=body.get("blocks") or [],
            thread_ts=body.get("thread_ts"),
            ephemeral_to=where["user"] if ephemeral else None,
            via="response_url",
        )
        self.messages.append(msg)
        return web.Response(text="ok")

    # --- Socket Mode -------------------------------------------------------------------------

    async def _socket(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse(autoping=True)
        await ws.prepare(request)
        self._sockets.append(ws)
        await ws.send_str(json.dumps({"type": "hello", "num_connections": 1}))
        self.socket_connected.set()
        async for msg in ws:
            if msg.type == WSMsgType.TEXT:
                self.socket_acks.append(json.loads(msg.data))
        return ws


def _ok(**data: Any) -> web.Response:
    return web.json_response({"ok": True, **data})


def _error(error: str) -> web.Response:
    return web.json_response({"ok": False, "error": error})


def _validate(p: dict[str, Any]) -> str | None:
    """Slack's Block Kit limits, as far as our renderer uses Block Kit."""
    blocks = p.get("blocks")
    if blocks is None:
        return None if p.get("text") else "no_text"
    if not isinstance(blocks, list) or len(blocks) > 50:
        return "invalid_blocks"
    action_ids: set[str] = set()
    for b in blocks:
        kind = b.get("type")
        if kind == "section":
            text = (b.get("text") or {}).get("text")
            fields = b.get("fields")
            if text is None and not fields:
                return "invalid_blocks"
            if text is not None and not 0 < len(text) <= 3000:
                return "invalid_blocks"
            if fields is not None and (
                len(fields) > 10 or any(not 0 < len(f["text"]) <= 2000 for f in fields)
            ):
                return "invalid_blocks"
        elif kind == "actions":
            elements = b.get("elements") or []
            if not 0 < len(elements) <= 25:
                return "invalid_blocks"
            for e in elements:
                if e.get("type") != "button" or not 0 < len(e["text"]["text"]) <= 75:
                    return "invalid_blocks"
                if len(e.get("value", "")) > 2000 or e["action_id"] in action_ids:
                    return "invalid_blocks"
                action_ids.add(e["action_id"])
        elif kind not in {"divider", "context", "image", "header", "rich_text", "input"}:
            return "invalid_blocks"
    return None
