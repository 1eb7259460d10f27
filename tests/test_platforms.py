"""The chat platforms are named in one place (`stockbot.platforms`): the process wiring, the
parser's `<platform>:<id>` and the texts that tell an admin how to name someone all follow it,
so a platform added there is served, parsed and mentioned without a second list to forget."""

from __future__ import annotations

from importlib import import_module
from typing import get_args

import pytest

import stockbot.messages.admin  # noqa: F401  (registers the admin texts)
from stockbot.app import PLATFORMS
from stockbot.commands.models import LinkCmd, RoleCmd
from stockbot.commands.parser import ParseError, parse
from stockbot.i18n import LANGS, t
from stockbot.platforms import CHAT_PLATFORMS, PlatformName


def served_platforms() -> list[str]:
    """The `platform` of every adapter `stockbot run` can plug in, in wiring order."""
    found = []
    for _configured, where in PLATFORMS:
        module, _, name = where.partition(":")
        found.append(getattr(import_module(module), name).platform)
    return found


def test_the_wiring_serves_exactly_the_platforms_of_the_table() -> None:
    assert served_platforms() == [p.name for p in CHAT_PLATFORMS]
    assert {"slack", "telegram", "feishu", "dingtalk"} <= set(served_platforms())


def test_the_identity_type_names_every_served_platform_and_the_console() -> None:
    assert set(get_args(PlatformName)) == {*served_platforms(), "console"}


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize(
    "key", ["usage.link", "usage.role", "parse.bad_identity", "admin.name_whom"]
)
def test_every_served_platform_is_named_in_the_texts_that_say_how_to_name_someone(
    lang: str, key: str
) -> None:
    text = t(key, lang)
    assert text != key, f"{key} has no {lang} text"
    missing = [name for name in served_platforms() if name not in text]
    assert missing == [], f"{key} ({lang}) does not mention {missing}: {text}"


@pytest.mark.parametrize("platform", CHAT_PLATFORMS, ids=lambda p: p.name)
def test_each_platforms_example_identity_is_one_the_parser_takes(platform) -> None:  # type: ignore[no-untyped-def]
    link = parse(f"/link @bob {platform.name}:{platform.example}")
    assert isinstance(link, LinkCmd)
    assert (link.platform, link.platform_user_id) == (platform.name, platform.example)
    role = parse(f"/role {platform.name}:{platform.example} keeper")
    assert isinstance(role, RoleCmd)
    assert (role.user_platform, role.user) == (platform.name, platform.example)


@pytest.mark.parametrize(
    "text", ["/link @bob dingtalk:", "/link @bob dingtalk:has space", "/role wechat:abc keeper"]
)
def test_an_identity_no_platform_could_have_is_refused(text: str) -> None:
    assert isinstance(parse(text), ParseError)
