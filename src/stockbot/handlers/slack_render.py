"""Reply → Slack Block Kit: ``blocks`` plus a plain ``text`` fallback (notifications, screen
readers, clients without blocks).

- Text → section (mrkdwn): our ``*bold*`` / `` `code` `` become Slack's; ``&``, ``<`` and ``>``
  are escaped everywhere, so a user typing ``<!channel>`` or ``<@U1>`` pings nobody.
- Fields → section fields (≤ 10 per section), the title as a bold section above.
- Table → a preformatted code block with columns aligned by display width (物料 counts two).
- Buttons / Choice → an actions block; each button's ``action_id`` is ``stockbot_<n>`` (unique per
  message, as Slack requires) and its ``value`` is OUR opaque action id.
- Image → returned separately for ``files_upload_v2``; where no upload is possible (an ephemeral
  reply) a caption line stands in.
- Anything else → a section with its :meth:`Block.plain` text.

Slack's limits are respected by splitting, never by failing: section text ≤ 3000 characters,
field text ≤ 2000, ≤ 10 fields, ≤ 25 buttons per actions block, ≤ 50 blocks per message (a longer
reply becomes several messages).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from stockbot.handlers.text_render import table_lines
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
    "ACTION_PREFIX",
    "MAX_BLOCKS",
    "MAX_SECTION_TEXT",
    "Rendered",
    "SlackMessage",
    "escape",
    "literal",
    "mrkdwn",
    "render",
    "unescape",
]

MAX_BLOCKS = 50
MAX_SECTION_TEXT = 3000
MAX_FIELD_TEXT = 2000
MAX_FIELDS = 10
MAX_ACTIONS = 25
MAX_BUTTON_TEXT = 75
MAX_VALUE = 2000
MAX_FALLBACK_TEXT = 3000
ACTION_PREFIX = "stockbot_"
"""Our buttons' Slack ``action_id`` prefix; the adapter listens for ``stockbot_<n>``."""

_CONTROL_RE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
_ZWSP = "\u200b"


# --------------------------------------------------------------------------- escaping


