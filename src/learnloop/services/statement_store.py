"""Writing one xAPI statement and its index keys: shared by the LRS (``services.lrs``) and by the
learning loop, which records every in-app answer as a statement (``services.learning``)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy.orm import Session

from learnloop.adapters.xapi import statement_keys
from learnloop.storage.tables import XapiStatement, XapiStatementKey

__all__ = ["insert_statement"]


def _to_utc(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00")).astimezone(UTC)


def insert_statement(
    s: Session, st: dict[str, Any], *, client_id: int | None, now: datetime
) -> None:
    """Store a complete, valid statement and its index keys in the caller's transaction."""
    keys = statement_keys(st)
    row = XapiStatement(
        id=st["id"], stored=now, timestamp=_to_utc(st["timestamp"]), actor_key=keys.actor,
        verb_id=keys.verb, object_kind=keys.object_kind, object_id=keys.object_id,
        registration=keys.registration, voided=False, client_id=client_id, statement=st,
    )  # fmt: skip
    s.add(row)
    s.flush()
    for kind, values in (("agent", keys.agents), ("activity", keys.activities)):
        for key in values:
            s.add(XapiStatementKey(seq=row.seq, kind=kind, key=key))
