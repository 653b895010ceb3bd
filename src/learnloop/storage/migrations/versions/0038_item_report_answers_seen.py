"""Item report answers seen

When the learner first saw the answer to their report on a question: until then their home
tells them (services.item_reports).

Revision ID: 0038
Revises: 0037
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0038"
down_revision = "0037"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("item_reports") as batch:
        batch.add_column(sa.Column("answer_seen_at", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    op.execute("ALTER TABLE item_reports DROP COLUMN answer_seen_at")  # as 0036 says why
