"""work orders: BOM line scrap, backflush and substitute; work orders and their lines

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-30 22:45:05.078688
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import stockbot.store.types

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "work_orders",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("product_id", sa.Integer(), nullable=False),
        sa.Column("warehouse_id", sa.Integer(), nullable=False),
        sa.Column("qty", stockbot.store.types.Qty(), nullable=False),
        sa.Column("qty_completed", stockbot.store.types.Qty(), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=True),
        sa.Column("state", sa.String(length=20), nullable=False),
        sa.Column("partial", sa.Boolean(), nullable=False),
        sa.Column("rev", sa.Integer(), nullable=False),
        sa.Column("requester_id", sa.Integer(), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("chat_platform", sa.String(length=20), nullable=True),
        sa.Column("chat_id", sa.String(length=100), nullable=True),
        sa.Column("message_id", sa.String(length=100), nullable=True),
        sa.ForeignKeyConstraint(
            ["product_id"], ["items.id"], name=op.f("fk_work_orders_product_id_items")
        ),
        sa.ForeignKeyConstraint(
            ["requester_id"], ["users.id"], name=op.f("fk_work_orders_requester_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["warehouse_id"], ["warehouses.id"], name=op.f("fk_work_orders_warehouse_id_warehouses")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_work_orders")),
    )
    with op.batch_alter_table("work_orders", schema=None) as batch_op:
        batch_op.create_index("ix_work_orders_state", ["state"], unique=False)

    op.create_table(
        "work_order_lines",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("work_order_id", sa.Integer(), nullable=False),
        sa.Column("component_id", sa.Integer(), nullable=False),
        sa.Column("qty_required", stockbot.store.types.Qty(), nullable=False),
        sa.Column("qty_reserved", stockbot.store.types.Qty(), nullable=False),
        sa.Column("qty_issued", stockbot.store.types.Qty(), nullable=False),
        sa.Column("backflush", sa.Boolean(), nullable=False),
        sa.Column("substitute_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["component_id"], ["items.id"], name=op.f("fk_work_order_lines_component_id_items")
        ),
        sa.ForeignKeyConstraint(
            ["substitute_id"], ["items.id"], name=op.f("fk_work_order_lines_substitute_id_items")
        ),
        sa.ForeignKeyConstraint(
            ["work_order_id"],
            ["work_orders.id"],
            name=op.f("fk_work_order_lines_work_order_id_work_orders"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_work_order_lines")),
        sa.UniqueConstraint(
            "work_order_id", "component_id", name=op.f("uq_work_order_lines_work_order_id")
        ),
    )
    with op.batch_alter_table("work_order_lines", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_work_order_lines_component_id"), ["component_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_work_order_lines_work_order_id"), ["work_order_id"], unique=False
        )

    with op.batch_alter_table("bom_lines", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("scrap_pct", stockbot.store.types.Qty(), server_default="0", nullable=False)
        )
        batch_op.add_column(
            sa.Column("backflush", sa.Boolean(), server_default=sa.false(), nullable=False)
        )
        batch_op.add_column(sa.Column("substitute_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_bom_lines_substitute_id_items"), "items", ["substitute_id"], ["id"]
        )


def downgrade() -> None:
    with op.batch_alter_table("bom_lines", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_bom_lines_substitute_id_items"), type_="foreignkey")
        batch_op.drop_column("substitute_id")
        batch_op.drop_column("backflush")
        batch_op.drop_column("scrap_pct")

    with op.batch_alter_table("work_order_lines", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_work_order_lines_work_order_id"))
        batch_op.drop_index(batch_op.f("ix_work_order_lines_component_id"))

    op.drop_table("work_order_lines")
    with op.batch_alter_table("work_orders", schema=None) as batch_op:
        batch_op.drop_index("ix_work_orders_state")

    op.drop_table("work_orders")
