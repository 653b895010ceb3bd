"""A goal in each course

A learner in classes on several courses follows one at a time and switches between them; their
goal and its date belong to a course, so they move from ``learner_profiles`` to a row per learner
and course started. A learner who finished onboarding keeps their goal in the course they follow.

Revision ID: 0032
Revises: 0031
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0032"
down_revision = "0031"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "learner_courses",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("course_id", sa.Integer(), nullable=False),
        sa.Column("goal_objective", sa.String(length=64), nullable=True),
        sa.Column("goal_date", sa.Date(), nullable=True),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["course_id"], ["courses.id"]),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("user_id", "course_id"),
    )
    op.execute(
        "INSERT INTO learner_courses (user_id, course_id, goal_objective, goal_date, started_at)"
        " SELECT user_id, course_id, goal_objective, goal_date, onboarded_at"
        " FROM learner_profiles"
        " WHERE course_id IS NOT NULL AND onboarded_at IS NOT NULL"
    )
    with op.batch_alter_table("learner_profiles", schema=None) as batch_op:
        batch_op.drop_column("goal_objective")
        batch_op.drop_column("goal_date")


def downgrade() -> None:
    with op.batch_alter_table("learner_profiles", schema=None) as batch_op:
        batch_op.add_column(sa.Column("goal_objective", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("goal_date", sa.Date(), nullable=True))
    # the goal in the course each learner follows comes back; goals in other courses are lost
    op.execute(
        "UPDATE learner_profiles SET"
        " goal_objective = (SELECT goal_objective FROM learner_courses lc"
        "  WHERE lc.user_id = learner_profiles.user_id"
        "  AND lc.course_id = learner_profiles.course_id),"
        " goal_date = (SELECT goal_date FROM learner_courses lc"
        "  WHERE lc.user_id = learner_profiles.user_id"
        "  AND lc.course_id = learner_profiles.course_id)"
    )
    op.drop_table("learner_courses")
