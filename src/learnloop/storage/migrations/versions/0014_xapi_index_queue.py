"""xAPI statements indexed later, in larger batches

A statement is acknowledged once its row (and its unique id) and a queue row holding its index
keys are committed; the index keys are filed from the queue later, many statements at a time,
and always before a query reads them (services/statement_index.py). The four column indexes
(actor, verb, object, registration) become key rows of kinds "who", "verb", "object" and "reg",
filed the same way, so nothing on the acknowledgement path writes to a randomly placed index
page but the id's. The key table is rebuilt as one B-tree in query order, (kind, key, seq),
without a rowid on SQLite and without its foreign key: one insert a key instead of three.

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-01
"""

from __future__ import annotations

import json

import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None

_COLUMN_INDEXES = {
    "ix_xapi_statements_actor": ["actor_key", "seq"],
    "ix_xapi_statements_object": ["object_id", "seq"],
    "ix_xapi_statements_registration": ["registration", "seq"],
    "ix_xapi_statements_verb": ["verb_id", "seq"],
}

# The keys filed so far, then what the four columns said, as key rows (UNION: an object that is
# the actor is filed once).
_BACKFILL = """
INSERT INTO xapi_keys_new (seq, kind, key)
SELECT seq, kind, key FROM xapi_statement_keys
UNION
SELECT seq, 'who', actor_key FROM xapi_statements WHERE actor_key IS NOT NULL
UNION
SELECT seq, 'who', object_id FROM xapi_statements
 WHERE object_id IS NOT NULL AND object_kind IN ('Agent', 'Group')
UNION
SELECT seq, 'verb', verb_id FROM xapi_statements
UNION
SELECT seq, 'object', object_id FROM xapi_statements
 WHERE object_id IS NOT NULL AND object_kind = 'Activity'
UNION
SELECT seq, 'reg', registration FROM xapi_statements WHERE registration IS NOT NULL
"""


def _rename_primary_key(name: str) -> None:
    """Give the rebuilt table's primary key the table's own name (PostgreSQL names it apart from
    the table; SQLite keeps no name)."""
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            f"ALTER TABLE xapi_statement_keys RENAME CONSTRAINT {name} TO pk_xapi_statement_keys"
        )


def upgrade() -> None:
    op.create_table(
        "xapi_index_queue",
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("keys", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["seq"],
            ["xapi_statements.seq"],
            name=op.f("fk_xapi_index_queue_seq_xapi_statements"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("seq", name=op.f("pk_xapi_index_queue")),
    )
    op.create_table(
        "xapi_keys_new",
        sa.Column("kind", sa.String(length=8), nullable=False),
        sa.Column("key", sa.String(length=600), nullable=False),
        sa.Column("seq", sa.Integer(), autoincrement=False, nullable=False),
        sa.PrimaryKeyConstraint("kind", "key", "seq", name=op.f("pk_xapi_keys_new")),
        sqlite_with_rowid=False,
    )
    op.execute(_BACKFILL)
    with op.batch_alter_table("xapi_statement_keys", schema=None) as batch_op:
        batch_op.drop_index("ix_xapi_statement_keys_key")
    op.drop_table("xapi_statement_keys")
    op.rename_table("xapi_keys_new", "xapi_statement_keys")
    _rename_primary_key("pk_xapi_keys_new")
    with op.batch_alter_table("xapi_statements", schema=None) as batch_op:
        for name in _COLUMN_INDEXES:
            batch_op.drop_index(name)


def downgrade() -> None:
    # File what is still queued first, so that no statement is left without its keys.
    bind = op.get_bind()
    rows = bind.execute(sa.text("SELECT seq, keys FROM xapi_index_queue")).all()
    pairs = {(seq, kind, key) for seq, keys in rows for kind, key in json.loads(keys)}
    existing = set(bind.execute(sa.text("SELECT seq, kind, key FROM xapi_statement_keys")).all())
    fresh = [{"seq": s, "kind": k, "key": v} for s, k, v in sorted(pairs - existing)]
    if fresh:
        bind.execute(
            sa.text("INSERT INTO xapi_statement_keys (seq, kind, key) VALUES (:seq, :kind, :key)"),
            fresh,
        )
    op.drop_table("xapi_index_queue")
    op.create_table(
        "xapi_keys_old",
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=8), nullable=False),
        sa.Column("key", sa.String(length=600), nullable=False),
        sa.ForeignKeyConstraint(
            ["seq"],
            ["xapi_statements.seq"],
            name=op.f("fk_xapi_statement_keys_seq_xapi_statements"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("seq", "kind", "key", name=op.f("pk_xapi_keys_old")),
    )
    op.execute(
        "INSERT INTO xapi_keys_old (seq, kind, key) SELECT seq, kind, key FROM xapi_statement_keys"
        " WHERE kind NOT IN ('who', 'verb', 'object', 'reg')"
    )
    op.drop_table("xapi_statement_keys")
    op.rename_table("xapi_keys_old", "xapi_statement_keys")
    _rename_primary_key("pk_xapi_keys_old")
    with op.batch_alter_table("xapi_statement_keys", schema=None) as batch_op:
        batch_op.create_index("ix_xapi_statement_keys_key", ["kind", "key", "seq"], unique=False)
    with op.batch_alter_table("xapi_statements", schema=None) as batch_op:
        for name, columns in _COLUMN_INDEXES.items():
            batch_op.create_index(name, columns, unique=False)
