"""Units of the floor: what a unit word means, how many decimals it holds, how to convert it.

Pure rules, no database: the flows (`flows.common.base_qty`), the importer and the renderers
all ask here, so `/request`, `/issue`, `/receive`, `/purchase`, `/transfer`, `/return` and
`/count` accept and refuse the same quantities, and every reply prints a unit the same way.

- A unit word (`个`, `pcs`, `公斤`, `箱`) has a canonical key (`pcs`, `kg`, `box`) when we know
  it; an unknown word is its own key (lower-cased, NFKC), so an item's own units still work.
- Decimal places: the item's override, else the base unit's default (pcs 0, kg 3, m 2 …),
  else the store's own 6 (`limits.SCALE`) — a unit we cannot judge is never refused.
- `2箱` becomes base units through the item's conversions (1 箱 = 100 pcs); units of one
  dimension convert by themselves (500 g of a kg item = 0.5 kg). The result must fit the base
  unit's decimal places: half a bolt is refused with the nearest quantities that fit.
- `show(qty, unit, lang)` prints a quantity with its unit for a reader: `1 pc`, `2 pcs`,
  `2 boxes`, `200个`, `2.5千克` / `2.5公斤` (zh-Hant). A Chinese unit word the item was set up
  with (`根`) is kept for Chinese readers.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal
from typing import Any

import stockbot.messages.units  # noqa: F401  (registers the unit names)
from stockbot.i18n import t, to_traditional
from stockbot.limits import MAX_QTY, SCALE
from stockbot.store.types import fmt_qty
from stockbot.text import has_cjk

__all__ = [
    "UnitError",
    "canonical",
    "check",
    "decimals_for",
    "known_units",
    "nearest",
    "places",
    "same_unit",
    "show",
    "show_conversion",
    "to_base",
    "unit_name",
]


@dataclass(frozen=True, slots=True)
class _Unit:
    key: str
    words: tuple[str, ...]
    decimals: int
    dimension: str | None = None
    size: Decimal | None = None
    """Size in the dimension's smallest unit here (g, mm, ml), for conversions by dimension."""


def _u(key: str, words: str, decimals: int, dim: str | None = None, size: str = "") -> _Unit:
    return _Unit(key, (key, *words.split()), decimals, dim, Decimal(size) if size else None)


UNITS: tuple[_Unit, ...] = (
    _u("pcs", "pc piece pieces ea each unit units 个 個 件 只 隻 支 颗 顆 粒 枚"
        " 根 片 块 塊 条 條 把", 0),
    _u("set", "sets 套 台 臺", 0),
    _u("pair", "pairs 对 對 双 雙 副", 0),
    _u("box", "boxes carton cartons ctn 箱", 0),
    _u("case", "cases 盒", 0),
    _u("pack", "packs pkg 包", 0),
    _u("bag", "bags 袋", 0),
    _u("roll", "rolls 卷 捲", 0),
    _u("drum", "drums barrel barrels pail pails 桶", 0),
    _u("bottle", "bottles 瓶", 0),
    _u("sheet", "sheets 张 張", 0),
    _u("pallet", "pallets plt 托", 0),
    _u("bundle", "bundles 捆", 0),
    _u("kg", "kgs kilogram kilograms 公斤 千克", 3, "mass", "1000"),
    _u("g", "gram grams 克", 1, "mass", "1"),
    _u("mg", "毫克", 0, "mass", "0.001"),
    _u("t", "ton tons tonne tonnes 吨 噸", 3, "mass", "1000000"),
    _u("m", "meter meters metre metres 米", 2, "length", "1000"),
    _u("mm", "毫米", 0, "length", "1"),
    _u("cm", "厘米 公分", 1, "length", "10"),
    _u("km", "公里 千米", 3, "length", "1000000"),
    _u("l", "liter liters litre litres 升 公升", 3, "volume", "1000"),
    _u("ml", "毫升", 0, "volume", "1"),
    _u("m2", "sqm 平方米 平米", 2, "area", "1"),
    _u("m3", "cbm 立方米 方", 3, "volume", "1000000"),
)  # fmt: skip
_BY_WORD: dict[str, _Unit] = {w.lower(): u for u in UNITS for w in u.words}


class UnitError(ValueError):
    """A refused unit or quantity: `key` is a catalogue key, `params` its (raw) parameters."""

    def __init__(self, key: str, **params: Any) -> None:
        super().__init__(key)
        self.key = key
        self.params: dict[str, Any] = params


def _norm(word: str) -> str:
    return unicodedata.normalize("NFKC", word).strip().lower()


def _def(word: str | None) -> _Unit | None:
    return _BY_WORD.get(_norm(word)) if word else None


def canonical(word: str) -> str:
    """`个` → `pcs`, `公斤` → `kg`, `箱` → `box`; an unknown word is its own (normalised) key."""
    u = _def(word)
    return u.key if u else _norm(word)


def same_unit(a: str, b: str) -> bool:
    return canonical(a) == canonical(b)


def decimals_for(base_unit: str, override: int | None = None) -> int:
    """Decimal places a quantity in `base_unit` may carry: the item's override, else the unit's
    default, else the store's own limit (a unit we do not know is not refused)."""
    if override is not None:
        return override
    u = _def(base_unit)
    return u.decimals if u else SCALE


