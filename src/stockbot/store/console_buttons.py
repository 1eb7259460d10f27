"""The console's button numbers, kept per chat in the database (`console_buttons`).

A console shows `[3] Approve`; the person may type `3` after the process restarted (or from a
second terminal on the same chat). Numbers therefore live with the data, not in the process:
one action id keeps one number in a chat, numbers only grow, and a number never changes what
it stands for. Whether the action still applies is the action token's business, as on Slack.
"""

from __future__ import annotations

from typing import cast

from sqlalchemy import Table, func, select
from sqlalchemy.dialects import postgresql, sqlite

from stockbot.store.db import Database
from stockbot.store.models import ConsoleButton
from stockbot.timeutil import utcnow

__all__ = ["StoredButtons"]

_TRIES = 5
"""Two terminals numbering at the same moment: the loser of an insert takes the next number."""


class StoredButtons:
    """`number(action_id)` and `action(number)` for one console chat, in the database."""

    def __init__(self, db: Database, chat_id: str) -> None:
        self.db = db
        self.chat_id = chat_id

    def number(self, action_id: str) -> int:
        """The chat's number for this action; the next free one the first time it is shown."""
        table = cast(Table, ConsoleButton.__table__)
        for _ in range(_TRIES):
            with self.db.write() as s:
                known = s.scalar(
                    select(ConsoleButton.number).where(
                        ConsoleButton.chat_id == self.chat_id,
                        ConsoleButton.action_id == action_id,
                    )
                )
                if known is not None:
                    return int(known)
                top = s.scalar(
                    select(func.max(ConsoleButton.number)).where(
                        ConsoleButton.chat_id == self.chat_id
                    )
                )
                number = int(top or 0) + 1
                pg = s.get_bind().dialect.name == "postgresql"
                insert = postgresql.insert if pg else sqlite.insert
                done = s.scalar(
                    insert(table)
                    .values(
                        chat_id=self.chat_id,
                        number=number,
                        action_id=action_id,
                        created_at=utcnow(),
                    )
                    .on_conflict_do_nothing()
                    .returning(table.c.number)
                )
                if done is not None:
                    return number
        raise RuntimeError(f"console {self.chat_id}: could not number a button")

    def action(self, number: int) -> str | None:
        """The action id the chat showed as [number], if it ever did."""
        with self.db.read() as s:
            return s.scalar(
                select(ConsoleButton.action_id).where(
                    ConsoleButton.chat_id == self.chat_id, ConsoleButton.number == number
                )
            )
