"""A deterministic, believable factory catalog for tests, the benchmark and the demo.

Search quality can only be judged against data that looks like a real stores room: many
near-identical parts that differ by one number (M6x20 vs M6x25), one finish (zinc vs A2
stainless) or one supplier, bilingual names, and codes in the usual `FAMILY-TYPE-SIZE`
style. Random strings would make every search look good.

The catalog is the cartesian product of real part families (fasteners, bearings, resistors,
capacitors, steel stock, cable, paint, packaging, PCBs, motors, seals, pneumatics, tools and
consumables) over their real size series, finishes, grades and suppliers' variants. Every
prototype carries a *tier*: 0 for what every factory stocks (`Hex bolt M6x20`, zinc plated),
higher for rarer finishes, odd lengths and brand duplicates. `generate_catalog(n)` takes the
`n` lowest-tier prototypes (shuffled within a tier by `seed`), so a small catalog is all
common parts and a 50,000-item catalog still contains every tier-0/1 part the tests name.
"""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Callable, Iterator
from functools import lru_cache

from stockbot.lookup.index import SearchDoc

__all__ = ["catalog_size", "generate_catalog"]

# (tier, code, name, aliases, spec, category)
_Proto = tuple[int, str, str, tuple[str, ...], str, str]


def generate_catalog(n: int, seed: int = 0) -> list[SearchDoc]:
    """`n` distinct items (ids 1..n), the most common parts first; same inputs, same output."""
    protos = _universe()
    if n < 0 or n > len(protos):
        raise ValueError(f"n must be between 0 and {len(protos)}, got {n}")
    rng = random.Random(seed)
    chosen: list[int] = []
    for tier in _by_tier():
        if len(chosen) >= n:
            break
        picks = list(tier)
        rng.shuffle(picks)
        chosen.extend(picks[: n - len(chosen)])
    rng.shuffle(chosen)
    offset = rng.randrange(10**10)
    docs: list[SearchDoc] = []
    for k, i in enumerate(chosen):
        _tier, code, name, aliases, spec, category = protos[i]
        barcode = _ean13(i, offset) if rng.random() < 0.6 else None
        docs.append(SearchDoc(k + 1, code, name, aliases, spec, category, barcode))
    return docs


def catalog_size() -> int:
    """How many distinct items `generate_catalog` can produce."""
    return len(_universe())


def _ean13(i: int, offset: int) -> str:
    """A unique EAN-13 with the Chinese `69` prefix (7919 is coprime to 10**10)."""
    body = f"69{(i * 7919 + offset) % 10**10:010d}"
    total = sum(int(c) * (3 if k % 2 else 1) for k, c in enumerate(body))
    return body + str((10 - total % 10) % 10)


def _f(x: float) -> str:
    """6.0 -> '6', 2.5 -> '2.5'."""
    return f"{x:g}"


@lru_cache(maxsize=1)
def _universe() -> tuple[_Proto, ...]:
    protos: list[_Proto] = []
    for family in _FAMILIES:
        protos.extend(family())
    dupes = [code for code, k in Counter(p[1] for p in protos).items() if k > 1]
    if dupes:
        raise AssertionError(f"duplicate codes in catalog: {sorted(dupes)[:5]}")
    return tuple(protos)


@lru_cache(maxsize=1)
def _by_tier() -> tuple[tuple[int, ...], ...]:
    """Prototype indices grouped by tier, most common tier first."""
    groups: dict[int, list[int]] = {}
    for i, proto in enumerate(_universe()):
        groups.setdefault(proto[0], []).append(i)
    return tuple(tuple(groups[t]) for t in sorted(groups))


# --------------------------------------------------------------------------- fasteners

_M_SIZES = (3, 4, 5, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24)
# fmt: off
_L_SERIES = (3, 4, 5, 6, 8, 10, 12, 14, 16, 20, 25, 30, 35, 40, 45, 50, 55, 60, 65, 70, 75, 80,
             90, 100, 110, 120, 130, 140, 150, 160, 180, 200, 220, 240, 260, 280, 300)
_ROUND_L = {6, 8, 10, 12, 16, 20, 25, 30, 35, 40, 45, 50, 60, 70, 80, 100, 120, 150, 200}
_BOLT_L = {3: (6, 30), 4: (8, 40), 5: (10, 50), 6: (10, 80), 8: (12, 100), 10: (16, 120),
           12: (20, 150), 14: (25, 160), 16: (25, 200), 18: (35, 200), 20: (35, 240),
           22: (40, 260), 24: (45, 300)}
# fmt: on
_FINE_PITCH = {8: 1, 10: 1.25, 12: 1.25, 14: 1.5, 16: 1.5, 18: 1.5, 20: 1.5, 22: 1.5, 24: 2}

# (code suffix, english suffix, chinese suffix, spec, tier)
_Finish = tuple[str, str, str, str, int]
_BOLT_FIN: tuple[_Finish, ...] = (
    ("", "", "", "8.8级 镀锌", 0),
    ("-A2", " stainless A2", " 不锈钢304", "A2-70 不锈钢304", 1),
    ("-109B", " grade 10.9 black", " 10.9级 发黑", "10.9级 发黑", 1),
    ("-48", " grade 4.8 zinc", " 4.8级", "4.8级 镀锌", 2),
    ("-HDG", " hot-dip galvanized", " 热镀锌", "8.8级 热浸镀锌", 2),
    ("-A4", " A4 acid-proof stainless", " 不锈钢316", "A4-80 不锈钢316", 2),
    ("-DAC", " dacromet coated", " 达克罗", "10.9级 达克罗", 3),
    ("-YZ", " yellow zinc", " 彩锌", "8.8级 镀彩锌", 3),
)
_SOCKET_FIN: tuple[_Finish, ...] = (
    ("", "", "", "12.9级 发黑", 0),
    ("-A2", " stainless A2", " 不锈钢304", "A2-70 不锈钢304", 1),
    ("-ZN", " grade 8.8 zinc", " 8.8级 镀锌", "8.8级 镀锌", 1),
    ("-A4", " A4 acid-proof stainless", " 不锈钢316", "A4-80 不锈钢316", 2),
    ("-109", " grade 10.9 black", " 10.9级 发黑", "10.9级 发黑", 2),
    ("-NI", " nickel plated", " 镀镍", "8.8级 镀镍", 3),
)
_SMALL_SCREW_FIN: tuple[_Finish, ...] = (
    ("", "", "", "4.8级 镀锌", 0),
    ("-A2", " stainless A2", " 不锈钢304", "A2-70 不锈钢304", 1),
    ("-BK", " black zinc", " 黑锌", "4.8级 镀黑锌", 2),
    ("-NI", " nickel plated", " 镀镍", "4.8级 镀镍", 2),
    ("-BR", " brass", " 黄铜", "H62 黄铜", 3),
    ("-A4", " A4 acid-proof stainless", " 不锈钢316", "A4-70 不锈钢316", 3),
)
_NUT_FIN: tuple[_Finish, ...] = (
    ("", "", "", "8级 镀锌", 0),
    ("-A2", " stainless A2", " 不锈钢304", "A2-70 不锈钢304", 1),
    ("-10B", " grade 10 black", " 10级 发黑", "10级 发黑", 2),
    ("-A4", " A4 acid-proof stainless", " 不锈钢316", "A4-80 不锈钢316", 2),
    ("-HDG", " hot-dip galvanized", " 热镀锌", "8级 热浸镀锌", 2),
    ("-BR", " brass", " 黄铜", "H62 黄铜", 3),
    ("-YZ", " yellow zinc", " 彩锌", "8级 镀彩锌", 3),
)
_WASHER_FIN: tuple[_Finish, ...] = (
    ("", "", "", "镀锌", 0),
    ("-A2", " stainless A2", " 不锈钢304", "不锈钢304", 1),
    ("-A4", " A4 acid-proof stainless", " 不锈钢316", "不锈钢316", 2),
    ("-HDG", " hot-dip galvanized", " 热镀锌", "热浸镀锌", 2),
    ("-BK", " black", " 发黑", "发黑", 3),
)
_FASTENER_BRANDS = (
    ("-WU", "Wurth", "伍尔特"),
    ("-BOS", "Bossard", "博尚"),
    ("-JY", "Jinyi", "晋亿"),
    ("-FNL", "Fastenal", "快扣"),
    ("-DM", "Dongming", "东明"),
    ("-BHF", "Bollhoff", "宝尔霍夫"),
)


_FASTENER_PACKS = (("-BX", "box of 100", "100只/盒", 2), ("-BULK", "bulk 25kg", "散装25公斤", 3))


def _fastener_variants(
    tier: int, code: str, name: str, aliases: tuple[str, ...], spec: str, cat: str
) -> Iterator[_Proto]:
    """A fastener as stocked: the loose part, and for common ones brand and pack variants."""
    yield (tier, code, name, aliases, spec, cat)
    if tier > 3:
        return
    cn = aliases[0]
    for bcode, ben, bcn in _FASTENER_BRANDS:
        yield (tier + 3, code + bcode, f"{name} {ben}", (f"{cn} {bcn}",), f"{spec} {ben}", cat)
    if tier > 2:
        return
    for pcode, pen, pcn, ptier in _FASTENER_PACKS:
        yield (tier + ptier, code + pcode, f"{name} {pen}", (f"{cn} {pcn}",), f"{spec} {pcn}", cat)


def _bolt_lengths(lo: int, hi: int) -> list[int]:
    return [L for L in _L_SERIES if lo <= L <= hi]


# (code, english, chinese, english alias, standard, sizes, length range fn, finishes, tier)
_BoltType = tuple[str, str, str, str, str, tuple[float, ...], Callable[[float], list[int]],
                  tuple[_Finish, ...], int]  # fmt: skip
# fmt: off
_BOLT_TYPES: tuple[_BoltType, ...] = (
    ("BOLT-HEX", "Hex bolt", "六角螺栓", "hex head screw", "DIN933", _M_SIZES,
     lambda d: _bolt_lengths(*_BOLT_L[int(d)]), _BOLT_FIN, 0),
    ("BOLT-HEXP", "Hex bolt half thread", "六角螺栓 半牙", "", "DIN931", _M_SIZES[3:],
     lambda d: _bolt_lengths(max(40, int(4 * d)), _BOLT_L[int(d)][1]), _BOLT_FIN, 2),
    ("BOLT-FLG", "Hex flange bolt", "六角法兰螺栓", "flange head bolt", "DIN6921",
     (5, 6, 8, 10, 12, 14, 16), lambda d: _bolt_lengths(10, 10 * d), _BOLT_FIN, 1),
    ("BOLT-CRG", "Carriage bolt", "马车螺栓", "coach bolt", "DIN603", (5, 6, 8, 10, 12, 16),
     lambda d: _bolt_lengths(16, 12 * d), _BOLT_FIN[:3], 1),
    ("SCR-SHCS", "Socket head cap screw", "内六角螺丝", "allen bolt", "DIN912", _M_SIZES,
     lambda d: _bolt_lengths(*_BOLT_L[int(d)]), _SOCKET_FIN, 0),
    ("SCR-BHCS", "Button head socket screw", "内六角圆头螺丝", "", "ISO7380",
     (3, 4, 5, 6, 8, 10, 12), lambda d: _bolt_lengths(6, 6 * d), _SOCKET_FIN, 1),
    ("SCR-CSK", "Countersunk socket screw", "内六角沉头螺丝", "flat head socket screw",
     "DIN7991", (3, 4, 5, 6, 8, 10, 12, 16), lambda d: _bolt_lengths(8, 8 * d),
     _SOCKET_FIN, 1),
    ("SCR-SET", "Set screw cup point", "内六角紧定螺丝", "grub screw", "DIN916",
     (3, 4, 5, 6, 8, 10, 12), lambda d: _bolt_lengths(3, 4 * d), _SOCKET_FIN[:4], 1),
    ("SCR-PAN", "Pan head Phillips screw", "十字盘头螺丝", "machine screw", "DIN7985",
     (2, 2.5, 3, 4, 5, 6, 8), lambda d: _bolt_lengths(4, 12 * d), _SMALL_SCREW_FIN, 0),
    ("SCR-FLT", "Flat head Phillips screw", "十字沉头螺丝", "countersunk machine screw",
     "DIN965", (2, 2.5, 3, 4, 5, 6, 8), lambda d: _bolt_lengths(4, 12 * d),
     _SMALL_SCREW_FIN, 1),
    ("SCR-LHCS", "Low head socket cap screw", "薄头内六角螺丝", "", "DIN7984",
     (3, 4, 5, 6, 8, 10, 12), lambda d: _bolt_lengths(6, 6 * d), _SOCKET_FIN, 2),
    ("SCR-TXP", "Torx pan head screw", "梅花盘头螺丝", "", "ISO14583", (3, 4, 5, 6, 8),
     lambda d: _bolt_lengths(6, 8 * d), _SMALL_SCREW_FIN, 2),
    ("SCR-CHE", "Slotted cheese head screw", "一字圆柱头螺丝", "", "DIN84",
     (2, 2.5, 3, 4, 5, 6), lambda d: _bolt_lengths(4, 10 * d), _SMALL_SCREW_FIN, 2),
    ("BOLT-HFS", "Serrated hex flange screw", "六角法兰面带齿螺栓", "", "", (5, 6, 8, 10, 12),
     lambda d: _bolt_lengths(10, 8 * d), _BOLT_FIN, 2),
    ("BOLT-T", "Hammer head T-bolt", "T型螺栓", "", "DIN186", (6, 8, 10, 12, 16),
     lambda d: _bolt_lengths(20, 8 * d), _BOLT_FIN[:3], 2),
    ("BOLT-EXP", "Wedge anchor bolt", "膨胀螺栓", "expansion bolt", "", (6, 8, 10, 12, 16),
     lambda d: _bolt_lengths(50, 20 * d), _BOLT_FIN[:3], 1),
)
# fmt: on


