"""xAPI forward skips

The statements an LRS refused and an administrator skipped, by storage number, so that an
erasure does not ask that LRS to void a statement it never got (services.xapi_forward_voids).
Those skipped before this migration are on the audit trail only and stay unknown here.

Revision ID: 0044
Revises: 0043
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0044"
down_revision = "0043"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "xapi_forward_skips",
        sa.Column("forward_id", sa.Integer(), nullable=False),
        sa.Column("seq", sa.Integer(), autoincrement=False, nullable=False),
        sa.ForeignKeyConstraint(["forward_id"], ["xapi_forwards.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("forward_id", "seq"),
    )


def downgrade() -> None:
    op.drop_table("xapi_forward_skips")
