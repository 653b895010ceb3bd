"""Writing xAPI statements: shared by the LRS (``services.lrs``) and by the learning loop, which
records every in-app answer as a statement (``services.learning``).

A batch is written with two bulk inserts (``storage.bulk``: multi-row INSERTs through the driver
on SQLite, COPY on PostgreSQL), not one ORM object per row: the statements, with their storage numbers, and
on SQLite one queue row each holding the keys it is to be filed under. Filing the keys there
(``statement_index``) waits for a larger batch or for a query: written here, each key would land
on a randomly placed index page, and a commit of 400 statements wrote some 20 KB of SQLite's
write-ahead log a statement (measured), against 2 to 4 KB without them. PostgreSQL files them
at once (below).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from typing import Any, cast

from sqlalchemy import Table, insert, select
from sqlalchemy.orm import Session

from learnloop.adapters.xapi import index_pairs, statement_keys
from learnloop.adapters.xapi.attachments import AttachmentContent
from learnloop.storage.bulk import insert_rows, insert_rows_returning_keys
from learnloop.storage.json_text import dumps
from learnloop.storage.tables import (
    XapiAttachment,
    XapiIndexQueue,
    XapiStatement,
    XapiStatementKey,
)

__all__ = ["insert_attachments", "insert_statement", "insert_statements"]

_STATEMENTS = cast(Table, XapiStatement.__table__)
_QUEUE = cast(Table, XapiIndexQueue.__table__)
_KEYS = cast(Table, XapiStatementKey.__table__)


def _to_utc(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00")).astimezone(UTC)


def _target(st: Mapping[str, Any], targets: Mapping[str, Mapping[str, Any]] | None) -> Any:
    obj = st["object"]
    if obj.get("objectType") != "StatementRef":
        return None
    return (targets or {}).get(obj.get("id", ""))


def insert_statements(
    s: Session,
    statements: Sequence[dict[str, Any]],
    *,
    client_ids: Sequence[int | None],
    now: datetime,
    targets: Mapping[str, Mapping[str, Any]] | None = None,
) -> None:
    """Store complete, valid statements (each with the LRS client that sent it, None for
    learnloop's own) and queue their index keys, in the caller's transaction. ``targets``:
    statements by id; one targeted through a StatementRef lends its keys to the statement
    targeting it."""
    if not statements:
        return
    keys = [statement_keys(st) for st in statements]
    rows = [
        {
            "id": st["id"], "stored": now, "timestamp": _to_utc(st["timestamp"]),
            "actor_key": k.actor, "verb_id": k.verb, "object_kind": k.object_kind,
            "object_id": k.object_id, "registration": k.registration, "voided": False,
            "client_id": client, "statement": st,
        }
        for st, k, client in zip(statements, keys, client_ids, strict=True)
    ]  # fmt: skip
    # Storage numbers are matched to statements by id (rows may come back in any order).
    seq_of = insert_rows_returning_keys(s, _STATEMENTS, rows, key="seq", by="id")
    pairs = [(seq_of[st["id"]], index_pairs(k, _target(st, targets))) for st, k in
             zip(statements, keys, strict=True)]  # fmt: skip
    if s.get_bind().dialect.name == "postgresql":
        # Filed at once: PostgreSQL logs rows, not the pages they land on, and two processes
        # write side by side, so filing later gained nothing there (measured: 7,950 against
        # 7,000 to 11,400 statements/s in batches) and cost queries a queue to look at.
        insert_rows(s, _KEYS, [{"kind": kind, "key": key, "seq": seq} for seq, found in pairs
                               for kind, key in found])  # fmt: skip
    else:
        insert_rows(s, _QUEUE, [{"seq": seq, "keys": dumps(found)} for seq, found in pairs])


def insert_statement(
    s: Session, st: dict[str, Any], *, client_id: int | None, now: datetime
) -> None:
    """Store one complete, valid statement and its index keys in the caller's transaction."""
    insert_statements(s, [st], client_ids=[client_id], now=now)


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
