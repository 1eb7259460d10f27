"""`stockbot check`, second half: the per-item daily and monthly totals against the ledger.

The summaries and reports never sum the raw ledger: they read `item_daily` and `item_monthly`,
which the posting path keeps. If those drift from the movements (a bug, a hand edit, a restore
of a half-copied file), every report is wrong while every balance is right, so the check
recomputes both from the movements with the posting path's own rules (`ledger._bump_daily`):
transfers are left out, a reversal counts as the kind it reverses, a positive quantity is in, a
negative one out, issues and returns are consumption; the day is the factory's calendar day of
the movement (`ledger.business_day`), the month that day's month.

The comparison runs in the database — ledger rows and stored rows of opposite sign in one
`UNION ALL … GROUP BY … HAVING` — so only the differing (item, day) and (item, month) pairs
reach Python, whatever the size of the ledger. Rows already reported as unreadable
(`check.BadValue`) are left out of the comparison, as the balance half does.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from itertools import pairwise
from typing import Any

from sqlalchemy import (
    ColumnElement,
    and_,
    case,
    func,
    literal_column,
    not_,
    or_,
    select,
    union_all,
)
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, aliased
from sqlalchemy.types import Date

from stockbot.store.check import BadValue, Finding, _bad, _codes, _decode, _raw, check_balances
from stockbot.store.models import ItemDaily, ItemMonthly, Movement, MovementKind
from stockbot.store.types import fmt_qty
from stockbot.timeutil import zone

COLUMNS = ("qty_in", "qty_out", "consumed")
_TRANSFERS = (MovementKind.TRANSFER_IN.value, MovementKind.TRANSFER_OUT.value)
_CONSUMING = (MovementKind.ISSUE.value, MovementKind.RETURN.value)

Totals = tuple[Decimal, Decimal, Decimal]


@dataclass(frozen=True, slots=True)
class TotalDifference:
    """A stored daily or monthly total that is not what the item's movements add up to."""

    table: str
    """`item_daily` or `item_monthly`."""
    item_code: str
    period: date
    """The day, or the first day of the month."""
    stored: Totals | None
    """(in, out, consumed) as stored; None when the table has no row for it."""
    ledger: Totals | None
    """(in, out, consumed) from the movements; None when no movement counts there."""

    def __str__(self) -> str:
        def show(t: Totals | None) -> str:
            if t is None:
                return "no row"
            return " / ".join(
                f"{n} {fmt_qty(v)}" for n, v in zip(("in", "out", "consumed"), t, strict=True)
            )

        when = f"{self.period:%Y-%m}" if self.table == "item_monthly" else f"{self.period}"
        return (
            f"MISMATCH {self.table} {self.item_code} {when}: stored {show(self.stored)} "
            f"!= ledger {show(self.ledger)}"
        )


AnyFinding = Finding | TotalDifference


def _offsets(timezone: str, hours: list[datetime]) -> list[tuple[datetime, int]]:
    """The zone's UTC offsets (seconds) as (from, offset) pieces, exact to the second for every
    moment within `hours` (the UTC hours movements were made in, ascending): a change between
    two of them takes effect at the later hour's start (no movement lies between), one inside
    an hour is found by halving (transitions are whole seconds, never two within an hour).
    Work follows the hours the ledger has, so a stray timestamp decades away costs one hour,
    not every hour between."""
    tz = zone(timezone)

    def offset(at: datetime) -> int:
        return int(at.astimezone(tz).utcoffset().total_seconds())  # type: ignore[union-attr]

    pieces: list[tuple[datetime, int]] = []
    for start in hours:
        end = start + timedelta(hours=1)
        if not pieces or offset(start) != pieces[-1][1]:
            pieces.append((start, offset(start)))
        if offset(end) != pieces[-1][1]:
            lo, hi = start, end  # offset(lo) is the current piece's, offset(hi) the next one's
            while (hi - lo) > timedelta(seconds=1):
                mid = (lo + (hi - lo) / 2).replace(microsecond=0)
                lo, hi = (mid, hi) if offset(mid) == pieces[-1][1] else (lo, mid)
            pieces.append((hi, offset(hi)))
    return pieces


def _hours(session: Session) -> list[datetime]:
    """The UTC hours (as stored: 'YYYY-MM-DD HH') that movements were made in, ascending;
    text that is no timestamp is left to the rest of the check."""
    found = []
    hour = func.substr(Movement.created_at, 1, 13)
    for (text,) in session.execute(select(hour).distinct().order_by(hour)):
        try:
            found.append(datetime.fromisoformat(f"{text}:00").replace(tzinfo=UTC))
        except (TypeError, ValueError):
            continue
    return found


def _local_day(session: Session, timezone: str) -> ColumnElement[Any]:
    """The factory's calendar day of `Movement.created_at`, in SQL. PostgreSQL converts with
    its own time zone database. SQLite has none: the zone's offsets over the hours the ledger
    has are worked out here (`_offsets`, from the same zone data the posting path uses) and
    become one `CASE` of `date(created_at, '+N seconds')` — exact for any zone, DST included,
    and no Python call per movement (a per-row Python function was half of `stockbot check`'s
    20 s on 1M movements)."""
    created = Movement.created_at
    if session.get_bind().dialect.name != "sqlite":
        return func.date(func.timezone(timezone, created))
    pieces = _offsets(timezone, _hours(session))
    if not pieces:
        return func.date(created)

    whole = func.substr(created, 1, 19)  # to the second: SQLite's date() rounds to the ms

    def day(seconds: int) -> ColumnElement[Any]:
        return func.date(whole, f"{seconds:+d} seconds")

    if len(pieces) == 1:
        return day(pieces[0][1])
    return case(
        *((created < since, day(before)) for (_, before), (since, _) in pairwise(pieces)),
        else_=day(pieces[-1][1]),
    )


