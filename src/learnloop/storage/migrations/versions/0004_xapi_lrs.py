"""xapi lrs

The Learning Record Store (issue 4): client credentials, statements and their index keys, and
the statement an answer came from.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-24
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("attempts", schema=None) as batch_op:
        batch_op.add_column(sa.Column("statement_id", sa.String(length=36), nullable=True))
        batch_op.create_unique_constraint(batch_op.f("uq_attempts_statement_id"), ["statement_id"])

    op.create_table(
        "lrs_clients",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("secret_hash", sa.String(length=255), nullable=False),
        sa.Column("can_write", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_lrs_clients")),
        sa.UniqueConstraint("key", name=op.f("uq_lrs_clients_key")),
        sa.UniqueConstraint("name", name=op.f("uq_lrs_clients_name")),
    )
    op.create_table(
        "xapi_statements",
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("stored", sa.DateTime(timezone=True), nullable=False),
        sa.Column("timestamp", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor_key", sa.String(length=600), nullable=True),
        sa.Column("verb_id", sa.String(length=600), nullable=False),
        sa.Column("object_kind", sa.String(length=16), nullable=False),
        sa.Column("object_id", sa.String(length=600), nullable=True),
        sa.Column("registration", sa.String(length=36), nullable=True),
        sa.Column("voided", sa.Boolean(), nullable=False),
        sa.Column("client_id", sa.Integer(), nullable=True),
        sa.Column("statement", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["client_id"], ["lrs_clients.id"], name=op.f("fk_xapi_statements_client_id_lrs_clients")
        ),
        sa.PrimaryKeyConstraint("seq", name=op.f("pk_xapi_statements")),
        sa.UniqueConstraint("id", name=op.f("uq_xapi_statements_id")),
    )
    with op.batch_alter_table("xapi_statements", schema=None) as batch_op:
        batch_op.create_index("ix_xapi_statements_actor", ["actor_key", "seq"], unique=False)
        batch_op.create_index("ix_xapi_statements_object", ["object_id", "seq"], unique=False)
        batch_op.create_index(
            "ix_xapi_statements_registration", ["registration", "seq"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_xapi_statements_stored"), ["stored"], unique=False)
        batch_op.create_index("ix_xapi_statements_verb", ["verb_id", "seq"], unique=False)

    op.create_table(
        "xapi_statement_keys",
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=8), nullable=False),
        sa.Column("key", sa.String(length=600), nullable=False),
        sa.ForeignKeyConstraint(
            ["seq"],
            ["xapi_statements.seq"],
            name=op.f("fk_xapi_statement_keys_seq_xapi_statements"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("seq", "kind", "key", name=op.f("pk_xapi_statement_keys")),
    )
    with op.batch_alter_table("xapi_statement_keys", schema=None) as batch_op:
        batch_op.create_index("ix_xapi_statement_keys_key", ["kind", "key", "seq"], unique=False)
    op.create_table(
        "xapi_documents",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("activity_id", sa.String(length=600), nullable=False),
        sa.Column("agent_key", sa.String(length=600), nullable=False),
        sa.Column("registration", sa.String(length=36), nullable=False),
        sa.Column("doc_id", sa.String(length=600), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sa.Column("content_type", sa.String(length=200), nullable=False),
        sa.Column("etag", sa.String(length=64), nullable=False),
        sa.Column("updated", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_xapi_documents")),
        sa.UniqueConstraint(
            "kind",
            "activity_id",
            "agent_key",
            "registration",
            "doc_id",
            name=op.f("uq_xapi_documents_kind"),
        ),
    )
    op.create_index(
        "ix_xapi_documents_scope",
        "xapi_documents",
        ["kind", "activity_id", "agent_key", "registration"],
        unique=False,
    )


def downgrade() -> None:
    op.drop_index("ix_xapi_documents_scope", table_name="xapi_documents")
    op.drop_table("xapi_documents")
    with op.batch_alter_table("attempts", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("uq_attempts_statement_id"), type_="unique")
        batch_op.drop_column("statement_id")

    with op.batch_alter_table("xapi_statement_keys", schema=None) as batch_op:
        batch_op.drop_index("ix_xapi_statement_keys_key")

    op.drop_table("xapi_statement_keys")
    with op.batch_alter_table("xapi_statements", schema=None) as batch_op:
        batch_op.drop_index("ix_xapi_statements_verb")
        batch_op.drop_index(batch_op.f("ix_xapi_statements_stored"))
        batch_op.drop_index("ix_xapi_statements_registration")
        batch_op.drop_index("ix_xapi_statements_object")
        batch_op.drop_index("ix_xapi_statements_actor")

    op.drop_table("xapi_statements")
    op.drop_table("lrs_clients")
