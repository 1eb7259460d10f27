"""Transcript tests: a conversation as who-says-what and what the Reply holds.

`Floor` plays a factory chat through the real `Runtime` (console platform, one group chat):
`floor.say("bob", "/request m8 20")` returns the Reply; `floor.press("dave", "Approve")` presses
the newest button with that label that anyone was shown (in a reply or a delivered outbox
message); `floor.inbox("dave")` returns what the outbox delivered to dave since last asked.
"""

from __future__ import annotations

import itertools
from decimal import Decimal

from sqlalchemy import func, select

from stockbot.commands.inbound import Inbound
from stockbot.config import Settings
from stockbot.flows.notices import deliver_console
from stockbot.replies import Button, Reply
from stockbot.runtime import Runtime
from stockbot.store.catalog import (
    default_location,
    ensure_user,
    ensure_warehouse,
    grant_role,
    upsert_item,
    upsert_supplier,
)
from stockbot.store.db import Database
from stockbot.store.models import Base, Role
from stockbot.store.quantities import quantities

PEOPLE = {
    "alice": [Role.ADMIN],
    "bob": [],
    "bea": [],
    "carol": [Role.KEEPER],
    "dave": [Role.APPROVER],
    "frank": [Role.APPROVER],
    "erin": [Role.PURCHASER],
}
LIMITS = {"dave": Decimal(5000), "frank": Decimal(100000)}


def settings(**overrides) -> Settings:  # type: ignore[no-untyped-def]
    return Settings(_env_file=None, **{"admins": "", **overrides})  # type: ignore[call-arg]


class Floor:
    def __init__(self, db: Database, **overrides) -> None:  # type: ignore[no-untyped-def]
        self.db = db
        self.runtime = Runtime(db, settings(**overrides))
        self._ids = itertools.count(1)
        self.shown: list[tuple[str, Button]] = []  # (who saw it, button)
        self.inboxes: dict[str, list[Reply]] = {}

    # --- setting the scene -------------------------------------------------------------------

    def people(self) -> Floor:
        with self.db.write() as s:
            for name, roles in PEOPLE.items():
                user = ensure_user(s, "console", name, name.capitalize())
                for role in roles:
                    grant_role(s, user, role, amount_limit=LIMITS.get(name))
        return self

    def item(self, code: str, stock: str | int = 0, warehouse: str = "MAIN", **fields) -> int:  # type: ignore[no-untyped-def]
        fields.setdefault("name", code)
        from stockbot.store import ledger
        from stockbot.store.models import MovementKind

        with self.db.write() as s:
            wh = ensure_warehouse(s, warehouse)
            item = upsert_item(s, code, **fields)
            loc = default_location(s, wh.id).id
            if Decimal(stock) > 0:
                ledger.post(
                    s.connection(),
                    ledger.Meta(f"setup:{code}:{warehouse}:{next(self._ids)}", "receipt"),
                    [ledger.Line(item.id, loc, Decimal(stock), MovementKind.RECEIPT)],
                )
            return item.id

    # --- talking -----------------------------------------------------------------------------

    def say(
        self,
        who: str,
        text: str | None,
        chat: str = "group",
        lang: str | None = None,
        *,
        image: bytes | None = None,
    ) -> Reply:
        """*lang*: the language the platform reports for the sender (Inbound.lang_hint);
        *image*: a photo sent with *text* as its caption (None: no caption)."""
        n = next(self._ids)
        reply = self.runtime.handle(
            Inbound(
                platform="console",
                user_id=who,
                chat_id=chat,
                message_id=f"m{n}",
                text=text,
                image=image,
                lang_hint=lang,
            )
        )
        self._saw(who, reply)
        return reply

    def press(self, who: str, label: str, chat: str = "group", *, nth_newest: int = 0) -> Reply:
        self._deliver()
        matches = [b for _, b in self.shown if b.label.startswith(label)]
        assert matches, f"no button {label!r} among {[b.label for _, b in self.shown]}"
        return self.press_id(who, matches[-1 - nth_newest].action_id, chat)

    def press_id(self, who: str, action_id: str, chat: str = "group") -> Reply:
        n = next(self._ids)
        reply = self.runtime.handle(
            Inbound(
                platform="console",
                user_id=who,
                chat_id=chat,
                message_id=f"b{n}",
                event_id=f"e{n}",
                action_id=action_id,
            )
        )
        self._saw(who, reply)
        return reply

    def button(self, label: str) -> Button:
        self._deliver()
        matches = [b for _, b in self.shown if b.label.startswith(label)]
        assert matches, f"no button {label!r}"
        return matches[-1]

    def inbox(self, who: str) -> list[Reply]:
        self._deliver()
        got = self.inboxes.pop(who, [])
        return got

    def _deliver(self) -> None:
        """Everything waiting in the outbox, rendered for its reader as delivery would."""
        for target, reply in deliver_console(self.db, self.runtime.settings):
            who = target.removeprefix("user:")
            self.inboxes.setdefault(who, []).append(reply)
            self._saw(who, reply)

    def _saw(self, who: str, reply: Reply) -> None:
        self.shown.extend((who, b) for b in reply.buttons())

    # --- looking at the books ----------------------------------------------------------------

    def available(self, item_id: int) -> Decimal:
        with self.db.read() as s:
            return quantities(s, [item_id])[item_id].available

    def on_hand(self, item_id: int) -> Decimal:
        with self.db.read() as s:
            return quantities(s, [item_id])[item_id].on_hand


def row_counts(db: Database) -> dict[str, int]:
    """Rows per table, to prove a refused command wrote nothing (action tokens excepted: they
    are UI state for "did you mean" buttons; so are processed events: every delivery, refused or
    not, is remembered so that its replay does nothing — `stockbot.store.inbox`)."""
    with db.read() as s:
        return {
            t.name: s.scalar(select(func.count()).select_from(t))
            for t in Base.metadata.sorted_tables
            if t.name not in {"action_tokens", "processed_events"}
        }


def suppliers(floor: Floor) -> dict[str, int]:
    """Two suppliers the purchase transcripts buy from: ACME and BETA, by code → id."""
    with floor.db.write() as s:
        return {
            code: upsert_supplier(s, code, name=name).id
            for code, name in [("ACME", "Acme Hardware"), ("BETA", "Beta Metals")]
        }
