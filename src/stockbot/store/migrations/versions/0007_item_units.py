"""items.decimals: the decimal places an item's quantities may carry (None = by its unit)

The conversions themselves (1 箱 = 100 pcs) already have their table, `item_units`
(item_id, unit, factor), from 0001: one row a unit keeps a factor exact (`Qty`) and
queryable, where a JSON column would hold it as text. This revision adds the per-item override
of the unit's decimal places that `stockbot.units` applies.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-01 10:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("items", schema=None) as batch_op:
        batch_op.add_column(sa.Column("decimals", sa.Integer(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("items", schema=None) as batch_op:
        batch_op.drop_column("decimals")
