"""`stockbot demo`: a believable small factory in a SQLite file, then the console chat.

Everything is posted through the real posting path with the clock moved back, so the demo's 90
days of history, daily totals and days of cover are what production would have produced. The
database is built in a temporary file and renamed into place, so an interrupted build never
leaves half a demo behind; an existing demo database is reused.
"""

from __future__ import annotations

import os
import random
from datetime import datetime, timedelta
from decimal import Decimal
from pathlib import Path

from stockbot.config import Settings
from stockbot.store import ledger
from stockbot.store.catalog import (
    default_location,
    ensure_batch,
    ensure_location,
    ensure_user,
    ensure_warehouse,
    grant_role,
    upsert_item,
    upsert_supplier,
)
from stockbot.store.db import Database
from stockbot.store.migrate import upgrade
from stockbot.store.models import BomLine, Chat, MovementKind, Role
from stockbot.timeutil import set_clock, utcnow

DAYS = 90
N_ITEMS = 300

SUPPLIERS = [
    ("SUP-NB", "宁波恒力紧固件有限公司 Ningbo Hengli Fasteners", 7),
    ("SUP-WX", "无锡精工轴承 Wuxi Precision Bearings", 14),
    ("SUP-SZ", "深圳华强电子 Shenzhen Huaqiang Electronics", 5),
    ("SUP-TJ", "天津钢材贸易 Tianjin Steel Trading", 10),
    ("SUP-GZ", "广州包装材料 Guangzhou Packaging", 3),
    ("SUP-SH", "上海涂料化工 Shanghai Coatings", 7),
]

PEOPLE = [  # console user id, display name, roles
    ("alice", "Alice Wang 王丽", [Role.ADMIN]),
    ("bob", "Bob Li 李博 (line 2)", []),
    ("carol", "Carol Zhang 张彩 (warehouse)", [Role.KEEPER]),
    ("dave", "Dave Chen 陈达 (plant manager)", [Role.APPROVER]),
    ("erin", "Erin Liu 刘怡 (purchasing)", [Role.PURCHASER]),
]

PRODUCTS = [
    ("FG-CC100", "Control cabinet CC-100", "控制柜 CC-100"),
    ("FG-PA20", "Pump assembly PA-20", "水泵总成 PA-20"),
    ("FG-FAN45", "Industrial fan IF-45", "工业风扇 IF-45"),
]


# Unit cost range (RMB) and typical daily usage per family, so the demo's money adds up.
FAMILIES: dict[str, tuple[tuple[float, float], list[int]]] = {
    "fasteners": ((0.05, 1.8), [0, 10, 20, 40, 80]),
    "electronics": ((0.01, 0.9), [0, 20, 50, 100]),
    "raw material": ((25.0, 650.0), [0, 1, 2, 5]),
    "bearings": ((6.0, 120.0), [0, 1, 2, 5]),
    "seals": ((0.3, 6.0), [0, 5, 10, 20]),
    "electrical": ((3.0, 45.0), [0, 2, 5, 10]),
    "packaging": ((1.5, 9.0), [0, 10, 20, 40]),
    "motors": ((450.0, 2600.0), [0, 1]),
    "consumables": ((5.0, 180.0), [0, 1, 2, 5]),
    "tools": ((8.0, 60.0), [0, 1, 2]),
}
BATCHED = {"paint", "adhesive", "adhesives", "chemicals", "glue", "sealant"}


def _family(category: str) -> tuple[tuple[float, float], list[int]]:
    return FAMILIES.get(category.split("/")[0].strip().lower(), ((1.0, 50.0), [0, 1, 5]))


def prepare_demo(path: Path, settings: Settings, *, reset: bool = False, seed: int = 7) -> Database:
    """Open the demo database at `path`, building it first if it is missing (or `reset`)."""
    url = f"sqlite:///{path}"
    if reset:
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
    if not path.exists():
        tmp = path.with_name(path.name + ".building")
        for suffix in ("", "-wal", "-shm"):
            Path(f"{tmp}{suffix}").unlink(missing_ok=True)
        upgrade(f"sqlite:///{tmp}")
        build = Database(f"sqlite:///{tmp}", synchronous="OFF", timezone=settings.timezone)
        try:
            populate(build, seed=seed)
        finally:
            build.dispose()
        os.replace(tmp, path)
    upgrade(url)
    return Database(url, synchronous=settings.sqlite_synchronous, timezone=settings.timezone)


