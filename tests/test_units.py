"""Units of the floor: quantities a unit cannot hold are refused, packaging units convert,
every reader sees units in their own words, and the items file carries the conversions."""

from __future__ import annotations

import csv
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import func, select

from stockbot import units
from stockbot.io.exports import export_items
from stockbot.io.imports import import_items
from stockbot.store.models import CountLine, Item, ItemUnit, MaterialRequest

from transcript import Floor, row_counts

D = Decimal


@pytest.fixture
def floor(db) -> Floor:  # type: ignore[no-untyped-def]
    f = Floor(db).people()
    f.item("BOLT", stock=100, name="Hex bolt")
    f.item("BOLT", warehouse="WH2")
    return f


def write_csv(path: Path, rows: list[list[str]]) -> Path:
    with open(path, "w", encoding="utf-8", newline="") as f:
        csv.writer(f).writerows(rows)
    return path


# --- the rules ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("word", "key"),
    [("个", "pcs"), ("PCS", "pcs"), ("piece", "pcs"), ("公斤", "kg"), ("千克", "kg"),
     ("米", "m"), ("卷", "roll"), ("箱", "box"), ("Boxes", "box"), ("桶", "drum"),
     ("托盘x", "托盘x")],
)  # fmt: skip
def test_unit_words_fold_to_one_canonical_unit(word, key):
    assert units.canonical(word) == key


@pytest.mark.parametrize(
    ("qty", "unit", "lang", "shown"),
    [(D(1), "pcs", "en", "1 pc"), (D(2), "pcs", "en", "2 pcs"), (D(2), "个", "en", "2 pcs"),
     (D(200), "pcs", "zh-Hans", "200个"), (D(200), "pcs", "zh-Hant", "200個"),
     (D("2.5"), "kg", "zh-Hans", "2.5千克"), (D("2.5"), "kg", "zh-Hant", "2.5公斤"),
     (D(1), "箱", "en", "1 box"), (D(3), "箱", "en", "3 boxes"), (D(5), "根", "zh-Hans", "5根"),
     (D("0.5"), "kg", "en", "0.5 kg"), (D(4), "widget", "en", "4 widget")],
)  # fmt: skip
def test_a_quantity_is_shown_in_the_readers_words(qty, unit, lang, shown):
    assert units.show(qty, unit, lang) == shown


def test_half_a_piece_is_refused_with_the_whole_numbers_either_side():
    with pytest.raises(units.UnitError) as no:
        units.to_base(D("2.5"), None, "pcs", {})
    assert no.value.key == "unit.decimals" and no.value.params["options"] == [D(2), D(3)]


def test_a_conversion_that_breaks_the_base_units_decimals_is_refused():
    with pytest.raises(units.UnitError) as no:
        units.to_base(D("0.333"), "箱", "pcs", {"box": D(100)})
    assert no.value.params["base"] == D("33.3") and no.value.params["options"] == [D(33), D(34)]


def test_units_of_one_dimension_convert_without_an_item_rule_and_an_override_wins():
    assert units.to_base(D(500), "g", "kg", {}) == D("0.5")
    assert units.to_base(D("2.5"), None, "pcs", {}, decimals=1) == D("2.5")
    assert units.to_base(D("0.125"), None, "widget", {}) == D("0.125")  # unknown: not judged


# --- one check for every command that takes a quantity --------------------------------------


@pytest.mark.parametrize(
    ("who", "text"),
    [("bob", "/request BOLT 2.5"), ("carol", "/receive BOLT 2.5"), ("erin", "/purchase BOLT 2.5"),
     ("carol", "/transfer BOLT 2.5 MAIN WH2"), ("bob", "/return BOLT 2.5"),
     ("carol", "/issue MR-00001 2.5")],
)  # fmt: skip
def test_half_a_bolt_is_refused_with_the_nearest_counts_and_nothing_is_written(floor, who, text):
    floor.say("bob", "/request BOLT 10")
    before = row_counts(floor.db)
    reply = floor.say(who, text)
    assert reply.keys() == ["unit.whole"]
    assert "2 pcs" in reply.plain() and "3 pcs" in reply.plain()
    assert row_counts(floor.db) == before


def test_a_count_answer_of_half_a_bolt_is_asked_again(floor):
    floor.say("carol", "/count MAIN")
    reply = floor.say("carol", "2.5")
    assert reply.keys()[0] == "cnt.bad_answer" and "2 pcs" in reply.plain()


def test_a_kg_item_takes_three_decimals_and_refuses_a_fourth(floor):
    glue = floor.item("GLUE", stock=10, unit="kg")
    assert floor.say("bob", "/request GLUE 2.125").keys()[0] == "mr.created_reserved"
    assert floor.available(glue) == D("7.875")
    before = row_counts(floor.db)
    refused = floor.say("bob", "/request GLUE 2.1255")
    assert refused.keys() == ["unit.decimals"] and "2.125 kg" in refused.plain()
    assert row_counts(floor.db) == before


def test_an_item_override_allows_what_its_unit_would_not(floor):
    cable = floor.item("CABLE", stock=10, decimals=1)
    assert floor.say("bob", "/request CABLE 2.5").keys()[0] == "mr.created_reserved"
    assert floor.available(cable) == D("7.5")


def test_a_unit_the_item_does_not_know_is_refused_naming_the_units_it_does(floor):
    floor.item("NUT", stock=1000, units={"箱": D(100)})
    before = row_counts(floor.db)
    reply = floor.say("bob", "领料 NUT 2盒")
    assert reply.keys() == ["unit.unknown"] and "箱" in reply.plain() and "个" in reply.plain()
    assert row_counts(floor.db) == before


# --- packaging units from the items file ----------------------------------------------------


