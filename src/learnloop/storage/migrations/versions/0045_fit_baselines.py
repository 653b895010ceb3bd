"""fit baselines

A course's fitted learner model is used only when it predicts the held-out learners at least as
well as the authors' BKT does (services.models), and its fitted FSRS parameters only when they
predict the held-out memories at least as well as FSRS's defaults (services.reviews): each fit
keeps what it was measured against, and whether it was adopted. Fits stored before were all
used, so they stay adopted. A fitted BKT also says how many objectives have parameters of their
own (the others, answered by too few learners, keep the authors'); null for other kinds and for
fits stored before.

Revision ID: 0045
Revises: 0044
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0045"
down_revision = "0044"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("course_learner_models") as batch_op:
        batch_op.add_column(sa.Column("baseline_auc", sa.Float(), nullable=True))
        batch_op.add_column(sa.Column("objectives_fitted", sa.Integer(), nullable=True))
        batch_op.add_column(
            sa.Column("adopted", sa.Boolean(), server_default=sa.true(), nullable=False)
        )
    with op.batch_alter_table("course_memory_models") as batch_op:
        batch_op.add_column(sa.Column("baseline_log_loss", sa.Float(), nullable=True))
        batch_op.add_column(
            sa.Column("adopted", sa.Boolean(), server_default=sa.true(), nullable=False)
        )


def downgrade() -> None:
    with op.batch_alter_table("course_memory_models") as batch_op:
        batch_op.drop_column("adopted")
        batch_op.drop_column("baseline_log_loss")
    with op.batch_alter_table("course_learner_models") as batch_op:
        batch_op.drop_column("adopted")
        batch_op.drop_column("objectives_fitted")
        batch_op.drop_column("baseline_auc")