def _fasteners_bolts() -> Iterator[_Proto]:
    for code, en, cn, en_alias, std, sizes, lengths, finishes, ttier in _BOLT_TYPES:
        for d in sizes:
            for L in lengths(d):
                ltier = (0 if L in _ROUND_L else 1) + (0 if 6 * d + 20 >= L else 1)
                dim = f"M{_f(d)}x{L}"
                cat = "Fasteners / Bolts" if code.startswith("BOLT") else "Fasteners / Screws"
                for fcode, fen, fcn, fspec, ftier in finishes:
                    tier = ttier + ltier + ftier
                    aliases = (f"{cn} {dim}{fcn}",)
                    if en_alias:
                        aliases += (f"{en_alias} {dim}{fen}",)
                    spec = f"M{_f(d)}×{L} {fspec} {std}".strip()
                    pcode = f"{code}-M{_f(d)}X{L}{fcode}"
                    yield from _fastener_variants(
                        tier, pcode, f"{en} {dim}{fen}", aliases, spec, cat
                    )
                if code == "BOLT-HEX" and d in _FINE_PITCH:
                    p = _FINE_PITCH[int(d)]
                    fdim = f"M{_f(d)}x{_f(p)}x{L}"
                    yield (
                        3 + ltier,
                        f"BOLT-HEX-M{_f(d)}X{_f(p)}X{L}",
                        f"Hex bolt fine thread {fdim}",
                        (f"六角螺栓 细牙 {fdim}",),
                        f"M{_f(d)}×{_f(p)}×{L} 8.8级 镀锌 DIN961",
                        "Fasteners / Bolts",
                    )


_NUT_TYPES = (
    ("NUT-HEX", "Hex nut", "六角螺母", "DIN934", (*_M_SIZES, 27, 30), 0),
    ("NUT-NYL", "Nylon lock nut", "尼龙锁紧螺母", "DIN985", _M_SIZES, 0),
    ("NUT-FLG", "Hex flange nut", "法兰螺母", "DIN6923", (5, 6, 8, 10, 12, 14, 16, 20), 1),
    ("NUT-CAP", "Acorn cap nut", "盖形螺母", "DIN1587", (4, 5, 6, 8, 10, 12, 16, 20), 1),
    ("NUT-WING", "Wing nut", "蝶形螺母", "DIN315", (4, 5, 6, 8, 10, 12, 16), 1),
    ("NUT-CPL", "Coupling nut", "连接螺母", "DIN6334", (6, 8, 10, 12, 16, 20, 24), 2),
    ("NUT-SQ", "Square nut", "方螺母", "DIN557", (4, 5, 6, 8, 10, 12, 16), 2),
    ("NUT-WLD", "Hex weld nut", "六角焊接螺母", "DIN929", (4, 5, 6, 8, 10, 12, 16), 2),
    ("NUT-THN", "Thin hex jam nut", "六角薄螺母", "DIN439", _M_SIZES, 2),
    ("NUT-RIV", "Rivet nut", "拉铆螺母", "", (3, 4, 5, 6, 8, 10, 12), 1),
    ("NUT-T", "T-slot nut", "T型螺母", "DIN508", (6, 8, 10, 12, 16, 20), 2),
)


def _fasteners_nuts() -> Iterator[_Proto]:
    for code, en, cn, std, sizes, ttier in _NUT_TYPES:
        for d in sizes:
            dim = f"M{_f(d)}"
            for fcode, fen, fcn, fspec, ftier in _NUT_FIN:
                tier = ttier + ftier
                pcode = f"{code}-{dim}{fcode}"
                spec = f"{dim} {fspec} {std}".strip()
                yield from _fastener_variants(
                    tier, pcode, f"{en} {dim}{fen}", (f"{cn} {dim}{fcn}",), spec, "Fasteners / Nuts"
                )
            if code in ("NUT-HEX", "NUT-NYL") and d in _FINE_PITCH:
                p = _FINE_PITCH[int(d)]
                fdim = f"M{_f(d)}x{_f(p)}"
                yield (
                    3,
                    f"{code}-M{_f(d)}X{_f(p)}",
                    f"{en} fine thread {fdim}",
                    (f"{cn} 细牙 {fdim}",),
                    f"{fdim} 8级 镀锌",
                    "Fasteners / Nuts",
                )


_WASHER_TYPES = (
    ("WSH-FLAT", "Flat washer", "平垫片", "DIN125", (*_M_SIZES, 27, 30), 0),
    ("WSH-SPR", "Spring lock washer", "弹簧垫片", "DIN127", (*_M_SIZES, 27, 30), 0),
    ("WSH-FEN", "Fender washer", "加大平垫片", "DIN9021", (4, 5, 6, 8, 10, 12, 16), 1),
    ("WSH-SER", "Serrated lock washer", "外齿垫片", "DIN6798A", (3, 4, 5, 6, 8, 10, 12), 2),
    ("WSH-WDG", "Wedge lock washer", "双叠自锁垫片", "DIN25201", (4, 5, 6, 8, 10, 12, 16), 2),
    ("WSH-SEAL", "Bonded seal washer", "组合垫片", "DIN7603", (6, 8, 10, 12, 14, 16, 20), 2),
)


def _fasteners_washers() -> Iterator[_Proto]:
    for code, en, cn, std, sizes, ttier in _WASHER_TYPES:
        for d in sizes:
            dim = f"M{_f(d)}"
            for fcode, fen, fcn, fspec, ftier in _WASHER_FIN:
                tier = ttier + ftier
                pcode = f"{code}-{dim}{fcode}"
                spec = f"{dim} {fspec} {std}"
                yield from _fastener_variants(
                    tier,
                    pcode,
                    f"{en} {dim}{fen}",
                    (f"{cn} {dim}{fcn}",),
                    spec,
                    "Fasteners / Washers",
                )
    for d in (4, 5, 6, 8, 10, 12, 16, 20, 24):
        for length in (1000, 2000, 3000):
            for fcode, fen, fcn, fspec, ftier in _BOLT_FIN[:6]:
                dim = f"M{d}x{length}"
                yield (
                    1 + ftier + (length != 1000),
                    f"ROD-THR-M{d}X{length}{fcode}",
                    f"Threaded rod {dim}{fen}",
                    (f"全牙螺杆 {dim}{fcn}", f"牙条 {dim}"),
                    f"M{d}×{length} {fspec} DIN976",
                    "Fasteners / Threaded rod",
                )


_SELF_TAP = (2.9, 3.5, 3.9, 4.2, 4.8, 5.5, 6.3)
_SELF_TAP_L = (6.5, 9.5, 13, 16, 19, 22, 25, 32, 38, 45, 50)


def _fasteners_screws() -> Iterator[_Proto]:
    heads = (
        ("PAN", "pan head", "十字盘头自攻螺丝", 0),
        ("CSK", "countersunk", "十字沉头自攻螺丝", 1),
        ("HWH", "hex washer head", "六角法兰自攻螺丝", 1),
        ("TRS", "truss head", "十字大扁头自攻螺丝", 2),
    )
    fins = (
        ("", "", "", "镀锌", 0),
        ("-A2", " stainless", " 不锈钢410", "不锈钢410", 1),
        ("-BK", " black", " 发黑", "发黑", 2),
    )
    for hcode, hen, hcn, htier in heads:
        for d in _SELF_TAP:
            for L in _SELF_TAP_L:
                if 12 * d < L:
                    continue
                dim = f"ST{_f(d)}x{_f(L)}"
                for fcode, fen, fcn, fspec, ftier in fins:
                    yield (
                        htier + ftier + (6 * d < L),
                        f"SCR-TAP-{hcode}-{_f(d)}X{_f(L)}{fcode}",
                        f"Self-tapping screw {hen} {dim}{fen}",
                        (f"{hcn} {dim}{fcn}", f"tapping screw {dim}{fen}"),
                        f"{dim} {fspec} GB/T845",
                        "Fasteners / Screws",
                    )
    for d, lengths in ((3.5, (25, 30, 35, 40, 45, 50)), (4.2, (50, 65, 75))):
        for L in lengths:
            for fcode, fen, fcn, fspec, ftier in (
                ("", " black phosphate", "", "黑磷化", 1),
                ("-ZN", " zinc", " 镀锌", "镀锌", 2),
            ):
                dim = f"{_f(d)}x{L}"
                yield (
                    ftier,
                    f"SCR-DRY-{_f(d)}X{L}{fcode}",
                    f"Drywall screw {dim}{fen}",
                    (f"干壁钉 {dim}{fcn}",),
                    f"{dim} {fspec}",
                    "Fasteners / Screws",
                )
    for d in (3.0, 3.5, 4.0, 4.5, 5.0, 6.0):
        for L in (12, 16, 20, 25, 30, 35, 40, 50, 60, 70, 80, 100, 120):
            if 25 * d < L:
                continue
            for fcode, fen, fcn, ftier in (
                ("", " yellow zinc", " 黄锌", 1),
                ("-ZN", " white zinc", " 白锌", 2),
                ("-A2", " stainless", " 不锈钢", 3),
            ):
                dim = f"{_f(d)}x{L}"
                yield (
                    ftier + (12 * d < L),
                    f"SCR-CHIP-{_f(d)}X{L}{fcode}",
                    f"Chipboard screw {dim}{fen}",
                    (f"纤维板钉 {dim}{fcn}", f"木螺丝 {dim}"),
                    f"{dim} 沉头 十字{fcn}",
                    "Fasteners / Screws",
                )


