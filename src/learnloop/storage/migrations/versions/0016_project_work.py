"""project work

Work learners hand in on project and hands-on activities, and the educators' rubric feedback
on it (product.md, Collaboration: "rubric feedback on project work").

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "project_submissions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("class_id", sa.Integer(), nullable=False),
        sa.Column("learner_id", sa.Integer(), nullable=False),
        sa.Column("activity_key", sa.String(length=64), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("submitted_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["class_id"], ["classes.id"], name=op.f("fk_project_submissions_class_id_classes"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["learner_id"], ["users.id"], name=op.f("fk_project_submissions_learner_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_project_submissions")),
    )  # fmt: skip
    op.create_index(
        "ix_project_submissions_class", "project_submissions", ["class_id", "submitted_at"]
    )
    op.create_index(
        "ix_project_submissions_learner", "project_submissions",
        ["learner_id", "activity_key", "submitted_at"],
    )  # fmt: skip
    op.create_table(
        "project_reviews",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("submission_id", sa.Integer(), nullable=False),
        sa.Column("educator_id", sa.Integer(), nullable=True),
        sa.Column("levels", sa.JSON(), nullable=False),
        sa.Column("comment", sa.Text(), nullable=False),
        sa.Column("reviewed_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["submission_id"], ["project_submissions.id"],
            name=op.f("fk_project_reviews_submission_id_project_submissions"), ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["educator_id"], ["users.id"], name=op.f("fk_project_reviews_educator_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_project_reviews")),
        sa.UniqueConstraint("submission_id", name=op.f("uq_project_reviews_submission_id")),
    )  # fmt: skip


def downgrade() -> None:
    op.drop_table("project_reviews")
    op.drop_index("ix_project_submissions_learner", table_name="project_submissions")
    op.drop_index("ix_project_submissions_class", table_name="project_submissions")
    op.drop_table("project_submissions")
