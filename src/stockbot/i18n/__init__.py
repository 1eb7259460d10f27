"""Messages in English, Simplified and Traditional Chinese.

One catalog, one line per language per key. Traditional Chinese is usually derived: when a key
has no explicit ``"zh-Hant"`` text, its ``"zh-Hans"`` text is converted with OpenCC ``s2twp``
(Taiwan phrases: 信息 → 資訊, 用户 → 使用者). Add ``"zh-Hant"`` only where the conversion is wrong.

Catalog strings are Text markup (``*bold*``, `` `code` ``, see :mod:`stockbot.replies`).
:func:`t` inserts parameters as given; use :func:`tm` when parameters are user text going into a
Text block, so a ``*`` in an item name cannot change the formatting.

To add messages: add ``"area.key": {"en": "...", "zh-Hans": "..."},`` to ``CATALOG`` in
:mod:`stockbot.i18n.catalog`, or call :func:`register` from your own module.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping
from functools import lru_cache
from typing import Any, Final, Literal

from stockbot.i18n.catalog import CATALOG, HELP_LINES

__all__ = [
    "CATALOG",
    "DEFAULT_LANG",
    "LANGS",
    "Lang",
    "detect_language",
    "help_text",
    "item_text",
    "normalize_lang",
    "register",
    "t",
    "tm",
    "to_traditional",
]

Lang = Literal["en", "zh-Hans", "zh-Hant"]
LANGS: Final[tuple[Lang, ...]] = ("en", "zh-Hans", "zh-Hant")
DEFAULT_LANG: Final[Lang] = "en"

# ---------------------------------------------------------------------------- lookup


def register(messages: Mapping[str, Mapping[str, str]], *, replace: bool = False) -> None:
    """Add messages from another module; refuses to silently overwrite an existing key."""
    for key, texts in messages.items():
        if key in CATALOG and not replace and dict(CATALOG[key]) != dict(texts):
            raise ValueError(f"i18n key already defined: {key}")
        if "en" not in texts:
            raise ValueError(f"i18n key {key} has no English text")
        CATALOG[key] = dict(texts)


_LANG_ALIASES: Final[dict[str, Lang]] = {
    "en": "en", "english": "en", "eng": "en", "英文": "en", "英语": "en", "英語": "en",
    "zh": "zh-Hans", "zh-hans": "zh-Hans", "zh-cn": "zh-Hans", "zh-sg": "zh-Hans",
    "zh-hans-cn": "zh-Hans", "cn": "zh-Hans", "chs": "zh-Hans",
    "简体": "zh-Hans", "简体中文": "zh-Hans", "簡體": "zh-Hans", "簡體中文": "zh-Hans",
    "中文": "zh-Hans", "简中": "zh-Hans",
    "zh-hant": "zh-Hant", "zh-tw": "zh-Hant", "zh-hk": "zh-Hant", "zh-mo": "zh-Hant",
    "zh-hant-tw": "zh-Hant", "zh-hant-hk": "zh-Hant", "tw": "zh-Hant", "cht": "zh-Hant",
    "繁体": "zh-Hant", "繁体中文": "zh-Hant", "繁體": "zh-Hant", "繁體中文": "zh-Hant",
    "繁中": "zh-Hant",
}  # fmt: skip


def normalize_lang(value: str | None) -> Lang | None:
    """Map what people and platforms send (``zh_CN``, ``zh-TW``, ``en-US``, 繁體) to a Lang."""
    if not value:
        return None
    key = value.strip().replace("_", "-").lower()
    if key in _LANG_ALIASES:
        return _LANG_ALIASES[key]
    if key.startswith("en-"):
        return "en"
    return None


@lru_cache(maxsize=1)
def _s2twp() -> Any:
    import opencc  # imported lazily: only Traditional replies need it

    return opencc.OpenCC("s2twp")


@lru_cache(maxsize=1)
def _t2s() -> Any:
    import opencc

    return opencc.OpenCC("t2s")


@lru_cache(maxsize=4096)
def to_traditional(text: str) -> str:
    """Simplified → Traditional (Taiwan phrasing), cached."""
    return str(_s2twp().convert(text))


def item_text(text: str, lang: str | None) -> str:
    """An item's name, alias or spec as its reader reads it.

    Item master text is stored as typed (usually 简体); a 繁體 reader sees it converted, the
    same way (and through the same cached converter) as the catalogue's derived 繁體. Only the
    text marked as an item's goes through here: codes, numbers and people's notes never do.
    """
    if not text or normalize_lang(lang) != "zh-Hant" or not _CJK_RE.search(text):
        return text
    return to_traditional(text)


def _template(key: str, lang: str) -> str | None:
    texts = CATALOG.get(key)
    if texts is None:
        return None
    if lang in texts:
        return texts[lang]
    if lang == "zh-Hant" and "zh-Hans" in texts:
        return to_traditional(texts["zh-Hans"])
    return texts.get("en") or next(iter(texts.values()), None)


class _KeepMissing(dict[str, Any]):
    """format_map helper: an unknown placeholder stays visible instead of raising."""

    def __missing__(self, name: str) -> str:
        return "{" + name + "}"


class Said(str):
    """A catalogue text that remembers its key: a Text block built from exactly one message
    carries the key (`replies.Text.key`), so tests and callers can ask *what* was said. Any
    string operation on it gives a plain `str` (a composed text names no single key)."""

    key: str

    def __new__(cls, value: str, key: str) -> Said:
        said = super().__new__(cls, value)
        said.key = key
        return said


def t(key: str, /, lang: str | None = None, **params: Any) -> str:
    """The message *key* in *lang*, with ``{params}`` filled in. Never raises.

    Unknown language → English; unknown key → the key itself; a missing parameter is left as
    ``{name}``. Parameters are inserted verbatim (see :func:`tm` for Text blocks). ``lang`` is
    reserved, so no message may use a ``{lang}`` placeholder. The result is a `Said`.
    """
    template = _template(key, normalize_lang(lang) or lang or DEFAULT_LANG)
    if template is None:
        return key
    if not params:
        return Said(template, key)
    try:
        # `str.format_map` (C), not `string.Formatter` (Python): the same text and the same
        # errors, at a fifth of the calls; a 200-line card fills 400 templates
        return Said(template.format_map(_KeepMissing(params)), key)
    except (ValueError, IndexError, KeyError, AttributeError, TypeError):
        return Said(template, key)


def tm(key: str, /, lang: str | None = None, **params: Any) -> str:
    """Like :func:`t`, but escapes parameters for Text markup (user text stays literal)."""
    from stockbot.replies import md_escape

    return t(key, lang, **{name: md_escape(str(value)) for name, value in params.items()})


def help_text(
    command: str | None, lang: str | None = None, offered: Collection[str] | None = None
) -> str:
    """Help as Text markup: the overview, or one command's usage line and explanation.

    *offered* is the set of commands that have a handler (`stockbot.runtime.handled_commands`):
    the overview lists only those, and help for any other command says it is not available,
    so `/help` never offers what would answer "not available yet". None offers everything
    (the catalogue's own checks)."""
    if not command:
        lines = [
            t(key, lang)
            for names, key in HELP_LINES
            if offered is None or all(name in offered for name in names)
        ]
        return "\n".join([t("help.head", lang), *lines])
    if offered is not None and command not in offered:
        return t("help.unavailable", lang, command=command)
    return f"{t(f'usage.{command}', lang)}\n{t(f'help.{command}', lang)}"


# ---------------------------------------------------------------------------- detection

_CJK_RE = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f]")
_LATIN_RE = re.compile(r"[A-Za-z\u00c0-\u024f]")


def detect_language(text: str | None) -> Lang | None:
    """Guess the writer's language: Chinese script wins over Latin; None if nothing to go on.

    Traditional when the Chinese characters change under OpenCC ``t2s`` (a character such as 庫
    exists only in Traditional); text written only with shared characters counts as Simplified.
    """
    if not text:
        return None
    han = "".join(_CJK_RE.findall(text))
    if han:
        return "zh-Hant" if _t2s().convert(han) != han else "zh-Hans"
    if _LATIN_RE.search(text):
        return "en"
    return None
