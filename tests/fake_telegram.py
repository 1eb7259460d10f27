"""A loopback fake of the Telegram Bot API (aiohttp on 127.0.0.1), for end-to-end tests.

The real python-telegram-bot talks HTTP to it exactly as to api.telegram.org: the token is in
the path (``/bot<token>/<method>``), parameters arrive form-encoded (multipart for files) with
JSON-encoded values, and every answer is ``{"ok": true, "result": …}`` or an error with
``error_code``/``description``/``parameters``. It is strict where Telegram is strict, so a bug
shows up here rather than in a factory: HTML must parse (only Telegram's tags, ``&`` and ``<``
escaped, tags balanced), text ≤ 4096 UTF-16 units, captions ≤ 1024, callback_data ≤ 64 bytes,
alerts ≤ 200, an edit that changes nothing is refused, and an unknown chat is "chat not found".

Tests push updates (``say``, ``press``) that ``getUpdates`` long-polls, make the next N calls of
a method fail (``fail``), and read back every call (``calls``, ``wait_for``).
"""

from __future__ import annotations

import asyncio
import contextlib
import copy
import html
import itertools
import json
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any

from aiohttp import web

from loopback import serve

JSON_PARAMS = {
    "reply_markup",
    "allowed_updates",
    "commands",
    "scope",
    "reply_parameters",
    "entities",
    "caption_entities",
    "link_preview_options",
}
INT_PARAMS = {"chat_id", "message_id", "offset", "limit", "timeout", "user_id", "cache_time"}
BOOL_PARAMS = {"show_alert", "drop_pending_updates", "disable_notification", "protect_content"}
TAGS = {
    "b", "strong", "i", "em", "u", "ins", "s", "strike", "del", "code", "pre", "a",
    "tg-spoiler", "span", "blockquote", "tg-emoji",
}  # fmt: skip
_BAD_AMP = re.compile(r"&(?!(?:lt|gt|amp|quot|#\d+|#x[0-9a-fA-F]+);)")
_COMMAND = re.compile(r"/[A-Za-z0-9_]{1,32}(?:@[A-Za-z0-9_]+)?")


class ApiError(Exception):
    def __init__(self, status: int, description: str, **parameters: Any) -> None:
        super().__init__(description)
        self.status, self.description, self.parameters = status, description, parameters


@dataclass
class Call:
    """One request the bot made, with decoded parameters and what the fake answered."""

    method: str
    params: dict[str, Any]
    ok: bool = True
    status: int = 200
    at: float = field(default_factory=time.monotonic)


def utf16_len(text: str) -> int:
    return len(text) + sum(1 for ch in text if ord(ch) > 0xFFFF)