def _fasteners_misc() -> Iterator[_Proto]:
    rivet_mats = (
        ("", "aluminium/steel", "铝/铁", 0),
        ("-SS", "stainless/stainless", "全不锈钢", 1),
        ("-ST", "steel/steel", "全铁", 2),
        ("-AL", "aluminium/aluminium", "全铝", 2),
    )
    for d in (2.4, 3.2, 4.0, 4.8, 6.4):
        for L in (6, 8, 10, 12, 14, 16, 18, 20, 25):
            for mcode, men, mcn, mtier in rivet_mats:
                dim = f"{_f(d)}x{L}"
                yield (
                    1 + mtier + (4 * d < L),
                    f"RIV-POP-{_f(d)}X{L}{mcode}",
                    f"Blind rivet {dim} {men}",
                    (f"抽芯铆钉 {dim} {mcn}",),
                    f"{dim}mm 圆头 {mcn}",
                    "Fasteners / Rivets",
                )
    for d in (2, 3, 4, 5, 6, 8, 10, 12):
        for L in (6, 8, 10, 12, 16, 20, 25, 30, 35, 40, 50, 60):
            if not 2 * d <= L <= 8 * d:
                continue
            yield (
                2,
                f"PIN-DWL-{d}X{L}",
                f"Dowel pin {d}x{L} m6",
                (f"圆柱销 {d}×{L}",),
                f"Φ{d}×{L} 淬火 GB/T119",
                "Fasteners / Pins",
            )
            yield (
                2,
                f"PIN-SPR-{d}X{L}",
                f"Spring pin {d}x{L}",
                (f"弹性圆柱销 {d}×{L}",),
                f"Φ{d}×{L} 65Mn GB/T879",
                "Fasteners / Pins",
            )
    for d in (1.6, 2, 2.5, 3.2, 4, 5, 6.3):
        for L in (10, 16, 20, 25, 32, 40, 50, 63):
            if 12 * d < L:
                continue
            yield (
                2,
                f"PIN-SPL-{_f(d)}X{L}",
                f"Split pin {_f(d)}x{L}",
                (f"开口销 {_f(d)}×{L}",),
                f"Φ{_f(d)}×{L} 镀锌 GB/T91",
                "Fasteners / Pins",
            )


# --------------------------------------------------------------------------- bearings

# fmt: off
_DG_DIMS = {  # bore, outer diameter, width (mm) by bore code 00, 01, 02, ...
    "60": [(10, 26, 8), (12, 28, 8), (15, 32, 9), (17, 35, 10), (20, 42, 12), (25, 47, 12),
           (30, 55, 13), (35, 62, 14), (40, 68, 15), (45, 75, 16), (50, 80, 16),
           (55, 90, 18), (60, 95, 18), (65, 100, 18), (70, 110, 20), (75, 115, 20),
           (80, 125, 22), (85, 130, 22), (90, 140, 24), (95, 145, 24), (100, 150, 24)],
    "62": [(10, 30, 9), (12, 32, 10), (15, 35, 11), (17, 40, 12), (20, 47, 14), (25, 52, 15),
           (30, 62, 16), (35, 72, 17), (40, 80, 18), (45, 85, 19), (50, 90, 20),
           (55, 100, 21), (60, 110, 22), (65, 120, 23), (70, 125, 24), (75, 130, 25),
           (80, 140, 26), (85, 150, 28), (90, 160, 30), (95, 170, 32), (100, 180, 34)],
    "63": [(10, 35, 11), (12, 37, 12), (15, 42, 13), (17, 47, 14), (20, 52, 15), (25, 62, 17),
           (30, 72, 19), (35, 80, 21), (40, 90, 23), (45, 100, 25), (50, 110, 27),
           (55, 120, 29), (60, 130, 31), (65, 140, 33), (70, 150, 35), (75, 160, 37),
           (80, 170, 39)],
    "68": [(10, 19, 5), (12, 21, 5), (15, 24, 5), (17, 26, 5), (20, 32, 7), (25, 37, 7),
           (30, 42, 7), (35, 47, 7), (40, 52, 7), (45, 58, 7), (50, 65, 7)],
    "69": [(10, 22, 6), (12, 24, 6), (15, 28, 7), (17, 30, 7), (20, 37, 9), (25, 42, 9),
           (30, 47, 9), (35, 55, 10), (40, 62, 12), (45, 68, 12), (50, 72, 12)],
}
_MINI_DIMS = {"604": (4, 12, 4), "605": (5, 14, 5), "606": (6, 17, 6), "607": (7, 19, 6),
              "608": (8, 22, 7), "609": (9, 24, 7), "623": (3, 10, 4), "624": (4, 13, 5),
              "625": (5, 16, 5), "626": (6, 19, 6), "627": (7, 22, 7), "628": (8, 24, 8),
              "629": (9, 26, 8)}
# fmt: on
_SEALS = (("2RS", "-2RS", "双面胶封", 0), ("ZZ", "-ZZ", "双面铁封", 0), ("", "", "开式", 1))
_BRG_BRANDS = (
    ("SKF", "斯凯孚", 2),
    ("NSK", "恩斯克", 2),
    ("FAG", "舍弗勒", 2),
    ("NTN", "恩梯恩", 2),
    ("HRB", "哈轴", 3),
    ("ZWZ", "瓦轴", 3),
    ("LYC", "洛轴", 3),
    ("TMB", "天马", 4),
)


def _bearings_deep_groove() -> Iterator[_Proto]:
    numbers: list[tuple[str, tuple[int, int, int], int]] = []
    for series, dims in _DG_DIMS.items():
        for k, dim in enumerate(dims):
            numbers.append((f"{series}{k:02d}", dim, 0 if series in ("62", "60") else 1))
    numbers.extend((num, dim, 1) for num, dim in _MINI_DIMS.items())
    for num, (d, big_d, b), ntier in numbers:
        for seal, suffix, seal_cn, stier in _SEALS:
            des = f"{num}{suffix}"
            spec = f"{d}×{big_d}×{b}mm {seal_cn}"
            base = f"BRG-{num}" + (f"-{seal}" if seal else "")
            tier = ntier + stier
            yield (
                tier,
                base,
                f"Deep groove ball bearing {des}",
                (f"深沟球轴承 {des}",),
                spec,
                "Bearings / Ball",
            )
            yield (
                tier + 2,
                base + "-C3",
                f"Deep groove ball bearing {des} C3",
                (f"深沟球轴承 {des} C3游隙",),
                spec + " C3游隙",
                "Bearings / Ball",
            )
            for brand, brand_cn, btier in _BRG_BRANDS:
                yield (
                    tier + btier,
                    f"{base}-{brand}",
                    f"Deep groove ball bearing {des} {brand}",
                    (f"深沟球轴承 {des} {brand_cn}",),
                    f"{spec} {brand}",
                    "Bearings / Ball",
                )


def _bearings_other() -> Iterator[_Proto]:
    kinds: list[tuple[str, str, str, list[str], int]] = [
        (
            "TRB",
            "Tapered roller bearing",
            "圆锥滚子轴承",
            [f"302{k:02d}" for k in range(3, 21)]
            + [f"303{k:02d}" for k in range(3, 19)]
            + [f"320{k:02d}" for k in range(5, 21)]
            + [f"322{k:02d}" for k in range(5, 19)],
            1,
        ),
        (
            "ACB",
            "Angular contact ball bearing",
            "角接触球轴承",
            [f"72{k:02d}B" for k in range(0, 21)]
            + [f"73{k:02d}B" for k in range(0, 17)]
            + [f"70{k:02d}C" for k in range(0, 21)],
            1,
        ),
        (
            "SAB",
            "Self-aligning ball bearing",
            "调心球轴承",
            [f"12{k:02d}" for k in range(0, 21)] + [f"22{k:02d}" for k in range(0, 21)],
            2,
        ),
        (
            "SRB",
            "Spherical roller bearing",
            "调心滚子轴承",
            [f"222{k:02d} CA/W33" for k in range(8, 25)]
            + [f"223{k:02d} CA/W33" for k in range(8, 25)],
            2,
        ),
        (
            "CRB",
            "Cylindrical roller bearing",
            "圆柱滚子轴承",
            [f"NU2{k:02d}" for k in range(4, 23)]
            + [f"NJ2{k:02d}" for k in range(4, 23)]
            + [f"NU3{k:02d}" for k in range(4, 21)],
            1,
        ),
        (
            "THR",
            "Thrust ball bearing",
            "推力球轴承",
            [f"511{k:02d}" for k in range(0, 21)] + [f"512{k:02d}" for k in range(0, 21)],
            1,
        ),
        ("UCP", "Pillow block bearing", "立式带座轴承", [f"UCP2{k:02d}" for k in range(1, 19)], 0),
        (
            "UCF",
            "Square flange bearing unit",
            "方形带座轴承",
            [f"UCF2{k:02d}" for k in range(1, 19)],
            1,
        ),
        (
            "UCFL",
            "Oval flange bearing unit",
            "菱形带座轴承",
            [f"UCFL2{k:02d}" for k in range(1, 19)],
            1,
        ),
        (
            "LIN",
            "Linear bearing",
            "直线轴承",
            [f"LM{d}UU" for d in (6, 8, 10, 12, 13, 16, 20, 25, 30, 35, 40, 50)]
            + [f"LM{d}LUU" for d in (8, 10, 12, 16, 20, 25, 30)]
            + [f"LMF{d}UU" for d in (8, 10, 12, 16, 20, 25, 30)],
            1,
        ),
        (
            "NDL",
            "Drawn cup needle roller bearing",
            "冲压外圈滚针轴承",
            [
                f"HK{d:02d}{w:02d}"
                for d in (6, 8, 10, 12, 15, 16, 20, 25, 30, 35)
                for w in (10, 12, 16, 20)
            ],
            2,
        ),
        (
            "ROD",
            "Rod end bearing",
            "杆端关节轴承",
            [f"{p}{d}T/K" for p in ("SI", "SA") for d in (5, 6, 8, 10, 12, 14, 16, 18, 20, 25)],
            2,
        ),
    ]
    for kcode, en, cn, numbers, ktier in kinds:
        for num in numbers:
            ncode = num.replace(" ", "-").replace("/", "")
            base = f"BRG-{kcode}-{ncode}" if kcode not in ("UCP", "UCF", "UCFL") else f"BRG-{ncode}"
            yield (ktier, base, f"{en} {num}", (f"{cn} {num}",), f"{num} 标准游隙", "Bearings")
            for brand, brand_cn, btier in _BRG_BRANDS:
                yield (
                    ktier + btier,
                    f"{base}-{brand}",
                    f"{en} {num} {brand}",
                    (f"{cn} {num} {brand_cn}",),
                    f"{num} {brand}",
                    "Bearings",
                )


# --------------------------------------------------------------------------- electronics

_E24 = (1.0, 1.1, 1.2, 1.3, 1.5, 1.6, 1.8, 2.0, 2.2, 2.4, 2.7, 3.0, 3.3, 3.6, 3.9, 4.3, 4.7,
        5.1, 5.6, 6.2, 6.8, 7.5, 8.2, 9.1)  # fmt: skip
_E12 = {1.0, 1.2, 1.5, 1.8, 2.2, 2.7, 3.3, 3.9, 4.7, 5.6, 6.8, 8.2}


def _ohms(mult: float, decade: int) -> tuple[str, str]:
    """(display, code) for a resistance: 4.7kΩ / 4K7, 10Ω / 10R, 1MΩ / 1M."""
    value = round(mult * 10**decade, 3)
    for limit, unit in ((1e6, "M"), (1e3, "K"), (1, "R")):
        if value >= limit:
            v = value / limit
            shown = f"{v:g}{unit.lower() if unit == 'K' else unit}"
            shown = shown.replace("R", "") + "Ω"
            code = f"{v:g}".replace(".", unit) if "." in f"{v:g}" else f"{v:g}{unit}"
            return shown, code
    return f"{value:g}Ω", f"{value:g}".replace(".", "R")