def escape(text: str) -> str:
    """Slack's three control characters; nothing else needs escaping in mrkdwn."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


_MARKERS_RE = re.compile(r"([*_~`])")


def literal(text: str) -> str:
    """Plain text for a mrkdwn field, shown exactly as written.

    mrkdwn has no backslash escape, so a user's own ``*``, ``_``, ``~`` and backtick get a
    zero-width space on each side: no longer touching a word, they cannot open or close
    formatting (the same word-boundary rule `_join` relies on), and the text looks unchanged."""
    return _MARKERS_RE.sub(_ZWSP + r"\1" + _ZWSP, escape(text))


def unescape(text: str) -> str:
    """What Slack sends us in message and command text (``&lt;`` …) back to the typed text."""
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def _clean(text: str) -> str:
    return _CONTROL_RE.sub("", text)


def _code(text: str) -> str:
    return "`" + escape(text).replace("`", "ˋ") + "`"


def _bold(body: str) -> str:
    """Slack only bolds ``*x*`` when the markers hug non-space text: keep spaces outside."""
    core = body.strip()
    if not core:
        return body
    lead = body[: len(body) - len(body.lstrip())]
    trail = body[len(body.rstrip()) :]
    return f"{lead}*{core}*{trail}"


def _line(runs: list[tuple[str, bool, bool]]) -> str:
    """One line of (text, bold, code) runs as mrkdwn: consecutive bold runs share one pair of
    markers; a marker touching a letter or digit gets a zero-width space next to it so Slack
    still sees a word boundary (``*MR-1*approved`` would not turn bold)."""
    groups: list[tuple[bool, str]] = []
    for text, bold, code in runs:
        piece = _code(text) if code else literal(text)
        if groups and groups[-1][0] == bold:
            groups[-1] = (bold, _join(groups[-1][1], piece))
        else:
            groups.append((bold, piece))
    out = ""
    for bold, body in groups:
        out = _join(out, _bold(body) if bold else body)
    return out


def _join(left: str, right: str) -> str:
    touching = (
        left
        and right
        and ((left[-1] in "*`" and right[0].isalnum()) or (right[0] in "*`" and left[-1].isalnum()))
    )
    return left + _ZWSP + right if touching else left + right


def mrkdwn(text: str) -> str:
    """Text markup → Slack mrkdwn, line by line (every line is self-contained, so long text can
    be split between lines without breaking a marker)."""
    lines: list[list[tuple[str, bool, bool]]] = [[]]
    for span in inline_spans(_clean(text)):
        for i, piece in enumerate(span.text.split("\n")):
            if i:
                lines.append([])
            if piece:
                lines[-1].append((piece, span.bold, span.code))
    return "\n".join(_line(runs) for runs in lines)


# --------------------------------------------------------------------------- splitting


def _cut(text: str, limit: int) -> tuple[str, str]:
    """Split *text* at most *limit* characters in, never inside an ``&…;`` entity."""
    head = text[:limit]
    amp = head.rfind("&", max(0, limit - 5))
    if amp != -1 and ";" not in head[amp:] and len(text) > limit:
        head = head[:amp]
    if not head:  # pathological; take the limit
        head = text[:limit]
    return head, text[len(head) :]


def _chunks(text: str, limit: int) -> list[str]:
    """Greedy packing of whole lines into chunks ≤ *limit*; an over-long line is cut."""
    chunks: list[str] = []
    current = ""
    for line in text.split("\n"):
        while len(line) > limit:
            if current:
                chunks.append(current)
                current = ""
            head, line = _cut(line, limit)
            chunks.append(head)
        candidate = f"{current}\n{line}" if current else line
        if current and len(candidate) > limit:
            chunks.append(current)
            current = line
        else:
            current = candidate
    if current.strip():
        chunks.append(current)
    return [c for c in chunks if c.strip()]


def _truncate(text: str, limit: int) -> str:
    if len(text) <= limit:
        return text
    head, _ = _cut(text, limit - 1)
    return head + "…"


# --------------------------------------------------------------------------- blocks


def _section(text: str) -> dict[str, Any]:
    return {"type": "section", "text": {"type": "mrkdwn", "text": text}}


def _sections(text: str) -> list[dict[str, Any]]:
    return [_section(chunk) for chunk in _chunks(text, MAX_SECTION_TEXT)]


def _one_line(text: str) -> str:
    return " ".join(_clean(text).split())


def _fields(block: Fields) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    if block.title:
        out.append(_section(_truncate(f"*{literal(_one_line(block.title))}*", MAX_SECTION_TEXT)))
    items = [
        {
            "type": "mrkdwn",
            "text": _truncate(
                f"*{literal(_one_line(label))}*\n{literal(_clean(value))}"
                if _one_line(label)
                else literal(_clean(value)) or " ",
                MAX_FIELD_TEXT,
            ),
        }
        for label, value in block.rows
    ]
    for i in range(0, len(items), MAX_FIELDS):
        out.append({"type": "section", "fields": items[i : i + MAX_FIELDS]})
    return out


def _table(block: Table) -> list[dict[str, Any]]:
    def cell(text: str) -> str:
        return _one_line(text).replace("`", "'")

    lines = [escape(line) for line in table_lines(block, cell)]
    out: list[dict[str, Any]] = []
    if block.title:
        out.append(_section(_truncate(f"*{literal(_one_line(block.title))}*", MAX_SECTION_TEXT)))
    fence = 8  # "```\n" + "\n```"
    for chunk in _chunks("\n".join(lines), MAX_SECTION_TEXT - fence):
        out.append(_section(f"```\n{chunk}\n```"))
    return out


@dataclass
class _Numbering:
    """Slack wants each ``action_id`` unique within a message."""

    n: int = 0

    def next(self) -> str:
        self.n += 1
        return f"{ACTION_PREFIX}{self.n}"


def _button(button: Button, numbering: _Numbering) -> dict[str, Any]:
    element: dict[str, Any] = {
        "type": "button",
        "text": {
            "type": "plain_text",
            "text": _truncate(_one_line(button.label) or "·", MAX_BUTTON_TEXT),
            "emoji": True,
        },
        "action_id": numbering.next(),
        "value": button.action_id[:MAX_VALUE],
    }
    if button.style in ("primary", "danger"):
        element["style"] = button.style
    return element


def _actions(buttons: list[Button], numbering: _Numbering) -> list[dict[str, Any]]:
    elements = [_button(b, numbering) for b in buttons]
    return [
        {"type": "actions", "elements": elements[i : i + MAX_ACTIONS]}
        for i in range(0, len(elements), MAX_ACTIONS)
    ]


def _image_stand_in(block: Image) -> list[dict[str, Any]]:
    caption = _one_line(block.caption)
    return _sections(f"🖼 {literal(caption)}" if caption else "🖼")


def _block(
    block: Block, numbering: _Numbering, images: list[Image] | None
) -> list[tuple[dict[str, Any], str]]:
    """One reply block → (Slack block, its plain text) pairs."""
    plain = block.plain() if isinstance(block, Block) else str(block)
    if isinstance(block, Text):
        slack = _sections(mrkdwn(block.text))
    elif isinstance(block, Fields):
        slack = _fields(block)
    elif isinstance(block, Table):
        slack = _table(block)
    elif isinstance(block, Buttons):
        slack = _actions(list(block.buttons), numbering)
    elif isinstance(block, Button):
        slack = _actions([block], numbering)
    elif isinstance(block, Choice):
        slack = [*_sections(literal(_clean(block.prompt))), *_actions(block.options, numbering)]
        plain = block.prompt
    elif isinstance(block, Image):
        if images is not None:
            images.append(block)
            return []
        slack = _image_stand_in(block)
    else:
        slack = _sections(literal(_clean(plain)))
    if isinstance(block, Buttons | Button):
        plain = ""  # buttons say nothing in a notification
    return [(b, plain if i == 0 else "") for i, b in enumerate(slack)]


# --------------------------------------------------------------------------- messages


@dataclass
class SlackMessage:
    """What ``chat.postMessage`` / ``respond`` / ``chat.update`` take."""

    text: str
    blocks: list[dict[str, Any]]

    def kwargs(self) -> dict[str, Any]:
        return {"text": self.text, "blocks": self.blocks}


@dataclass
class Rendered:
    messages: list[SlackMessage] = field(default_factory=list)
    images: list[Image] = field(default_factory=list)

    def __iter__(self) -> Iterator[SlackMessage]:
        return iter(self.messages)


def _fallback(plains: list[str]) -> str:
    text = "\n\n".join(p for p in (_clean(p).strip() for p in plains) if p)
    return _truncate(literal(text), MAX_FALLBACK_TEXT) or " "


def render(reply: Reply, *, upload_images: bool = True, max_blocks: int = MAX_BLOCKS) -> Rendered:
    """The reply as one or more Slack messages (≤ *max_blocks* blocks each).

    With *upload_images* the Image blocks are returned in ``images`` for ``files_upload_v2``
    (posted after the messages); without it (ephemeral replies) a caption line stands in."""
    numbering = _Numbering()
    images: list[Image] | None = [] if upload_images else None
    pairs = [pair for block in reply.blocks for pair in _block(block, numbering, images)]
    messages = []
    for i in range(0, len(pairs), max_blocks):
        chunk = pairs[i : i + max_blocks]
        messages.append(
            SlackMessage(text=_fallback([p for _, p in chunk]), blocks=[b for b, _ in chunk])
        )
    return Rendered(messages=messages, images=images or [])


def render_blocks(reply: Reply) -> list[dict[str, Any]]:
    """All blocks of the reply in one list (images as caption lines); for previews and tests."""
    numbering = _Numbering()
    return [b for block in reply.blocks for b, _ in _block(block, numbering, None)]


def strip_mention(text: str, bot_user_id: str | None) -> str:
    """Drop the bot's own mention (``<@UBOT>`` or ``<@UBOT|stockbot>``) wherever it is."""
    if bot_user_id:
        return re.sub(rf"<@{re.escape(bot_user_id)}(?:\|[^>]*)?>[,:，：]?", " ", text, count=1)
    return re.sub(r"^\s*<@[A-Z0-9]+(?:\|[^>]*)?>[,:，：]?", " ", text, count=1)


def decided_card(original: list[dict[str, Any]], outcome: SlackMessage) -> SlackMessage:
    """The pressed card edited in place: what it asked (its buttons removed) and what was
    decided, so the channel shows the truth instead of stale buttons."""
    kept = [
        b
        for b in original
        if not (
            b.get("type") == "actions"
            and all(
                str(e.get("action_id", "")).startswith(ACTION_PREFIX)
                for e in b.get("elements") or []
            )
        )
    ]
    room = MAX_BLOCKS - len(outcome.blocks)
    kept = kept[: max(0, room)]
    return SlackMessage(text=outcome.text, blocks=[*kept, *outcome.blocks])
