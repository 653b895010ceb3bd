"""A copy of the statements stored here, sent to another Learning Record Store: the district's or
the university's own, where its reports and other systems' records are (product.md: xAPI learning
records in and out).

An administrator names the other LRS, its credentials (kept encrypted with a key derived from the
instance's secret, as two-step sign-in's are) and what it gets: learnloop's own statements (the
answers given in the app) or every statement stored here, of every course or of one
(``course_statements``: a course's own activities and items, and the outside content it lists),
from now on or from the start.
``learnloop xapi-forward`` (from cron) sends what waits, in storage order, a batch a request; each
batch the other LRS accepted moves the copy's place in the same transaction that records it, so a
run stopped half way sends the rest next time and nothing is skipped (a batch may go twice, which
an LRS takes as it is: the same ids with the same content).

Only statements stored ``SETTLE_SECONDS`` ago are sent. Their storage numbers are handed out when
a transaction writes, and on PostgreSQL two writers may commit out of that order; a statement is
committed within a second or two of being stored, so by then none before it can still appear.

A statement the other LRS refuses (400, or 409 for an id it holds with other content) stops the
copy there, named on the connections page, until an administrator skips it (on the audit trail):
nothing is left out without someone deciding it. A failure (the LRS down, 5xx, credentials
refused) is retried by the next run from the same place.

After the statements, the run voids the LRS's copies of statements an erasure deleted here
(services.xapi_forward_voids): xAPI deletes nothing, so a voiding statement is as far as an
erasure can reach into another store.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from functools import partial
from typing import Any
from urllib.parse import urlsplit

from cryptography.fernet import Fernet, InvalidToken
from sqlalchemy import ColumnElement, func, select, update
from sqlalchemy.orm import Session

from learnloop.adapters.xapi.forwarding import (
    Attachment,
    ForwardFailed,
    ForwardRefused,
    Request,
    post_statements,
    statements_request,
)
from learnloop.adapters.xapi.learnloop_ids import course_iri
from learnloop.domain import Role, Viewer
from learnloop.exceptions import DuplicateName, InvalidInput, NotFound
from learnloop.services.audit import OPERATOR, record_event
from learnloop.services.statement_index import catch_up
from learnloop.services.xapi_forward_voids import send_voids
from learnloop.storage import Database
from learnloop.storage.access import require_role
from learnloop.storage.course_store import course_by_id, course_by_slug
from learnloop.storage.secret_box import secret_box
from learnloop.storage.tables import XapiAttachment, XapiForward, XapiForwardSkip, XapiStatement
from learnloop.storage.xapi_forward_tables import course_statements, still_to_send

__all__ = [
    "FORWARD_BATCH",
    "MAX_FORWARD_NAME",
    "SCOPES",
    "SETTLE_SECONDS",
    "VERSIONS",
    "ForwardRun",
    "add_forward",
    "change_credentials",
    "forward_statements",
    "remove_forward",
    "skip_refused",
]

# Statements a request: an LRS takes a hundred at once as readily as one (a request's own cost
# is most of it), and a hundred statements with their attachments stay far below any LRS's
# request limit.
FORWARD_BATCH = 100
# Seconds a statement waits before it is sent (the module says why).
SETTLE_SECONDS = 30
SCOPES = ("own", "all")  # learnloop's own statements (client_id is None), or every one
VERSIONS = ("1.0.3", "2.0.0")
MAX_FORWARD_NAME = 64

Send = Callable[[Request], None]


def _actor(viewer: Viewer | None) -> str:
    """Who the audit trail names: an administrator, or the operator on the command line."""
    if viewer is None:
        return OPERATOR
    require_role(viewer, Role.ADMIN)
    return viewer.username


def _fernet(key: str) -> Fernet:
    return secret_box(key, b"learnloop xapi forwarding")


_LOOPBACK = frozenset({"127.0.0.1", "::1", "localhost"})


def _checked_endpoint(endpoint: str) -> str:
    """The LRS's base URL ending in "/": HTTPS, or HTTP to this machine only (the learners'
    records and the credentials must not cross a network in clear)."""
    endpoint = endpoint.strip()
    parts = urlsplit(endpoint)
    if parts.scheme not in ("https", "http") or not parts.hostname or len(endpoint) > 490:
        raise InvalidInput("endpoint", "give the LRS's address, like https://lrs.example.org/xapi/")
    if parts.scheme == "http" and parts.hostname not in _LOOPBACK:
        raise InvalidInput(
            "endpoint", "use https: the records and credentials must not cross the network in clear"
        )
    if parts.query or parts.fragment:
        raise InvalidInput("endpoint", "the LRS's address has no query or fragment")
    return endpoint if endpoint.endswith("/") else endpoint + "/"


def add_forward(
    db: Database,
    viewer: Viewer | None,
    *,
    name: str,
    endpoint: str,
    username: str,
    password: str,
    version: str,
    scope: str,
    from_start: bool,
    key: str,
    now: datetime,
    course: str = "",
) -> None:
    """Send a copy of the statements to another LRS, from now on or (``from_start``) from the
    first statement stored here; only those about the course whose slug is ``course`` when one
    is given. ``viewer`` None: the operator, on the command line."""
    actor = _actor(viewer)
    name = name.strip()
    if not name or len(name) > MAX_FORWARD_NAME:
        raise InvalidInput("name", "name the LRS in at most %(n)s characters", n=MAX_FORWARD_NAME)
    endpoint = _checked_endpoint(endpoint)
    if not username.strip() or len(username) > 200:
        raise InvalidInput("username", "give the user name (key) the other LRS gave learnloop")
    if not password or len(password) > 1024:
        raise InvalidInput("password", "give the password (secret) the other LRS gave learnloop")
    if version not in VERSIONS:
        raise InvalidInput("version", "choose xAPI 1.0.3 or 2.0.0")
    if scope not in SCOPES:
        raise InvalidInput("scope", "choose own or all")
    course = course.strip()
    with db.transaction() as s:
        if s.scalar(select(XapiForward.id).where(XapiForward.name == name)) is not None:
            raise DuplicateName("name", "an LRS named %(name)s already gets the statements",
                                name=repr(name))  # fmt: skip
        course_id = None
        if course:
            try:
                course_id, _ = course_by_slug(s, course)
            except NotFound:
                raise InvalidInput(
                    "course", "no course here is named %(course)s", course=repr(course)
                ) from None
        start = 0 if from_start else int(s.scalar(select(func.max(XapiStatement.seq))) or 0)
        s.add(XapiForward(
            name=name, endpoint=endpoint, username=username.strip(),
            secret=_fernet(key).encrypt(password.encode()).decode(), xapi_version=version,
            scope=scope, sent_through=start, started_after=start, sent_count=0, created_at=now,
            last_error="", course_id=course_id,
        ))  # fmt: skip
        record_event(s, actor=actor, action="xapi.forward_added", subject=name, now=now,
                     details={"endpoint": endpoint, "scope": scope, "from_start": from_start,
                              "course": course or None})  # fmt: skip


def _named(s: Any, name: str) -> XapiForward:
    forward = s.scalar(select(XapiForward).where(XapiForward.name == name).with_for_update())
    if forward is None:
        raise NotFound(f"no LRS named {name!r} gets the statements")
    assert isinstance(forward, XapiForward)
    return forward


def change_credentials(
    db: Database,
    viewer: Viewer | None,
    *,
    name: str,
    username: str,
    password: str,
    key: str,
    now: datetime,
    endpoint: str = "",
) -> None:
    """Give the LRS ``name`` new credentials (it rotated them, or the instance's secret key
    changed and the old password cannot be read any more) and, when ``endpoint`` is given, a new
    address (it moved), keeping its place: the next run goes on from the statement after the
    last one it took, as removing and adding it again would not."""
    actor = _actor(viewer)
    new_endpoint = _checked_endpoint(endpoint) if endpoint.strip() else ""
    if not username.strip() or len(username) > 200:
        raise InvalidInput("username", "give the user name (key) the other LRS gave learnloop")
    if not password or len(password) > 1024:
        raise InvalidInput("password", "give the password (secret) the other LRS gave learnloop")
    with db.transaction() as s:
        forward = _named(s, name)
        details = {"endpoint": new_endpoint or forward.endpoint,
                   "moved_from": forward.endpoint if new_endpoint else None}  # fmt: skip
        forward.username = username.strip()
        forward.secret = _fernet(key).encrypt(password.encode()).decode()
        if new_endpoint:
            forward.endpoint = new_endpoint
        record_event(s, actor=actor, action="xapi.forward_credentials_changed", subject=name,
                     now=now, details=details)  # fmt: skip


def remove_forward(db: Database, viewer: Viewer | None, *, name: str, now: datetime) -> None:
    """Stop sending to that LRS; what it has stays there."""
    actor = _actor(viewer)
    with db.transaction() as s:
        forward = _named(s, name)
        details = {"endpoint": forward.endpoint, "sent": forward.sent_count}
        s.delete(forward)
        record_event(s, actor=actor, action="xapi.forward_removed", subject=name,
                     now=now, details=details)  # fmt: skip


def skip_refused(db: Database, viewer: Viewer | None, *, name: str, now: datetime) -> str:
    """Go on past the statement the LRS refused, without it; its id (on the audit trail)."""
    actor = _actor(viewer)
    with db.transaction() as s:
        forward = _named(s, name)
        if forward.refused_seq is None:
            raise InvalidInput("name", "%(name)s refused no statement", name=name)
        statement_id = s.scalar(
            select(XapiStatement.id).where(XapiStatement.seq == forward.refused_seq)
        )
        forward.sent_through = max(forward.sent_through, forward.refused_seq)
        s.add(XapiForwardSkip(forward_id=forward.id, seq=forward.refused_seq))  # never voided there
        forward.refused_seq, forward.last_error = None, ""
        record_event(s, actor=actor, action="xapi.forward_skipped", subject=name,
                     now=now, details={"statement": statement_id or ""})  # fmt: skip
        return str(statement_id or "")


@dataclass(frozen=True)
class ForwardRun:
    """What one run did for one LRS."""

    name: str
    sent: int
    waiting: int  # statements still to send (those settling included)
    error: str  # "" when everything due went
    refused: bool  # the error is a refused statement, which waits for an administrator
    voided: int = 0  # its copies of erased statements voided (services.xapi_forward_voids)
    voids_waiting: int = 0  # copies still to void


@dataclass(frozen=True)
class _Target:
    id: int
    name: str
    endpoint: str
    username: str
    password: str
    version: str
    scope: str
    course_id: int | None  # only that course's statements (None: every course's)
    base: str  # learnloop's public address, which its own activity IRIs start with


def _about(s: Session, target: _Target, after: int) -> ColumnElement[bool] | None:
    """The condition of the statements about ``target``'s course stored after ``after``, or
    None for every course."""
    if target.course_id is None:
        return None
    course = course_by_id(s, target.course_id)
    return course_statements(course, course_iri(target.base, course.slug), after)


def _batch(
    db: Database, target: _Target, after: int, settled: datetime, size: int
) -> tuple[list[tuple[int, dict[str, Any]]], dict[str, Attachment]]:
    """The next statements due for ``target`` after storage number ``after``, and the contents
    of the attachments they carry that were sent with them."""
    with db.reading() as s:
        query = select(XapiStatement.seq, XapiStatement.statement).where(
            still_to_send(target.scope, after, _about(s, target, after)),
            XapiStatement.stored <= settled,
        )
        rows = [
            (int(q), dict(st)) for q, st in s.execute(query.order_by(XapiStatement.seq).limit(size))
        ]
        wanted = {a["sha2"] for _, st in rows for a in st.get("attachments", []) if "sha2" in a}
        stored = s.execute(select(XapiAttachment).where(XapiAttachment.sha2.in_(wanted))).scalars()
        attachments = {a.sha2: Attachment(a.content_type, a.content) for a in stored}
    return rows, attachments


def _send(target: _Target, statements: list[dict[str, Any]],
          attachments: dict[str, Attachment], send: Send) -> None:  # fmt: skip
    used = {a["sha2"] for st in statements for a in st.get("attachments", []) if "sha2" in a}
    request = statements_request(
        target.endpoint, statements, {sha2: a for sha2, a in attachments.items() if sha2 in used},
        version=target.version, username=target.username, password=target.password,
    )  # fmt: skip
    send(request)


def _record(db: Database, target: _Target, through: int, sent: int, now: datetime) -> None:
    with db.transaction() as s:
        s.execute(
            update(XapiForward).where(XapiForward.id == target.id, XapiForward.sent_through < through)
            .values(sent_through=through, sent_count=XapiForward.sent_count + sent,
                    last_success_at=now, last_error="")
        )  # fmt: skip


def _failed(db: Database, target: _Target, error: str, now: datetime, refused: int | None) -> None:
    with db.transaction() as s:
        s.execute(
            update(XapiForward).where(XapiForward.id == target.id)
            .values(last_failure_at=now, last_error=error[:1000], refused_seq=refused)
        )  # fmt: skip


def _waiting(db: Database, target: _Target, after: int) -> int:
    with db.reading() as s:
        condition = still_to_send(target.scope, after, _about(s, target, after))
        return int(s.scalar(select(func.count()).select_from(XapiStatement).where(condition)) or 0)


def _forward_one(
    db: Database, target: _Target, after: int, *, now: datetime, until: datetime,
    clock: Callable[[], datetime], send: Send, size: int,
) -> ForwardRun:  # fmt: skip
    settled = now - timedelta(seconds=SETTLE_SECONDS)
    sent, batch, single_until = 0, size, 0
    while clock() < until:
        rows, attachments = _batch(db, target, after, settled, 1 if after < single_until else batch)
        if not rows:
            break
        try:
            _send(target, [st for _, st in rows], attachments, send)
        except ForwardFailed as exc:
            _failed(db, target, str(exc), now, None)
            return ForwardRun(target.name, sent, _waiting(db, target, after), str(exc), False)
        except ForwardRefused as exc:
            if len(rows) == 1:
                error = f"statement {rows[0][1].get('id', '')} refused: {exc}"
                _failed(db, target, error, now, rows[0][0])
                return ForwardRun(target.name, sent, _waiting(db, target, after), error, True)
            single_until = rows[-1][0]  # find the one it refuses: the batch goes one by one
            continue
        after = rows[-1][0]
        sent += len(rows)
        _record(db, target, after, len(rows), now)
    return ForwardRun(target.name, sent, _waiting(db, target, after), "", False)


def forward_statements(
    db: Database,
    *,
    key: str,
    base: str,
    now: datetime,
    until: datetime,
    clock: Callable[[], datetime],
    send: Send = post_statements,
    size: int = FORWARD_BATCH,
) -> list[ForwardRun]:
    """Send every LRS what waits for it, then void its copies of what an erasure deleted here
    (services.xapi_forward_voids, whose statements name learnloop at ``base``), until ``until``
    (by ``clock``: a run from cron ends before the next one starts). An LRS stopped at a refused
    statement gets no more statements, but its voidings still go."""
    with db.reading() as s:
        rows = list(s.scalars(select(XapiForward).order_by(XapiForward.name)))
    if any(row.course_id is not None for row in rows):
        catch_up(db)  # a course's statements are found by their index keys: all filed
    runs: list[ForwardRun] = []
    for row in rows:
        try:
            password = _fernet(key).decrypt(row.secret.encode()).decode()
        except InvalidToken:
            error = (
                "its password cannot be read: the instance's secret key changed; give its"
                " credentials again (learnloop xapi-forward credentials NAME)"
            )
            runs.append(ForwardRun(row.name, 0, 0, error, False))
            continue
        target = _Target(row.id, row.name, row.endpoint, row.username, password,
                         row.xapi_version, row.scope, row.course_id, base)  # fmt: skip
        if row.refused_seq is not None:
            run = ForwardRun(row.name, 0, 0, row.last_error, True)
        else:
            run = _forward_one(db, target, row.sent_through, now=now, until=until, clock=clock,
                               send=send, size=size)  # fmt: skip
        voids = send_voids(
            db, target.id, target.name, base=base, now=now, until=until, clock=clock, size=size,
            post=partial(_send, target, attachments={}, send=send),
        )  # fmt: skip
        error = "; ".join(e for e in (run.error, voids.error) if e)
        runs.append(replace(run, error=error, voided=voids.voided, voids_waiting=voids.waiting))
    return runs
