"""Spreadsheets in and out: exact numbers, every problem reported, nothing half-written."""

from __future__ import annotations

import csv
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from sqlalchemy import func, select

from stockbot.io.exports import export_balances, export_ledger
from stockbot.io.imports import (
    ImportReport,
    import_items,
    import_stock,
    import_suppliers,
    stock_idempotency_key,
)
from stockbot.io.tabular import NOT_TEXT, fold_header
from stockbot.store.check import check_balances
from stockbot.store.models import (
    Batch,
    Item,
    Location,
    Movement,
    Posting,
    Supplier,
    Warehouse,
)
from stockbot.store.quantities import quantities

ITEMS_HEADER = [
    "code", "name", "spec", "unit", "category", "safety_stock", "reorder_point", "reorder_qty",
    "lead_time_days", "unit_cost", "aliases", "barcode", "needs_qc", "batch_tracked",
]  # fmt: skip
GOOD_ITEMS = [
    ["BOLT-M8", "Hex bolt M8", "M8x30 zinc", "pcs", "fasteners", "100", "150", "500", "7",
     "0.12", "六角螺栓;hex screw", "6901234567892", "no", "no"],
    ["RESIN-A", "Epoxy resin", "A grade", "kg", "chemicals", "2.5", "5", "20", "14", "88.5",
     "环氧树脂|epoxy", "", "yes", "yes"],
    ["PAINT-W", "White paint", "5 L can", "can", "paint", "0", "0", "0", "", "0", "", "", "", ""],
]  # fmt: skip
STOCK_HEADER = ["code", "warehouse", "location", "batch", "qty", "unit_cost", "expiry"]
GOOD_STOCK = [
    ["BOLT-M8", "MAIN", "A-01", "", "1200", "0.12", ""],
    ["BOLT-M8", "MAIN", "A-02", "", "300.5", "0.12", ""],
    ["RESIN-A", "MAIN", "", "LOT-7", "0.3", "88.5", "2027-03-31"],
    ["RESIN-A", "SUB", "R-1", "LOT-8", "12.123456", "", "2027/06/30"],
    ["PAINT-W", "SUB", "", "", "7", "", ""],
]


def write_csv(path: Path, rows: list[list[Any]], encoding: str = "utf-8") -> Path:
    with path.open("w", newline="", encoding=encoding) as f:
        csv.writer(f).writerows(rows)
    return path


def write_xlsx(path: Path, rows: list[list[Any]]) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    for row in rows:
        ws.append(row)
    wb.save(path)
    return path


def counts(db) -> dict[str, int]:
    tables = {
        "items": Item.id,
        "postings": Posting.id,
        "movements": Movement.id,
        "batches": Batch.id,
        "warehouses": Warehouse.id,
        "locations": Location.id,
        "suppliers": Supplier.id,
    }
    with db.read() as s:
        return {name: s.scalar(select(func.count(col))) for name, col in tables.items()}


def on_hand(db) -> dict[str, Decimal]:
    with db.read() as s:
        ids = dict(s.execute(select(Item.code, Item.id)).all())
        q = quantities(s, ids.values())
        return {code: q[i].on_hand for code, i in ids.items()}


def load_good(db, tmp_path: Path) -> tuple[ImportReport, ImportReport]:
    items = import_items(db, write_csv(tmp_path / "items.csv", [ITEMS_HEADER, *GOOD_ITEMS]))
    stock = import_stock(
        db, write_csv(tmp_path / "stock.csv", [STOCK_HEADER, *GOOD_STOCK]), create_warehouses=True
    )
    assert items.ok and stock.ok, items.error_table() + stock.error_table()
    return items, stock


def problems(report: ImportReport) -> set[tuple[int | None, str | None]]:
    return {(e.row, e.column) for e in report.errors}


def messages(report: ImportReport) -> str:
    return "\n".join(e.message for e in report.errors)


# --- the good path ------------------------------------------------------------------------------


