"""Behaviour of the in-memory item search (`stockbot.lookup.index`).

Pure tests: no database. The quality checks run against one generated 50,000-item catalog
(built once for the module) full of near-identical parts, because that is where a search
either finds the M6x20 hex bolt or drowns it among M6x25s, M6 nuts and brand duplicates.
"""

from __future__ import annotations

import pickle

import pytest

from stockbot.demo.catalog import catalog_size, generate_catalog
from stockbot.lookup.index import Hit, ItemIndex, SearchDoc, normalize

# One typo each (swap, drop, double or wrong letter), as typed in a chat window.
ENGLISH_TYPOS = [
    ("hex blot m6x20", "BOLT-HEX-M6X20"),
    ("bearnig 6204 2rs", "BRG-6204-2RS"),
    ("stainles hex nut m10", "NUT-HEX-M10-A2"),
    ("flat wahser m8", "WSH-FLAT-M8"),
    ("socket cap scerw m8x30", "SCR-SHCS-M8X30"),
    ("nylon lock nutt m12", "NUT-NYL-M12"),
    ("chip resistr 10k 0805 1%", "RES-0805-10K-F"),
    ("ceramic capacitr 100nf 50v 0805", "CAP-0805-104-50V-X7R"),
    ("electrolytc capacitor 100uf 25v 105", "CAP-EL-100U-25V"),
    ("stell plate 5mm q235 1250x2500", "PLT-Q235-T5-1250X2500"),
    ("stainless tueb 304 25x2", "TUB-304-25X2"),
    ("sheathed cabel rvv 3x1.5 white", "CBL-RVV-3X1.5-WH"),
    ("alkyd enamle paint ral 9005 4l", "PNT-ALK-RAL9005-4L"),
    ("cartn box 300x200x150 5-ply", "BOX-300X200X150-5P"),
    ("stepper motr 57x76 3a", "MOT-STP-57-76-3A"),
    ("o-rign 20x2.4 nbr", "ORG-20X2.4-NBR"),
    ("pillow blok bearing ucp205", "BRG-UCP205"),
    ("proximty sensor m12 npn no", "SNS-PRX-M12-NPN-NO"),
    ("circuit braeker c16 2p", "MCB-C16-2P"),
    ("cable tie 4.8x200 blakc", "TIE-4.8X200-BK"),
]

# Fragments of the Chinese alias, reordered or glued; the ones marked (T) are Traditional.
CHINESE_FRAGMENTS = [
    ("M6*20六角螺栓", "BOLT-HEX-M6X20"),
    ("軸承6204-2RS", "BRG-6204-2RS"),  # (T)
    ("不锈钢六角螺母 M10", "NUT-HEX-M10-A2"),
    ("M8平垫片", "WSH-FLAT-M8"),
    ("M12 彈簧墊片", "WSH-SPR-M12"),  # (T)
    ("內六角螺絲 M8x30 不銹鋼", "SCR-SHCS-M8X30-A2"),  # (T)
    ("电阻10K 0805 1%", "RES-0805-10K-F"),
    ("电解电容 100uF 25V 105度", "CAP-EL-100U-25V"),
    ("Q235钢板5mm 1250*2500", "PLT-Q235-T5-1250X2500"),
    ("304不銹鋼管25*2", "TUB-304-25X2"),  # (T)
    ("护套线 RVV 3x1.5 白色", "CBL-RVV-3X1.5-WH"),
    ("黑色醇酸漆 RAL9005 4L", "PNT-ALK-RAL9005-4L"),
    ("五层纸箱300*200*150", "BOX-300X200X150-5P"),
    ("57步进电机 3A 76mm", "MOT-STP-57-76-3A"),
    ("O型圈 20x2.4 丁腈", "ORG-20X2.4-NBR"),
    ("带座轴承UCP205", "BRG-UCP205"),
    ("空氣開關 C16 2P", "MCB-C16-2P"),  # (T)
    ("扎带 4.8*200 黑色", "TIE-4.8X200-BK"),
]


@pytest.fixture(scope="module")
def catalog() -> list[SearchDoc]:
    return generate_catalog(50_000)


@pytest.fixture(scope="module")
def index(catalog: list[SearchDoc]) -> ItemIndex:
    return ItemIndex(catalog)


@pytest.fixture(scope="module")
def by_code(catalog: list[SearchDoc]) -> dict[str, SearchDoc]:
    return {d.code: d for d in catalog}


@pytest.fixture(scope="module")
def by_id(catalog: list[SearchDoc]) -> dict[int, SearchDoc]:
    return {d.item_id: d for d in catalog}


def _codes(index: ItemIndex, by_id: dict[int, SearchDoc], query: str, limit: int = 5) -> list[str]:
    return [by_id[h.item_id].code for h in index.search(query, limit=limit)]


