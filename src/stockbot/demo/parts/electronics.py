"""Electronics: resistors, capacitors and the other small components."""

from __future__ import annotations

from collections.abc import Iterator

from stockbot.demo.parts import Proto, num

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


def resistors() -> Iterator[Proto]:
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


def capacitors() -> Iterator[Proto]:
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
                code = f"CAP-EL-{num(uf)}U-{num(v)}V" + ("" if temp == "105" else "-85")
                name = f"Electrolytic capacitor {num(uf)}uF {num(v)}V {temp}°C"
                alias = f"电解电容 {num(uf)}uF {num(v)}V {temp}度"
                spec = f"{num(uf)}μF ±20% {num(v)}V {temp}℃ 铝电解 直插"
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


def electronics_misc() -> Iterator[Proto]:
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
                    f"FUSE-{size.upper()}-{num(amps)}A-{speed}",
                    f"Glass fuse {size} {num(amps)}A {sen}-blow",
                    (f"玻璃保险丝 {scn} {num(amps)}A {spcn}",),
                    f"{num(amps)}A 250V {scn}mm",
                    "Electrical / Fuses",
                )