def test_a_good_items_file_and_stock_file_import_and_the_quantities_match(db, tmp_path):
    items, stock = load_good(db, tmp_path)

    assert (items.rows_read, items.created, items.updated) == (3, 3, 0)
    assert (stock.rows_read, stock.posted_lines, stock.created) == (5, 5, 2)
    assert on_hand(db) == {
        "BOLT-M8": Decimal("1500.5"),
        "RESIN-A": Decimal("12.423456"),
        "PAINT-W": Decimal("7"),
    }
    with db.read() as s:
        resin = s.scalars(select(Item).where(Item.code == "RESIN-A")).one()
        assert resin.unit_cost == Decimal("88.5") and resin.safety_stock == Decimal("2.5")
        assert resin.aliases == ["环氧树脂", "epoxy"] and resin.unit == "kg"
        assert resin.needs_qc and resin.batch_tracked and resin.lead_time_days == 14
        paint = s.scalars(select(Item).where(Item.code == "PAINT-W")).one()
        assert paint.lead_time_days == 7 and paint.barcode is None  # empty cell → default
        lots = {b.lot: b.expiry for b in s.scalars(select(Batch))}
        assert lots == {"LOT-7": date(2027, 3, 31), "LOT-8": date(2027, 6, 30)}
        places = set(
            s.execute(select(Warehouse.code, Location.code).join(Location.warehouse)).all()
        )
        assert places >= {("MAIN", "A-01"), ("MAIN", "A-02"), ("MAIN", "-"), ("SUB", "R-1")}
        posting = s.scalars(select(Posting)).one()
        assert posting.kind == "opening" and posting.doc_type == "import"
        assert posting.doc_id == "stock.csv"
        assert posting.idempotency_key == stock_idempotency_key(
            (tmp_path / "stock.csv").read_bytes()
        )
        assert set(s.scalars(select(Movement.kind))) == {"receipt"}
        assert check_balances(s) == []
    assert items.summary().startswith("items: 3 rows, 3 created, 0 updated in ")
    assert stock.summary().startswith("stock: 5 rows, 5 lines posted")


def test_an_xlsx_file_imports_exact_decimals_from_excel_number_cells(db, tmp_path):
    items = write_xlsx(
        tmp_path / "items.xlsx",
        [["Item Code", "Name", "Unit Cost"], ["GLUE", "Glue", 0.1 + 0.2], [10023, "Numeric", 3]],
    )
    stock = write_xlsx(
        tmp_path / "stock.xlsx",
        [
            ["item code", "warehouse", "batch", "on hand", "expiry"],
            ["GLUE", "MAIN", "B1", 0.3, datetime(2027, 1, 31)],
            [10023, "MAIN", None, 2.5, None],
        ],
    )
    assert import_items(db, items).ok
    report = import_stock(db, stock, create_warehouses=True)
    assert report.ok, report.error_table()
    assert on_hand(db) == {"GLUE": Decimal("0.3"), "10023": Decimal("2.5")}
    with db.read() as s:
        assert s.scalar(select(Item.unit_cost).where(Item.code == "GLUE")) == Decimal("0.3")
        assert s.scalar(select(Batch.expiry)) == date(2027, 1, 31)


def test_a_gbk_csv_with_chinese_headers_imports_like_an_english_one(db, tmp_path):
    items = write_csv(
        tmp_path / "物料.csv",
        [
            ["物料编码", "品名", "規格", "单位", "类别", "安全库存", "再订货点", "订货量",
             "采购周期(天)", "單價", "别名"],
            ["LUO-01", "螺丝", "M6×20 镀锌", "个", "紧固件", "100", "200", "1000", "5", "0.05",
             "螺钉；机螺丝"],
        ],
        encoding="gbk",
    )  # fmt: skip
    stock = write_csv(
        tmp_path / "期初库存.csv",
        [
            ["料号", "仓库", "库位", "批号", "数量", "有效期"],
            ["LUO-01", "主仓", "甲-1", "", "50", ""],
        ],
        encoding="gbk",
    )
    r1, r2 = import_items(db, items), import_stock(db, stock, create_warehouses=True)
    assert r1.ok and r2.ok, r1.error_table() + r2.error_table()
    assert on_hand(db) == {"LUO-01": Decimal("50")}
    with db.read() as s:
        item = s.scalars(select(Item)).one()
        assert (item.name, item.spec, item.unit) == ("螺丝", "M6×20 镀锌", "个")
        assert item.aliases == ["螺钉", "机螺丝"] and item.lead_time_days == 5
        assert s.scalar(select(Warehouse.code).where(Warehouse.code == "主仓")) == "主仓"


