"""Character classes shared by the parser and the search index."""

from __future__ import annotations

import unicodedata

__all__ = ["has_cjk", "is_cjk"]


def is_cjk(ch: str) -> bool:
    """Is `ch` a wide (East Asian) letter: a Han ideograph, kana, hangul, a full-width letter?

    Digits, punctuation and CJK symbols (`，`, `〇`) are not; neither is anything below U+1100.
    """
    return (
        ch >= "\u1100"
        and unicodedata.east_asian_width(ch) in "WF"
        and unicodedata.category(ch).startswith("L")
    )


def has_cjk(text: str) -> bool:
    """Does `text` contain a character for which :func:`is_cjk` holds?"""
    return any(is_cjk(ch) for ch in text)
