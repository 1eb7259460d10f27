"""an index on the chat message each document was raised from

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-01 06:00:00

The open API answers every write with the documents its call made, found by their origin (the
platform, chat and message — for the API the `Idempotency-Key`); so does a chat flow asking
what a message already made. Without an index those reads scanned the whole table: goods
receipts, material requests, purchase requests and counts, every call, a cost that grew with
every document the factory ever raised (issue 15: a receipt cost more CPU the bigger the
factory). One index per table on `message_id`, the selective column (ids are unique per chat
message), turns each into a search.
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0018"
down_revision: str | None = "0017"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TABLES = ("goods_receipts", "material_requests", "purchase_requests", "count_sessions")


def upgrade() -> None:
    for table in TABLES:
        op.create_index(f"ix_{table}_origin", table, ["message_id"])


def downgrade() -> None:
    for table in TABLES:
        op.drop_index(f"ix_{table}_origin", table_name=table)
