"""Whole-class assignments

An assignment given to the whole class, which a learner who joins later gets too
(services.assignments).

Revision ID: 0037
Revises: 0036
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0037"
down_revision = "0036"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("assignments") as batch:
        batch.add_column(
            sa.Column("whole_class", sa.Boolean(), server_default=sa.false(), nullable=False)
        )


def downgrade() -> None:
    # ALTER TABLE ... DROP COLUMN on both databases (SQLite 3.35 and later): a batch operation
    # would copy the table anew on SQLite, and dropping the old one with foreign keys on deletes
    # every row that refers to it (ON DELETE CASCADE)
    op.execute("ALTER TABLE assignments DROP COLUMN whole_class")
