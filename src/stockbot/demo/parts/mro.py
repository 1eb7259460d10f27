"""Seals, pneumatics, tools and consumables (maintenance, repair and operations)."""

from __future__ import annotations

from collections.abc import Iterator

from stockbot.demo.parts import Proto, num


def seals() -> Iterator[Proto]:
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
                dim = f"{i}x{num(cs)}"
                yield (
                    mtier + (cs not in (1.9, 2.4, 3.1, 5.7)),
                    f"ORG-{dim.upper()}-{mcode}",
                    f"O-ring {dim} {men}",
                    (f"O型圈 {i}×{num(cs)} {mcn}", f"oring {dim} {men}"),
                    f"内径{i}mm 线径{num(cs)}mm {mcn}",
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


def pneumatics() -> Iterator[Proto]:
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
                f"PNE-TUBE-{od}X{num(idd)}-{ccode}",
                f"PU air hose {od}x{num(idd)} {cen}",
                (f"PU气管 {od}×{num(idd)} {ccn}",),
                f"{od}×{num(idd)}mm 100m/卷",
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


def tools() -> Iterator[Proto]:
    for tenth in range(10, 131, 5):
        d = tenth / 10
        for mat, men, mcn, mtier in (
            ("HSS", "HSS", "高速钢", 0),
            ("CO", "HSS-Co", "含钴", 1),
            ("TIN", "TiN coated", "镀钛", 2),
        ):
            yield (
                mtier + (tenth % 10 != 0),
                f"DRL-{mat}-{num(d)}",
                f"Twist drill bit {men} {num(d)}mm",
                (f"麻花钻头 {mcn} {num(d)}mm",),
                f"Φ{num(d)}mm 直柄 {mcn}",
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
                f"Cutting disc {dia}x{num(thick)}mm {brand}".strip(),
                (f"切割片 {dia}×{num(thick)}{bcn}",),
                f"{dia}×{num(thick)}×22mm 金属用",
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
                    f"WLD-WIRE-{wire}-{num(d)}-{pack}",
                    f"Welding wire {wire} {num(d)}mm {pack.lower()}",
                    (f"{wcn} {num(d)}mm {pack.lower()}",),
                    f"{wire} Φ{num(d)} {pack.lower()}/盘",
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
                    f"WLD-ROD-{rod}-{num(d)}-{pack}",
                    f"Welding electrode {rod} {num(d)}mm {pack.lower()}",
                    (f"{rcn} {num(d)}mm {pack.lower()}",),
                    f"{rod} Φ{num(d)} {pack.lower()}/箱",
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
    for wire_d in (0.5, 0.8, 1.0, 1.2, 1.5, 2.0, 2.5, 3.0):
        for od in (4, 5, 6, 8, 10, 12, 15, 18, 20, 25, 30, 40):
            if not 3 * wire_d <= od <= 15 * wire_d:
                continue
            for L in (10, 15, 20, 25, 30, 40, 50, 60, 80, 100):
                if not od / 2 <= L <= od * 5:
                    continue
                for kind, ken, kcn, ktier in (
                    ("C", "Compression spring", "压簧", 2),
                    ("T", "Extension spring", "拉簧", 3),
                ):
                    dim = f"{num(wire_d)}x{od}x{L}"
                    yield (
                        ktier + (L % 20 != 0),
                        f"SPR-{kind}-{dim.upper()}",
                        f"{ken} {dim}",
                        (f"{kcn} {num(wire_d)}×{od}×{L}",),
                        f"线径{num(wire_d)} 外径{od} 长{L} 65Mn",
                        "Hardware / Springs",
                    )
