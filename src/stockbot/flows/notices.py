"""Notices: what a flow says to someone else, stored as message keys and parameters and
rendered for its reader at delivery.

A flow never writes finished text for another person: the approver may read English while the
requester writes 简体, and a chat in Taipei reads 繁體 in its own timezone. A `Notice` is a few
blocks — a catalogue key with parameters, a row of buttons whose labels are keys too — that
`render(notice, lang, tz)` turns into a `Reply`. The same notice renders the actor's own reply
(in the actor's language) and, through the outbox, each recipient's copy (`render_for`, in the
recipient's language and timezone, looked up when the message is delivered).

Parameters are JSON. Plain values are the user's text and are escaped for Text markup; the
helpers below mark values that the reader's locale changes:
`L(key, **p)` a nested catalogue text, `At(dt)` a time of day, `When(dt)` a day and time,
`Day(d)` a date, `Q(qty, unit)` a quantity, `Money(x)` an amount, `Name(text)` an item's
name or spec (stored as typed, shown in 繁體 to a zh-Hant reader; codes and notes are never
converted, so only what is marked changes). A `Grid` adds label/value fields or a table whose
cells are such parameters.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from stockbot import units
from stockbot.config import Settings
from stockbot.i18n import item_text, t
from stockbot.replies import Block, Button, Buttons, Fields, Reply, Table, Text, md_escape
from stockbot.store import outbox
from stockbot.store.db import Database
from stockbot.store.models import Chat, User, UserIdentity
from stockbot.text import BUTTON_CELLS, clip
from stockbot.timeutil import as_utc, local

Param = Any


def L(key: str, **params: Param) -> dict[str, Any]:
    """A nested catalogue text, rendered in the reader's language."""
    return {"$t": key, "p": params}


def At(at: datetime) -> dict[str, str]:
    """A moment, shown as HH:MM in the reader's timezone."""
    return {"$at": as_utc(at).isoformat()}


def When(at: datetime) -> dict[str, str]:
    """A moment with its day, shown as MM-DD HH:MM in the reader's timezone (a snooze's end)."""
    return {"$at": as_utc(at).isoformat(), "f": "%m-%d %H:%M"}


def Day(day: date) -> dict[str, str]:
    return {"$day": day.isoformat()}


def Q(qty: Decimal, unit: str = "", typed: tuple[Decimal, str] | None = None) -> dict[str, str]:
    """A quantity with its unit, shown in the reader's words (`2 pcs`, `200个`); `typed` is what
    the person wrote when it was another unit, shown before it (`2 boxes = 200 pcs`)."""
    q = {"$q": str(qty), "u": unit}
    if typed is not None:
        q |= {"tq": str(typed[0]), "tu": typed[1]}
    return q


def Money(amount: Decimal) -> dict[str, str]:
    """An amount of money, grouped and with two decimals (`73,935.47`)."""
    return {"$m": str(amount)}


def Name(text: str) -> dict[str, str]:
    """An item's name, alias or spec: shown in the reader's script (简体 → 繁體 for zh-Hant)."""
    return {"$n": text}


def ItemLabel(code: str, name: str | None, width: int | None = None) -> Param:
    """`CODE name`, the name in the reader's script and the code exactly as it is (just the
    code when the name says nothing more); `width` clips the name so that both fit (a table
    cell)."""
    if not name or name == code:
        return code
    if width is not None:
        name = clip(name, max(8, width - len(code) - 1))
    return L("item.label", code=code, name=Name(name))


def Each(params: list[Param]) -> dict[str, Any]:
    """Several parameters shown as one list (`A, B, C`), each rendered for the reader."""
    return {"$each": list(params)}


@dataclass(frozen=True, slots=True)
class Act:
    """A button whose label is a catalogue key."""

    key: str
    action_id: str
    params: dict[str, Param] = field(default_factory=dict)
    style: str = "default"


@dataclass(frozen=True, slots=True)
class Grid:
    """Label/value fields (a card's numbers) or a table (a digest, a list) whose cells are
    parameters like any other: catalogue texts, quantities, user text (plain, not markup)."""

    rows: tuple[tuple[Param, ...], ...]
    headers: tuple[Param, ...] = ()
    """Column headers: a table when given, label/value fields when empty."""

    def dump(self) -> dict[str, Any]:
        return {"rows": [list(r) for r in self.rows], "headers": list(self.headers)}


@dataclass(frozen=True, slots=True)
class Notice:
    """One message for one or many readers: text lines (key + params) and buttons."""

    key: str
    params: dict[str, Param] = field(default_factory=dict)
    buttons: tuple[Act, ...] = ()
    more: tuple[tuple[str, dict[str, Param]], ...] = ()
    """Further text lines after the first, each a key and its parameters."""
    grid: Grid | None = None
    """Fields or a table, shown right after the first line."""

    def dump(self) -> dict[str, Any]:
        notice: dict[str, Any] = {
            "lines": [[self.key, self.params], *[[k, p] for k, p in self.more]],
            "buttons": [
                {"key": b.key, "params": b.params, "action_id": b.action_id, "style": b.style}
                for b in self.buttons
            ],
        }
        if self.grid is not None:
            notice["grid"] = self.grid.dump()
        return {"notice": notice}

    def then(self, key: str, **params: Param) -> Notice:
        """The same notice with one more line."""
        return replace(self, more=(*self.more, (key, params)))

    def render(self, lang: str, tz: str, *, ephemeral: bool = False) -> Reply:
        return render(self.dump(), lang, tz, ephemeral=ephemeral)


