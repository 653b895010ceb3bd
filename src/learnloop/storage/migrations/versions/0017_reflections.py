"""reflections

Learners' reflections on their learning, shared with their educators only when they choose
(product.md, Autonomy: "reflections"; Responsible data: "consent for sharing").

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "reflections",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("course_id", sa.Integer(), nullable=False),
        sa.Column("objective_key", sa.String(length=64), nullable=False),
        sa.Column("went_well", sa.Text(), nullable=False),
        sa.Column("still_hard", sa.Text(), nullable=False),
        sa.Column("next_step", sa.Text(), nullable=False),
        sa.Column("shared", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["course_id"], ["courses.id"], name=op.f("fk_reflections_course_id_courses")
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_reflections_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reflections")),
    )  # fmt: skip
    op.create_index("ix_reflections_learner", "reflections", ["user_id", "course_id", "created_at"])


def downgrade() -> None:
    op.drop_index("ix_reflections_learner", table_name="reflections")
    op.drop_table("reflections")
