"""course learner models

The learner model a course chose in course.yaml, fitted on its own answers (issue 3, point 5).

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-24
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "course_learner_models",
        sa.Column("course_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("model", sa.JSON(), nullable=False),
        sa.Column("answers", sa.Integer(), nullable=False),
        sa.Column("auc", sa.Float(), nullable=True),
        sa.Column("fitted_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["course_id"], ["courses.id"], name=op.f("fk_course_learner_models_course_id_courses")
        ),
        sa.PrimaryKeyConstraint("course_id", name=op.f("pk_course_learner_models")),
    )


def downgrade() -> None:
    op.drop_table("course_learner_models")
