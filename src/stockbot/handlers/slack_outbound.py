"""Slack outbound: the Web API calls that put a rendered reply in a channel, and the outbox's
`send` with its delivery-error mapping.

Everything the adapter posts goes through here (and the one read it makes of people:
`users.info` for a sender's name and locale, cached): `chat.postMessage` / `chat.postEphemeral`
(with a plain-text retry when Slack refuses our blocks), `chat.update`, file uploads, and DMs
opened with `conversations.open`. Slack's errors become the outbox's `DeliveryError` (retry,
honouring `Retry-After`) or `PermanentDeliveryError` (park the message).
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Awaitable, Callable
from functools import partial
from typing import Any

import aiohttp
from slack_sdk.errors import SlackApiError, SlackRequestError
from slack_sdk.web.async_client import AsyncWebClient

from stockbot.handlers.base import Contact, DeliveryError, PermanentDeliveryError
from stockbot.handlers.slack_render import SlackMessage, render
from stockbot.replies import Image, Reply
from stockbot.store.outbox import SENDING

__all__ = ["PERMANENT_ERRORS", "ContactClient", "SlackOutbound"]

log = logging.getLogger(__name__)

PERMANENT_ERRORS = frozenset(
    {
        "channel_not_found",
        "not_in_channel",
        "account_inactive",
        "user_not_found",
        "is_archived",
        "channel_is_archived",
        "user_disabled",
        "cannot_dm_bot",
    }
)
"""Slack errors that no retry will fix: the outbox parks the message as failed."""
REJECTED_PAYLOAD = frozenset({"invalid_blocks", "invalid_blocks_format", "msg_too_long"})


class ContactClient(AsyncWebClient):
    """The Web API client whose every call reports to the adapter's `Contact`: an HTTP answer
    is contact (an `ok: false` too), a connection error, a timeout or a 5xx is not."""

    def __init__(self, contact: Contact, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.contact = contact

    async def _request(self, *, http_verb: str, api_url: str, req_args: dict) -> dict[str, Any]:
        try:
            res: dict[str, Any] = await super()._request(
                http_verb=http_verb, api_url=api_url, req_args=req_args
            )
        except (TimeoutError, aiohttp.ClientError) as exc:
            self.contact.failed(f"{type(exc).__name__}: {exc}")
            raise
        status = int(res.get("status_code") or 200)
        if status >= 500:
            self.contact.failed(f"Slack answered HTTP {status}")
        else:
            self.contact.reached()
        return res


_PROFILE_CACHE = 5000


class SlackOutbound:
    """Posting, editing and uploading through one workspace's Web API client."""

    def __init__(self, client: AsyncWebClient) -> None:
        self.client = client
        self._dm_channels: dict[str, str] = {}
        self._partial: dict[str, int] = {}  # outbox message digest → parts already posted
        self._profiles: dict[str, tuple[str | None, str | None]] = {}

    async def profile(self, user_id: str, fallback: str | None) -> tuple[str | None, str | None]:
        """(display name, locale) from users.info, cached; the fallback name when it fails."""
        if user_id in self._profiles:
            return self._profiles[user_id]
        name, locale = fallback, None
        try:
            user = (await self.client.users_info(user=user_id, include_locale=True))["user"]
            profile = user.get("profile") or {}
            name = (
                profile.get("display_name")
                or profile.get("real_name")
                or user.get("real_name")
                or user.get("name")
                or fallback
            )
            locale = user.get("locale")
        except Exception as exc:
            log.debug("slack users.info %s failed: %s", user_id, exc)
        if len(self._profiles) >= _PROFILE_CACHE:
            self._profiles.clear()
        self._profiles[user_id] = (name, locale)
        return name, locale

    async def update(self, channel: str, ts: str, message: SlackMessage) -> bool:
        try:
            await self.client.chat_update(channel=channel, ts=ts, **message.kwargs())
        except SlackApiError as exc:
            log.info("slack chat.update %s/%s failed: %s", channel, ts, error_code(exc))
            return False
        return True

    async def post(
        self,
        channel: str,
        message: SlackMessage,
        *,
        thread_ts: str | None = None,
        ephemeral_to: str | None = None,
    ) -> None:
        """chat.postMessage (or chat.postEphemeral); blocks Slack rejects are retried once as
        plain text, so a rendering mistake costs formatting, not the message."""
        extra: dict[str, Any] = {"thread_ts": thread_ts} if thread_ts else {}
        try:
            await self._post_once(channel, message.kwargs(), extra, ephemeral_to)
        except SlackApiError as exc:
            if error_code(exc) not in REJECTED_PAYLOAD:
                raise
            log.error("slack refused our blocks (%s); sending plain text", error_code(exc))
            await self._post_once(channel, {"text": message.text}, extra, ephemeral_to)

    async def _post_once(
        self, channel: str, body: dict[str, Any], extra: dict[str, Any], ephemeral_to: str | None
    ) -> None:
        if ephemeral_to:
            await self.client.chat_postEphemeral(
                channel=channel, user=ephemeral_to, **body, **extra
            )
            return
        delivery = SENDING.get()
        if delivery is not None:
            # Slack has no idempotency key for chat.postMessage (no client_msg_id in the Web
            # API); the outbox id goes into the message's metadata instead, so a post that may
            # have been doubled by a kill can be found (conversations.history
            # include_all_metadata) and audited; the post's ts is recorded on the row.
            extra = extra | {
                "metadata": {
                    "event_type": "stockbot_outbox",
                    "event_payload": {"outbox_id": delivery.outbox_id},
                }
            }
        response = await self.client.chat_postMessage(channel=channel, **body, **extra)
        if delivery is not None and response.get("ts"):
            delivery.posted.append(str(response["ts"]))

    async def upload_all(
        self, channel: str, images: list[Image], thread_ts: str | None = None
    ) -> None:
        for n, image in enumerate(images, 1):
            await self.upload(channel, image, n, thread_ts)

    async def upload(
        self, channel: str, image: Image, n: int = 1, thread_ts: str | None = None
    ) -> None:
        caption = " ".join(image.caption.split())
        await self.client.files_upload_v2(
            channel=channel,
            content=image.png,
            filename=f"stockbot-{n}.png",
            title=caption[:250] or "stockbot",
            alt_txt=caption[:1000] or None,
            thread_ts=thread_ts,
        )

    # --- the outbox ------------------------------------------------------------------------

    async def send(self, target: str, reply: Reply) -> None:
        """Deliver one outbox message to a channel id or ``user:U…`` (a DM)."""
        digest = hashlib.sha256(
            json.dumps([target, reply.model_dump(mode="json")], sort_keys=True).encode()
        ).hexdigest()
        try:
            channel = await self._channel_for(target)
            rendered = render(reply)
            parts: list[Callable[[], Awaitable[None]]] = [
                partial(self.post, channel, m) for m in rendered.messages
            ]
            parts += [
                partial(self.upload, channel, img, n) for n, img in enumerate(rendered.images, 1)
            ]
            # A retry after a partial delivery (part 1 posted, part 2 rate-limited) resumes
            # where it stopped instead of posting part 1 again.
            for index in range(self._partial.get(digest, 0), len(parts)):
                await parts[index]()
                self._partial[digest] = index + 1
        except SlackApiError as exc:
            error = delivery_error(exc)
            if isinstance(error, PermanentDeliveryError):
                self._partial.pop(digest, None)
            raise error from exc
        except (TimeoutError, aiohttp.ClientError, OSError, SlackRequestError) as exc:
            raise DeliveryError(f"slack unreachable: {exc!r}") from exc
        self._partial.pop(digest, None)

    async def _channel_for(self, target: str) -> str:
        if not target.startswith("user:"):
            return target
        user = target.removeprefix("user:")
        if user not in self._dm_channels:
            opened = await self.client.conversations_open(users=user)
            self._dm_channels[user] = opened["channel"]["id"]
        return self._dm_channels[user]


def error_code(exc: SlackApiError) -> str:
    response = exc.response
    data = getattr(response, "data", None)
    if isinstance(data, dict):
        return str(data.get("error") or "")
    return ""


def delivery_error(exc: SlackApiError) -> Exception:
    response = exc.response
    status = getattr(response, "status_code", None)
    code = error_code(exc)
    if status == 429 or code == "ratelimited":
        headers = getattr(response, "headers", None) or {}
        retry_after = headers.get("Retry-After") or headers.get("retry-after")
        try:
            seconds = float(retry_after) if retry_after is not None else None
        except ValueError:
            seconds = None
        return DeliveryError(f"slack rate limit ({code or status})", retry_after=seconds)
    if code in PERMANENT_ERRORS or code in REJECTED_PAYLOAD:
        return PermanentDeliveryError(f"slack: {code}")
    return DeliveryError(f"slack: {code or status}")