_RES_SMD = (
    ("0603", "1/10W", 0),
    ("0805", "1/8W", 0),
    ("0402", "1/16W", 1),
    ("1206", "1/4W", 1),
    ("2512", "1W", 2),
)
_RES_TH = (
    ("MF025", "Metal film resistor", "金属膜电阻", "1/4W", 1),
    ("MF05", "Metal film resistor", "金属膜电阻", "1/2W", 2),
    ("MF1", "Metal film resistor", "金属膜电阻", "1W", 2),
    ("MF2", "Metal film resistor", "金属膜电阻", "2W", 3),
    ("CF025", "Carbon film resistor", "碳膜电阻", "1/4W", 2),
)
_RES_BRANDS = (
    ("YAG", "Yageo", "国巨"),
    ("UNI", "UniOhm", "厚声"),
    ("VIS", "Vishay", "威世"),
    ("FH", "Fenghua", "风华"),
)


_E96 = tuple(round(10 ** (i / 96), 2) for i in range(96))


def _resistors() -> Iterator[_Proto]:
    values = [(m, dec) for dec in range(0, 7) for m in _E24] + [(1.0, 7)]
    e24 = {round(m, 2) for m in _E24}
    for dec in range(0, 6):
        for m in _E96:
            if m in e24:
                continue
            shown, vcode = _ohms(m, dec)
            for pkg, watt, ptier in _RES_SMD:
                yield (
                    2 + ptier + (dec in (0, 5)),
                    f"RES-{pkg}-{vcode}-F",
                    f"Chip resistor {shown} {pkg} 1%",
                    (f"贴片电阻 {shown.replace('Ω', '')} {pkg} 1%",),
                    f"{pkg} {shown} ±1% {watt} 厚膜 E96",
                    "Electronics / Resistors",
                )
    for m, dec in values:
        shown, vcode = _ohms(m, dec)
        vtier = 0 if m in _E12 else 1
        for pkg, watt, ptier in _RES_SMD:
            for tol, tol_code, ttier in (("1%", "F", 0), ("5%", "J", 1)):
                tier = vtier + ptier + ttier
                code = f"RES-{pkg}-{vcode}-{tol_code}"
                name = f"Chip resistor {shown} {pkg} {tol}"
                alias = f"贴片电阻 {shown.replace('Ω', '')} {pkg} {tol}"
                spec = f"{pkg} {shown} ±{tol} {watt} 厚膜"
                yield (tier, code, name, (alias,), spec, "Electronics / Resistors")
                if tier <= 2:
                    for bcode, ben, bcn in _RES_BRANDS:
                        yield (
                            tier + 3,
                            f"{code}-{bcode}",
                            f"{name} {ben}",
                            (f"{alias} {bcn}",),
                            f"{spec} {ben}",
                            "Electronics / Resistors",
                        )
        for tcode, en, cn, watt, ttier in _RES_TH:
            tol = "5%" if tcode.startswith("CF") else "1%"
            yield (
                vtier + ttier,
                f"RES-{tcode}-{vcode}",
                f"{en} {shown} {watt} {tol}",
                (f"{cn} {shown.replace('Ω', '')} {watt} {tol}",),
                f"{shown} ±{tol} {watt} 色环 直插",
                "Electronics / Resistors",
            )


# fmt: off
_MLCC = (  # (display, EIA code, dielectric, smallest package index)
    ("10pF", "100", "C0G", 0), ("22pF", "220", "C0G", 0), ("33pF", "330", "C0G", 0),
    ("47pF", "470", "C0G", 0), ("100pF", "101", "C0G", 0), ("220pF", "221", "C0G", 0),
    ("470pF", "471", "C0G", 0), ("1nF", "102", "X7R", 0), ("2.2nF", "222", "X7R", 0),
    ("4.7nF", "472", "X7R", 0), ("10nF", "103", "X7R", 0), ("22nF", "223", "X7R", 0),
    ("47nF", "473", "X7R", 0), ("100nF", "104", "X7R", 0), ("220nF", "224", "X7R", 1),
    ("470nF", "474", "X7R", 1), ("1uF", "105", "X7R", 1), ("2.2uF", "225", "X5R", 1),
    ("4.7uF", "475", "X5R", 2), ("10uF", "106", "X5R", 2), ("22uF", "226", "X5R", 3),
    ("47uF", "476", "X5R", 3), ("100uF", "107", "X5R", 4),
)
# fmt: on
_MLCC_PKG = ("0402", "0603", "0805", "1206", "1210")
_MLCC_V = (("6.3V", 2), ("10V", 1), ("16V", 1), ("25V", 0), ("50V", 0), ("100V", 2))
_CAP_BRANDS = (
    ("MUR", "Murata", "村田"),
    ("SAM", "Samsung", "三星"),
    ("YAG", "Yageo", "国巨"),
    ("TDK", "TDK", "TDK"),
    ("FH", "Fenghua", "风华"),
)
_ELEC_UF = (1, 2.2, 4.7, 10, 22, 33, 47, 100, 220, 330, 470, 1000, 2200, 3300, 4700)
_ELEC_V = (6.3, 10, 16, 25, 35, 50, 63, 100, 160, 250, 400, 450)


def _capacitors() -> Iterator[_Proto]:
    for shown, eia, diel, min_pkg in _MLCC:
        for pi, pkg in enumerate(_MLCC_PKG):
            if pi < min_pkg:
                continue
            for volt, vtier in _MLCC_V:
                tier = vtier + (0 if pkg in ("0603", "0805") else 1) + (shown.endswith("uF"))
                code = f"CAP-{pkg}-{eia}-{volt.replace('.', 'V')[:-1] if '.' in volt else volt}"
                code = f"{code}-{diel}"
                name = f"Ceramic capacitor {shown} {volt} {diel} {pkg}"
                alias = f"贴片电容 {shown} {volt} {diel} {pkg}"
                spec = f"{pkg} {eia}K {volt} {diel} ±10% MLCC"
                yield (tier, code, name, (alias,), spec, "Electronics / Capacitors")
                if tier <= 2:
                    for bcode, ben, bcn in _CAP_BRANDS:
                        yield (
                            tier + 3,
                            f"{code}-{bcode}",
                            f"{name} {ben}",
                            (f"{alias} {bcn}",),
                            f"{spec} {ben}",
                            "Electronics / Capacitors",
                        )
    for uf in _ELEC_UF:
        for v in _ELEC_V:
            if uf * v > 150_000 or (uf >= 1000 and v > 100) or (uf <= 2.2 and v < 16):
                continue
            for temp, ttier in (("105", 0), ("85", 2)):
                tier = ttier + (0 if v <= 50 else 1)
                code = f"CAP-EL-{_f(uf)}U-{_f(v)}V" + ("" if temp == "105" else "-85")
                name = f"Electrolytic capacitor {_f(uf)}uF {_f(v)}V {temp}°C"
                alias = f"电解电容 {_f(uf)}uF {_f(v)}V {temp}度"
                spec = f"{_f(uf)}μF ±20% {_f(v)}V {temp}℃ 铝电解 直插"
                yield (tier, code, name, (alias,), spec, "Electronics / Capacitors")
                for bcode, ben, bcn in (
                    ("NCC", "Nippon Chemi-Con", "黑金刚"),
                    ("RUB", "Rubycon", "红宝石"),
                    ("AIS", "Aishi", "艾华"),
                ):
                    yield (
                        tier + 3,
                        f"{code}-{bcode}",
                        f"{name} {ben}",
                        (f"{alias} {bcn}",),
                        f"{spec} {ben}",
                        "Electronics / Capacitors",
                    )


def _electronics_misc() -> Iterator[_Proto]:
    parts = [
        (
            "IC-STM32F103C8T6",
            "MCU STM32F103C8T6 LQFP48",
            "单片机 STM32F103C8T6",
            "ARM Cortex-M3 64KB",
        ),
        ("IC-STM32F407VGT6", "MCU STM32F407VGT6 LQFP100", "单片机 STM32F407VGT6", "Cortex-M4 1MB"),
        ("IC-ESP32-WROOM-32E", "WiFi module ESP32-WROOM-32E", "WiFi模块 ESP32", "4MB flash"),
        ("IC-AMS1117-3.3", "LDO regulator AMS1117-3.3 SOT-223", "稳压芯片 AMS1117-3.3", "1A"),
        ("IC-LM358", "Op amp LM358 SOP-8", "运放 LM358", "双运放"),
        ("IC-NE555", "Timer NE555 SOP-8", "定时器 NE555", "555"),
        ("IC-LM2596S-ADJ", "Buck converter LM2596S-ADJ TO-263", "降压芯片 LM2596", "3A"),
        ("IC-CH340G", "USB UART CH340G SOP-16", "USB转串口 CH340G", ""),
        ("IC-MAX485", "RS485 transceiver MAX485 SOP-8", "485芯片 MAX485", ""),
        ("IC-PC817", "Optocoupler PC817 DIP-4", "光耦 PC817", ""),
        ("D-1N4007", "Rectifier diode 1N4007", "整流二极管 1N4007", "1A 1000V"),
        ("D-1N5819", "Schottky diode 1N5819", "肖特基二极管 1N5819", "1A 40V"),
        ("D-SS34", "Schottky diode SS34 SMA", "肖特基二极管 SS34", "3A 40V"),
        ("D-1N4148", "Switching diode 1N4148", "开关二极管 1N4148", ""),
        ("Q-S8050", "NPN transistor S8050 SOT-23", "三极管 S8050", ""),
        ("Q-2N3904", "NPN transistor 2N3904 TO-92", "三极管 2N3904", ""),
        ("Q-AO3400", "N-MOSFET AO3400 SOT-23", "MOS管 AO3400", "30V 5.8A"),
        ("Q-IRF540N", "N-MOSFET IRF540N TO-220", "MOS管 IRF540N", "100V 33A"),
    ]
    for code, name, alias, spec in parts:
        yield (1, code, name, (alias,), spec, "Electronics / Semiconductors")
        for suffix, pack, pack_cn in (("-R", "reel", "卷装"), ("-T", "tube", "管装")):
            yield (
                3,
                code + suffix,
                f"{name} {pack}",
                (f"{alias} {pack_cn}",),
                spec,
                "Electronics / Semiconductors",
            )
    colours = (
        ("RD", "red", "红色"),
        ("GN", "green", "绿色"),
        ("BL", "blue", "蓝色"),
        ("YL", "yellow", "黄色"),
        ("WH", "white", "白色"),
        ("OR", "orange", "橙色"),
    )
    for pkg, ptier in (("0603", 1), ("0805", 1), ("1206", 2), ("3mm", 2), ("5mm", 1)):
        for ccode, cen, ccn in colours:
            kind = "LED" if pkg.endswith("mm") else "SMD LED"
            yield (
                ptier,
                f"LED-{pkg.upper()}-{ccode}",
                f"{kind} {pkg} {cen}",
                (f"发光二极管 {pkg} {ccn}",),
                f"{pkg} {ccn} 高亮",
                "Electronics / LEDs",
            )
    for pins in range(2, 13):
        for series, pitch, cn, stier in (
            ("XH", "2.54", "XH2.54", 1),
            ("PH", "2.0", "PH2.0", 2),
            ("VH", "3.96", "VH3.96", 2),
        ):
            for part, pen, pcn, ptier in (
                ("H", "housing", "胶壳", 0),
                ("W", "wafer", "直针座", 0),
                ("WR", "right-angle wafer", "弯针座", 1),
            ):
                yield (
                    stier + ptier,
                    f"CON-{series}-{pins}P-{part}",
                    f"Connector {series}{pitch} {pins}P {pen}",
                    (f"端子 {cn} {pins}P {pcn}",),
                    f"JST {series} {pitch}mm {pins}pin",
                    "Electronics / Connectors",
                )
    for amps in (0.5, 1, 2, 3, 5, 8, 10, 15):
        for size, scn, stier in (("5x20", "5×20", 1), ("6x30", "6×30", 2)):
            for speed, sen, spcn, sptier in (("F", "fast", "快断", 0), ("T", "slow", "慢断", 1)):
                yield (
                    stier + sptier,
                    f"FUSE-{size.upper()}-{_f(amps)}A-{speed}",
                    f"Glass fuse {size} {_f(amps)}A {sen}-blow",
                    (f"玻璃保险丝 {scn} {_f(amps)}A {spcn}",),
                    f"{_f(amps)}A 250V {scn}mm",
                    "Electrical / Fuses",
                )


