"""Unit names and the refusals of quantities a unit cannot hold (`stockbot.units`).

A unit name is `singular|plural` in English; Chinese has one form. 繁體 is derived by OpenCC
except where Taiwan says it differently (公斤, 公分).
"""

from stockbot.i18n import register

MESSAGES = {
    "unit.pcs": {"en": "pc|pcs", "zh-Hans": "个"},
    "unit.set": {"en": "set|sets", "zh-Hans": "套"},
    "unit.pair": {"en": "pair|pairs", "zh-Hans": "对"},
    "unit.box": {"en": "box|boxes", "zh-Hans": "箱"},
    "unit.case": {"en": "case|cases", "zh-Hans": "盒"},
    "unit.pack": {"en": "pack|packs", "zh-Hans": "包"},
    "unit.bag": {"en": "bag|bags", "zh-Hans": "袋"},
    "unit.roll": {"en": "roll|rolls", "zh-Hans": "卷"},
    "unit.drum": {"en": "drum|drums", "zh-Hans": "桶"},
    "unit.bottle": {"en": "bottle|bottles", "zh-Hans": "瓶"},
    "unit.sheet": {"en": "sheet|sheets", "zh-Hans": "张"},
    "unit.pallet": {"en": "pallet|pallets", "zh-Hans": "托"},
    "unit.bundle": {"en": "bundle|bundles", "zh-Hans": "捆"},
    "unit.kg": {"en": "kg", "zh-Hans": "千克", "zh-Hant": "公斤"},
    "unit.g": {"en": "g", "zh-Hans": "克"},
    "unit.mg": {"en": "mg", "zh-Hans": "毫克"},
    "unit.t": {"en": "t", "zh-Hans": "吨"},
    "unit.m": {"en": "m", "zh-Hans": "米", "zh-Hant": "公尺"},
    "unit.mm": {"en": "mm", "zh-Hans": "毫米", "zh-Hant": "毫米"},
    "unit.cm": {"en": "cm", "zh-Hans": "厘米", "zh-Hant": "公分"},
    "unit.km": {"en": "km", "zh-Hans": "千米", "zh-Hant": "公里"},
    "unit.l": {"en": "L", "zh-Hans": "升", "zh-Hant": "公升"},
    "unit.ml": {"en": "mL", "zh-Hans": "毫升"},
    "unit.m2": {"en": "m²", "zh-Hans": "平方米", "zh-Hant": "平方公尺"},
    "unit.m3": {"en": "m³", "zh-Hans": "立方米", "zh-Hant": "立方公尺"},
    "unit.decimals": {
        "en": "{item} is counted in {unit} with {places} decimal place(s): {qty} does not fit."
        " Did you mean {options}? Nothing was changed.",
        "zh-Hans": "{item} 以{unit}计，最多 {places} 位小数：{qty} 不行。"
        "是要 {options} 吗？未做任何更改。",
    },
    "unit.whole": {
        "en": "{item} is counted in whole {unit}: {qty} does not fit."
        " Did you mean {options}? Nothing was changed.",
        "zh-Hans": "{item} 以整{unit}计：{qty} 不行。是要 {options} 吗？未做任何更改。",
    },
    "unit.too_large": {
        "en": "{qty} of {item} is more than any stock can hold; nothing was changed.",
        "zh-Hans": "{item} {qty} 超出可记录的最大数量，未做任何更改。",
    },
    "unit.typed": {"en": "{typed} = {base}", "zh-Hans": "{typed} = {base}"},
    "stock.units": {"en": "Units: {units}", "zh-Hans": "单位换算：{units}"},
}

register(MESSAGES)
