"""`stockbot check` proves the stored daily and monthly totals against the ledger, not only the
balances: a day or a month that no longer adds up is listed with both figures, and the command
exits 1. The totals are recomputed from the movements by the posting path's own rules (the
factory's calendar day, transfers left out, a reversal counted as what it reverses)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select, text

from stockbot.cli import main
from stockbot.store import ledger
from stockbot.store.catalog import default_location, ensure_warehouse
from stockbot.store.check_totals import TotalDifference, _local_day, check_all, check_totals
from stockbot.store.models import Movement, MovementKind
from stockbot.timeutil import as_utc, local_date, set_clock

from factory import hand_edit, make_item, post

ISSUE, RECEIPT = MovementKind.ISSUE, MovementKind.RECEIPT
D = Decimal


def findings(db):  # type: ignore[no-untyped-def]
    with db.read() as s:
        return check_totals(s, db.timezone)


def a_month_of_traffic(db) -> int:  # type: ignore[no-untyped-def]
    """Receipts, issues, a return, a transfer and two reversals across a month end and across
    midnight in Shanghai (17:30 UTC is 01:30 the next day there)."""
    item, loc = make_item(db)
    with db.write() as s:
        other = default_location(s, ensure_warehouse(s, "SIDE").id).id
    for when, qty, kind in [
        (datetime(2026, 10, 30, 17, 30, tzinfo=UTC), "100", RECEIPT),  # the 31st in Shanghai
        (datetime(2026, 10, 31, 15, 59, tzinfo=UTC), "-30", ISSUE),  # 23:59, still the 31st
        (datetime(2026, 10, 31, 16, 0, tzinfo=UTC), "-5", ISSUE),  # 00:00 on 1 November
        (datetime(2026, 11, 2, 3, tzinfo=UTC), "4", MovementKind.RETURN),
    ]:
        set_clock(lambda when=when: when)
        post(db, item, loc, qty, kind)
    set_clock(lambda: datetime(2026, 11, 3, 3, tzinfo=UTC))
    with db.write() as s:
        moved = ledger.post(
            s.connection(),
            ledger.Meta("move", "transfer"),
            [ledger.Line(item, loc, D(-10), MovementKind.TRANSFER_OUT),
             ledger.Line(item, other, D(10), MovementKind.TRANSFER_IN)],
        )  # fmt: skip
        issue = ledger.post(
            s.connection(), ledger.Meta("oops", "issue"), [ledger.Line(item, loc, D(-7), ISSUE)]
        )
        ledger.reverse(s.connection(), issue.movement_ids, ledger.Meta("undo-oops", "reversal"))
        ledger.reverse(s.connection(), moved.movement_ids, ledger.Meta("undo-move", "reversal"))
    return item


def test_the_totals_the_posting_path_keeps_are_what_the_check_recomputes(db):
    a_month_of_traffic(db)
    assert findings(db) == []


def test_a_day_that_no_longer_adds_up_is_listed_with_both_figures(db, db_url, capsys):
    a_month_of_traffic(db)
    hand_edit(db, "UPDATE item_daily SET qty_out = qty_out + 1000000 WHERE day = '2026-11-01'",
              "UPDATE item_daily SET qty_out = qty_out + 1 WHERE day = '2026-11-01'")  # fmt: skip
    (diff,) = findings(db)
    assert isinstance(diff, TotalDifference)
    assert (diff.table, diff.item_code, diff.period) == ("item_daily", "BOLT-M8", date(2026, 11, 1))
    assert diff.stored == (D(0), D(6), D(5)) and diff.ledger == (D(0), D(5), D(5))
    assert main(["--database-url", db_url, "check"]) == 1
    out = capsys.readouterr().out
    assert "MISMATCH item_daily BOLT-M8 2026-11-01" in out
    assert "0 difference(s) in balances, 1 in daily/monthly totals" in out


def test_a_month_that_no_longer_adds_up_is_listed_and_its_days_are_not(db, db_url, capsys):
    a_month_of_traffic(db)
    hand_edit(db, "UPDATE item_monthly SET consumed = 0 WHERE month = '2026-10-01'")
    (diff,) = findings(db)
    assert (diff.table, diff.period) == ("item_monthly", date(2026, 10, 1))
    assert diff.stored == (D(100), D(30), D(0)) and diff.ledger == (D(100), D(30), D(30))
    assert main(["--database-url", db_url, "check"]) == 1
    assert "MISMATCH item_monthly BOLT-M8 2026-10: stored in 100 / out 30 / consumed 0" in (
        capsys.readouterr().out
    )


def test_a_missing_day_and_a_day_without_movements_are_both_differences(db):
    item = a_month_of_traffic(db)
    hand_edit(db, "DELETE FROM item_daily WHERE day = '2026-11-02'")
    hand_edit(db, "INSERT INTO item_daily (item_id, day, qty_in, qty_out, consumed) "
                  f"VALUES ({item}, '2026-11-20', 1000000, 0, 0)",
              "INSERT INTO item_daily (item_id, day, qty_in, qty_out, consumed) "
              f"VALUES ({item}, '2026-11-20', 1, 0, 0)")  # fmt: skip
    got = {(f.table, f.period): (f.stored, f.ledger) for f in findings(db)}
    assert got == {
        ("item_daily", date(2026, 11, 2)): (None, (D(4), D(0), D(-4))),
        ("item_daily", date(2026, 11, 20)): ((D(1), D(0), D(0)), None),
    }


def test_check_is_clean_on_a_sound_store_and_counts_balances_and_totals_together(
    db, db_url, capsys
):
    a_month_of_traffic(db)
    with db.read() as s:
        assert check_all(s, db.timezone) == []
    assert main(["--database-url", db_url, "check"]) == 0
    assert "every daily and monthly total its movements" in capsys.readouterr().out


def test_the_database_keeps_the_month_of_a_day_written_by_hand(db):
    """The trigger of migration 0017 keeps `item_monthly` from any writer of `item_daily`:
    an insert, a change of totals, a row moved to another month, a delete."""
    item, loc = make_item(db)
    set_clock(lambda: datetime(2026, 11, 5, 3, tzinfo=UTC))
    post(db, item, loc, "10")
    statements = [
        "UPDATE item_daily SET qty_in = qty_in + {one}",
        "INSERT INTO item_daily (item_id, day, qty_in, qty_out, consumed) "
        "VALUES ({item}, '2026-11-06', {one}, 0, 0)",
        "UPDATE item_daily SET day = '2026-12-06' WHERE day = '2026-11-06'",
        "DELETE FROM item_daily WHERE day = '2026-11-05'",
    ]
    with db.write() as s:
        one = 1000000 if s.get_bind().dialect.name == "sqlite" else 1
        for sql in statements:
            s.execute(text(sql.format(item=item, one=one)))
    # the edits are not the ledger's, so the check lists them; the months followed the days
    got = {(f.table, f.period): (f.stored, f.ledger) for f in findings(db)}
    assert got == {
        ("item_daily", date(2026, 11, 5)): (None, (D(10), D(0), D(0))),
        ("item_daily", date(2026, 12, 6)): ((D(1), D(0), D(0)), None),
        ("item_monthly", date(2026, 11, 1)): ((D(0), D(0), D(0)), (D(10), D(0), D(0))),
        ("item_monthly", date(2026, 12, 1)): ((D(1), D(0), D(0)), None),
    }


@pytest.mark.parametrize(
    ("timezone", "change"),
    [
        ("Europe/Berlin", datetime(2026, 10, 25, 1, tzinfo=UTC)),  # summer time ends
        ("America/St_Johns", datetime(2026, 11, 1, 4, 30, tzinfo=UTC)),  # -2:30 -> -3:30
        ("Asia/Kolkata", datetime(2026, 10, 31, 18, 30, tzinfo=UTC)),  # +5:30, local midnight
    ],
)
def test_the_checks_day_of_a_movement_is_the_factorys_calendar_day_across_a_clock_change(
    db, timezone: str, change: datetime
):
    """The day the check sums a movement into is the day the posting path booked it under
    (`local_date`), to the second, on both sides of a daylight-saving change and for a zone
    whose offset is not whole hours — in SQL, not a Python call per movement."""
    item, loc = make_item(db)
    moments = [change + timedelta(minutes=step) for step in range(-26 * 60, 26 * 60, 13)]
    moments += [change - timedelta(microseconds=1), change, change + timedelta(seconds=1)]
    for n, when in enumerate(moments):
        set_clock(lambda when=when: when)
        post(db, item, loc, "1", RECEIPT, key=f"m{n}")
    set_clock(None)
    with db.read() as s:
        rows = s.execute(select(Movement.created_at, _local_day(s, timezone))).all()
    assert len(rows) == len(moments)
    wrong = [
        (at, got)
        for at, got in rows
        if str(got)[:10] != local_date(as_utc(at), timezone).isoformat()
    ]
    assert wrong == []


def test_a_clock_change_between_two_movements_and_a_stray_far_timestamp_are_both_right(db):
    """Summer and winter movements with no movement near the change between them, and one
    hand-edited far into the future: each still gets the day the posting path gives it, and the
    work follows the hours the ledger has, not every hour between (centuries, here)."""
    item, loc = make_item(db)
    moments = [
        datetime(2026, 7, 1, 21, 59, 59, tzinfo=UTC),  # 23:59:59 in Berlin summer time
        datetime(2026, 12, 31, 22, 59, 59, tzinfo=UTC),  # 23:59:59 in winter
        datetime(2026, 12, 31, 23, tzinfo=UTC),  # midnight: 1 January
        datetime(2399, 3, 26, 0, 59, 59, tzinfo=UTC),  # a stray row, the hour before a change
    ]
    for n, when in enumerate(moments):
        set_clock(lambda when=when: when)
        post(db, item, loc, "1", RECEIPT, key=f"far{n}")
    set_clock(None)
    with db.read() as s:
        rows = s.execute(select(Movement.created_at, _local_day(s, "Europe/Berlin"))).all()
    got = sorted((as_utc(at), str(day)[:10]) for at, day in rows)
    assert got == [(m, local_date(m, "Europe/Berlin").isoformat()) for m in moments]