# --------------------------------------------------------------------------- electrical

_CABLE_COLOURS = (("WH", "white", "白色"), ("BK", "black", "黑色"), ("GY", "grey", "灰色"))
_WIRE_COLOURS = (
    ("RD", "red", "红色"),
    ("BK", "black", "黑色"),
    ("BU", "blue", "蓝色"),
    ("YE", "yellow", "黄色"),
    ("GN", "green", "绿色"),
    ("BN", "brown", "棕色"),
    ("YG", "yellow-green", "黄绿双色"),
)


def _cables() -> Iterator[_Proto]:
    for cores in (2, 3, 4, 5, 6, 8, 10, 12):
        for cs in (0.3, 0.5, 0.75, 1.0, 1.5, 2.5, 4, 6):
            if cores >= 8 and cs > 1.5:
                continue
            for ci, (ccode, cen, ccn) in enumerate(_CABLE_COLOURS):
                dim = f"{cores}x{_f(cs)}"
                tier = ci + (0 if cores <= 5 and cs >= 0.5 else 1)
                for kind, ken, kcn, ktier in (
                    ("RVV", "Sheathed cable", "护套线", 0),
                    ("RVVP", "Shielded cable", "屏蔽线", 1),
                    ("KVV", "Control cable", "控制电缆", 2),
                ):
                    yield (
                        tier + ktier,
                        f"CBL-{kind}-{dim.upper()}-{ccode}",
                        f"{ken} {kind} {dim}mm² {cen}",
                        (
                            f"{kcn} {kind} {cores}×{_f(cs)}平方 {ccn}",
                            f"电缆 {kind} {dim}" + ("" if ci == 0 else f" {ccn}"),
                        ),
                        f"300/500V 铜芯 {cores}×{_f(cs)}mm² 100m/卷",
                        "Electrical / Cable",
                    )
    for cs in (0.75, 1, 1.5, 2.5, 4, 6, 10, 16, 25, 35, 50, 70, 95, 120):
        for ci, (ccode, cen, ccn) in enumerate(_WIRE_COLOURS):
            for kind, ktier in (("BVR", 0), ("BV", 1), ("RV", 1)):
                tier = ktier + (0 if ci < 4 else 1) + (0 if cs <= 16 else 1)
                yield (
                    tier,
                    f"CBL-{kind}-{_f(cs)}-{ccode}",
                    f"Building wire {kind} {_f(cs)}mm² {cen}",
                    (f"电线 {kind} {_f(cs)}平方 {ccn}", f"电缆 {kind} {_f(cs)}平方 {ccn}"),
                    f"450/750V 铜芯 {_f(cs)}mm² 100m/卷",
                    "Electrical / Cable",
                )
    configs = (
        "2x2.5",
        "3x2.5",
        "4x2.5",
        "5x2.5",
        "3x4+1x2.5",
        "3x6+1x4",
        "3x10+1x6",
        "3x16+1x10",
        "3x25+1x16",
        "3x35+1x16",
        "3x50+1x25",
        "3x70+1x35",
        "3x95+1x50",
        "4x4",
        "4x6",
        "4x10",
        "4x16",
        "4x25",
        "4x35",
        "5x4",
        "5x6",
        "5x10",
        "5x16",
    )
    for conf in configs:
        for kind, ken, kcn, ktier in (
            ("YJV", "Power cable", "电力电缆", 1),
            ("YJV22", "Armoured power cable", "铠装电力电缆", 2),
            ("ZR-YJV", "Flame-retardant power cable", "阻燃电力电缆", 2),
            ("VV", "PVC power cable", "电力电缆", 3),
        ):
            yield (
                ktier,
                f"CBL-{kind}-{conf.upper().replace('+', 'P')}",
                f"{ken} {kind} {conf}mm²",
                (f"{kcn} {kind} {conf.replace('x', '×')}",),
                f"0.6/1kV 铜芯 {conf}mm²",
                "Electrical / Cable",
            )
    for cat, ctier in (("CAT5E", 1), ("CAT6", 1), ("CAT6A", 2)):
        for shield, scn, stier in (("UTP", "非屏蔽", 0), ("FTP", "屏蔽", 1), ("SFTP", "双屏蔽", 2)):
            for length in (100, 305):
                yield (
                    ctier + stier + (length == 100),
                    f"CBL-{cat}-{shield}-{length}M",
                    f"Network cable {cat.replace('CAT', 'Cat')} {shield} {length}m",
                    (f"网线 {cat.replace('CAT', '')}类 {scn} {length}米",),
                    f"{cat} {shield} 纯铜 {length}m/箱",
                    "Electrical / Cable",
                )


def _electrical() -> Iterator[_Proto]:
    brands = (
        ("", "", "", 0),
        ("-CHNT", " CHINT", " 正泰", 1),
        ("-SCH", " Schneider", " 施耐德", 2),
        ("-DLX", " Delixi", " 德力西", 2),
        ("-ABB", " ABB", " ABB", 3),
    )
    for amps in (1, 2, 3, 4, 6, 10, 16, 20, 25, 32, 40, 50, 63):
        for poles in (1, 2, 3, 4):
            for curve, ctier in (("C", 0), ("D", 2)):
                for bcode, ben, bcn, btier in brands:
                    yield (
                        1 + ctier + btier + (poles == 4),
                        f"MCB-{curve}{amps}-{poles}P{bcode}",
                        f"Miniature circuit breaker {curve}{amps} {poles}P{ben}",
                        (f"空气开关 {curve}{amps} {poles}P{bcn}", f"断路器 {curve}{amps} {poles}P"),
                        f"DZ47 {curve}{amps} {poles}P 6kA",
                        "Electrical / Switchgear",
                    )
    for model in ("0910", "1210", "1810", "2510", "3210", "4011", "5011", "6511", "8011", "9511"):
        for coil, ccn, ctier in (
            ("220V", "AC220V", 0),
            ("380V", "AC380V", 1),
            ("24V", "AC24V", 1),
            ("110V", "AC110V", 2),
        ):
            for bcode, ben, bcn, btier in brands[:3]:
                yield (
                    1 + ctier + btier,
                    f"CTR-CJX2-{model}-{coil}{bcode}",
                    f"AC contactor CJX2-{model} coil {coil}{ben}",
                    (f"交流接触器 CJX2-{model} 线圈{ccn}{bcn}",),
                    f"CJX2-{model} {ccn} {int(model[:2])}A",
                    "Electrical / Switchgear",
                )
    for model, pins in (("MY2N-J", 8), ("MY4N-J", 14), ("LY2N-J", 8)):
        for coil in ("DC12V", "DC24V", "AC220V", "AC110V"):
            yield (
                1 + (coil == "AC110V"),
                f"RLY-{model}-{coil}",
                f"Relay {model} {coil}",
                (f"中间继电器 {model} {coil}",),
                f"{pins}脚 {coil} 5A",
                "Electrical / Relays",
            )
    for size in ("M8", "M12", "M18", "M30"):
        for out, otier in (("NPN-NO", 0), ("PNP-NO", 0), ("NPN-NC", 1), ("PNP-NC", 1)):
            for brand, bcn, btier in (
                ("", "", 0),
                ("Omron", " 欧姆龙", 1),
                ("Autonics", " 奥托尼克斯", 2),
                ("Sick", " 西克", 3),
            ):
                code = f"SNS-PRX-{size}-{out}" + (f"-{brand.upper()}" if brand else "")
                yield (
                    1 + otier + btier,
                    code,
                    f"Inductive proximity sensor {size} {out.replace('-', ' ')} {brand}".strip(),
                    (f"接近开关 {size} {out}{bcn}",),
                    f"{size} DC10-30V {out} 3线",
                    "Electrical / Sensors",
                )
    for wire, wcn in (("1.25", "1.25"), ("2", "2"), ("5.5", "5.5")):
        for stud in (3, 4, 5, 6, 8, 10, 12):
            for kind, ken, kcn, ktier in (("RV", "ring", "圆形", 1), ("SV", "fork", "叉形", 2)):
                yield (
                    ktier,
                    f"TRM-{kind}{wire}-{stud}",
                    f"Insulated {ken} terminal {kind}{wire}-{stud}",
                    (f"{kcn}冷压端子 {kind}{wcn}-{stud}",),
                    f"{wire}mm² M{stud} 100只/包",
                    "Electrical / Terminals",
                )
    for w, lengths in (
        (2.5, (100, 150, 200)),
        (3.6, (150, 200, 250, 300)),
        (4.8, (200, 250, 300, 370, 400)),
        (7.6, (300, 400, 500)),
    ):
        for L in lengths:
            for ccode, cen, ccn, ctier in (("BK", "black", "黑色", 0), ("WH", "white", "白色", 0)):
                yield (
                    ctier + 1,
                    f"TIE-{_f(w)}X{L}-{ccode}",
                    f"Cable tie {_f(w)}x{L}mm {cen}",
                    (f"尼龙扎带 {_f(w)}×{L} {ccn}",),
                    f"{_f(w)}×{L}mm PA66 100条/包",
                    "Electrical / Accessories",
                )
    for d in (1, 2, 3, 4, 5, 6, 8, 10, 12, 16, 20, 25, 30, 40, 50):
        for ccode, cen, ccn, ctier in (
            ("BK", "black", "黑色", 1),
            ("RD", "red", "红色", 2),
            ("CL", "clear", "透明", 2),
            ("YG", "yellow-green", "黄绿", 3),
        ):
            yield (
                ctier,
                f"HST-{d}MM-{ccode}",
                f"Heat shrink tube {d}mm {cen}",
                (f"热缩管 {d}mm {ccn}",),
                f"Φ{d}mm 2:1 100m/卷",
                "Electrical / Accessories",
            )


# --------------------------------------------------------------------------- steel stock

_PLATE_MATS = (
    ("Q235", "Steel plate Q235", "钢板 Q235", "Q235B 热轧", 0, 2.0, 50),
    ("Q355", "HSLA steel plate Q355", "低合金钢板 Q355", "Q355B 热轧", 1, 4.0, 50),
    ("45", "Carbon steel plate C45", "45#钢板", "45# 调质", 2, 4.0, 50),
    ("SPCC", "Cold rolled steel sheet SPCC", "冷轧板 SPCC", "SPCC 冷轧", 1, 0.5, 3.0),
    ("SGCC", "Galvanized steel sheet", "镀锌板", "SGCC 有花镀锌", 1, 0.5, 3.0),
    ("304", "Stainless steel plate 304", "不锈钢板 304", "304 2B面", 0, 0.5, 20),
    ("316L", "Stainless steel plate 316L", "不锈钢板 316L", "316L 2B面", 2, 0.5, 20),
    ("AL5052", "Aluminium sheet 5052", "铝板 5052", "5052-H32", 1, 0.5, 10),
    ("AL6061", "Aluminium plate 6061", "铝板 6061", "6061-T6", 1, 2.0, 50),
    ("CHK", "Checker plate Q235", "花纹板 Q235", "Q235 扁豆花纹", 2, 2.0, 8),
)
_THICK = (0.5, 0.8, 1.0, 1.2, 1.5, 2.0, 2.5, 3.0, 4.0, 5.0, 6.0, 8.0, 10.0, 12.0, 14.0, 16.0,
          18.0, 20.0, 25.0, 30.0, 40.0, 50.0)  # fmt: skip
_SHEETS = (
    ("1250x2500", 0),
    ("1220x2440", 1),
    ("1500x3000", 1),
    ("1000x2000", 2),
    ("1500x6000", 2),
    ("2000x6000", 3),
)


