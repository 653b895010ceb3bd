"""score tests

A course's score test (a computerized adaptive test over its items), its bank's calibration and
its items' exposure counts, and answers imported from outside to calibrate it.

Revision ID: 0023
Revises: 0022
Create Date: 2026-12-05
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0023"
down_revision = "0022"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "score_tests",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("course_id", sa.Integer(), nullable=False),
        sa.Column("excluded", sa.JSON(), nullable=False),
        sa.Column("answers", sa.JSON(), nullable=False),
        sa.Column("theta", sa.Float(), nullable=True),
        sa.Column("se", sa.Float(), nullable=True),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["course_id"], ["courses.id"], name=op.f("fk_score_tests_course_id_courses")
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_score_tests_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_score_tests")),
    )
    with op.batch_alter_table("score_tests", schema=None) as batch_op:
        batch_op.create_index("ix_score_tests_learner", ["user_id", "course_id"], unique=False)
    op.create_table(
        "course_score_banks",
        sa.Column("course_id", sa.Integer(), nullable=False),
        sa.Column("params", sa.JSON(), nullable=False),
        sa.Column("answers", sa.Integer(), nullable=False),
        sa.Column("learners", sa.Integer(), nullable=False),
        sa.Column("fitted_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("tests", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["course_id"], ["courses.id"], name=op.f("fk_course_score_banks_course_id_courses")
        ),
        sa.PrimaryKeyConstraint("course_id", name=op.f("pk_course_score_banks")),
    )
    op.create_table(
        "score_item_exposure",
        sa.Column("course_id", sa.Integer(), nullable=False),
        sa.Column("item_key", sa.String(length=64), nullable=False),
        sa.Column("shown", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["course_id"], ["courses.id"], name=op.f("fk_score_item_exposure_course_id_courses")
        ),
        sa.PrimaryKeyConstraint("course_id", "item_key", name=op.f("pk_score_item_exposure")),
    )
    op.create_table(
        "score_calibration_answers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("course_id", sa.Integer(), nullable=False),
        sa.Column("respondent", sa.Integer(), nullable=False),
        sa.Column("item_key", sa.String(length=64), nullable=False),
        sa.Column("correct", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["course_id"], ["courses.id"],
            name=op.f("fk_score_calibration_answers_course_id_courses"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_score_calibration_answers")),
    )  # fmt: skip
    with op.batch_alter_table("score_calibration_answers", schema=None) as batch_op:
        batch_op.create_index("ix_score_calibration_answers_course", ["course_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("score_calibration_answers", schema=None) as batch_op:
        batch_op.drop_index("ix_score_calibration_answers_course")
    op.drop_table("score_calibration_answers")
    op.drop_table("score_item_exposure")
    op.drop_table("course_score_banks")
    with op.batch_alter_table("score_tests", schema=None) as batch_op:
        batch_op.drop_index("ix_score_tests_learner")
    op.drop_table("score_tests")
