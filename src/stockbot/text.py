"""Character classes shared by the parser, the importer, the adapters and the search index,
and display width: how many terminal cells a text takes and the one function that shortens a
label to fit (`clip`)."""

from __future__ import annotations

import re
import unicodedata

import wcwidth

__all__ = [
    "BUTTON_CELLS",
    "ELLIPSIS",
    "INVISIBLE_CONTROLS",
    "TABLE_CELLS",
    "clip",
    "disguise",
    "display_width",
    "has_cjk",
    "is_cjk",
    "pad",
    "without_invisible",
]

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


# --- display width and the one way to shorten a label -------------------------------------------

ELLIPSIS = "…"
BUTTON_CELLS = 75
"""A button label at most (Slack's limit is 75 characters; a cell is never less than one)."""
TABLE_CELLS = 40
"""A table cell at most, in display cells: a long name or note does not push the columns
after it off a phone screen."""
_SOFT_EDGE = " ·,;:/-_|（）()[]、，。"
"""Characters a cut may fall next to without splitting a word; stripped before the mark."""


def display_width(text: str) -> int:
    """Terminal cells (`wcwidth`): a Chinese character or full-width letter takes 2, a combining
    mark 0, control characters nothing. Printable ASCII (most codes and names) is one cell a
    character, counted without asking `wcwidth` character by character."""
    if text.isascii() and text.isprintable():
        return len(text)
    return max(0, int(wcwidth.width(text, control_codes="ignore")))


def pad(text: str, cells: int) -> str:
    """*text* with spaces after it to fill *cells* display cells (none if it is wider)."""
    return text + " " * max(0, cells - display_width(text))


def _boundary(before: str, after: str) -> bool:
    """May a cut fall between these two characters? Between words, next to punctuation, and
    anywhere next to a Chinese character (Chinese has no spaces between words)."""
    return (
        before.isspace()
        or after.isspace()
        or before in _SOFT_EDGE
        or after in _SOFT_EDGE
        or is_cjk(before)
        or is_cjk(after)
    )


def clip(text: str, cells: int, mark: str = ELLIPSIS) -> str:
    """*text* in at most *cells* display cells. A shortened text always ends with *mark* (`…`),
    so nobody takes `Hex bolt M8x3` for the whole name; the cut falls between words where that
    keeps at least half the room (in Chinese, between any two characters), else mid-word.
    Every table, chart label and button label that shortens text goes through here."""
    if display_width(text) <= cells:
        return text
    room = cells - display_width(mark)
    if room <= 0:
        return mark if cells > 0 else ""
    if text.isascii() and text.isprintable():
        head = text[:room]  # one cell and one grapheme per character
    else:
        kept: list[str] = []
        used = 0
        for grapheme in wcwidth.iter_graphemes(text):
            w = display_width(grapheme)
            if used + w > room:
                break
            kept.append(grapheme)
            used += w
        head = "".join(kept)
    rest = text[len(head) :]
    if head and rest and not _boundary(head[-1], rest[0]):
        cut = next((i for i in range(len(head) - 1, 0, -1) if _boundary(head[i - 1], head[i])), 0)
        if cut and display_width(head[:cut]) * 2 >= room:
            head = head[:cut]
    return head.rstrip(_SOFT_EDGE) + mark