def test_traditional_chinese_and_decorated_headers_fold_to_the_same_column(db, tmp_path):
    assert fold_header("料號 ") == fold_header("料号")
    assert fold_header("Lead time (days)") == fold_header("lead_time_days")
    items = write_csv(
        tmp_path / "items.csv",
        [["編碼*", "名稱", "單價", "安全庫存"], ["X-1", "軸承", "1.5", "3"]],
    )
    stock = write_csv(
        tmp_path / "stock.csv", [["料號", "倉庫", "庫位", "數量(件)"], ["X-1", "MAIN", "B", "4"]]
    )
    r1, r2 = import_items(db, items), import_stock(db, stock, create_warehouses=True)
    assert r1.ok and r2.ok, r1.error_table() + r2.error_table()
    assert on_hand(db) == {"X-1": Decimal("4")}


def test_re_importing_the_same_stock_file_posts_once_and_says_so(db, tmp_path):
    _, first = load_good(db, tmp_path)
    before = counts(db)
    again = import_stock(db, tmp_path / "stock.csv", create_warehouses=True)
    assert again.ok and again.already_done and again.posted_lines == 0
    assert again.posting_id == first.posting_id
    assert "already imported" in again.summary()
    assert counts(db) == before
    assert on_hand(db)["BOLT-M8"] == Decimal("1500.5")


def test_re_importing_items_updates_them_with_fresh_search_revisions(db, tmp_path):
    load_good(db, tmp_path)
    with db.read() as s:
        before = dict(s.execute(select(Item.code, Item.search_rev)).all())
    changed = write_csv(
        tmp_path / "items2.csv",
        [["code", "name", "unit_cost"], ["BOLT-M8", "Hex bolt M8 (new)", "0.13"], ["NEW", "N", ""]],
    )
    report = import_items(db, changed)
    assert (report.created, report.updated) == (1, 1)
    with db.read() as s:
        bolt = s.scalars(select(Item).where(Item.code == "BOLT-M8")).one()
        assert (bolt.name, bolt.unit_cost) == ("Hex bolt M8 (new)", Decimal("0.13"))
        assert bolt.spec == "M8x30 zinc" and bolt.safety_stock == Decimal(100)  # absent: kept
        revs = dict(s.execute(select(Item.code, Item.search_rev)).all())
    assert min(revs["BOLT-M8"], revs["NEW"]) > max(before.values())
    assert revs["BOLT-M8"] != revs["NEW"] and revs["RESIN-A"] == before["RESIN-A"]


def test_suppliers_import_and_items_can_name_their_default_supplier(db, tmp_path):
    sup = write_csv(
        tmp_path / "suppliers.csv",
        [
            ["供应商编码", "供应商名称", "联系人", "电话", "邮箱", "交期"],
            ["S01", "华东五金", "王工", "13800000000", "wang@example.com", "10"],
        ],
    )
    r = import_suppliers(db, sup)
    assert r.ok and r.created == 1, r.error_table()
    items = write_csv(tmp_path / "items.csv", [["code", "name", "供应商"], ["B", "Bolt", "S01"]])
    assert import_items(db, items).ok
    with db.read() as s:
        supplier = s.scalars(select(Supplier)).one()
        assert (supplier.name, supplier.phone, supplier.lead_time_days) == (
            "华东五金", "13800000000", 10
        )  # fmt: skip
        assert s.scalar(select(Item.default_supplier_id)) == supplier.id
    bad = write_csv(tmp_path / "items2.csv", [["code", "name", "supplier"], ["C", "C", "S99"]])
    report = import_items(db, bad)
    assert not report.ok and "unknown supplier S99" in messages(report)


# --- bad files: a row-by-row report, and nothing written -----------------------------------


def test_an_unknown_item_code_is_reported_by_row_and_nothing_is_written(db, tmp_path):
    load_good(db, tmp_path)
    before = counts(db)
    bad = write_csv(
        tmp_path / "stock2.csv",
        [
            STOCK_HEADER,
            ["BOLT-M8", "NEWWH", "X", "", "5", "", ""],
            ["NOPE", "MAIN", "", "", "1", "", ""],
        ],
    )
    report = import_stock(db, bad, create_warehouses=True)
    assert not report.ok
    assert problems(report) == {(3, "code")}
    assert "unknown item code NOPE" in messages(report)
    assert counts(db) == before  # not even the new warehouse NEWWH


