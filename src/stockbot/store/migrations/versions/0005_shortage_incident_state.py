"""shortage incidents: open/closed, linked to the purchase that resolves them

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-30 20:10:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("shortage_incidents", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("state", sa.String(length=20), nullable=False, server_default="open")
        )
        batch_op.add_column(sa.Column("purchase_request_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("closed_how", sa.String(length=30), nullable=True))
        batch_op.create_foreign_key(
            "fk_shortage_incidents_purchase_request",
            "purchase_requests",
            ["purchase_request_id"],
            ["id"],
        )
        batch_op.create_index("ix_shortage_incidents_state", ["state"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("shortage_incidents", schema=None) as batch_op:
        batch_op.drop_index("ix_shortage_incidents_state")
        batch_op.drop_constraint("fk_shortage_incidents_purchase_request", type_="foreignkey")
        batch_op.drop_column("closed_how")
        batch_op.drop_column("closed_at")
        batch_op.drop_column("purchase_request_id")
        batch_op.drop_column("state")
