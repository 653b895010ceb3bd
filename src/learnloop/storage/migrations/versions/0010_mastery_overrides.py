"""mastery overrides

An educator's judgment in place of the learner model's, with its reason (product.md: "override
a mastery estimate (with a reason)").

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "mastery_overrides",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("course_id", sa.Integer(), nullable=False),
        sa.Column("objective_key", sa.String(length=64), nullable=False),
        sa.Column("action", sa.String(length=16), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("educator_id", sa.Integer(), nullable=True),
        sa.Column("p_before", sa.Float(), nullable=False),
        sa.Column("p_after", sa.Float(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["course_id"], ["courses.id"], name=op.f("fk_mastery_overrides_course_id_courses")
        ),
        sa.ForeignKeyConstraint(
            ["educator_id"],
            ["users.id"],
            name=op.f("fk_mastery_overrides_educator_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_mastery_overrides_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_mastery_overrides")),
    )
    op.create_index(
        "ix_mastery_overrides_learner",
        "mastery_overrides",
        ["user_id", "course_id", "created_at"],
    )


def downgrade() -> None:
    op.drop_index("ix_mastery_overrides_learner", table_name="mastery_overrides")
    op.drop_table("mastery_overrides")
