"""The demo catalogue: deterministic, believable factory parts for tests, benchmarks and demo.

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

from stockbot.demo.parts import Proto
from stockbot.demo.parts.bearings import bearings_deep_groove, bearings_other
from stockbot.demo.parts.electrical import cables, electrical, motors, pcbs
from stockbot.demo.parts.electronics import capacitors, electronics_misc, resistors
from stockbot.demo.parts.fasteners import (
    fasteners_bolts,
    fasteners_misc,
    fasteners_nuts,
    fasteners_screws,
    fasteners_washers,
)
from stockbot.demo.parts.materials import packaging, paint, steel
from stockbot.demo.parts.mro import pneumatics, seals, tools
from stockbot.lookup.index import SearchDoc

__all__ = ["catalog_size", "generate_catalog"]


FEATURED = ("BRG-6204-2RS", "BRG-6204-ZZ")
"""Codes the README's walk types (`查库存 轴承6204`, `/stock 6204`)."""


def generate_catalog(n: int, seed: int = 0) -> list[SearchDoc]:
    """`n` distinct items (ids 1..n), the most common parts first; same inputs, same output."""
    protos = _universe()
    if n < 0 or n > len(protos):
        raise ValueError(f"n must be between 0 and {len(protos)}, got {n}")
    rng = random.Random(seed)
    codes = {p[1]: i for i, p in enumerate(protos)}
    # the parts the README's examples name are in every catalog, however small
    chosen: list[int] = [codes[c] for c in FEATURED if c in codes][:n]
    featured = set(chosen)
    for tier in _by_tier():
        if len(chosen) >= n:
            break
        picks = [i for i in tier if i not in featured]
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


@lru_cache(maxsize=1)
def _universe() -> tuple[Proto, ...]:
    protos: list[Proto] = []
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


def _with_brands(
    family: Callable[[], Iterator[Proto]],
    brands: tuple[tuple[str, str, str], ...],
    max_tier: int,
    extra_tier: int,
) -> Callable[[], Iterator[Proto]]:
    """The family plus the same parts bought from named suppliers (a rarer, longer name)."""

    def gen() -> Iterator[Proto]:
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

_FAMILIES: tuple[Callable[[], Iterator[Proto]], ...] = (
    fasteners_bolts,
    fasteners_nuts,
    fasteners_washers,
    fasteners_screws,
    fasteners_misc,
    bearings_deep_groove,
    bearings_other,
    resistors,
    capacitors,
    electronics_misc,
    _with_brands(cables, _CABLE_BRANDS, 2, 3),
    electrical,
    _with_brands(steel, _MILLS, 2, 3),
    _with_brands(paint, _PAINT_BRANDS, 2, 3),
    packaging,
    pcbs,
    motors,
    _with_brands(seals, _SEAL_BRANDS, 2, 3),
    pneumatics,
    tools,
)
