"""`stockbot demo`: a believable small factory in a SQLite file (see `stockbot.demo.build`).

`stockbot.demo.catalog` is the deterministic part catalogue behind it, also used by the tests
and the benchmarks. The builder's names are re-exported lazily, so importing the catalogue does
not load the store, SQLAlchemy and Alembic.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from stockbot.demo.build import (
        BATCHED,
        DAYS,
        FAMILIES,
        N_ITEMS,
        PEOPLE,
        PRODUCTS,
        SUPPLIERS,
        populate,
        prepare_demo,
    )

__all__ = [
    "BATCHED",
    "DAYS",
    "FAMILIES",
    "N_ITEMS",
    "PEOPLE",
    "PRODUCTS",
    "SUPPLIERS",
    "populate",
    "prepare_demo",
]


def __getattr__(name: str) -> Any:
    if name in __all__:
        from stockbot.demo import build

        return getattr(build, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
