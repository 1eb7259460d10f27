"""`/shortages` tells the truth when it is asked: right after a factory imports its own files
(issue 8, bug 5), and with the shortage incidents a short request recorded (bug 6)."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

from sqlalchemy import select

from stockbot.cli import main
from stockbot.flows.common import token_for
from stockbot.io.imports import import_items, import_stock
from stockbot.replies import Table
from stockbot.store.models import Alert, Item, ShortageIncident

from transcript import Floor, row_counts

ITEMS = [
    ["code", "name", "unit", "safety_stock", "reorder_point", "reorder_qty"],
    ["BOLT-M8", "Hex bolt M8", "pcs", "100", "150", "500"],
    ["NUT-M8", "Hex nut M8", "pcs", "50", "100", "500"],
    ["GLUE", "Epoxy glue", "kg", "2", "5", "10"],  # never stocked
    ["TAPE", "PTFE tape", "roll", "0", "10", "20"],  # never stocked
    ["WASHER", "Washer M8", "pcs", "20", "0", "0"],  # never stocked
    ["PAINT", "White paint", "can", "0", "0", "0"],  # no thresholds: never a warning
]
STOCK = [["code", "warehouse", "qty"], ["BOLT-M8", "MAIN", "1200"], ["NUT-M8", "MAIN", "800"]]


def write_csv(path: Path, rows: list[list[Any]]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as f:
        csv.writer(f).writerows(rows)
    return path


def codes(table: Table) -> list[str]:
    return sorted(row[0].split()[0] for row in table.rows)


def imported(db, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    assert import_items(db, write_csv(tmp_path / "items.csv", ITEMS)).ok
    assert import_stock(db, write_csv(tmp_path / "stock.csv", STOCK), create_warehouses=True).ok


def test_shortages_right_after_an_import_lists_the_three_items_at_zero(db, tmp_path):
    floor = Floor(db)  # a new factory: its own files, nobody bound, no roles yet
    imported(db, tmp_path)
    reply = floor.say("bob", "/shortages")
    assert "alert.list.none" not in reply.keys()[:]
    assert reply.keys()[0] == "alert.list.title"
    assert codes(reply.blocks_of(Table)[0]) == ["GLUE", "TAPE", "WASHER"]
    # the warnings are open now, and nobody could be told: the reply says so and how to fix it
    assert "route.nobody_keeper" in reply.keys()[:]
    with db.read() as s:
        open_ = s.execute(
            select(Item.code, Alert.reason)
            .join(Alert, Alert.item_id == Item.id)
            .where(Alert.closed_at.is_(None))
        ).all()
    assert {c for c, r in open_ if r == "stockout"} == {"GLUE", "TAPE", "WASHER"}
    # asked again: the same list, and nothing written this time
    before = row_counts(db)
    again = floor.say("bob", "/shortages")
    assert codes(again.blocks_of(Table)[0]) == ["GLUE", "TAPE", "WASHER"]
    assert "route.nobody_keeper" not in again.keys()[:]
    assert row_counts(db) == before


def test_the_warnings_opened_by_shortages_reach_the_keepers_in_their_language(db, tmp_path):
    floor = Floor(db).people()
    floor.say("carol", "/lang zh-Hans")
    imported(db, tmp_path)
    reply = floor.say("bob", "/shortages")
    assert "route.nobody_keeper" not in reply.keys()[:]
    carol = floor.inbox("carol")
    erin = floor.inbox("erin")
    assert [r.keys()[0] for r in carol] == ["alert.title"] * 3
    assert [r.keys()[0] for r in erin] == ["alert.title"] * 3
    assert "已断货" in carol[0] and "out of stock" in erin[0]


def test_an_import_through_the_command_line_raises_the_same_events(db, db_url, tmp_path):
    floor = Floor(db).people()
    floor.item("BOLT-M8", stock=10, name="Hex bolt M8")
    short = floor.say("bob", "/request BOLT-M8 50")
    assert "shortage.recorded" in short.keys()[:]
    stock = write_csv(tmp_path / "stock.csv", [["code", "qty"], ["BOLT-M8", "100"]])
    assert (
        main(["--database-url", db_url, "import", "stock", str(stock), "--create-warehouses"]) == 0
    )
    with db.read() as s:
        incident = s.get(ShortageIncident, 1)
        assert (incident.state, incident.closed_how) == ("closed", "stock_back")


def test_a_recorded_shortage_is_listed_until_the_stock_is_back(db):
    floor = Floor(db).people()
    floor.item("BOLT-M8", stock=37, name="M8 bolt")
    short = floor.say("bob", "/request BOLT-M8 50 for WO-7")
    assert "shortage.recorded" in short.keys()[:]
    listing = floor.say("carol", "/shortages")
    assert listing.keys() == ["sh.list.title"]
    (table,) = listing.blocks_of(Table)
    assert table.rows == [["SH-00001", "BOLT-M8 M8 bolt", "13 pcs", "Bob", "WO-7", "-"]]
    floor.say("carol", "/receive BOLT-M8 20")
    with db.read() as s:
        assert s.get(ShortageIncident, 1).state == "closed"
    assert floor.say("carol", "/shortages").keys() == ["alert.list.none"]


def test_stock_warnings_come_first_then_the_incidents(db):
    floor = Floor(db).people()
    floor.item("GLUE", stock=3, safety_stock=5)  # received below its safety stock
    floor.item("BOLT-M8", stock=37, name="M8 bolt")
    floor.say("bob", "/request BOLT-M8 50")
    listing = floor.say("carol", "/shortages")
    assert listing.keys() == ["alert.list.title", "sh.list.title"]
    warnings, incidents = listing.blocks_of(Table)
    assert codes(warnings) == ["GLUE"] and incidents.rows[0][0] == "SH-00001"


def test_a_card_sent_before_alerts_were_documents_still_acknowledges(db):
    floor = Floor(db).people()
    floor.item("GLUE", stock=3, safety_stock=5)
    floor.say("bob", "/shortages")
    with db.write() as s:
        alert_id = s.scalar(select(Alert.id))
        old = token_for(s, "alert", alert_id, "ack", {"ids": [alert_id]})
    reply = floor.press_id("erin", old)
    assert reply.keys() == ["alert.acked"]
    again = floor.press_id("carol", old)
    assert again.keys() == ["wf.already", "alert.note.acknowledged"]
    assert "AL-00001" in again and "Erin" in again
