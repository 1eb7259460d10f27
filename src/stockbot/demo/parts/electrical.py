"""Electrical: cable and wire, switchgear and terminals, PCBs and motors."""

from __future__ import annotations

from collections.abc import Iterator

from stockbot.demo.parts import Proto, num

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


def cables() -> Iterator[Proto]:
    for cores in (2, 3, 4, 5, 6, 8, 10, 12):
        for cs in (0.3, 0.5, 0.75, 1.0, 1.5, 2.5, 4, 6):
            if cores >= 8 and cs > 1.5:
                continue
            for ci, (ccode, cen, ccn) in enumerate(_CABLE_COLOURS):
                dim = f"{cores}x{num(cs)}"
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
                            f"{kcn} {kind} {cores}×{num(cs)}平方 {ccn}",
                            f"电缆 {kind} {dim}" + ("" if ci == 0 else f" {ccn}"),
                        ),
                        f"300/500V 铜芯 {cores}×{num(cs)}mm² 100m/卷",
                        "Electrical / Cable",
                    )
    for cs in (0.75, 1, 1.5, 2.5, 4, 6, 10, 16, 25, 35, 50, 70, 95, 120):
        for ci, (ccode, cen, ccn) in enumerate(_WIRE_COLOURS):
            for kind, ktier in (("BVR", 0), ("BV", 1), ("RV", 1)):
                tier = ktier + (0 if ci < 4 else 1) + (0 if cs <= 16 else 1)
                yield (
                    tier,
                    f"CBL-{kind}-{num(cs)}-{ccode}",
                    f"Building wire {kind} {num(cs)}mm² {cen}",
                    (f"电线 {kind} {num(cs)}平方 {ccn}", f"电缆 {kind} {num(cs)}平方 {ccn}"),
                    f"450/750V 铜芯 {num(cs)}mm² 100m/卷",
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


def electrical() -> Iterator[Proto]:
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
                    f"TIE-{num(w)}X{L}-{ccode}",
                    f"Cable tie {num(w)}x{L}mm {cen}",
                    (f"尼龙扎带 {num(w)}×{L} {ccn}",),
                    f"{num(w)}×{L}mm PA66 100条/包",
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


def pcbs() -> Iterator[Proto]:
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


def motors() -> Iterator[Proto]:
    speeds = {2: 2900, 4: 1450, 6: 960}
    for kw in (0.75, 1.1, 1.5, 2.2, 3, 4, 5.5, 7.5, 11, 15, 18.5, 22, 30, 37, 45, 55):
        for poles, ptier in ((4, 0), (2, 1), (6, 1)):
            for mount, mtier in (("B3", 0), ("B5", 1), ("B35", 1), ("B14", 2)):
                yield (
                    ptier + mtier,
                    f"MOT-YE3-{num(kw)}KW-{poles}P-{mount}",
                    f"Three-phase induction motor YE3 {num(kw)}kW {poles}-pole {mount}",
                    (f"三相异步电机 YE3 {num(kw)}kW {poles}极 {mount}",),
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
                        f"MOT-STP-{frame}-{L}-{num(amps)}A{shaft}",
                        f"Stepper motor NEMA {nema} {frame}x{L}mm {num(amps)}A{sen}",
                        (f"步进电机 {frame} {L}mm {num(amps)}A{scn}",),
                        f"两相 1.8° {frame}×{L}mm {num(amps)}A",
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
                shown = f"{watts}W" if watts < 1000 else f"{num(watts / 1000)}kW"
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
