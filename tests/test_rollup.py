"""The monthly roll-up (`item_monthly`): kept by the posting path next to the daily totals,
backfilled by its migration, and read by the reports through `reports.rollup.range_sums`, whose
sums must equal the plain daily sums for every range of days."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from stockbot.reports.raw import Raw
from stockbot.reports.rollup import plan, range_sums
from stockbot.store import ledger
from stockbot.store.models import ItemDaily, ItemMonthly, MovementKind
from stockbot.timeutil import set_clock

from factory import make_item, move_at, post


def at(y: int, m: int, day: int) -> datetime:
    return datetime(y, m, day, 2, tzinfo=UTC)  # 10:00 in Shanghai, the same calendar day


def days_counted(first: date, last: date) -> Counter[date]:
    """How many times (net) each day is counted by the plan for [first, last]."""
    out: Counter[date] = Counter()
    for p in plan(first, last):
        d = p.first
        end = p.last if p.table == "daily" else _month_end(p.last)
        while d <= end:
            out[d] += p.sign
            d += timedelta(days=1)
    return +out  # drop days counted zero times net


def _month_end(d: date) -> date:
    nxt = (d.replace(day=28) + timedelta(days=4)).replace(day=1)
    return nxt - timedelta(days=1)


RANGES = [
    (date(2026, 9, 3), date(2026, 12, 1)),  # 90 days ending on the first of a month
    (date(2026, 11, 2), date(2026, 12, 1)),  # the scan's 30-day window
    (date(2026, 11, 1), date(2026, 11, 30)),  # a calendar month
    (date(2026, 2, 24), date(2026, 3, 2)),  # a week across a month end
    (date(2024, 2, 3), date(2024, 2, 29)),  # most of a leap February
    (date(2025, 12, 3), date(2026, 3, 2)),  # across a year end
    (date(2026, 12, 2), date(2036, 12, 1)),  # "after the period" up to ten years ahead
    (date(2026, 3, 5), date(2026, 3, 2)),  # empty
]


@pytest.mark.parametrize(("first", "last"), RANGES)
def test_the_plan_counts_every_day_of_the_range_once_and_no_other_day(first, last):
    counted = days_counted(first, last)
    expected = Counter(first + timedelta(days=k) for k in range(max(0, (last - first).days + 1)))
    assert counted == expected


def test_a_range_covering_most_of_a_month_reads_the_month_less_the_days_left_out():
    pieces = plan(date(2026, 9, 3), date(2026, 12, 1))
    assert [(p.table, p.first, p.last, p.sign) for p in pieces] == [
        ("daily", date(2026, 9, 1), date(2026, 9, 2), -1),
        ("daily", date(2026, 12, 1), date(2026, 12, 1), 1),
        ("monthly", date(2026, 9, 1), date(2026, 11, 1), 1),
    ]


def history(db) -> tuple[int, int]:  # type: ignore[no-untyped-def]
    """Two items moving on days of January to April 2026 (dates in Shanghai)."""
    bolt, _ = make_item(db, "BOLT-M8")
    nut, _ = make_item(db, "NUT-M8")
    for when, item, qty in [
        (at(2026, 1, 5), bolt, 500), (at(2026, 1, 20), bolt, -40), (at(2026, 1, 31), bolt, -10),
        (at(2026, 2, 1), bolt, -25), (at(2026, 2, 14), nut, 300), (at(2026, 2, 28), bolt, -5),
        (at(2026, 3, 1), nut, -30), (at(2026, 3, 15), bolt, 100), (at(2026, 3, 31), nut, -7),
        (at(2026, 4, 1), bolt, -60), (at(2026, 4, 2), nut, -3),
    ]:  # fmt: skip
        move_at(db, item, qty, when)
    return bolt, nut


def monthly_rows(db) -> dict[tuple[int, date], tuple[Decimal, Decimal, Decimal]]:  # type: ignore[no-untyped-def]
    with db.read() as s:
        return {
            (i, m): (a, b, c)
            for i, m, a, b, c in s.execute(
                select(ItemMonthly.item_id, ItemMonthly.month, ItemMonthly.qty_in,
                       ItemMonthly.qty_out, ItemMonthly.consumed)
            )
        }  # fmt: skip


def daily_by_month(db) -> dict[tuple[int, date], tuple[Decimal, Decimal, Decimal]]:  # type: ignore[no-untyped-def]
    out: dict[tuple[int, date], list[Decimal]] = {}
    with db.read() as s:
        for i, d, a, b, c in s.execute(
            select(ItemDaily.item_id, ItemDaily.day, ItemDaily.qty_in, ItemDaily.qty_out,
                   ItemDaily.consumed)
        ):  # fmt: skip
            t = out.setdefault((i, d.replace(day=1)), [Decimal(0)] * 3)
            for k, v in enumerate((a, b, c)):
                t[k] += v
    return {k: (v[0], v[1], v[2]) for k, v in out.items()}


def test_each_posting_adds_to_its_month_as_it_adds_to_its_day_and_a_reversal_takes_it_back(db):
    bolt, _nut = history(db)
    set_clock(lambda: at(2026, 4, 2))
    _, loc = make_item(db, "BOLT-M8")
    issue = post(db, bolt, loc, "-9", MovementKind.ISSUE)
    with db.write() as s:
        ledger.reverse(s.connection(), issue.movement_ids, ledger.Meta("undo-9", "reversal"))
    rows = monthly_rows(db)
    assert rows == daily_by_month(db)
    # February, the bolt: out 25 (1st) + 5 (28th), nothing in, consumed 30
    assert rows[(bolt, date(2026, 2, 1))] == (Decimal(0), Decimal(30), Decimal(30))
    # April, the bolt: out 60 + 9, in 9 (the reversal), consumed 60 (the reversed issue is not)
    assert rows[(bolt, date(2026, 4, 1))] == (Decimal(9), Decimal(69), Decimal(60))
    assert len(rows) == 7


@pytest.mark.parametrize(
    ("first", "last"),
    [
        (date(2026, 1, 1), date(2026, 4, 30)),
        (date(2026, 1, 3), date(2026, 3, 31)),
        (date(2026, 1, 21), date(2026, 4, 1)),
        (date(2026, 2, 1), date(2026, 2, 28)),
        (date(2026, 2, 2), date(2026, 2, 27)),
        (date(2026, 2, 28), date(2026, 3, 1)),
        (date(2026, 3, 2), date(2026, 3, 31)),
        (date(2025, 12, 1), date(2026, 1, 4)),
        (date(2026, 5, 1), date(2036, 4, 30)),
    ],
)
def test_range_sums_equal_the_plain_daily_sums(db, first, last):
    history(db)
    with db.read() as s:
        raw = Raw(s)
        got = {
            i: tuple(raw.qty(v) for v in rest)
            for i, *rest in s.execute(range_sums(s, first, last))
            if any(rest)
        }
        want = {
            i: tuple(raw.qty(v) for v in rest)
            for i, *rest in s.execute(
                select(ItemDaily.item_id, raw.sum(ItemDaily.qty_in), raw.sum(ItemDaily.qty_out),
                       raw.sum(ItemDaily.consumed))
                .where(ItemDaily.day >= first, ItemDaily.day <= last)
                .group_by(ItemDaily.item_id)
            )
            if any(rest)
        }  # fmt: skip
    assert got == want
    if first == date(2026, 1, 21):  # bolt from the 21st: out 10 + 25 + 5 + 60, in 100
        bolt = min(got)
        assert got[bolt] == (Decimal(100), Decimal(100), Decimal(100))


def test_the_migration_fills_the_monthly_totals_from_the_daily_ones(db, db_url):
    from alembic import command

    from stockbot.store.migrate import alembic_config, upgrade

    history(db)
    want = monthly_rows(db)
    db.dispose()
    command.downgrade(alembic_config(db_url), "0010")
    try:
        with db.read() as s:
            assert s.scalar(select(func.count()).select_from(ItemDaily)) == 11
    finally:
        upgrade(db_url)
    assert monthly_rows(db) == want