def places(qty: Decimal) -> int:
    """Decimal places `qty` really uses (`2.50` → 1)."""
    exp = qty.normalize().as_tuple().exponent
    return max(0, -exp) if isinstance(exp, int) else 0


def nearest(qty: Decimal, decimals: int) -> list[Decimal]:
    """The valid quantities either side of `qty` (`2.5`, 0 places → 2, 3); never zero."""
    step = Decimal(1).scaleb(-decimals)
    lo, hi = qty.quantize(step, ROUND_FLOOR), qty.quantize(step, ROUND_CEILING)
    return [q for q in (lo, hi) if q > 0]


def _factor(typed: str, base_unit: str, conversions: Mapping[str, Decimal]) -> Decimal | None:
    """Base units in one `typed`: 1 for the base unit itself, the item's own conversion, else a
    conversion within one dimension (g → kg); None when the item cannot take `typed`."""
    key = canonical(typed)
    if key == canonical(base_unit):
        return Decimal(1)
    for unit, factor in conversions.items():
        if canonical(unit) == key:
            return factor
    u, b = _def(typed), _def(base_unit)
    if u and b and u.dimension and u.dimension == b.dimension and u.size and b.size:
        return u.size / b.size
    return None


def to_base(
    qty: Decimal,
    typed: str | None,
    base_unit: str,
    conversions: Mapping[str, Decimal],
    decimals: int | None = None,
) -> Decimal:
    """`qty typed` in the item's base unit, or `UnitError`:
    `unit.unknown` (params `known`: the units it does take), `unit.decimals` (the result breaks
    the base unit's decimal places; params `base`, `places`, `options`) or `unit.too_large`."""
    factor = Decimal(1) if not typed else _factor(typed, base_unit, conversions)
    if factor is None:
        raise UnitError("unit.unknown", known=known_units(base_unit, conversions))
    base = qty * factor
    if base > MAX_QTY:
        raise UnitError("unit.too_large", base=base)
    allowed = decimals_for(base_unit, decimals)
    if places(base) > allowed:
        raise UnitError("unit.decimals", base=base, places=allowed, options=nearest(base, allowed))
    return base.normalize() if places(base) else base.quantize(Decimal(1))


def known_units(base_unit: str, conversions: Iterable[str]) -> list[str]:
    """The unit words an item takes, its base unit first, each unit once."""
    seen: dict[str, str] = {canonical(base_unit): base_unit}
    for unit in conversions:
        seen.setdefault(canonical(unit), unit)
    return list(seen.values())


# --- display -------------------------------------------------------------------------------------


def unit_name(unit: str, lang: str, qty: Decimal | None = None) -> str:
    """`unit` as `lang` reads it: en singular/plural (`pc`/`pcs`, `box`/`boxes`), Chinese names
    (`个`, `千克`, `箱`). A Chinese word the item was set up with stays for Chinese readers."""
    if not unit:
        return ""
    zh = lang.startswith("zh")
    if zh and has_cjk(unit):
        return to_traditional(unit) if lang == "zh-Hant" else unit
    u = _def(unit)
    if u is None:
        return unit
    one, _, many = t(f"unit.{u.key}", lang).partition("|")
    return one if (qty is not None and abs(qty) == 1) or not many else many


def show(qty: Decimal, unit: str, lang: str) -> str:
    """A quantity with its unit for a reader: `1 pc`, `2 pcs`, `200个`, `0.5 kg`."""
    name = unit_name(unit, lang, qty)
    if not name:
        return fmt_qty(qty)
    sep = "" if lang.startswith("zh") and has_cjk(name) else " "
    return f"{fmt_qty(qty)}{sep}{name}"


def show_typed(qty: Decimal, unit: str, typed: tuple[Decimal, str] | None, lang: str) -> str:
    """`qty unit`, after what the person typed when that was another unit: `2箱 = 200个`."""
    base = show(qty, unit, lang)
    if typed is None or same_unit(typed[1], unit):
        return base
    return t("unit.typed", lang, typed=show(typed[0], typed[1], lang), base=base)


def show_conversion(unit: str, factor: Decimal, base_unit: str, lang: str) -> str:
    """`1 箱 = 100 pcs` for a reader: `1 box = 100 pcs`, `1箱 = 100个`."""
    return f"{show(Decimal(1), unit, lang)} = {show(factor, base_unit, lang)}"


def check(base_unit: str, conversions: Mapping[str, Decimal], decimals: int | None) -> list[str]:
    """What is wrong with an item's units, as sentences for an import's row report: a
    conversion of the base unit itself, one unit given two factors under two names (`box=100;
    箱=50`), a factor the base unit's decimal places cannot hold (1 box = 2.5 pcs)."""
    problems: list[str] = []
    allowed = decimals_for(base_unit, decimals)
    seen: dict[str, tuple[str, Decimal]] = {}
    for unit, factor in conversions.items():
        key = canonical(unit)
        if key == canonical(base_unit):
            problems.append(f"{unit} is the item's own unit ({base_unit}); it needs no factor")
            continue
        if key in seen and seen[key][1] != factor:
            other, was = seen[key]
            problems.append(f"{other}={fmt_qty(was)} and {unit}={fmt_qty(factor)} name one unit")
        seen.setdefault(key, (unit, factor))
        if places(factor) > allowed:
            problems.append(
                f"1 {unit} = {fmt_qty(factor)} {base_unit}, but {base_unit} keeps"
                f" {allowed} decimal place(s)"
            )
    return problems
