"""Reply → plain text, for the console and as a last-resort fallback.

Columns are aligned by display width (a Chinese character takes two cells), so tables with
物料 names line up in a terminal; a cell too long for a table is clipped with a mark (`…`).
Control characters from user text are dropped so an item name cannot move the cursor or
recolour the terminal.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from stockbot.replies import Block, Button, Buttons, Choice, Fields, Image, Reply, Table, Text
from stockbot.text import TABLE_CELLS, clip, display_width, pad

__all__ = ["display_width", "render_block", "render_text", "table_lines"]

_CONTROL_RE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def _clean(text: str) -> str:
    return _CONTROL_RE.sub("", text)


def _one_line(text: str) -> str:
    return " ".join(_clean(text).split())


def _fields(block: Fields) -> str:
    lines = [_one_line(block.title)] if block.title else []
    labels = [_one_line(label) + ":" for label, _ in block.rows]
    width = max((display_width(label) for label in labels), default=0)
    for label, (_, value) in zip(labels, block.rows, strict=True):
        value_lines = _clean(value).splitlines() or [""]
        lines.append(f"{pad(label, width)} {value_lines[0]}".rstrip())
        lines += [" " * (width + 1) + more for more in value_lines[1:]]
    return "\n".join(lines)


def table_lines(block: Table, cell: Callable[[str], str] | None = None) -> list[str]:
    """A table as aligned plain lines (header, a rule, rows), columns padded by display width.
    Each cell is one line, clipped to TABLE_CELLS with a mark (`stockbot.text.clip`), so a long
    name never silently loses its end. *cell* cleans a cell first (Slack swaps backticks)."""
    tidy = cell or _one_line

    def fit(text: str) -> str:
        return clip(tidy(text), TABLE_CELLS)

    header = [fit(h) for h in block.headers]
    rows = [[fit(c) for c in row] for row in block.rows]
    widths = [
        max([display_width(header[i]), *(display_width(r[i]) for r in rows)])
        for i in range(len(header))
    ]

    def line(cells: Sequence[str]) -> str:
        return "  ".join(pad(c, w) for c, w in zip(cells, widths, strict=True)).rstrip()

    return [line(header), "  ".join("-" * w for w in widths), *(line(r) for r in rows)]


def _table(block: Table) -> str:
    lines = [_one_line(block.title)] if block.title else []
    return "\n".join([*lines, *table_lines(block)])


def _button(button: Button, number_button: Callable[[Button], int]) -> str:
    return f"[{number_button(button)}] {_one_line(button.label)}"


def render_block(block: Block, number_button: Callable[[Button], int]) -> str:
    """One block as text; an unknown block falls back to its :meth:`Block.plain` text."""
    if isinstance(block, Text):
        return _clean(block.plain())
    if isinstance(block, Fields):
        return _fields(block)
    if isinstance(block, Table):
        return _table(block)
    if isinstance(block, Buttons):
        return "  ".join(_button(b, number_button) for b in block.buttons)
    if isinstance(block, Button):
        return _button(block, number_button)
    if isinstance(block, Choice):
        options = [_button(b, number_button) for b in block.options]
        return "\n".join([_clean(block.prompt), *options])
    if isinstance(block, Image):
        caption = _one_line(block.caption)
        size = f"{len(block.png)} bytes"
        return f"[image: {caption}, {size}]" if caption else f"[image: {size}]"
    plain = block.plain() if isinstance(block, Block) else str(block)
    return _clean(plain)


def render_text(reply: Reply, number_button: Callable[[Button], int]) -> str:
    """The whole reply, blocks separated by a blank line; *number_button* numbers each button."""
    parts = (render_block(block, number_button) for block in reply.blocks)
    return "\n\n".join(part for part in parts if part)
