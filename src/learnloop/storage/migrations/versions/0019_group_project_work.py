"""group project work

Work handed in for a group of the class (product.md, Collaboration: "group activities and
projects"): every member sees it and its feedback.

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0019"
down_revision = "0018"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("project_submissions", schema=None) as batch_op:
        batch_op.add_column(sa.Column("group_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_project_submissions_group_id_class_groups"), "class_groups",
            ["group_id"], ["id"], ondelete="SET NULL",
        )  # fmt: skip
        batch_op.create_index(
            batch_op.f("ix_project_submissions_group_id"), ["group_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("project_submissions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_project_submissions_group_id"))
        batch_op.drop_constraint(
            batch_op.f("fk_project_submissions_group_id_class_groups"), type_="foreignkey"
        )
        batch_op.drop_column("group_id")
