"""The Learning Record Store's state changes: client credentials, and storing statements.

A batch is one transaction: every statement is validated before anything is written, and one
invalid statement rejects the batch with the path of the field at fault. Nothing is acknowledged
before the transaction commits (SQLite runs with synchronous=FULL).
"""

from __future__ import annotations

import json
import secrets
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import VerificationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from learnloop.adapters.xapi import InvalidStatement, validate_statement
from learnloop.adapters.xapi.learnloop_ids import (
    ATTEMPT_EXTENSION,
    PLATFORM,
    activity_iri,
    parse_learner,
    parse_object,
)
from learnloop.domain import Role
from learnloop.exceptions import (
    AuthenticationFailed,
    Conflict,
    DuplicateName,
    InvalidInput,
    NotFound,
    PermissionDenied,
)
from learnloop.services.learning import apply_answer, is_locked, mastery_rows
from learnloop.services.statement_store import insert_statement
from learnloop.storage import Database
from learnloop.storage.course_store import course_of_learner
from learnloop.storage.tables import LrsClient, User, XapiStatement

__all__ = [
    "VOIDED",
    "ClientCredentials",
    "LrsCaller",
    "authenticate_client",
    "create_client",
    "feed_learner_model",
    "revoke_client",
    "store_statements",
]

VOIDED = "http://adlnet.gov/expapi/verbs/voided"
# Properties that do not make two statements with the same id different (xAPI 1.0.3, Statement
# comparison): what the LRS itself sets or may normalise.
_IGNORED_IN_COMPARISON = ("authority", "stored", "version", "id", "timestamp")


@dataclass(frozen=True, slots=True)
class ClientCredentials:
    name: str
    key: str
    secret: str  # shown once; only its hash is stored
    can_write: bool


@dataclass(frozen=True, slots=True)
class LrsCaller:
    client_id: int
    name: str
    can_write: bool


def create_client(
    db: Database, hasher: PasswordHasher, *, name: str, can_write: bool, now: datetime | None = None
) -> ClientCredentials:
    if not name.strip() or len(name) > 120:
        raise InvalidInput("name", "give a name of 1 to 120 characters")
    key, secret = secrets.token_hex(10), secrets.token_urlsafe(24)
    with db.transaction() as s:
        if s.scalar(select(LrsClient.id).where(LrsClient.name == name)) is not None:
            raise DuplicateName("name", f"an LRS client named {name!r} exists")
        s.add(
            LrsClient(
                name=name, key=key, secret_hash=hasher.hash(secret), can_write=can_write,
                created_at=now or datetime.now(UTC), revoked_at=None,
            )
        )  # fmt: skip
    return ClientCredentials(name, key, secret, can_write)


def revoke_client(db: Database, *, name: str, now: datetime | None = None) -> None:
    with db.transaction() as s:
        client = s.scalar(select(LrsClient).where(LrsClient.name == name))
        if client is None:
            raise NotFound(f"no LRS client named {name!r}")
        client.revoked_at = client.revoked_at or now or datetime.now(UTC)


def authenticate_client(db: Database, hasher: PasswordHasher, key: str, secret: str) -> LrsCaller:
    with db.reading() as s:
        client = s.scalar(select(LrsClient).where(LrsClient.key == key))
        if client is None or client.revoked_at is not None:
            raise AuthenticationFailed("unknown or revoked LRS credentials")
        try:
            hasher.verify(client.secret_hash, secret)
        except VerificationError:
            raise AuthenticationFailed("unknown or revoked LRS credentials") from None
        return LrsCaller(client.id, client.name, client.can_write)


def _comparable(statement: dict[str, Any]) -> str:
    return json.dumps(
        {k: v for k, v in statement.items() if k not in _IGNORED_IN_COMPARISON}, sort_keys=True
    )


def _authority(caller: LrsCaller, base_url: str) -> dict[str, Any]:
    return {
        "objectType": "Agent",
        "name": caller.name,
        "account": {"homePage": base_url, "name": f"lrs-client:{caller.name}"},
    }


def _prepare(
    raw: Any, path: str, caller: LrsCaller, base_url: str, now: datetime, version: str
) -> dict[str, Any]:
    try:
        validate_statement(raw, path)
    except InvalidStatement as exc:
        raise InvalidInput(exc.path, exc.message) from None
    except (TypeError, AttributeError, KeyError) as exc:  # a shape no rule foresaw: still a 400
        raise InvalidInput(path, f"is malformed ({exc})") from None
    statement: dict[str, Any] = _normalised(raw)
    statement["id"] = str(uuid.UUID(statement["id"])) if "id" in statement else str(uuid.uuid4())
    stored = now.isoformat(timespec="milliseconds").replace("+00:00", "Z")
    statement["stored"] = stored
    statement.setdefault("timestamp", stored)
    statement["authority"] = _authority(caller, base_url)
    statement.setdefault("version", version)
    return statement


def _normalised(raw: dict[str, Any]) -> dict[str, Any]:
    """A copy with every contextActivities value as a list (the LRS returns arrays even for one)."""
    statement: dict[str, Any] = json.loads(json.dumps(raw))
    for part in (statement, statement.get("object")):
        if isinstance(part, dict):
            activities = (part.get("context") or {}).get("contextActivities")
            if isinstance(activities, dict):
                for key, value in activities.items():
                    if not isinstance(value, list):
                        activities[key] = [value]
    return statement


