"""The demo catalogue's part families, one module per trade; each yields `Proto` tuples."""

from __future__ import annotations

# (tier, code, name, aliases, spec, category)
Proto = tuple[int, str, str, tuple[str, ...], str, str]


def num(x: float) -> str:
    """6.0 -> '6', 2.5 -> '2.5'."""
    return f"{x:g}"
