"""reorder policy: per-item fixed/dynamic mode, pinned values, last recompute, change log

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-01 10:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import stockbot.store.types

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BigId = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "item_policies",
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("mode", sa.String(length=10), nullable=False),
        sa.Column("pinned_safety", stockbot.store.types.Qty(), nullable=True),
        sa.Column("pinned_rop", stockbot.store.types.Qty(), nullable=True),
        sa.Column("recomputed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("status", sa.String(length=30), nullable=True),
        sa.Column("basis", sa.JSON(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["item_id"], ["items.id"], name=op.f("fk_item_policies_item_id_items")
        ),
        sa.PrimaryKeyConstraint("item_id", name=op.f("pk_item_policies")),
    )
    op.create_table(
        "policy_changes",
        sa.Column("id", BigId, nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("field", sa.String(length=10), nullable=False),
        sa.Column("old", sa.String(length=40), nullable=True),
        sa.Column("new", sa.String(length=40), nullable=True),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["item_id"], ["items.id"], name=op.f("fk_policy_changes_item_id_items")
        ),
        sa.ForeignKeyConstraint(
            ["actor_id"], ["users.id"], name=op.f("fk_policy_changes_actor_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_policy_changes")),
    )
    op.create_index(
        "ix_policy_changes_item_at", "policy_changes", ["item_id", "created_at"], unique=False
    )


def downgrade() -> None:
    op.drop_index("ix_policy_changes_item_at", table_name="policy_changes")
    op.drop_table("policy_changes")
    op.drop_table("item_policies")
