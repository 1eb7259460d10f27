"""BOMs in and out (`stockbot import boms` / `export boms`) and `/bom <product>` in chat."""

from __future__ import annotations

from decimal import Decimal as D
from itertools import pairwise
from pathlib import Path

import pytest
from sqlalchemy import select

from stockbot.io.exports import export_boms
from stockbot.io.imports import import_boms
from stockbot.store.models import BomLine, Item

from transcript import Floor, row_counts

CHAIR = """product,component,qty_per,scrap_pct,backflush,substitute
CHAIR,FRAME,1,10,0,
CHAIR,BOLT,8,5,0,NUT
CHAIR,GLUE,0.2,0,1,
FRAME,STEEL,2.35,4,0,
FRAME,BOLT,4,0,0,
"""
CHAIR_ZH = """产品,子件,用量,损耗率,倒冲,替代料
CHAIR,FRAME,1,10,0,
CHAIR,BOLT,8,5,0,NUT
CHAIR,GLUE,0.2,0,1,
FRAME,STEEL,2.35,4,0,
FRAME,BOLT,4,0,0,
"""


@pytest.fixture
def floor(db) -> Floor:
    floor = Floor(db).people()
    for code, unit in (("CHAIR", "pcs"), ("FRAME", "pcs"), ("BOLT", "pcs"), ("NUT", "pcs"),
                       ("STEEL", "kg"), ("GLUE", "kg")):  # fmt: skip
        floor.item(code, unit=unit)
    return floor


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def boms(floor: Floor) -> set[tuple[str, str, D, D, bool, str | None]]:
    """Every stored BOM line by codes: what an import must write and a round trip keep."""
    with floor.db.read() as s:
        code = {i: c for i, c in s.execute(select(Item.id, Item.code))}
        return {
            (code[b.product_id], code[b.component_id], b.qty_per, b.scrap_pct, b.backflush,
             code.get(b.substitute_id or 0))
            for b in s.scalars(select(BomLine))
        }  # fmt: skip


EXPECTED = {
    ("CHAIR", "FRAME", D(1), D(10), False, None),
    ("CHAIR", "BOLT", D(8), D(5), False, "NUT"),
    ("CHAIR", "GLUE", D("0.2"), D(0), True, None),
    ("FRAME", "STEEL", D("2.35"), D(4), False, None),
    ("FRAME", "BOLT", D(4), D(0), False, None),
}


def test_a_bom_file_with_english_headers_imports_every_line_exactly(floor, tmp_path):
    report = import_boms(floor.db, write(tmp_path, "bom.csv", CHAIR))
    assert report.ok and report.created == 2
    assert boms(floor) == EXPECTED


def test_chinese_headers_import_the_same_lines_as_english_ones(floor, tmp_path):
    report = import_boms(floor.db, write(tmp_path, "物料清单.csv", CHAIR_ZH))
    assert report.ok
    assert boms(floor) == EXPECTED


def test_one_bad_row_writes_nothing_and_is_reported_by_row_and_column(floor, tmp_path):
    bad = CHAIR + "FRAME,PAINT,0.1,0,0,\nCHAIR,SEAT,abc,0,0,\n"
    before = row_counts(floor.db)
    report = import_boms(floor.db, write(tmp_path, "bom.csv", bad))
    assert not report.ok
    rows = {e.row for e in report.errors}
    assert rows == {7, 8}  # header = row 1: PAINT does not exist; SEAT neither, qty not a number
    assert any("PAINT" in e.message for e in report.errors)
    assert row_counts(floor.db) == before and boms(floor) == set()


def test_a_cycle_is_refused_naming_the_cycle_and_nothing_is_written(floor, tmp_path):
    assert import_boms(floor.db, write(tmp_path, "bom.csv", CHAIR)).ok
    # BOLT needs CHAIR, which needs BOLT (directly, and through FRAME) in the stored BOM
    cyclic = "product,component,qty_per\nBOLT,CHAIR,1\n"
    report = import_boms(floor.db, write(tmp_path, "cycle.csv", cyclic))
    assert not report.ok and len(report.errors) == 1
    message = report.errors[0].message
    assert "cycle" in message
    chain = message.split(": ", 1)[1].split(" → ")
    edges = {(p, c) for p, c, *_ in EXPECTED} | {("BOLT", "CHAIR")}
    assert chain[0] == chain[-1] and "BOLT" in chain  # a closed path through the new line …
    assert all(pair in edges for pair in pairwise(chain))  # … of real lines
    assert boms(floor) == EXPECTED


def test_export_then_import_changes_nothing(floor, tmp_path):
    import_boms(floor.db, write(tmp_path, "bom.csv", CHAIR))
    before, counts = boms(floor), row_counts(floor.db)
    for name in ("boms.csv", "boms.xlsx"):
        out = tmp_path / name
        assert export_boms(floor.db, out) == 5
        report = import_boms(floor.db, out)
        assert report.ok and report.created == 0 and report.updated == 2
        assert boms(floor) == before and row_counts(floor.db) == counts


def test_bom_in_chat_shows_the_tree_with_scrap_under_each_parent(floor, tmp_path):
    import_boms(floor.db, write(tmp_path, "bom.csv", CHAIR))
    reply = floor.say("bob", "/bom CHAIR")
    assert reply.keys() == ["bom.title"] + ["bom.line"] * 5
    lines = [ln for ln in reply.plain().splitlines() if "└" in ln]
    shape = [(ln.index("└") > 0, ln.split("└ ")[1].split()[:2]) for ln in lines]
    # for 1 chair: 1 × 1.10 frames → 2 whole frames; steel 2 × 2.35 × 1.04 = 4.888 kg;
    # bolts 2 × 4 under the frame, 8 × 1.05 = 8.4 → 9 under the chair
    assert shape == [
        (False, ["FRAME", "2"]),
        (True, ["BOLT", "8"]),
        (True, ["STEEL", "4.888"]),
        (False, ["BOLT", "9"]),
        (False, ["GLUE", "0.2"]),
    ]
    assert "10" in lines[0] and "4" in lines[2].split("kg")[1]  # each line's own scrap %
