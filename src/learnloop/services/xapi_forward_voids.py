"""An erasure reaches the copies sent to other Learning Record Stores (services.xapi_forwarding),
as far as xAPI lets it: a statement cannot be deleted through the standard, only voided, and a
voided statement leaves the other LRS's answers to queries (it stays in its store, marked void,
until that store's administrator deletes it).

- ``queue_voids``: when an erasure (services.erasure) deletes a person's statements, in the same
  transaction, each LRS that may hold a copy of one of them gets a row waiting for its voiding
  statement: every LRS that gets all the statements, and for an LRS that gets learnloop's own
  only the statements learnloop wrote, and for an LRS that gets one course's only that course's;
  none for a statement stored before an LRS added "from now on" started, nor for one it refused
  and an administrator skipped (it never got it). A voiding statement is not voided in turn (xAPI forbids it), so the voiding of a withdrawn answer stays where it went.
- ``send_voids``: the run (``learnloop xapi-forward run``), after sending what waits for an LRS,
  drops the rows still ahead of its place (those statements were never sent, and never will be)
  and sends the others a voiding statement each, in batches, named by learnloop itself rather
  than by the person. A row goes once its LRS accepted the voiding; an LRS that is down keeps
  them for the next run; one that refuses a voiding statement has it dropped, on the audit
  trail, as nothing sent again would change its answer.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import delete, func, insert, select
from sqlalchemy.orm import Session

from learnloop.adapters.xapi.forwarding import ForwardFailed, ForwardRefused
from learnloop.adapters.xapi.learnloop_ids import VOIDED, course_iri, erasure_voiding_statement
from learnloop.services.audit import OPERATOR, record_event
from learnloop.storage import Database
from learnloop.storage.course_store import course_by_id
from learnloop.storage.tables import XapiForward, XapiForwardSkip, XapiForwardVoid, XapiStatement
from learnloop.storage.xapi_forward_tables import course_statements

__all__ = ["VoidRun", "queue_voids", "send_voids"]

_CHUNK = 500  # ids per IN (...): within every database's parameter limit


def _chunks(values: Sequence[Any]) -> list[Sequence[Any]]:
    return [values[i : i + _CHUNK] for i in range(0, len(values), _CHUNK)]


def _about_courses(
    s: Session, courses: set[int], seqs: list[int], base: str
) -> dict[int, set[int]]:
    """Of ``seqs``, those about each course of ``courses`` (by their filed index keys)."""
    about: dict[int, set[int]] = {}
    for course_id in courses:
        course = course_by_id(s, course_id)
        condition = course_statements(course, course_iri(base, course.slug))
        about[course_id] = set()
        for chunk in _chunks(seqs):
            about[course_id].update(s.scalars(select(XapiStatement.seq).where(
                XapiStatement.seq.in_(chunk), condition
            )))  # fmt: skip
    return about


def queue_voids(
    s: Session, named: Sequence[tuple[int, dict[str, Any]]], now: datetime, *, base: str
) -> int:
    """In the erasure's transaction, before its statements go and with their index keys filed:
    note, for every LRS that may hold a copy of one of ``named`` (storage number, statement),
    that its copy must be voided (``base``: learnloop's public address, for a course's activity
    IRIs); how many rows that made."""
    forwards = s.execute(select(
        XapiForward.id, XapiForward.scope, XapiForward.started_after, XapiForward.course_id
    )).all()  # fmt: skip
    voidable = [(seq, str(st["id"])) for seq, st in named if st["verb"]["id"] != VOIDED]
    if not forwards or not voidable:
        return 0
    seqs = [seq for seq, _ in voidable]
    from_clients: set[int] = set()
    if any(f.scope == "own" for f in forwards):
        for chunk in _chunks(seqs):
            from_clients.update(s.scalars(select(XapiStatement.seq).where(
                XapiStatement.seq.in_(chunk), XapiStatement.client_id.is_not(None)
            )))  # fmt: skip
    about = _about_courses(
        s, {f.course_id for f in forwards if f.course_id is not None}, seqs, base
    )
    skipped: set[tuple[int, int]] = set()  # refused there and skipped: never got
    for chunk in _chunks(seqs):
        found_skips = s.execute(select(XapiForwardSkip.forward_id, XapiForwardSkip.seq)
                                .where(XapiForwardSkip.seq.in_(chunk)))  # fmt: skip
        skipped.update((forward_id, seq) for forward_id, seq in found_skips)
    ids = [statement_id for _, statement_id in voidable]
    queued: set[tuple[int, str]] = set()  # a client may have sent an erased id again since
    for chunk in _chunks(ids):
        found = s.execute(select(XapiForwardVoid.forward_id, XapiForwardVoid.statement_id)
                          .where(XapiForwardVoid.statement_id.in_(chunk)))  # fmt: skip
        queued.update((forward_id, statement_id) for forward_id, statement_id in found)
    rows = [
        {"forward_id": forward_id, "statement_id": statement_id, "seq": seq, "erased_at": now}
        for forward_id, scope, started_after, course_id in forwards
        for seq, statement_id in voidable
        if seq > started_after  # stored before the LRS was added: never sent there
        and not (scope == "own" and seq in from_clients)
        and (course_id is None or seq in about[course_id])
        and (forward_id, seq) not in skipped
        and (forward_id, statement_id) not in queued
    ]
    if rows:
        s.execute(insert(XapiForwardVoid), rows)
    return len(rows)


@dataclass(frozen=True)
class VoidRun:
    """What one run's voiding did for one LRS."""

    voided: int  # voiding statements it accepted
    waiting: int  # copies still to void (the LRS was down)
    error: str  # "" when every one due went


