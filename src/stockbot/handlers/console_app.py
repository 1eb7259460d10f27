"""The console as a platform: the runtime's replies, plus what the flows queued in the outbox
for the person typing and for this chat (approval cards, "your material is ready"), rendered
in their language and shown inline. A notice for someone else waits until someone types as
them (`/as carol`, or `stockbot chat --as carol`) — as a Slack DM waits for its reader."""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import TextIO

from stockbot.commands.inbound import Inbound
from stockbot.flows.notices import deliver_console
from stockbot.handlers.base import handle_once
from stockbot.handlers.console import ConsoleChat
from stockbot.i18n import t
from stockbot.replies import Reply, Text
from stockbot.runtime import Runtime
from stockbot.store.console_buttons import StoredButtons


def console_handle(runtime: Runtime) -> Callable[[Inbound], Reply]:
    def handle(inbound: Inbound) -> Reply:
        reply = handle_once(runtime.db, runtime.handle, inbound)
        delivered = deliver_console(
            runtime.db, runtime.settings, user=inbound.user_id, chat=inbound.chat_id
        )
        for target, message in delivered:
            who = target.removeprefix("user:")
            header = Text(text=t("outbox.to", runtime.settings.default_language, who=who))
            reply = reply + Reply.of(header, *message.blocks)
        return reply

    return handle


CHAT_ID = "console"
"""The console's one chat: its button numbers are kept under this id."""


def console_chat(
    runtime: Runtime, user: str, stdin: TextIO = sys.stdin, stdout: TextIO = sys.stdout
) -> ConsoleChat:
    """A console on the runtime's database; its button numbers are stored there, so `3` still
    presses yesterday's [3] after a restart."""
    return ConsoleChat(
        console_handle(runtime),
        user=user,
        stdin=stdin,
        stdout=stdout,
        chat_id=CHAT_ID,
        prompt=stdin.isatty(),
        has_question=runtime.has_question,
        buttons=StoredButtons(runtime.db, CHAT_ID),
    )


def run_console(
    runtime: Runtime, user: str, stdin: TextIO = sys.stdin, stdout: TextIO = sys.stdout
) -> None:
    from stockbot.lookup.service import ItemSearch

    ItemSearch.of(runtime.db).warm(runtime.db)  # build the index while the user types
    console_chat(runtime, user, stdin, stdout).run()
