"""LTI links to the score test

A gradable platform link can open the course's score test (custom parameter score_test=1); its
gradebook column then gets the learner's latest score test as a percentile.

Revision ID: 0027
Revises: 0026
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0027"
down_revision = "0026"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("lti_line_items", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("score_test", sa.Boolean(), server_default=sa.false(), nullable=False)
        )


def downgrade() -> None:
    with op.batch_alter_table("lti_line_items", schema=None) as batch_op:
        batch_op.drop_column("score_test")
