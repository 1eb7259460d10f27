"""Slack's side of an HTTP-mode conversation, shared by the in-process e2e tests, the replica
test and `bench/bench_http.py`: the people of the floor, and request bodies signed exactly as
Slack signs them (`v0:{timestamp}:{body}`, HMAC-SHA256 with the signing secret)."""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from decimal import Decimal
from typing import Any
from urllib.parse import urlencode

from stockbot.store.catalog import ensure_user, grant_role
from stockbot.store.models import Role

from fake_slack import BOT_USER, TEAM, FakeSlack, Message

SECRET = "s3cr3t"
FLOOR = "C0FLOOR"
PEOPLE = {  # Slack user id → (name, roles)
    "U0ALICE": ("Alice", [Role.ADMIN]),
    "U0BOB": ("Bob", []),
    "U0BEA": ("Bea", []),
    "U0CAROL": ("Carol", [Role.KEEPER]),
    "U0DAVE": ("Dave", [Role.APPROVER]),
    "U0ERIN": ("Erin", [Role.PURCHASER]),
}
FORM = "application/x-www-form-urlencoded"


def people(db) -> None:  # type: ignore[no-untyped-def]
    with db.write() as s:
        for uid, (name, roles) in PEOPLE.items():
            user = ensure_user(s, "slack", uid, name)
            for role in roles:
                grant_role(s, user, role, amount_limit=Decimal(100000))


def fake_users() -> dict[str, dict[str, Any]]:
    """`users.info` answers for the fake Slack."""
    return {uid: {"name": n.lower(), "real_name": n} for uid, (n, _) in PEOPLE.items()}


def sign(body: str, ts: int | None = None, secret: str = SECRET) -> dict[str, str]:
    ts = int(time.time()) if ts is None else ts
    base = f"v0:{ts}:{body}".encode()
    digest = hmac.new(secret.encode(), base, hashlib.sha256).hexdigest()
    return {"X-Slack-Request-Timestamp": str(ts), "X-Slack-Signature": f"v0={digest}"}


def signed(body: str, content_type: str = FORM, **sign_kw: Any) -> dict[str, str]:
    """The headers of one signed POST to /slack/events."""
    return {"Content-Type": content_type, **sign(body, **sign_kw)}


def slash_body(fake: FakeSlack, user: str, line: str, trigger: str, channel: str = FLOOR) -> str:
    """A slash command (`/request motor 2`) as Slack form-encodes it."""
    name, _, text = line.removeprefix("/").partition(" ")
    return urlencode(
        {
            "token": "legacy",
            "team_id": TEAM,
            "team_domain": "factory",
            "channel_id": channel,
            "channel_name": "floor",
            "user_id": user,
            "user_name": PEOPLE.get(user, (user,))[0].lower(),
            "command": f"/{name}",
            "text": text,
            "api_app_id": "A0STOCK",
            "is_enterprise_install": "false",
            "response_url": fake.response_url(channel, user),
            "trigger_id": trigger,
        }
    )


def click_body(fake: FakeSlack, user: str, message: Message, label: str, trigger: str) -> str:
    """A button press (block_actions) on *message*, as Slack form-encodes it."""
    button = message.button(label)
    payload = {
        "type": "block_actions",
        "user": {"id": user, "username": user.lower(), "name": user.lower(), "team_id": TEAM},
        "api_app_id": "A0STOCK",
        "token": "legacy",
        "container": {
            "type": "message",
            "message_ts": message.ts,
            "channel_id": message.channel,
            "is_ephemeral": message.ephemeral_to is not None,
        },
        "trigger_id": trigger,
        "team": {"id": TEAM, "domain": "factory"},
        "channel": {"id": message.channel, "name": "floor"},
        "message": {
            "type": "message",
            "user": BOT_USER,
            "ts": message.ts,
            "text": message.text,
            "blocks": message.blocks,
        },
        "response_url": fake.response_url(message.channel, user, ts=message.ts),
        "actions": [
            {
                "type": "button",
                "action_id": button["action_id"],
                "block_id": "b1",
                "text": button["text"],
                "value": button["value"],
                "action_ts": f"{time.time():.6f}",
            }
        ],
    }
    return urlencode({"payload": json.dumps(payload)})