def store_statements(
    db: Database,
    caller: LrsCaller,
    statements: list[Any],
    *,
    base_url: str,
    version: str = "1.0.0",
    put_id: str | None = None,
    now: datetime | None = None,
) -> list[str]:
    """Store a batch (or, with ``put_id``, one statement under that id); the ids, in order.

    A statement whose id is already stored with the same content is not stored again; with
    other content it is a conflict (409) and nothing of the batch is kept."""
    if not caller.can_write:
        raise PermissionDenied("these LRS credentials are read-only")
    if not statements:
        raise InvalidInput("statements", "send a statement or a non-empty list of statements")
    now = now or datetime.now(UTC)
    # "stored" is written with millisecond precision; the index keeps the same instant, so that
    # since/until given as a statement's own "stored" select it exactly.
    now = now.replace(microsecond=now.microsecond // 1000 * 1000)
    single = put_id is not None or len(statements) == 1
    prepared = [
        _prepare(raw, "statement" if single else f"statements[{i}]", caller, base_url, now, version)
        for i, raw in enumerate(statements)
    ]
    if put_id is not None:
        if prepared[0]["id"] != str(uuid.UUID(put_id)) and "id" in statements[0]:
            raise InvalidInput("statementId", "differs from the statement's own id")
        prepared[0]["id"] = str(uuid.UUID(put_id))
    ids = [st["id"] for st in prepared]
    if len(set(ids)) != len(ids):
        raise InvalidInput("statements", "the batch holds two statements with the same id")
    with db.transaction() as s:
        existing = {
            row.id: row for row in s.scalars(select(XapiStatement).where(XapiStatement.id.in_(ids)))
        }
        fresh = []
        for st in prepared:
            old = existing.get(st["id"])
            if old is None:
                fresh.append(st)
            elif _comparable(old.statement) != _comparable(st):
                raise Conflict(f"statement {st['id']} is already stored with other content")
        _void(s, fresh)
        for st in fresh:
            insert_statement(s, st, client_id=caller.client_id, now=now)
            feed_learner_model(s, st, public_url=base_url, now=now)
    return ids


def _void(s: Session, statements: list[dict[str, Any]]) -> None:
    targets = [st["object"]["id"] for st in statements if st["verb"]["id"] == VOIDED]
    if not targets:
        return
    rows = {r.id: r for r in s.scalars(select(XapiStatement).where(XapiStatement.id.in_(targets)))}
    for target in targets:
        row = rows.get(target)
        if row is None:
            continue  # voiding what this LRS never saw is allowed; nothing to mark
        if row.verb_id == VOIDED:
            raise InvalidInput("statement.object.id", "a voiding statement cannot be voided")
        row.voided = True


# Verbs that report an answer or a finished activity; the outcome comes from result.success, or
# from result.score.scaled against PASSING_SCALED when success is absent.
LEARNING_VERBS = {
    "http://adlnet.gov/expapi/verbs/answered",
    "http://adlnet.gov/expapi/verbs/completed",
    "http://adlnet.gov/expapi/verbs/passed",
    "http://adlnet.gov/expapi/verbs/failed",
}
# A scaled score of 0.8 or more counts as right when a statement gives no success: the usual
# mastery score of SCORM packages, which is what most xAPI content grew out of.
PASSING_SCALED = 0.8


def _outcome(st: dict[str, Any]) -> bool | None:
    result = st.get("result") or {}
    if isinstance(result.get("success"), bool):
        return bool(result["success"])
    scaled = (result.get("score") or {}).get("scaled")
    if isinstance(scaled, int | float) and not isinstance(scaled, bool):
        return scaled >= PASSING_SCALED
    return None


def feed_learner_model(s: Session, st: dict[str, Any], *, public_url: str, now: datetime) -> bool:
    """A statement about a learnloop item or activity by a learnloop learner updates the learner
    model exactly as an answer in the app does (``learning.apply_answer``). Statements learnloop
    emitted itself, and any statement about a locked activity, a course the learner does not
    follow or without an outcome, change nothing. Returns whether the model was updated."""
    if (
        st["verb"]["id"] not in LEARNING_VERBS
        or st["object"].get("objectType", "Activity") != "Activity"
    ):
        return False
    context = st.get("context") or {}
    if context.get("platform") == PLATFORM and ATTEMPT_EXTENSION in (
        context.get("extensions") or {}
    ):
        return False  # learnloop's own record of an in-app answer: already counted
    correct = _outcome(st)
    target = parse_object(public_url, st["object"]["id"])
    username = parse_learner(public_url, st["actor"])
    if correct is None or target is None or username is None:
        return False
    user = s.scalar(select(User).where(User.username == username))
    if user is None or user.role != Role.LEARNER.value:
        return False
    try:
        course_id, course = course_of_learner(s, user.id)
    except NotFound:
        return False
    if course.slug != target.course:
        return False
    if target.kind == "item":
        if target.key not in course.items:
            return False
        parents = (
            [p["id"] for p in (context.get("contextActivities") or {}).get("parent", []) or []]
            if isinstance((context.get("contextActivities") or {}).get("parent", []), list)
            else []
        )
        activity = next(
            (
                a for a in course.activities.values()
                if target.key in a.items and activity_iri(public_url, course.slug, a.key) in parents
            ),
            next((a for a in course.activities.values() if target.key in a.items), None),
        )  # fmt: skip
        if activity is None:
            return False
        items = [target.key]
    else:
        found = course.activities.get(target.key)
        if found is None or not found.items:
            return False
        activity, items = found, [found.items[0]]
    rows = mastery_rows(s, user.id, course_id)
    if is_locked(course, activity.objectives, rows):
        return False
    response = (st.get("result") or {}).get("response", "")
    for item in items:
        apply_answer(
            s, user_id=user.id, course_id=course_id, course=course, rows=rows,
            activity_key=activity.key,
            item_key=item, correct=correct, response={"xapi": st["id"]},
            answer_text=str(response)[:1000] or ("right" if correct else "wrong"), now=now,
            statement_id=st["id"],
        )  # fmt: skip
    return True