def test_two_boxes_imported_as_a_hundred_each_reserve_two_hundred(floor, tmp_path):
    sheet = write_csv(
        tmp_path / "items.csv",
        [["物料编码", "名称", "单位", "别名", "单位换算"],
         ["BOLT-M8", "Hex bolt M8", "pcs", "六角螺栓M8", "box=100;箱=100"]],
    )  # fmt: skip
    assert import_items(floor.db, sheet).ok
    bolt = floor.item("BOLT-M8", stock=1000, name="Hex bolt M8")
    reply = floor.say("bob", "领料 六角螺栓M8 2箱")
    assert reply.keys()[0] == "mr.created_reserved" and "2箱 = 200个" in reply.plain()
    assert floor.available(bolt) == 800
    with floor.db.read() as s:
        assert s.scalars(select(MaterialRequest.qty)).one() == 200
    card = floor.say("bob", "/stock BOLT-M8")
    assert "stock.units" in card.keys() and "1 box = 100 pcs" in card.plain()


def test_a_chinese_reader_sees_chinese_units_and_an_english_one_pc_and_pcs(floor):
    floor.say("bob", "/lang zh-Hans")
    zh = floor.say("bob", "/request BOLT 2")
    assert "2个" in zh.plain() and "pcs" not in zh.plain()
    one = floor.say("bea", "/request BOLT 1")
    assert "1 pc " in one.plain() + " " and "1 pcs" not in one.plain()
    assert "2 pcs" in floor.say("bea", "/request BOLT 2").plain()


@pytest.mark.parametrize(
    ("cell", "says"),
    [("box=abc", "not a number"), ("box100", "not unit=factor"), ("pcs=10", "own unit"),
     ("box=100;箱=50", "name one unit"), ("box=2.5", "decimal place"), ("box=0", "more than 0")],
)  # fmt: skip
def test_bad_unit_conversions_are_refused_by_row_and_nothing_is_imported(db, tmp_path, cell, says):
    sheet = write_csv(
        tmp_path / "items.csv",
        [["code", "name", "unit", "unit_conversions"], ["OK", "fine", "pcs", "box=10"],
         ["BAD", "bad", "pcs", cell]],
    )  # fmt: skip
    report = import_items(db, sheet)
    assert not report.ok
    assert [(e.row, e.column) for e in report.errors] == [(3, "unit_conversions")]
    assert says in report.errors[0].message
    with db.read() as s:
        assert s.scalar(select(func.count()).select_from(Item)) == 0


def test_a_bad_decimals_cell_is_refused(db, tmp_path):
    sheet = write_csv(tmp_path / "i.csv", [["code", "name", "小数位"], ["X", "x", "7"]])
    report = import_items(db, sheet)
    assert [(e.row, e.column) for e in report.errors] == [(2, "小数位")]


def test_exported_items_import_back_unchanged(db, tmp_path):
    sheet = write_csv(
        tmp_path / "items.csv",
        [["code", "name", "unit", "decimals", "unit_conversions", "aliases"],
         ["BOLT", "bolt", "pcs", "", "box=100;箱=100", "螺栓;bolt m8"],
         ["WIRE", "wire", "m", "1", "卷=100", ""]],
    )  # fmt: skip
    assert import_items(db, sheet).ok
    first = tmp_path / "first.csv"
    assert export_items(db, first) == 2
    again = import_items(db, first)
    assert again.ok and again.updated == 2 and again.created == 0
    second = tmp_path / "second.csv"
    export_items(db, second)
    assert first.read_bytes() == second.read_bytes()
    with open(first, encoding="utf-8-sig") as f:
        rows = list(csv.DictReader(f))
    assert rows[0]["unit conversions"] == "box=100;箱=100" and rows[1]["decimals"] == "1"
    with db.read() as s:
        assert s.scalar(select(func.count()).select_from(ItemUnit)) == 3


@pytest.mark.parametrize(
    ("who", "text", "key", "on_hand"),
    [("carol", "/transfer NUT 2箱 MAIN WH2", "mv.moved", 1000),
     ("carol", "/return NUT 1箱", "mv.returned", 1100),
     ("carol", "/receive NUT 3箱", "gr.received", 1300),
     ("erin", "/purchase NUT 2箱", "pr.created", 1000)],
)  # fmt: skip
def test_every_command_posts_base_units_and_says_what_was_typed(floor, who, text, key, on_hand):
    nut = floor.item("NUT", stock=1000, units={"箱": D(100)})
    floor.item("NUT", warehouse="WH2")
    reply = floor.say(who, text)
    assert reply.keys()[0] == key
    boxes = int(text.split()[2].removesuffix("箱"))
    assert f"{boxes}箱 = {boxes * 100}个" in reply.plain()
    assert floor.on_hand(nut) == on_hand


def test_issuing_two_boxes_of_a_request_says_what_was_typed_and_issues_two_hundred(floor):
    nut = floor.item("NUT", stock=1000, units={"箱": D(100)})
    floor.say("bob", "/request NUT 300")
    reply = floor.say("carol", "/issue MR-00001 2箱")
    assert reply.keys()[0] == "mr.issued" and "2箱 = 200个" in reply.plain()
    assert floor.on_hand(nut) == 800


def test_a_count_answered_in_boxes_says_what_was_typed_and_records_the_base_quantity(floor):
    floor.item("NUT", stock=1000, units={"箱": D(100)})
    assert floor.say("carol", "/count NUT").keys()[0] == "cnt.opened"
    reply = floor.say("carol", "9箱")
    assert reply.keys()[0] == "cnt.recorded" and "9箱 = 900个" in reply.plain()
    with floor.db.read() as s:
        assert s.scalars(select(CountLine.counted_qty)).all() == [D(900)]
