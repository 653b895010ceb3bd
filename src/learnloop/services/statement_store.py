"""Writing xAPI statements: shared by the LRS (``services.lrs``) and by the learning loop, which
records every in-app answer as a statement (``services.learning``).

A batch is written with two bulk inserts (``storage.bulk``: multi-row INSERTs through the driver
on SQLite, COPY on PostgreSQL), not one ORM object per row: the statements, with their storage
numbers, and on SQLite one queue row each holding its id and the keys it is to be filed under.
Filing them (``statement_index``) waits for a larger batch or for a query: written here, each key
would land on a randomly placed index page, and a commit of 400 statements wrote some 20 KB of
SQLite's write-ahead log a statement (measured), against 2 to 4 KB without them. PostgreSQL
files them at once (below).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any, cast

from sqlalchemy import Table, insert, select
from sqlalchemy.orm import Session

from learnloop.adapters.xapi import index_pairs, statement_keys, target_keys
from learnloop.adapters.xapi.attachments import AttachmentContent
from learnloop.services.statement_index import file_if_long
from learnloop.storage.bulk import insert_rows, insert_rows_returning_keys
from learnloop.storage.json_text import dumps
from learnloop.storage.statement_lookup import statements_by_id
from learnloop.storage.tables import (
    XapiAttachment,
    XapiIndexQueue,
    XapiStatement,
    XapiStatementId,
    XapiStatementKey,
)

__all__ = ["insert_attachments", "insert_statement", "insert_statements"]

_STATEMENTS = cast(Table, XapiStatement.__table__)
_QUEUE = cast(Table, XapiIndexQueue.__table__)
_KEYS = cast(Table, XapiStatementKey.__table__)
_IDS = cast(Table, XapiStatementId.__table__)


def _target(st: Mapping[str, Any], targets: Mapping[str, Mapping[str, Any]] | None) -> Any:
    obj = st["object"]
    if obj.get("objectType") != "StatementRef":
        return None
    return (targets or {}).get(obj.get("id", ""))


def _with_target(
    own: list[tuple[str, str]], target: Mapping[str, Any] | None
) -> list[tuple[str, str]]:
    return own if target is None else list(dict.fromkeys(own + target_keys(target)))


def insert_statements(
    s: Session,
    statements: Sequence[dict[str, Any]],
    *,
    client_ids: Sequence[int | None],
    now: datetime,
    targets: Mapping[str, Mapping[str, Any]] | None = None,
    own_keys: Sequence[list[tuple[str, str]]] | None = None,
) -> dict[str, int]:
    """Store complete, valid statements (each with the LRS client that sent it, None for
    learnloop's own) and queue their index keys, in the caller's transaction; their storage
    numbers, by id. ``targets``: statements by id; one targeted through a StatementRef lends its
    keys to the statement targeting it. ``own_keys``: each statement's ``index_pairs`` when the
    caller has them already (the LRS works them out before it takes the write lock)."""
    if not statements:
        return {}
    rows = [
        {"id": st["id"], "stored": now, "voided": False, "client_id": client, "statement": st}
        for st, client in zip(statements, client_ids, strict=True)
    ]
    # Storage numbers are matched to statements by id (rows may come back in any order).
    seq_of = insert_rows_returning_keys(s, _STATEMENTS, rows, key="seq", by="id")
    if own_keys is None:
        own_keys = [index_pairs(statement_keys(st)) for st in statements]
    pairs = [(st["id"], seq_of[st["id"]], _with_target(own, _target(st, targets)))
             for st, own in zip(statements, own_keys, strict=True)]  # fmt: skip
    if s.get_bind().dialect.name == "postgresql":
        # Filed at once: PostgreSQL logs rows, not the pages they land on, and two processes
        # write side by side, so filing later gained nothing there (measured: 7,950 against
        # 7,000 to 11,400 statements/s in batches) and cost queries a queue to look at. The id's
        # row is what refuses a second copy (``XapiStatementId``).
        insert_rows(s, _IDS, [{"id": id_, "seq": seq} for id_, seq, _ in pairs])
        insert_rows(s, _KEYS, [{"kind": kind, "key": key, "seq": seq} for _, seq, found in pairs
                               for kind, key in found])  # fmt: skip
    else:
        insert_rows(
            s, _QUEUE, [{"seq": seq, "id": id_, "keys": dumps(found)} for id_, seq, found in pairs]
        )
    return seq_of


def insert_statement(
    s: Session, st: dict[str, Any], *, client_id: int | None, now: datetime
) -> bool:
    """Store one complete, valid statement and its index keys in the caller's transaction,
    unless a statement with its id is stored already; whether it was stored. learnloop's own
    statements have ids derived from the answer (``attempt_statement_id``), which an LRS client
    could have taken first: that statement is kept, and the answer is still recorded (on SQLite
    nothing else would refuse the second copy before its id is filed). On SQLite a long queue of
    keys is filed first (``statement_index.file_if_long``)."""
    if s.get_bind().dialect.name == "sqlite":
        file_if_long(s)
    if statements_by_id(s, [st["id"]]):
        return False
    insert_statements(s, [st], client_ids=[client_id], now=now)
    return True


def insert_attachments(
    s: Session, attachments: Sequence[AttachmentContent], *, now: datetime
) -> None:
    """Store attachment contents not stored yet (one row per SHA-2: the same file sent with many
    statements is kept once) in the caller's transaction."""
    fresh = {a.sha2: a for a in attachments}
    if not fresh:
        return
    stored = set(s.scalars(select(XapiAttachment.sha2).where(XapiAttachment.sha2.in_(fresh))))
    rows = [
        {"sha2": a.sha2, "content_type": a.content_type, "content": a.content, "stored": now}
        for sha2, a in sorted(fresh.items())
        if sha2 not in stored
    ]
    if rows:
        s.execute(insert(XapiAttachment), rows)
