"""mastery recent outcomes

The last counted outcomes per learner and objective, which the learner models with recency
(best-lr+recency, best-lr+patterns) read online (issue 3, point 5).

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("mastery", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("recent", sa.String(length=8), server_default="", nullable=False)
        )


def downgrade() -> None:
    with op.batch_alter_table("mastery", schema=None) as batch_op:
        batch_op.drop_column("recent")
