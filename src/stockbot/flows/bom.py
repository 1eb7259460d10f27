"""Bills of materials, pure: explode a product into the components it consumes, find cycles.

No database here, so the arithmetic a work order rests on is tested with plain numbers:
- **multi-level**: a component that has its own BOM is a sub-assembly and is exploded in turn;
  what a work order reserves and issues are the leaves;
- **scrap per level**: each line needs `parent × qty_per × (1 + scrap_pct / 100)`;
- **exact**: Decimal throughout; a sub-assembly is built in whole units of its own precision
  (rounded up before it is exploded), a leaf's total is rounded up once, to its unit's places;
- a sub-assembly used on several branches is exploded once, for its summed demand (the
  products are walked in topological order), so rounding happens once per item, not per path;
- **cycles** (A needs B needs A) are refused naming the cycle: `BomCycle.path`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_CEILING, Decimal
from typing import Any, Generic, TypeVar

ZERO = Decimal(0)
HUNDRED = Decimal(100)
K = TypeVar("K")

_PCS_WORDS = (
    "pc pcs piece pieces ea each unit units set sets pair pairs box boxes roll rolls sheet "
    "sheets pack packs carton cartons bag bags 个 個 件 只 隻 套 台 臺 根 片 张 張 把 条 條 支 块 "
    "塊 对 對 双 雙 箱 包 卷 盒 瓶 袋 桶 粒 颗 顆 组 組"
)
PCS_UNITS = frozenset(_PCS_WORDS.split())
"""Units counted in whole pieces."""


def decimals_for(item: Any) -> int:
    """How many decimal places an item's quantities have: its own setting when it has one
    (`decimals`), else 0 for pieces-like units and 3 otherwise (kg, m, l). The one place this
    is decided."""
    own = getattr(item, "decimals", None)
    if isinstance(own, int) and own >= 0:
        return own
    return 0 if str(getattr(item, "unit", "pcs")).strip().lower() in PCS_UNITS else 3


def round_up(qty: Decimal, places: int) -> Decimal:
    """`qty` rounded up (towards +∞) to `places` decimals: 34.65 pcs → 35, 1.2341 kg → 1.235."""
    return qty.quantize(Decimal(1).scaleb(-places), rounding=ROUND_CEILING)


@dataclass(frozen=True, slots=True)
class Edge(Generic[K]):
    """One BOM line: `component` × `qty_per` (+ `scrap_pct` %) per unit of the parent."""

    component: K
    qty_per: Decimal
    scrap_pct: Decimal = ZERO
    backflush: bool = False
    substitute: K | None = None

    def need(self, parent_qty: Decimal) -> Decimal:
        return parent_qty * self.qty_per * (1 + self.scrap_pct / HUNDRED)


@dataclass(slots=True)
class Need(Generic[K]):
    """A leaf component's total requirement; `backflush` when every line using it says so."""

    component: K
    qty: Decimal
    backflush: bool
    substitute: K | None


class BomCycle(ValueError):
    """A BOM that contains itself: `path` is the cycle, first item repeated at the end."""

    def __init__(self, path: Sequence[Any]) -> None:
        super().__init__(" → ".join(str(p) for p in path))
        self.path = list(path)


Graph = Mapping[K, Sequence[Edge[K]]]


def find_cycle(graph: Mapping[K, Iterable[K]], roots: Iterable[K] | None = None) -> list[K] | None:
    """A cycle in `graph` (product → components), as `[a, b, …, a]`, or None. Iterative DFS
    with colours, so a deep BOM cannot hit Python's recursion limit."""
    white, grey, black = 0, 1, 2
    colour: dict[K, int] = {}
    for root in roots if roots is not None else list(graph):
        if colour.get(root, white) != white:
            continue
        path: list[K] = [root]
        stack: list[Any] = [iter(graph.get(root, ()))]
        colour[root] = grey
        while stack:
            nxt = next(stack[-1], None)
            if nxt is None:
                stack.pop()
                colour[path.pop()] = black
                continue
            c = colour.get(nxt, white)
            if c == grey:
                return [*path[path.index(nxt) :], nxt]
            if c == white:
                colour[nxt] = grey
                path.append(nxt)
                stack.append(iter(graph.get(nxt, ())))
    return None


def _acyclic(graph: Graph[K], product: K) -> dict[K, list[K]]:
    """The graph as product → component keys, after refusing a cycle under `product`."""
    edges = {k: [e.component for e in v] for k, v in graph.items()}
    cycle = find_cycle(edges, [product])
    if cycle is not None:
        raise BomCycle(cycle)
    return edges


def _topological(graph: Graph[K], product: K) -> list[K]:
    """The product and every sub-assembly under it, parents before children."""
    edges = _acyclic(graph, product)
    order: list[K] = []
    seen: set[K] = set()
    stack: list[tuple[K, bool]] = [(product, False)]
    while stack:
        node, done = stack.pop()
        if done:
            order.append(node)
            continue
        if node in seen:
            continue
        seen.add(node)
        stack.append((node, True))
        stack.extend((c, False) for c in edges.get(node, ()) if c not in seen)
    order.reverse()
    return [n for n in order if graph.get(n)]


def explode(
    graph: Graph[K], product: K, qty: Decimal, places: Callable[[K], int]
) -> dict[K, Need[K]]:
    """The leaf components `qty` of `product` consumes (see the module docstring)."""
    demand: dict[K, Decimal] = {product: qty}
    flags: dict[K, tuple[bool, K | None]] = {}
    for node in _topological(graph, product):
        made = demand.pop(node, ZERO)
        if node != product:
            made = round_up(made, places(node))
        for e in graph[node]:
            demand[e.component] = demand.get(e.component, ZERO) + e.need(made)
            backflush, sub = flags.get(e.component, (True, None))
            flags[e.component] = (backflush and e.backflush, sub or e.substitute)
    return {
        k: Need(k, round_up(q, places(k)), *flags.get(k, (False, None)))
        for k, q in demand.items()
        if k != product
    }


@dataclass(frozen=True, slots=True)
class TreeRow(Generic[K]):
    depth: int
    component: K
    qty: Decimal
    edge: Edge[K]


def tree(
    graph: Graph[K], product: K, qty: Decimal, places: Callable[[K], int], limit: int = 500
) -> list[TreeRow[K]]:
    """The BOM as an indented tree for `qty` of `product` (each branch on its own, rounded up
    per line), for people to read; at most `limit` rows."""
    _acyclic(graph, product)
    rows: list[TreeRow[K]] = []
    stack: list[tuple[int, Edge[K], Decimal]] = [
        (0, e, round_up(e.need(qty), places(e.component))) for e in reversed(graph.get(product, ()))
    ]
    while stack and len(rows) < limit:
        depth, edge, need = stack.pop()
        rows.append(TreeRow(depth, edge.component, need, edge))
        stack.extend(
            (depth + 1, e, round_up(e.need(need), places(e.component)))
            for e in reversed(graph.get(edge.component, ()))
        )
    return rows
