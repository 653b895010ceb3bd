"""When a message was read

Each message between an educator and a learner records when its recipient first saw it, so the
learner's home and the educator's pages can mark what is new. Messages sent before this version
count as read when they were sent: nobody is shown a backlog of old messages as new.

Revision ID: 0029
Revises: 0028
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0029"
down_revision = "0028"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("feedback_messages", schema=None) as batch_op:
        batch_op.add_column(sa.Column("read_at", sa.DateTime(timezone=True), nullable=True))
    op.execute("UPDATE feedback_messages SET read_at = created_at")


def downgrade() -> None:
    with op.batch_alter_table("feedback_messages", schema=None) as batch_op:
        batch_op.drop_column("read_at")
