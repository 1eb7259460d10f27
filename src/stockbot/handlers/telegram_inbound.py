"""Who a Telegram message points at: text mentions and the author of the message replied to.

Only what Telegram vouches for (a user id in an entity, the replied message's sender) ever names
a person; the words on screen never do, so a stranger called "frank" cannot be taken for
@frank (issue 9).
"""

from __future__ import annotations

from telegram import Message, MessageEntity, User

from stockbot.commands.inbound import Person

__all__ = ["replied_author", "with_mentions"]


def _person(user: User) -> Person:
    return Person(user_id=str(user.id), name=user.full_name or None, handle=user.username)


def with_mentions(message: Message) -> tuple[str, tuple[Person, ...]]:
    """The text with each text mention (someone picked from the list, who may have no
    username) written as ``telegram:<id>``, so that commands naming a person get the identity
    Telegram vouches for, never the words shown; and those people, for their names."""
    text = message.text or ""
    marked = [
        e
        for e in message.entities or ()
        if e.type == MessageEntity.TEXT_MENTION and e.user is not None
    ]
    if not marked:
        return text, ()
    units = text.encode("utf-16-le")  # entity offsets count UTF-16 code units
    out, end = [], 0
    for e in sorted(marked, key=lambda e: e.offset):
        start = e.offset * 2
        if start < end:
            continue  # overlapping entities: keep the first
        out.append(units[end:start].decode("utf-16-le"))
        out.append(f" telegram:{e.user.id} " if e.user else "")
        end = start + e.length * 2
    out.append(units[end:].decode("utf-16-le"))
    people = tuple(_person(e.user) for e in marked if e.user is not None)
    return "".join(out), people


def replied_author(message: Message, bot_id: int) -> Person | None:
    """The person whose message this one answers (not a bot: answering the bot is a reply)."""
    replied = message.reply_to_message
    author = replied.from_user if replied is not None else None
    if author is None or author.is_bot or author.id == bot_id:
        return None
    return _person(author)
