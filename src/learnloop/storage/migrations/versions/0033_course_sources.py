"""Course source files

The text of a course folder's files as the author wrote them (course.yaml, activities, items),
kept with each import so that an administrator can download the course, change it and send it
again. Courses imported before have none until they are imported again.

Revision ID: 0033
Revises: 0032
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0033"
down_revision = "0032"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "course_sources",
        sa.Column("course_id", sa.Integer(), nullable=False),
        sa.Column("path", sa.String(length=255), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(["course_id"], ["courses.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("course_id", "path"),
    )


def downgrade() -> None:
    op.drop_table("course_sources")