@pytest.mark.parametrize(
    ("qty", "says"),
    [
        ("-5", "cannot be negative"),
        ("abc", "is not a number"),
        ("1e309", "is not a number"),
        ("1e5", "is not a number"),  # the chat refuses exponents: so does the importer
        ("１２E3", "is not a number"),
        ("NaN", "is not a number"),
        ("0.1234567", "more than 6 decimal places"),
        ("", "is empty"),
    ],
)
def test_a_bad_stock_quantity_is_reported_with_its_row_and_column(db, tmp_path, qty, says):
    load_good(db, tmp_path)
    before = counts(db)
    bad = write_csv(
        tmp_path / "bad.csv",
        [["code", "数量"], ["BOLT-M8", "1"], ["PAINT-W", qty]],
    )
    report = import_stock(db, bad, create_warehouses=True)
    assert not report.ok and counts(db) == before
    assert [(e.row, e.column) for e in report.errors] == [(3, "数量")]
    assert says in report.errors[0].message


def test_a_negative_item_threshold_and_text_in_a_number_column_are_both_reported(db, tmp_path):
    bad = write_csv(
        tmp_path / "items.csv",
        [["code", "name", "safety_stock", "unit_cost"], ["A", "A", "-5", "abc"]],
    )
    report = import_items(db, bad)
    assert problems(report) == {(2, "safety_stock"), (2, "unit_cost")}
    assert counts(db)["items"] == 0


def test_a_duplicate_code_in_the_items_file_names_both_rows(db, tmp_path):
    bad = write_csv(
        tmp_path / "items.csv", [["code", "name"], ["A", "first"], ["B", "b"], ["A", "again"]]
    )
    report = import_items(db, bad)
    assert not report.ok and problems(report) == {(4, "code")}
    assert "code A is also on row 2" in messages(report)
    assert counts(db)["items"] == 0


def test_a_missing_required_column_is_one_file_level_error(db, tmp_path):
    bad = write_csv(tmp_path / "items.csv", [["code", "spec"], *([f"C{i}", "x"] for i in range(9))])
    report = import_items(db, bad)
    assert not report.ok and len(report.errors) == 1
    assert report.errors[0].row is None and report.errors[0].column == "name"
    assert "required column 'name' is missing" in report.errors[0].message
    assert counts(db)["items"] == 0


def test_a_latin1_file_is_refused_as_not_utf8_or_gbk_text(db, tmp_path):
    path = tmp_path / "items.csv"
    path.write_bytes("code,name\nCAFÉ,crème brûlée,\n".encode("latin-1"))
    report = import_items(db, path)
    assert not report.ok and [e.message for e in report.errors] == [NOT_TEXT]
    assert counts(db)["items"] == 0


def test_a_binary_file_with_a_csv_name_is_refused_not_a_traceback(db, tmp_path):
    path = tmp_path / "stock.csv"
    path.write_bytes(bytes(range(256)) * 4)
    report = import_stock(db, path, create_warehouses=True)
    assert not report.ok and report.errors[0].message.startswith(NOT_TEXT)
    assert counts(db)["postings"] == 0
    xlsx = tmp_path / "items.csv"
    write_xlsx(tmp_path / "real.xlsx", [["code", "name"]])
    xlsx.write_bytes((tmp_path / "real.xlsx").read_bytes())
    assert "looks like an Excel workbook" in messages(import_items(db, xlsx))


