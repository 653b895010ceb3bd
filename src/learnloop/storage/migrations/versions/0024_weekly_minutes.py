"""weekly minutes

The time a learner says they can give each week (onboarding's "time available"), which forecasts
when they reach their goal before they have a pace of their own.

Revision ID: 0024
Revises: 0023
Create Date: 2026-12-05
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0024"
down_revision = "0023"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("learner_profiles", schema=None) as batch_op:
        batch_op.add_column(sa.Column("weekly_minutes", sa.Integer(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("learner_profiles", schema=None) as batch_op:
        batch_op.drop_column("weekly_minutes")
