"""purchase_request_lines: a purchase request holds one or more lines (one supplier per request)

Revision ID: 0016
Revises: 0014
Create Date: 2026-12-02 09:00:00

"Request purchase for all shortages" and `/suggest`'s "raise all" make one request per
supplier, so what a request buys moves to its lines. Each existing request gets one line
(its item and quantity, its amount; the unit price and warehouse of the order it became, else
the item's unit cost; the shortage it was raised from; the work order named in its note), in
one `INSERT … SELECT` on the server: SQLite's integer millionths and PostgreSQL's numerics are
copied as they are, never through Python. The header keeps `amount`, the total the approval
limits read; its `item_id` and `qty` go, so that nothing reads a second truth.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import stockbot.store.types

revision: str = "0016"
down_revision: str | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# The single PO line an existing request became (requests made one PO with one line).
_PO_LINE = (
    "SELECT pol.{col} FROM purchase_order_lines pol "
    "JOIN purchase_orders po ON po.id = pol.order_id "
    "WHERE po.request_id = pr.id ORDER BY pol.id LIMIT 1"
)


def upgrade() -> None:
    op.create_table(
        "purchase_request_lines",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("request_id", sa.Integer(), nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("qty", stockbot.store.types.Qty(), nullable=False),
        sa.Column("unit_price", stockbot.store.types.Qty(), nullable=False),
        sa.Column("amount", stockbot.store.types.Qty(), nullable=False),
        sa.Column("warehouse_id", sa.Integer(), nullable=True),
        sa.Column("work_order_id", sa.Integer(), nullable=True),
        sa.Column("incident_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["request_id"],
            ["purchase_requests.id"],
            name=op.f("fk_purchase_request_lines_request_id_purchase_requests"),
        ),
        sa.ForeignKeyConstraint(
            ["item_id"], ["items.id"], name=op.f("fk_purchase_request_lines_item_id_items")
        ),
        sa.ForeignKeyConstraint(
            ["warehouse_id"],
            ["warehouses.id"],
            name=op.f("fk_purchase_request_lines_warehouse_id_warehouses"),
        ),
        sa.ForeignKeyConstraint(
            ["work_order_id"],
            ["work_orders.id"],
            name=op.f("fk_purchase_request_lines_work_order_id_work_orders"),
        ),
        sa.ForeignKeyConstraint(
            ["incident_id"],
            ["shortage_incidents.id"],
            name=op.f("fk_purchase_request_lines_incident_id_shortage_incidents"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_purchase_request_lines")),
    )
    sqlite = op.get_bind().dialect.name == "sqlite"
    wo_number = "printf('WO-%05d', wo.id)" if sqlite else "'WO-' || lpad(wo.id::text, 5, '0')"
    op.execute(
        "INSERT INTO purchase_request_lines "
        "(request_id, item_id, qty, unit_price, amount, warehouse_id, work_order_id, "
        "incident_id) "
        "SELECT pr.id, pr.item_id, pr.qty, "
        f"COALESCE(({_PO_LINE.format(col='unit_price')}), it.unit_cost), pr.amount, "
        f"({_PO_LINE.format(col='warehouse_id')}), "
        f"(SELECT min(wo.id) FROM work_orders wo WHERE {wo_number} = pr.note), "
        "(SELECT min(si.id) FROM shortage_incidents si WHERE si.purchase_request_id = pr.id) "
        "FROM purchase_requests pr JOIN items it ON it.id = pr.item_id ORDER BY pr.id"
    )
    with op.batch_alter_table("purchase_request_lines", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_purchase_request_lines_request_id"), ["request_id"], unique=False
        )
        batch_op.create_index("ix_pr_lines_item_request", ["item_id", "request_id"], unique=False)
    with op.batch_alter_table("purchase_requests", schema=None) as batch_op:
        batch_op.drop_index("ix_purchase_requests_item_state")
        batch_op.drop_constraint("fk_purchase_requests_item_id_items", type_="foreignkey")
        batch_op.drop_column("qty")
        batch_op.drop_column("item_id")
        batch_op.create_index("ix_purchase_requests_state", ["state"], unique=False)


def downgrade() -> None:
    """Back to one item per request: each request keeps its first line (a request of several
    lines cannot be said in the old shape; its total amount stays)."""
    with op.batch_alter_table("purchase_requests", schema=None) as batch_op:
        batch_op.drop_index("ix_purchase_requests_state")
        batch_op.add_column(sa.Column("item_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("qty", stockbot.store.types.Qty(), nullable=True))
    first = "SELECT {col} FROM purchase_request_lines l WHERE l.request_id = purchase_requests.id ORDER BY l.id LIMIT 1"  # noqa: E501
    op.execute(
        f"UPDATE purchase_requests SET item_id = ({first.format(col='item_id')}), "
        f"qty = ({first.format(col='qty')})"
    )
    with op.batch_alter_table("purchase_requests", schema=None) as batch_op:
        batch_op.alter_column("item_id", existing_type=sa.Integer(), nullable=False)
        batch_op.alter_column("qty", existing_type=stockbot.store.types.Qty(), nullable=False)
        batch_op.create_foreign_key(
            "fk_purchase_requests_item_id_items", "items", ["item_id"], ["id"]
        )
        batch_op.create_index("ix_purchase_requests_item_state", ["item_id", "state"], unique=False)
    with op.batch_alter_table("purchase_request_lines", schema=None) as batch_op:
        batch_op.drop_index("ix_pr_lines_item_request")
        batch_op.drop_index(batch_op.f("ix_purchase_request_lines_request_id"))
    op.drop_table("purchase_request_lines")
