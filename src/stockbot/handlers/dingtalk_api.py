"""The DingTalk open API calls the bot makes (aiohttp), at `STOCKBOT_DINGTALK_API_URL`, and the
one call that lives only on the older host, `STOCKBOT_DINGTALK_OAPI_URL`: uploading media.

The access token (`/v1.0/oauth2/accessToken`, valid two hours) is fetched once and renewed five
minutes before it expires or when a call answers 401; the older host takes the same token as
``?access_token=`` (as dingtalk-stream's own `upload_to_dingtalk` does). Every call reports to
`Contact`; a 429 (`Retry-After` honoured) or 5xx or a connection failure raises
`DeliveryError` (the outbox retries), any other refusal `PermanentDeliveryError`. The older
host answers HTTP 200 with an ``errcode``: `BUSY_CODES` are retried, the rest are refusals.

Images (the summary's chart): DingTalk's robot cannot send bytes, only a picture it can fetch.
`upload_image` posts the PNG to ``/media/upload`` (multipart ``media``, ``type=image``;
https://open.dingtalk.com/document/orgapp/upload-media-files) for a ``media_id``, and
`send_group` / `send_private` send it as ``msgKey: sampleImageMsg`` with
``msgParam: {"photoURL": <media_id>}`` (the robot message types,
https://open.dingtalk.com/document/development/robot-message-type; a media id stands where they
say photoURL, as dingtalk-stream's own image replies use it) — no public URL of ours is needed.
"""

from __future__ import annotations

import json
import time
from typing import Any

import aiohttp

from stockbot.barcodes import MAX_BYTES
from stockbot.handlers.base import Contact, DeliveryError, PermanentDeliveryError

__all__ = ["DingTalkApi"]

TIMEOUT = aiohttp.ClientTimeout(total=15)
OAPI_URL = "https://oapi.dingtalk.com"
BUSY_CODES = frozenset({-1, 90002, 90018, 90019})
"""``errcode`` values of the older host that a later retry can fix: -1 "系统繁忙" (busy; DingTalk's
global error codes say retry), 90002 the platform-wide rate limit
(https://help.dingtalk.io/open/development/call-frequency-limit). 90018 / 90019, the per-app
limits of internal / third-party apps, are taken from quotes of the older Chinese version of
that page, not from DingTalk directly: retrying a code that is not a limit costs only a delay."""
TOKEN_CODES = frozenset({40014, 42001})
"""``errcode``: the access token is invalid or expired — fetch a new one and retry."""


