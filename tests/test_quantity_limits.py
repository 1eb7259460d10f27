"""Quantities and running totals stay within what both databases hold exactly.

SQLite keeps millionths in a 64-bit integer (±9.22·10^12 units) and silently turns an
overflowing sum into a float; PostgreSQL's NUMERIC(24, 6) would hold more. Both refuse the same
values: |value| ≤ `MAX_QTY` (just under 10^12) per line, per balance and per daily and monthly
total.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import DBAPIError, StatementError

from stockbot.cli import main
from stockbot.commands.quantity import QuantityError, parse_quantity
from stockbot.store import ledger
from stockbot.store.check import BadValue, Difference, check_balances
from stockbot.store.check_totals import check_totals
from stockbot.store.models import Balance, ItemDaily, Movement, MovementKind, Posting
from stockbot.store.types import MAX_QTY, Qty, QtyRangeError, StoredValueError
from stockbot.timeutil import set_clock

from factory import hand_edit, make_item, post

R, ISSUE = MovementKind.RECEIPT, MovementKind.ISSUE
NEAR = Decimal("99999999999")  # 11 digits: ten of them are just under the limit


def counts(db) -> tuple[int, ...]:
    with db.read() as s:
        return tuple(
            s.scalar(select(func.count()).select_from(t))
            for t in (Posting, Movement, Balance, ItemDaily)
        )


def balance(db, item_id: int) -> Decimal:
    with db.read() as s:
        return s.scalar(select(func.sum(Balance.qty)).where(Balance.item_id == item_id))


def daily_in(db, item_id: int) -> Decimal:
    with db.read() as s:
        return s.scalar(select(ItemDaily.qty_in).where(ItemDaily.item_id == item_id))


def test_the_limit_is_just_under_ten_to_the_twelve_and_fits_sqlite_twice_over():
    assert Decimal("999999999999.999999") == MAX_QTY
    assert 2 * int(MAX_QTY.scaleb(6)) < 2**63 - 1  # balance + delta never overflows in SQL


def test_ten_receipts_near_the_limit_then_the_eleventh_crossing_it_is_refused_exactly(db):
    item, loc = make_item(db)
    for _ in range(10):
        post(db, item, loc, NEAR)
    assert balance(db, item) == 10 * NEAR
    before = counts(db)
    with pytest.raises(ledger.QuantityLimitExceeded) as caught:
        post(db, item, loc, NEAR)
    assert isinstance(caught.value, ledger.PostingError)
    assert caught.value.item_code == "BOLT-M8" and caught.value.limit == MAX_QTY
    assert caught.value.message_key == "posting.qty_limit"
    assert "BOLT-M8" in str(caught.value)
    assert counts(db) == before
    assert balance(db, item) == 10 * NEAR == Decimal("999999999990")
    assert daily_in(db, item) == 10 * NEAR
    with db.read() as s:
        assert check_balances(s) == []


def test_the_reviews_ten_receipts_of_999999999999_stop_at_the_second_and_stay_exact(db):
    item, loc = make_item(db)
    post(db, item, loc, "999999999999")
    before = counts(db)
    for _ in range(9):
        with pytest.raises(ledger.QuantityLimitExceeded):
            post(db, item, loc, "999999999999")
    assert counts(db) == before
    assert balance(db, item) == Decimal("999999999999")
    # a later transfer-sized movement is still exact to the millionth
    post(db, item, loc, "-0.000001", ISSUE)
    assert balance(db, item) == Decimal("999999999998.999999")
    with db.read() as s:
        assert check_balances(s) == []
        if s.get_bind().dialect.name == "sqlite":
            kinds = s.execute(text("SELECT DISTINCT typeof(qty_in) FROM item_daily")).scalars()
            assert set(kinds) == {"integer"}


def test_a_single_line_over_the_limit_is_refused_before_anything_is_written(db):
    item, loc = make_item(db)
    before = counts(db)
    with pytest.raises(ledger.QuantityLimitExceeded) as caught:
        post(db, item, loc, "1000000000000")
    assert caught.value.what == "line"
    assert counts(db) == before


def test_lines_that_add_up_past_the_limit_on_one_balance_are_refused(db):
    item, loc = make_item(db)
    before = counts(db)
    half = Decimal("600000000000")
    with pytest.raises(ledger.QuantityLimitExceeded), db.write() as s:
        ledger.post(
            s.connection(),
            ledger.Meta("two-halves", R.value),
            [ledger.Line(item, loc, half, R), ledger.Line(item, loc, half, R)],
        )
    assert counts(db) == before


def test_a_daily_total_past_the_limit_is_refused_even_when_the_balance_is_fine(db):
    item, loc = make_item(db)
    big = Decimal("600000000000")
    post(db, item, loc, big)
    post(db, item, loc, -big, ISSUE)
    before = counts(db)
    with pytest.raises(ledger.QuantityLimitExceeded) as caught:
        post(db, item, loc, big)  # balance 6e11 is fine; received today 1.2e12 is not
    assert caught.value.what == "daily total"
    assert counts(db) == before
    assert balance(db, item) == 0 and daily_in(db, item) == big


def test_a_monthly_total_past_the_limit_is_refused_even_when_each_day_is_fine(db):
    item, loc = make_item(db)
    big = Decimal("600000000000")
    set_clock(lambda: datetime(2026, 3, 2, 2, tzinfo=UTC))
    post(db, item, loc, big)
    post(db, item, loc, -big, ISSUE)
    set_clock(lambda: datetime(2026, 3, 3, 2, tzinfo=UTC))  # the next day, the same month
    before = counts(db)
    with pytest.raises(ledger.QuantityLimitExceeded) as caught:
        post(db, item, loc, big)  # the 3rd's 6e11 is fine; received in March 1.2e12 is not
    assert caught.value.what == "monthly total"
    assert caught.value.item_code == "BOLT-M8"
    assert caught.value.value == 2 * big
    assert counts(db) == before
    set_clock(lambda: datetime(2026, 4, 1, 2, tzinfo=UTC))  # a new month starts from zero
    post(db, item, loc, big)
    with db.read() as s:
        assert check_balances(s) == [] and check_totals(s, db.timezone) == []


def test_a_monthly_refusal_names_the_item_that_crosses_among_several(db):
    items = [make_item(db, f"PART-{n}") for n in range(3)]
    big = Decimal("600000000000")
    set_clock(lambda: datetime(2026, 3, 2, 2, tzinfo=UTC))
    post(db, *items[1], big)
    post(db, *items[1], -big, ISSUE)
    set_clock(lambda: datetime(2026, 3, 3, 2, tzinfo=UTC))
    before = counts(db)
    with pytest.raises(ledger.QuantityLimitExceeded) as caught, db.write() as s:
        ledger.post(
            s.connection(),
            ledger.Meta("three-parts", R.value),
            [ledger.Line(item, loc, big, R) for item, loc in items],
        )
    assert (caught.value.what, caught.value.item_code) == ("monthly total", "PART-1")
    assert counts(db) == before


def test_a_negative_balance_past_the_limit_is_refused_too(db):
    item, loc = make_item(db, allow_negative=True)
    big = Decimal("600000000000")
    post(db, item, loc, -big, ISSUE)
    before = counts(db)
    with pytest.raises(ledger.QuantityLimitExceeded) as caught:
        post(db, item, loc, -big, ISSUE)
    assert caught.value.what == "balance"
    assert counts(db) == before


def test_the_bulk_path_checks_the_same_limits(db):
    items = [make_item(db, f"BULK-{n}") for n in range(ledger.BULK_THRESHOLD + 4)]
    for item, loc in items:
        post(db, item, loc, "900000000000")
    before = counts(db)
    with pytest.raises(ledger.QuantityLimitExceeded) as caught, db.write() as s:
        ledger.post(
            s.connection(),
            ledger.Meta("bulk-over", R.value),
            [ledger.Line(item, loc, Decimal("100000000000"), R) for item, loc in items],
        )
    assert caught.value.what == "balance"
    assert counts(db) == before


@pytest.mark.parametrize("dialect", [sqlite.dialect(), postgresql.dialect()], ids=lambda d: d.name)
def test_the_column_type_refuses_out_of_range_values_on_both_databases(dialect):
    qty = Qty()
    assert qty.process_bind_param(MAX_QTY, dialect) is not None
    assert qty.process_bind_param(-MAX_QTY, dialect) is not None
    for bad in (MAX_QTY + Decimal("0.000001"), Decimal("-1000000000000"), Decimal(10) ** 13):
        with pytest.raises(QtyRangeError):
            qty.process_bind_param(bad, dialect)


def test_the_column_type_refuses_to_read_a_float_as_an_exact_quantity():
    lite = sqlite.dialect()
    for real in (1.0000000001342e19, 1.5, -(2.0**60)):  # an overflowed sum, a fraction of 10^-6
        with pytest.raises(StoredValueError):
            Qty().process_result_value(real, lite)
    assert Qty().process_result_value(300000, lite) == Decimal("0.3")
    # a whole-number float (`coalesce(sum(qty), 0)` over no rows) is exact and still reads
    assert Qty().process_result_value(0.0, lite) == 0
    assert Qty().process_result_value(2.0e6, lite) == 2


def test_writing_an_out_of_range_value_outside_the_posting_path_fails_loudly(db):
    item, _ = make_item(db)
    with pytest.raises(StatementError) as caught, db.write() as s:
        s.execute(ItemDaily.__table__.insert().values(
            item_id=item, day=date(2024, 1, 1), qty_in=Decimal(10) ** 12, qty_out=0, consumed=0
        ))  # fmt: skip
    assert isinstance(caught.value.orig, QtyRangeError)


def _corrupt(db, sql_sqlite: str, sql_pg: str) -> None:
    with db.write() as s:
        s.execute(text(sql_sqlite if s.get_bind().dialect.name == "sqlite" else sql_pg))


def test_check_reports_a_balance_that_cannot_be_read_exactly_instead_of_crashing(
    db, db_url, capsys
):
    item, loc = make_item(db)
    post(db, item, loc, "10")
    # SQLite: the float an overflowing sum turned into; PostgreSQL: a value beyond the limit
    _corrupt(
        db,
        "UPDATE balances SET qty = 10000000001341.999104e6",
        "UPDATE balances SET qty = 10000000001341.999104",
    )
    with db.read() as s:
        findings = check_balances(s)
    assert len(findings) == 1
    (bad,) = findings
    assert isinstance(bad, BadValue)
    assert (bad.table, bad.column, bad.item_code) == ("balances", "qty", "BOLT-M8")
    assert main(["--database-url", db_url, "check"]) == 1
    out = capsys.readouterr().out
    assert "UNREADABLE balances.qty BOLT-M8" in out and "1 finding" in out


def test_check_reports_a_ledger_whose_sum_overflows_instead_of_crashing(db, db_url, capsys):
    item, loc = make_item(db)
    post(db, item, loc, "5")
    post(db, item, loc, "6")
    # two movements each at the top of the column: their SQL sum overflows a 64-bit integer
    _corrupt(
        db,
        "UPDATE movements SET qty = 5000000000000000000",
        "UPDATE movements SET qty = 5000000000000",
    )
    with db.read() as s:
        findings = check_balances(s)
    assert {type(f) for f in findings} == {BadValue}
    assert {(f.table, f.column) for f in findings} == {("movements", "qty")}
    assert len(findings) == 2
    assert main(["--database-url", db_url, "check"]) == 1
    assert "UNREADABLE movements.qty" in capsys.readouterr().out


def test_check_reports_a_ledger_sum_beyond_the_limit_as_a_finding(db):
    item, loc = make_item(db)
    post(db, item, loc, "900000000000")
    post(db, item, loc, "1")
    _corrupt(  # each movement is in range, their sum is not (and no longer the balance)
        db,
        "UPDATE movements SET qty = 900000000000000000",
        "UPDATE movements SET qty = 900000000000",
    )
    with db.read() as s:
        findings = check_balances(s)
    assert any(isinstance(f, BadValue) and f.column == "sum(qty)" for f in findings)
    assert any(isinstance(f, Difference) for f in findings)


def test_check_reports_a_real_daily_total(db):
    item, loc = make_item(db)
    post(db, item, loc, "10")
    hand_edit(
        db,
        "UPDATE item_daily SET qty_in = 1.5",
        "UPDATE item_daily SET qty_in = 2000000000000",
    )
    with db.read() as s:
        findings = check_balances(s)
        assert [(f.table, f.column) for f in findings] == [("item_daily", "qty_in")]
        # the unreadable day is reported once, not compared with the ledger as well
        assert check_totals(s, db.timezone) == []


def test_check_reports_a_real_monthly_total(db):
    item, loc = make_item(db)
    post(db, item, loc, "10")
    _corrupt(
        db,
        "UPDATE item_monthly SET consumed = 2.5",
        "UPDATE item_monthly SET consumed = 2000000000000",
    )
    with db.read() as s:
        findings = check_balances(s)
        assert [(f.table, f.column) for f in findings] == [("item_monthly", "consumed")]
        assert check_totals(s, db.timezone) == []


def test_the_database_refuses_a_hand_edit_that_puts_a_day_beyond_the_limit(db):
    item, loc = make_item(db)
    post(db, item, loc, "10")
    with pytest.raises(DBAPIError) as caught, db.write() as s:
        s.execute(text("UPDATE item_daily SET qty_out = 1000000000000000000"
                       if s.get_bind().dialect.name == "sqlite"
                       else "UPDATE item_daily SET qty_out = 1000000000000"))  # fmt: skip
    assert "daily total beyond the limit" in str(caught.value)
    assert daily_in(db, item) == 10


@pytest.mark.parametrize("token", ["10000000000000", "1,000,000,000,000", "1000000000000.5"])
def test_the_parser_refuses_a_quantity_beyond_the_store_limit_with_a_message_key(token):
    with pytest.raises(QuantityError) as caught:
        parse_quantity(token)
    assert caught.value.key == "qty.too_large"
    assert caught.value.params["max"] == "12"


def test_the_parser_accepts_exactly_the_store_limit():
    assert parse_quantity("999999999999.999999").value == MAX_QTY
    with pytest.raises(QuantityError) as caught:
        parse_quantity("1e13")
    assert caught.value.key == "qty.scientific"


def test_a_receipt_that_would_overflow_the_balance_is_refused_in_chat_and_writes_nothing(db):
    from transcript import Floor, row_counts

    floor = Floor(db).people()
    bolt = floor.item("BOLT-M8")
    first = floor.say("carol", "/receive BOLT-M8 999999999999")
    assert "posting.qty_limit" not in first.keys()
    before = row_counts(db)
    second = floor.say("carol", "/receive BOLT-M8 999999999999")
    assert second.keys() == ["posting.qty_limit"]
    assert row_counts(db) == before
    assert floor.on_hand(bolt) == 999999999999
