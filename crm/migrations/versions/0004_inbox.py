"""Inbox: read and answer times, an annotation and attachments on messages; a kind of memo.

Revision ID: 0004_inbox
Revises: 0003_customer_search_name
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from crm.models._types import UTCDateTime

revision: str = "0004_inbox"
down_revision: str | None = "0003_customer_search_name"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("messages", schema=None) as batch_op:
        batch_op.add_column(sa.Column("read_at", UTCDateTime(), nullable=True))
        batch_op.add_column(sa.Column("answered_at", UTCDateTime(), nullable=True))
        batch_op.add_column(sa.Column("annotation", sa.Text(), server_default="", nullable=False))
        batch_op.add_column(sa.Column("attachments", sa.Text(), server_default="", nullable=False))
    with op.batch_alter_table("memos", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("kind", sa.String(length=16), server_default="memo", nullable=False)
        )


def downgrade() -> None:
    with op.batch_alter_table("memos", schema=None) as batch_op:
        batch_op.drop_column("kind")
    with op.batch_alter_table("messages", schema=None) as batch_op:
        batch_op.drop_column("attachments")
        batch_op.drop_column("annotation")
        batch_op.drop_column("answered_at")
        batch_op.drop_column("read_at")