def _steel() -> Iterator[_Proto]:
    for mcode, en, cn, grade, mtier, tmin, tmax in _PLATE_MATS:
        for t in _THICK:
            if not tmin <= t <= tmax:
                continue
            for size, stier in _SHEETS:
                tier = mtier + stier + (0 if t <= 20 else 1)
                yield (
                    tier,
                    f"PLT-{mcode}-T{_f(t)}-{size.upper()}",
                    f"{en} {_f(t)}mm {size}",
                    (f"{cn} {_f(t)}mm {size.replace('x', '×')}",),
                    f"{grade} 厚{_f(t)}mm {size.replace('x', '×')}mm",
                    "Raw material / Plate",
                )
    tubes = (
        ("WLD", "Welded steel tube", "焊管", "Q235", 0),
        ("SML", "Seamless steel tube", "无缝钢管", "20#", 1),
        ("304", "Stainless steel tube 304", "不锈钢管 304", "304", 0),
        ("316L", "Stainless steel tube 316L", "不锈钢管 316L", "316L", 2),
        ("GAL", "Galvanized steel pipe", "镀锌管", "Q235 热镀锌", 1),
        ("AL", "Aluminium tube 6063", "铝管 6063", "6063-T5", 1),
    )
    ods = (10, 12, 16, 19, 20, 22, 25, 27, 32, 38, 42, 48, 51, 60, 76, 89, 108, 114, 133, 159)
    for tcode, en, cn, grade, ttier in tubes:
        for od in ods:
            for wall in (1.0, 1.2, 1.5, 2.0, 2.5, 3.0, 3.5, 4.0, 5.0, 6.0):
                if wall > od / 6 or wall < od / 60:
                    continue
                dim = f"{od}x{_f(wall)}"
                tier = ttier + (0 if wall in (1.0, 1.5, 2.0, 3.0) else 1) + (od > 60)
                yield (
                    tier,
                    f"TUB-{tcode}-{dim.upper()}",
                    f"{en} {dim}",
                    (f"{cn} Φ{od}×{_f(wall)}",),
                    f"{grade} Φ{od}×{_f(wall)}mm 6m/根",
                    "Raw material / Tube",
                )
    for a, b in (
        (20, 20),
        (25, 25),
        (30, 30),
        (40, 40),
        (50, 50),
        (60, 60),
        (80, 80),
        (100, 100),
        (40, 20),
        (50, 25),
        (60, 40),
        (80, 40),
        (100, 50),
        (120, 60),
    ):
        for wall in (1.2, 1.5, 2.0, 2.5, 3.0, 4.0, 5.0):
            if wall > min(a, b) / 8:
                continue
            for mat, men, mcn, mtier in (
                ("", "", "", 0),
                ("GAL", " galvanized", " 镀锌", 1),
                ("304", " stainless 304", " 不锈钢304", 1),
            ):
                kind, kcn = ("Square tube", "方管") if a == b else ("Rectangular tube", "矩形管")
                dim = f"{a}x{b}x{_f(wall)}"
                yield (
                    mtier + (wall not in (1.5, 2.0, 3.0)),
                    f"TUB-SQ-{dim.upper()}" + (f"-{mat}" if mat else ""),
                    f"{kind} {dim}{men}",
                    (f"{kcn} {a}×{b}×{_f(wall)}{mcn}",),
                    f"Q235{mcn} {a}×{b}×{_f(wall)}mm 6m/根",
                    "Raw material / Tube",
                )
    for d in (6, 8, 10, 12, 14, 16, 18, 20, 22, 25, 28, 30, 32, 35, 40, 45, 50, 60, 70, 80, 100):
        for mat, men, mcn, mtier in (
            ("45", "C45", "45#", 0),
            ("Q235", "Q235", "Q235", 1),
            ("304", "stainless 304", "不锈钢304", 1),
            ("40CR", "40Cr", "40Cr", 2),
            ("AL6061", "aluminium 6061", "铝棒 6061", 2),
            ("H62", "brass H62", "黄铜 H62", 3),
        ):
            yield (
                mtier + (d > 50),
                f"BAR-{mat}-D{d}",
                f"Round bar {men} D{d}",
                (f"圆钢 {mcn} Φ{d}",),
                f"{mcn} Φ{d}mm 6m/根 冷拉",
                "Raw material / Bar",
            )
    for a, t in ((25, 3), (30, 3), (40, 4), (50, 5), (63, 6), (75, 7), (80, 8), (100, 10)):
        for mat, men, mcn, mtier in (("", "", "", 0), ("GAL", " galvanized", " 镀锌", 1)):
            yield (
                1 + mtier,
                f"ANG-{a}X{a}X{t}" + (f"-{mat}" if mat else ""),
                f"Angle steel {a}x{a}x{t}{men}",
                (f"角钢 {a}×{a}×{t}{mcn}",),
                f"Q235 {a}×{a}×{t}mm 6m/根",
                "Raw material / Sections",
            )
    for no in (5, 6.3, 8, 10, 12, 14, 16, 18, 20):
        yield (
            1,
            f"CHN-{_f(no)}",
            f"Channel steel No.{_f(no)}",
            (f"槽钢 {_f(no)}#",),
            f"Q235 {_f(no)}# 6m/根",
            "Raw material / Sections",
        )
        yield (
            2,
            f"IBM-{_f(no)}",
            f"I-beam No.{_f(no)}",
            (f"工字钢 {_f(no)}#",),
            f"Q235 {_f(no)}# 6m/根",
            "Raw material / Sections",
        )


# --------------------------------------------------------------------------- paint & chemicals

_RAL = (
    (9005, "jet black", "黑色"),
    (9010, "pure white", "白色"),
    (9016, "traffic white", "交通白"),
    (3000, "flame red", "大红"),
    (3020, "traffic red", "交通红"),
    (5015, "sky blue", "天蓝"),
    (5005, "signal blue", "信号蓝"),
    (5010, "gentian blue", "龙胆蓝"),
    (6018, "yellow green", "黄绿"),
    (6005, "moss green", "墨绿"),
    (6029, "mint green", "薄荷绿"),
    (1003, "signal yellow", "信号黄"),
    (1023, "traffic yellow", "交通黄"),
    (1021, "rape yellow", "油菜黄"),
    (2004, "pure orange", "橙色"),
    (7035, "light grey", "浅灰"),
    (7032, "pebble grey", "卵石灰"),
    (7016, "anthracite grey", "炭灰"),
    (7001, "silver grey", "银灰"),
    (7040, "window grey", "窗灰"),
    (8017, "chocolate brown", "咖啡色"),
    (9006, "white aluminium", "铝白"),
    (9007, "grey aluminium", "灰铝"),
    (3003, "ruby red", "宝石红"),
    (5012, "light blue", "浅蓝"),
    (6011, "reseda green", "草绿"),
    (1015, "light ivory", "象牙白"),
    (7038, "agate grey", "玛瑙灰"),
    (5002, "ultramarine blue", "群青蓝"),
    (6002, "leaf green", "叶绿"),
)
_PAINTS = (
    ("ALK", "Alkyd enamel paint", "醇酸磁漆", 0),
    ("EPX", "Epoxy primer paint", "环氧底漆", 1),
    ("PU", "Polyurethane topcoat paint", "聚氨酯面漆", 1),
    ("ACR", "Acrylic paint", "丙烯酸漆", 1),
    ("RST", "Anti-rust paint", "防锈漆", 1),
    ("SPR", "Spray paint", "自喷漆", 1),
    ("FLR", "Epoxy floor paint", "环氧地坪漆", 2),
    ("HT", "Heat-resistant paint", "耐高温漆", 3),
)


def _paint() -> Iterator[_Proto]:
    for pcode, en, cn, ptier in _PAINTS:
        packs = (
            (("400ML", "400ml", 0), ("4L", "4L", 1))
            if pcode == "SPR"
            else (("4L", "4L", 0), ("1L", "1L", 1), ("20L", "20L", 1))
        )
        for k, (ral, cen, ccn) in enumerate(_RAL):
            for pack_code, pack, packtier in packs:
                for gloss, gen, gcn, gtier in (
                    ("", "", "", 0),
                    ("-MT", " matt", " 哑光", 2),
                    ("-SG", " semi-gloss", " 半哑光", 3),
                ):
                    tier = ptier + packtier + gtier + (k >= 12)
                    yield (
                        tier,
                        f"PNT-{pcode}-RAL{ral}-{pack_code}{gloss}",
                        f"{en} RAL {ral} {cen} {pack}{gen}",
                        (f"{cn} {ccn} RAL{ral} {pack}{gcn}",),
                        f"油漆 {cn} {ccn}{gcn} {pack}/桶",
                        "Consumables / Paint",
                    )
    oils = (
        ("HYD", "Hydraulic oil L-HM", "抗磨液压油 L-HM", (32, 46, 68)),
        ("GEAR", "Gear oil L-CKC", "工业齿轮油 L-CKC", (150, 220, 320)),
        ("CUT", "Cutting fluid", "切削液", (5, 10)),
    )
    for ocode, en, cn, grades in oils:
        for g in grades:
            for vol, vtier in (("18L", 0), ("200L", 1), ("4L", 2)):
                yield (
                    1 + vtier,
                    f"OIL-{ocode}{g}-{vol}",
                    f"{en}{g} {vol}".replace("fluid", f"fluid {g}%")
                    if ocode == "CUT"
                    else f"{en}{g} {vol}",
                    (f"{cn}{g} {vol}",),
                    f"{cn} {g} {vol}/桶",
                    "Consumables / Lubricants",
                )
    for no in (0, 1, 2, 3):
        for pack, ptier in (("0.8KG", 0), ("15KG", 1), ("400G", 1)):
            yield (
                1 + ptier,
                f"GRS-LI{no}-{pack}",
                f"Lithium grease NLGI {no} {pack.lower()}",
                (f"锂基润滑脂 {no}# {pack.lower()}",),
                f"锂基脂 {no}号 {pack.lower()}",
                "Consumables / Lubricants",
            )
    for grade, colour in (
        ("222", "purple"),
        ("243", "blue"),
        ("262", "red"),
        ("271", "red"),
        ("290", "green"),
        ("638", "green"),
        ("648", "green"),
    ):
        for vol, vtier in (("50ML", 0), ("10ML", 1), ("250ML", 2)):
            yield (
                1 + vtier,
                f"ADH-LOC{grade}-{vol}",
                f"Loctite {grade} threadlocker {vol.lower()} {colour}",
                (f"乐泰 {grade} 螺纹胶 {vol.lower()}",),
                f"Loctite {grade} {vol.lower()}",
                "Consumables / Adhesives",
            )


# --------------------------------------------------------------------------- packaging


