"""Domain events collected by the unit of work, handled in order once it is done.

A flow (or the posting path) *emits* an event into the unit of work it runs in; it never calls
the code that reacts to it. `Database.write()` collects the events and, when the block ends
without an error, runs the handlers subscribed on that database's `EventBus`:

- ``phase="commit"`` handlers run inside the same transaction, just before it commits: what
  they write (a shortage warning, a notice in the outbox) commits atomically with the change
  that caused it, or not at all. They may emit further events.
- ``phase="after"`` handlers run after the commit (refresh a cache, wake a dispatcher): they
  must not be needed for correctness, because a crash can fall between the commit and them.

Nothing subscribes at import time: the process wiring (``flows.wiring.subscribe``) does, per
database, so a test, an import job and the service see the same handlers. A block run under
``Database.quiet()`` (bulk loads, the demo's invented history) emits nothing.
"""

from __future__ import annotations

import threading
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Literal

from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

Phase = Literal["commit", "after"]
CommitHandler = Callable[[Session, Sequence[Any]], None]
AfterHandler = Callable[[Sequence[Any]], None]

_KEY = "stockbot.uow.events"


@dataclass(frozen=True, slots=True)
class StockPosted:
    """A fresh posting committed with this unit of work (never for a repeated key)."""

    posting_id: int
    kind: str
    down: dict[int, int] = field(default_factory=dict)
    """Items whose stock went down → a location it went down at."""
    up: frozenset[int] = frozenset()
    """Items whose stock went up."""


@dataclass(frozen=True, slots=True)
class ShortageOpened:
    """A request met too little stock: a shortage incident (缺料) was opened."""

    incident_id: int
    item_id: int
    warehouse_id: int


@dataclass(frozen=True, slots=True)
class ShortageClosed:
    """An open shortage incident was closed (the stock is there again)."""

    incident_id: int
    item_id: int
    warehouse_id: int


@dataclass(frozen=True, slots=True)
class DocumentDecided:
    """A document was created or moved on (`flows.common.decide`: every workflow step and
    every document's first record): a request now waits for approval, was approved, a count
    was submitted … What waits for whom changed, though no stock may have moved."""

    doc_type: str
    doc_id: int
    action: str


class EventBus:
    """Handlers by event type, per database (see the module docstring)."""

    def __init__(self) -> None:
        self._commit: dict[type, list[CommitHandler]] = defaultdict(list)
        self._after: dict[type, list[AfterHandler]] = defaultdict(list)
        self._quiet = threading.local()

    def subscribe(self, event_type: type, handler: Callable[..., None], phase: Phase) -> None:
        """Idempotent per handler function: wiring twice (a `partial` with other settings
        included) replaces the first subscription rather than adding a second."""
        table: dict[type, list[Any]] = self._commit if phase == "commit" else self._after
        name = _name(handler)
        table[event_type] = [h for h in table[event_type] if _name(h) != name] + [handler]

    @property
    def quiet(self) -> bool:
        return bool(getattr(self._quiet, "on", False))

    def set_quiet(self, on: bool) -> bool:
        before = self.quiet
        self._quiet.on = on
        return before

    def run_commit_phase(self, session: Session, events: list[Any]) -> None:
        """Handlers of every event, including those their own handlers emit, in order."""
        done = 0
        while done < len(events):
            batch = events[done:]
            done = len(events)
            for event_type in _types_in_order(batch):
                same = [e for e in batch if type(e) is event_type]
                for handler in self._commit.get(event_type, ()):
                    handler(session, same)

    def run_after_phase(self, events: Sequence[Any]) -> None:
        for event_type in _types_in_order(events):
            same = [e for e in events if type(e) is event_type]
            for handler in self._after.get(event_type, ()):
                handler(same)


def _name(handler: Callable[..., None]) -> str:
    fn = getattr(handler, "func", handler)
    return f"{fn.__module__}.{fn.__qualname__}"


def _types_in_order(events: Sequence[Any]) -> list[type]:
    return list(dict.fromkeys(type(e) for e in events))


@dataclass(slots=True)
class UnitOfWork:
    """What a write transaction carries for the code inside it: the events it collects and
    the factory's timezone (daily totals follow the factory's calendar day)."""

    timezone: str
    events: list[Any] = field(default_factory=list)
    quiet: bool = False


def attach(conn: Connection, uow: UnitOfWork) -> UnitOfWork | None:
    """Make `emit(conn, …)` (and `emit(session, …)`) land in `uow` for this transaction;
    returns the unit of work it replaces (a savepoint's, inside `Database.one_transaction`)."""
    before = unit_of_work(conn)
    conn.info[_KEY] = uow
    return before


def unit_of_work(conn: Connection) -> UnitOfWork | None:
    uow = conn.info.get(_KEY)
    return uow if isinstance(uow, UnitOfWork) else None


def detach(conn: Connection, before: UnitOfWork | None = None) -> None:
    if before is None:
        conn.info.pop(_KEY, None)
    else:
        conn.info[_KEY] = before


def emit(where: Session | Connection, event: Any) -> None:
    """Add `event` to the unit of work `where` belongs to; outside one (a bare connection a
    bench or a migration opened, or a quiet block) the event is dropped on purpose."""
    conn = where.connection() if isinstance(where, Session) else where
    uow = unit_of_work(conn)
    if uow is not None and not uow.quiet:
        uow.events.append(event)


def net_moves(lines: Sequence[Any]) -> tuple[dict[int, int], frozenset[int]]:
    """Items that went down (→ first location) and up, from posting lines (item_id, location_id,
    qty)."""
    net: dict[int, Decimal] = defaultdict(Decimal)
    where: dict[int, int] = {}
    for ln in lines:
        net[ln.item_id] += ln.qty
        if ln.qty < 0:
            where.setdefault(ln.item_id, ln.location_id)
    down = {i: where[i] for i, q in net.items() if q < 0}
    up = frozenset(i for i, q in net.items() if q > 0)
    return down, up