def _misses(
    index: ItemIndex,
    by_id: dict[int, SearchDoc],
    by_code: dict[str, SearchDoc],
    cases: list[tuple[str, str]],
) -> list[str]:
    misses = []
    for query, code in cases:
        assert code in by_code, f"{code} is not in the generated catalog"
        got = _codes(index, by_id, query, limit=3)
        if not got or got[0] != code:
            misses.append(f"{query!r}: wanted {code}, got {got}")
    return misses


# --------------------------------------------------------------------------- normalisation


@pytest.mark.parametrize(
    ("typed", "normalised"),
    [
        ("Ｍ８×２０", "m8x20"),  # full-width letters, digits and sign
        ("６２０４", "6204"),
        ("M6×20", "m6x20"),
        ("m6*20", "m6x20"),
        ("M6 x 20", "m6x20"),
        ("軸承6204", "轴承 6204"),  # Traditional -> Simplified, CJK/latin boundary
        ("螺絲", "螺丝"),
        ("BOLT-HEX-M6X20", "bolt hex m6x20"),
        ("100µF 25 V", "100uf 25v"),  # micro sign, unit glued to its number
        ("10kΩ", "10k"),
        ("  \t", ""),
    ],
)
def test_normalize_folds_the_ways_people_type_the_same_thing(typed: str, normalised: str) -> None:
    assert normalize(typed) == normalised


def test_dimension_separators_are_interchangeable_in_queries(
    index: ItemIndex, by_id: dict[int, SearchDoc]
) -> None:
    results = {
        q: _codes(index, by_id, q)[0]
        for q in ("hex bolt M6×20", "hex bolt m6x20", "hex bolt M6*20", "ＨＥＸ ＢＯＬＴ Ｍ６×２０")
    }
    assert set(results.values()) == {"BOLT-HEX-M6X20"}, results


# --------------------------------------------------------------------------- exact hits


def test_an_exact_code_comes_first_whatever_the_case_and_dashes(
    index: ItemIndex, by_code: dict[str, SearchDoc]
) -> None:
    want = by_code["BOLT-HEX-M6X20"].item_id
    for query in ("BOLT-HEX-M6X20", "bolt-hex-m6x20", "bolthexm6x20", "Bolt Hex M6x20"):
        hits = index.search(query)
        assert hits[0] == Hit(want, 100.0, True), query
        assert not any(h.exact for h in hits[1:]), query


def test_a_barcode_finds_its_item_exactly(index: ItemIndex, catalog: list[SearchDoc]) -> None:
    doc = next(d for d in catalog if d.barcode)
    assert doc.barcode is not None
    hits = index.search(doc.barcode)
    assert hits[0] == Hit(doc.item_id, 100.0, True)


def test_an_exact_name_or_alias_is_marked_exact(
    index: ItemIndex, by_code: dict[str, SearchDoc]
) -> None:
    doc = by_code["NUT-HEX-M10"]
    assert index.search("hex nut m10")[0] == Hit(doc.item_id, 100.0, True)
    assert index.search("六角螺母 M10")[0] == Hit(doc.item_id, 100.0, True)


# --------------------------------------------------------------------------- ranking quality


def test_a_typo_in_an_english_name_still_finds_the_part(
    index: ItemIndex, by_id: dict[int, SearchDoc], by_code: dict[str, SearchDoc]
) -> None:
    misses = _misses(index, by_id, by_code, ENGLISH_TYPOS)
    print(f"English one-typo queries: {len(ENGLISH_TYPOS) - len(misses)}/{len(ENGLISH_TYPOS)}")
    for miss in misses:
        print("  miss", miss)
    assert len(misses) <= 1, misses


def test_chinese_fragments_find_the_part_in_simplified_and_traditional(
    index: ItemIndex, by_id: dict[int, SearchDoc], by_code: dict[str, SearchDoc]
) -> None:
    misses = _misses(index, by_id, by_code, CHINESE_FRAGMENTS)
    print(f"Chinese fragments: {len(CHINESE_FRAGMENTS) - len(misses)}/{len(CHINESE_FRAGMENTS)}")
    for miss in misses:
        print("  miss", miss)
    assert len(misses) <= 1, misses


def test_the_hex_bolt_m6x20_beats_other_lengths_and_m6_nuts(
    index: ItemIndex, by_id: dict[int, SearchDoc]
) -> None:
    codes = _codes(index, by_id, "hex blot m6x20", limit=10)
    assert codes[0] == "BOLT-HEX-M6X20"
    assert all(c.startswith("BOLT-") and "-M6X20" in c for c in codes), codes


