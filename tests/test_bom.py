"""BOM explosion, pure: hand-computed quantities, scrap per level, rounding up, cycles."""

from __future__ import annotations

from decimal import Decimal as D
from types import SimpleNamespace

import pytest

from stockbot.flows.bom import BomCycle, Edge, decimals_for, explode, find_cycle, round_up, tree

PLACES = {"bolt": 0, "frame": 0, "steel": 3, "paint": 3, "seat": 0, "foam": 3}


def places(code: str) -> int:
    return PLACES.get(code, 0)


CHAIR = {
    "chair": [Edge("frame", D(1), D(10)), Edge("seat", D(1)), Edge("bolt", D(8), D(5))],
    "frame": [Edge("steel", D("2.35"), D(4)), Edge("bolt", D(4)), Edge("paint", D("0.12"))],
    "seat": [Edge("foam", D("0.333"), D(0), backflush=True)],
}


def test_a_two_level_bom_with_scrap_explodes_to_hand_computed_quantities():
    need = explode(CHAIR, "chair", D(50), places)
    # frames: 50 × 1 × 1.10 = 55 (whole frames); steel: 55 × 2.35 × 1.04 = 134.420 kg
    assert need["steel"].qty == D("134.420")
    # paint: 55 × 0.12 = 6.6 kg; bolts: 50 × 8 × 1.05 = 420, plus 55 frames × 4 = 220
    assert need["paint"].qty == D("6.600")
    assert need["bolt"].qty == D(640)
    # foam: 50 seats × 0.333 = 16.650 kg, backflushed
    assert need["foam"].qty == D("16.650") and need["foam"].backflush
    assert set(need) == {"steel", "paint", "bolt", "foam"}  # sub-assemblies are not leaves


def test_a_sub_assembly_is_built_in_whole_units_before_it_is_exploded():
    bom = {"p": [Edge("sub", D("0.5"), D(3))], "sub": [Edge("bolt", D(3))]}
    # 7 × 0.5 × 1.03 = 3.605 subs → 4 whole subs → 12 bolts (not 3.605 × 3 = 10.815 → 11)
    assert explode(bom, "p", D(7), places)["bolt"].qty == 12


def test_leaf_totals_are_rounded_up_once_to_the_units_places():
    bom = {"p": [Edge("steel", D("0.0001")), Edge("bolt", D("0.01"))]}
    need = explode(bom, "p", D(3), places)
    assert need["steel"].qty == D("0.001") and need["bolt"].qty == 1
    assert round_up(D("1.2341"), 3) == D("1.235") and round_up(D("2.000"), 0) == 2


def test_a_bom_cycle_is_refused_naming_the_cycle():
    bom = {"a": [Edge("b", D(1))], "b": [Edge("c", D(1))], "c": [Edge("a", D(2))]}
    with pytest.raises(BomCycle) as err:
        explode(bom, "a", D(1), places)
    assert err.value.path == ["a", "b", "c", "a"]
    assert find_cycle({"x": ["y"], "y": []}) is None
    assert find_cycle({"x": ["x"]}) == ["x", "x"]


def test_the_tree_lists_every_line_under_its_parent_with_depth():
    rows = tree(CHAIR, "chair", D(50), places)
    shape = [(r.depth, r.component) for r in rows]
    assert shape[:5] == [(0, "frame"), (1, "steel"), (1, "bolt"), (1, "paint"), (0, "seat")]
    assert (rows[0].qty, rows[1].qty) == (55, D("134.420"))


def test_places_default_to_whole_pieces_and_three_decimals_for_measured_units():
    assert decimals_for(SimpleNamespace(unit="pcs")) == 0
    assert decimals_for(SimpleNamespace(unit="个")) == 0
    assert decimals_for(SimpleNamespace(unit="kg")) == 3
    assert decimals_for(SimpleNamespace(unit="kg", decimals=1)) == 1
