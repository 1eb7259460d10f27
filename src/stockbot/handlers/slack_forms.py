"""Slack modals: the views the adapter opens, and reading their submissions back as text.

A form is a kinder way to type a command or an answer; its submission becomes exactly the
text a user could have typed, so the parser and the flows check everything as usual.
"""

from __future__ import annotations

import json
from typing import Any

from stockbot.handlers.slack_render import escape

__all__ = ["ANSWER_VIEW", "RECEIPT_VIEW", "answer_text", "answer_view", "receipt_view"]

RECEIPT_VIEW = "stockbot_receive"
"""The goods-receipt form a bare `/receive` opens."""
ANSWER_VIEW = "stockbot_answer"
"""The modal that asks for a free-text answer (a reject reason)."""


def answer_view(question: str, channel: str, ts: str | None) -> dict[str, Any]:
    """A modal with the question and a text box; its submission is the user's answer,
    exactly as if typed in the channel (the flow is already waiting for it)."""
    return {
        "type": "modal",
        "callback_id": ANSWER_VIEW,
        "private_metadata": json.dumps({"channel": channel, "ts": ts}),
        "title": {"type": "plain_text", "text": "stockbot"},
        "submit": {"type": "plain_text", "text": "Send / 提交"},
        "close": {"type": "plain_text", "text": "Cancel / 取消"},
        "blocks": [
            {"type": "section", "text": {"type": "mrkdwn", "text": escape(question[:2900])}},
            {
                "type": "input",
                "block_id": "answer",
                "label": {"type": "plain_text", "text": "Reason / 原因"},
                "element": {
                    "type": "plain_text_input",
                    "action_id": "text",
                    "multiline": True,
                    "max_length": 500,
                },
            },
        ],
    }


def answer_text(view: dict[str, Any]) -> str:
    """What was typed into an answer form."""
    state = ((view.get("state") or {}).get("values") or {}).get("answer", {}).get("text", {})
    return str(state.get("value") or "")


def receipt_view(channel: str) -> dict[str, Any]:
    """Goods in, as a form: item and quantity, then batch, expiry and location — kinder
    than remembering `/receive <item> <qty> po … batch … exp … loc …`."""

    def field(block_id: str, label: str, *, optional: bool = True) -> dict[str, Any]:
        return {
            "type": "input",
            "block_id": block_id,
            "optional": optional,
            "label": {"type": "plain_text", "text": label},
            "element": {"type": "plain_text_input", "action_id": "v"},
        }

    return {
        "type": "modal",
        "callback_id": RECEIPT_VIEW,
        "private_metadata": json.dumps({"channel": channel}),
        "title": {"type": "plain_text", "text": "Receive / 入库"},
        "submit": {"type": "plain_text", "text": "Receive / 入库"},
        "blocks": [
            field("item", "Item (code or name) / 物料", optional=False),
            field("qty", "Quantity / 数量 (e.g. 200, 2箱)", optional=False),
            field("po", "Purchase order / 采购单 (PO-00012)"),
            field("batch", "Batch / 批次"),
            {
                "type": "input",
                "block_id": "exp",
                "optional": True,
                "label": {"type": "plain_text", "text": "Expiry / 有效期"},
                "element": {"type": "datepicker", "action_id": "v"},
            },
            field("loc", "Location / 库位 (A-01)"),
        ],
    }


def receipt_command(view: dict[str, Any]) -> str:
    """A submitted receipt form as the `/receive …` command a keeper could have typed."""
    values = (view.get("state") or {}).get("values") or {}

    def get(block: str) -> str:
        v = values.get(block, {}).get("v", {})
        return str(v.get("value") or v.get("selected_date") or "").strip()

    words = [get("item"), get("qty")]
    for key in ("po", "batch", "exp", "loc"):
        if get(key):
            words += [key, get(key)]
    return "/receive " + " ".join(words)


def private_channel(view: dict[str, Any]) -> str | None:
    """The channel the form was opened from (kept in its private metadata)."""
    meta = json.loads(view.get("private_metadata") or "{}")
    channel = meta.get("channel")
    return str(channel) if channel else None
