"""The one posting path: exact, atomic, idempotent, never below zero, provable by `check`."""

from __future__ import annotations

import threading
from decimal import Decimal

import pytest
from sqlalchemy import event, func, select, text

from stockbot.store import ledger
from stockbot.store.catalog import ensure_batch, ensure_location, ensure_warehouse
from stockbot.store.check import check_balances
from stockbot.store.models import Balance, ItemDaily, Movement, MovementKind, Posting
from stockbot.store.quantities import quantities
from stockbot.store.types import PrecisionError
from stockbot.timeutil import today, utcnow

from factory import make_item, post

R, ISSUE = MovementKind.RECEIPT, MovementKind.ISSUE


def on_hand(db, item_id: int) -> Decimal:
    with db.read() as s:
        return quantities(s, [item_id])[item_id].on_hand


def ledger_sum(db, item_id: int) -> Decimal:
    with db.read() as s:
        return s.scalar(select(func.sum(Movement.qty)).where(Movement.item_id == item_id))


def counts(db) -> tuple[int, int]:
    with db.read() as s:
        return (s.scalar(select(func.count(Posting.id))), s.scalar(select(func.count(Movement.id))))


def test_a_receipt_raises_on_hand_and_the_balance_equals_the_ledger(db):
    item, loc = make_item(db)
    post(db, item, loc, "20")
    post(db, item, loc, "-5", ISSUE)
    assert on_hand(db, item) == Decimal("15")
    assert ledger_sum(db, item) == Decimal("15")
    with db.read() as s:
        assert check_balances(s) == []


def test_point_one_plus_point_two_kilograms_is_exactly_point_three(db):
    item, loc = make_item(db, "RESIN", unit="kg")
    post(db, item, loc, "0.1")
    post(db, item, loc, "0.2")
    assert on_hand(db, item) == Decimal("0.3")
    with db.read() as s:
        raw = s.execute(text("SELECT qty FROM balances")).scalar_one()
    # The stored representation is exact too: integer millionths on SQLite, NUMERIC on PostgreSQL.
    assert Decimal(str(raw)) in (Decimal("300000"), Decimal("0.3"))


def test_more_than_six_decimal_places_or_a_float_is_refused_and_nothing_is_written(db):
    item, loc = make_item(db)
    with pytest.raises(PrecisionError):
        post(db, item, loc, "0.0000001")
    with pytest.raises(TypeError), db.write() as s:
        ledger.post(
            s.connection(), ledger.Meta("float", "receipt"), [ledger.Line(item, loc, 0.5, R)]
        )  # type: ignore[arg-type]
    assert counts(db) == (0, 0)


def test_repeating_an_idempotency_key_returns_the_first_result_and_posts_nothing(db):
    item, loc = make_item(db)
    first = post(db, item, loc, "10", key="slack:evt-1")
    again = post(db, item, loc, "10", key="slack:evt-1")
    assert not first.already_done and again.already_done
    assert again.posting_id == first.posting_id
    assert again.movement_ids == first.movement_ids
    assert on_hand(db, item) == Decimal("10")
    assert counts(db) == (1, 1)


def test_an_issue_beyond_on_hand_is_refused_naming_the_item_and_shortfall(db):
    item, loc = make_item(db, "BOLT-M8")
    post(db, item, loc, "3")
    with pytest.raises(ledger.InsufficientStock) as exc:
        post(db, item, loc, "-5", ISSUE)
    assert exc.value.item_code == "BOLT-M8"
    assert exc.value.shortfall == Decimal("2")
    assert "BOLT-M8" in str(exc.value) and "short by 2" in str(exc.value)
    assert on_hand(db, item) == Decimal("3")
    assert counts(db) == (1, 1)


def test_a_refused_line_takes_the_whole_posting_with_it(db):
    a, loc = make_item(db, "A")
    b, _ = make_item(db, "B")
    post(db, a, loc, "5")
    lines = [ledger.Line(a, loc, Decimal(-1), ISSUE), ledger.Line(b, loc, Decimal(-1), ISSUE)]
    with pytest.raises(ledger.InsufficientStock), db.write() as s:
        ledger.post(s.connection(), ledger.Meta("two-lines", "issue"), lines)
    assert on_hand(db, a) == Decimal("5")
    assert counts(db) == (1, 1)
    # The key was not consumed by the refused attempt: a corrected retry goes through.
    post(db, b, loc, "1")
    with db.write() as s:
        ledger.post(s.connection(), ledger.Meta("two-lines", "issue"), lines)
    assert on_hand(db, a) == Decimal("4") and on_hand(db, b) == Decimal("0")


