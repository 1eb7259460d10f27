"""the language each person last wrote in

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-01 10:40:00

A person's direct reply was already in the language of their text (someone writing Chinese is
answered in Chinese), but a later notice to them (their materials are ready, a reminder) is
rendered at delivery, long after that text: it had only their `/lang` (`users.language`) or the
factory default to go on, so bob who writes Chinese heard his replies in Chinese and his
notices in English. `users.wrote_language` keeps what their text last showed; an explicit
`/lang` still wins over it. Nullable: nobody has written anything yet when this runs.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0019"
down_revision: str | None = "0018"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.add_column(sa.Column("wrote_language", sa.String(length=10), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_column("wrote_language")