def test_a_near_size_ranks_below_the_exact_size_but_above_a_mere_word_match() -> None:
    docs = [
        SearchDoc(1, "BOLT-HEX-M6X25", "Hex bolt M6x25"),
        SearchDoc(2, "NUT-HEX-M6", "Hex nut M6"),
        SearchDoc(3, "BOLT-HEX-M8X20", "Hex bolt M8x20"),
        SearchDoc(4, "BOLT-HEX-M6X20", "Hex bolt M6x20"),
        SearchDoc(5, "SCR-SHCS-M6X20", "Socket head cap screw M6x20", ("allen bolt M6x20",)),
        SearchDoc(6, "BOLT-HEX-M6X20-A2", "Hex bolt M6x20 stainless A2"),
    ]
    order = [h.item_id for h in ItemIndex(docs).search("hex blot m6x20")]
    assert order[:2] == [4, 6]  # the plain M6x20 before its stainless variant
    assert order.index(1) < order.index(2)  # M6x25 bolt before an M6 nut
    assert order.index(5) < order.index(3)  # right size beats sharing both words


def test_matching_numbers_outrank_items_that_only_share_words(
    index: ItemIndex, by_id: dict[int, SearchDoc]
) -> None:
    for query, number in (
        ("bearing 6204", "6204"),
        ("resistor 10k", "10K"),
        ("hex nut m10", "M10"),
        ("m8 螺栓", "M8X"),
    ):
        codes = _codes(index, by_id, query, limit=10)
        assert codes and all(number in c for c in codes), (query, codes)


def test_word_order_does_not_matter(index: ItemIndex, by_id: dict[int, SearchDoc]) -> None:
    assert _codes(index, by_id, "m6x20 hex bolt")[0] == "BOLT-HEX-M6X20"
    assert _codes(index, by_id, "6204 2rs bearing")[0] == "BRG-6204-2RS"


def test_a_partial_code_lists_that_family(index: ItemIndex, by_id: dict[int, SearchDoc]) -> None:
    codes = _codes(index, by_id, "BOLT-M8", limit=10)
    assert codes and all(c.startswith("BOLT-") and "-M8X" in c for c in codes), codes


def test_a_typed_metric_size_does_not_match_a_wood_screw_of_the_same_numbers(
    index: ItemIndex, by_id: dict[int, SearchDoc]
) -> None:
    codes = _codes(index, by_id, "m6x20", limit=10)
    assert codes and all("M6X20" in c for c in codes), codes


def test_results_are_sorted_limited_and_scored_between_0_and_100(index: ItemIndex) -> None:
    hits = index.search("stainless hex bolt", limit=7)
    assert len(hits) == 7
    assert all(0 <= h.score <= 100 for h in hits)
    assert [h.score for h in hits] == sorted((h.score for h in hits), reverse=True)
    assert len({h.item_id for h in hits}) == 7
    assert index.search("stainless hex bolt", limit=0) == []


@pytest.mark.parametrize(
    "query",
    ["", "   ", "-*-", "x" * 10_000, "螺" * 5_000, "zqxj wvvk plmb " * 700, "\x00\ufffd🔩"],
)
def test_empty_or_junk_queries_return_a_list_without_raising(index: ItemIndex, query: str) -> None:
    hits = index.search(query)
    assert isinstance(hits, list)
    assert len(hits) <= 10


# --------------------------------------------------------------------------- maintenance


def _small_index() -> ItemIndex:
    return ItemIndex(
        [
            SearchDoc(1, "BOLT-HEX-M6X20", "Hex bolt M6x20", ("六角螺栓 M6x20",), "M6×20 8.8级"),
            SearchDoc(2, "NUT-HEX-M6", "Hex nut M6", ("六角螺母 M6",), "M6 8级", barcode="6901"),
            SearchDoc(3, "BRG-6204-2RS", "Deep groove ball bearing 6204-2RS", ("深沟球轴承",)),
        ]
    )


def test_an_upserted_rename_is_found_by_the_new_name_and_not_the_old_one() -> None:
    index = _small_index()
    index.upsert(SearchDoc(3, "BRG-6204-2RS", "Sealed pillow bearing 6204", ("带座轴承",)))
    assert len(index) == 3
    assert [h.item_id for h in index.search("pillow bearing")][:1] == [3]
    assert index.search("深沟球") == []
    assert all(h.item_id != 3 for h in index.search("deep groove ball"))


def test_an_upsert_can_change_the_code_and_barcode() -> None:
    index = _small_index()
    index.upsert(SearchDoc(2, "NUT-NYL-M6", "Nylon lock nut M6", barcode="6902"))
    assert index.search("NUT-NYL-M6")[0] == Hit(2, 100.0, True)
    assert index.search("6902")[0] == Hit(2, 100.0, True)
    assert all(h.exact is False for h in index.search("NUT-HEX-M6"))
    assert all(h.item_id != 2 for h in index.search("6901"))


