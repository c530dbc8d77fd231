"""The action journal: shifts with their chain head, append-only entries.

Revision ID: 0002_journal
Revises: 0001_crm
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from crm.journal import install_guards, remove_guards

revision: str = "0002_journal"
down_revision: str | None = "0001_crm"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "journal_shifts",
        sa.Column("shift_id", sa.String(length=64), nullable=False),
        sa.Column("agent", sa.String(length=64), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("started_at", sa.String(length=32), nullable=False),
        sa.Column("ended_at", sa.String(length=32), nullable=True),
        sa.Column("head_seq", sa.Integer(), nullable=True),
        sa.Column("head_hash", sa.String(length=64), nullable=True),
        sa.PrimaryKeyConstraint("shift_id", name=op.f("pk_journal_shifts")),
    )
    op.create_index(op.f("ix_journal_shifts_agent"), "journal_shifts", ["agent"])
    op.create_table(
        "journal_entries",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("shift_id", sa.String(length=64), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("agent", sa.String(length=64), nullable=False),
        sa.Column("call_id", sa.String(length=64), nullable=True),
        sa.Column("kind", sa.String(length=64), nullable=False),
        sa.Column("payload", sa.Text(), nullable=False),
        sa.Column("wall_time", sa.String(length=32), nullable=False),
        sa.Column("mono_ns", sa.BigInteger(), nullable=False),
        sa.Column("prev_hash", sa.String(length=64), nullable=False),
        sa.Column("hash", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(
            ["shift_id"],
            ["journal_shifts.shift_id"],
            name=op.f("fk_journal_entries_shift_id_journal_shifts"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_journal_entries")),
        sa.UniqueConstraint("shift_id", "seq", name=op.f("uq_journal_entries_shift_id_seq")),
    )
    install_guards(op.get_bind())


def downgrade() -> None:
    remove_guards(op.get_bind())
    op.drop_table("journal_entries")
    op.drop_table("journal_shifts")
