"""Character classes shared by the parser, the importer, the adapters and the search index."""

from __future__ import annotations

import re
import unicodedata

__all__ = ["INVISIBLE_CONTROLS", "disguise", "has_cjk", "is_cjk", "without_invisible"]

INVISIBLE_CONTROLS = re.compile(
    "[\u061c\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]"
)
"""Characters that print nothing yet change what is shown: the bidi controls (LRM/RLM/ALM,
the embeddings and overrides U+202A–E, the isolates U+2066–9) and the zero-width ones (ZWSP,
ZWNJ, ZWJ, word joiner, invisible operators, BOM). ``exe<U+202E>gnp`` displays as ``png.exe``
and ``M<U+200B>8`` looks like ``M8`` but is another code. The one rule for every name that
reaches the books, whoever typed or imported it: identifiers refuse them
(`commands.parser.disguised`, `io.imports.rows`), display names lose them (`without_invisible`)."""


def disguise(text: str) -> str | None:
    """The first invisible control in *text*, as ``U+202E``; None when there is none."""
    found = INVISIBLE_CONTROLS.search(text)
    return f"U+{ord(found[0]):04X}" if found else None


def without_invisible(text: str) -> str:
    """*text* with every invisible control removed: for names we show but do not parse (a
    platform display name), where refusing is not possible and keeping them is not safe."""
    return INVISIBLE_CONTROLS.sub("", text)


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
