"""item barcodes: any number of further barcodes per item, searched like items.barcode

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-01 12:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "item_barcodes",
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(
            ["item_id"], ["items.id"], name=op.f("fk_item_barcodes_item_id_items")
        ),
        sa.PrimaryKeyConstraint("item_id", "code", name=op.f("pk_item_barcodes")),
    )
    with op.batch_alter_table("item_barcodes", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_item_barcodes_code"), ["code"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("item_barcodes", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_item_barcodes_code"))
    op.drop_table("item_barcodes")
