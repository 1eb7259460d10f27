"""Materials: steel stock, paint and chemicals, packaging."""

from __future__ import annotations

from collections.abc import Iterator

from stockbot.demo.parts import Proto, num

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


def steel() -> Iterator[Proto]:
    for mcode, en, cn, grade, mtier, tmin, tmax in _PLATE_MATS:
        for t in _THICK:
            if not tmin <= t <= tmax:
                continue
            for size, stier in _SHEETS:
                tier = mtier + stier + (0 if t <= 20 else 1)
                yield (
                    tier,
                    f"PLT-{mcode}-T{num(t)}-{size.upper()}",
                    f"{en} {num(t)}mm {size}",
                    (f"{cn} {num(t)}mm {size.replace('x', '×')}",),
                    f"{grade} 厚{num(t)}mm {size.replace('x', '×')}mm",
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
                dim = f"{od}x{num(wall)}"
                tier = ttier + (0 if wall in (1.0, 1.5, 2.0, 3.0) else 1) + (od > 60)
                yield (
                    tier,
                    f"TUB-{tcode}-{dim.upper()}",
                    f"{en} {dim}",
                    (f"{cn} Φ{od}×{num(wall)}",),
                    f"{grade} Φ{od}×{num(wall)}mm 6m/根",
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
                dim = f"{a}x{b}x{num(wall)}"
                yield (
                    mtier + (wall not in (1.5, 2.0, 3.0)),
                    f"TUB-SQ-{dim.upper()}" + (f"-{mat}" if mat else ""),
                    f"{kind} {dim}{men}",
                    (f"{kcn} {a}×{b}×{num(wall)}{mcn}",),
                    f"Q235{mcn} {a}×{b}×{num(wall)}mm 6m/根",
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
            f"CHN-{num(no)}",
            f"Channel steel No.{num(no)}",
            (f"槽钢 {num(no)}#",),
            f"Q235 {num(no)}# 6m/根",
            "Raw material / Sections",
        )
        yield (
            2,
            f"IBM-{num(no)}",
            f"I-beam No.{num(no)}",
            (f"工字钢 {num(no)}#",),
            f"Q235 {num(no)}# 6m/根",
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


def paint() -> Iterator[Proto]:
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


def packaging() -> Iterator[Proto]:
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