def test_an_item_that_allows_negative_stock_may_go_below_zero(db):
    item, loc = make_item(db, "WATER", allow_negative=True)
    post(db, item, loc, "-2", ISSUE)
    assert on_hand(db, item) == Decimal("-2")


def test_a_transfer_moves_stock_between_locations_and_keeps_the_item_total(db):
    item, loc = make_item(db)
    with db.write() as s:
        wh2 = ensure_warehouse(s, "WH2")
        shelf = ensure_location(s, wh2, "B-01").id
    post(db, item, loc, "10")
    with db.write() as s:
        ledger.post(
            s.connection(),
            ledger.Meta("t1", "transfer"),
            [
                ledger.Line(item, loc, Decimal(-4), MovementKind.TRANSFER_OUT),
                ledger.Line(item, shelf, Decimal(4), MovementKind.TRANSFER_IN),
            ],
        )
    assert on_hand(db, item) == Decimal("10")
    with db.read() as s:
        assert quantities(s, [item], warehouse_id=wh2.id)[item].on_hand == Decimal("4")
        daily = s.get(ItemDaily, (item, ledger.business_day(utcnow(), db.timezone)))
        assert daily.qty_in == Decimal("10") and daily.qty_out == 0  # transfers are not in/out


def test_batches_are_separate_balances(db):
    item, loc = make_item(db, "GLUE", batch_tracked=True)
    with db.write() as s:
        b1 = ensure_batch(s, item, "L1", today()).id
        b2 = ensure_batch(s, item, "L2", today()).id
    post(db, item, loc, "5", batch_id=b1)
    post(db, item, loc, "7", batch_id=b2)
    with pytest.raises(ledger.InsufficientStock) as exc:
        post(db, item, loc, "-6", ISSUE, batch_id=b1)
    assert "batch L1" in str(exc.value)
    with db.read() as s:
        assert s.scalar(select(func.count(Balance.id))) == 2


def test_a_reversal_undoes_a_movement_once_and_never_drives_stock_negative(db):
    item, loc = make_item(db)
    receipt = post(db, item, loc, "10")
    issue = post(db, item, loc, "-4", ISSUE)
    with db.write() as s:
        rev = ledger.reverse(s.connection(), issue.movement_ids, ledger.Meta("undo-1", "reversal"))
    assert on_hand(db, item) == Decimal("10")
    with db.write() as s:  # the same undo, retried: the first result, nothing new
        again = ledger.reverse(
            s.connection(), issue.movement_ids, ledger.Meta("undo-1", "reversal")
        )
    assert again.already_done and again.posting_id == rev.posting_id
    with pytest.raises(ledger.AlreadyReversed), db.write() as s:
        ledger.reverse(s.connection(), issue.movement_ids, ledger.Meta("undo-2", "reversal"))
    post(db, item, loc, "-8", ISSUE)
    with pytest.raises(ledger.InsufficientStock), db.write() as s:  # the goods are gone
        ledger.reverse(s.connection(), receipt.movement_ids, ledger.Meta("undo-3", "reversal"))
    assert on_hand(db, item) == Decimal("2")
    with db.read() as s:
        daily = s.get(ItemDaily, (item, ledger.business_day(utcnow(), db.timezone)))
        assert daily.consumed == Decimal("8")  # the reversed issue no longer counts as usage
        assert check_balances(s) == []


def test_check_finds_a_tampered_balance(db):
    item, loc = make_item(db, "BOLT-M8")
    post(db, item, loc, "10")
    with db.write() as s:
        s.execute(Balance.__table__.update().values(qty=Decimal("11")))
    with db.read() as s:
        diffs = check_balances(s)
    assert len(diffs) == 1
    assert diffs[0].item_code == "BOLT-M8"
    assert (diffs[0].balance, diffs[0].ledger) == (Decimal("11"), Decimal("10"))


