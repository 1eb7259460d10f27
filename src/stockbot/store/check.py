"""`stockbot check`: prove that every balance equals the sum of its ledger.

Like a beancount balance assertion, differences come back as values, not exceptions, so the
command can list them all and the scheduler can report them.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from stockbot.store.models import Balance, Item, Location, Movement, Warehouse

ZERO = Decimal(0)
Key = tuple[int, int, int | None]


@dataclass(frozen=True, slots=True)
class Difference:
    item_code: str
    place: str
    batch_id: int | None
    balance: Decimal
    ledger: Decimal


def check_balances(session: Session) -> list[Difference]:
    """Every (item, location, batch) whose balance row differs from sum(movements)."""
    ledger: dict[Key, Decimal] = {
        (i, loc, b): q
        for i, loc, b, q in session.execute(
            select(
                Movement.item_id, Movement.location_id, Movement.batch_id, func.sum(Movement.qty)
            ).group_by(Movement.item_id, Movement.location_id, Movement.batch_id)
        )
    }
    balances: dict[Key, Decimal] = {}
    for i, loc, b, q in session.execute(
        select(Balance.item_id, Balance.location_id, Balance.batch_id, Balance.qty)
    ):
        balances[(i, loc, b)] = balances.get((i, loc, b), ZERO) + q
    bad = [
        k for k in ledger.keys() | balances.keys() if ledger.get(k, ZERO) != balances.get(k, ZERO)
    ]
    if not bad:
        return []
    codes = dict(
        session.execute(select(Item.id, Item.code).where(Item.id.in_({k[0] for k in bad}))).all()
    )
    places = {
        loc_id: (wh if code == "-" else f"{wh}/{code}")
        for loc_id, code, wh in session.execute(
            select(Location.id, Location.code, Warehouse.code).join(Warehouse)
        )
    }
    return sorted(
        (
            Difference(
                codes.get(k[0], str(k[0])),
                places.get(k[1], str(k[1])),
                k[2],
                balances.get(k, ZERO),
                ledger.get(k, ZERO),
            )
            for k in bad
        ),
        key=lambda d: (d.item_code, d.place),
    )
