"""xAPI forward course

An LRS that gets only one course's statements (a university course's own LRS, a district that
runs one course): the course it gets (services.xapi_forwarding); null for one that gets every
course's, as every LRS added before did.

Revision ID: 0043
Revises: 0042
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0043"
down_revision = "0042"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("xapi_forwards") as batch_op:
        batch_op.add_column(sa.Column("course_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            "fk_xapi_forwards_course_id_courses", "courses", ["course_id"], ["id"]
        )


def downgrade() -> None:
    with op.batch_alter_table("xapi_forwards") as batch_op:
        batch_op.drop_constraint("fk_xapi_forwards_course_id_courses", type_="foreignkey")
        batch_op.drop_column("course_id")