def test_concurrent_issues_never_go_negative_and_exactly_the_stock_is_issued(db):
    """8 threads × 250 issues of 1 from a balance of 1000: 1000 succeed, 1000 are refused."""
    item, loc = make_item(db)
    post(db, item, loc, "1000")
    ok: list[Decimal] = []
    refused: list[int] = []
    errors: list[BaseException] = []
    lock = threading.Lock()
    start = threading.Barrier(8)

    def worker(n: int) -> None:
        start.wait()
        for i in range(250):
            try:
                res = post(db, item, loc, "-1", ISSUE, key=f"w{n}-{i}")
                with lock:
                    ok.append(res.balances[(item, loc, None)])
            except ledger.InsufficientStock:
                with lock:
                    refused.append(1)
            except BaseException as exc:  # pragma: no cover - reported below
                errors.append(exc)

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert len(ok) == 1000 and len(refused) == 1000
    assert min(ok) == 0 and sorted(ok) == list(map(Decimal, range(1000)))
    assert on_hand(db, item) == 0 and ledger_sum(db, item) == 0
    with db.read() as s:
        qtys = s.scalars(
            select(Movement.qty).where(Movement.item_id == item).order_by(Movement.id)
        ).all()
    running = Decimal(0)
    for q in qtys:  # in commit order, the balance never dips below zero
        running += q
        assert running >= 0


def test_a_posting_of_many_lines_answers_their_movement_ids_in_line_order(db):
    """SQLite inserts several lines in one statement and reads their ids back by line number
    (SQLAlchemy would otherwise send one INSERT per line): the ids still follow the lines."""
    items = [make_item(db, f"M{n:02d}")[0] for n in range(12)]
    _, loc = make_item(db, "M00")
    lines = [ledger.Line(i, loc, Decimal(n + 1), R) for n, i in enumerate(reversed(items))]
    inserts: list[str] = []

    def seen(conn, cursor, statement, *_):  # type: ignore[no-untyped-def]
        if statement.startswith("INSERT INTO movements"):
            inserts.append(statement)

    event.listen(db.engine, "before_cursor_execute", seen)
    try:
        with db.write() as s:
            res = ledger.post(s.connection(), ledger.Meta("many", "receipt"), lines)
    finally:
        event.remove(db.engine, "before_cursor_execute", seen)
    with db.read() as s:
        rows = {m.id: (m.line_no, m.item_id, m.qty) for m in s.scalars(select(Movement))}
    assert [rows[i] for i in res.movement_ids] == [
        (n, ln.item_id, ln.qty) for n, ln in enumerate(lines, start=1)
    ]
    assert len(inserts) == 1


def test_a_large_posting_takes_the_bulk_path_with_the_same_rules(db):
    """More than BULK_THRESHOLD balance rows: executemany path, same results and refusals."""
    items = [make_item(db, f"P{n:03d}")[0] for n in range(40)]
    _, loc = make_item(db, "P000")
    with db.write() as s:
        lot = ensure_batch(s, items[0], "L1", today()).id
    lines = [ledger.Line(i, loc, Decimal("2.5"), R) for i in items]
    lines.append(ledger.Line(items[0], loc, Decimal(1), R, batch_id=lot))
    with db.write() as s:
        res = ledger.post(s.connection(), ledger.Meta("bulk", "receipt"), lines)
    assert len(res.movement_ids) == 41
    assert res.balances[(items[0], loc, None)] == Decimal("2.5")
    assert res.balances[(items[0], loc, lot)] == Decimal(1)
    refused = [ledger.Line(i, loc, Decimal(-1), ISSUE) for i in items]
    refused[-1] = ledger.Line(items[-1], loc, Decimal(-3), ISSUE)
    with pytest.raises(ledger.InsufficientStock) as exc, db.write() as s:
        ledger.post(s.connection(), ledger.Meta("bulk-issue", "issue"), refused)
    assert exc.value.item_code == "P039" and exc.value.shortfall == Decimal("0.5")
    assert counts(db) == (1, 41)
    with db.read() as s:
        assert check_balances(s) == []
