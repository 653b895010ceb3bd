"""Item reports

A learner's report of a problem with a question, and the answer of whoever looked at it
(services.item_reports).

Revision ID: 0035
Revises: 0034
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0035"
down_revision = "0034"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "item_reports",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("course_id", sa.Integer(), nullable=False),
        sa.Column("activity_key", sa.String(length=64), nullable=False),
        sa.Column("item_key", sa.String(length=64), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("comment", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("resolved_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("reply", sa.Text(), server_default="", nullable=False),
        sa.ForeignKeyConstraint(["course_id"], ["courses.id"]),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(
        "ix_item_reports_course", "item_reports", ["course_id", "resolved_at", "item_key"]
    )
    op.create_index("ix_item_reports_learner", "item_reports", ["user_id", "course_id"])
    op.create_index(
        "uq_item_reports_open", "item_reports", ["user_id", "course_id", "item_key"], unique=True,
        sqlite_where=sa.text("resolved_at IS NULL"), postgresql_where=sa.text("resolved_at IS NULL"),
    )  # fmt: skip


def downgrade() -> None:
    op.drop_index("uq_item_reports_open", table_name="item_reports")
    op.drop_index("ix_item_reports_learner", table_name="item_reports")
    op.drop_index("ix_item_reports_course", table_name="item_reports")
    op.drop_table("item_reports")