class _HtmlChecker(HTMLParser):
    """Telegram's HTML parse mode, strictly: known tags, balanced, entities escaped."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=False)
        self.stack: list[str] = []
        self.visible: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in TAGS:
            raise ApiError(
                400, f'Bad Request: can\'t parse entities: Unsupported start tag "{tag}"'
            )
        if self.stack and self.stack[-1] in {"code", "pre"} and tag != "code":
            raise ApiError(400, "Bad Request: can't parse entities: nested entities in code")
        self.stack.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if not self.stack or self.stack[-1] != tag:
            raise ApiError(400, f'Bad Request: can\'t parse entities: Unmatched end tag "{tag}"')
        self.stack.pop()

    def handle_data(self, data: str) -> None:
        if "<" in data:
            raise ApiError(400, 'Bad Request: can\'t parse entities: unexpected "<"')
        self.visible.append(data)

    def handle_entityref(self, name: str) -> None:
        if name not in {"lt", "gt", "amp", "quot"}:
            raise ApiError(400, f"Bad Request: can't parse entities: unknown entity &{name};")
        self.visible.append(html.unescape(f"&{name};"))

    def handle_charref(self, name: str) -> None:
        self.visible.append(html.unescape(f"&#{name};"))


def visible_html(text: str) -> str:
    """The text a Telegram client shows for *text* in HTML mode; ApiError if it would not parse."""
    if _BAD_AMP.search(text):
        raise ApiError(400, "Bad Request: can't parse entities: Character '&' is reserved")
    checker = _HtmlChecker()
    checker.feed(text)
    checker.close()
    if checker.stack:
        tag = checker.stack[-1]
        raise ApiError(400, f"Bad Request: can't parse entities: Can't find end tag \"{tag}\"")
    return "".join(checker.visible)


class FakeTelegram:
    """The fake Bot API server. ``await start()``, then point PTB at ``api_url``."""

    def __init__(self, token: str = "123456:TEST", username: str = "yourbot") -> None:
        self.token = token
        self.bot = {
            "id": int(token.split(":")[0]),
            "is_bot": True,
            "first_name": "Stockbot",
            "username": username,
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
        }
        self.calls: list[Call] = []
        self.chats: dict[int, dict[str, Any]] = {}
        self.blocked: set[int] = set()
        self.messages: dict[tuple[int, int], dict[str, Any]] = {}
        self.menus: dict[str | None, list[dict[str, str]]] = {}
        self.webhook: dict[str, Any] | None = None
        self.max_poll = 1.0
        self._updates: list[dict[str, Any]] = []
        self.served: list[int] = []  # update ids getUpdates has handed out
        self._update_ids = itertools.count(7001)
        self._message_ids: dict[int, itertools.count[int]] = {}
        self._callback_ids = itertools.count(1)
        self._failures: dict[str, list[ApiError]] = {}
        self._wake = asyncio.Event()
        self._runner: web.AppRunner | None = None
        self.url = ""
        self.files: dict[str, bytes] = {}  # file_id → what a user uploaded (photos, documents)

    # --- server --------------------------------------------------------------------------

    async def start(self, port: int = 0) -> str:
        """Serve on *port* (0: any free one); start again on the old port after `stop()` to
        play an API that comes back after an outage."""
        app = web.Application()
        app.router.add_route("*", "/bot{token}/{method}", self._dispatch)
        app.router.add_get("/file/bot{token}/{path:.+}", self._download)
        self._runner, port = await serve(app, port)
        self.url = f"http://127.0.0.1:{port}"
        return self.url

    async def stop(self) -> None:
        self._wake.set()
        if self._runner is not None:
            await self._runner.cleanup()

    @property
    def api_url(self) -> str:
        """What ``STOCKBOT_TELEGRAM_API_URL`` should be (PTB appends the token)."""
        return f"{self.url}/bot"

    # --- scene: chats, users, updates --------------------------------------------------------

    @staticmethod
    def user(uid: int, first_name: str, username: str | None = None, lang: str = "en") -> dict:
        out: dict[str, Any] = {"id": uid, "is_bot": False, "first_name": first_name}
        if username:
            out["username"] = username
        if lang:
            out["language_code"] = lang
        return out

    def group(self, chat_id: int = -1001234567890, title: str = "Line 1") -> dict:
        chat = {"id": chat_id, "type": "supergroup", "title": title}
        self.chats[chat_id] = chat
        return chat

    def private(self, user: dict) -> dict:
        """The private chat a user opened with the bot (its id is the user id)."""
        chat = {"id": user["id"], "type": "private", "first_name": user["first_name"]}
        if "username" in user:
            chat["username"] = user["username"]
        self.chats[user["id"]] = chat
        return chat

    def _new_message_id(self, chat_id: int) -> int:
        return next(self._message_ids.setdefault(chat_id, itertools.count(100)))

    def message_update(
        self,
        user: dict,
        chat: dict,
        text: str,
        reply_to: dict | None = None,
        entities: list[dict] | None = None,
    ) -> dict:
        """An update carrying a text message, with a bot_command entity like Telegram adds, and
        any further *entities* (a ``text_mention`` of someone picked from the list)."""
        message: dict[str, Any] = {
            "message_id": self._new_message_id(chat["id"]),
            "date": int(time.time()),
            "chat": chat,
            "from": user,
            "text": text,
        }
        match = _COMMAND.match(text)
        if match:
            message["entities"] = [
                {"type": "bot_command", "offset": 0, "length": utf16_len(match.group())}
            ]
        if entities:
            message["entities"] = [*message.get("entities", []), *entities]
        if reply_to is not None:
            message["reply_to_message"] = reply_to
        self.messages[(chat["id"], message["message_id"])] = message
        return {"update_id": next(self._update_ids), "message": message}

    def callback_update(self, user: dict, message: dict, data: str) -> dict:
        """An update for a pressed inline button of *message* (as the bot last left it)."""
        return {
            "update_id": next(self._update_ids),
            "callback_query": {
                "id": f"{next(self._callback_ids)}{user['id']}",
                "from": user,
                "chat_instance": f"ci{message['chat']['id']}",
                "message": copy.deepcopy(message),
                "data": data,
            },
        }

    def photo_update(
        self,
        user: dict,
        chat: dict,
        image: bytes,
        caption: str | None = None,
        *,
        as_document: bool = False,
    ) -> dict:
        """An update carrying a photo (Telegram's sizes, largest last) or, *as_document*, an
        image file sent uncompressed; the bytes are served by ``getFile`` and the file URL."""
        file_id = f"f{len(self.files) + 1}"
        self.files[file_id] = image
        message: dict[str, Any] = {
            "message_id": self._new_message_id(chat["id"]),
            "date": int(time.time()),
            "chat": chat,
            "from": user,
        }
        if as_document:
            message["document"] = {
                "file_id": file_id, "file_unique_id": f"u{file_id}", "file_name": "label.png",
                "mime_type": "image/png", "file_size": len(image),
            }  # fmt: skip
        else:
            message["photo"] = [
                {"file_id": f"{file_id}s", "file_unique_id": f"u{file_id}s", "width": 90,
                 "height": 67},
                {"file_id": file_id, "file_unique_id": f"u{file_id}", "width": 1280,
                 "height": 960, "file_size": len(image)},
            ]  # fmt: skip
        if caption is not None:
            message["caption"] = caption
            match = _COMMAND.match(caption)
            if match:
                message["caption_entities"] = [
                    {"type": "bot_command", "offset": 0, "length": utf16_len(match.group())}
                ]
        self.messages[(chat["id"], message["message_id"])] = message
        return {"update_id": next(self._update_ids), "message": message}

    def send_photo(self, user: dict, chat: dict, image: bytes, caption: str | None = None,
                   **kw: Any) -> dict:  # fmt: skip
        return self.push(self.photo_update(user, chat, image, caption, **kw))

    async def _api_getFile(self, p: dict) -> dict:
        file_id = str(p.get("file_id", ""))
        if file_id not in self.files:
            raise ApiError(400, "Bad Request: invalid file_id")
        data = self.files[file_id]
        return {"file_id": file_id, "file_unique_id": f"u{file_id}", "file_size": len(data),
                "file_path": f"photos/{file_id}.jpg"}  # fmt: skip

    async def _download(self, request: web.Request) -> web.Response:
        self.calls.append(Call("download", {"path": request.match_info["path"]}))
        if request.match_info["token"] != self.token:
            return web.Response(status=401)
        file_id = request.match_info["path"].rsplit("/", 1)[-1].split(".")[0]
        if file_id not in self.files:
            return web.Response(status=404)
        return web.Response(body=self.files[file_id], content_type="image/jpeg")

    def push(self, update: dict) -> dict:
        self._updates.append(update)
        self._wake.set()
        return update

    def say(
        self,
        user: dict,
        chat: dict,
        text: str,
        reply_to: dict | None = None,
        entities: list[dict] | None = None,
    ) -> dict:
        return self.push(self.message_update(user, chat, text, reply_to, entities))

    def press(self, user: dict, message: dict, label: str) -> dict:
        """Press the button whose label starts with *label* on *message*."""
        return self.push(self.callback_update(user, message, button_data(message, label)))

    def fail(self, method: str, times: int = 1, status: int = 429, **kwargs: Any) -> None:
        """The next *times* calls of *method* fail (429 with retry_after=1 by default)."""
        if status == 429:
            kwargs.setdefault("retry_after", 1)
            error = ApiError(429, "Too Many Requests: retry after 1", **kwargs)
        else:
            error = ApiError(status, kwargs.pop("description", "Bad Request"), **kwargs)
        self._failures.setdefault(method, []).extend([error] * times)

    # --- reading back ------------------------------------------------------------------------

    def sent(self, method: str, *, ok: bool | None = True, **where: Any) -> list[Call]:
        return [
            c
            for c in self.calls
            if c.method == method
            and (ok is None or c.ok == ok)
            and all(c.params.get(k) == v for k, v in where.items())
        ]

    def bot_messages(self, chat_id: int) -> list[dict]:
        """The bot's messages in a chat as they look now (edits applied), oldest first."""
        return [
            m
            for (cid, _), m in sorted(self.messages.items())
            if cid == chat_id and m["from"]["id"] == self.bot["id"]
        ]

    def card(self, chat_id: int, label: str) -> dict:
        """The newest bot message in *chat_id* with a button starting with *label*."""
        for message in reversed(self.bot_messages(chat_id)):
            if any(b["text"].startswith(label) for b in buttons(message)):
                return message
        shown = [
            (m["text"][:60], [b["text"] for b in buttons(m)]) for m in self.bot_messages(chat_id)
        ]
        raise AssertionError(f"no button {label!r} in chat {chat_id}: {shown}")

    async def wait_for(self, predicate: Callable[[], Any], timeout: float = 5.0) -> Any:
        """Poll *predicate* until it returns something truthy, or fail after *timeout*."""
        deadline = time.monotonic() + timeout
        while True:
            result = predicate()
            if result:
                return result
            if time.monotonic() > deadline:
                recent = [(c.method, c.ok, str(c.params)[:120]) for c in self.calls[-8:]]
                raise AssertionError(f"timed out; last calls: {recent}")
            await asyncio.sleep(0.02)

    # --- the API -----------------------------------------------------------------------------

    async def _dispatch(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        params = await self._params(request)
        call = Call(method, params)
        self.calls.append(call)
        try:
            if request.match_info["token"] != self.token:
                raise ApiError(401, "Unauthorized")
            failures = self._failures.get(method)
            if failures:
                raise failures.pop(0)
            handler = getattr(self, f"_api_{method}", None)
            if handler is None:
                raise ApiError(404, "Not Found")
            result = await handler(params)
        except ApiError as exc:
            call.ok, call.status = False, exc.status
            body: dict[str, Any] = {
                "ok": False,
                "error_code": exc.status,
                "description": exc.description,
            }
            if exc.parameters:
                body["parameters"] = exc.parameters
            return web.json_response(body, status=exc.status)
        return web.json_response({"ok": True, "result": result})

    @staticmethod
    async def _params(request: web.Request) -> dict[str, Any]:
        raw: dict[str, Any] = dict(request.query)
        if request.content_type == "application/json":
            raw.update(await request.json())
        elif request.can_read_body:
            for key, value in (await request.post()).items():
                raw[key] = value.file.read() if isinstance(value, web.FileField) else value
        for key, value in list(raw.items()):
            if isinstance(value, str) and value.startswith("attach://"):
                raw[key] = raw.get(value.removeprefix("attach://"))
            elif not isinstance(value, str):
                continue
            elif key in JSON_PARAMS:
                raw[key] = json.loads(value)
            elif key in INT_PARAMS:
                with contextlib.suppress(ValueError):
                    raw[key] = int(value)
            elif key in BOOL_PARAMS:
                raw[key] = value.lower() == "true"
        return raw

    async def _api_getMe(self, _p: dict) -> dict:
        return self.bot

    async def _api_getUpdates(self, p: dict) -> list[dict]:
        offset = p.get("offset") or 0
        self._updates = [u for u in self._updates if u["update_id"] >= offset]
        if not self._updates and p.get("timeout"):
            self._wake.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), min(p["timeout"], self.max_poll))
        allowed = p.get("allowed_updates")
        ready = [u for u in self._updates if not allowed or any(k in u for k in allowed)]
        ready = ready[: p.get("limit") or 100]
        self.served += [u["update_id"] for u in ready]
        return ready

    async def _api_deleteWebhook(self, _p: dict) -> bool:
        self.webhook = None
        return True

    async def _api_setWebhook(self, p: dict) -> bool:
        secret = p.get("secret_token")
        if secret is not None and not re.fullmatch(r"[A-Za-z0-9_-]{1,256}", secret):
            raise ApiError(400, "Bad Request: secret token contains unallowed characters")
        self.webhook = p
        return True

    async def _api_getWebhookInfo(self, _p: dict) -> dict:
        return {"url": (self.webhook or {}).get("url", ""), "has_custom_certificate": False,
                "pending_update_count": 0}  # fmt: skip

    async def _api_setMyCommands(self, p: dict) -> bool:
        for command in p["commands"]:
            if not re.fullmatch(r"[a-z0-9_]{1,32}", command["command"]):
                raise ApiError(400, "Bad Request: BOT_COMMAND_INVALID")
            if not 1 <= len(command["description"]) <= 256:
                raise ApiError(400, "Bad Request: BOT_COMMAND_DESCRIPTION_INVALID")
        self.menus[p.get("language_code")] = p["commands"]
        return True

    def _chat(self, chat_id: Any) -> dict:
        chat = self.chats.get(chat_id)
        if chat is None:
            raise ApiError(400, "Bad Request: chat not found")
        if chat_id in self.blocked:
            raise ApiError(403, "Forbidden: bot was blocked by the user")
        return chat

    @staticmethod
    def _check_markup(markup: dict | None) -> None:
        for row in (markup or {}).get("inline_keyboard", []):
            for button in row:
                data = button.get("callback_data")
                if data is not None and not 1 <= len(data.encode()) <= 64:
                    raise ApiError(400, "Bad Request: BUTTON_DATA_INVALID")
                if not button.get("text"):
                    raise ApiError(400, "Bad Request: text buttons are unallowed")

    @staticmethod
    def _text(p: dict, key: str, limit: int) -> str:
        value = p.get(key) or ""
        text = visible_html(value) if p.get("parse_mode") == "HTML" else value
        if key == "text" and not text.strip():
            raise ApiError(400, "Bad Request: message text is empty")
        if utf16_len(text.strip()) > limit:
            what = "message caption" if key == "caption" else "message"
            raise ApiError(400, f"Bad Request: {what} is too long")
        return text

    def _bot_message(self, chat: dict, p: dict, **content: Any) -> dict:
        message: dict[str, Any] = {
            "message_id": self._new_message_id(chat["id"]),
            "date": int(time.time()),
            "chat": chat,
            "from": self.bot,
            **content,
        }
        if p.get("reply_markup"):
            message["reply_markup"] = p["reply_markup"]
        reply = (p.get("reply_parameters") or {}).get("message_id")
        if reply is not None and (chat["id"], reply) in self.messages:
            message["reply_to_message"] = self.messages[(chat["id"], reply)]
        self.messages[(chat["id"], message["message_id"])] = message
        return message

    async def _api_sendMessage(self, p: dict) -> dict:
        chat = self._chat(p.get("chat_id"))
        text = self._text(p, "text", 4096)
        self._check_markup(p.get("reply_markup"))
        return self._bot_message(chat, p, text=text, html=p["text"])

    async def _api_sendPhoto(self, p: dict) -> dict:
        chat = self._chat(p.get("chat_id"))
        photo = p.get("photo")
        if not isinstance(photo, bytes) or not photo:
            raise ApiError(400, "Bad Request: there is no photo in the request")
        caption = self._text(p, "caption", 1024)
        self._check_markup(p.get("reply_markup"))
        size = {"width": 640, "height": 480, "file_size": len(photo)}
        photos = [{"file_id": f"ph{len(self.calls)}", "file_unique_id": f"u{len(self.calls)}",
                   **size}]  # fmt: skip
        return self._bot_message(chat, p, photo=photos, caption=caption)

    async def _api_editMessageText(self, p: dict) -> dict:
        self._chat(p.get("chat_id"))
        message = self.messages.get((p.get("chat_id"), p.get("message_id")))
        if message is None:
            raise ApiError(400, "Bad Request: message to edit not found")
        if "text" not in message:
            raise ApiError(400, "Bad Request: there is no text in the message to edit")
        text = self._text(p, "text", 4096)
        self._check_markup(p.get("reply_markup"))
        markup = p.get("reply_markup")
        if text == message["text"] and markup == message.get("reply_markup"):
            raise ApiError(
                400,
                "Bad Request: message is not modified: specified new message content and reply "
                "markup are exactly the same as a current content and reply markup of the message",
            )
        message.update(text=text, html=p["text"], edit_date=int(time.time()))
        message.pop("reply_markup", None)
        if markup:
            message["reply_markup"] = markup
        return message

    async def _api_answerCallbackQuery(self, p: dict) -> bool:
        if len(p.get("text") or "") > 200:
            raise ApiError(400, "Bad Request: MESSAGE_TOO_LONG")
        return True


def buttons(message: dict) -> list[dict]:
    rows = (message.get("reply_markup") or {}).get("inline_keyboard", [])
    return [b for row in rows for b in row]


def button_data(message: dict, label: str) -> str:
    for b in buttons(message):
        if b["text"].startswith(label):
            return b["callback_data"]
    raise AssertionError(f"no button {label!r} on {message.get('text', '')[:80]!r}")
