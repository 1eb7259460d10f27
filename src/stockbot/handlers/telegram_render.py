"""Reply → Telegram messages: HTML parse mode, inline keyboards, split at 4096 characters.

Every string that is not our own markup is escaped with :func:`html.escape` (Telegram's HTML
mode needs ``<``, ``>`` and ``&`` escaped; quotes may stay). Our Text markup (``*bold*``,
`` `code` ``) comes from :func:`stockbot.replies.inline_spans`, so Telegram agrees with every other
renderer about what is bold. Fields become ``<b>label</b>: value`` lines, a Table an aligned
``<pre>`` block (columns by display width, as on the console), Buttons and Choice options an inline
keyboard (callback_data = the action id, ≤ 64 bytes by construction), an Image its own sendPhoto,
and a block this module does not know its escaped :meth:`~stockbot.replies.Block.plain` text.

A long reply is split into several messages of at most 4096 UTF-16 code units of HTML (Telegram
counts UTF-16 units; measuring the HTML, not the visible text, keeps us safely under the limit).
Splits prefer a block boundary, then a line end, then a space; a tag open at a split is closed
and reopened in the next message, so every part is well-formed. The keyboard goes on the last
part.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from typing import NamedTuple

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from stockbot.handlers.text_render import render_block
from stockbot.replies import (
    Block,
    Button,
    Buttons,
    Choice,
    Fields,
    Image,
    Reply,
    Table,
    Text,
    inline_spans,
)

__all__ = [
    "CAPTION_LIMIT",
    "TEXT_LIMIT",
    "Message",
    "escape",
    "fit",
    "keyboard",
    "render",
    "utf16_len",
]

TEXT_LIMIT = 4096
"""sendMessage / editMessageText text limit (UTF-16 code units)."""
CAPTION_LIMIT = 1024
"""sendPhoto caption limit."""
EMPTY_TEXT = "👇"
"""Telegram refuses an empty message; a reply made only of buttons gets this text."""

_CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_STYLE_TAGS = {"": ("", ""), "b": ("<b>", "</b>"), "code": ("<code>", "</code>"),
               "pre": ("<pre>", "</pre>")}  # fmt: skip
_BUTTON_STYLES = {"primary": "primary", "danger": "danger"}
_ROW_CHARS = 32
"""Buttons of one Buttons block share a row while their labels fit in this many characters."""


@dataclass(frozen=True)
class Message:
    """One Telegram message: HTML text (or a photo with an HTML caption) and its keyboard."""

    text: str
    keyboard: InlineKeyboardMarkup | None = None
    photo: bytes | None = None

    @property
    def is_photo(self) -> bool:
        return self.photo is not None


class _Run(NamedTuple):
    style: str  # "", "b", "code" or "pre"
    text: str  # raw (unescaped) text
    boundary: bool = False  # a block starts here: the best place to split


# ----------------------------------------------------------------------------- helpers


def escape(text: str) -> str:
    """Escape plain text for Telegram HTML (and drop control characters it would refuse)."""
    return html.escape(_CONTROL_RE.sub("", text), quote=False)


def utf16_len(text: str) -> int:
    """Length as Telegram counts it: UTF-16 code units (an emoji outside the BMP counts 2)."""
    return len(text) + sum(1 for ch in text if ord(ch) > 0xFFFF)


def fit(text: str, limit: int) -> str:
    """Plain *text* cut (with "…") so that its escaped form fits in *limit* UTF-16 units."""
    if utf16_len(escape(text)) <= limit:
        return text
    out, used = [], utf16_len("…")
    for ch in text:
        cost = utf16_len(escape(ch))
        if used + cost > limit:
            break
        out.append(ch)
        used += cost
    return "".join(out).rstrip() + "…"


def _button(button: Button) -> InlineKeyboardButton:
    style = _BUTTON_STYLES.get(button.style)
    return InlineKeyboardButton(
        text=" ".join(button.label.split()), callback_data=button.action_id, style=style
    )


def _rows(buttons: list[Button], *, one_per_row: bool) -> list[list[InlineKeyboardButton]]:
    if one_per_row or sum(len(b.label) for b in buttons) > _ROW_CHARS or len(buttons) > 3:
        return [[_button(b)] for b in buttons]
    return [[_button(b) for b in buttons]]


def keyboard(reply: Reply) -> InlineKeyboardMarkup | None:
    """Every button of the reply as inline keyboard rows, in display order."""
    rows: list[list[InlineKeyboardButton]] = []
    for block in reply.blocks:
        if isinstance(block, Buttons):
            rows += _rows(block.buttons, one_per_row=False)
        elif isinstance(block, Choice):
            rows += _rows(block.options, one_per_row=True)
        elif isinstance(block, Button):
            rows += _rows([block], one_per_row=True)
    return InlineKeyboardMarkup(rows) if rows else None


# ----------------------------------------------------------------------------- blocks → runs


def _text_runs(text: str) -> list[_Run]:
    return [
        _Run("code" if span.code else "b" if span.bold else "", span.text)
        for span in inline_spans(text)
    ]


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _block_runs(block: Block) -> list[_Run]:
    """The visible text of one block as styled runs (no keyboard, no image)."""
    if isinstance(block, Text):
        return _text_runs(block.text)
    if isinstance(block, Fields):
        runs = [_Run("b", _one_line(block.title)), _Run("", "\n")] if block.title else []
        for label, value in block.rows:
            runs += [_Run("b", _one_line(label)), _Run("", f": {value}\n")]
        return runs
    if isinstance(block, Table):
        runs = [_Run("b", _one_line(block.title)), _Run("", "\n")] if block.title else []
        aligned = render_block(block.model_copy(update={"title": None}), lambda _b: 0)
        return [*runs, _Run("pre", aligned)]
    if isinstance(block, Choice):
        return [_Run("", block.prompt)]
    if isinstance(block, Buttons | Button | Image):
        return []  # buttons live in the keyboard, images in their own message
    return [_Run("", block.plain() if isinstance(block, Block) else str(block))]


def _trim(runs: list[_Run]) -> list[_Run]:
    """Drop empty runs and trailing newlines of a block."""
    runs = [r for r in runs if r.text]
    while runs and not runs[-1].text.rstrip("\n"):
        runs.pop()
    if runs:
        last = runs[-1]
        runs[-1] = last._replace(text=last.text.rstrip("\n"))
    return runs


# ----------------------------------------------------------------------------- splitting


def _overhead(style: str) -> int:
    open_, close = _STYLE_TAGS[style]
    return len(open_) + len(close)


def _pieces(run: _Run, room: int) -> list[_Run]:
    """A run cut at line ends, and long lines cut at spaces (or anywhere), so each piece's
    escaped text fits in *room*."""
    out: list[_Run] = []
    first = True
    for line in run.text.splitlines(keepends=True):
        while utf16_len(escape(line)) > room:
            cut = _cut_point(line, room)
            out.append(_Run(run.style, line[:cut], run.boundary and first))
            first = False
            line = line[cut:]
        if line:
            out.append(_Run(run.style, line, run.boundary and first))
            first = False
    return out


def _cut_point(text: str, room: int) -> int:
    """Index to cut *text* at: the last space that keeps the escaped head within *room*."""
    used, limit = 0, 0
    for i, ch in enumerate(text):
        used += utf16_len(escape(ch))
        if used > room:
            break
        limit = i + 1
    space = text.rfind(" ", 0, limit)
    return space + 1 if space > limit // 2 else max(limit, 1)


def _size(chunk: list[_Run]) -> int:
    total, prev = 0, None
    for p in chunk:
        total += utf16_len(escape(p.text)) + (_overhead(p.style) if p.style != prev else 0)
        prev = p.style
    return total


def _blank(piece: _Run) -> bool:
    return piece.style != "pre" and not piece.text.strip()


def _lstrip(chunk: list[_Run]) -> list[_Run]:
    while chunk and _blank(chunk[0]):
        chunk = chunk[1:]
    return chunk


def _pack(runs: list[_Run], limit: int) -> list[list[_Run]]:
    """Greedy packing of pieces into chunks whose HTML fits in *limit*; a chunk that overflows
    is cut at its last block boundary when that keeps it at least half full."""
    room = limit - max(_overhead(s) for s in _STYLE_TAGS)
    chunks: list[list[_Run]] = []
    cur: list[_Run] = []
    used = 0
    for piece in (p for run in runs for p in _pieces(run, room)):
        cost = utf16_len(escape(piece.text))
        if not cur or cur[-1].style != piece.style:
            cost += _overhead(piece.style)
        if cur and used + cost > limit:
            cut = max((i for i, p in enumerate(cur) if p.boundary and i > 0), default=0)
            if cut and _size(cur[:cut]) >= limit // 2:
                chunks.append(cur[:cut])
                cur = _lstrip(cur[cut:])
                if cur and _size([*cur, piece]) > limit:
                    chunks.append(cur)
                    cur = []
            else:
                chunks.append(cur)
                cur = []
            used = _size(cur)
            cost = _size([*cur, piece]) - used
        if not cur and _blank(piece):
            continue
        cur.append(piece)
        used += cost
    if cur:
        chunks.append(cur)
    return chunks


def _html(chunk: list[_Run]) -> str:
    merged: list[list[str]] = []
    for piece in chunk:
        if merged and merged[-1][0] == piece.style:
            merged[-1][1] += piece.text
        else:
            merged.append([piece.style, piece.text])
    if merged:
        merged[-1][1] = merged[-1][1].rstrip()
    parts = []
    for style, text in merged:
        if not text:
            continue
        open_, close = _STYLE_TAGS[style]
        parts.append(f"{open_}{escape(text)}{close}")
    return "".join(parts).strip("\n")


# ----------------------------------------------------------------------------- render


def render(reply: Reply, limit: int = TEXT_LIMIT) -> list[Message]:
    """The messages to send for *reply*, in order; the keyboard is on the last one."""
    out: list[Message] = []
    runs: list[_Run] = []

    def flush() -> None:
        out.extend(Message(_html(chunk)) for chunk in _pack(runs, limit))
        runs.clear()

    for block in reply.blocks:
        if isinstance(block, Image):
            flush()
            caption = escape(fit(" ".join(block.caption.split()), CAPTION_LIMIT))
            out.append(Message(caption, photo=block.png))
            continue
        block_runs = _trim(_block_runs(block))
        if not block_runs:
            continue
        if runs:
            runs.append(_Run("", "\n\n"))
        first = block_runs[0]
        runs.append(first._replace(boundary=True))
        runs.extend(block_runs[1:])
    flush()
    out = [m for m in out if m.is_photo or m.text.strip()]
    markup = keyboard(reply)
    if markup is not None:
        if not out:
            out.append(Message(EMPTY_TEXT))
        last = out[-1]
        out[-1] = Message(last.text, markup, last.photo)
    return out