def test_a_file_mixing_several_problems_gets_every_one_reported_and_nothing_written(db, tmp_path):
    load_good(db, tmp_path)
    before = counts(db)
    bad = write_csv(
        tmp_path / "mixed.csv",
        [
            STOCK_HEADER,
            ["BOLT-M8", "MAIN", "A-01", "", "5", "", ""],  # row 2: fine
            ["GHOST", "MAIN", "", "", "1", "", ""],  # row 3: unknown item
            ["PAINT-W", "MAIN", "", "", "-5", "", ""],  # row 4: negative
            ["PAINT-W", "SUB", "", "", "abc", "", ""],  # row 5: not a number
            ["RESIN-A", "MAIN", "", "L9", "1", "x", "2027-02-30"],  # row 6: cost + bad date
            ["RESIN-A", "MAIN", "", "", "1", "", ""],  # row 7: batch-tracked, no batch
            ["BOLT-M8", "MAIN", "A-01", "", "2", "", ""],  # row 8: same place as row 2
            ["", "MAIN", "", "", "1", "", ""],  # row 9: empty code
            ["BOLT-M8", "W" * 65, "", "", "1", "", ""],  # row 10: text too long
            [],  # row 11: empty rows are skipped
            ["BOLT-M8", "MAIN", "", "", "1", "", "2027-01-01"],  # row 12: expiry without batch
        ],
    )
    report = import_stock(db, bad, create_warehouses=True)
    assert not report.ok
    assert problems(report) == {
        (3, "code"),
        (4, "qty"),
        (5, "qty"),
        (6, "unit_cost"),
        (6, "expiry"),
        (7, "batch"),
        (8, "code"),
        (9, "code"),
        (10, "warehouse"),
        (12, "expiry"),
    }
    text = report.error_table()
    assert "not a real date" in text and "batch-tracked" in text and "at most 64" in text
    assert report.summary().startswith("stock: 10 rows, 10 errors, nothing written")
    assert counts(db) == before
    with db.read() as s:
        assert check_balances(s) == []


def test_one_batch_with_two_expiry_dates_or_a_file_without_rows_is_refused(db, tmp_path):
    load_good(db, tmp_path)
    before = counts(db)
    two = write_csv(
        tmp_path / "two.csv",
        [
            ["code", "location", "batch", "qty", "expiry"],
            ["RESIN-A", "X1", "LOT-9", "1", "2027-01-01"],
            ["RESIN-A", "X2", "LOT-9", "1", "2027-02-01"],
            ["RESIN-A", "X3", "LOT-7", "1", "2030-01-01"],  # LOT-7 exists with 2027-03-31
        ],
    )
    report = import_stock(db, two, create_warehouses=True)
    assert problems(report) == {(3, "expiry"), (4, "expiry")}
    assert "another expiry on row 2" in messages(report)
    assert "already exists with expiry 2027-03-31" in messages(report)
    empty = import_stock(
        db, write_csv(tmp_path / "empty.csv", [STOCK_HEADER]), create_warehouses=True
    )
    assert not empty.ok and messages(empty) == "no stock rows below the header"
    assert counts(db) == before


def test_the_error_table_is_cut_at_the_limit(db, tmp_path):
    bad = write_csv(tmp_path / "i.csv", [["code", "name"], *(["", f"n{i}"] for i in range(60))])
    report = import_items(db, bad)
    assert len(report.errors) == 60
    table = report.error_table(limit=50).splitlines()
    assert len(table) == 52 and table[-1] == "… and 10 more"


# --- exports ------------------------------------------------------------------------------------


def read_back(path: Path) -> list[list[Any]]:
    if path.suffix == ".csv":
        raw = path.read_bytes()
        assert raw.startswith(b"\xef\xbb\xbf")  # the BOM Excel needs for Chinese text
        with path.open(encoding="utf-8-sig", newline="") as f:
            return list(csv.reader(f))
    wb = openpyxl.load_workbook(path, read_only=True)
    try:
        return [list(r) for r in wb.worksheets[0].iter_rows(values_only=True)]
    finally:
        wb.close()


