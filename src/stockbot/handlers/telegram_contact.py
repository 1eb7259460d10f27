"""Every Bot API call reports to the adapter's `Contact` (readiness measures, never assumes).

python-telegram-bot sends each call through a `BaseRequest`; ours is PTB's own `HTTPXRequest`
with the outcome recorded: an HTTP answer is contact (a 4xx too: the API was reached), a
connection error, a timeout or a 5xx from the Bot API is a failure to reach it.
"""

from __future__ import annotations

from typing import Any

from telegram.error import NetworkError
from telegram.request import HTTPXRequest

from stockbot.handlers.base import Contact


class ContactRequest(HTTPXRequest):
    """PTB's HTTPXRequest, built as `ApplicationBuilder` builds its default, that records."""

    __slots__ = ("contact",)

    def __init__(self, contact: Contact, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.contact = contact

    async def do_request(self, *args: Any, **kwargs: Any) -> tuple[int, bytes]:
        try:
            status, body = await super().do_request(*args, **kwargs)
        except NetworkError as exc:  # TimedOut is a NetworkError
            self.contact.failed(exc.message or type(exc).__name__)
            raise
        if status >= 500:
            self.contact.failed(f"Bot API answered HTTP {status}")
        else:
            self.contact.reached()
        return status, body
