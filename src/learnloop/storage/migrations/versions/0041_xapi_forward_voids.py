"""xAPI forward voids

The statements an erasure deleted that another LRS may hold a copy of, waiting for the statement
that voids that copy (services.xapi_forward_voids); and where each LRS's copy started, so that
what it never got is not voided there.

Revision ID: 0041
Revises: 0040
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0041"
down_revision = "0040"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # where each copy started; 0 for those added before (an erasure may then void there a copy
    # that was never sent, which the other LRS takes as a voiding of nothing it holds)
    with op.batch_alter_table("xapi_forwards") as batch_op:
        batch_op.add_column(
            sa.Column("started_after", sa.Integer(), nullable=False, server_default="0")
        )
    op.create_table(
        "xapi_forward_voids",
        sa.Column("forward_id", sa.Integer(), nullable=False),
        sa.Column("statement_id", sa.String(length=36), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("erased_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["forward_id"], ["xapi_forwards.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("forward_id", "statement_id"),
    )


def downgrade() -> None:
    op.drop_table("xapi_forward_voids")
    with op.batch_alter_table("xapi_forwards") as batch_op:
        batch_op.drop_column("started_after")
