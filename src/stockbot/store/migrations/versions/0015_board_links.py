"""board_links: signed, revocable links to the live stock board

Revision ID: 0015
Revises: 0010
Create Date: 2026-12-01 00:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0015"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "board_links",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_board_links_user_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_board_links")),
    )
    op.create_index(op.f("ix_board_links_user_id"), "board_links", ["user_id"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_board_links_user_id"), table_name="board_links")
    op.drop_table("board_links")
