"""Reply → Feishu messages: one interactive card (message card JSON 1.0), and an image message
per `Image` block (the PNG is uploaded first, so it travels as its own message).

Cards carry ``update_multi`` so a decision edits the card for everyone in the group. Buttons
carry our action id as ``value.a`` (opaque, ≤ 64 bytes); the press comes back as
``card.action.trigger`` with that value. Text goes as ``lark_md``: our markup subset
(`stockbot.replies.inline_spans`) becomes ``**bold**``; user text has the characters lark_md
would read as markup or tags escaped, so an item called ``<at id=all>`` stays text.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from stockbot.handlers.text_render import render_block, table_lines
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

__all__ = ["FeishuMessage", "card_json", "escape", "render"]

_ESCAPES = {"&": "&amp;", "<": "&lt;", ">": "&gt;", "*": "\\*", "~": "\\~", "[": "\\[", "]": "\\]"}
_STYLES = {"primary": "primary", "danger": "danger", "default": "default"}


@dataclass
class FeishuMessage:
    """One message to send: a card, or an image (PNG bytes) with no card."""

    card: dict[str, Any] | None = None
    png: bytes | None = None
    alt: str = ""
    buttons: list[str] = field(default_factory=list)
    """The action ids on the card (tests and logs)."""


def escape(text: str) -> str:
    """User text shown literally inside lark_md."""
    return "".join(_ESCAPES.get(ch, ch) for ch in text)


def lark_md(text: str) -> str:
    out = []
    for span in inline_spans(text):
        body = escape(span.text)
        out.append(f"**{body}**" if span.bold and body.strip() else body)
    return "".join(out)


def _md(content: str) -> dict[str, Any]:
    return {"tag": "div", "text": {"tag": "lark_md", "content": content}}


def _plain(content: str) -> dict[str, Any]:
    return {"tag": "div", "text": {"tag": "plain_text", "content": content}}


def _button(button: Button) -> dict[str, Any]:
    return {
        "tag": "button",
        "text": {"tag": "plain_text", "content": button.label},
        "type": _STYLES.get(button.style, "default"),
        "value": {"a": button.action_id},
    }


def _actions(buttons: list[Button]) -> dict[str, Any]:
    return {"tag": "action", "actions": [_button(b) for b in buttons]}


def _element(block: Block) -> list[dict[str, Any]]:
    if isinstance(block, Text):
        return [_md(lark_md(block.text))]
    if isinstance(block, Fields):
        lines = [f"**{escape(block.title)}**"] if block.title else []
        lines += [f"**{escape(label)}**: {escape(value)}" for label, value in block.rows]
        return [_md("\n".join(lines))]
    if isinstance(block, Table):
        parts = [_md(f"**{escape(block.title)}**")] if block.title else []
        return [*parts, _plain("\n".join(table_lines(block)))]
    if isinstance(block, Buttons):
        return [_actions(block.buttons)]
    if isinstance(block, Button):
        return [_actions([block])]
    if isinstance(block, Choice):
        return [_md(escape(block.prompt)), _actions(block.options)]
    return [_plain(render_block(block, lambda _b: 0))]


def render(reply: Reply) -> list[FeishuMessage]:
    """The messages for *reply*, in order; an empty reply is no message at all."""
    messages: list[FeishuMessage] = []
    elements: list[dict[str, Any]] = []
    buttons: list[str] = []

    def flush() -> None:
        if elements:
            card = {"config": {"wide_screen_mode": True, "update_multi": True}}
            messages.append(FeishuMessage(card={**card, "elements": list(elements)}))
            messages[-1].buttons = list(buttons)
            elements.clear()
            buttons.clear()

    for block in reply.blocks:
        if isinstance(block, Image):
            if block.caption:
                elements.append(_md(escape(block.caption)))
            flush()
            messages.append(FeishuMessage(png=block.png, alt=block.caption))
            continue
        elements += _element(block)
        if isinstance(block, Buttons):
            buttons += [b.action_id for b in block.buttons]
        elif isinstance(block, Choice):
            buttons += [b.action_id for b in block.options]
        elif isinstance(block, Button):
            buttons.append(block.action_id)
    flush()
    return messages


def card_json(message: FeishuMessage) -> str:
    return json.dumps(message.card, ensure_ascii=False)
