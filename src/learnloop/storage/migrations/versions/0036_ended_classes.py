"""Ended classes

When an admin ended a class: its records stay readable and nothing new happens in it
(services.classes.end_class).

Revision ID: 0036
Revises: 0035
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0036"
down_revision = "0035"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("classes") as batch:
        batch.add_column(sa.Column("ended_at", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    # ALTER TABLE ... DROP COLUMN on both databases (SQLite 3.35 and later): a batch operation
    # would copy the table anew on SQLite, and dropping the old one with foreign keys on deletes
    # every row that refers to it (ON DELETE CASCADE)
    op.execute("ALTER TABLE classes DROP COLUMN ended_at")
