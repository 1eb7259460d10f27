"""The Slack adapter: slack-bolt's AsyncApp in front of `Host.handle` (the service).

```
POST /slack/events (HTTP mode)  ─┐   bolt: signature + 5-minute replay window (else 401),
Socket Mode (SLACK_APP_TOKEN)   ─┴→  ack at once, then the listener runs as our own task
  /stock … /pending   → Inbound(text="/stock …")   → reply: ephemeral → respond(ephemeral)
                                                             else  → respond(in_channel)
  @stockbot stock m8  → Inbound(text="stock m8")    → chat.postMessage in the mention's thread
  a photo (DM file_share, or with the mention) → Inbound(image=…, text=caption)   (slack_files)
  button (block_actions) → Inbound(action_id=value) → ephemeral → only the presser sees it;
                                                       else the card is edited in place
outbox  send("C123" | "user:U123", reply)          → conversations.open + chat.postMessage
```
Latency (bench/bench_http.py): bolt runs in `process_before_response` mode and every listener
acks, starts its work as a task and returns, so the ack leaves as soon as bolt's middleware is
done. In the other mode bolt polls for the ack every 10 ms: a floor of 10 ms on every ack and,
with 50 people waiting, thousands of wake-ups a second on a 2-core box. The Web API client and
the `response_url` answers share one pooled aiohttp session (`start`) instead of a new session
and TCP connection per call, which is what slack_sdk does when given none.
The adapter only parses, calls the service, and renders (`slack_render`); posting (and reading
people's profiles) goes through `slack_outbound`, the modals live in `slack_forms`, fetching a
shared photo in `slack_files`. Each delivery carries its Slack identity as `Inbound.event_id`
(slash command and button: `trigger_id`; message: `msg:<channel>:<ts>`; form: `view:<id>`),
and the service's one guard (`handlers.base.handle_once`) acts on it once: a replayed signed
body or an `X-Slack-Retry-Num` redelivery gets only the empty ack.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import re
from collections.abc import Awaitable, Callable, Coroutine
from typing import Any

import aiohttp
from aiohttp import web
from slack_bolt.adapter.aiohttp import to_aiohttp_response, to_bolt_request
from slack_bolt.async_app import AsyncApp
from slack_sdk.errors import SlackApiError
from slack_sdk.webhook.async_client import AsyncWebhookClient

from stockbot.commands.inbound import Inbound
from stockbot.commands.parser import COMMAND_NAMES
from stockbot.config import Settings
from stockbot.handlers.base import Contact, Host, QuietLog, seen_before
from stockbot.handlers.slack_files import shared_image
from stockbot.handlers.slack_forms import (
    ANSWER_VIEW,
    RECEIPT_VIEW,
    answer_text,
    answer_view,
    private_channel,
    receipt_command,
    receipt_view,
)
from stockbot.handlers.slack_outbound import PERMANENT_ERRORS, ContactClient, SlackOutbound
from stockbot.handlers.slack_render import (
    ACTION_PREFIX,
    MAX_BLOCKS,
    SlackMessage,
    decided_card,
    render,
    strip_mention,
    unescape,
)
from stockbot.handlers.slack_verify import signature_problem
from stockbot.i18n import normalize_lang
from stockbot.replies import Reply

__all__ = ["PERMANENT_ERRORS", "SlackAdapter"]

log = logging.getLogger(__name__)

PLATFORM = "slack"
_BUTTON_RE = re.compile(rf"^{ACTION_PREFIX}\d+$")
PROBE_FIRST = 1.0
PROBE_MAX = 30.0
"""Seconds between `auth.test` probes while the Web API is not answering (doubling from the
first to the most): in HTTP mode nothing else calls it when idle, and a replica the proxy took
out for being unready gets no traffic that could prove it well again."""


class SlackAdapter:
    """One Slack workspace (single-team bot token), HTTP mode or Socket Mode."""

    platform = PLATFORM

    def __init__(self, service: Host, settings: Settings) -> None:
        self.service = service
        self.settings = settings
        self.mode = "socket" if settings.slack_app_token else "http"
        self.contact = Contact()
        self.client = ContactClient(
            self.contact, token=settings.slack_bot_token, base_url=settings.slack_api_url
        )
        if self.mode == "http" and not settings.slack_signing_secret:
            log.warning("SLACK_SIGNING_SECRET is not set: every Slack request will be refused")
        self.app = AsyncApp(
            client=self.client,
            signing_secret=settings.slack_signing_secret or "",
            process_before_response=True,  # listeners ack and return; their work is a task
            name="stockbot",
            logger=logging.getLogger("stockbot.slack.bolt"),
        )
        for name in COMMAND_NAMES:
            self.app.command(f"/{name}")(self._command_listener(name))
        self.app.event("app_mention")(self._on_mention)
        self.app.event("message")(self._on_message)
        self.app.action(_BUTTON_RE)(self._on_button)
        self.app.view(ANSWER_VIEW)(self._on_answer)
        self.app.view(RECEIPT_VIEW)(self._on_receipt)
        self.socket_handler: Any = None
        self._tasks: list[asyncio.Task[Any]] = []
        self._work: set[asyncio.Task[None]] = set()  # listener bodies running after their ack
        self._session: aiohttp.ClientSession | None = None
        self.out = SlackOutbound(self.client)
        self._active = 0
        self.completed = 0
        """Listeners finished (handled or skipped): tests wait on it instead of sleeping."""
        self.bot_user_id: str | None = None
        self._started = False
        self._error: str | None = None
        self._junk = QuietLog(log)

    # --- lifecycle -------------------------------------------------------------------------

    def routes(self) -> list[web.RouteDef]:
        if self.mode == "socket":
            return []
        return [web.post("/slack/events", self._http)]

    async def _http(self, request: web.Request) -> web.Response:
        """Verify the signature on the raw bytes first, then let bolt parse: junk from anyone
        gets a 4xx and at most one short log line per reason every 10 s, never a traceback."""
        body = await request.read()
        refused = signature_problem(
            self.settings.slack_signing_secret or "",
            body,
            request.headers.get("X-Slack-Request-Timestamp"),
            request.headers.get("X-Slack-Signature"),
        )
        if refused:
            self._junk.warn(f"slack request, {refused}", request.remote)
            return web.Response(status=401, text="invalid request")
        try:
            bolt_request = await to_bolt_request(request)
            bolt_response = await self.app.async_dispatch(bolt_request)
        except Exception as exc:  # signed but unreadable: Slack's bug or a changed format
            self._junk.warn(f"slack request, unreadable ({type(exc).__name__})", request.remote)
            return web.Response(status=400, text="bad request")
        return await to_aiohttp_response(bolt_response)

    async def start(self) -> None:
        self._started = True
        # One pooled session (keep-alive) for the Web API and response_url answers; built here
        # because it needs the running loop.
        self._session = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=30))
        self.client.session = self._session
        self._tasks.append(asyncio.create_task(self._watch_api(), name="slack-auth"))
        if self.mode == "socket":
            from slack_bolt.adapter.socket_mode.aiohttp import AsyncSocketModeHandler

            # Built here: its aiohttp session needs the running loop. `connect_async` retries
            # until Slack answers, so it runs in the background and start() returns at once.
            self.socket_handler = AsyncSocketModeHandler(
                self.app, app_token=self.settings.slack_app_token
            )
            self._tasks.append(
                asyncio.create_task(self.socket_handler.connect_async(), name="slack-socket")
            )

    async def _watch_api(self) -> None:
        """`auth.test` at start, then again while the Web API is not answering (an unready
        adapter), backing off to `PROBE_MAX`: readiness comes back by itself."""
        wait = PROBE_FIRST
        await self._check_auth()
        while True:
            await asyncio.sleep(wait)
            if self._error is None and self.contact.reachable:
                wait = PROBE_FIRST
                continue
            await self._check_auth()
            wait = min(wait * 2, PROBE_MAX)

    async def _check_auth(self) -> None:
        try:
            auth = await self.client.auth_test()
        except Exception as exc:  # health reports it; bolt retries auth on the next request
            error = f"auth.test failed: {exc}"
            if error != self._error:
                log.warning("slack: %s", error)
            self._error = error
            return
        self.bot_user_id = auth.get("user_id")
        if self._error is not None:
            log.warning("slack: the Web API answers again")
        self._error = None

    async def stop(self) -> None:
        if self.socket_handler is not None:
            with contextlib.suppress(Exception):
                await self.socket_handler.close_async()
        for task in self._tasks:
            task.cancel()
        for _ in range(200):  # let listeners that are posting their reply finish (≤ 10 s)
            if self._active == 0:
                break
            await asyncio.sleep(0.05)
        self._started = False
        if self._session is not None:
            self.client.session = None
            await self._session.close()
            self._session = None

    def health(self) -> dict[str, Any]:
        """Ready once started, authenticated, and while the Web API answers (`Contact`)."""
        ok = self._started and self._error is None and self.contact.reachable
        body: dict[str, Any] = {"ok": ok, "mode": self.mode, **self.contact.report()}
        if self.mode == "socket":
            session = getattr(getattr(self.socket_handler, "client", None), "current_session", None)
            body["connected"] = bool(session is not None and not session.closed)
            body["ok"] = ok and body["connected"]
        if self._error:
            body["error"] = self._error
        return body

    def _spawn(self, work: Coroutine[Any, Any, None]) -> None:
        """Run a listener body after its ack, as a task of ours (kept until it finishes)."""
        self._active += 1  # counted now: stop() waits for it even before it first runs
        task = asyncio.create_task(self._guard(work))
        self._work.add(task)
        task.add_done_callback(self._work.discard)

    async def _guard(self, work: Awaitable[None]) -> None:
        """Run a listener body: count it, and never let an error escape."""
        try:
            await work
        except Exception:
            log.exception("slack listener failed")
        finally:
            self._active -= 1
            self.completed += 1

    # --- who -------------------------------------------------------------------------------

    async def _inbound(self, user_id: str, fallback_name: str | None, **fields: Any) -> Inbound:
        name, locale = await self.out.profile(user_id, fallback_name)
        return Inbound(
            platform=PLATFORM,
            user_id=user_id,
            user_name=name,
            lang_hint=normalize_lang(locale),
            **fields,
        )

    # --- slash commands --------------------------------------------------------------------

    def _command_listener(self, name: str) -> Callable[..., Awaitable[None]]:
        async def on_command(ack: Any, body: dict[str, Any], respond: Any) -> None:
            await ack()
            self._spawn(self._slash(name, body))

        on_command.__name__ = f"on_slash_{name}"
        return on_command

    async def _slash(self, name: str, body: dict[str, Any]) -> None:
        text = unescape(body.get("text") or "").strip()
        trigger = body.get("trigger_id")
        # a bare `/receive` gets the form; its submission is the command
        wants_form = name == "receive" and not text
        if (
            wants_form
            and trigger
            and await self._open_form(trigger, receipt_view(body["channel_id"]))
        ):
            return
        inbound = await self._inbound(
            body["user_id"],
            body.get("user_name"),
            chat_id=body["channel_id"],
            message_id=body.get("trigger_id"),
            text=f"/{name} {text}".strip(),
            event_id=body.get("trigger_id"),
        )
        reply = await self.service.handle(inbound)
        channel, user = body["channel_id"], body["user_id"]
        rendered = render(reply, upload_images=not reply.ephemeral)
        kind = "ephemeral" if reply.ephemeral else "in_channel"
        for message in rendered:
            if not await self._respond(body, message, response_type=kind):
                await self.out.post(
                    channel, message, ephemeral_to=user if reply.ephemeral else None
                )
        await self.out.upload_all(channel, rendered.images)

    async def _respond(self, body: dict[str, Any], message: SlackMessage, **kwargs: Any) -> bool:
        """Answer through the interaction's response_url (on the shared session); False when
        there is none (e.g. App Home) or that did not work."""
        url = body.get("response_url")
        if not url:
            return False
        try:
            hook = AsyncWebhookClient(url, session=self._session, logger=log)
            result = await hook.send(**message.kwargs(), **kwargs)
        except Exception as exc:  # no response_url (e.g. App Home) or network trouble
            log.info("slack respond failed, falling back to the Web API: %s", exc)
            return False
        if getattr(result, "status_code", 200) != 200:
            log.info("slack respond returned %s: %s", result.status_code, result.body)
            return False
        return True

    # --- mentions and direct messages -------------------------------------------------------

    async def _on_mention(
        self, body: dict[str, Any], event: dict[str, Any], context: Any, request: Any
    ) -> None:
        # Events are acked by bolt before this runs.
        self._spawn(self._message(body, event, context, request, in_thread=True))

    async def _on_message(
        self, body: dict[str, Any], event: dict[str, Any], context: Any, request: Any
    ) -> None:
        """A direct message to the bot (``message.im``): a command without the mention, the
        answer to a question the bot asked there ("Why is MR-7 rejected?"), or a photo."""
        if (
            event.get("channel_type") != "im"
            or event.get("subtype") not in (None, "file_share")
            or event.get("bot_id")
            or not event.get("user")
        ):
            return  # edits, joins, bots (our own messages included) and channel chatter
        self._spawn(self._message(body, event, context, request, in_thread=False))

    async def _message(
        self,
        body: dict[str, Any],
        event: dict[str, Any],
        context: Any,
        request: Any,
        *,
        in_thread: bool,
    ) -> None:
        # The message's own identity (channel + ts), not the envelope's event_id: a retry
        # (X-Slack-Retry-Num) carries the same ts, and so does one message seen both as an
        # app_mention and as a message.im — either way the service's guard acts on it once.
        channel, user, ts = event["channel"], event["user"], event.get("ts")
        event_id = f"msg:{channel}:{ts}" if ts else body.get("event_id")
        retry = _header(request, "x-slack-retry-num")
        if retry:
            log.info("slack: event %s redelivered (retry %s)", event_id, retry)
        bot = context.get("bot_user_id") or self.bot_user_id
        said = unescape(strip_mention(event.get("text") or "", bot)).strip()
        files = event.get("files") or []
        if files and await seen_before(self.service, PLATFORM, event_id):
            return  # a retried upload, already answered: no second download
        session = self._session  # None only after stop(): then no download
        image = await shared_image(self.client, session, files) if files and session else None
        if files and image is None and not said and not in_thread:
            return  # a document dropped in the DM, nothing said: not meant as a command
        thread = event.get("thread_ts") or (ts if in_thread else None)
        inbound = await self._inbound(
            user,
            None,
            chat_id=channel,
            message_id=ts,
            text=said or (None if image is not None else "help"),
            image=image,
            event_id=event_id,
        )
        reply = await self.service.handle(inbound)
        rendered = render(reply, upload_images=not reply.ephemeral)
        for message in rendered:
            await self.out.post(
                channel, message, thread_ts=thread, ephemeral_to=user if reply.ephemeral else None
            )
        await self.out.upload_all(channel, rendered.images, thread_ts=thread)

    # --- buttons ---------------------------------------------------------------------------

    async def _on_button(self, ack: Any, body: dict[str, Any], action: dict[str, Any]) -> None:
        await ack()
        self._spawn(self._button(body, action))

    async def _button(self, body: dict[str, Any], action: dict[str, Any]) -> None:
        value = action.get("value")
        if not value:
            return
        user = body["user"]
        container = body.get("container") or {}
        channel = (body.get("channel") or {}).get("id") or container.get("channel_id") or user["id"]
        message = body.get("message") or {}
        ts = container.get("message_ts") or message.get("ts")
        inbound = await self._inbound(
            user["id"],
            user.get("name") or user.get("username"),
            chat_id=channel,
            message_id=ts,
            action_id=value,
            event_id=body.get("trigger_id") or action.get("action_ts"),
        )
        reply = await self.service.handle(inbound)
        trigger = body.get("trigger_id")
        # a reason is kinder in a form than in chat; the chat question is the fallback
        view = answer_view(reply.plain(), channel, ts)
        if reply.asks and trigger and await self._open_form(trigger, view):
            return
        if reply.ephemeral:  # e.g. "Only an approver may do that": the card stays as it was
            for part in render(reply, upload_images=False):
                sent = await self._respond(
                    body, part, response_type="ephemeral", replace_original=False
                )
                if not sent:
                    await self.out.post(channel, part, ephemeral_to=user["id"])
            return
        rendered = render(reply, max_blocks=MAX_BLOCKS)
        if not rendered.messages and not rendered.images:
            return
        first, *rest = rendered.messages or [SlackMessage(text=" ", blocks=[])]
        card = decided_card(message.get("blocks") or [], first)
        replaced = await self._respond(body, card, replace_original=True)
        if not replaced and ts and not container.get("is_ephemeral"):
            replaced = await self.out.update(channel, ts, card)
        if not replaced:
            rest = [first, *rest]
        thread = message.get("thread_ts")
        for part in rest:
            await self.out.post(channel, part, thread_ts=thread)
        await self.out.upload_all(channel, rendered.images, thread_ts=thread)

    async def _open_form(self, trigger_id: str, view: dict[str, Any]) -> bool:
        """Open a modal (`slack_forms`); False when Slack would not, and the chat (a question,
        a typed command) stays the way to answer."""
        try:
            await self.app.client.views_open(trigger_id=trigger_id, view=view)
        except (TimeoutError, SlackApiError, aiohttp.ClientError) as exc:
            log.warning("slack: could not open the form %s (%s)", view.get("callback_id"), exc)
            return False
        return True

    async def _on_receipt(self, ack: Any, body: dict[str, Any], view: dict[str, Any]) -> None:
        await ack()
        # The same command a keeper could have typed: the parser and flow check everything.
        self._spawn(self._answer(body, view, text=receipt_command(view)))

    async def _on_answer(self, ack: Any, body: dict[str, Any], view: dict[str, Any]) -> None:
        await ack()  # closes the modal at once; the answer is handled after
        self._spawn(self._answer(body, view))

    async def _answer(
        self,
        body: dict[str, Any],
        view: dict[str, Any],
        *,
        text: str | None = None,
        channel: str | None = None,
    ) -> None:
        if text is None:
            text = answer_text(view)
        user = body["user"]
        channel = channel or private_channel(view) or user["id"]
        inbound = await self._inbound(
            user["id"],
            user.get("name") or user.get("username"),
            chat_id=channel,
            message_id=view.get("id"),
            text=text.strip() or "-",
            event_id=f"view:{view.get('id')}",
        )
        reply = await self.service.handle(inbound)
        for part in render(reply, upload_images=False).messages:
            if reply.ephemeral:
                await self.out.post(channel, part, ephemeral_to=user["id"])
            else:
                await self.out.post(channel, part)

    # --- the outbox ------------------------------------------------------------------------

    async def send(self, target: str, reply: Reply) -> None:
        """Deliver one outbox message to a channel id or ``user:U…`` (a DM)."""
        await self.out.send(target, reply)


# --- helpers -----------------------------------------------------------------------------------


def _header(request: Any, name: str) -> str | None:
    headers = getattr(request, "headers", None) or {}
    values = headers.get(name) or []
    return values[0] if values else None