class DingTalkApi:
    def __init__(
        self, base_url: str, client_id: str, client_secret: str, oapi_url: str = OAPI_URL
    ) -> None:
        self.base = base_url.rstrip("/")
        self.oapi = oapi_url.rstrip("/")
        self.robot_code = client_id
        self._secret = client_secret
        self._token: tuple[str, float] | None = None
        self._session: aiohttp.ClientSession | None = None
        self.contact = Contact()

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()
            self._session = None

    def _http(self) -> aiohttp.ClientSession:
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession(timeout=TIMEOUT)
        return self._session

    async def _call(
        self, method: str, path: str, body: dict[str, Any], *, token: bool = True
    ) -> dict[str, Any]:
        headers = {"x-acs-dingtalk-access-token": await self.token()} if token else {}
        try:
            async with self._http().request(
                method, self.base + path, json=body, headers=headers
            ) as response:
                text = await response.text()
                status = response.status
                retry_after = response.headers.get("Retry-After")
        except (aiohttp.ClientError, TimeoutError) as exc:
            self.contact.failed(exc)
            raise DeliveryError(f"dingtalk {path}: {exc}") from exc
        self.contact.reached()
        if status == 401 and token:
            self._token = None
        if status == 429 or status >= 500 or status == 401:
            wait = float(retry_after) if retry_after and retry_after.isdigit() else None
            raise DeliveryError(f"dingtalk {path}: HTTP {status} {text[:200]}", wait)
        if status >= 400:
            raise PermanentDeliveryError(f"dingtalk {path}: HTTP {status} {text[:200]}")
        try:
            found: dict[str, Any] = json.loads(text) if text else {}
        except ValueError:
            found = {}
        return found

    async def token(self) -> str:
        if self._token is not None and time.monotonic() < self._token[1]:
            return self._token[0]
        body = {"appKey": self.robot_code, "appSecret": self._secret}
        found = await self._call("POST", "/v1.0/oauth2/accessToken", body, token=False)
        value = str(found.get("accessToken", ""))
        if not value:
            raise DeliveryError("dingtalk: no access token in the answer")
        self._token = (value, time.monotonic() + float(found.get("expireIn", 7200)) - 300)
        return value

    async def send_group(
        self, conversation: str, param: dict[str, str], msg_key: str = "sampleMarkdown"
    ) -> None:
        """A robot message to a group: `sampleMarkdown` ({title, text}) or `sampleImageMsg`
        ({photoURL})."""
        await self._call(
            "POST",
            "/v1.0/robot/groupMessages/send",
            {
                "robotCode": self.robot_code,
                "openConversationId": conversation,
                "msgKey": msg_key,
                "msgParam": json.dumps(param, ensure_ascii=False),
            },
        )

    async def send_private(
        self, user: str, param: dict[str, str], msg_key: str = "sampleMarkdown"
    ) -> None:
        """A robot message to one person (their private chat with the robot)."""
        await self._call(
            "POST",
            "/v1.0/robot/oToMessages/batchSend",
            {
                "robotCode": self.robot_code,
                "userIds": [user],
                "msgKey": msg_key,
                "msgParam": json.dumps(param, ensure_ascii=False),
            },
        )

    async def upload_image(self, png: bytes, filename: str = "chart.png") -> str:
        """Upload *png* as a robot may send it; its ``media_id`` (valid three days)."""
        form = aiohttp.FormData()
        form.add_field("type", "image")
        form.add_field("media", png, filename=filename, content_type="image/png")
        url = f"{self.oapi}/media/upload"
        try:
            async with self._http().post(
                url, data=form, params={"access_token": await self.token()}
            ) as response:
                status, text = response.status, await response.text()
        except (aiohttp.ClientError, TimeoutError) as exc:
            self.contact.failed(exc)
            raise DeliveryError(f"dingtalk media/upload: {exc}") from exc
        self.contact.reached()
        if status == 429 or status >= 500:
            raise DeliveryError(f"dingtalk media/upload: HTTP {status} {text[:200]}")
        try:
            found = json.loads(text) if text else {}
        except ValueError:
            found = {}
        code = found.get("errcode", 0 if status == 200 else status)
        media = found.get("media_id")
        if code == 0 and status == 200 and media:
            return str(media)
        problem = f"dingtalk media/upload: HTTP {status} errcode {code} {found.get('errmsg', '')}"
        if code in TOKEN_CODES:
            self._token = None
            raise DeliveryError(problem)
        if code in BUSY_CODES:
            raise DeliveryError(problem)
        raise PermanentDeliveryError(problem)

    async def create_card(
        self, template: str, data: dict[str, str], *, group: str | None, user: str | None
    ) -> str:
        """An interactive card delivered to a group or a person; returns its `outTrackId`."""
        track = f"sb-{time.time_ns()}"
        body: dict[str, Any] = {
            "cardTemplateId": template,
            "outTrackId": track,
            "cardData": {"cardParamMap": data},
            "callbackType": "STREAM",
            "imGroupOpenSpaceModel": {"supportForward": False},
            "imRobotOpenSpaceModel": {"supportForward": False},
        }
        if group is not None:
            body["openSpaceId"] = f"dtv1.card//IM_GROUP.{group}"
            body["imGroupOpenDeliverModel"] = {"robotCode": self.robot_code}
        else:
            body["openSpaceId"] = f"dtv1.card//IM_ROBOT.{user}"
            body["imRobotOpenDeliverModel"] = {"spaceType": "IM_ROBOT"}
        await self._call("POST", "/v1.0/card/instances/createAndDeliver", body)
        return track

    async def update_card(self, track: str, data: dict[str, str]) -> None:
        body = {"outTrackId": track, "cardData": {"cardParamMap": data}}
        await self._call("PUT", "/v1.0/card/instances", body)

    async def download(self, robot_code: str | None, download_code: str | None) -> bytes | None:
        """The bytes of a picture sent to the robot (None when it cannot be fetched)."""
        if not download_code:
            return None
        try:
            found = await self._call(
                "POST",
                "/v1.0/robot/messageFiles/download",
                {"robotCode": robot_code or self.robot_code, "downloadCode": download_code},
            )
            url = str(found.get("downloadUrl", ""))
            if not url:
                return None
            async with self._http().get(url) as response:
                if response.status != 200:
                    return None
                data = await response.content.read(MAX_BYTES + 1)
        except (DeliveryError, PermanentDeliveryError, aiohttp.ClientError, TimeoutError):
            return None
        return data if len(data) <= MAX_BYTES else None
