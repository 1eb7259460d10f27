"""A photo shared in Slack, fetched so its label can be read (`stockbot.flows.photo`).

When someone uploads a picture to the bot's DM (a ``message`` event, subtype ``file_share``)
or with an @-mention in a channel (``app_mention``), the event carries ``files``. Each file's
``url_private`` (``url_private_download`` preferred) is fetched with the bot token as
``Authorization: Bearer`` — the only way Slack serves it — which needs the ``files:read``
scope. Some events carry only a stub (``"file_access": "check_file_info"``, Slack Connect and
newer uploads); then ``files.info`` gives the full file first.

Only images are fetched (the event says ``mimetype: image/…``), at most `MAX_BYTES`, and a
download that answers with anything but an image (Slack's login page, for a token without the
scope) counts as no image: the caller then treats the message as plain text.
https://api.slack.com/types/file#authentication
"""

from __future__ import annotations

import logging
from typing import Any

import aiohttp
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from stockbot.barcodes import MAX_BYTES

__all__ = ["shared_image"]

log = logging.getLogger(__name__)


def _is_image(file: dict[str, Any]) -> bool:
    return str(file.get("mimetype") or "").startswith("image/")


async def _full(client: AsyncWebClient, file: dict[str, Any]) -> dict[str, Any] | None:
    """The file with its URLs: as the event gave it, or from ``files.info`` for a stub."""
    if file.get("url_private_download") or file.get("url_private"):
        return file
    try:
        found = (await client.files_info(file=str(file.get("id")))).get("file")
    except (SlackApiError, aiohttp.ClientError, TimeoutError) as exc:
        log.warning("slack: files.info %s failed: %s", file.get("id"), exc)
        return None
    return found if isinstance(found, dict) else None


async def shared_image(
    client: AsyncWebClient, session: aiohttp.ClientSession, files: list[dict[str, Any]]
) -> bytes | None:
    """The bytes of the first image among an event's *files*; None when there is none or it
    cannot be fetched (logged: the sender is answered as if they had sent only the text)."""
    for stub in files:
        file = await _full(client, stub) if stub.get("file_access") or _is_image(stub) else None
        if file is None or not _is_image(file) or int(file.get("size") or 0) > MAX_BYTES:
            continue
        url = file.get("url_private_download") or file.get("url_private")
        if not url:
            continue
        try:
            headers = {"Authorization": f"Bearer {client.token}"}
            async with session.get(url, headers=headers) as response:
                kind = response.headers.get("Content-Type", "")
                if response.status != 200 or not kind.startswith("image/"):
                    log.warning("slack: file %s answered %s %s", file.get("id"), response.status,
                                kind or "(no type)")  # fmt: skip
                    continue
                data = await response.content.read(MAX_BYTES + 1)
        except (aiohttp.ClientError, TimeoutError) as exc:
            log.warning("slack: could not fetch file %s: %s", file.get("id"), exc)
            continue
        if len(data) <= MAX_BYTES:
            return data
    return None