# --- rendering -------------------------------------------------------------------------------


def money(amount: Decimal) -> str:
    """Every amount prints the same way everywhere: `73,935.47`."""
    cents = Decimal(amount).quantize(Decimal("0.01"))
    return f"{cents if cents else abs(cents):,}"  # never "-0.00"


Escape = Callable[[str], str]


def _plain(text: str) -> str:
    return text


def _value(v: Param, lang: str, tz: str, esc: Escape = md_escape) -> str:
    """One parameter as markup for `lang`/`tz`; plain values are user text, escaped (`esc`:
    markup for Text lines, nothing for the plain cells of fields and tables)."""
    if isinstance(v, dict):
        if "$t" in v:
            return text(v["$t"], v.get("p") or {}, lang, tz, esc)
        if "$at" in v:
            return local(datetime.fromisoformat(v["$at"]), tz, fmt=v.get("f") or "%H:%M")
        if "$day" in v:
            return str(v["$day"])
        if "$q" in v:
            typed = (Decimal(v["tq"]), v["tu"]) if v.get("tu") else None
            return esc(units.show_typed(Decimal(v["$q"]), v.get("u") or "", typed, lang))
        if "$m" in v:
            return money(Decimal(v["$m"]))
        if "$n" in v:
            return esc(item_text(str(v["$n"]), lang))
        if "$each" in v:
            return ", ".join(_value(x, lang, tz, esc) for x in v["$each"])
    return esc("" if v is None else str(v))


def text(key: str, params: dict[str, Param], lang: str, tz: str, esc: Escape = md_escape) -> str:
    return t(key, lang, **{k: _value(v, lang, tz, esc) for k, v in params.items()})


def _grid(grid: dict[str, Any], lang: str, tz: str) -> Block:
    shown: dict[tuple[tuple[str, Any], ...], str] = {}

    def cell(c: Param) -> str:
        """A quantity cell is rendered once per grid: a kit's 200 lines mostly repeat the
        same few (`1.05 pcs`); the rendering depends on nothing but the cell, lang and tz."""
        if not isinstance(c, dict) or "$q" not in c:
            return _value(c, lang, tz, _plain)
        key = tuple(c.items())
        done = shown.get(key)
        if done is None:
            done = shown[key] = _value(c, lang, tz, _plain)
        return done

    def cells(row: list[Param]) -> list[str]:
        return [cell(c) for c in row]

    rows = [cells(r) for r in grid.get("rows") or []]
    if grid.get("headers"):
        return Table(headers=cells(grid["headers"]), rows=rows)
    return Fields(rows=[(r[0], r[1]) for r in rows])


def render(payload: dict[str, Any], lang: str, tz: str, *, ephemeral: bool = False) -> Reply:
    """A stored outbox payload as a Reply for one reader. Payloads written before notices
    existed hold a finished Reply and are delivered as they are."""
    notice = payload.get("notice")
    if notice is None:
        return Reply.model_validate(payload)
    blocks: list[Block] = [
        Text(text=text(key, params, lang, tz), key=key) for key, params in notice["lines"]
    ]
    if notice.get("grid"):
        blocks.insert(1, _grid(notice["grid"], lang, tz))
    if notice.get("buttons"):
        blocks.append(
            Buttons(
                buttons=[
                    Button(
                        label=clip(text(b["key"], b.get("params") or {}, lang, tz), BUTTON_CELLS),
                        action_id=b["action_id"],
                        style=b.get("style", "default"),
                    )
                    for b in notice["buttons"]
                ]
            )
        )
    return Reply(blocks=blocks, ephemeral=ephemeral)


@dataclass(frozen=True, slots=True)
class Reader:
    lang: str
    tz: str


def reader_of(s: Session, settings: Settings, platform: str, target: str) -> Reader:
    """Who reads a message sent to `target` on `platform`: a person (`user:<id>`, their own
    language: their `/lang`, else the one they last wrote in) or a chat (the chat's language and
    timezone); the factory's defaults else."""
    lang, tz = None, None
    if target.startswith("user:"):
        lang = s.scalar(
            select(func.coalesce(User.language, User.wrote_language))
            .join(UserIdentity, UserIdentity.user_id == User.id)
            .where(
                UserIdentity.platform == platform,
                UserIdentity.platform_user_id == target.removeprefix("user:"),
            )
        )
    else:
        chat = s.execute(
            select(Chat.language, Chat.timezone).where(
                Chat.platform == platform, Chat.platform_chat_id == target
            )
        ).first()
        if chat is not None:
            lang, tz = chat.language, chat.timezone
    return Reader(lang or settings.default_language, tz or settings.timezone)


def render_for(
    s: Session, settings: Settings, platform: str, target: str, payload: dict[str, Any]
) -> Reply:
    """The outbox payload as its reader will see it (called by the dispatcher at delivery)."""
    if "notice" not in payload:
        return Reply.model_validate(payload)
    who = reader_of(s, settings, platform, target)
    return render(payload, who.lang, who.tz)


def deliver_console(
    db: Database, settings: Settings, *, user: str | None = None, chat: str | None = None
) -> list[tuple[str, Reply]]:
    """The console's deliveries, rendered for their readers: for `user` and `chat` only when
    given (what a person typing as `user` in `chat` sees), else everything waiting."""
    targets = [t for t in (f"user:{user}" if user else None, chat) if t]
    msgs = outbox.deliver_console(db, targets)
    if not msgs:
        return []
    with db.read() as s:
        return [(m.target, render_for(s, settings, m.platform, m.target, m.payload)) for m in msgs]
