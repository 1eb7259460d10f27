"""The console as a platform: the runtime's replies, plus whatever the flows queued in the
outbox for console users (approval cards, "your material is ready"), shown inline — one
terminal plays requester, approver and keeper, so everything addressed to anyone appears."""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import TextIO

from stockbot.commands.inbound import Inbound
from stockbot.handlers.console import ConsoleChat
from stockbot.i18n import t
from stockbot.replies import Reply, Text
from stockbot.runtime import Runtime
from stockbot.store.outbox import deliver_console


def console_handle(runtime: Runtime) -> Callable[[Inbound], Reply]:
    def handle(inbound: Inbound) -> Reply:
        reply = runtime.handle(inbound)
        for msg in deliver_console(runtime.db):
            who = msg.target.removeprefix("user:")
            header = Text(text=t("outbox.to", runtime.settings.default_language, who=who))
            reply = reply + Reply.of(header, *msg.reply.blocks)
        return reply

    return handle


def run_console(
    runtime: Runtime, user: str, stdin: TextIO = sys.stdin, stdout: TextIO = sys.stdout
) -> None:
    from stockbot.lookup.service import ItemSearch

    ItemSearch.of(runtime.db).warm(runtime.db)  # build the index while the user types
    ConsoleChat(
        console_handle(runtime), user=user, stdin=stdin, stdout=stdout, prompt=stdin.isatty()
    ).run()
