"""learnloop's own xAPI records of in-app answers, kept true when an answer changes afterwards.

Every in-app answer is recorded in the LRS as a statement whose id comes from the answer's id
(``attempt_statement_id``). Statements are never changed: when an answer is withdrawn, learnloop
voids its record; when an answer is graded again with a different outcome, learnloop voids its
record and stores a corrected one (``regraded_statement_id``: the first, second... correction);
when a withdrawn answer is put back, learnloop stores a new record of it the same way.
The current record of an answer is the last of these that is stored.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import update
from sqlalchemy.orm import Session

from learnloop.adapters.xapi.learnloop_ids import (
    answer_statement,
    attempt_statement_id,
    regraded_statement_id,
    voiding_statement,
)
from learnloop.services.statement_store import insert_statements
from learnloop.storage.statement_lookup import StoredStatement, statements_by_id
from learnloop.storage.tables import Attempt, XapiStatement

__all__ = ["current_record", "record_anew", "void_record"]

# Corrections looked for at most (all in one query): an answer graded again or put back more
# often than this is not a case of a mistaken key or a slip; past it, the answer still changes
# in learnloop, and its LRS record is left as the fiftieth correction said.
_MAX_REGRADES = 50


def _ids(base: str, attempt_id: int) -> list[str]:
    return [attempt_statement_id(base, attempt_id)] + [
        regraded_statement_id(base, attempt_id, k) for k in range(1, _MAX_REGRADES + 1)
    ]


def current_record(
    s: Session, base: str, attempt_id: int
) -> tuple[int, str, StoredStatement] | None:
    """The answer's current record: how many corrections came before it, its id and the stored
    statement; None when the LRS holds none (an answer from before the LRS, or erased)."""
    ids = _ids(base, attempt_id)
    stored = statements_by_id(s, ids)
    found = [(k, i) for k, i in enumerate(ids) if i in stored]
    if not found:
        return None
    k, statement_id = found[-1]
    return k, statement_id, stored[statement_id]


def void_record(
    s: Session, base: str, attempt_id: int, *, actor: dict[str, Any], now: datetime
) -> str | None:
    """Void the answer's current record, if it is stored and not voided yet; the voiding
    statement's id."""
    current = current_record(s, base, attempt_id)
    if current is None or current[2].voided:
        return None
    _, target_id, target = current
    st = voiding_statement(base, target=target_id, actor=actor, when=now)
    if statements_by_id(s, [st["id"]]):
        return None
    insert_statements(s, [st], client_ids=[None], now=now, targets={target_id: target.statement})
    s.execute(update(XapiStatement).where(XapiStatement.seq == target.seq).values(voided=True))
    return str(st["id"])


def record_anew(
    s: Session,
    base: str,
    attempt: Attempt,
    *,
    username: str,
    display_name: str,
    course: str,
    actor: dict[str, Any],
    now: datetime,
) -> str | None:
    """The answer was graded again, or put back after it was withdrawn: void its current record
    (if it is not voided yet) and store a new one as the answer now stands (answered when it was,
    stored now); the new record's id, or None when the answer had no record to begin with."""
    current = current_record(s, base, attempt.id)
    if current is None or current[0] >= _MAX_REGRADES:
        return None
    void_record(s, base, attempt.id, actor=actor, now=now)
    statement_id = regraded_statement_id(base, attempt.id, current[0] + 1)
    st = answer_statement(
        base, attempt_id=attempt.id, username=username, display_name=display_name,
        course=course, activity=attempt.activity_key, item=attempt.item_key,
        correct=attempt.correct, response=attempt.answer_text, when=attempt.created_at,
        statement_id=statement_id,
    )  # fmt: skip
    st["stored"] = now.isoformat(timespec="milliseconds").replace("+00:00", "Z")
    insert_statements(s, [st], client_ids=[None], now=now)
    return statement_id