def _as_date(value: Any) -> date:
    """A period as a date: SQLite hands back the ledger side's computed day as text."""
    return value if isinstance(value, date) else date.fromisoformat(value)


def _month(day: Any, sqlite: bool) -> ColumnElement[Any]:
    if sqlite:
        return func.date(day, "start of month")
    return func.cast(func.date_trunc("month", day), Date)


def _compare(
    session: Session, table: Any, period_col: Any, ledger_period: Any, sqlite: bool
) -> list[tuple[Any, ...]]:
    """(item_id, period, ledger rows, stored rows, ledger in/out/consumed, stored in/out/
    consumed) as stored, for each (item, period) where they differ."""
    reversed_ = aliased(Movement)
    kind = case(
        (and_(Movement.kind == MovementKind.REVERSAL.value, reversed_.kind.is_not(None)),
         reversed_.kind),
        else_=Movement.kind,
    )  # fmt: skip
    q = _raw(Movement.qty)
    zero: ColumnElement[int] = literal_column("0")
    one: ColumnElement[int] = literal_column("1")
    ledger = (
        select(
            Movement.item_id.label("item_id"),
            ledger_period.label("period"),
            one.label("n_ledger"),
            zero.label("n_stored"),
            case((q > 0, q), else_=0).label("l_in"),
            case((q < 0, -q), else_=0).label("l_out"),
            case((kind.in_(_CONSUMING), -q), else_=0).label("l_used"),
            zero.label("s_in"),
            zero.label("s_out"),
            zero.label("s_used"),
        )
        .select_from(Movement)
        .join(reversed_, reversed_.id == Movement.reverses_movement_id, isouter=True)
        .where(kind.not_in(_TRANSFERS), not_(_bad(Movement.qty, sqlite)))
    )
    stored = select(
        table.item_id,
        period_col,
        zero,
        one,
        zero,
        zero,
        zero,
        *(_raw(getattr(table, c)) for c in COLUMNS),
    ).where(*(not_(_bad(getattr(table, c), sqlite)) for c in COLUMNS))
    both = union_all(ledger, stored).subquery("t")
    c = both.c
    sums = [func.sum(c[n]) for n in ("l_in", "l_out", "l_used", "s_in", "s_out", "s_used")]
    return [
        tuple(row)
        for row in session.execute(
            select(c.item_id, c.period, func.sum(c.n_ledger), func.sum(c.n_stored), *sums)
            .group_by(c.item_id, c.period)
            .having(or_(*(sums[k] != sums[k + 3] for k in range(3))))
        )
    ]


def check_totals(session: Session, timezone: str) -> list[AnyFinding]:
    """Every (item, day) of `item_daily` and (item, month) of `item_monthly` whose totals
    differ from the movements of that day or month, in the factory's `timezone` (the one the
    postings were made under: `Database.timezone`). Unreadable stored values are reported by
    `check_balances`; the totals they belong to are not compared here."""
    sqlite = session.get_bind().dialect.name == "sqlite"
    day = _local_day(session, timezone)
    skip: dict[str, set[tuple[int, Any]]] = {"item_daily": set(), "item_monthly": set()}
    bad_items: set[int] = set()
    for name, table, period_col in (
        ("item_daily", ItemDaily, ItemDaily.day),
        ("item_monthly", ItemMonthly, ItemMonthly.month),
    ):
        for item_id, period in session.execute(
            select(table.item_id, period_col).where(
                or_(*(_bad(getattr(table, c), sqlite) for c in COLUMNS))
            )
        ):
            skip[name].add((item_id, _as_date(period)))
    bad_items.update(
        session.execute(select(Movement.item_id).where(_bad(Movement.qty, sqlite))).scalars()
    )

    found: list[tuple[str, tuple[Any, ...]]] = []
    for name, table, period_col, ledger_period in (
        ("item_daily", ItemDaily, ItemDaily.day, day),
        ("item_monthly", ItemMonthly, ItemMonthly.month, _month(day, sqlite)),
    ):
        try:
            rows = _compare(session, table, period_col, ledger_period, sqlite)
        except OperationalError:
            if not sqlite:
                raise
            # SQLite's sum() refuses a 64-bit overflow: only a ledger already reported as
            # beyond the limit gets here; say that this half could not be compared.
            return [_overflow(name)]
        found.extend(
            (name, (r[0], _as_date(r[1]), *r[2:]))
            for r in rows
            if r[0] not in bad_items and (r[0], _as_date(r[1])) not in skip[name]
        )
    if not found:
        return []
    codes = _codes(session, {r[0] for _, r in found})

    def totals(raw: tuple[Any, ...], present: int) -> Totals | None:
        if not present:
            return None
        got = tuple(_decode(v, sqlite) for v in raw)
        return (got[0] or Decimal(0), got[1] or Decimal(0), got[2] or Decimal(0))

    diffs = [
        TotalDifference(
            name,
            codes.get(r[0], str(r[0])),
            r[1],
            totals(r[7:10], r[3]),
            totals(r[4:7], r[2]),
        )
        for name, r in found
    ]
    diffs.sort(key=lambda f: (f.table, f.item_code, f.period))
    return [*diffs]


def _overflow(table: str) -> BadValue:
    return BadValue(
        table, "*", "*", "every day", "overflow", "the ledger's sums overflow: not compared"
    )


def check_all(session: Session, timezone: str) -> list[AnyFinding]:
    """What `stockbot check` reports: balances, then daily and monthly totals."""
    return [*check_balances(session), *check_totals(session, timezone)]