def populate(db: Database, *, seed: int = 7, n_items: int = N_ITEMS, days: int = DAYS) -> None:
    """Master data, people, and `days` of believable history."""
    from stockbot.demo.catalog import generate_catalog

    rng = random.Random(seed)
    end = utcnow()
    start = end - timedelta(days=days)
    with db.write() as s:
        main = ensure_warehouse(s, "MAIN", "Main warehouse 总仓")
        line = ensure_warehouse(s, "LINE", "Line-side store 线边仓")
        shelves = [ensure_location(s, main, f"{r}-{n:02d}").id for r in "ABC" for n in range(1, 7)]
        line_loc = default_location(s, line.id).id
        suppliers = [
            upsert_supplier(s, code, name=name, lead_time_days=lt).id
            for code, name, lt in SUPPLIERS
        ]
        for uid, name, roles in PEOPLE:
            user = ensure_user(s, "console", uid, name)
            for role in roles:
                limit = Decimal(5000) if role is Role.APPROVER else None
                grant_role(s, user, role, amount_limit=limit)
        s.add(
            Chat(
                platform="console",
                platform_chat_id="console",
                title="Demo console",
                language="en",
                warehouse_id=main.id,
            )
        )

        items = []
        for doc in generate_catalog(n_items, seed=seed):
            (lo, hi), usage = _family(doc.category)
            cost = Decimal(str(round(rng.uniform(lo, hi), 2)))
            daily = rng.choice(usage)
            lead = rng.choice([3, 5, 7, 10, 14])
            rop = Decimal(daily * (lead + 3))
            batchy = doc.category.split("/")[-1].strip().lower() in BATCHED
            item = upsert_item(
                s,
                doc.code,
                name=doc.name,
                aliases=list(doc.aliases),
                spec=doc.spec,
                category=doc.category,
                unit="pcs",
                unit_cost=cost,
                safety_stock=Decimal(daily * 3),
                reorder_point=rop,
                reorder_qty=Decimal(max(10, daily * 20)),
                lead_time_days=lead,
                default_supplier_id=rng.choice(suppliers),
                batch_tracked=batchy,
                needs_qc=rng.random() < 0.1,
                units={"box": Decimal(100)} if daily >= 10 else None,
            )
            items.append((item.id, daily, rop, batchy))
        for code, name, zh in PRODUCTS:
            product = upsert_item(
                s,
                code,
                name=name,
                aliases=[zh],
                category="finished goods",
                unit="set",
                unit_cost=Decimal(1800),
                lead_time_days=1,
            )
            for comp_id, *_ in rng.sample(items, 8):
                s.add(
                    BomLine(
                        product_id=product.id,
                        component_id=comp_id,
                        qty_per=Decimal(rng.choice([1, 2, 4, 8])),
                    )
                )
        actors = {uid: ensure_user(s, "console", uid).id for uid, _, _ in PEOPLE}

    short = set(rng.sample([i for i, d, _, _ in items if d > 0], 12))
    # One transaction per item (its whole history), the clock moved to each posting's moment.
    for item_id, daily, rop, batchy in items:
        with db.write() as s:
            _item_history(
                s,
                rng,
                item_id,
                daily,
                rop,
                batchy,
                item_id in short,
                start,
                days,
                shelves,
                line_loc,
                actors,
            )
    set_clock(None)


def _item_history(
    s,
    rng: random.Random,
    item_id: int,
    daily: int,
    rop: Decimal,
    batchy: bool,
    short: bool,
    start: datetime,
    days: int,
    shelves: list[int],
    line_loc: int,
    actors: dict[str, int],
) -> None:
    conn = s.connection()
    loc = rng.choice(shelves)
    batch_id = None
    if batchy:
        batch_id = ensure_batch(
            s,
            item_id,
            f"L{start:%y%m%d}-{item_id}",
            start.date(),
            start.date() + timedelta(days=rng.choice([120, 180, 365])),
        ).id

    def post_at(when: datetime, kind: str, lines: list[ledger.Line]) -> None:
        set_clock(lambda: when)
        key = f"demo:{item_id}:{when.isoformat()}:{kind}"
        ledger.post(
            conn,
            ledger.Meta(
                key,
                kind,
                actor_id=actors["carol"],
                chat_platform="console",
                chat_id="console",
                doc_type="demo",
            ),
            lines,
        )

    opening = Decimal(daily * rng.randint(30, 60) + rng.randint(5, 50))
    if short:
        opening = Decimal(daily * days) + rop // 2  # ends the 90 days near or below reorder
    post_at(
        start + timedelta(hours=1),
        "receipt",
        [ledger.Line(item_id, loc, opening, MovementKind.RECEIPT, batch_id)],
    )
    if daily == 0:
        return
    on_shelf = opening
    for day in range(1, days):
        when = start + timedelta(days=day, hours=rng.randint(1, 9))
        if rng.random() < 0.35:
            continue
        qty = Decimal(max(1, int(rng.gauss(daily / 0.65, daily / 3))))
        if qty > on_shelf:
            continue
        if rng.random() < 0.1:  # some goes to the line-side store first
            post_at(
                when,
                "transfer",
                [
                    ledger.Line(item_id, loc, -qty, MovementKind.TRANSFER_OUT, batch_id),
                    ledger.Line(item_id, line_loc, qty, MovementKind.TRANSFER_IN, batch_id),
                ],
            )
            on_shelf -= qty
            continue
        post_at(when, "issue", [ledger.Line(item_id, loc, -qty, MovementKind.ISSUE, batch_id)])
        on_shelf -= qty
        if not short and on_shelf <= rop:
            refill = Decimal(max(10, daily * 20))
            post_at(
                when + timedelta(hours=2),
                "receipt",
                [ledger.Line(item_id, loc, refill, MovementKind.RECEIPT, batch_id)],
            )
            on_shelf += refill
