"""Import bills of materials: the lines of every product the file names replace its BOM.

All or nothing, like the other imports (`io.imports`): every row is checked — product,
component and substitute codes exist, a product does not contain itself, no line twice — and
then the whole new graph (the file's products plus every BOM already stored) is checked for a
cycle, which is refused naming it (`A → B → A`). Only a clean file is written, in one
transaction.
"""

from __future__ import annotations

import time
from collections import defaultdict
from pathlib import Path
from typing import cast

from sqlalchemy import Table, delete, insert, select

from stockbot.flows.bom import find_cycle
from stockbot.io.imports.common import duplicates, finish, lookup_codes, parse_sheet
from stockbot.io.imports.report import ImportReport, RowError
from stockbot.io.imports.rows import BOM_COLUMNS, BomRow
from stockbot.store.db import Database
from stockbot.store.models import BomLine, Item

_BOM = cast(Table, BomLine.__table__)


def import_boms(db: Database, path: str | Path, *, progress: bool = False) -> ImportReport:
    started = time.perf_counter()
    path = Path(path)
    report = ImportReport("boms", path.name)
    rows, table = parse_sheet(path, BOM_COLUMNS, BomRow, report, progress)
    if table is None:
        return finish(report, started)
    duplicates(
        rows,
        lambda r: (r.product, r.component),
        table.header_of("component"),
        lambda r: f"{r.product} → {r.component}",
        report,
    )
    with db.write() as session:
        conn = session.connection()
        wanted = {c for _, r in rows for c in (r.product, r.component, r.substitute) if c}
        ids = {code: row[1] for code, row in lookup_codes(conn, Item.code, wanted, Item.id).items()}
        for n, r in rows:
            for col, code in (("product", r.product), ("component", r.component)):
                if code not in ids:
                    report.errors.append(RowError(n, table.header_of(col), f"no item {code!r}"))
            if r.substitute and r.substitute not in ids:
                msg = f"no item {r.substitute!r}"
                report.errors.append(RowError(n, table.header_of("substitute"), msg))
            if r.product == r.component:
                msg = f"{r.product} cannot be a component of itself"
                report.errors.append(RowError(n, table.header_of("component"), msg))
        if report.errors:
            return finish(report, started)
        products = {ids[r.product] for _, r in rows}
        graph: dict[int, list[int]] = defaultdict(list)
        for p, c in conn.execute(select(BomLine.product_id, BomLine.component_id)):
            if p not in products:
                graph[p].append(c)
        for _, r in rows:
            graph[ids[r.product]].append(ids[r.component])
        cycle = find_cycle(graph, sorted(products))
        if cycle is not None:
            rows_ = conn.execute(select(Item.id, Item.code).where(Item.id.in_(set(cycle))))
            codes = {i: c for i, c in rows_}  # not dict(result): a Result has .keys()
            path_text = " → ".join(codes[i] for i in cycle)
            report.errors.append(RowError(None, None, f"the BOMs contain a cycle: {path_text}"))
            return finish(report, started)
        existing = set(
            conn.execute(select(BomLine.product_id).where(BomLine.product_id.in_(products)))
            .scalars()
            .all()
        )
        conn.execute(delete(_BOM).where(_BOM.c.product_id.in_(products)))
        conn.execute(
            insert(_BOM),
            [
                {
                    "product_id": ids[r.product],
                    "component_id": ids[r.component],
                    "qty_per": r.qty_per,
                    "scrap_pct": r.scrap_pct,
                    "backflush": r.backflush,
                    "substitute_id": ids[r.substitute] if r.substitute else None,
                }
                for _, r in rows
            ],
        )
    report.created, report.updated = len(products - existing), len(products & existing)
    return finish(report, started)
