"""Class join codes

An educator opens a class to learners with a code (and its link) that expires; a learner who
gives it joins the class.

Revision ID: 0028
Revises: 0027
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0028"
down_revision = "0027"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "class_join_codes",
        sa.Column("class_id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=16), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["class_id"], ["classes.id"], name=op.f("fk_class_join_codes_class_id_classes"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("class_id", name=op.f("pk_class_join_codes")),
        sa.UniqueConstraint("code", name=op.f("uq_class_join_codes_code")),
    )  # fmt: skip


def downgrade() -> None:
    op.drop_table("class_join_codes")
