"""Stored xAPI statements by id, for the writer (ids already stored, voiding targets) and for GET
with statementId.

A statement's id is in ``XapiStatementId`` once it is filed, and before that in the index queue
(``XapiIndexQueue.id``), which stays short: a lookup reads both, in one query, and sees a filing
either before or after it (the filing is one transaction). The statements table has no index on
its id (see ``XapiStatementId``).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select, union_all
from sqlalchemy.orm import Session

from learnloop.storage.tables import XapiIndexQueue, XapiStatement, XapiStatementId

__all__ = ["StoredStatement", "statements_by_id"]

# Ids a query names at most (each twice: the ids table and the queue), within every database's
# parameter limit.
_CHUNK = 500


@dataclass(frozen=True, slots=True)
class StoredStatement:
    seq: int
    statement: dict[str, Any]
    voided: bool


def statements_by_id(s: Session, ids: Iterable[str]) -> dict[str, StoredStatement]:
    """The stored statements among ``ids`` (canonical UUID text), by id."""
    found: dict[str, StoredStatement] = {}
    unique = sorted(set(ids))
    for start in range(0, len(unique), _CHUNK):
        chunk = unique[start : start + _CHUNK]
        seqs = union_all(
            select(XapiStatementId.seq).where(XapiStatementId.id.in_(chunk)),
            select(XapiIndexQueue.seq).where(XapiIndexQueue.id.in_(chunk)),
        )
        rows = s.execute(
            select(XapiStatement.id, XapiStatement.seq, XapiStatement.statement,
                   XapiStatement.voided).where(XapiStatement.seq.in_(seqs))
        )  # fmt: skip
        found.update({r.id: StoredStatement(r.seq, r.statement, r.voided) for r in rows})
    return found
