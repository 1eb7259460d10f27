"""Persistent "what does this user's next message mean" state, per chat.

A pressed Reject asks for a reason; a count asks for the next quantity. The expectation is a row
(`conversations`), so it survives a restart, and the next plain message from that user in that
chat answers it. A real command always wins over an expectation.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from stockbot.flows.common import actor_id
from stockbot.flows.context import Ctx
from stockbot.store.models import Conversation
from stockbot.timeutil import utcnow


def expect(
    ctx: Ctx, s: Session, kind: str, doc_id: int, payload: dict[str, Any] | None = None
) -> None:
    uid = actor_id(ctx, s)
    conv = s.get(Conversation, (ctx.origin.platform, ctx.origin.chat_id, uid))
    if conv is None:
        conv = Conversation(platform=ctx.origin.platform, chat_id=ctx.origin.chat_id, user_id=uid)
        s.add(conv)
    conv.kind, conv.doc_id, conv.payload, conv.updated_at = kind, doc_id, payload or {}, utcnow()
    s.flush()


def pending(ctx: Ctx, s: Session) -> Conversation | None:
    if ctx.actor.user_id is None:
        return None
    return s.scalar(
        select(Conversation).where(
            Conversation.platform == ctx.origin.platform,
            Conversation.chat_id == ctx.origin.chat_id,
            Conversation.user_id == ctx.actor.user_id,
        )
    )


def clear(ctx: Ctx, s: Session) -> None:
    if ctx.actor.user_id is None:
        return
    s.execute(
        delete(Conversation).where(
            Conversation.platform == ctx.origin.platform,
            Conversation.chat_id == ctx.origin.chat_id,
            Conversation.user_id == ctx.actor.user_id,
        )
    )