def test_a_removed_item_is_no_longer_found_and_removing_twice_is_harmless() -> None:
    index = _small_index()
    index.remove(1)
    index.remove(1)
    index.remove(999)
    assert len(index) == 2
    assert all(h.item_id != 1 for h in index.search("hex bolt m6x20"))
    assert all(h.item_id != 1 for h in index.search("BOLT-HEX-M6X20"))
    assert [h.item_id for h in index.search("hex nut")][:1] == [2]


def test_every_barcode_finds_its_item_exactly_as_printed_and_by_its_first_digits() -> None:
    index = ItemIndex(
        [
            SearchDoc(1, "BRG-6204", "Ball bearing 6204", barcode="6901234567892",
                      barcodes=("16901234567899", "04012345678901")),
            SearchDoc(2, "BRG-6205", "Ball bearing 6205", barcodes=("6901234500011",)),
            SearchDoc(3, "BOLT-M8", "Hex bolt M8", barcode="6905555000013"),
        ]
    )  # fmt: skip
    for typed in ("16901234567899", "0401 2345 6789 01", "6 901234 567892"):
        assert index.search(typed)[0] == Hit(1, 100.0, True), typed
    assert [h.item_id for h in index.search("1690123")] == [1]  # the start of a barcode
    assert [h.item_id for h in index.search("040123")] == [1]  # leading zeros count
    assert {h.item_id for h in index.search("6901234")} == {1, 2}  # a shared prefix: both
    assert index.search("69012") == []  # five digits say too little
    index.upsert(SearchDoc(2, "BRG-6205", "Ball bearing 6205", barcodes=("6909999000017",)))
    assert [h.item_id for h in index.search("6901234")] == [1]
    assert [h.item_id for h in index.search("690999")] == [2]


def test_new_words_from_an_upsert_are_typo_tolerant_too() -> None:
    index = _small_index()
    index.search("flange")  # builds the vocabulary before the new word arrives
    index.upsert(SearchDoc(4, "GSK-FLG-DN50", "Flange gasket DN50", ("法兰垫片 DN50",)))
    assert [h.item_id for h in index.search("flagne gasket")][:1] == [4]


def test_a_pickled_index_answers_exactly_as_the_one_it_was_pickled_from_also_after_changes():
    docs = generate_catalog(5_000, seed=2)
    queries = [q for q, _ in ENGLISH_TYPOS + CHINESE_FRAGMENTS] + [d.name for d in docs[::97]]
    built = ItemIndex(docs)
    loaded = pickle.loads(pickle.dumps(built))
    assert [loaded.search(q) for q in queries] == [built.search(q) for q in queries]
    for index in (built, loaded):  # a rename with a new word, a new barcode, a removal
        index.upsert(SearchDoc(docs[0].item_id, "GSK-FLG-DN50", "Flange gasket DN50",
                               barcodes=("6912345678904",)))  # fmt: skip
        index.remove(docs[1].item_id)
    again = pickle.loads(pickle.dumps(loaded))
    queries += ["flagne gasket", "691234567", docs[1].name]
    assert [again.search(q) for q in queries] == [built.search(q) for q in queries]
    assert len(again) == len(built) == len(docs) - 1


# --------------------------------------------------------------------------- catalog generator


def test_the_catalog_generator_is_deterministic_and_seeded() -> None:
    assert generate_catalog(500, seed=3) == generate_catalog(500, seed=3)
    assert generate_catalog(500, seed=3) != generate_catalog(500, seed=4)


def test_the_catalog_has_100k_distinct_codes_and_barcodes() -> None:
    assert catalog_size() >= 100_000
    docs = generate_catalog(100_000)
    assert len({d.code for d in docs}) == 100_000
    assert [d.item_id for d in docs] == list(range(1, 100_001))
    barcodes = [d.barcode for d in docs if d.barcode]
    assert len(set(barcodes)) == len(barcodes) > 50_000
    with pytest.raises(ValueError):
        generate_catalog(catalog_size() + 1)


def test_a_small_catalog_is_made_of_common_parts(by_code: dict[str, SearchDoc]) -> None:
    small = {d.code for d in generate_catalog(2_000)}
    assert {"BOLT-HEX-M6X20", "NUT-HEX-M8", "WSH-FLAT-M8", "BRG-6204-2RS"} <= small
    doc = by_code["BOLT-HEX-M6X20"]
    assert doc.name == "Hex bolt M6x20"
    assert "六角螺栓 M6x20" in doc.aliases
    assert doc.spec.startswith("M6×20 8.8级 镀锌")
