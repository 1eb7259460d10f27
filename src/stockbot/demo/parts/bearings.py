"""Bearings: deep groove by bore code and size series, then the other types."""

from __future__ import annotations

from collections.abc import Iterator

from stockbot.demo.parts import Proto

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


def bearings_deep_groove() -> Iterator[Proto]:
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


def bearings_other() -> Iterator[Proto]:
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