def _packaging() -> Iterator[_Proto]:
    plies = (("5P", "5-ply", "五层", 0), ("3P", "3-ply", "三层", 1), ("7P", "7-ply", "七层", 2))
    for L in range(150, 651, 50):
        for W in range(100, 451, 50):
            if W > L:
                continue
            for H in (80, 100, 150, 200, 250, 300, 350, 400):
                if H > L:
                    continue
                base_tier = 0 if (L % 100 == 0 and W % 100 == 0) else 1
                for pcode, pen, pcn, ptier in plies:
                    dim = f"{L}x{W}x{H}"
                    yield (
                        base_tier + ptier + (H % 100 != 0),
                        f"BOX-{dim.upper()}-{pcode}",
                        f"Carton box {dim}mm {pen}",
                        (f"纸箱 {L}×{W}×{H} {pcn}", f"cardboard box {dim}"),
                        f"瓦楞纸箱 {pcn} 内径{L}×{W}×{H}mm",
                        "Packaging / Cartons",
                    )
    for w in (300, 500):
        for t in (15, 20, 23, 30):
            for kind, ken, kcn, ktier in (("M", "machine", "机用", 1), ("H", "hand", "手用", 0)):
                yield (
                    1 + ktier,
                    f"PKG-FILM-{w}-{t}U-{kind}",
                    f"Stretch film {w}mm {t}um {ken}",
                    (f"缠绕膜 {w}mm {t}丝 {kcn}",),
                    f"PE {w}mm×{t}μm",
                    "Packaging / Film",
                )
    for w in (45, 48, 60, 72):
        for L in (50, 100, 150, 200):
            for ccode, cen, ccn, ctier in (
                ("CL", "clear", "透明", 0),
                ("TN", "tan", "米黄", 1),
                ("PR", "printed", "印字", 3),
            ):
                yield (
                    1 + ctier + (L == 200),
                    f"PKG-TAPE-{w}X{L}-{ccode}",
                    f"Packing tape {w}mm x {L}m {cen}",
                    (f"封箱胶带 {w}mm×{L}m {ccn}",),
                    f"BOPP {w}mm {L}m",
                    "Packaging / Tape",
                )
    for a, b in (
        (6, 8),
        (7, 10),
        (8, 12),
        (10, 15),
        (12, 17),
        (14, 20),
        (16, 24),
        (20, 28),
        (24, 35),
        (30, 40),
        (35, 45),
        (40, 50),
        (50, 70),
    ):
        for thick, tcn, ttier in (("8S", "8丝", 0), ("12S", "12丝", 1), ("16S", "16丝", 2)):
            yield (
                1 + ttier,
                f"PKG-ZIP-{a}X{b}-{thick}",
                f"Zip lock bag {a}x{b}cm {thick.lower()}",
                (f"自封袋 {a}×{b}cm {tcn}",),
                f"PE {a}×{b}cm {tcn} 100只/包",
                "Packaging / Bags",
            )
    for size, scn in (
        ("1200X1000", "1200×1000"),
        ("1200X800", "1200×800"),
        ("1100X1100", "1100×1100"),
    ):
        for mat, men, mcn, mtier in (
            ("W", "wooden", "木", 1),
            ("P", "plastic", "塑料", 1),
            ("PW", "plywood", "免熏蒸", 2),
        ):
            yield (
                mtier,
                f"PAL-{mat}-{size}",
                f"{men.capitalize()} pallet {size.lower()}",
                (f"{mcn}托盘 {scn}",),
                f"{scn}mm 四面进叉",
                "Packaging / Pallets",
            )


# --------------------------------------------------------------------------- pcb & motors

_BOARDS = (
    ("MB", "Main board", "主板"),
    ("PWR", "Power board", "电源板"),
    ("DRV", "Motor driver board", "驱动板"),
    ("DSP", "Display board", "显示板"),
    ("KEY", "Keypad board", "按键板"),
    ("IO", "I/O board", "IO板"),
    ("COM", "Communication board", "通讯板"),
    ("SNS", "Sensor board", "传感器板"),
    ("LED", "LED lamp board", "灯板"),
    ("CTL", "Controller board", "控制板"),
)


def _pcbs() -> Iterator[_Proto]:
    for bcode, en, cn in _BOARDS:
        for model in range(100, 700, 10):
            for r, rev in enumerate("CBA"):
                for kind, ken, kcn, ktier in (
                    ("PCBA", "PCBA", "成品板", 0),
                    ("PCB", "PCB bare", "光板", 1),
                ):
                    tier = 1 + r + ktier
                    yield (
                        tier,
                        f"{kind}-{bcode}{model}-R{rev}",
                        f"{ken} {en.lower()} {bcode}{model} rev {rev}",
                        (f"{cn} {bcode}{model} {rev}版 {kcn}",),
                        f"FR-4 1.6mm {'双面' if model % 20 else '四层'} {rev}版",
                        "Electronics / PCB",
                    )


def _motors() -> Iterator[_Proto]:
    speeds = {2: 2900, 4: 1450, 6: 960}
    for kw in (0.75, 1.1, 1.5, 2.2, 3, 4, 5.5, 7.5, 11, 15, 18.5, 22, 30, 37, 45, 55):
        for poles, ptier in ((4, 0), (2, 1), (6, 1)):
            for mount, mtier in (("B3", 0), ("B5", 1), ("B35", 1), ("B14", 2)):
                yield (
                    ptier + mtier,
                    f"MOT-YE3-{_f(kw)}KW-{poles}P-{mount}",
                    f"Three-phase induction motor YE3 {_f(kw)}kW {poles}-pole {mount}",
                    (f"三相异步电机 YE3 {_f(kw)}kW {poles}极 {mount}",),
                    f"380V 50Hz {speeds[poles]}rpm IE3 {mount}安装",
                    "Motors / AC",
                )
    for nema, frame, lengths in (
        (17, 42, (34, 40, 48, 60)),
        (23, 57, (56, 76, 100, 112)),
        (34, 86, (80, 118, 150)),
    ):
        for L in lengths:
            for amps in (1.5, 2.0, 2.8, 3.0, 4.0, 6.0):
                if (
                    (frame == 42 and amps > 2.0)
                    or (frame == 86 and amps < 4.0)
                    or (frame == 57 and not 2.0 <= amps <= 4.0)
                ):
                    continue
                for shaft, sen, scn, stier in (
                    ("", "", "", 0),
                    ("-D", " double shaft", " 双出轴", 2),
                ):
                    yield (
                        1 + stier,
                        f"MOT-STP-{frame}-{L}-{_f(amps)}A{shaft}",
                        f"Stepper motor NEMA {nema} {frame}x{L}mm {_f(amps)}A{sen}",
                        (f"步进电机 {frame} {L}mm {_f(amps)}A{scn}",),
                        f"两相 1.8° {frame}×{L}mm {_f(amps)}A",
                        "Motors / Stepper",
                    )
    for watts, frame in (
        (100, 40),
        (200, 60),
        (400, 60),
        (750, 80),
        (1000, 80),
        (1500, 110),
        (2000, 110),
    ):
        for brand, bcn, btier in (
            ("Delta", "台达", 1),
            ("Inovance", "汇川", 1),
            ("Yaskawa", "安川", 2),
            ("Panasonic", "松下", 2),
            ("Leadshine", "雷赛", 2),
        ):
            for brake, ben, bcn2, brtier in (("", "", "", 0), ("-BK", " with brake", " 带刹车", 1)):
                shown = f"{watts}W" if watts < 1000 else f"{_f(watts / 1000)}kW"
                yield (
                    btier + brtier,
                    f"MOT-SRV-{brand[:3].upper()}-{watts}W{brake}",
                    f"AC servo motor {shown} {frame} flange {brand}{ben}",
                    (f"伺服电机 {shown} {frame}法兰 {bcn}{bcn2}",),
                    f"220V {shown} 3000rpm",
                    "Motors / Servo",
                )
    for volt in (12, 24):
        for rpm in (10, 20, 30, 50, 100, 200, 300, 500):
            for model, mtier in (("37GB", 1), ("25GA", 2), ("JGB37-520", 2)):
                yield (
                    mtier,
                    f"MOT-DCG-{model}-{volt}V-{rpm}RPM",
                    f"DC gear motor {model} {volt}V {rpm}rpm",
                    (f"直流减速电机 {model} {volt}V {rpm}转",),
                    f"DC{volt}V {rpm}rpm",
                    "Motors / DC",
                )


# ------------------------------------------------------------------ seals, pneumatics, tools


def _seals() -> Iterator[_Proto]:
    mats = (
        ("NBR", "NBR70", "丁腈橡胶", 0),
        ("FKM", "FKM", "氟橡胶", 1),
        ("VMQ", "silicone", "硅胶", 2),
        ("EPDM", "EPDM", "三元乙丙", 2),
    )
    ids = (
        3,
        4,
        5,
        6,
        8,
        10,
        12,
        14,
        15,
        16,
        18,
        20,
        22,
        25,
        28,
        30,
        32,
        35,
        38,
        40,
        45,
        50,
        55,
        60,
        65,
        70,
        75,
        80,
        90,
        100,
        110,
        120,
        130,
        140,
        150,
        160,
        180,
        200,
    )
    for i in ids:
        for cs in (1.0, 1.5, 1.9, 2.4, 2.65, 3.1, 3.55, 5.3, 5.7):
            if not i / 30 <= cs <= i / 3 + 1:
                continue
            for mcode, men, mcn, mtier in mats:
                dim = f"{i}x{_f(cs)}"
                yield (
                    mtier + (cs not in (1.9, 2.4, 3.1, 5.7)),
                    f"ORG-{dim.upper()}-{mcode}",
                    f"O-ring {dim} {men}",
                    (f"O型圈 {i}×{_f(cs)} {mcn}", f"oring {dim} {men}"),
                    f"内径{i}mm 线径{_f(cs)}mm {mcn}",
                    "Seals / O-rings",
                )
    for d in (10, 12, 15, 16, 18, 20, 22, 25, 28, 30, 35, 40, 45, 50, 55, 60, 65, 70, 80):
        for extra, b in ((12, 7), (17, 7), (22, 8), (30, 10)):
            for mcode, men, mcn, mtier in mats[:2]:
                dim = f"{d}x{d + extra}x{b}"
                yield (
                    1 + mtier + (extra == 30),
                    f"OS-TC-{dim.upper()}-{mcode}",
                    f"Oil seal TC {dim} {men}",
                    (f"骨架油封 TC {d}×{d + extra}×{b} {mcn}",),
                    f"TC {d}×{d + extra}×{b}mm {mcn}",
                    "Seals / Oil seals",
                )
    for section, lengths in (
        ("A", range(700, 2001, 50)),
        ("B", range(1000, 3001, 50)),
        ("SPZ", range(600, 2001, 50)),
        ("SPA", range(800, 2501, 50)),
    ):
        for L in lengths:
            for brand, bcn, btier in (
                ("", "", 0),
                ("Gates", "盖茨", 2),
                ("Optibelt", "欧皮特", 3),
                ("Sanwei", "三维", 2),
            ):
                code = f"BLT-V-{section}{L}" + (f"-{brand[:3].upper()}" if brand else "")
                yield (
                    1 + btier + (L % 100 != 0),
                    code,
                    f"V-belt {section}-{L} {brand}".strip(),
                    (f"三角带 {section}-{L} {bcn}".strip(),),
                    f"{section}型 Ld={L}mm",
                    "Power transmission / Belts",
                )
    for pitch in ("3M", "5M", "8M"):
        for teeth in range(40, 301, 10):
            for w in (10, 15, 20, 25, 30):
                yield (
                    2 + (w > 20),
                    f"BLT-HTD-{teeth * int(pitch[0])}-{pitch}-{w}",
                    f"Timing belt HTD {teeth * int(pitch[0])}-{pitch}-{w}",
                    (f"同步带 {teeth * int(pitch[0])}-{pitch} 宽{w}",),
                    f"HTD {pitch} {teeth}齿 宽{w}mm",
                    "Power transmission / Belts",
                )


