"""console_buttons: a console chat's button numbers survive a restart

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-30 23:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "console_buttons",
        sa.Column("chat_id", sa.String(length=200), nullable=False),
        sa.Column("number", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("action_id", sa.String(length=200), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("chat_id", "number", name=op.f("pk_console_buttons")),
        sa.UniqueConstraint("chat_id", "action_id", name="uq_console_buttons_chat_action"),
    )


def downgrade() -> None:
    op.drop_table("console_buttons")
