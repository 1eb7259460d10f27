"""Reply → DingTalk: a markdown message, or an interactive card when the reply has buttons.

DingTalk robot markdown is a small subset (bold, links, lists, line breaks need two spaces or a
blank line), close to our `Text` markup, so text passes through with user text already escaped
by the flows; fields become `**label**: value` lines and tables aligned plain lines. Buttons
need a card: an interactive card template (made once in DingTalk's card builder, see README)
with two variables — `markdown` (the text) and `buttons` (a JSON list of `{text, action}`) —
whose buttons call back with `action` through Stream mode. An image keeps its caption in the
text and travels in `Card.images`: the adapter uploads each PNG and sends it as a picture after
the text. Each renderer handles every block type, unknown ones as text.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from stockbot.handlers.text_render import render_block, table_lines
from stockbot.replies import Block, Button, Buttons, Choice, Fields, Image, Reply, Table, Text

__all__ = ["Card", "render", "sample_image"]

TITLE_LIMIT = 20
"""The title shown in the conversation list and notifications; DingTalk cuts longer ones."""


@dataclass
class Card:
    """One DingTalk message: markdown, and the buttons a card shows (none: plain markdown)."""

    title: str
    markdown: str
    buttons: list[dict[str, str]] = field(default_factory=list)
    images: list[Image] = field(default_factory=list)
    """Pictures to send after the text (the summary's chart), in reply order."""

    def card_data(self, chat_id: str) -> dict[str, str]:
        """The card template's variables (`cardParamMap`: strings only). Each button carries
        the chat it was shown in, so a press tomorrow still knows where it happened."""
        buttons = [{**b, "chat": chat_id} for b in self.buttons]
        return {"markdown": self.markdown, "buttons": json.dumps(buttons, ensure_ascii=False)}

    def sample_markdown(self) -> dict[str, str]:
        """`msgParam` of the robot's `sampleMarkdown` message."""
        return {"title": self.title, "text": self.markdown}


def sample_image(media_id: str) -> dict[str, str]:
    """`msgParam` of the robot's `sampleImageMsg` message: an uploaded picture."""
    return {"photoURL": media_id}


def _button(button: Button) -> dict[str, str]:
    return {"text": button.label, "action": button.action_id, "style": button.style}


def _block(block: Block, buttons: list[dict[str, str]], images: list[Image]) -> str:
    if isinstance(block, Text):
        return block.text
    if isinstance(block, Fields):
        lines = [f"**{block.title}**"] if block.title else []
        lines += [f"- **{label}**: {value}" for label, value in block.rows]
        return "\n".join(lines)
    if isinstance(block, Table):
        return "\n".join(f"- {line.strip()}" for line in table_lines(block))
    if isinstance(block, Buttons):
        buttons += [_button(b) for b in block.buttons]
        return ""
    if isinstance(block, Button):
        buttons.append(_button(block))
        return ""
    if isinstance(block, Choice):
        buttons += [_button(b) for b in block.options]
        return block.prompt
    if isinstance(block, Image):
        images.append(block)
        return block.caption
    return render_block(block, lambda _b: 0)


def render(reply: Reply) -> Card | None:
    """The message for *reply*; None for an empty reply (a duplicate delivery: send nothing)."""
    if not reply.blocks:
        return None
    buttons: list[dict[str, Any]] = []
    images: list[Image] = []
    parts = [part for block in reply.blocks if (part := _block(block, buttons, images))]
    markdown = "\n\n".join(parts)
    first = next((p for p in reply.plain().splitlines() if p.strip()), "stockbot")
    title = first.strip().replace("*", "")[:TITLE_LIMIT]
    return Card(title=title, markdown=markdown, buttons=buttons, images=images)