def as_decimal(v: Any) -> Decimal:
    return Decimal(format(v, ".15g")) if isinstance(v, float) else Decimal(str(v))


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_exported_balances_round_trip_the_numbers(db, tmp_path, fmt):
    load_good(db, tmp_path)
    n = export_balances(db, tmp_path / f"balances.{fmt}", fmt)
    rows = read_back(tmp_path / f"balances.{fmt}")
    assert n == 5 == len(rows) - 1 and "5 rows written" in n.summary()
    header = rows[0]
    col = {h: i for i, h in enumerate(header)}
    got: dict[str, Decimal] = {}
    for r in rows[1:]:
        got[r[0]] = got.get(r[0], Decimal(0)) + as_decimal(r[col["on hand"]])
        assert as_decimal(r[col["value"]]) == as_decimal(r[col["on hand"]]) * as_decimal(
            r[col["unit cost"]]
        )
    assert got == on_hand(db)
    resin = next(r for r in rows if r[col["batch"]] == "LOT-8")
    assert as_decimal(resin[col["on hand"]]) == Decimal("12.123456")
    assert str(resin[col["expiry"]])[:10] == "2027-06-30"


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_the_exported_ledger_round_trips_the_numbers_and_the_audit_trail(db, tmp_path, fmt):
    load_good(db, tmp_path)
    n = export_ledger(db, tmp_path / f"ledger.{fmt}", fmt)
    rows = read_back(tmp_path / f"ledger.{fmt}")
    col = {h: i for i, h in enumerate(rows[0])}
    assert n == 5 == len(rows) - 1
    with db.read() as s:
        want = [
            (m.id, m.qty, m.unit_cost) for m in s.scalars(select(Movement).order_by(Movement.id))
        ]
    got = [
        (
            int(r[col["movement id"]]),
            as_decimal(r[col["qty"]]),
            None if r[col["unit cost"]] in (None, "") else as_decimal(r[col["unit cost"]]),
        )
        for r in rows[1:]
    ]
    assert got == want
    assert {r[col["doc type"]] for r in rows[1:]} == {"import"}
    assert {r[col["idempotency key"]] for r in rows[1:]} == {
        stock_idempotency_key((tmp_path / "stock.csv").read_bytes())
    }
    assert export_ledger(db, tmp_path / f"later.{fmt}", fmt, since=datetime(2999, 1, 1)) == 0


def test_a_balances_export_is_a_valid_opening_stock_file(db, tmp_path):
    load_good(db, tmp_path)
    export_balances(db, tmp_path / "balances.csv", "csv")
    report = import_stock(db, tmp_path / "balances.csv", create_warehouses=True)
    assert report.ok, report.error_table()
    assert report.posted_lines == 5 and "ignored columns: name, unit, value" in report.notes
    assert on_hand(db)["BOLT-M8"] == Decimal("3001")
    with db.read() as s:
        assert check_balances(s) == []


def test_exports_keep_user_text_that_looks_like_a_formula_as_text(db, tmp_path):
    items = write_csv(tmp_path / "i.csv", [["code", "name"], ["EVIL", '=HYPERLINK("x","y")']])
    assert import_items(db, items).ok
    assert import_stock(
        db, write_csv(tmp_path / "s.csv", [["code", "qty"], ["EVIL", "1"]]), create_warehouses=True
    ).ok
    export_balances(db, tmp_path / "b.xlsx", "xlsx")
    export_balances(db, tmp_path / "b.csv", "csv")
    wb = openpyxl.load_workbook(tmp_path / "b.xlsx")
    cell = wb.worksheets[0]["B2"]
    assert cell.data_type == "s" and cell.value == '=HYPERLINK("x","y")'
    assert read_back(tmp_path / "b.csv")[1][1] == '\'=HYPERLINK("x","y")'


def test_an_import_names_new_warehouses_and_creates_them_only_when_asked(db, tmp_path):
    load_good(db, tmp_path)
    before = counts(db)
    path = write_csv(tmp_path / "new.csv", [["code", "warehouse", "qty"], ["BOLT-M8", "WH9", "5"]])
    report = import_stock(db, path)
    assert not report.ok and counts(db) == before
    assert "WH9" in messages(report) and "--create-warehouses" in messages(report)
    done = import_stock(db, path, create_warehouses=True)
    assert done.ok and any("WH9" in note for note in done.notes)


@pytest.mark.parametrize("code", ["../../etc", "a/b", ".hidden", "two words"])
def test_a_warehouse_code_that_is_not_a_code_is_a_row_error(db, tmp_path, code):
    load_good(db, tmp_path)
    before = counts(db)
    path = write_csv(tmp_path / "evil.csv", [["code", "warehouse", "qty"], ["BOLT-M8", code, "1"]])
    report = import_stock(db, path, create_warehouses=True)
    assert not report.ok and counts(db) == before
    assert [(e.row, e.column) for e in report.errors] == [(2, "warehouse")]
