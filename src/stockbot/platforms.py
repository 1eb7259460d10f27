"""The chat platforms, named once.

Everything that lists platforms reads this table: the process wiring (`stockbot.app.PLATFORMS`:
which adapter serves which configured platform), the parser (what a `<platform>:<id>` identity
in `/role` and `/link` may look like) and the help and error texts that tell an admin how to
name someone. Adding a platform here makes all of them say it; before this table the texts
still said "slack|telegram" two platforms later.

This module imports nothing of stockbot's (the settings only for type checking), so the
catalogues and the parser can read it without pulling in any adapter or chat library.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Final, Literal

if TYPE_CHECKING:
    from stockbot.config import Settings

__all__ = [
    "CHAT_PLATFORMS",
    "CONSOLE_USER",
    "IDENTITY_PLATFORMS",
    "ChatPlatform",
    "PlatformName",
    "identity_examples",
    "names",
    "spoken_list",
]

PlatformName = Literal["slack", "telegram", "feishu", "dingtalk", "console"]
"""Where an identity lives (`users_identities.platform`). A type needs its values spelled
out; tests/test_platforms.py holds it equal to the table below plus the console."""


@dataclass(frozen=True)
class ChatPlatform:
    """One chat platform: its name in identities (`slack:U0123`), its adapter and when it is
    configured, and what a user id there looks like."""

    name: str
    adapter: str
    """``module:Class``, imported only when the platform is configured (a Telegram-only
    deployment never loads slack-bolt)."""
    configured: Callable[[Settings], object]
    user_id: re.Pattern[str]
    """A user id anyone on that platform could have; anything else is refused, not stored."""
    example: str
    """A plausible id, for texts that show how to write an identity."""
    upper: bool = False
    """Ids are upper case (Slack's), so a typed lower-case id is folded."""


CHAT_PLATFORMS: Final[tuple[ChatPlatform, ...]] = (
    ChatPlatform(
        "slack",
        "stockbot.handlers.slack:SlackAdapter",
        lambda s: s.slack_bot_token,
        re.compile(r"[UW][A-Z0-9]{1,31}"),  # Slack user ids: U…/W…, upper case
        "U0123ABC",
        upper=True,
    ),
    ChatPlatform(
        "telegram",
        "stockbot.handlers.telegram:TelegramAdapter",
        lambda s: s.telegram_bot_token,
        re.compile(r"[1-9]\d{0,19}"),  # Telegram user ids: positive integers
        "123456789",
    ),
    ChatPlatform(
        "feishu",
        "stockbot.handlers.feishu:FeishuAdapter",
        lambda s: s.feishu_app_id,
        re.compile(r"ou_[0-9a-z]{1,61}"),  # Feishu open_id: ou_ and lower-case hex
        "ou_7d8a6e6d",
    ),
    ChatPlatform(
        "dingtalk",
        "stockbot.handlers.dingtalk:DingTalkAdapter",
        lambda s: s.dingtalk_client_id,
        # DingTalk staffId (userid): digits by default; an organisation may set its own
        # (letters, digits, "-", "_"), case-sensitive.
        re.compile(r"[0-9A-Za-z][0-9A-Za-z_-]{0,63}"),
        "manager01",
    ),
)

CONSOLE_USER: Final = re.compile(r"[^\W][\w.-]{0,63}")
"""The console's user ids are names."""

IDENTITY_PLATFORMS: Final[dict[str, re.Pattern[str]]] = {
    **{p.name: p.user_id for p in CHAT_PLATFORMS},
    "console": CONSOLE_USER,
}
"""Platform → what a user id there looks like (the parser's `<platform>:<id>`)."""


def names(sep: str = "|") -> str:
    """The chat platforms' names: ``slack|telegram|feishu|dingtalk``."""
    return sep.join(p.name for p in CHAT_PLATFORMS)


def identity_examples() -> str:
    """`` `slack:U0123ABC`, `telegram:123456789`, … `` — one written identity per platform."""
    return ", ".join(f"`{p.name}:{p.example}`" for p in CHAT_PLATFORMS)


def spoken_list(lang: str) -> str:
    """The platforms as a sentence lists them: "slack, telegram, feishu or dingtalk" /
    "slack、telegram、feishu 或 dingtalk"."""
    *rest, last = (p.name for p in CHAT_PLATFORMS)
    if lang == "en":
        return f"{', '.join(rest)} or {last}" if rest else last
    return f"{'、'.join(rest)} 或 {last}" if rest else last