Post = Callable[[list[dict[str, Any]]], None]


def _done(db: Database, forward_id: int, ids: list[str]) -> None:
    with db.transaction() as s:
        s.execute(delete(XapiForwardVoid).where(
            XapiForwardVoid.forward_id == forward_id, XapiForwardVoid.statement_id.in_(ids)
        ))  # fmt: skip


def _refused(db: Database, forward_id: int, name: str, statement_id: str, said: str,
             now: datetime) -> None:  # fmt: skip
    with db.transaction() as s:
        s.execute(delete(XapiForwardVoid).where(
            XapiForwardVoid.forward_id == forward_id, XapiForwardVoid.statement_id == statement_id
        ))  # fmt: skip
        record_event(s, actor=OPERATOR, action="xapi.forward_void_refused", subject=name, now=now,
                     details={"statement": statement_id, "said": said[:300]})  # fmt: skip


def _waiting(db: Database, forward_id: int) -> int:
    with db.reading() as s:
        return int(s.scalar(select(func.count()).select_from(XapiForwardVoid)
                            .where(XapiForwardVoid.forward_id == forward_id)) or 0)  # fmt: skip


def send_voids(
    db: Database, forward_id: int, name: str, *, base: str, post: Post, now: datetime,
    until: datetime, clock: Callable[[], datetime], size: int,
) -> VoidRun:  # fmt: skip
    """Void, in the LRS ``forward_id`` (sent to by ``post``), its copies of erased statements;
    call it after the run has sent that LRS what waits (see the module's docstring)."""
    with db.transaction() as s:
        place = s.scalar(select(XapiForward.sent_through).where(XapiForward.id == forward_id))
        s.execute(delete(XapiForwardVoid).where(
            XapiForwardVoid.forward_id == forward_id, XapiForwardVoid.seq > (place or 0)
        ))  # fmt: skip
    voided, refused = 0, []
    while clock() < until:
        with db.reading() as s:
            ids = list(s.scalars(
                select(XapiForwardVoid.statement_id).where(XapiForwardVoid.forward_id == forward_id)
                .order_by(XapiForwardVoid.seq).limit(size)
            ))  # fmt: skip
        if not ids:
            break
        statements = [erasure_voiding_statement(base, target=i, when=now) for i in ids]
        try:
            post(statements)
        except ForwardFailed as exc:
            return VoidRun(voided, _waiting(db, forward_id), str(exc))
        except ForwardRefused:  # which one: each goes alone
            for statement_id, statement in zip(ids, statements, strict=True):
                try:
                    post([statement])
                except ForwardFailed as exc:
                    return VoidRun(voided, _waiting(db, forward_id), str(exc))
                except ForwardRefused as exc:
                    refused.append(f"the voiding of statement {statement_id} refused: {exc}")
                    _refused(db, forward_id, name, statement_id, str(exc), now)
                else:
                    _done(db, forward_id, [statement_id])
                    voided += 1
            continue
        _done(db, forward_id, ids)
        voided += len(ids)
    return VoidRun(voided, _waiting(db, forward_id), "; ".join(refused))
