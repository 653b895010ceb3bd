"""xAPI identities

The other names an account goes by in xAPI (an e-mail address, an OpenID, an account on another
system), so that content hosted elsewhere (H5P in a school's site) feeds the learner model and
GET /xapi/agents answers with the whole Person.

Revision ID: 0025
Revises: 0024
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0025"
down_revision = "0024"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "xapi_identities",
        sa.Column("key", sa.String(length=600), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("agent", sa.JSON(), nullable=False),
        sa.Column("derived_from", sa.String(length=600), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_xapi_identities_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_xapi_identities")),
    )  # fmt: skip
    op.create_index(
        op.f("ix_xapi_identities_user_id"), "xapi_identities", ["user_id"], unique=False
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_xapi_identities_user_id"), table_name="xapi_identities")
    op.drop_table("xapi_identities")