def _pneumatics() -> Iterator[_Proto]:
    fittings = (
        ("PC", "Straight push-in fitting", "直通快插接头", 0),
        ("PL", "Elbow push-in fitting", "弯头快插接头", 0),
        ("PE", "Tee push-in fitting", "三通快插接头", 1),
        ("PU", "Union straight fitting", "直通对接接头", 1),
        ("PY", "Y push-in fitting", "Y型三通接头", 2),
    )
    for fcode, en, cn, ftier in fittings:
        for od in (4, 6, 8, 10, 12, 16):
            threads = ("01", "02", "03", "04") if fcode in ("PC", "PL") else ("",)
            for th in threads:
                name_th = {"01": " G1/8", "02": " G1/4", "03": " G3/8", "04": " G1/2", "": ""}[th]
                code = f"PNE-{fcode}{od:02d}{th}"
                yield (
                    1 + ftier + (th in ("03", "04")),
                    code,
                    f"{en} {fcode}{od:02d}{th}{name_th}".strip(),
                    (f"{cn} {fcode}{od:02d}{th} 气管{od}mm",),
                    f"气管Φ{od}{name_th.strip()}",
                    "Pneumatics / Fittings",
                )
    for od, idd in ((4, 2.5), (6, 4), (8, 5), (10, 6.5), (12, 8), (16, 11)):
        for ccode, cen, ccn, ctier in (
            ("BU", "blue", "蓝色", 0),
            ("BK", "black", "黑色", 1),
            ("CL", "clear", "透明", 1),
            ("OR", "orange", "橙色", 2),
        ):
            yield (
                1 + ctier,
                f"PNE-TUBE-{od}X{_f(idd)}-{ccode}",
                f"PU air hose {od}x{_f(idd)} {cen}",
                (f"PU气管 {od}×{_f(idd)} {ccn}",),
                f"{od}×{_f(idd)}mm 100m/卷",
                "Pneumatics / Hose",
            )
    for series, en, cn, bores, stier in (
        ("SC", "Standard cylinder", "标准气缸", (32, 40, 50, 63, 80, 100), 1),
        ("MAL", "Mini cylinder", "迷你气缸", (16, 20, 25, 32, 40), 1),
        ("SDA", "Compact cylinder", "薄型气缸", (12, 16, 20, 25, 32, 40, 50, 63), 2),
    ):
        for bore in bores:
            for stroke in (
                10,
                15,
                20,
                25,
                30,
                40,
                50,
                75,
                100,
                125,
                150,
                175,
                200,
                250,
                300,
                400,
                500,
            ):
                if (
                    (series == "SDA" and stroke > 100)
                    or (series == "MAL" and stroke > 300)
                    or (series == "SC" and stroke < 25)
                ):
                    continue
                for mag, men, mcn, mtier in (("", "", "", 0), ("-S", " with magnet", " 带磁", 1)):
                    yield (
                        stier + mtier + (stroke % 50 != 0 and stroke > 50),
                        f"CYL-{series}{bore}X{stroke}{mag}",
                        f"{en} {series}{bore}x{stroke}{men}",
                        (f"{cn} {series}{bore}×{stroke}{mcn}",),
                        f"缸径{bore} 行程{stroke}",
                        "Pneumatics / Cylinders",
                    )
    for model, port in (
        ("4V210-08", "1/4"),
        ("4V310-10", "3/8"),
        ("4V110-06", "1/8"),
        ("4V220-08", "1/4"),
    ):
        for coil, ctier in (("DC24V", 0), ("AC220V", 0), ("DC12V", 1)):
            yield (
                1 + ctier,
                f"VLV-{model}-{coil}",
                f"Solenoid valve {model} {coil}",
                (f"电磁阀 {model} {coil}",),
                f"二位五通 G{port} {coil}",
                "Pneumatics / Valves",
            )


def _tools() -> Iterator[_Proto]:
    for tenth in range(10, 131, 5):
        d = tenth / 10
        for mat, men, mcn, mtier in (
            ("HSS", "HSS", "高速钢", 0),
            ("CO", "HSS-Co", "含钴", 1),
            ("TIN", "TiN coated", "镀钛", 2),
        ):
            yield (
                mtier + (tenth % 10 != 0),
                f"DRL-{mat}-{_f(d)}",
                f"Twist drill bit {men} {_f(d)}mm",
                (f"麻花钻头 {mcn} {_f(d)}mm",),
                f"Φ{_f(d)}mm 直柄 {mcn}",
                "Tools / Drills",
            )
    for d in (3, 4, 5, 6, 8, 10, 12, 14, 16, 20, 24):
        for kind, ken, kcn, ktier in (
            ("M", "machine tap", "机用丝锥", 1),
            ("S", "spiral flute tap", "螺旋丝锥", 1),
            ("H", "hand tap set", "手用丝锥", 2),
        ):
            yield (
                ktier,
                f"TAP-{kind}-M{d}",
                f"{ken.capitalize()} M{d}",
                (f"{kcn} M{d}",),
                f"M{d} HSS",
                "Tools / Taps",
            )
    for d in (1, 2, 3, 4, 5, 6, 8, 10, 12, 16, 20):
        for flutes in (2, 3, 4):
            for coat, ccn, ctier in (("", "", 0), ("-ALT", " AlTiN", 2)):
                yield (
                    1 + ctier + (flutes == 3),
                    f"MIL-{d}-{flutes}F{coat}",
                    f"Carbide end mill D{d} {flutes}-flute{ccn}".strip(),
                    (f"钨钢立铣刀 D{d} {flutes}刃{ccn}",),
                    f"Φ{d} {flutes}刃 HRC55",
                    "Tools / Cutters",
                )
    for dia, thick in (
        (105, 1.2),
        (125, 1.2),
        (150, 1.6),
        (180, 1.6),
        (230, 1.9),
        (355, 3.0),
        (400, 3.2),
    ):
        for brand, bcn, btier in (("", "", 0), ("Klingspor", " 克林斯伯", 2), ("Yuri", " 宇立", 1)):
            yield (
                1 + btier,
                f"ABR-CUT-{dia}" + (f"-{brand[:3].upper()}" if brand else ""),
                f"Cutting disc {dia}x{_f(thick)}mm {brand}".strip(),
                (f"切割片 {dia}×{_f(thick)}{bcn}",),
                f"{dia}×{_f(thick)}×22mm 金属用",
                "Tools / Abrasives",
            )
            yield (
                1 + btier,
                f"ABR-GRD-{dia}" + (f"-{brand[:3].upper()}" if brand else ""),
                f"Grinding disc {dia}x6mm {brand}".strip(),
                (f"打磨片 {dia}×6{bcn}",),
                f"{dia}×6×22mm",
                "Tools / Abrasives",
            )
    for grit in (40, 60, 80, 100, 120, 150, 180, 240, 320, 400, 600, 800, 1000, 1500, 2000):
        for form, fen, fcn, ftier in (
            ("SH", "sheet", "砂纸", 1),
            ("RL", "roll", "砂布卷", 2),
            ("FD", "flap disc", "百叶片", 2),
        ):
            if form == "FD" and grit > 320:
                continue
            yield (
                ftier,
                f"ABR-{form}-P{grit}",
                f"Abrasive {fen} P{grit}",
                (f"{fcn} {grit}目",),
                f"P{grit}",
                "Tools / Abrasives",
            )
    for wire, wcn in (
        ("ER50-6", "二保焊丝 ER50-6"),
        ("ER308", "不锈钢焊丝 ER308"),
        ("E71T-1", "药芯焊丝 E71T-1"),
    ):
        for d in (0.8, 1.0, 1.2, 1.6):
            for pack, ptier in (("15KG", 0), ("5KG", 1)):
                yield (
                    1 + ptier,
                    f"WLD-WIRE-{wire}-{_f(d)}-{pack}",
                    f"Welding wire {wire} {_f(d)}mm {pack.lower()}",
                    (f"{wcn} {_f(d)}mm {pack.lower()}",),
                    f"{wire} Φ{_f(d)} {pack.lower()}/盘",
                    "Consumables / Welding",
                )
    for rod, rcn in (
        ("J422", "碳钢焊条 J422"),
        ("J507", "低氢焊条 J507"),
        ("A102", "不锈钢焊条 A102"),
    ):
        for d in (2.5, 3.2, 4.0, 5.0):
            for pack, ptier in (("20KG", 0), ("5KG", 1)):
                yield (
                    1 + ptier,
                    f"WLD-ROD-{rod}-{_f(d)}-{pack}",
                    f"Welding electrode {rod} {_f(d)}mm {pack.lower()}",
                    (f"{rcn} {_f(d)}mm {pack.lower()}",),
                    f"{rod} Φ{_f(d)} {pack.lower()}/箱",
                    "Consumables / Welding",
                )
    for kind, en, cn, ktier in (
        ("NIT", "Nitrile coated gloves", "丁腈手套", 0),
        ("CTN", "Cotton work gloves", "棉纱手套", 0),
        ("CUT", "Cut-resistant gloves", "防割手套", 1),
        ("PU", "PU palm gloves", "PU涂掌手套", 1),
        ("WLD", "Welding gloves", "电焊手套", 2),
    ):
        for size in ("M", "L", "XL", "S"):
            yield (
                ktier + (size == "S"),
                f"PPE-GLV-{kind}-{size}",
                f"{en} size {size}",
                (f"{cn} {size}码",),
                f"{cn} {size} 12双/打",
                "Consumables / PPE",
            )
    for d in (6, 8, 10, 12, 16, 20, 25, 32, 40, 50, 60, 75, 90, 110):
        for mat, men, mcn, mtier in (
            ("W2", "stainless W2", "不锈钢", 1),
            ("W1", "galvanized W1", "镀锌", 2),
        ):
            lo = max(d - 4, 4)
            yield (
                mtier,
                f"HCL-{lo}-{d}-{mat}",
                f"Hose clamp {lo}-{d}mm {men}",
                (f"喉箍 {lo}-{d} {mcn}",),
                f"夹紧范围 {lo}-{d}mm",
                "Hardware / Clamps",
            )
    for wire in (0.5, 0.8, 1.0, 1.2, 1.5, 2.0, 2.5, 3.0):
        for od in (4, 5, 6, 8, 10, 12, 15, 18, 20, 25, 30, 40):
            if not 3 * wire <= od <= 15 * wire:
                continue
            for L in (10, 15, 20, 25, 30, 40, 50, 60, 80, 100):
                if not od / 2 <= L <= od * 5:
                    continue
                for kind, ken, kcn, ktier in (
                    ("C", "Compression spring", "压簧", 2),
                    ("T", "Extension spring", "拉簧", 3),
                ):
                    dim = f"{_f(wire)}x{od}x{L}"
                    yield (
                        ktier + (L % 20 != 0),
                        f"SPR-{kind}-{dim.upper()}",
                        f"{ken} {dim}",
                        (f"{kcn} {_f(wire)}×{od}×{L}",),
                        f"线径{_f(wire)} 外径{od} 长{L} 65Mn",
                        "Hardware / Springs",
                    )


def _with_brands(
    family: Callable[[], Iterator[_Proto]],
    brands: tuple[tuple[str, str, str], ...],
    max_tier: int,
    extra_tier: int,
) -> Callable[[], Iterator[_Proto]]:
    """The family plus the same parts bought from named suppliers (a rarer, longer name)."""

    def gen() -> Iterator[_Proto]:
        for proto in family():
            yield proto
            tier, code, name, aliases, spec, cat = proto
            if tier > max_tier:
                continue
            for bcode, ben, bcn in brands:
                yield (
                    tier + extra_tier,
                    f"{code}-{bcode}",
                    f"{name} {ben}",
                    (f"{aliases[0]} {bcn}",),
                    f"{spec} {ben}",
                    cat,
                )

    gen.__name__ = family.__name__
    return gen


_PAINT_BRANDS = (
    ("NIP", "Nippon", "立邦"),
    ("JOT", "Jotun", "佐敦"),
    ("HEM", "Hempel", "海虹"),
    ("CPL", "Carpoly", "嘉宝莉"),
)
_CABLE_BRANDS = (("FE", "Far East", "远东"), ("BS", "Baosheng", "宝胜"), ("CHNT", "CHINT", "正泰"))
_MILLS = (("BAO", "Baosteel", "宝钢"), ("ANS", "Ansteel", "鞍钢"), ("SHG", "Shagang", "沙钢"))
_SEAL_BRANDS = (("NOK", "NOK", "NOK"), ("PKR", "Parker", "派克"), ("TRB", "Trelleborg", "特瑞堡"))

_FAMILIES: tuple[Callable[[], Iterator[_Proto]], ...] = (
    _fasteners_bolts,
    _fasteners_nuts,
    _fasteners_washers,
    _fasteners_screws,
    _fasteners_misc,
    _bearings_deep_groove,
    _bearings_other,
    _resistors,
    _capacitors,
    _electronics_misc,
    _with_brands(_cables, _CABLE_BRANDS, 2, 3),
    _electrical,
    _with_brands(_steel, _MILLS, 2, 3),
    _with_brands(_paint, _PAINT_BRANDS, 2, 3),
    _packaging,
    _pcbs,
    _motors,
    _with_brands(_seals, _SEAL_BRANDS, 2, 3),
    _pneumatics,
    _tools,
)
