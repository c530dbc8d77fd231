"""Customers: a folded last name (lower case, no accents) for the name search.

Revision ID: 0003_customer_search_name
Revises: 0002_journal
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from crm.validation import fold

revision: str = "0003_customer_search_name"
down_revision: str | None = "0002_journal"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("customers", schema=None) as batch_op:
        batch_op.add_column(sa.Column("search_name", sa.String(length=100), nullable=True))
    connection = op.get_bind()
    customers = sa.table(
        "customers",
        sa.column("id", sa.Integer),
        sa.column("last_name", sa.String),
        sa.column("search_name", sa.String),
    )
    rows = connection.execute(sa.select(customers.c.id, customers.c.last_name)).all()
    if rows:
        connection.execute(
            customers.update()
            .where(customers.c.id == sa.bindparam("row_id"))
            .values(search_name=sa.bindparam("folded")),
            [{"row_id": row_id, "folded": fold(name)} for row_id, name in rows],
        )
    with op.batch_alter_table("customers", schema=None) as batch_op:
        batch_op.alter_column("search_name", existing_type=sa.String(length=100), nullable=False)
        batch_op.create_index(batch_op.f("ix_customers_search_name"), ["search_name"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("customers", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_customers_search_name"))
        batch_op.drop_column("search_name")
