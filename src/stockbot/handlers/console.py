"""A console chat: the same flows as Slack/Telegram, typed into a terminal (or piped in tests).

Buttons are numbered for the whole chat (``[1] Approve  [2] Reject``, then ``[3] …`` in the
next reply), so typing ``2`` later still means the same button, just as a Telegram button keeps
working after more messages arrive. With `store.console_buttons.StoredButtons` the numbers are
kept in the database and survive a restart; the default keeps them for the session only.
``/as <user>`` switches who is typing, to walk a request through staff → approver → keeper
from one keyboard.
"""

from __future__ import annotations

import logging
import unicodedata
import uuid
from collections.abc import Callable
from typing import Protocol, TextIO

from stockbot.commands.inbound import Inbound
from stockbot.handlers.text_render import render_text
from stockbot.i18n import detect_language, normalize_lang, tm
from stockbot.replies import Button, Reply, strip_markup

__all__ = ["ButtonNumbers", "ConsoleChat", "SessionButtons"]

log = logging.getLogger(__name__)

_QUIT = frozenset({"/quit", "/exit", "quit", "exit"})
_AS = frozenset({"/as", "as", "／as"})


class ButtonNumbers(Protocol):
    """Where a console keeps its button numbers (`StoredButtons`: the database)."""

    def number(self, action_id: str) -> int: ...

    def action(self, number: int) -> str | None: ...


class SessionButtons:
    """Button numbers for this process only (tests, and a console without a database)."""

    def __init__(self) -> None:
        self._actions: dict[int, str] = {}  # button number → action_id
        self._numbers: dict[str, int] = {}  # action_id → button number

    def number(self, action_id: str) -> int:
        number = self._numbers.get(action_id)
        if number is None:
            number = len(self._actions) + 1
            self._actions[number] = action_id
            self._numbers[action_id] = number
        return number

    def action(self, number: int) -> str | None:
        return self._actions.get(number)


class ConsoleChat:
    """A read–eval–print loop around ``handle(Inbound) -> Reply``."""

    def __init__(
        self,
        handle: Callable[[Inbound], Reply],
        user: str,
        stdin: TextIO,
        stdout: TextIO,
        chat_id: str = "console",
        prompt: bool = True,
        lang: str | None = None,
        has_question: Callable[[Inbound], bool] | None = None,
        buttons: ButtonNumbers | None = None,
    ) -> None:
        self.handle = handle
        self.has_question = has_question
        """Is the bot waiting for this person's answer here? Then a bare number (`147`, `0`)
        is the answer, not a button: a count must never press "Cancel count" by accident."""
        self.user = user
        self.stdin = stdin
        self.stdout = stdout
        self.chat_id = chat_id
        self.prompt = prompt
        self.lang = lang
        self._message_counter = 0
        # Message ids feed idempotency keys: unique per session, so a second console session's
        # message 1 is not mistaken for a redelivery of the first session's message 1.
        self._session = uuid.uuid4().hex[:12]
        self.buttons: ButtonNumbers = buttons or SessionButtons()

    # ----------------------------------------------------------------- loop

    def run(self) -> None:
        """Read lines until EOF or ``/quit``; never lets an exception out of one turn."""
        show_prompt = self.prompt and _isatty(self.stdin)
        try:
            while True:
                if show_prompt:
                    self.stdout.write(f"{self.user}> ")
                    self.stdout.flush()
                line = self.stdin.readline()
                if not line:
                    break
                if not self.feed(line):
                    break
        except KeyboardInterrupt:
            pass
        if show_prompt:
            self.stdout.write("\n")
        self.stdout.flush()

    def feed(self, line: str) -> bool:
        """Process one input line; False means the session should end."""
        text = line.strip()
        if not text:
            return True
        if text.lower() in _QUIT:
            return False
        words = text.split(maxsplit=1)
        if words[0].lower() in _AS:
            self._switch_user(words[1] if len(words) > 1 else "")
            return True
        number = _as_number(text)
        forced = unicodedata.normalize("NFKC", text).startswith("[")
        if number is not None and not forced and self.has_question is not None:
            inbound = self._inbound(text=text)
            if self.has_question(inbound):
                self._notice("console.answered", text, number=number)
                self._dispatch(inbound, lang_text=text)
                return True
        if number is not None:
            action_id = self.buttons.action(number)
            if action_id is None:
                self._notice("console.unknown_button", text, number=number)
                return True
            inbound = self._inbound(action_id=action_id)
            self._notice("console.pressed", None, number=number)
            self._dispatch(inbound, lang_text=None)
            return True
        self._dispatch(self._inbound(text=line.rstrip("\r\n")), lang_text=text)
        return True

    # ----------------------------------------------------------------- helpers

    def number_button(self, button: Button) -> int:
        """The chat's number for a button; the same action id keeps its number."""
        return self.buttons.number(button.action_id)

    def _inbound(self, *, text: str | None = None, action_id: str | None = None) -> Inbound:
        self._message_counter += 1
        return Inbound(
            platform="console",
            user_id=self.user,
            user_name=self.user,
            chat_id=self.chat_id,
            message_id=f"{self._session}-{self._message_counter}",
            event_id=f"{self._session}-{self._message_counter}",
            text=text,
            action_id=action_id,
            lang_hint=normalize_lang(self.lang),
        )

    def _dispatch(self, inbound: Inbound, *, lang_text: str | None) -> None:
        try:
            reply = self.handle(inbound)
            rendered = render_text(reply, self.number_button) if reply is not None else ""
        except Exception:
            log.exception("console: handling %r failed", inbound)
            self._notice("console.error", lang_text)
            return
        if rendered:
            self._say(rendered)

    def _switch_user(self, name: str) -> None:
        name = name.strip().lstrip("@＠")
        if not name or len(name.split()) != 1:
            self._notice("console.as_usage", None, user=self.user)
            return
        self.user = name
        self._notice("console.as_user", None, user=name)

    def _lang(self, text: str | None) -> str:
        return self.lang or detect_language(text) or "en"

    def _notice(self, key: str, lang_text: str | None, **params: object) -> None:
        """A console message from the catalog, in the language of *lang_text* when known."""
        self._say(strip_markup(tm(key, self._lang(lang_text), **params)))

    def _say(self, text: str) -> None:
        self.stdout.write(text.rstrip("\n") + "\n")
        self.stdout.flush()


def _as_number(text: str) -> int | None:
    """``3``, ``３`` (full width) or ``[3]`` (as shown; always a button) → 3; else None."""
    folded = unicodedata.normalize("NFKC", text)
    if folded.startswith("[") and folded.endswith("]"):
        folded = folded[1:-1].strip()
    if folded.isascii() and folded.isdigit() and len(folded) <= 9:
        return int(folded)
    return None


def _isatty(stream: TextIO) -> bool:
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError):
        return False
