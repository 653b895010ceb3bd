"""xAPI statement ids filed like index keys; the statements table keeps only what is read

The unique index on xapi_statements.id put every insert on a randomly placed page of an index
that grows with the store. Ids move to their own table, xapi_statement_ids (id primary key,
seq), filed from the queue with the keys on SQLite; the queue holds each unfiled statement's id,
where the writer and GET look it up until it is filed. The columns the key rows replaced in
migration 0014 (timestamp, actor_key, verb_id, object_kind, object_id, registration) were
written and never read: they go.

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-01
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from alembic import op

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None

_DROPPED: dict[str, Any] = {  # name: type
    "timestamp": sa.DateTime(timezone=True),
    "actor_key": sa.String(length=600),
    "verb_id": sa.String(length=600),
    "object_kind": sa.String(length=16),
    "object_id": sa.String(length=600),
    "registration": sa.String(length=36),
}
_NOT_NULL = ("timestamp", "verb_id", "object_kind")


def _file_queue() -> None:
    """File every queued key where queries find it, then drop the queue (the statements table is
    rebuilt next on SQLite, and the queue's foreign key would take its rows with it)."""
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


def _create_queue(*, with_id: bool) -> None:
    columns: list[sa.Column[Any]] = [sa.Column("seq", sa.Integer(), nullable=False)]
    if with_id:
        columns.append(sa.Column("id", sa.String(length=36), nullable=False))
    op.create_table(
        "xapi_index_queue",
        *columns,
        sa.Column("keys", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["seq"],
            ["xapi_statements.seq"],
            name=op.f("fk_xapi_index_queue_seq_xapi_statements"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("seq", name=op.f("pk_xapi_index_queue")),
    )


def upgrade() -> None:
    _file_queue()
    with op.batch_alter_table("xapi_statements", schema=None) as batch_op:
        batch_op.drop_constraint("uq_xapi_statements_id", type_="unique")
        for name in _DROPPED:
            batch_op.drop_column(name)
    _create_queue(with_id=True)
    op.create_table(
        "xapi_statement_ids",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_xapi_statement_ids")),
        sqlite_with_rowid=False,
    )
    op.execute("INSERT INTO xapi_statement_ids (id, seq) SELECT id, seq FROM xapi_statements")


def _utc(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00")).astimezone(UTC)


def downgrade() -> None:
    from learnloop.adapters.xapi import statement_keys  # what the columns held, from the JSON

    bind = op.get_bind()
    _file_queue()
    _create_queue(with_id=False)  # empty: every key was filed above
    op.drop_table("xapi_statement_ids")
    with op.batch_alter_table("xapi_statements", schema=None) as batch_op:
        for name, type_ in _DROPPED.items():
            batch_op.add_column(sa.Column(name, type_, nullable=True))
    table = sa.table(
        "xapi_statements", sa.column("seq", sa.Integer()),
        *(sa.column(name, type_) for name, type_ in _DROPPED.items()),
    )  # fmt: skip
    values = []
    for seq, raw in bind.execute(sa.text("SELECT seq, statement FROM xapi_statements")).all():
        st = json.loads(raw) if isinstance(raw, str) else raw
        k = statement_keys(st)
        values.append(
            {
                "b_seq": seq, "timestamp": _utc(st["timestamp"]), "actor_key": k.actor,
                "verb_id": k.verb, "object_kind": k.object_kind, "object_id": k.object_id,
                "registration": k.registration,
            }
        )  # fmt: skip
    if values:
        bind.execute(table.update().where(table.c.seq == sa.bindparam("b_seq")), values)
    with op.batch_alter_table("xapi_statements", schema=None) as batch_op:
        for name in _NOT_NULL:
            batch_op.alter_column(name, existing_type=_DROPPED[name], nullable=False)
        batch_op.create_unique_constraint("uq_xapi_statements_id", ["id"])
