"""Is this HTTP request Slack's? Checked on the raw bytes before anything parses them.

slack-bolt verifies too, but only after building its request: a non-numeric
``X-Slack-Request-Timestamp`` or a malformed body then raised inside bolt (a 500 and a 1.5 KB
traceback per request, issue 9 item 4). Here a refusal is a short reason for one log line.
"""

from __future__ import annotations

import hashlib
import hmac
import time

__all__ = ["REPLAY_WINDOW", "signature_problem"]

REPLAY_WINDOW = 300
"""Seconds a signed request stays valid (Slack's own rule); replays inside it are caught by the
inbox guard."""


def signature_problem(
    secret: str, body: bytes, timestamp: str | None, signature: str | None, now: float | None = None
) -> str | None:
    """Why a request is not Slack's (a short reason for the log), or None when it is.

    ``v0=HMAC-SHA256(secret, "v0:{timestamp}:" + body)`` over the raw bytes, the timestamp
    parsed defensively (digits only) and within ``REPLAY_WINDOW`` of now."""
    if not secret:
        return "no signing secret configured"
    if not timestamp or not signature:
        return "unsigned"
    if not (timestamp.isascii() and timestamp.isdigit() and len(timestamp) <= 12):
        return "malformed timestamp"
    if abs((time.time() if now is None else now) - int(timestamp)) > REPLAY_WINDOW:
        return "stale timestamp"
    base = b"v0:" + timestamp.encode() + b":" + body
    expected = "v0=" + hmac.new(secret.encode(), base, hashlib.sha256).hexdigest()
    if not hmac.compare_digest(expected.encode(), signature.encode("utf-8", "replace")):
        return "bad signature"
    return None
