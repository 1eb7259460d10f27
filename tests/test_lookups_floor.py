"""Lookups as a keeper meets them (issue 10): names in the reader's script, numbers inside
codes, look-alike names asked rather than guessed, and a search index ready after an import."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import select

from stockbot.cli import main
from stockbot.flows.notices import ItemLabel, Name, Notice, render
from stockbot.lookup.service import ItemSearch, snapshot_path
from stockbot.replies import Choice, Table
from stockbot.store.models import GoodsReceipt, Item, MaterialRequest

from transcript import Floor


@pytest.fixture
def floor(db) -> Floor:
    return Floor(db).people()


def two_bearings_called_the_same(floor: Floor) -> tuple[int, int]:
    skf = floor.item("BRG-6204-SKF", stock=50, name="Ball bearing", spec="SKF 6204-2RS")
    nsk = floor.item("BRG-6204-NSK", stock=50, name="Ball bearing", spec="NSK 6204-2RS")
    return skf, nsk


# --- 繁體 readers --------------------------------------------------------------------------------


def test_a_traditional_reader_sees_the_name_and_spec_in_traditional_but_the_code_as_typed(floor):
    floor.item("BRG-6204", stock=12, name="深沟球轴承 6204", spec="开式 钢保持架")
    floor.say("bob", "/lang zh-Hant")
    title = floor.say("bob", "/stock BRG-6204").blocks[0].plain()
    assert "深溝球軸承 6204" in title and "開式 鋼保持架" in title and "BRG-6204" in title
    assert "深沟球轴承" in floor.say("bea", "/stock BRG-6204").blocks[0].plain()  # 简体 as typed


def test_choice_buttons_show_names_in_the_readers_script(floor):
    floor.item("SCR-M4X10", name="十字螺丝 M4x10")
    floor.item("SCR-M4X12", name="十字螺丝 M4x12")
    floor.say("bob", "/lang zh-Hant")
    (choice,) = floor.say("bob", "/stock 十字螺丝 M4").blocks_of(Choice)
    assert all("十字螺絲" in b.label for b in choice.options)


def test_a_notice_converts_only_the_marked_item_names_for_a_traditional_reader():
    notice = Notice(
        "mr.rejected",
        {"no": "MR-1", "who": Name("仓库主管"), "at": "", "reason": "仓库没有了"},
    )
    text = render(notice.dump(), "zh-Hant", "UTC").plain()
    assert "倉庫主管" in text  # marked: converted
    assert "仓库没有了" in text  # a person's note: exactly as written
    assert "仓库主管" in render(notice.dump(), "zh-Hans", "UTC").plain()
    assert ItemLabel("GLUE", "GLUE") == "GLUE"  # a name that says nothing more is left out


def test_the_pick_list_names_the_item_in_the_keepers_script(floor):
    floor.item("GLUE-EP", stock=10, name="环氧胶水")
    floor.say("carol", "/lang zh-Hant")
    floor.say("bob", "/request GLUE-EP 3")
    reply = floor.press("carol", "發料")
    assert "mr.issued" in reply.keys()
    table = reply.blocks_of(Table)[0]
    assert table.rows[0][0] == "GLUE-EP 環氧膠水"
    assert table.rows[0][-1].startswith("3")


# --- numbers inside codes -------------------------------------------------------------------


def test_a_number_inside_a_code_finds_the_code(floor):
    floor.item("BRG-6204", stock=12, name="Deep groove ball bearing")
    floor.item("BOLT-M8X30", stock=5, name="Hex bolt")
    reply = floor.say("bob", "/stock 6204")
    assert "BRG-6204" in reply.blocks[0].plain() and not reply.blocks_of(Choice)


def test_without_an_exact_match_the_reply_says_so_before_the_closest(floor):
    floor.item("BRG-6204-2RS", name="Ball bearing 2RS")
    floor.item("BRG-6204-ZZ", name="Ball bearing ZZ")
    floor.item("BRG-6204-OPEN", name="Ball bearing open")
    reply = floor.say("bob", "/stock 6204")
    assert reply.keys() == ["item.closest"]
    (choice,) = reply.blocks_of(Choice)
    assert {b.label.split(" · ")[0] for b in choice.options} == {
        "BRG-6204-2RS",
        "BRG-6204-ZZ",
        "BRG-6204-OPEN",
    }
    assert "item.closest" not in floor.say("bob", "/stock BRG-6204-ZZ").keys()


# --- the same name twice --------------------------------------------------------------------


def test_stock_asks_which_of_two_items_with_the_same_name_with_code_and_spec(floor):
    two_bearings_called_the_same(floor)
    reply = floor.say("bob", "/stock ball bearing")
    assert reply.keys() == ["item.same_name"]
    labels = [b.label for b in reply.blocks_of(Choice)[0].options]
    assert sorted(labels) == [
        "BRG-6204-NSK · Ball bearing · NSK 6204-2RS",
        "BRG-6204-SKF · Ball bearing · SKF 6204-2RS",
    ]
    card = floor.press("bob", "BRG-6204-NSK")
    assert "BRG-6204-NSK" in card.blocks[0].plain()


def test_a_request_for_a_name_two_items_share_is_asked_and_writes_nothing_until_chosen(floor):
    _, nsk = two_bearings_called_the_same(floor)
    reply = floor.say("bob", "/request ball bearing 5")
    assert reply.keys() == ["item.same_name"]
    with floor.db.read() as s:
        assert s.scalars(select(MaterialRequest)).all() == []
    floor.press("bob", "BRG-6204-NSK")
    with floor.db.read() as s:
        (mr,) = s.scalars(select(MaterialRequest)).all()
        assert (mr.item_id, mr.qty) == (nsk, Decimal(5))


def test_a_receipt_for_a_name_two_items_share_is_asked(floor):
    skf, _ = two_bearings_called_the_same(floor)
    reply = floor.say("carol", "/receive ball bearing 10")
    assert reply.keys() == ["item.same_name"]
    floor.press("carol", "BRG-6204-SKF")
    assert floor.on_hand(skf) == Decimal(60)
    with floor.db.read() as s:
        assert len(s.scalars(select(GoodsReceipt)).all()) == 1


# --- the index after an import -------------------------------------------------------------


def write_items(path: Path, n: int, prefix: str = "PART") -> Path:
    lines = ["code,name,spec,unit"]
    lines += [f"{prefix}-{i:05d},Hex bolt M{6 + i % 10}x{20 + i % 7},8.8级,pcs" for i in range(n)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.fixture
def cache_dir(tmp_path, monkeypatch):  # type: ignore[no-untyped-def]
    monkeypatch.setenv("STOCKBOT_SEARCH_CACHE", str(tmp_path / "cache"))
    return tmp_path / "cache"


def test_importing_items_writes_a_snapshot_a_new_process_loads_without_rebuilding(
    db, db_url, tmp_path, cache_dir, capsys
):
    sheet = write_items(tmp_path / "items.csv", 1500)
    assert main(["--database-url", db_url, "import", "items", str(sheet)]) == 0
    assert "search index: 1,500 items" in capsys.readouterr().out
    assert snapshot_path(db_url) is not None and snapshot_path(db_url).exists()

    fresh = ItemSearch(db_url)  # what a process started after the import does
    with db.read() as s:
        fresh.refresh(s)
        assert fresh.loaded_from_snapshot and len(fresh) == 1500
        wanted = s.scalar(select(Item.id).where(Item.code == "PART-00042"))
        assert fresh.search(s, "part00042")[0].item_id == wanted


def test_a_process_running_before_an_import_picks_up_the_imported_items(
    db, db_url, tmp_path, cache_dir
):
    running = ItemSearch(db_url)  # e.g. `stockbot run`, started on an empty catalogue
    with db.read() as s:
        assert running.search(s, "hex bolt") == []
    sheet = write_items(tmp_path / "items.csv", 1500)
    assert main(["--database-url", db_url, "import", "items", str(sheet)]) == 0
    with db.read() as s:
        hits = running.search(s, "part01499")
        assert hits and hits[0].exact
        assert running.loaded_from_snapshot  # adopted the import's snapshot, not 1,500 upserts
        assert len(running) == 1500


def test_db_upgrade_snapshots_the_search_index(db, db_url, tmp_path, cache_dir):
    sheet = write_items(tmp_path / "items.csv", 10)
    assert main(["--database-url", db_url, "import", "items", str(sheet)]) == 0
    snapshot_path(db_url).unlink()
    assert main(["--database-url", db_url, "db", "upgrade"]) == 0
    assert snapshot_path(db_url).exists()


# --- further barcodes (issue 14) ------------------------------------------------------------


def test_stock_finds_an_item_by_any_of_its_barcodes_whole_as_printed_or_by_its_start(floor):
    floor.item("BRG-6204", stock=12, name="Deep groove ball bearing",
               barcodes=["6901234567892", "16901234567899"])  # fmt: skip
    floor.item(
        "BRG-6205", stock=3, name="Deep groove ball bearing 6205", barcodes=["6907777000018"]
    )
    for typed in ("16901234567899", "1 6901234 567899", "1690123456", "690123"):
        reply = floor.say("bob", f"/stock {typed}")
        assert not reply.blocks_of(Choice), typed
        assert "BRG-6204" in reply.blocks[0].plain(), typed
    assert floor.say("bob", "/stock 69012").keys() == ["stock.none"]  # too few digits to say


def test_barcodes_an_import_in_another_process_adds_are_found_by_a_running_index(
    floor, db_url, tmp_path, cache_dir
):
    floor.item("BRG-6204", stock=12, name="Deep groove ball bearing")
    assert floor.say("bob", "/stock 4012345").keys() == ["stock.none"]  # the index is running
    sheet = tmp_path / "barcodes.csv"
    row = "BRG-6204,Deep groove ball bearing,pcs,4012345678901;0012345000019"
    sheet.write_text(f"code,name,unit,barcodes\n{row}\n", encoding="utf-8")
    assert main(["--database-url", db_url, "import", "items", str(sheet)]) == 0
    for typed in ("4012345", "0012345000019"):
        reply = floor.say("bob", f"/stock {typed}")
        assert "BRG-6204" in reply.blocks[0].plain() and not reply.blocks_of(Choice), typed
