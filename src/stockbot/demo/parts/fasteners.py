"""Fasteners: bolts, screws, nuts, washers, rivets, pins, anchors."""

from __future__ import annotations

from collections.abc import Callable, Iterator

from stockbot.demo.parts import Proto, num

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
) -> Iterator[Proto]:
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


def _bolt_lengths(lo: float, hi: float) -> list[int]:
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


def fasteners_bolts() -> Iterator[Proto]:
    for code, en, cn, en_alias, std, sizes, lengths, finishes, ttier in _BOLT_TYPES:
        for d in sizes:
            for L in lengths(d):
                ltier = (0 if L in _ROUND_L else 1) + (0 if 6 * d + 20 >= L else 1)
                dim = f"M{num(d)}x{L}"
                cat = "Fasteners / Bolts" if code.startswith("BOLT") else "Fasteners / Screws"
                for fcode, fen, fcn, fspec, ftier in finishes:
                    tier = ttier + ltier + ftier
                    aliases: tuple[str, ...] = (f"{cn} {dim}{fcn}",)
                    if en_alias:
                        aliases += (f"{en_alias} {dim}{fen}",)
                    spec = f"M{num(d)}×{L} {fspec} {std}".strip()
                    pcode = f"{code}-M{num(d)}X{L}{fcode}"
                    yield from _fastener_variants(
                        tier, pcode, f"{en} {dim}{fen}", aliases, spec, cat
                    )
                if code == "BOLT-HEX" and d in _FINE_PITCH:
                    p = _FINE_PITCH[int(d)]
                    fdim = f"M{num(d)}x{num(p)}x{L}"
                    yield (
                        3 + ltier,
                        f"BOLT-HEX-M{num(d)}X{num(p)}X{L}",
                        f"Hex bolt fine thread {fdim}",
                        (f"六角螺栓 细牙 {fdim}",),
                        f"M{num(d)}×{num(p)}×{L} 8.8级 镀锌 DIN961",
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


def fasteners_nuts() -> Iterator[Proto]:
    for code, en, cn, std, sizes, ttier in _NUT_TYPES:
        for d in sizes:
            dim = f"M{num(d)}"
            for fcode, fen, fcn, fspec, ftier in _NUT_FIN:
                tier = ttier + ftier
                pcode = f"{code}-{dim}{fcode}"
                spec = f"{dim} {fspec} {std}".strip()
                yield from _fastener_variants(
                    tier, pcode, f"{en} {dim}{fen}", (f"{cn} {dim}{fcn}",), spec, "Fasteners / Nuts"
                )
            if code in ("NUT-HEX", "NUT-NYL") and d in _FINE_PITCH:
                p = _FINE_PITCH[int(d)]
                fdim = f"M{num(d)}x{num(p)}"
                yield (
                    3,
                    f"{code}-M{num(d)}X{num(p)}",
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


def fasteners_washers() -> Iterator[Proto]:
    for code, en, cn, std, sizes, ttier in _WASHER_TYPES:
        for d in sizes:
            dim = f"M{num(d)}"
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


def fasteners_screws() -> Iterator[Proto]:
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
                dim = f"ST{num(d)}x{num(L)}"
                for fcode, fen, fcn, fspec, ftier in fins:
                    yield (
                        htier + ftier + (6 * d < L),
                        f"SCR-TAP-{hcode}-{num(d)}X{num(L)}{fcode}",
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
                dim = f"{num(d)}x{L}"
                yield (
                    ftier,
                    f"SCR-DRY-{num(d)}X{L}{fcode}",
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
                dim = f"{num(d)}x{L}"
                yield (
                    ftier + (12 * d < L),
                    f"SCR-CHIP-{num(d)}X{L}{fcode}",
                    f"Chipboard screw {dim}{fen}",
                    (f"纤维板钉 {dim}{fcn}", f"木螺丝 {dim}"),
                    f"{dim} 沉头 十字{fcn}",
                    "Fasteners / Screws",
                )


def fasteners_misc() -> Iterator[Proto]:
    rivet_mats = (
        ("", "aluminium/steel", "铝/铁", 0),
        ("-SS", "stainless/stainless", "全不锈钢", 1),
        ("-ST", "steel/steel", "全铁", 2),
        ("-AL", "aluminium/aluminium", "全铝", 2),
    )
    for d in (2.4, 3.2, 4.0, 4.8, 6.4):
        for L in (6, 8, 10, 12, 14, 16, 18, 20, 25):
            for mcode, men, mcn, mtier in rivet_mats:
                dim = f"{num(d)}x{L}"
                yield (
                    1 + mtier + (4 * d < L),
                    f"RIV-POP-{num(d)}X{L}{mcode}",
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
                f"PIN-SPL-{num(d)}X{L}",
                f"Split pin {num(d)}x{L}",
                (f"开口销 {num(d)}×{L}",),
                f"Φ{num(d)}×{L} 镀锌 GB/T91",
                "Fasteners / Pins",
            )
